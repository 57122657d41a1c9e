"""The seed (a real 2021 disclosure, errors and all) lands faithfully, table by table."""

from decimal import Decimal

import pytest
from django.utils import timezone

from disclosure.models import AuditEvent, Disclosure, DisclosureTable, Indicator
from tests.helpers import amount, mark, rows

pytestmark = pytest.mark.django_db

D = Decimal


def test_it_records_every_table_of_the_layout_with_its_state(seed_disclosure):
    states = dict(seed_disclosure.tables.values_list("number", "state"))
    assert states == {
        "01": "not_provided",
        "02": "provided",
        "03": "provided",
        "04": "provided",
        "05": "provided",
        "06": "provided",
        "07": "empty",
        "08": "empty",
        "09": "provided",
        "10": "provided",
        "11": "provided",
        "12": "provided",
    }


def test_it_publishes_the_seed_as_a_backfilled_year(seed_disclosure):
    assert seed_disclosure.status == "published"
    assert seed_disclosure.published_at is not None
    assert seed_disclosure.department.name == "玉溪市信访局"
    event = AuditEvent.objects.get(disclosure=seed_disclosure, action="publish_backfill")
    assert (event.from_status, event.to_status, event.details) == (
        "draft",
        "published",
        {"backfill": True, "published_on": timezone.localdate().isoformat()},
    )
    assert event.actor.username == "system-command-line"


def test_table_02_income_by_function(seed_disclosure):
    table_rows = rows(seed_disclosure, "02")
    assert len(table_rows) == 20  # 19 codes and 合计, in the printed order (201 before 合计)
    assert [r.key for r in table_rows[:3]] == ["201", "total", "20103"]
    assert amount(seed_disclosure, "02", "total", "total") == D("9733858.45")
    assert amount(seed_disclosure, "02", "2010308", "fiscal") == D("5314048.85")
    # The document's own error: 210's 本年收入合计 is printed as 34,502.43.
    assert amount(seed_disclosure, "02", "210", "total") == D("34502.43")
    assert amount(seed_disclosure, "02", "210", "superior") is None
    names = {r.code: r.name for r in table_rows}
    assert names["20805"] == "社会保险和就业支出"  # printed so, unlike the catalogue


def test_table_03_expenditure_by_function(seed_disclosure):
    assert len(rows(seed_disclosure, "03")) == 20
    assert amount(seed_disclosure, "03", "total", "total") == D("9918893.45")
    assert amount(seed_disclosure, "03", "2010301", "project") == D("35.00")
    assert amount(seed_disclosure, "03", "2010308", "basic") is None
    assert amount(seed_disclosure, "03", "2210203", "basic") == D("27936.00")


def test_table_04_two_panels_by_line_number(seed_disclosure):
    table_rows = rows(seed_disclosure, "04")
    assert len(table_rows) == 64
    assert [r.line_no for r in table_rows if r.side == 0] == list(range(1, 33))
    assert [r.line_no for r in table_rows if r.side == 1] == list(range(33, 65))
    assert amount(seed_disclosure, "04", "income_general", "amount") == D("9733858.45")
    assert amount(seed_disclosure, "04", "opening_total", "amount") == D("185000.00")
    assert amount(seed_disclosure, "04", "spend_total", "general") == D("9918858.45")
    assert amount(seed_disclosure, "04", "51", "total") == D("624994.00")  # 十九、住房保障支出


def test_table_05_keeps_the_unlabelled_row_and_the_four_digit_code(seed_disclosure):
    table_rows = rows(seed_disclosure, "05")
    assert len(table_rows) == 21
    assert table_rows[0].key == "#1" and table_rows[0].code == "" and table_rows[0].name == ""
    assert "2101" in [r.code for r in table_rows]  # a malformed code, stored as printed
    assert amount(seed_disclosure, "05", "total", "income_total") == D("9739858.45")
    assert amount(seed_disclosure, "05", "201", "spend_personnel") == D("5076765.99")
    assert amount(seed_disclosure, "05", "2010308", "open_project") == D("185000.00")
    assert amount(seed_disclosure, "05", "total", "close_total") is None


def test_table_06_economic_blocks_and_summary_lines(seed_disclosure):
    table_rows = rows(seed_disclosure, "06")
    assert len(table_rows) == 90  # 88 economic codes in three blocks + two 合计 lines
    assert [len([r for r in table_rows if r.side == s]) for s in (0, 1, 2)] == [28, 34, 28]
    assert amount(seed_disclosure, "06", "30226", "amount") == D("577492.37")
    assert amount(seed_disclosure, "06", "301", "amount") == D("6641465.45")
    assert amount(seed_disclosure, "06", "personnel_total", "amount") == D("6825365.45")
    assert amount(seed_disclosure, "06", "public_total", "amount") == D("1908493.00")
    assert amount(seed_disclosure, "06", "30212", "amount") is None


@pytest.mark.parametrize("number", ["07", "08"])
def test_tables_07_and_08_are_empty_with_their_statement(seed_disclosure, number):
    table = DisclosureTable.objects.get(disclosure=seed_disclosure, number=number)
    assert table.state == "empty"
    assert table.statement == "我单位今年不涉及。"
    assert table.notes.startswith("注：本表反映部门本年度")
    assert [r.key for r in rows(seed_disclosure, number)] == ["total"]


def test_table_09_lines_and_columns_as_printed(seed_disclosure):
    table_rows = rows(seed_disclosure, "09")
    assert [r.line_no for r in table_rows] == list(range(1, 25))
    assert amount(seed_disclosure, "09", "vehicles_held", "actual_2") == D("1")
    assert amount(seed_disclosure, "09", "sangong_total", "budget_1") == D("6.61")
    assert amount(seed_disclosure, "09", "sangong_total", "actual_2") == D("27204.60")
    assert amount(seed_disclosure, "09", "guests", "actual_2") == D("117")
    assert amount(seed_disclosure, "09", "running", "actual_2") == D("1908493.00")
    assert mark(seed_disclosure, "09", "abroad", "actual_2") == "—"
    table = DisclosureTable.objects.get(disclosure=seed_disclosure, number="09")
    assert table.printed_department == "玉溪市信访局"
    assert "机关运行经费" in table.notes and table.notes.count("\n") == 1


def test_table_10_sections(seed_disclosure):
    sections = list(seed_disclosure.narratives.filter(table_number="10"))
    assert len(sections) == 13
    assert (sections[0].heading, sections[0].subheading) == ("一、部门基本情况", "(一) 部门概况")
    assert sections[4].body.startswith("“三公”经费支出情况：2021年三公经费年初预算6.61万元")
    assert sections[6].body.startswith("1. 前期准备\n1. 加强组织领导")  # <p> tags read
    assert sections[11].heading == "七、其他需说明的情况"
    assert sections[11].body == "无其他需要说明的情况。"
    assert sections[12].body == "备注：涉密部门和涉密信息按保密规定不公开。"


def test_table_11_department_performance(seed_disclosure):
    overall = seed_disclosure.overall_performance
    assert overall.preparer == "玉溪市信访局"
    assert overall.duties.startswith("1.负责受理国内群众、境外人士")
    assert [g.year for g in overall.goals.all()] == ["2021", "2022", "2023"]
    tasks = list(overall.tasks.all())
    assert len(tasks) == 3
    assert tasks[0].name == "政府服务热线信息系统平台租赁服务"
    assert tasks[2].approved_total == D("20.00") and tasks[2].execution_rate == D("100.00")
    assert overall.amount_unit == "万元"
    indicators = list(Indicator.objects.filter(disclosure=seed_disclosure, project=None))
    assert len(indicators) == 18
    first = indicators[0]
    assert (first.level1, first.level2, first.level3, first.target, first.unit, first.actual) == (
        "产出指标",
        "数量指标",
        "宣传区域覆盖率",
        "100",
        "%",
        "100",
    )
    assert indicators[-1].level3 == "单位满意度" and indicators[-1].actual == "98.9"
    assert indicators[2].cells[:3] == ["", "质量指标", "发放宣传物数量"]


def test_table_12_both_projects_with_their_indicators(seed_disclosure):
    projects = list(seed_disclosure.projects.order_by("position"))
    assert [p.name for p in projects] == [
        "信访事项专项救助资金经费",
        "“互联网+政务服务热线”项目经费",
    ]
    first, second = projects
    assert (first.competent_department, first.implementing_unit) == ("玉溪市信访局", "玉溪市信访局")
    assert (first.total_weight, first.total_score, first.grade) == (D("100.00"), D("100.00"), "优")
    total = first.funds.get(source="total")
    assert (total.budget_initial, total.executed, total.weight, total.execution_rate) == (
        D("200000.00"),
        D("200000.00"),
        D("10.00"),
        D("100.00"),
    )
    assert first.indicators.count() == 7
    first_ind = first.indicators.order_by("position").first()
    assert (first_ind.level3, first_ind.target, first_ind.unit, first_ind.actual) == (
        "疑难信访事项个案",
        "3",
        "件",
        "5",
    )
    assert (first_ind.weight, first_ind.score) == (D("10.00"), D("10.00"))
    assert second.indicators.count() == 11
    last = second.indicators.order_by("position").last()
    assert (last.level3, last.nature, last.target, last.actual) == (
        "服务对象满意度",
        "≥",
        "95",
        "99.27",
    )
    assert second.goal_actual.startswith("1. 2021年1月-12月，玉溪市12345热线共接群众诉求问题")
    assert second.funds.get(source="current").budget_full_year == D("800000.00")


def test_importing_the_same_file_twice_changes_nothing(seed_disclosure, seed_bytes):
    from tests.helpers import import_file

    before_ids = sorted(
        DisclosureTable.objects.filter(disclosure=seed_disclosure).values_list("id", flat=True)
    )
    events = AuditEvent.objects.count()
    result = import_file(data=seed_bytes, department_code="yuxi-xinfang", year=2021, publish=True)
    assert result.changed is False
    assert Disclosure.objects.count() == 1
    assert AuditEvent.objects.count() == events
    after_ids = sorted(
        DisclosureTable.objects.filter(disclosure=seed_disclosure).values_list("id", flat=True)
    )
    assert before_ids == after_ids
