"""The same disclosure as an XLSX workbook imports to data identical to the text import."""

import io

import openpyxl
import pytest

from disclosure.importing.services import parse_file
from tests.helpers import import_file, snapshot
from tests.workbooks import seed_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def workbook_bytes(seed_text) -> bytes:
    return seed_workbook(seed_text)


def test_the_test_workbook_is_what_departments_have(workbook_bytes):
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    assert "Sheet3" in book.sheetnames  # 公开04 under Excel's default name
    assert len(book.sheetnames) == 12  # 公开02–12, the 12 twice (two projects)
    ws = book["公开06"]
    assert ws.merged_cells.ranges  # title and header groups merged
    numbers = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, float)]
    assert 577492.37 in numbers  # amounts are numeric cells, not text
    codes = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, int)]
    assert 30226 in codes  # codes as numbers on this sheet
    first_column = [row[0].value for row in book["公开03"].iter_rows()]
    assert "201" in first_column and 201 not in first_column  # and as text on another


def test_workbook_parses_to_the_same_content_as_the_text(workbook_bytes, seed_bytes):
    from_text = parse_file(data=seed_bytes)
    from_xlsx = parse_file(data=workbook_bytes)
    assert from_xlsx.as_data() == from_text.as_data()
    assert from_xlsx.digest() == from_text.digest()


def test_workbook_import_stores_identical_data(workbook_bytes, seed_bytes):
    text_import = import_file(data=seed_bytes, department_code="from-text", year=2021)
    xlsx_import = import_file(data=workbook_bytes, department_code="from-xlsx", year=2021)
    assert snapshot(xlsx_import.disclosure) == snapshot(text_import.disclosure)


def test_excel_floats_become_exact_cents(seed_text):
    # 0.1 + 0.2 as a formula result is 0.30000000000000004 in Excel: stored as 0.30.
    from disclosure.money import decimal_from_excel

    assert str(decimal_from_excel(0.1 + 0.2)) == "0.30"
    assert str(decimal_from_excel(9733858.45)) == "9733858.45"
    assert str(decimal_from_excel(577492.37)) == "577492.37"
