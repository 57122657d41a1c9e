"""One CSV per table: UTF-8 with a byte-order mark, so Excel opens the Chinese correctly.

Form: one row per printed row (a code, a line or a summary line), one column per amount
column of the layout — not the printed grid. The printed grid puts two panels (公开04) or
three blocks (公开06) side by side and spreads its header over several rows; a reader of a
CSV sorts, filters and sums, which needs one header row and one record per line. Whoever
wants the printed form has the workbook.

Amounts are plain numbers to the cent ("9733858.45", no thousands separator), in the
table's printed unit, named in the last column; a printed dash stays a dash. A text cell
that a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage
return) gets a leading apostrophe; amounts stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from decimal import Decimal

from django.utils import translation

from disclosure.layouts import Column, TableSpec
from disclosure.models.classification import Level
from disclosure.opendata.flat import columns_for_side, flat_rows, row_unit, side_title
from disclosure.presentation import TableView

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")


def guard(text: str) -> str:
    """A text cell made inert for spreadsheets (OWASP's CSV injection advice)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def plain_amount(value: Decimal, *, count: bool = False) -> str:
    """A number as a spreadsheet reads it: "9733858.45", "-35.00"; a whole count "117"."""
    if count and value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)


def _inert(value) -> str:
    """A cell as written: a plain number ("-35.00") as it is, any other text guarded."""
    text = "" if value is None else str(value)
    return text if _PLAIN_NUMBER.match(text) else guard(text)


def write_csv(rows: Iterable[Iterable], *, bom: bool = True) -> bytes:
    """Rows as CSV bytes: UTF-8 (with a BOM unless `bom=False`), CRLF line ends. The one
    CSV writer of the portal: every text cell goes through the formula guard here, so a
    caller cannot forget it; plain numbers stay numbers."""
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([_inert(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8")


def table_csv(view: TableView) -> bytes:
    """The table as CSV bytes (BOM first). Text tables: 公开10 one row per section,
    公开11 and 公开12 their printed grids (公开12 with the project's number first)."""
    with translation.override("zh-hans"):
        if view.spec.is_amount_table:
            return write_csv(flat_table(view))
        if view.spec.kind == "narrative":
            rows = [["标题", "小标题", "内容"]]
            rows += [
                [guard(n.heading), guard(n.subheading), guard(n.body)] for n in view.narratives
            ]
            return write_csv(rows)
        if view.spec.kind == "performance_overall":
            grid = view.overall.grid if view.overall is not None else []
            return write_csv(_padded([[guard(c) for c in cells] for cells in grid]))
        rows = []
        for index, project in enumerate(view.projects, 1):
            rows += [[str(index), *(guard(c) for c in cells)] for cells in project.grid]
        return write_csv(_padded(rows))


def _padded(rows: list[list[str]]) -> list[list[str]]:
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


LINE_LEAD = ("栏", "行次", "项目")
CODE_LEAD = ("科目编码", "科目名称", "级次")
UNIT_HEADER = "金额单位"


def flat_columns(spec: TableSpec) -> list[tuple[int | None, Column, str]]:
    """The amount columns of the flat form, in order: (side, column, header). `side` is
    the panel a lines table's column belongs to (None for the other kinds); the header is
    the column's full header, named after its panel when there are several ("收入/决算数")."""
    if spec.kind == "lines":
        named = len(spec.panels) > 1
        return [
            (side, col, f"{panel.title}/{col.header}" if named and panel.title else col.header)
            for side, panel in enumerate(spec.panels)
            for col in panel.columns
        ]
    return [(None, col, col.header) for col in spec.columns]


def lead_headers(spec: TableSpec) -> list[str]:
    """The columns before the amounts: what identifies a row of the flat form."""
    if spec.kind == "lines":
        return list(LINE_LEAD)
    return list(CODE_LEAD) + (["栏"] if spec.kind == "economic" else [])


def flat_header(spec: TableSpec) -> list[str]:
    return [*lead_headers(spec), *(h for _s, _c, h in flat_columns(spec)), UNIT_HEADER]


def flat_table(view: TableView, *, number=None, text=guard) -> list[list]:
    """The header and one record per printed row. `number(value, count)` writes an amount
    (a plain string by default) and `text` a text cell (made inert for spreadsheets by
    default), so the CSV and a workbook of the same form share every other decision."""
    number = number or (lambda value, count: plain_amount(value, count=count))
    spec = view.spec
    columns = flat_columns(spec)
    rows: list[list] = [flat_header(spec)]
    for record in flat_rows(view):
        by_column = {c.column: c for c in record.cells}
        if spec.kind == "lines":
            lead = [
                text(side_title(spec, record.side)),
                str(record.line_no or ""),
                text(record.name),
            ]
        else:
            level = str(Level(record.level).label) if record.level else ""
            lead = [text(record.code), text(record.name), level]
            if spec.kind == "economic":
                lead.append(text(side_title(spec, record.side)))
        own = {c.key for c in columns_for_side(spec, record.side)}
        cells = []
        for side, col, _header in columns:
            cell = (
                by_column.get(col.key) if (side in (None, record.side) and col.key in own) else None
            )
            if cell is None:
                cells.append("")
            elif cell.value is not None:
                cells.append(number(cell.value, record.count))
            else:
                cells.append(text(cell.mark))
        rows.append(lead + cells + [row_unit(view, record)])
    return rows
