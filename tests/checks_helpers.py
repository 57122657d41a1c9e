"""Changing a stored disclosure cell by cell, and reading what the checks said."""

from __future__ import annotations

from decimal import Decimal

from disclosure.checks.engine import Issue, Outcome, Report
from disclosure.models import Amount, Disclosure, TableRow


def put(disclosure: Disclosure, number: str, key: str, **cells) -> None:
    """Set cells of a stored row: a string or Decimal is an amount, "—" a dash, None blank."""
    row = TableRow.objects.get(table__disclosure=disclosure, table__number=number, key=key)
    for column, value in cells.items():
        Amount.objects.filter(row=row, column=column).delete()
        if value is None:
            continue
        if value == "—":
            Amount.objects.create(row=row, column=column, value=None, mark="—")
        else:
            Amount.objects.create(row=row, column=column, value=Decimal(value))


def rename(disclosure: Disclosure, number: str, key: str, *, code=None, name=None) -> None:
    row = TableRow.objects.get(table__disclosure=disclosure, table__number=number, key=key)
    if code is not None:
        row.code = row.key = code
    if name is not None:
        row.name = name
    row.save()


def outcome(report: Report, rule: str) -> Outcome:
    return next(o for o in report.outcomes if o.rule.id == rule)


def found(report: Report, rule: str, table: str, row: str) -> Issue:
    """The one finding of `rule` at table (as printed, "公开02") and row."""
    matches = [i for i in outcome(report, rule).issues if i.table_label == table and i.row == row]
    assert len(matches) == 1, [(i.table_label, i.row, i.message) for i in report.issues]
    return matches[0]


def amounts(issue: Issue) -> tuple:
    """(expected, actual, difference) as printed strings, blanks as None."""
    return tuple(
        None if v is None else str(v) for v in (issue.expected, issue.actual, issue.difference)
    )


def problems(report: Report) -> list[tuple[str, str, str, str]]:
    """(rule, table number, row key, column key) of every error and warning."""
    return sorted(
        (i.rule, i.table, i.row_key, i.column_key)
        for i in report.issues
        if i.severity in ("error", "warning")
    )
