"""Building real XLSX workbooks in the published layout, for import tests."""

from __future__ import annotations

import io
import re

import openpyxl
from openpyxl.utils import get_column_letter

from disclosure.layouts import get_layout
from disclosure.money import parse_amount

YEAR_PREFIX = re.compile(r"^\d{4}年度?")


def split_tables(text: str, layout: str = "yunnan-2021") -> list[tuple[str, list[list[str]]]]:
    """The seed's text cut into (title, rows) chunks at each table title line."""
    titles = {t.title for t in get_layout(layout).tables}
    chunks: list[tuple[str, list[list[str]]]] = []
    for line in text.splitlines():
        cells = line.split("\t")
        filled = [c.strip() for c in cells if c.strip()]
        if len(filled) == 1 and YEAR_PREFIX.sub("", filled[0]).replace('"', "“") in titles | {
            t.replace("“", "").replace("”", "") for t in titles
        }:
            chunks.append((filled[0], [cells]))
        elif chunks:
            chunks[-1][1].append(cells)
    return chunks


def _numeric(text: str):
    """A printed amount as the number Excel would hold; None for anything else."""
    text = text.strip()
    if not text or not re.fullmatch(r"[\d,]+(\.\d+)?", text):
        return None
    value, _ = parse_amount(text)
    if value is None:
        return None
    return int(value) if "." not in text else float(value)


def seed_workbook(
    text: str,
    *,
    numbers_as_text: set[str] = frozenset({"10", "11", "12"}),
    codes_as_numbers: set[str] = frozenset({"02", "05", "06"}),
    sheet_names: dict[str, str] | None = None,
) -> bytes:
    """One sheet per table, as a department's Excel would hold the published document.

    Amount cells are numeric (Excel floats) with `#,##0.00`; the title is merged across
    the table's width; header group cells are merged over the blank cells beside them;
    codes are numbers on the sheets in `codes_as_numbers`, text elsewhere. Performance and
    narrative tables stay text, as their cells are sentences and scores.
    """
    sheet_names = sheet_names if sheet_names is not None else {"04": "Sheet3"}
    book = openpyxl.Workbook()
    book.remove(book.active)
    for index, (_title, rows) in enumerate(split_tables(text)):
        mark = next(
            (m.group(1) for r in rows for c in r for m in [re.search(r"公开(\d\d)表", c)] if m),
            f"{index:02d}",
        )
        ws = book.create_sheet(sheet_names.get(mark, f"公开{mark}"))
        width = max(len(r) for r in rows)
        in_header = True
        for r_index, cells in enumerate(rows, start=1):
            first = cells[0].strip()
            if re.fullmatch(r"\d{3,7}", first) or "合计" in "".join(cells[:4]):
                in_header = False
            for c_index, raw in enumerate(cells, start=1):
                text_value = raw.strip()
                if not text_value:
                    continue
                cell = ws.cell(row=r_index, column=c_index)
                is_code = c_index in (1, 4, 7) and re.fullmatch(r"\d{3,7}", text_value)
                if is_code:
                    cell.value = int(text_value) if mark in codes_as_numbers else text_value
                    continue
                number = None if mark in numbers_as_text or in_header else _numeric(text_value)
                if number is not None:
                    cell.value = number
                    cell.number_format = "#,##0.00" if isinstance(number, float) else "0"
                else:
                    cell.value = text_value
            if in_header and r_index > 1:
                _merge_runs(ws, r_index, cells)
        if width > 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        for col in range(1, width + 1):
            ws.column_dimensions[get_column_letter(col)].width = 14
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _merge_runs(ws, row: int, cells: list[str]) -> None:
    """Merge a header cell with the blank cells to its right (as group headers are)."""
    col = 0
    while col < len(cells):
        if cells[col].strip():
            end = col
            while end + 1 < len(cells) and not cells[end + 1].strip():
                end += 1
            if end > col and col > 1:
                ws.merge_cells(start_row=row, start_column=col + 1, end_row=row, end_column=end + 1)
            col = end + 1
        else:
            col += 1


def national_workbook(section: str = "1234.56", hospitality: float = 3.25) -> bytes:
    """A national-2024 workbook: codes in three columns, amounts in 万元, 表7 as printed
    (预算数 and 决算数 alternating under each item, no label column)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表5"
    for row in [
        ["一般公共预算财政拨款支出决算表"],
        ["公开05表"],
        ["单位：万元"],
        ["科目编码", None, None, "科目名称", "本年支出", None, None],
        ["类", "款", "项", None, "合计", "基本支出", "项目支出"],
        [None, None, None, "合计", 1234.56, 1000.00, 234.56],
        ["201", None, None, "一般公共服务支出", 1234.56, 1000.00, 234.56],
        ["201", "06", None, "财政事务", float(section), 1000.00, 234.56],
        [None, None, "01", "行政运行", 1000.00, 1000.00, None],
        [None, None, "02", "一般行政管理事务", 234.56, None, 234.56],
    ]:
        ws.append(row)
    ws2 = book.create_sheet("三公")
    budget = [12.5, 0, 8.5, 0, 8.5, 4.0]
    actual = [10.25, 0, 7.0, 0, 7.0, hospitality]
    for row in [
        ["财政拨款“三公”经费支出决算表"],
        ["单位：万元"],
        ["财政拨款“三公”经费"],
        [
            "合计",
            None,
            "因公出国（境）费",
            None,
            "公务用车购置及运行维护费",
            *[None] * 5,
            "公务接待费",
        ],
        [None, None, None, None, "小计", None, "公务用车购置费", None, "公务用车运行维护费"],
        ["预算数", "决算数"] * 6,
        [value for pair in zip(budget, actual, strict=True) for value in pair],
    ]:
        ws2.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
