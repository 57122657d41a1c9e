"""The published-layout workbook: each table on its own sheet, as the importer reads it.

A sheet holds the table's title, a "部门：… 公开NN表" line, the unit line, the header rows
of `TableView.header` (merged as their colspan and rowspan say), the rows of
`TableView.rows` and, under the grid, an empty table's statement and the notes. Cells sit
in the columns the layout declares for the printed form (`code_cols`, `name_col`,
`first_amount_col`, a panel's `label_col` …), so the importer reads the file back to the
same data: that round trip is what makes the workbook trustworthy.

Amounts are numeric cells formatted `#,##0.00` (an amount Excel cannot hold exactly —
more than 15 significant digits — is written as text instead, which the importer reads to
the cent); codes are text; a printed dash stays a dash. The text tables are written from
what was stored: 公开10's sections (a paragraph break stays inside its cell) and the
printed grids of 公开11 and each 公开12 project.

Tables the document did not provide have no sheet (an empty sheet would read back as an
empty table, which is a different statement).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from disclosure.importing.performance import REMARK_RE
from disclosure.layouts import TableSpec
from disclosure.models import Disclosure
from disclosure.presentation import Cell, TableView
from disclosure.selectors import disclosure_tables

AMOUNT_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
EXCEL_DIGITS = 15  # Excel keeps 15 significant digits of a number
SKIPPED_STATES = {"not_provided", "exempt"}

Span = tuple[int, int]  # first and last sheet column (0-based) of a grid cell


def disclosure_workbook(disclosure: Disclosure, *, numbers: Iterable[str] | None = None) -> bytes:
    """The disclosure (or only the tables `numbers`) as an XLSX workbook in the published
    layout. Raises LookupError when no table of the selection has anything to write."""
    wanted = set(numbers) if numbers is not None else None
    with translation.override("zh-hans"):
        views = disclosure_tables(disclosure)
        book = Workbook()
        book.remove(book.active)
        for view in views:
            if wanted is not None and view.number not in wanted:
                continue
            if view.state in SKIPPED_STATES:
                continue
            if view.spec.is_amount_table:
                _amount_sheet(book, view)
            elif view.spec.kind == "narrative":
                _narrative_sheet(book, view)
            elif view.spec.kind == "performance_overall" and view.overall is not None:
                _grid_sheet(book, view, view.overall.grid, f"公开{view.number}")
            elif view.spec.kind == "performance_project":
                for index, project in enumerate(view.projects, 1):
                    _grid_sheet(book, view, project.grid, f"公开{view.number}-{index}")
        if not book.worksheets:
            raise LookupError("nothing to write")
        book.properties.title = f"{disclosure.department.name}{disclosure.year_id}年度部门决算"
        book.properties.creator = "决算公开平台"
        book.properties.language = "zh-CN"
        out = io.BytesIO()
        book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------- shared pieces
def _text(ws: Worksheet, row: int, col: int, text: str, **style) -> None:
    """A text cell that stays text: openpyxl reads a leading "=" as a formula."""
    cell = ws.cell(row=row, column=col + 1, value=text)
    if text.startswith("="):
        cell.data_type = "s"
    for name, value in style.items():
        setattr(cell, name, value)


def _number(ws: Worksheet, row: int, col: int, value: Decimal, number_format: str) -> None:
    digits = len(value.as_tuple().digits)
    if digits > EXCEL_DIGITS:
        _text(ws, row, col, f"{value:,.2f}", alignment=Alignment(horizontal="right"))
        return
    cell = ws.cell(row=row, column=col + 1, value=value)
    cell.number_format = number_format


def _merge(ws: Worksheet, row: int, span: Span, rows: int = 1) -> None:
    if span[1] > span[0] or rows > 1:
        ws.merge_cells(
            start_row=row, start_column=span[0] + 1, end_row=row + rows - 1, end_column=span[1] + 1
        )


def _preamble(ws: Worksheet, view: TableView, width: int) -> int:
    """Title, "部门：… 公开NN表" and unit lines; returns the next free row (1-based)."""
    record = view.record
    title = getattr(record, "printed_title", "") or view.spec.title
    _text(ws, 1, 0, title, font=Font(bold=True, size=14), alignment=Alignment(horizontal="center"))
    _merge(ws, 1, (0, width - 1))
    department = getattr(record, "printed_department", "")
    mark = view.spec.mark
    _text(ws, 2, 0, f"部门：{department}  {mark}" if department else mark)
    _merge(ws, 2, (0, width - 1))
    row = 3
    printed_unit = getattr(record, "unit", "")
    if printed_unit:
        _text(ws, row, 0, f"金额单位：{printed_unit}")
        _merge(ws, row, (0, width - 1))
        row += 1
    return row


THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _print_setup(ws: Worksheet, *, repeat: str | None = None) -> None:
    """A4 landscape, as wide as one page: the sheet prints like the published table."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if repeat:
        ws.print_title_rows = repeat


def _rule(ws: Worksheet, first: int, last: int, width: int) -> None:
    """Thin borders around every cell of the grid (header and body)."""
    for row in ws.iter_rows(min_row=first, max_row=last, max_col=width):
        for cell in row:
            cell.border = GRID


def _sentences(ws: Worksheet, row: int, text: str, width: int) -> int:
    """Each line of a statement or of the notes on its own row, under the grid."""
    for line in filter(None, text.split("\n")):
        _text(ws, row, 0, line, alignment=Alignment(wrap_text=True, vertical="top"))
        _merge(ws, row, (0, width - 1))
        row += 1
    return row


# ---------------------------------------------------------------------- amount tables
def cell_spans(view: TableView) -> list[Span | None]:
    """For each position in a grid row, the sheet columns its cell occupies in the
    published layout (None: the layout prints no such column, e.g. no 行次)."""
    spec = view.spec
    if spec.kind == "codes":
        code = (min(spec.code_cols), max(spec.code_cols))
        name = (spec.name_col, max(spec.name_col, spec.first_amount_col - 1))
        return [code, name] + [(spec.first_amount_col + i,) * 2 for i in range(len(spec.columns))]
    if spec.kind == "economic":
        spans: list[Span | None] = []
        for block in range(spec.blocks):
            base = block * spec.block_width
            spans += [(base, base), (base + 1, base + 1), (base + 2, base + 2)]
        return spans
    spans = []
    for panel in spec.panels:
        if panel.label_col < 0:  # the layout prints no label column (表7 of 2024)
            spans += [None, None]
            spans += [(panel.first_amount_col + i,) * 2 for i in range(len(panel.columns))]
            continue
        after_label = panel.lineno_col if panel.lineno_col > panel.label_col else None
        end = (after_label or panel.first_amount_col) - 1
        spans.append((panel.label_col, max(panel.label_col, end)))
        if panel.lineno_col >= 0:
            spans.append((panel.lineno_col, max(panel.lineno_col, panel.first_amount_col - 1)))
        else:
            spans.append(None)
        spans += [(panel.first_amount_col + i,) * 2 for i in range(len(panel.columns))]
    return spans


def _sheet_width(spans: list[Span | None]) -> int:
    return max((s[1] for s in spans if s is not None), default=0) + 1


def _header(ws: Worksheet, top: int, view: TableView, spans: list[Span | None]) -> int:
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    occupied: set[tuple[int, int]] = set()
    for r, header_row in enumerate(view.header):
        g = 0
        for h in header_row:
            while (r, g) in occupied:
                g += 1
            covered = range(g, g + h.colspan)
            occupied.update((rr, gg) for rr in range(r, r + h.rowspan) for gg in covered)
            g += h.colspan
            mapped = [spans[i] for i in covered if i < len(spans) and spans[i] is not None]
            if not mapped or not h.text:
                continue
            span = (min(s[0] for s in mapped), max(s[1] for s in mapped))
            _text(ws, top + r, span[0], h.text, font=bold, alignment=centre)
            _merge(ws, top + r, span, rows=h.rowspan)
    return top + len(view.header)


def _count_keys(spec: TableSpec) -> set[tuple[int, str]]:
    return {
        (side, line.key)
        for side, panel in enumerate(spec.panels)
        for line in panel.lines
        if line.format == "count"
    }


def _split_code(spec: TableSpec, code: str) -> list[tuple[int, str]]:
    """A code in the layout's code columns: one column, or 类 | 款 | 项 in three."""
    if len(spec.code_cols) == 3 and code.isdigit() and len(code) in (3, 5, 7):
        parts = [code[:3], code[3:5], code[5:7]]
        return [(col, part) for col, part in zip(spec.code_cols, parts, strict=True) if part]
    return [(spec.code_cols[0], code)] if code else []


def _body_cell(
    ws: Worksheet, row: int, view: TableView, cell: Cell, span: Span, counts: set
) -> None:
    if cell.kind == "amount":
        if cell.value is not None:
            count = (cell.side, cell.row_key) in counts
            _number(ws, row, span[0], cell.value, COUNT_FORMAT if count else AMOUNT_FORMAT)
        elif cell.mark:
            _text(ws, row, span[0], cell.mark, alignment=Alignment(horizontal="right"))
    elif cell.kind == "code" and view.spec.kind == "codes":
        for col, part in _split_code(view.spec, cell.text):
            _text(ws, row, col, part)
    elif cell.kind == "lineno":
        if cell.text.isdigit():
            ws.cell(row=row, column=span[0] + 1, value=int(cell.text))
    elif cell.text or span[1] > span[0]:
        if cell.text:
            _text(ws, row, span[0], cell.text)
        _merge(ws, row, span)  # a name printed across the blank columns beside it


def _amount_sheet(book: Workbook, view: TableView) -> None:
    ws = book.create_sheet(f"公开{view.number}")
    spans = cell_spans(view)
    width = _sheet_width(spans)
    top = _preamble(ws, view, width)
    row = _header(ws, top, view, spans)
    header_end = row - 1
    stored = {}
    if view.record is not None:
        stored = {(r.side, r.key): r for r in view.record.rows.all()}
    counts = _count_keys(view.spec)
    for grid_row in view.rows:
        for index, cell in enumerate(grid_row.cells):
            span = spans[index] if index < len(spans) else None
            if span is None or not cell.row_key:
                continue
            printed = stored.get((cell.side, cell.row_key))
            if view.spec.kind == "lines":
                # Only the lines the document printed, with the label as printed: a line
                # written from the layout alone would read back as a new printed line.
                if printed is None:
                    continue
                if cell.kind == "label":
                    cell = Cell(printed.name, "label")
            _body_cell(ws, row, view, cell, span, counts)
        row += 1
    _rule(ws, top, row - 1, width)
    _print_setup(ws, repeat=f"{top}:{header_end}" if header_end >= top else None)
    row = _sentences(ws, row + 1, view.statement, width)
    _sentences(ws, row, view.notes, width)
    for col in range(width):
        ws.column_dimensions[get_column_letter(col + 1)].width = 16
    for span in spans:
        if span is not None and span[1] > span[0]:
            for col in range(span[0] + 1, span[1] + 1):
                ws.column_dimensions[get_column_letter(col + 1)].width = 4
    for col in _label_columns(view.spec):
        ws.column_dimensions[get_column_letter(col + 1)].width = 30
    for panel in view.spec.panels:
        if panel.lineno_col >= 0:
            ws.column_dimensions[get_column_letter(panel.lineno_col + 1)].width = 6
    for header_row in range(top, header_end + 1):
        ws.row_dimensions[header_row].height = 30  # room for a wrapped column heading


def _label_columns(spec: TableSpec) -> list[int]:
    if spec.kind == "codes":
        return [spec.name_col]
    if spec.kind == "economic":
        return [block * spec.block_width + 1 for block in range(spec.blocks)]
    return [panel.label_col for panel in spec.panels if panel.label_col >= 0]


# ---------------------------------------------------------------------- text tables
WRAP = Alignment(wrap_text=True, vertical="top")
LINE_HEIGHT = 15  # points per wrapped line
MAX_ROW_HEIGHT = 409  # Excel's limit


def _display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: a Chinese character takes two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _fit(ws: Worksheet, first_row: int, widths: list[int]) -> None:
    """Column widths, and row heights that show every wrapped line of the text cells
    (spreadsheets do not grow a row for wrapped text written by a program)."""
    for col, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(col + 1)].width = width
    merged = {(r.min_row, r.min_col) for r in ws.merged_cells.ranges}  # span the sheet
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if (cell.row, cell.column) in merged:
                continue
            if isinstance(cell.value, str) and cell.column <= len(widths):
                width = max(widths[cell.column - 1] - 1, 1)
                lines = max(
                    lines,
                    sum(-(-_display_width(part) // width) or 1 for part in cell.value.split("\n")),
                )
        if lines > 1:
            ws.row_dimensions[row[0].row].height = min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines)


def _narrative_sheet(book: Workbook, view: TableView) -> None:
    ws = book.create_sheet(f"公开{view.number}")
    width = 3
    row = first = _preamble(ws, view, width)
    heading = ""
    for section in view.narratives:
        if section.heading == "备注" and not section.subheading and REMARK_RE.match(section.body):
            # A remark is one sentence across the grid ("备注：涉密部门…").
            _text(ws, row, 0, section.body, alignment=WRAP)
            _merge(ws, row, (0, width - 1))
            row += 1
            continue
        if section.heading != heading:
            _text(ws, row, 0, section.heading, alignment=WRAP)
            heading = section.heading
        if section.subheading:
            _text(ws, row, 1, section.subheading, alignment=WRAP)
        if section.body:
            _text(ws, row, 2, section.body, alignment=WRAP)
        row += 1
    _print_setup(ws)
    _fit(ws, first, [24, 30, 100])


def _grid_sheet(book: Workbook, view: TableView, grid: list[list[str]], title: str) -> None:
    ws = book.create_sheet(title)
    width = max((len(cells) for cells in grid), default=1)
    row = first = _preamble(ws, view, width)
    for cells in grid:
        for col, text in enumerate(cells):
            if text:
                _text(ws, row, col, str(text), alignment=WRAP)
        row += 1
    _print_setup(ws)
    longest = [0] * width
    for cells in grid:
        for col, text in enumerate(cells):
            longest[col] = max(longest[col], _display_width(str(text)))
    _fit(ws, first, [min(max(size + 2, 8), 40) for size in longest])
