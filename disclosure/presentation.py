"""The row builder: one printed grid per table, from the layout declaration and the stored rows.

Every output — the web page, the PDF, the published-layout XLSX and the CSV — renders the
`TableView` built here, so no two formats can disagree about a cell.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from disclosure.layouts import Column, Line, Panel, TableSpec, is_english
from disclosure.models.classification import level_of
from disclosure.money import TEN_THOUSAND, format_amount, to_wan

UNITS = ("元", "万元")


@dataclass
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    numeric: bool = False


@dataclass
class Cell:
    text: str = ""
    kind: str = "blank"  # code | label | lineno | amount | blank
    value: Decimal | None = None
    mark: str = ""
    column: str = ""  # the column key, for amount cells
    row_key: str = ""
    side: int = 0
    level: int = 0  # 1 类, 2 款, 3 项 for code and label cells of code rows; indent for lines
    is_total: bool = False

    @property
    def numeric(self) -> bool:
        return self.kind in {"amount", "lineno"}

    @property
    def css(self) -> str:
        classes = [self.kind]
        if self.is_total:
            classes.append("total")
        if self.level:
            classes.append(f"level-{self.level}")
        return " ".join(classes)


@dataclass
class GridRow:
    cells: list[Cell]
    is_total: bool = False
    level: int = 0
    key: str = ""


@dataclass
class TableView:
    spec: TableSpec
    record: object | None  # the DisclosureTable (None when the disclosure has no such row)
    unit: str = "元"
    header: list[list[HeaderCell]] = field(default_factory=list)
    rows: list[GridRow] = field(default_factory=list)
    narratives: list = field(default_factory=list)
    overall: object | None = None
    projects: list = field(default_factory=list)

    @property
    def number(self) -> str:
        return self.spec.number

    @property
    def state(self) -> str:
        return getattr(self.record, "state", "not_provided")

    @property
    def notes(self) -> str:
        return getattr(self.record, "notes", "")

    @property
    def statement(self) -> str:
        return getattr(self.record, "statement", "")

    @property
    def printed_unit(self) -> str:
        return getattr(self.record, "unit", "") or self.spec.unit

    @property
    def anchor(self) -> str:
        return f"t{self.spec.number}"

    @property
    def width(self) -> int:
        return max((sum(c.colspan for c in row) for row in self.header[:1]), default=0)


# ------------------------------------------------------------------ formatting
def convert(value: Decimal, *, source: str, shown: str) -> Decimal:
    """An amount printed in `source` units, shown in `shown` units (元 ↔ 万元)."""
    if source == shown:
        return value
    if source == "元" and shown == "万元":
        return to_wan(value)
    if source == "万元" and shown == "元":
        return value * TEN_THOUSAND
    return value


def cell_text(
    value: Decimal | None, mark: str, *, units: tuple[str, str], count: bool = False
) -> str:
    """What a cell shows: the dash the document printed, a count, or an amount with
    thousands separators in the unit asked for (units = (printed, shown))."""
    if value is None:
        return mark
    if count:
        return format_amount(value, places=0) if value == value.to_integral() else str(value)
    return format_amount(convert(value, source=units[0], shown=units[1]))


# ------------------------------------------------------------------ headers
def _column_header(columns: tuple[Column, ...], depth: int) -> list[list[HeaderCell]]:
    """Header rows for amount columns with nested groups (outermost first)."""
    rows: list[list[HeaderCell]] = [[] for _ in range(depth)]
    for d in range(depth):
        i = 0
        while i < len(columns):
            col = columns[i]
            groups = col.display_group()
            if d < len(groups):
                prefix = groups[: d + 1]
                span = 1
                while (
                    i + span < len(columns) and columns[i + span].display_group()[: d + 1] == prefix
                ):
                    span += 1
                rows[d].append(HeaderCell(groups[d], colspan=span))
                i += span
            elif d == len(groups):
                rows[d].append(HeaderCell(col.display_label(), rowspan=depth - d, numeric=True))
                i += 1
            else:
                i += 1
    return rows


def _depth(columns: tuple[Column, ...]) -> int:
    return max((len(c.group) for c in columns), default=0) + 1


def _merge(parts: list[list[list[HeaderCell]]]) -> list[list[HeaderCell]]:
    depth = max(len(p) for p in parts)
    merged: list[list[HeaderCell]] = [[] for _ in range(depth)]
    for part in parts:
        for d, row in enumerate(part):
            merged[d].extend(row)
    return merged


def _lanci_row(lead: list[HeaderCell], columns: tuple[Column, ...]) -> list[HeaderCell]:
    span = sum(c.colspan for c in lead)
    return [HeaderCell(_("栏次"), colspan=span)] + [
        HeaderCell(c.lanci, numeric=True) for c in columns
    ]


def code_table_header(spec: TableSpec) -> list[list[HeaderCell]]:
    depth = _depth(spec.columns)
    code_label = _("支出功能分类科目编码") if spec.classification == "functional" else _("科目编码")
    lead = [HeaderCell(code_label, rowspan=depth), HeaderCell(_("科目名称"), rowspan=depth)]
    rows = _merge([[lead] + [[] for _ in range(depth - 1)], _column_header(spec.columns, depth)])
    if any(c.lanci for c in spec.columns):
        rows.append(_lanci_row([HeaderCell("", colspan=2)], spec.columns))
    return rows


def panel_header(panel: Panel, depth: int) -> list[list[HeaderCell]]:
    col_depth = depth - (1 if panel.title else 0)
    body = _merge(
        [
            [[HeaderCell(_("项目"), rowspan=col_depth), HeaderCell(_("行次"), rowspan=col_depth)]]
            + [[] for _ in range(col_depth - 1)],
            _column_header(panel.columns, col_depth),
        ]
    )
    if panel.title:
        title = panel.title_en if is_english() and panel.title_en else panel.title
        return [[HeaderCell(title, colspan=2 + len(panel.columns))], *body]
    return body


def lines_table_header(spec: TableSpec) -> list[list[HeaderCell]]:
    depth = max(_depth(p.columns) + (1 if p.title else 0) for p in spec.panels)
    return _merge([panel_header(p, depth) for p in spec.panels])


def economic_header(spec: TableSpec) -> list[list[HeaderCell]]:
    titles = spec.block_titles_en if is_english() and spec.block_titles_en else spec.block_titles
    top: list[HeaderCell] = []
    for b in range(spec.blocks):
        title = titles[b] if b < len(titles) else ""
        if title or not top:
            top.append(HeaderCell(title, colspan=spec.block_width))
        else:
            top[-1].colspan += spec.block_width
    second = []
    for _b in range(spec.blocks):
        second += [
            HeaderCell(_("科目编码")),
            HeaderCell(_("科目名称")),
            HeaderCell(spec.columns[0].display_label(), numeric=True),
        ]
    return [top, second]


# ------------------------------------------------------------------ bodies
def _amount_cells(
    row, columns, units: tuple[str, str], side: int = 0, count: bool = False
) -> list[Cell]:
    stored = {a.column: a for a in row.amounts.all()} if row is not None else {}
    cells = []
    for col in columns:
        amount = stored.get(col.key)
        value = amount.value if amount else None
        mark = amount.mark if amount else ""
        cells.append(
            Cell(
                text=cell_text(value, mark, units=units, count=count),
                kind="amount",
                value=value,
                mark=mark,
                column=col.key,
                row_key=row.key if row is not None else "",
                side=side,
                is_total=bool(row is not None and row.is_total),
            )
        )
    return cells


def code_table_rows(spec: TableSpec, rows, units: tuple[str, str]) -> list[GridRow]:
    grid = []
    for row in rows:
        level = 0 if row.is_total else (level_of(row.code) or 0)
        lead = [
            Cell(row.code, "code", row_key=row.key, level=level, is_total=row.is_total),
            Cell(
                row.name,
                "label",
                column="name",
                row_key=row.key,
                level=level,
                is_total=row.is_total,
            ),
        ]
        grid.append(
            GridRow(
                lead + _amount_cells(row, spec.columns, units),
                is_total=row.is_total,
                level=level,
                key=row.key,
            )
        )
    return grid


@dataclass(frozen=True)
class PanelLine:
    """One panel's line on a printed row of a side-by-side lines table: the declared line
    and the stored row the document printed for it (None: the document printed no such
    line — an optional line left out, or one of the blank filler lines)."""

    line: Line
    row: object | None


def paired_lines(spec: TableSpec, rows) -> list[list[PanelLine | None]]:
    """The printed rows of a lines table, each holding every panel's line printed on it:
    printed row n shows each panel's n-th declared line, as the form prints them (收入's
    本年收入合计 beside 支出's 本年支出合计). A panel with fewer lines than the others has
    None on the rows below its last line. `rows` are the stored rows (side and 行次).

    The one pairing of side-by-side panels: the public table and the import preview both
    arrange their rows with it. (A row's stored `position` counts the lines read in its
    own panel only, so it cannot pair panels: 收入 reads no line for its blank fillers.)"""
    by_side: dict[int, dict[int, object]] = defaultdict(dict)
    for row in rows:
        if row.line_no is not None:
            by_side[row.side][row.line_no] = row
    height = max((len(p.lines) for p in spec.panels), default=0)
    return [
        [
            PanelLine(panel.lines[n], by_side[side].get(panel.lines[n].no))
            if n < len(panel.lines)
            else None
            for side, panel in enumerate(spec.panels)
        ]
        for n in range(height)
    ]


def lines_table_rows(spec: TableSpec, rows, units: tuple[str, str]) -> list[GridRow]:
    """Side-by-side panels: the printed row n shows each panel's n-th line."""
    grid = []
    for pair in paired_lines(spec, rows):
        cells: list[Cell] = []
        any_total = False
        for side, (panel, placed) in enumerate(zip(spec.panels, pair, strict=True)):
            if placed is None:
                cells += [Cell() for _ in range(2 + len(panel.columns))]
                continue
            line, stored = placed.line, placed.row
            label = stored.name if stored is not None and stored.name else line.display_label()
            if stored is None and not line.label:
                label = ""
            any_total = any_total or line.total
            cells.append(
                Cell(
                    label,
                    "label",
                    column="name",
                    row_key=line.key,
                    side=side,
                    level=line.indent,
                    is_total=line.total,
                )
            )
            cells.append(Cell(str(line.no), "lineno", row_key=line.key, side=side))
            cells += _amount_cells(stored, panel.columns, units, side, count=line.format == "count")
            if stored is None:
                for c in cells[-len(panel.columns) :]:
                    c.row_key = line.key
        grid.append(GridRow(cells, is_total=any_total))
    return grid


def paired_blocks(spec: TableSpec, rows) -> list[list[object | None]]:
    """The printed rows of a table of economic blocks (人员经费 | 公用经费 …), each holding
    every block's row printed on it: printed row n shows each block's n-th code in stored
    order (a row's position counts the codes read in its own block, top to bottom), and a
    last row the blocks' summary lines (人员经费合计 | 公用经费合计) when any is stored. A
    block with fewer codes than the others has None below its last one.

    The one pairing of side-by-side blocks: the public table and the import preview both
    arrange their rows with it."""
    sides: dict[int, list] = defaultdict(list)
    totals: dict[int, object] = {}
    for row in rows:
        (totals.__setitem__(row.side, row) if row.is_total else sides[row.side].append(row))
    height = max((len(v) for v in sides.values()), default=0)
    paired = [
        [sides[side][n] if n < len(sides[side]) else None for side in range(spec.blocks)]
        for n in range(height)
    ]
    if totals:
        paired.append([totals.get(side) for side in range(spec.blocks)])
    return paired


def summary_label(spec: TableSpec, row) -> str:
    """A summary line's label as shown: as printed, or the layout's English label."""
    summary = next((s for s in spec.summary_lines if s.key == row.key), None)
    return summary.display_label() if summary and is_english() else row.name


def economic_rows(spec: TableSpec, rows, units: tuple[str, str]) -> list[GridRow]:
    def block(row, side: int) -> list[Cell]:
        if row is None:
            return [Cell(), Cell(), Cell(kind="amount")]
        total = row.is_total
        level = 0 if total else (level_of(row.code) or 0)
        label = summary_label(spec, row) if total else row.name
        return [
            Cell(
                row.code if not total else label,
                "code" if not total else "label",
                row_key=row.key,
                side=side,
                level=level,
                is_total=total,
            ),
            Cell(
                "" if total else row.name,
                "label",
                column="name",
                row_key=row.key,
                side=side,
                level=level,
                is_total=total,
            ),
            *_amount_cells(row, spec.columns, units, side),
        ]

    grid = []
    for pair in paired_blocks(spec, rows):
        cells: list[Cell] = []
        for side, row in enumerate(pair):
            cells += block(row, side)
        total = any(row is not None and row.is_total for row in pair)
        grid.append(GridRow(cells, is_total=total))
    return grid


def build_table_view(spec: TableSpec, record, *, unit: str | None = None) -> TableView:
    """A table's printed grid. `record` is a DisclosureTable with rows and amounts prefetched."""
    printed = getattr(record, "unit", "") or spec.unit
    units = (printed, unit if unit in UNITS else printed)
    view = TableView(spec=spec, record=record, unit=units[1])
    rows = list(record.rows.all()) if record is not None else []
    if spec.kind == "codes":
        view.header = code_table_header(spec)
        view.rows = code_table_rows(spec, rows, units)
    elif spec.kind == "lines":
        view.header = lines_table_header(spec)
        view.rows = lines_table_rows(spec, rows, units)
    elif spec.kind == "economic":
        view.header = economic_header(spec)
        view.rows = economic_rows(spec, rows, units)
    return view
