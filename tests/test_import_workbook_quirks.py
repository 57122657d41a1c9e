"""Workbooks and text files as departments have them: cover and 目录 sheets, formulas Excel
never calculated, full-width digits, Excel's "Unicode 文本" (UTF-16), a semicolon CSV."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from disclosure.importing.errors import ImportRejected
from disclosure.importing.reader import read_document
from tests.workbooks import seed_workbook


def rejected(data: bytes, layout: str | None = "yunnan-2021") -> str:
    with pytest.raises(ImportRejected) as info:
        read_document(data, layout=layout)
    return str(info.value)


def total_income(doc) -> tuple[Decimal | None, str]:
    return next(r for r in doc.tables["02"].rows if r.key == "total").amounts["total"]


@pytest.fixture(scope="module")
def seed_content(seed_bytes):
    return read_document(seed_bytes, layout="yunnan-2021")


def test_a_cover_and_a_contents_sheet_are_read_as_their_texts(seed_text, seed_content):
    book = openpyxl.load_workbook(io.BytesIO(seed_workbook(seed_text)))
    cover = book.create_sheet("封面", 0)
    cover.append(["玉溪市信访局"])
    cover.append(["2021年度部门决算"])
    contents = book.create_sheet("Sheet2", 1)
    contents.append(["目录"])
    contents.append(["公开02表", "收入决算表"])
    contents.append(["公开03表", "支出决算表"])
    out = io.BytesIO()
    book.save(out)
    doc = read_document(out.getvalue(), layout="yunnan-2021")
    assert doc.ignored_sheets == []
    front = [(n.table_number, n.heading, n.subheading, n.body) for n in doc.narratives[:2]]
    assert front == [
        ("", "封面", "", "玉溪市信访局\n2021年度部门决算"),
        ("", "目录", "", "公开02表\t收入决算表\n公开03表\t支出决算表"),
    ]
    # Apart from those two texts, the same content: nothing refused, nothing moved.
    del doc.narratives[:2]
    assert doc.digest() == seed_content.digest()


def test_a_sheet_of_notes_after_the_tables_is_still_ignored_and_listed(seed_text):
    book = openpyxl.load_workbook(io.BytesIO(seed_workbook(seed_text)))
    notes = book.create_sheet("填表说明")
    notes.append(["本表由财务科填报。"])
    out = io.BytesIO()
    book.save(out)
    doc = read_document(out.getvalue(), layout="yunnan-2021")
    assert doc.ignored_sheets == ["填表说明"]
    assert "封面" not in [n.heading for n in doc.narratives]


def test_a_sheet_without_a_title_that_holds_amounts_is_refused_naming_the_cell(seed_text):
    book = openpyxl.load_workbook(io.BytesIO(seed_workbook(seed_text)))
    stray = book.create_sheet("备用")
    stray.append(["说明", None])
    stray.append(["某项", 1234.5])
    stray["B2"].number_format = "#,##0.00"
    out = io.BytesIO()
    book.save(out)
    message = rejected(out.getvalue())
    assert "工作表“备用”第 2 行第 B 列：“1234.5” —— 找不到表名" in message


def test_a_formula_without_a_cached_value_is_refused_naming_the_cells():
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["收入决算表"])
    ws.append(["公开02表"])
    ws.append(["合计", None, None, "=SUM(D5:D6)"])
    out = io.BytesIO()
    book.save(out)  # openpyxl writes the formula and no value, as Excel never opened it
    message = rejected(out.getvalue())
    assert "1 个公式单元格没有计算结果（sheet1.xml!D3）" in message
    assert "请在 Excel 中打开并保存后再上传" in message


def test_full_width_digits_are_read_as_the_same_amount(seed_bytes, seed_content):
    text = seed_bytes.decode("utf-8")
    assert "9,733,858.45" in text
    wide = text.replace("9,733,858.45", "９，７３３，８５８．４５", 1)
    doc = read_document(wide.encode("utf-8"), layout="yunnan-2021")
    assert total_income(doc) == (Decimal("9733858.45"), "")
    assert doc.digest() == seed_content.digest()


def test_excel_unicode_text_in_utf16_is_read_like_utf8(seed_bytes, seed_content):
    doc = read_document(seed_bytes.decode("utf-8").encode("utf-16"), layout="yunnan-2021")
    assert total_income(doc) == (Decimal("9733858.45"), "")
    assert doc.digest() == seed_content.digest()


def test_a_semicolon_csv_is_told_so():
    data = "收入决算表;;;\n公开02表;;;\n合计;;;9733858.45\n".encode()
    assert "这是以分号（;）分隔的 CSV 文件" in rejected(data)
