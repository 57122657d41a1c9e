"""Storing check results: after every import, explained warnings, what blocks a submission,
what pages highlight, the report partials and the check_disclosure command."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string

from disclosure.checks.engine import run_checks
from disclosure.checks.loader import load_context
from disclosure.checks.selectors import check_report, highlight_cells, highlights_by_table
from disclosure.checks.services import (
    checks_run,
    finding_explain,
    submission_blocked,
    submission_blockers,
)
from disclosure.content import content_clear, content_read, content_write
from disclosure.models import AuditEvent, CheckRun, Finding, FindingExplanation
from tests.helpers import import_file

pytestmark = pytest.mark.django_db


def test_an_import_runs_the_checks_and_stores_the_findings(seed_draft):
    run = CheckRun.objects.get(disclosure=seed_draft)
    assert run.content_digest == seed_draft.content_digest and run.is_current
    assert run.findings.count() == 51  # without the catalogue: names compared table to table
    first = run.findings.get(position=0)
    assert (first.rule, first.table, first.severity) == ("structure.tables", "公开01", "error")
    statuses = {r["rule"]: r["status"] for r in run.rules}
    assert statuses["between.summary_income"] == "not_checked"
    assert statuses["inside.lines"] == "passed"


def test_importing_the_same_content_again_does_not_check_again(seed_draft, seed_bytes):
    run = CheckRun.objects.get(disclosure=seed_draft)
    import_file(data=seed_bytes, department_code="yuxi-xinfang", year=2021)
    assert list(CheckRun.objects.values_list("pk", flat=True)) == [run.pk]


def test_a_finding_is_stored_with_its_cell_and_amounts(seed_draft):
    finding = Finding.objects.get(disclosure=seed_draft, rule="between.non_fiscal")
    assert (finding.table_number, finding.row_key, finding.column_key) == ("03", "total", "total")
    assert (finding.expected, finding.actual, finding.difference) == (
        Decimal("9918858.45"),
        Decimal("9918893.45"),
        Decimal("35.00"),
    )
    assert (finding.expected_text, finding.difference_text) == ("9,918,858.45", "35.00")
    assert ["04", "spend_total", "total"] in finding.cells


def test_an_explanation_survives_running_the_checks_again(seed_draft, preparer):
    warning = Finding.objects.get(disclosure=seed_draft, rule="between.non_fiscal")
    finding_explain(finding=warning, user=preparer, reason="35.00 元为银行手续费，由其他资金支付。")
    checks_run(disclosure=seed_draft)
    again = Finding.objects.get(disclosure=seed_draft, rule="between.non_fiscal")
    assert again.pk != warning.pk
    report = check_report(seed_draft)
    explained = next(f for f in report.findings if f.pk == again.pk)
    assert explained.explanation.reason == "35.00 元为银行手续费，由其他资金支付。"
    assert explained.explanation.explained_by == preparer
    event = AuditEvent.objects.get(disclosure=seed_draft, action="explain_finding")
    assert (event.actor, event.comment) == (preparer, "35.00 元为银行手续费，由其他资金支付。")


def test_an_error_cannot_be_explained_away(seed_draft, preparer):
    error = Finding.objects.filter(disclosure=seed_draft, severity="error").first()
    with pytest.raises(ValidationError, match="错误必须在表中改正"):
        finding_explain(finding=error, user=preparer, reason="原表如此")
    assert not FindingExplanation.objects.exists()


def test_an_explanation_needs_a_reason_and_an_editable_disclosure(seed_disclosure, preparer):
    warning = Finding.objects.get(disclosure=seed_disclosure, rule="between.non_fiscal")
    with pytest.raises(ValidationError, match="请写明理由"):
        finding_explain(finding=warning, user=preparer, reason="  ")
    with pytest.raises(ValidationError, match="已报送"):
        finding_explain(finding=warning, user=preparer, reason="手续费")


def test_errors_and_unexplained_warnings_block_a_submission(seed_draft, preparer):
    blockers = submission_blockers(seed_draft)
    assert {f.severity for f in blockers} == {"error", "warning"}
    assert len(blockers) == 51
    for warning in [f for f in blockers if f.severity == "warning"]:
        finding_explain(finding=warning, user=preparer, reason="已核实。")
    remaining = submission_blockers(seed_draft)
    assert len(remaining) == 38 and {f.severity for f in remaining} == {"error"}
    assert submission_blocked(seed_draft)


def test_a_clean_disclosure_can_be_submitted(db):
    from disclosure.synthetic import generate

    disclosure = generate(departments=1, seed=21, publish=False).disclosures[0]
    assert not CheckRun.objects.filter(disclosure=disclosure).exists()
    assert submission_blockers(disclosure) == []  # the checks ran first
    assert CheckRun.objects.get(disclosure=disclosure).is_current
    assert not submission_blocked(disclosure)


def test_a_report_is_grouped_by_table_in_layout_order(seed_draft):
    report = check_report(seed_draft)
    assert [g.label for g in report.groups] == [
        "公开01",
        "公开02",
        "公开03",
        "公开05",
        "公开09",
        "公开10",
        "公开12",
    ]
    assert (report.errors, report.warnings, report.infos) == (38, 13, 0)
    assert (report.passed, report.failed, report.not_checked) == (22, 14, 12)
    assert report.summary()["findings"] == {"error": 38, "warning": 13, "info": 0}


def test_a_disclosure_never_checked_has_no_summary(db):
    from disclosure.synthetic import generate

    disclosure = generate(departments=1, seed=22).disclosures[0]
    report = check_report(disclosure)
    assert report.run is None and report.summary() is None and report.groups == []


def test_the_cells_to_highlight_include_both_sides_of_a_comparison(seed_draft):
    cells = highlight_cells(seed_draft)
    assert {("02", "201", "total"), ("02", "201", "fiscal")} <= cells
    assert {("05", "total", "income_total"), ("04", "income_general", "amount")} <= cells
    assert ("09", "vehicle_running", "budget_1") in cells
    by_table = highlights_by_table(seed_draft)
    assert ("201", "fiscal") in by_table["02"] and ("201", "fiscal") not in by_table["03"]


def test_a_printed_table_gets_its_own_cells_to_highlight(seed_draft):
    from django.template import Context, Template

    template = Template("{% load checks_tags %}{{ cells|cells_of:'09'|length }}")
    assert template.render(Context({"cells": highlight_cells(seed_draft)})) == "9"


def test_the_report_partial_shows_findings_and_the_explanation_form(seed_draft, preparer):
    report = check_report(seed_draft)
    html = render_to_string(
        "checks/_report.html", {"report": report, "can_explain": True, "explain_url": "/x/"}
    )
    assert "共 48 条规则：22 条通过，14 条未通过，12 条未检查。" in html
    assert '<a href="#t02">公开02 收入决算表</a>' in html
    assert "还有 35.00 元说不清来源" in html
    assert html.count('name="reason"') == report.warnings
    warning = next(f for f in report.findings if f.severity == "warning")
    finding_explain(finding=warning, user=preparer, reason="已核实。")
    html = render_to_string("checks/_report.html", {"report": check_report(seed_draft)})
    assert "说明理由：</strong>已核实。" in html and 'name="reason"' not in html


def test_a_pdf_finding_names_the_page_row_and_column_without_the_text_box(seed_draft):
    from disclosure.models import Amount

    amount = Amount.objects.get(
        row__table__disclosure=seed_draft, row__table__number="02", row__key="201", column="total"
    )
    amount.source = "第 8 页第 9 行第 E 列 [346,276,423,293]"
    amount.save()
    report = check_report(seed_draft)
    cell = next(f for f in report.findings if (f.table_number, f.row_key) == ("02", "201"))
    assert cell.file_cell == "第 8 页第 9 行第 E 列"
    missing = next(f for f in report.findings if f.table_number == "01")
    assert missing.file_cell == ""  # a missing table: the file printed nothing to point at


def test_an_english_reader_gets_the_file_location_in_english(seed_draft):
    from django.utils import translation

    with translation.override("en"):
        report = check_report(seed_draft)
    cell = next(f for f in report.findings if (f.table_number, f.row_key) == ("02", "201"))
    row = next(f for f in report.findings if f.column_key == "name" and f.file_cell)
    assert cell.file_cell.startswith("row ") and ", column " in cell.file_cell
    assert row.file_cell.startswith("row ") and "column" not in row.file_cell


def test_a_stored_location_reads_back_as_written():
    from disclosure.importing.errors import Location

    for text, expected in [
        ("工作表“公开02”第 8 行第 E 列", Location(sheet="公开02", row=8, column=4)),
        ("第 8 页第 9 行第 AB 列 [346,276,423,293]", Location(page=8, row=9, column=27)),
        ("第 12 行第 C 列", Location(row=12, column=2)),
        ("工作表“收支“总”表”第 3 行", Location(sheet="收支“总”表", row=3)),
    ]:
        assert Location.parse(text) == expected
        assert expected.describe() == text.split(" [")[0]
    assert Location.parse("来源不明") is None


def test_the_public_quality_panel_counts_rules_warnings_and_errors(seed_disclosure):
    html = render_to_string("checks/_quality_panel.html", {"report": check_report(seed_disclosure)})
    assert "<details>" in html
    assert "22 条规则通过" in html and "13 个警告" in html and "38 个错误" in html
    assert "12 条未检查" in html
    assert "“未检查”表示缺少所需的表或数据，不代表通过" in html


def test_check_disclosure_prints_json(seed_draft, capsys):
    call_command("check_disclosure", department="yuxi-xinfang", year=2021, format="json")
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"findings", "rules"}
    assert len(data["findings"]) == 51 and len(data["rules"]) == 48
    finding = next(f for f in data["findings"] if f["rule"] == "between.non_fiscal")
    assert {
        k: finding[k] for k in ("table", "row", "column", "expected", "actual", "difference")
    } == {
        "table": "公开03",
        "row": "合计",
        "column": "本年支出合计",
        "expected": "9918858.45",
        "actual": "9918893.45",
        "difference": "35.00",
    }
    rule = next(r for r in data["rules"] if r["rule"] == "between.summary_income")
    assert (rule["status"], rule["findings"]) == ("not_checked", 0)
    assert rule["title"] == "收入支出决算总表“本年收入合计” = 收入决算表合计"


def test_check_disclosure_prints_text_for_a_version(seed_draft, capsys):
    call_command(
        "check_disclosure", "--department", "yuxi-xinfang", "--year", "2021", "--version", "1"
    )
    out = capsys.readouterr().out
    assert out.startswith(
        "玉溪市信访局 2021年度 第1版：48 条规则，通过 22，未通过 14，未检查 12；错误 38，警告 13"
    )
    assert (
        "  [警告] between.non_fiscal  合计 · 本年支出合计  "
        "应为 9,918,858.45  实为 9,918,893.45  差 35.00" in out
    )


def test_check_disclosure_refuses_an_unknown_disclosure(db):
    with pytest.raises(CommandError, match="没有找到 nowhere 2021 年度第 3 版的决算"):
        call_command("check_disclosure", department="nowhere", year=2021, version=3)


def test_an_imports_checks_judge_the_tables_exactly_as_stored(seed_draft):
    """An import hands the checks the tables it has just written (`load_context(written=…)`)
    instead of reading them back: they are what the database holds, field for field — rows in
    printed order, text cut to the stored length, amounts to the cent — and the checks find
    the same things either way."""
    content = content_read(seed_draft)
    table = next(t for t in content.tables.values() if len(t.rows) > 2)
    table.rows.reverse()  # read in another order than printed
    table.rows[0].name = "很长的名称" * 60  # longer than the column keeps
    row = next(r for r in table.rows if any(v is not None for v, _m in r.amounts.values()))
    column = next(c for c, (v, _m) in row.amounts.items() if v is not None)
    row.amounts[column] = (Decimal("12"), "")  # no cents written
    content_clear(seed_draft)
    content_write([(seed_draft, content)])

    written = load_context(seed_draft, written=content)
    stored = load_context(seed_draft)

    def cells(ctx):
        return {
            n: [
                (
                    r.key,
                    r.name,
                    r.side,
                    r.position,
                    sorted((c, str(v), m) for c, (v, m) in r.cells.items()),
                )
                for r in t.rows
            ]
            for n, t in ctx.tables.items()
        }

    assert written.tables == stored.tables
    assert cells(written) == cells(stored)
    assert len(written.tables[table.number].rows[-1].name) == 200
    issues = [i.message for i in run_checks(seed_draft, context=written).issues]
    assert issues == [i.message for i in run_checks(seed_draft, context=stored).issues]
    assert issues  # the seed has findings: the comparison says something


def _records(ctx) -> dict:
    """The texts and performance records a context holds, as plain values (ids left out)."""

    def plain(obj) -> dict:  # decimals as text: 12 and 12.00 are equal, not the same
        return {
            f.attname: (lambda v: str(v) if isinstance(v, Decimal) else v)(getattr(obj, f.attname))
            for f in obj._meta.concrete_fields
            if not (f.primary_key or f.is_relation)
        }

    return {
        "narratives": [plain(n) for n in ctx.narratives],
        "overall": plain(ctx.overall) if ctx.overall is not None else None,
        "tasks": [plain(t) for t in ctx.tasks],
        "overall_indicators": [plain(i) for i in ctx.overall_indicators],
        "projects": [
            (
                plain(p),
                [plain(f) for f in p.fund_list],
                [plain(i) for i in p.indicator_list],
            )
            for p in ctx.projects
        ],
    }


@pytest.mark.parametrize("source", ["seed", "pdf"])
def test_an_imports_checks_judge_the_texts_and_performance_exactly_as_stored(source, seed_draft):
    """The 说明 and the performance tables (公开10–12) handed to an import's checks are what a
    read gives back, value for value and type for type — decimals to their places, text cut
    to its field — and the checks find the same either way."""
    from tests.helpers import import_real
    from tests.test_import_pdf import CAIZHENGJU

    disclosure = seed_draft if source == "seed" else import_real(CAIZHENGJU)
    content = content_read(disclosure)
    if content.overall is not None:
        content.overall.duties = "职" * 9000  # a text field: kept whole
        if content.overall.tasks:
            content.overall.tasks[0].approved_total = Decimal("12")  # no cents written
    if content.projects:
        content.projects[0].name = "很长的项目名称" * 60  # longer than the column keeps
    content_clear(disclosure)
    content_write([(disclosure, content)])

    written = load_context(disclosure, written=content)
    stored = load_context(disclosure)
    assert _records(written) == _records(stored)
    kinds = [
        [type(v) for v in record.values()]
        for record in [*_records(written)["narratives"], *_records(written)["overall_indicators"]]
    ]
    assert kinds == [
        [type(v) for v in record.values()]
        for record in [*_records(stored)["narratives"], *_records(stored)["overall_indicators"]]
    ]
    assert _records(written)["narratives"], "the comparison must say something"
    issues = [i.message for i in run_checks(disclosure, context=written).issues]
    assert issues == [i.message for i in run_checks(disclosure, context=stored).issues]
