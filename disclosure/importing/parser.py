"""Reads the published layout — tables found by title or 公开NN表 mark — into parsed data.

Faithful: amounts, codes and names are kept as the document prints them, wrong sums,
odd codes and all. The reconciliation checks judge them; the parser never "fixes" one.
What the parser refuses is what it cannot read: an unknown or duplicated table, a header
that cannot place its columns (placement.py), an amount that is not a number, a cell
outside the layout's columns, a file with no table at all. What it read in a way a reader
should know of (a heading taken by position) is a finding of the import, not a refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from disclosure.content import DisclosureContent, ParsedRow, ParsedTable
from disclosure.importing.errors import ImportRejected, Location, Problem
from disclosure.importing.pdf import page_regions
from disclosure.importing.placement import HeaderPlacement
from disclosure.importing.rows import (
    RowReaders,
)
from disclosure.importing.sources import Row, Sheet
from disclosure.layouts import Layout, TableSpec, squash
from disclosure.money import AmountError, looks_like_amount, parse_amount

YEAR_PREFIX_RE = re.compile(r"^\d{4}\s*年度?")
DEPARTMENT_RE = re.compile(r"^(部门|编制单位|部门名称|单位名称|单位)\s*[:：]\s*(.*)$")
UNIT_RE = re.compile(r"(金额)?单位\s*[:：]\s*(万元|元|千元)")
NOTE_RE = re.compile(r"^(注|备注)\s*[:：]")
NOTE_CONTINUATION_RE = re.compile(r"^\d{1,2}\s*[.、．]")
EMPTY_STATEMENT_RE = re.compile(
    r"无数据|不涉及|没有.*(收入|支出|经费)|^(注|说明)[:：].*无.*[，,]故"
)  # a sentence saying the table is empty


def title_key(text: str) -> str:
    return squash(YEAR_PREFIX_RE.sub("", text.strip()))


@dataclass
class Region:
    """The rows of one table occurrence inside a sheet."""

    spec: TableSpec
    sheet: Sheet
    start: int  # index into sheet.rows of the title (or mark) row
    end: int  # exclusive
    title_row: int | None
    mark_row: int | None
    # Where the header placed the amount columns, when it was recognised: one list of cell
    # indexes per column set (a codes table's columns, each panel's), in declared order.
    # None: the layout's positions (or the grid's width) decide.
    positions: list[list[int]] | None = None
    skipped: frozenset[int] = frozenset()  # printed columns the layout does not declare

    @property
    def rows(self) -> list[Row]:
        return self.sheet.rows[self.start : self.end]

    def location(self, row: Row | None = None, column: int | None = None) -> Location:
        page = row.page if row else None
        return Location(self.sheet.name, row.number if row else None, column, page=page)


class LayoutParser(HeaderPlacement, RowReaders):
    def __init__(self, layout: Layout):
        self.layout = layout
        self.titles = {title_key(t.title): t for t in layout.tables}
        self.mark_re = layout.mark_re
        self._code_context: dict[int, list[str]] = {}
        self._lines_used: dict[tuple[int, int], list[int]] = {}
        self.problems: list[Problem] = []
        self.findings: list[str] = []  # what the checks should look at; not a refusal
        self.ignored_sheets: list[str] = []  # covers, 目录, sheets of notes
        # Every source cell an amount was read from: (id of the row, cell index). The proof
        # compares them with every amount-looking cell of the table's rows.
        # The value read from it (None: blank, a mark or refused), so it is parsed once.
        self._taken: dict[tuple[int, int], Decimal | None] = {}
        self.proof = {
            "source_cells": 0,
            "source_sum": Decimal(0),
            "stored": 0,
            "stored_sum": Decimal(0),
        }

    # ---------------------------------------------------------------- finding tables
    def _anchors(self, sheet: Sheet) -> list[tuple[int, str, str]]:
        """(row index, "title" | "mark", table number) in sheet order."""
        anchors = []
        for i, row in enumerate(sheet.rows):
            filled = row.filled
            if len(filled) == 1:
                spec = self.titles.get(title_key(filled[0][1]))
                if spec is not None:
                    anchors.append((i, "title", spec.number))
                    continue
            for col, text in filled:
                match = self.mark_re.search(text)
                if match:
                    number = f"{int(match.group(1)):02d}"
                    if not self.layout.has_table(number):
                        self.problems.append(
                            Problem(
                                f"未知的表：“{match.group(0)}”不在表式“{self.layout.name}”中",
                                location=Location(sheet.name, row.number, col),
                                value=text,
                            )
                        )
                        break
                    anchors.append((i, "mark", number))
                    break
        return anchors

    def find_regions(self, sheets: list[Sheet]) -> list[Region]:
        regions: list[Region] = []
        for sheet in sheets:
            if sheet.name and is_contents(sheet):
                self.ignored_sheets.append(sheet.name)  # a 目录 lists tables, it is none
                continue
            anchors = self._anchors(sheet)
            if not anchors:
                if any(not row.is_blank for row in sheet.rows) and sheet.name:
                    figure = next(
                        (
                            (row, index, text)
                            for row in sheet.rows
                            for index, text in enumerate(row.cells)
                            if looks_like_amount(text)
                        ),
                        None,
                    )
                    if figure is None:
                        # A cover or a sheet of notes: nothing to read, nothing lost.
                        self.ignored_sheets.append(sheet.name)
                        continue
                    row, index, text = figure
                    self.problems.append(
                        Problem(
                            "找不到表名或“公开NN表”标记，无法判断这是哪张表，而这张工作表中有金额",
                            location=Location(sheet.name, row.number, index),
                            value=text,
                        )
                    )
                continue
            # A title followed by its own mark, with no data between, is one occurrence.
            occurrences: list[tuple[int, str, int | None, int | None]] = []
            for index, kind, number in anchors:
                if occurrences:
                    start, prev_number, title_row, mark_row = occurrences[-1]
                    joinable = (
                        prev_number == number
                        and kind == "mark"
                        and mark_row is None
                        and index - start <= 8
                    )
                    if joinable:
                        occurrences[-1] = (start, number, title_row, index)
                        continue
                occurrences.append(
                    (
                        index,
                        number,
                        index if kind == "title" else None,
                        index if kind == "mark" else None,
                    )
                )
            for n, (start, number, title_row, mark_row) in enumerate(occurrences):
                end = occurrences[n + 1][0] if n + 1 < len(occurrences) else len(sheet.rows)
                regions.append(
                    Region(self.layout.table(number), sheet, start, end, title_row, mark_row)
                )
        if not regions and not self.problems:
            self.problems.append(
                Problem(f"文件中找不到任何公开表（按表式“{self.layout.name}”的表名或表号）")
            )
        seen: dict[str, Region] = {}
        for region in regions:
            number = region.spec.number
            if number in seen and not region.spec.repeatable:
                first = seen[number]
                self.problems.append(
                    Problem(
                        f"{region.spec.mark}出现了两次（另一处在"
                        f"{first.location(first.rows[0]).describe() or '前面'}）",
                        table=region.spec.label,
                        location=region.location(region.rows[0]),
                    )
                )
            seen.setdefault(number, region)
        return regions

    # ---------------------------------------------------------------- whole file
    def parse(self, sheets: list[Sheet]) -> DisclosureContent:
        from disclosure.importing import performance

        regions = self.find_regions(sheets)
        self.raise_if_problems()
        result = DisclosureContent(layout=self.layout.slug)
        for region in regions:
            kind = region.spec.kind
            if kind in {"codes", "economic", "lines"}:
                table = self.parse_amount_table(region)
            else:
                table = self.parse_text_table(region)
                if kind == "narrative":
                    result.narratives.extend(performance.read_narrative(self, region))
                elif kind == "performance_overall":
                    result.overall = performance.read_overall(self, region)
                else:
                    result.projects.append(performance.read_project(self, region))
            table.regions = page_regions(region.rows)
            kept = result.tables.setdefault(table.number, table)
            if kept is not table:  # a repeated table (绩效评价) shows every occurrence
                kept.regions = page_regions(region.rows, kept.regions)
        for spec in self.layout.tables:
            if spec.number not in result.tables:
                result.tables[spec.number] = ParsedTable(spec.number, state="not_provided")
        result.tables = dict(sorted(result.tables.items()))
        names = [t.printed_department for t in result.tables.values() if t.printed_department]
        if names:
            result.department_name = max(set(names), key=names.count)
        self.raise_if_problems()
        return result

    def proof_report(self) -> dict:
        """Count and sum of the amount-looking cells read, and how many amounts are stored."""
        return {
            "source_cells": self.proof["source_cells"],
            "source_sum": str(self.proof["source_sum"]),
            "stored": self.proof["stored"],
            "stored_sum": str(self.proof["stored_sum"]),
        }

    def raise_if_problems(self) -> None:
        if self.problems:
            raise ImportRejected(self.problems)

    def problem(self, region: Region, message: str, row: Row | None = None, **kwargs) -> None:
        column = kwargs.pop("column", None)
        self.problems.append(
            Problem(
                message,
                table=region.spec.label,
                location=region.location(row, column),
                **kwargs,
            )
        )

    # ---------------------------------------------------------------- shared pieces
    def read_meta(self, region: Region, table: ParsedTable, row: Row) -> bool:
        """Department, unit and title lines. True when the row held nothing else."""
        consumed = True
        for _, text in row.filled:
            unit = UNIT_RE.search(text)
            if unit:
                table.unit = unit.group(2)
                continue
            dept = DEPARTMENT_RE.match(text)
            if dept:
                name = self.mark_re.sub("", dept.group(2)).strip()
                if name and not table.printed_department:
                    table.printed_department = name
                continue
            if self.mark_re.fullmatch(squash(text)):
                continue
            if title_key(text) == title_key(region.spec.title):
                table.printed_title = table.printed_title or text
                continue
            consumed = False
        return consumed

    def _amount(self, region: Region, row: Row, index: int, header: str):
        text = row.cell(index)
        try:
            value, mark = parse_amount(text)
        except AmountError as exc:
            self._taken[id(row), index] = None
            self.problem(region, str(exc), row, column=index, column_label=header, value=text)
            return None, ""
        self._taken[id(row), index] = value
        return value, mark

    def _where(self, region: Region, row: Row, index: int) -> str:
        """Where an amount was printed: sheet, row and column, or page and box in a PDF."""
        where = region.location(row, index).describe()
        box = row.box(index)
        return f"{where} {box}" if box else where

    def _check_extra_cells(
        self, region: Region, row: Row, first_free: int, taken: frozenset[int] = frozenset()
    ) -> None:
        for index in range(first_free, len(row.cells)):
            if row.cells[index] and index not in taken and index not in region.skipped:
                self.problem(
                    region,
                    "此处在表式中没有对应的栏目：请检查是否错列",
                    row,
                    column=index,
                    value=row.cells[index],
                )
                return

    # ---------------------------------------------------------------- amount tables
    def _is_meta_row(self, row: Row) -> bool:
        """A title, unit, department or mark line above the header."""
        for _, text in row.filled:
            if UNIT_RE.search(text) or DEPARTMENT_RE.match(text):
                continue
            if self.mark_re.fullmatch(squash(text)) or title_key(text) in self.titles:
                continue
            return False
        return True

    def columns_at(self, region: Region, column_set: int, first: int, count: int) -> list[int]:
        """The cell index of each declared column of a column set (0 for a codes table, the
        panel's index): as the header placed it, else from the first amount column on."""
        if region.positions:
            return region.positions[column_set]
        return list(range(first, first + count))

    def parse_amount_table(self, region: Region) -> ParsedTable:
        if region.spec.positions == "by_width":
            region.spec = _positions_by_width(region)
        self._place_by_header(region)
        spec = region.spec
        table = ParsedTable(spec.number, location=region.location(region.rows[0]))
        if region.title_row is not None:
            table.printed_title = region.sheet.rows[region.title_row].filled[0][1]
        reader = {
            "codes": self._code_row,
            "economic": self._economic_row,
            "lines": self._line_row,
        }[spec.kind]
        after_grid: list[Row] = []
        seen_data = False
        for row in region.rows:
            if row.is_blank:
                continue
            if reader(region, table, row):
                seen_data = True
                after_grid.clear()
                continue
            if self.read_meta(region, table, row):
                continue
            if (seen_data and row.boxes is None) or _is_sentence(row):
                after_grid.append(row)
        self._read_trailer(table, after_grid)
        self._check_duplicate_keys(region, table)
        self._prove_nothing_lost(region, table)
        stated_empty = [
            line
            for line in f"{table.statement}\n{table.notes}".split("\n")
            if EMPTY_STATEMENT_RE.search(line)
        ]
        if table.has_amounts and stated_empty:
            self.problem(
                region,
                f"表下说明“{stated_empty[0]}”，表中却有金额：请核对是哪一处有误",
                region.rows[0],
            )
        if not table.has_amounts:
            table.state = "empty"
            if not table.statement and table.notes:
                # The national form states an empty table in a note under the header:
                # "注：…无政府性基金预算财政拨款支出，故本表无数据。"
                notes = table.notes.split("\n")
                said = [n for n in notes if EMPTY_STATEMENT_RE.search(n)]
                if said:
                    table.statement = "\n".join(said)
                    table.notes = "\n".join(n for n in notes if n not in said)
            printed_grid = any(row.boxes for row in region.rows)
            if not table.rows and not table.statement and not printed_grid:
                # A title with nothing under it: a cut-off file, not a published empty table
                # (a PDF's blank grid is a published empty table).
                self.problem(
                    region,
                    "找到了表名，但表中没有任何数据行，也没有空表说明：文件可能不完整",
                    region.rows[0],
                )
        return table

    def _prove_nothing_lost(self, region: Region, table: ParsedTable) -> None:
        """Every amount-looking cell of the table's rows was read into a column, or the file
        is refused naming the cell: no figure is ever dropped or moved silently."""
        taken_values = self._taken
        for row in region.rows:
            row_id = id(row)
            for index, text in enumerate(row.cells):
                if not text:
                    continue
                key = (row_id, index)
                taken = key in taken_values
                if taken:
                    value = taken_values[key]  # None: a mark, or refused where it was read
                elif not looks_like_amount(text):
                    continue
                else:
                    try:
                        value, _ = parse_amount(text)
                    except AmountError:
                        continue
                if value is None:
                    continue
                self.proof["source_cells"] += 1
                self.proof["source_sum"] += value
                if not taken:
                    self.problem(
                        region,
                        "这个数字不在表式的任何一栏或任何一行中，无法存放：请检查是否错行、错列"
                        "或多出了内容",
                        row,
                        column=index,
                        value=text,
                    )
        for parsed_row in table.rows:
            for value, _ in parsed_row.amounts.values():
                if value is not None:
                    self.proof["stored"] += 1
                    self.proof["stored_sum"] += value

    def _read_trailer(self, table: ParsedTable, rows: list[Row]) -> None:
        """Notes (注：…, with numbered continuations) and an empty table's statement."""
        notes: list[str] = []
        statement: list[str] = []
        in_notes = False
        for row in rows:
            text = " ".join(cell for _, cell in row.filled)
            if NOTE_RE.match(text):
                in_notes = True
                notes.append(text)
            elif in_notes and NOTE_CONTINUATION_RE.match(text):
                notes.append(text)
            elif len(row.filled) == 1:
                in_notes = False
                statement.append(text)
        table.notes = "\n".join(notes)
        table.statement = "\n".join(statement)

    def _check_duplicate_keys(self, region: Region, table: ParsedTable) -> None:
        seen: dict[str, ParsedRow] = {}
        for row in table.rows:
            if row.key in seen:
                first = seen[row.key]
                what = f"科目编码 {row.code}" if row.code else f"“{row.name or row.key}”行"
                self.problems.append(
                    Problem(
                        f"{what} 在表中出现了两次（第一次在第 {first.location.row} 行）",
                        table=region.spec.label,
                        location=row.location,
                    )
                )
            seen.setdefault(row.key, row)

    def parse_text_table(self, region: Region) -> ParsedTable:
        table = ParsedTable(region.spec.number, location=region.location(region.rows[0]))
        if region.title_row is not None:
            table.printed_title = region.sheet.rows[region.title_row].filled[0][1]
        for row in region.rows:
            if len(row.filled) <= 2:
                for _, text in row.filled:
                    unit = UNIT_RE.search(text)
                    if unit:
                        table.unit = unit.group(2)
                    dept = DEPARTMENT_RE.match(text)
                    if dept and not table.printed_department:
                        table.printed_department = self.mark_re.sub("", dept.group(2)).strip()
        return table


def is_contents(sheet: Sheet) -> bool:
    """A 目录 sheet: so named, or headed 目录 in its first filled cell."""
    if "目录" in squash(sheet.name):
        return True
    first = next((row.filled[0][1] for row in sheet.rows if row.filled), "")
    return squash(first) == "目录"


def _positions_by_width(region: Region) -> TableSpec:
    """Where the codes, the name and the amounts are, read from the printed grid's width:
    the amount columns are the rightmost ones, the name sits just before them and the code
    fills what is left (类 | 款 | 项 in three cells, or one cell)."""
    spec = region.spec
    width = max((len(row.cells) for row in region.rows if len(row.filled) > 1), default=0)
    if spec.kind == "economic":
        block_width = max(3, width // spec.blocks) if width else spec.block_width
        return replace(spec, block_width=block_width)
    first = max(width - len(spec.columns), 2)
    return replace(
        spec, first_amount_col=first, name_col=first - 1, code_cols=tuple(range(first - 1))
    )


def _is_sentence(row: Row) -> bool:
    # A PDF's table row is part of the grid (a header cell spanning the table), never a
    # sentence under it.
    return len(row.filled) == 1 and len(row.filled[0][1]) >= 4 and row.boxes is None


def parse_sheets(sheets: list[Sheet], layout: Layout) -> DisclosureContent:
    parser = LayoutParser(layout)
    parsed = parser.parse(sheets)
    parsed.proof = parser.proof_report()
    parsed.findings = parser.findings
    parsed.ignored_sheets = parser.ignored_sheets
    return parsed
