"""A printed grid as flat records: one per printed row (a code, a line or a summary line).

Side-by-side tables (公开04's two panels, 公开06's three blocks) print several rows on one
grid line; a record is one of those rows with its own cells. Records are read from the
`TableView` cells, so the CSV, the JSON document and the Fiscal Data Package show exactly
the cells the web page shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from disclosure.layouts import Column, Line, TableSpec
from disclosure.presentation import Cell, TableView

COUNT_UNIT_RE = re.compile(r"[（(]([^（）()]{1,4})[）)]\s*$")


@dataclass
class FlatRow:
    key: str
    side: int  # the panel (lines) or block (economic) the row was printed in
    code: str = ""
    name: str = ""  # as printed; the layout's label for a line the document left blank
    line_no: int | None = None
    level: int = 0  # 1 类, 2 款, 3 项 for a code row; 0 for totals, lines and odd codes
    indent: int = 0  # a line's indent in the layout
    is_total: bool = False
    count: bool = False  # a 公开09 statistics line: its numbers count things, not money
    cells: list[Cell] = field(default_factory=list)  # the amount cells, in printed order
    stored: object | None = None  # the TableRow; None for a layout line not printed

    @property
    def has_data(self) -> bool:
        return any(c.value is not None or c.mark for c in self.cells)


def classification(spec: TableSpec) -> str:
    """ "functional" or "economic" for a code-keyed table, "line" for fixed lines."""
    if spec.kind == "lines":
        return "line"
    return spec.classification or ("economic" if spec.kind == "economic" else "functional")


def panel_key(spec: TableSpec, side: int) -> str:
    if spec.kind == "lines" and side < len(spec.panels):
        return spec.panels[side].key
    return ""


def side_title(spec: TableSpec, side: int) -> str:
    """The printed heading above a row's side: a panel's title or an economic block's."""
    if spec.kind == "lines" and side < len(spec.panels):
        return spec.panels[side].title
    if spec.kind == "economic" and side < len(spec.block_titles):
        return spec.block_titles[side]
    return ""


def columns_for_side(spec: TableSpec, side: int) -> tuple[Column, ...]:
    if spec.kind == "lines":
        return spec.panels[side].columns if side < len(spec.panels) else ()
    return spec.columns


def declared_line(spec: TableSpec, side: int, key: str) -> Line | None:
    if spec.kind != "lines" or side >= len(spec.panels):
        return None
    return next((line for line in spec.panels[side].lines if line.key == key), None)


def row_unit(view: TableView, row: FlatRow) -> str:
    """The unit of a row's numbers: the table's printed unit, or for a count line of
    公开09 the unit its label declares (“团组数（个）” → 个)."""
    if row.count:
        line = declared_line(view.spec, row.side, row.key)
        match = COUNT_UNIT_RE.search(line.label if line is not None else "")
        return match.group(1) if match else "个"
    return view.printed_unit


def flat_rows(view: TableView) -> list[FlatRow]:
    """The table's printed rows, side by side (panel or block) then in printed order.

    Empty for text tables (公开10–12), which have no grid."""
    stored = {}
    if view.record is not None:
        stored = {(r.side, r.key): r for r in view.record.rows.all()}
    records: dict[tuple[int, str], FlatRow] = {}
    for grid_row in view.rows:
        for cell in grid_row.cells:
            if not cell.row_key:
                continue  # padding beside a shorter panel or block
            ident = (cell.side, cell.row_key)
            row = records.get(ident)
            if row is None:
                row = records[ident] = FlatRow(
                    key=cell.row_key, side=cell.side, stored=stored.get(ident)
                )
            if cell.kind == "code":
                row.code = cell.text
                row.level = cell.level
            elif cell.kind == "label":
                row.name = row.name or cell.text
                if view.spec.kind == "lines":
                    row.indent = cell.level
            elif cell.kind == "lineno":
                row.line_no = int(cell.text) if cell.text.isdigit() else None
            elif cell.kind == "amount":
                row.cells.append(cell)
            row.is_total = row.is_total or cell.is_total
    for row in records.values():
        line = declared_line(view.spec, row.side, row.key)
        row.count = line is not None and line.format == "count"
    ordered = sorted(records.values(), key=lambda r: r.side)  # stable: printed order kept
    if view.spec.kind == "lines":
        # A layout line the document did not print has no stored row: keep it only when it
        # has a label (it is part of the printed form), never the blank filler lines.
        ordered = [r for r in ordered if r.stored is not None or r.name]
    return ordered
