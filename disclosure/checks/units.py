"""Unit plausibility: a column of 万元 figures in a table printed in 元."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disclosure.checks.engine import WARNING, money, rule
from disclosure.checks.inside import column_sets, what

# Every amount of the column is below this (in 元) …
SMALL = Decimal(1000)
# … while beside one of them, on the same line, another column holds this many times more.
RATIO = Decimal(1000)


@rule(
    "units.scale",
    gettext_lazy("表中没有混入以万元填写的栏"),
    severity=WARNING,
    reads=("kind:codes", "kind:economic", "kind:lines"),
)
def scale(ctx, out):
    """In a table printed in 元, a column whose every amount is under 1,000 while another
    column of the same line holds at least 1,000 times as much looks filled in 万元.
    Columns tied to others by a declared sum (`sum_of`/`part_of`) are left out: if one of
    them were in 万元 the sum would fail and say so."""
    for table in ctx.tables.values():
        if not (table.present and table.spec.is_amount_table) or table.printed_unit != "元":
            continue
        for cols, rows in column_sets(table):
            tied = {c.key for c in cols if c.sum_of or c.part_of}
            tied |= {k for c in cols for k in (*c.sum_of, c.part_of) if k}
            for col in cols:
                if col.key in tied:
                    continue
                small = [(row, row.value(col.key)) for row in rows if row.value(col.key) != 0]
                if not small:
                    continue
                out.checked()
                if any(abs(v) >= SMALL for _row, v in small):
                    continue
                evidence = [
                    (row, v, other, row.value(other.key))
                    for row, v in small
                    for other in cols
                    if other.key != col.key and abs(row.value(other.key)) >= RATIO * abs(v)
                ]
                if not evidence:
                    continue
                row, value, other, big = evidence[0]
                out.flag(
                    table,
                    row=row,
                    column=col,
                    actual=value,
                    template=_(
                        "“{column}”栏的金额都不足 1,000 元（如“{what}”为 {actual}），"
                        "而同一行的“{other}”为 {big}：这一栏像是以万元填写的，本表单位是元。"
                    ),
                    cells=[(table.number, r.key, col.key) for r, _v in small],
                    what=what(table, row),
                    other=other.header,
                    big=money(big, "元"),
                )
