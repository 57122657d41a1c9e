"""The checks over the real 上海市普陀区财政局 2024 document (national form, 万元), imported
through the one import service without naming a layout: rounding across many printed parts
is information, a real gap is an error, and its 说明 are read like a reviewer reads them."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from disclosure.checks.engine import ERROR, INFO, WARNING, rounding_allowance, run_checks
from tests.checks_helpers import outcome, put
from tests.helpers import import_file, import_real
from tests.test_import_pdf import CAIZHENGJU, _shared


@pytest.fixture
def caizhengju(db):
    """The real 财政局 document as its department would upload it."""
    return import_real(CAIZHENGJU)


def errors(report, *, rules=None):
    return [
        (i.rule, i.table_label, i.row, i.message)
        for i in report.issues
        if i.severity == ERROR and (rules is None or i.rule.split(".")[0] in rules)
    ]


def test_the_allowance_grows_with_the_printed_parts_and_yuan_stays_exact():
    assert rounding_allowance("万元", None) == Decimal("0.01")
    assert rounding_allowance("万元", 1) == Decimal("0.01")
    assert rounding_allowance("万元", 12) == Decimal("0.065")
    assert rounding_allowance("元", 12) == 0


def test_rounding_across_the_parts_of_a_real_table_is_information(caizhengju):
    report = run_checks(caizhengju)
    # 表6: 302 商品和服务支出 prints 171.07, its printed 款 add up to 171.09.
    (note,) = [i for i in outcome(report, "inside.hierarchy").issues if i.row == "302"]
    assert note.severity == INFO and note.difference == Decimal("-0.02")
    assert errors(report, rules={"structure", "inside", "between", "catalogue", "units"}) == []


def test_a_real_gap_of_ten_cents_of_wan_yuan_still_fails(caizhengju):
    # 住房改革支出 445.69 over two printed 项: 187.19 + 258.50; one 项 now 0.10 more.
    put(caizhengju, "05", "2210201", spend_total="187.29")
    report = run_checks(caizhengju)
    (gap,) = [i for i in outcome(report, "inside.hierarchy").issues if i.row == "22102"]
    assert gap.severity == ERROR
    assert gap.difference == Decimal("-0.10")
    assert gap.expected == Decimal("445.79") and gap.actual == Decimal("445.69")


# ------------------------------------------------------------------ the 说明 against the tables
PART3 = "第三部分上海市普陀区财政局2024年度部门决算情况说明"


def doctor(disclosure, subheading: str, printed: str, planted: str) -> None:
    """Plant a mistake in a stored section of the real document: `printed` (which it
    prints once) becomes `planted`."""
    section = disclosure.narratives.get(heading=PART3, subheading__endswith=subheading)
    assert section.body.count(printed) == 1, printed
    section.body = section.body.replace(printed, planted)
    section.save()


def narrative_findings(report, severity=ERROR):
    return [
        i
        for i in report.issues
        if i.rule.startswith(("narrative.", "text.")) and i.severity == severity
    ]


def test_the_real_document_gives_exactly_its_two_narrative_errors(caizhengju):
    report = run_checks(caizhengju)
    total, share = narrative_findings(report)
    assert (total.rule, total.table_label, total.row) == (
        "text.amounts",
        "公开04",
        "四、财政拨款收入支出决算总体情况说明",
    )
    assert (total.actual, total.expected) == (Decimal("0.30"), Decimal("2961.68"))
    assert "“0.3万元”与公开04 总计/决算数 2,961.68 万元 不符" in total.message
    assert "财政拨款收入支出总计0.3万元。" in total.message
    assert total.cells == [("04", "income_grand_total", "amount")]
    assert (share.rule, share.table_label, share.row) == (
        "text.shares",
        "公开05",
        "五、一般公共预算财政拨款支出决算情况说明",
    )
    assert (share.actual, share.expected) == (Decimal("71.73"), Decimal("71.65"))
    assert "一般公共服务支出（类）2106.66万元，占71.73%" in share.message
    assert share.cells == [("05", "201", "spend_total")]
    # No other error anywhere: one-cent differences between its tables are notes.
    assert [i for i in report.issues if i.severity == ERROR] == [total, share]
    assert outcome(report, "text.amounts").status == "failed"


def test_the_other_real_document_states_every_figure_right(db):
    from tests.test_import_pdf import SHEHUI

    disclosure = import_real(SHEHUI)
    report = run_checks(disclosure)
    for rule in ("text.amounts", "text.shares"):
        assert outcome(report, rule).status == "passed", outcome(report, rule).issues


S1, S2, S3 = "一、收入支出决算总体情况说明", "二、收入决算情况说明", "三、支出决算情况说明"
S5 = "五、一般公共预算财政拨款支出决算情况说明"
S6, S7 = "六、一般公共预算财政拨款基本支出决算情况说明", "七、财政拨款“三公”经费支出决算情况说明"
AMOUNTS, SHARES = "text.amounts", "text.shares"
PLANTED = [
    # a named item (项) of 表5
    (
        S5,
        "支出决算为1511.89万元",
        "支出决算为1511.98万元",
        AMOUNTS,
        ("05", "2010601", "spend_total"),
    ),
    # a 类 of 表5 in the structure paragraph
    (
        S5,
        "住房保障支出（类）445.69万元",
        "住房保障支出（类）454.69万元",
        AMOUNTS,
        ("05", "221", "spend_total"),
    ),
    # 人员经费 of 表6
    (
        S6,
        "人员经费2152.26万元",
        "人员经费2125.26万元",
        AMOUNTS,
        ("06", "personnel_total", "amount"),
    ),
    # the 三公 budget that 表7 prints
    (S7, "年初预算为0.95万元", "年初预算为1.95万元", AMOUNTS, ("07", "amount", "budget_total")),
    # a total of 表1
    (
        S1,
        "收入支出总计2995.39万元",
        "收入支出总计2959.39万元",
        AMOUNTS,
        ("01", "income_grand_total", "amount"),
    ),
    # a share, recomputed
    (S3, "占20.51%", "占25.01%", SHARES, ("03", "total", "project")),
    # a completion rate: the final over the budget the sentence states
    (S5, "完成年初预算的98.20%", "完成年初预算的89.20%", SHARES, ("05", "total", "spend_total")),
    # a figure in 元 where the section speaks 万元
    (S2, "其他收入6.2万元", "其他收入6.2元", AMOUNTS, ("02", "total", "other")),
]


@pytest.mark.parametrize(("section", "printed", "planted", "rule", "cell"), PLANTED)
def test_each_planted_mistake_is_caught_at_its_section_and_sentence(
    caizhengju, section, printed, planted, rule, cell
):
    doctor(caizhengju, section, printed, planted)
    report = run_checks(caizhengju)
    assert len(narrative_findings(report)) == 3  # the document's own two, and this one
    (found,) = [i for i in narrative_findings(report) if i.rule == rule and planted in i.message]
    assert found.row == section
    assert found.cells == [cell]
    assert found.column.startswith("第 ")  # the sentence's place in its section
    if planted.endswith("6.2元"):
        assert "单位应为“万元”" in found.message


def test_a_one_cent_slip_in_the_text_is_a_warning_not_an_error(caizhengju):
    doctor(caizhengju, "二、收入决算情况说明", "本年收入合计2946.25万元", "本年收入合计2946.26万元")
    report = run_checks(caizhengju)
    (slip,) = narrative_findings(report, WARNING)
    assert (slip.row, slip.actual, slip.expected) == (
        "二、收入决算情况说明",
        Decimal("2946.26"),
        Decimal("2946.25"),
    )
    assert len(narrative_findings(report)) == 2  # the document's own two errors only


def test_a_share_printed_cut_instead_of_rounded_is_not_an_error(caizhengju):
    # 2,336.91 / 2,940.05 = 79.4854…%: rounded 79.49 (printed), cut 79.48.
    doctor(caizhengju, "三、支出决算情况说明", "占79.49%", "占79.48%")
    assert len(narrative_findings(run_checks(caizhengju))) == 2
    doctor(caizhengju, "三、支出决算情况说明", "占79.48%", "占79.47%")
    assert len(narrative_findings(run_checks(caizhengju))) == 3


def test_check_disclosure_json_lists_the_text_rules_with_their_status(caizhengju, capsys):
    import json

    from django.core.management import call_command

    call_command("check_disclosure", department="pt-czj", year=2024, format="json")
    data = json.loads(capsys.readouterr().out)
    statuses = {r["rule"]: (r["status"], r["findings"]) for r in data["rules"]}
    assert statuses["text.amounts"] == ("failed", 1)
    assert statuses["text.shares"] == ("failed", 1)
    assert statuses["narrative.amounts"][0] == "not_checked"
    found = [f for f in data["findings"] if f["rule"].startswith("text.")]
    assert [(f["table"], f["row"], f["severity"]) for f in found] == [
        ("公开04", "四、财政拨款收入支出决算总体情况说明", "error"),
        ("公开05", "五、一般公共预算财政拨款支出决算情况说明", "error"),
    ]


# ------------------------------------------------------------------ wording
def wording(report, rule):
    return outcome(report, rule).issues


def test_the_real_documents_wording_passes(caizhengju):
    report = run_checks(caizhengju)
    for rule in ("wording.years", "wording.placeholders", "wording.department"):
        assert outcome(report, rule).status == "passed", wording(report, rule)
    # 11 items of 说明五 and the 三公 total say 小于 or 基本持平 rightly, with reasons.
    assert outcome(report, "wording.directions").status == "passed"


@pytest.mark.parametrize(
    ("section", "printed", "planted"),
    [
        (S1, "财政局2024年度收入支出总计", "财政局2023年度收入支出总计"),
        ("十一、其他重要事项的情况说明", "截至2024年12月31日", "截至2023年12月31日"),
        (S5, "与2023年度相比，一般公共预算", "与2022年度相比，一般公共预算"),
    ],
)
def test_a_wrong_year_is_caught_at_its_section(caizhengju, section, printed, planted):
    doctor(caizhengju, section, printed, planted)
    (found,) = wording(run_checks(caizhengju), "wording.years")
    assert (found.severity, found.row) == (ERROR, section)
    year = re.search(r"\d{4}年", planted).group(0)
    assert year in found.message and "本公开是 2024 年度" in found.message


def test_a_placeholder_name_left_in_a_heading_is_caught_once(caizhengju):
    caizhengju.narratives.filter(heading=PART3).update(heading=PART3.replace("财政局", "XX局"))
    report = run_checks(caizhengju)
    (mark,) = wording(report, "wording.placeholders")
    assert "留有模板占位符“XX”" in mark.message and mark.column == "标题"
    (name,) = wording(report, "wording.department")
    assert "印的部门是“上海市普陀区XX局”，本公开的部门是“上海市普陀区财政局”" in name.message
    # The year in the same heading is still right.
    assert wording(report, "wording.years") == []


def test_a_direction_word_that_the_figures_contradict_is_an_error(caizhengju):
    doctor(
        caizhengju,
        S5,
        "支出决算为1511.89万元。决算数小于预算数",
        "支出决算为1511.89万元。决算数大于预算数",
    )
    (found,) = wording(run_checks(caizhengju), "wording.directions")
    assert (found.severity, found.row) == (ERROR, S5)
    assert "说“决算数大于预算数”，而所述决算数为 1511.89万元，预算数为 1560.05万元" in found.message


def test_a_budget_difference_without_its_main_reason_is_a_warning(caizhengju):
    doctor(
        caizhengju,
        S5,
        "决算数小于预算数的主要原因：因产业政策扶持资金管理系统项目进度，调减相关经费。",
        "决算数小于预算数。",
    )
    (found,) = wording(run_checks(caizhengju), "wording.directions")
    assert (found.severity, found.row) == (WARNING, S5)
    assert found.message.endswith("“决算数小于预算数。”没有说明主要原因。")


# ------------------------------------------------------------------ year on year
@pytest.fixture
def last_year(db):
    """The same document published as the department's 2023 disclosure: its figures equal
    2024's until a test sets last year's own."""
    return import_file(
        data=(_shared("real") / CAIZHENGJU).read_bytes(),
        department_code="pt-czj",
        department_name="上海市普陀区财政局",
        year=2023,
        layout=None,
        publish=True,
    ).disclosure


def test_stated_changes_are_compared_with_last_years_published_figures(last_year, caizhengju):
    report = run_checks(caizhengju)
    found = outcome(report, "text.changes").issues
    # Last year's figures equal this year's: "减少56.95万元" and "减少63.14万元" are wrong.
    assert [(i.row, i.severity) for i in found] == [(S1, ERROR), (S5, ERROR)]
    assert "所述增减额“56.95万元”应为 0.00万元" in found[0].message
    assert "上年度已公开的2023年度第1版为 2,995.39 万元" in found[0].message
    assert found[0].cells == [("01", "income_grand_total", "amount")]


def test_stated_changes_that_hold_pass_and_a_wrong_rate_fails(last_year, caizhengju):
    put(last_year, "01", "income_grand_total", amount="3052.34")  # 2995.39 + 56.95
    put(last_year, "05", "total", spend_total="3003.19")  # 2940.05 + 63.14
    assert outcome(run_checks(caizhengju), "text.changes").status == "passed"
    doctor(caizhengju, S1, "下降1.87%", "下降1.78%")
    (found,) = outcome(run_checks(caizhengju), "text.changes").issues
    assert "所述增减率“1.78%”应为 1.87%" in found.message


def test_changes_are_not_checked_against_an_unpublished_last_year(caizhengju):
    from disclosure.models import Disclosure

    draft = import_file(
        data=(_shared("real") / CAIZHENGJU).read_bytes(),
        department_code="pt-czj",
        year=2023,
        layout=None,
    ).disclosure
    assert Disclosure.objects.get(pk=draft.pk).status == "draft"
    result = outcome(run_checks(caizhengju), "text.changes")
    assert (result.status, result.reason) == ("not_checked", "没有上一年度的决算公开，无法比较。")


def test_a_figure_in_yuan_in_a_text_that_speaks_wan_yuan_is_reported(caizhengju):
    report = run_checks(caizhengju)
    assert outcome(report, "wording.units").status == "passed"  # 说明十, 十一 and 概况
    doctor(
        caizhengju,
        "十一、其他重要事项的情况说明",
        "机关运行经费支出184.65万元",
        "机关运行经费支出184.65元",
    )
    (found,) = outcome(run_checks(caizhengju), "wording.units").issues
    assert (found.severity, found.row) == (WARNING, "十一、其他重要事项的情况说明")
    assert "“机关运行经费支出184.65元”中的“184.65元”单位可能有误" in found.message


S8 = "八、政府性基金预算财政拨款收入支出决算情况说明"


def test_a_section_of_an_empty_table_says_there_was_nothing(caizhengju):
    assert outcome(run_checks(caizhengju), "wording.empty_tables").status == "passed"
    doctor(
        caizhengju,
        S8,
        "上海市普陀区财政局2024年度无政府性基金预算财政拨款收入和支出。",
        "上海市普陀区财政局2024年度政府性基金预算财政拨款收入和支出情况如表8。",
    )
    (found,) = outcome(run_checks(caizhengju), "wording.empty_tables").issues
    assert (found.table_label, found.row) == ("公开08", S8)
    assert found.message == f"公开08公开为空表，{S8}却没有说明本年度无此项收支。"


def test_a_section_speaking_of_an_omitted_table_is_reported(caizhengju):
    from disclosure.models import DisclosureTable, TableRow

    DisclosureTable.objects.filter(disclosure=caizhengju, number="09").update(
        state="not_provided", statement=""
    )
    TableRow.objects.filter(table__disclosure=caizhengju, table__number="09").delete()
    found = outcome(run_checks(caizhengju), "wording.empty_tables").issues
    assert [i.message for i in found] == [
        "九、国有资本经营预算财政拨款收入支出决算情况说明说明的是公开09，而本公开没有提供公开09。"
    ]


# ---------------------------------------------------------- 机关运行经费, stated in the text
S11 = "十一、其他重要事项的情况说明"


def test_the_running_costs_the_text_states_equal_the_basic_tables_public_costs(caizhengju):
    # The national form prints 机关运行经费 only in 说明十一: 184.65万元, as 表6 公用经费合计.
    result = outcome(run_checks(caizhengju), "between.running_costs")
    assert (result.status, result.issues) == ("passed", [])


def test_running_costs_misstated_in_the_text_are_caught_at_their_sentence(caizhengju):
    doctor(caizhengju, S11, "184.65万元", "148.65万元")
    report = run_checks(caizhengju)
    (found,) = outcome(report, "between.running_costs").issues
    assert (found.severity, found.table_label, found.row) == (ERROR, "公开06", S11)
    assert (found.actual, found.expected, found.difference) == (
        Decimal("148.65"),
        Decimal("184.65"),
        Decimal("-36.00"),
    )
    assert found.cells == [("06", "public_total", "amount")]
    assert found.column.startswith("第 ")
    assert "机关运行经费“148.65万元”与公开06的公用经费合计 184.65 万元 不符" in found.message
    assert "148.65万元" in re.search(r"“([^”]*148\.65万元[^”]*)”", found.message).group(1)


def test_running_costs_are_compared_at_the_precision_stated(caizhengju):
    doctor(caizhengju, S11, "184.65万元", "184.7万元")  # 184.65 rounded to 0.1
    assert outcome(run_checks(caizhengju), "between.running_costs").status == "passed"


def test_running_costs_are_not_checked_where_the_text_states_none(db):
    from tests.test_import_pdf import SHEHUI, TEMPLATE

    template = import_real(TEMPLATE)
    result = outcome(run_checks(template), "between.running_costs")
    assert result.status == "not_checked"
    shehui = import_real(SHEHUI)
    assert outcome(run_checks(shehui), "between.running_costs").status == "passed"  # 10.23


def test_a_public_institution_reports_no_running_costs(caizhengju):
    from disclosure.models.organisation import DepartmentKind

    department = caizhengju.department
    department.kind = DepartmentKind.PUBLIC_INSTITUTION
    department.save()
    result = outcome(run_checks(caizhengju), "between.running_costs")
    assert (result.status, result.reason) == ("not_checked", "事业单位不公开机关运行经费。")


def test_misstated_running_costs_are_marked_in_the_text(caizhengju):
    from disclosure.checks.selectors import check_report
    from disclosure.checks.services import checks_run
    from disclosure.textmarks import locate

    doctor(caizhengju, S11, "184.65万元", "148.65万元")
    checks_run(disclosure=caizhengju)
    report = check_report(caizhengju)
    section = caizhengju.narratives.get(subheading__endswith=S11)
    marks = locate([section], report.findings)
    (mark,) = marks[section.pk]
    assert "148.65万元" in section.body[mark.start : mark.end]
    assert [f.rule for f in mark.findings] == ["between.running_costs"]
