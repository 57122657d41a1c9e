"""The rule engine: every rule declared once and well; tables found by meaning in both
layouts; "not checked" whenever inputs are missing; the national layout (万元, 类|款|项
columns) checked by the same generic rules; one loader, a constant number of queries."""

from decimal import Decimal

import pytest

from disclosure.checks.engine import RULE_MODULES, SEVERITIES, Rule, all_rules, run_checks
from disclosure.checks.loader import load_cells, load_context
from disclosure.checks.meanings import resolve_roles
from disclosure.layouts import get_layout
from tests.checks_helpers import amounts, found, outcome
from tests.helpers import import_file
from tests.workbooks import national_workbook


def test_every_rule_is_declared_once_with_a_chinese_title_severity_and_contract():
    rules = all_rules()
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids)) == 48
    for r in rules:
        assert r.group in RULE_MODULES and r.severity in SEVERITIES
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(r.title)), r.id
        assert r.description, f"{r.id} states no contract"
        assert r.reads and r.tolerance >= 0


def test_rules_group_by_kind_in_report_order():
    groups = [r.group for r in all_rules()]
    assert groups == sorted(groups, key=RULE_MODULES.index)
    assert set(groups) == set(RULE_MODULES)


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        (
            "yunnan-2021",
            {
                "summary": "01",
                "income": "02",
                "spend": "03",
                "fiscal_summary": "04",
                "general": "05",
                "basic_economic": "06",
                "fund": "07",
                "capital": "08",
                "sangong": "09",
            },
        ),
        (
            "national-2024",
            {
                "summary": "01",
                "income": "02",
                "spend": "03",
                "fiscal_summary": "04",
                "general": "05",
                "basic_economic": "06",
                "sangong": "07",
                "fund": "08",
                "capital": "09",
            },
        ),
    ],
)
def test_tables_are_found_by_meaning_whatever_their_number(slug, expected):
    assert resolve_roles(get_layout(slug)) == expected


def _national(section: str = "1234.56"):
    return import_file(
        data=national_workbook(section, hospitality=3.0),
        department_code="sh-caizheng",
        department_name="上海市财政局",
        year=2024,
        layout="national-2024",
    ).disclosure


@pytest.mark.django_db
def test_the_national_layout_gets_the_generic_rules_for_free():
    report = run_checks(_national())
    assert outcome(report, "inside.hierarchy").status == "passed"
    assert outcome(report, "catalogue.code_format").status == "passed"
    sangong = found(report, "inside.columns", "公开07", "金额")
    assert (sangong.column, amounts(sangong)) == (
        "财政拨款“三公”经费/合计/决算数",
        ("10.00", "10.25", "0.25"),
    )
    assert sangong.unit == "万元"
    assert "为 10.25 万元，而因公出国（境）费、小计、公务接待费之和为 10.00 万元" in sangong.message


@pytest.mark.django_db
def test_a_rounding_difference_in_a_wan_yuan_table_is_information_not_an_error():
    report = run_checks(_national(section="1234.57"))
    issue = found(report, "inside.hierarchy", "公开05", "20106")
    assert (issue.severity, amounts(issue)) == ("info", ("1234.56", "1234.57", "0.01"))
    assert outcome(report, "inside.hierarchy").status == "passed"
    # The difference is printed once, with the note that it is rounding.
    assert issue.message.count("0.01 万元") == 1, issue.message
    assert "相差 0.01 万元，在万元取整误差之内。" in issue.message


@pytest.mark.django_db
def test_a_rule_whose_tables_are_missing_is_not_checked_never_passed():
    report = run_checks(_national())
    for rule, reason in {
        "between.summary_income": "公开01未提供。",
        "between.fiscal_income": "公开02未提供。",
        "between.basic_economic": "公开06未提供。",
        "between.running_costs": "公开06未提供。",
        "inside.economic_summary": "没有可检查的表。",
        "performance.scores": "没有可检查的内容。",
    }.items():
        result = outcome(report, rule)
        assert (result.status, result.reason, result.issues) == ("not_checked", reason, [])


@pytest.mark.django_db
def test_the_loader_reads_every_row_and_amount_in_one_query(seed_draft, django_assert_num_queries):
    with django_assert_num_queries(1):
        cells = load_cells(seed_draft.pk)
    assert len(cells["06"]) == 90
    assert cells["02"][1].cells["total"] == (Decimal("9733858.45"), "")
    assert cells["09"][0].cells["budget_1"] == (None, "—")


@pytest.mark.django_db
def test_checking_reads_the_database_a_fixed_number_of_times(
    seed_draft, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        ctx = load_context(seed_draft)
    with django_assert_max_num_queries(0):
        run_checks(seed_draft, context=ctx)


@pytest.mark.django_db
def test_a_rule_that_breaks_is_reported_not_checked_and_logged(seed_draft, monkeypatch, caplog):
    def broken(ctx, out):
        raise KeyError("nowhere")

    def check(rule):
        return broken if rule.id == "inside.lines" else rule.__dict__["check"]

    monkeypatch.setattr(Rule, "check", property(check), raising=False)
    result = outcome(run_checks(seed_draft), "inside.lines")
    assert (result.status, result.reason) == ("not_checked", "检查时出错，已记录，请联系管理员。")
    assert "rule inside.lines failed" in caplog.text
    assert outcome(run_checks(seed_draft), "inside.columns").status == "failed"
