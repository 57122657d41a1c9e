"""Reading the stored check results for the pages: the report grouped by table, the cells to
highlight, what blocks a submission, and the public quality summary."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from disclosure.checks.engine import ERROR, FAILED, INFO, NOT_CHECKED, PASSED, WARNING, all_rules
from disclosure.importing.errors import Location
from disclosure.models import Amount, CheckRun, Disclosure, Finding, FindingExplanation
from disclosure.models.checks import RuleStatus, Severity


@dataclass
class RuleLine:
    """One rule's outcome in a run, titled in the reader's language."""

    rule: str
    title: str
    severity: str
    status: str
    findings: int
    reason: str = ""

    @property
    def status_label(self) -> str:
        return RuleStatus(self.status).label

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label


@dataclass
class TableFindings:
    number: str
    label: str  # 公开02
    title: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"t{self.number}"


@dataclass
class CheckReport:
    """What the latest run found, grouped by table in layout order. `run` is None when the
    disclosure has never been checked; `is_current` is False when its content changed since."""

    disclosure: Disclosure
    run: CheckRun | None
    groups: list[TableFindings] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for g in self.groups for f in g.findings]

    @property
    def rules(self) -> list[RuleLine]:
        if self.run is None:
            return []
        titles = {r.id: r.title for r in all_rules()}
        return [
            RuleLine(
                rule=r["rule"],
                title=titles.get(r["rule"], r["title"]),
                severity=r["severity"],
                status=r["status"],
                findings=r["findings"],
                reason=r.get("reason", ""),
            )
            for r in self.run.rules
        ]

    @property
    def is_current(self) -> bool:
        return self.run is not None and self.run.content_digest == self.disclosure.content_digest

    def _severity(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> int:
        return self._severity(ERROR)

    @property
    def warnings(self) -> int:
        return self._severity(WARNING)

    @property
    def infos(self) -> int:
        return self._severity(INFO)

    def _status(self, status: str) -> int:
        return sum(1 for r in (self.run.rules if self.run else []) if r["status"] == status)

    @property
    def passed(self) -> int:
        return self._status(PASSED)

    @property
    def failed(self) -> int:
        return self._status(FAILED)

    @property
    def not_checked(self) -> int:
        return self._status(NOT_CHECKED)

    def summary(self) -> dict | None:
        """Counts for a badge or an API (None: never checked — which is not "passed")."""
        if self.run is None:
            return None
        return {
            "checked_at": self.run.ran_at.isoformat(),
            "current": self.is_current,
            "rules": {
                "passed": self.passed,
                "failed": self.failed,
                "not_checked": self.not_checked,
            },
            "findings": {"error": self.errors, "warning": self.warnings, "info": self.infos},
        }


def latest_run(disclosure: Disclosure) -> CheckRun | None:
    return CheckRun.objects.filter(disclosure=disclosure).order_by("-ran_at", "-id").first()


def check_report(disclosure: Disclosure) -> CheckReport:
    """The latest run's findings grouped by table, each with its explanation (or None)."""
    run = latest_run(disclosure)
    report = CheckReport(disclosure=disclosure, run=run)
    if run is None:
        return report
    explanations = {
        e.key: e
        for e in FindingExplanation.objects.filter(disclosure=disclosure).select_related(
            "explained_by"
        )
    }
    findings = list(run.findings.order_by("position"))
    layout = disclosure.layout_spec
    groups = {
        spec.number: TableFindings(spec.number, spec.label, spec.display_title())
        for spec in layout.tables
    }
    for f in findings:
        f.explanation = explanations.get(f.key)
        group = groups.setdefault(f.table_number, TableFindings(f.table_number, f.table, f.table))
        group.findings.append(f)
    _locate_in_file(disclosure, findings)
    report.groups = [g for g in groups.values() if g.findings]
    return report


def _locate_in_file(disclosure: Disclosure, findings: list[Finding]) -> None:
    """Give each finding `file_cell`: where the uploaded file printed its cell, from the
    location the import stored with the amount, in the reader's language (工作表“公开02”第
    12 行第 C 列; 第 8 页第 9 行第 E 列 in a PDF, without the text box). A finding about a
    whole row (a code's name) gets the row alone; a finding with no stored amount behind it
    (a missing table, a table-level count) gets "" — the file printed nothing there."""
    for f in findings:
        f.file_cell = ""
    row_keys = {f.row_key for f in findings if f.row_key}
    if not row_keys:
        return
    by_cell: dict[tuple[str, str, str], Location] = {}
    by_row: dict[tuple[str, str], Location] = {}
    amounts = (
        Amount.objects.filter(row__table__disclosure=disclosure, row__key__in=row_keys)
        .exclude(source="")
        .order_by("row__table__number", "row__key", "id")
        .values_list("row__table__number", "row__key", "column", "source")
    )
    for number, row_key, column, source in amounts:
        if (where := Location.parse(source)) is not None:
            by_cell[(number, row_key, column)] = where
            by_row.setdefault((number, row_key), replace(where, column=None))
    for f in findings:
        where = by_cell.get((f.table_number, f.row_key, f.column_key)) or by_row.get(
            (f.table_number, f.row_key)
        )
        f.file_cell = where.label() if where else ""


def highlight_cells(disclosure: Disclosure) -> set[tuple[str, str, str]]:
    """(table number, row key, column key) of every cell the latest run's findings point at,
    both sides of a comparison included. A row-level finding (a code's name) has the column
    key "name"; the row builder's cells carry `row_key` and `column` to match against."""
    run = latest_run(disclosure)
    if run is None:
        return set()
    cells: set[tuple[str, str, str]] = set()
    for number, row_key, column_key, extra in run.findings.exclude(severity=INFO).values_list(
        "table_number", "row_key", "column_key", "cells"
    ):
        cells.add((number, row_key, column_key))
        cells.update(tuple(c) for c in extra)
    return cells


def highlights_by_table(disclosure: Disclosure) -> dict[str, set[tuple[str, str]]]:
    """The same cells per table, as (row key, column key) pairs — the form the printed
    table's `highlights` argument takes (one set per table: keys repeat across tables)."""
    by_table: dict[str, set[tuple[str, str]]] = {}
    for number, row_key, column_key in highlight_cells(disclosure):
        by_table.setdefault(number, set()).add((row_key, column_key))
    return by_table


def quality_summary(disclosure: Disclosure) -> dict | None:
    """The public summary of the checks (see CheckReport.summary)."""
    return check_report(disclosure).summary()


def finding_cells(disclosure: Disclosure) -> dict[str, dict[tuple[str, str], object]]:
    """Per table, each flagged cell (row key, column key) → the finding it links back to
    (`disclosure.tables.CellFinding`): errors before warnings, then in report order. The
    cells a finding also involves (the other side of a comparison) link to it too."""
    from disclosure.tables import CellFinding

    run = latest_run(disclosure)
    if run is None:
        return {}
    by_table: dict[str, dict[tuple[str, str], CellFinding]] = {}
    findings = run.findings.exclude(severity=INFO).values_list(
        "pk", "severity", "table_number", "row_key", "column_key", "cells"
    )
    ordered = sorted(findings, key=lambda f: (f[1] != ERROR, f[0]))
    for pk, severity, number, row_key, column_key, extra in ordered:
        mark = CellFinding(pk, severity, Severity(severity).label)
        for table, row, column in [(number, row_key, column_key), *map(tuple, extra)]:
            by_table.setdefault(table, {}).setdefault((row, column), mark)
    return by_table
