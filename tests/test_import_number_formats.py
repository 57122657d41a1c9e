"""The text tables (公开10–12) of a workbook read numbers as Excel displays them: the cell's
number format applied (thousands separators, decimals, percent, dates), so an XLSX upload
publishes the same text as the same document uploaded as text."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest

from disclosure.importing.numformat import excel_display
from disclosure.importing.reader import read_document
from tests.workbooks import seed_workbook

PRINTED_NUMBER = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")
TEXT_TABLES = ("公开10", "公开11", "公开12")


def _format_of(text: str) -> str:
    """The number format that displays a number as the document printed it."""
    whole = "#,##0" if "," in text else "0"
    _, _, decimals = text.partition(".")
    return f"{whole}.{'0' * len(decimals)}" if decimals else whole


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def formatted_seed(seed_text) -> tuple[bytes, int]:
    """The seed as a workbook whose text tables hold real numbers, each with the format
    that displays it as printed (200,000.00 is 200000 in `#,##0.00`)."""
    book = openpyxl.load_workbook(io.BytesIO(seed_workbook(seed_text)))
    numbers = 0
    for ws in book.worksheets:
        if not ws.title.startswith(TEXT_TABLES):
            continue
        for row in ws.iter_rows():
            for cell in row:
                text = cell.value if isinstance(cell.value, str) else ""
                if not PRINTED_NUMBER.match(text) or len(text) > 12:
                    continue
                value = float(text.replace(",", ""))
                cell.value = int(value) if "." not in text else value
                cell.number_format = _format_of(text)
                numbers += 1
    return _save(book), numbers


def test_numbers_of_the_text_tables_read_as_their_formats_display_them(seed_bytes, formatted_seed):
    data, numbers = formatted_seed
    assert numbers > 100  # the text tables really hold numbers now
    as_text = read_document(seed_bytes, layout="yunnan-2021")
    as_workbook = read_document(data, layout="yunnan-2021")
    funds = as_workbook.projects[0].funds[0]
    assert as_workbook.projects[0].grid == as_text.projects[0].grid
    fund_line = next(r for r in as_workbook.projects[0].grid if r[0] == "项目资金(元)")
    assert fund_line[2] == "200,000.00"
    assert funds.executed == Decimal("200000.00")
    assert as_workbook.overall.grid == as_text.overall.grid
    assert as_workbook.digest() == as_text.digest()


def test_percent_and_date_formats_are_applied_to_the_cells_text(seed_text):
    book = openpyxl.load_workbook(io.BytesIO(seed_workbook(seed_text)))
    ws = next(ws for ws in book.worksheets if ws.title.startswith("公开12"))
    indicator = next(row for row in ws.iter_rows() if row[3].value == "疑难信访事项个案办结率")
    indicator[6].value, indicator[6].number_format = 0.9567, "0.00%"  # 实际完成值
    indicator[4].value, indicator[4].number_format = 95, "0"  # 指标值
    timely = next(row for row in ws.iter_rows() if row[3].value == "支付信访救助金时间")
    timely[6].value = dt.datetime(2021, 10, 30)
    timely[6].number_format = 'yyyy"年"m"月"d"日"'
    fund = next(row for row in ws.iter_rows() if row[0].value == "项目资金(元)")
    fund[2].value, fund[2].number_format = 200000, "#,##0.00"
    doc = read_document(_save(book), layout="yunnan-2021")
    project = doc.projects[0]
    by_name = {i.level3: i for i in project.indicators}
    assert by_name["疑难信访事项个案办结率"].actual == "95.67%"
    assert by_name["疑难信访事项个案办结率"].target == "95"
    assert by_name["支付信访救助金时间"].actual == "2021年10月30日"
    assert next(r for r in project.grid if r[0] == "项目资金(元)")[2] == "200,000.00"
    assert project.funds[0].budget_initial == Decimal("200000.00")


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (200000, "#,##0.00", "200,000.00"),
        (1234567.891, "#,##0", "1,234,568"),
        (0.9567, "0.00%", "95.67%"),
        (0.5, "0%", "50%"),
        (12.5, "0", "13"),
        (2.675, "0.00", "2.68"),
        (-1234.5, "#,##0.00;[Red]-#,##0.00", "-1,234.50"),
        (-1234.5, "#,##0.00_);(#,##0.00)", "(1,234.50)"),
        (0, '#,##0.00;-#,##0.00;"-"', "-"),
        (12, '0"人"', "12人"),
        (dt.datetime(2021, 12, 31), "yyyy-mm-dd", "2021-12-31"),
        (dt.datetime(2021, 3, 5), 'yyyy"年"m"月"d"日"', "2021年3月5日"),
        (dt.datetime(2021, 3, 5, 14, 7), "yyyy/m/d h:mm", "2021/3/5 14:07"),
        (5, "General", None),
        (1e6, "0.00E+00", None),
    ],
)
def test_excel_number_formats_render_as_excel_shows_them(value, number_format, shown):
    assert excel_display(value, number_format) == shown
