"""The published-layout workbook: what the importer reads back to identical data."""

import io
from decimal import Decimal

import openpyxl
import pytest

from disclosure.models import NarrativeSection
from disclosure.money import clean_text
from disclosure.opendata.workbook import disclosure_workbook
from tests.helpers import amount, import_file, snapshot
from tests.workbooks import national_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(seed_disclosure) -> bytes:
    return disclosure_workbook(seed_disclosure)


def test_the_exported_workbook_imports_back_to_identical_data(seed_disclosure, exported):
    copy = import_file(data=exported, department_code="yuxi-xinfang-copy", year=2021)
    assert copy.created is True
    assert copy.disclosure.department.name == "玉溪市信访局"
    assert snapshot(copy.disclosure) == snapshot(seed_disclosure)
    assert amount(copy.disclosure, "02", "2010308", "fiscal") == Decimal("5314048.85")
    # The same document: the importer's digest of the workbook is the seed's digest.
    assert copy.disclosure.content_digest == seed_disclosure.content_digest


def test_the_workbook_is_the_published_layout(exported):
    book = openpyxl.load_workbook(io.BytesIO(exported))
    # 公开01 was not provided: no sheet (an empty one would read back as an empty table).
    assert book.sheetnames == [
        *(f"公开{n:02d}" for n in range(2, 12)),
        "公开12-1",
        "公开12-2",
    ]
    ws = book["公开02"]
    assert [ws["A1"].value, ws["A2"].value, ws["A3"].value] == [
        "收入决算表",
        "部门：玉溪市信访局  公开02表",
        "金额单位：元",
    ]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:L1", "A4:A5", "B4:D5", "H4:I4", "A6:D6"} <= merged  # title, header, 栏次
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    total = next(c for c in cells.values() if c.value == 9733858.45)
    assert total.data_type == "n" and total.number_format == "#,##0.00"
    assert cells["2010308"].data_type == "s"  # codes are text
    empty = [row[0].value for row in book["公开07"].iter_rows()]
    assert "我单位今年不涉及。" in empty
    assert any(str(v).startswith("注：本表反映") for v in empty)


def test_counts_are_whole_numbers_and_dashes_stay_dashes(exported):
    ws = openpyxl.load_workbook(io.BytesIO(exported))["公开09"]
    by_line = {row[1].value: row for row in ws.iter_rows() if isinstance(row[1].value, int)}
    assert by_line[18][5].value == 117 and by_line[18][5].number_format == "#,##0"
    assert by_line[3][5].value == "—"
    assert by_line[2][5].value == 27204.6 and by_line[2][5].number_format == "#,##0.00"


def test_a_paragraph_break_stays_inside_its_cell(seed_disclosure, exported):
    ws = openpyxl.load_workbook(io.BytesIO(exported))["公开10"]
    bodies = [row[2].value for row in ws.iter_rows() if len(row) > 2 and row[2].value]
    assert any(b.startswith("1. 前期准备\n1. 加强组织领导") for b in bodies)


def test_clean_text_folds_spaces_but_keeps_line_breaks():
    assert clean_text("  a \u3000 b\u00a0c \r\n\n  d\te \n") == "a b c\nd e"
    assert clean_text("合 计") == "合 计"


def test_a_table_workbook_holds_that_table_only(seed_disclosure):
    book = openpyxl.load_workbook(io.BytesIO(disclosure_workbook(seed_disclosure, numbers=["12"])))
    assert book.sheetnames == ["公开12-1", "公开12-2"]
    with pytest.raises(LookupError):
        disclosure_workbook(seed_disclosure, numbers=["01"])


def test_text_that_looks_like_a_formula_is_written_as_text(seed_disclosure):
    NarrativeSection.objects.filter(disclosure=seed_disclosure, position=0).update(
        body='=HYPERLINK("http://example.com","点此")'
    )
    ws = openpyxl.load_workbook(io.BytesIO(disclosure_workbook(seed_disclosure)))["公开10"]
    cell = next(c for row in ws.iter_rows() for c in row if str(c.value).startswith("=HYPER"))
    assert cell.data_type == "s"


def test_a_national_layout_disclosure_round_trips_with_three_code_columns():
    original = import_file(
        data=national_workbook(),
        department_code="sh-caizheng",
        department_name="上海市财政局",
        year=2024,
        layout="national-2024",
        publish=True,
    ).disclosure
    exported = disclosure_workbook(original)
    ws = openpyxl.load_workbook(io.BytesIO(exported))["公开05"]
    assert [c.value for c in next(r for r in ws.iter_rows() if r[2].value == "01")][:4] == [
        "201",
        "06",
        "01",
        "行政运行",
    ]
    copy = import_file(
        data=exported,
        department_code="sh-copy",
        department_name="上海市财政局（副本）",
        year=2024,
        layout="national-2024",
    ).disclosure
    assert snapshot(copy) == snapshot(original)
