"""A national-2024 disclosure read from its published PDF shows its own numbers, in 万元, on
the pages, in the charts, on the 三公 board, in the XLSX export and in the built PDF."""

from __future__ import annotations

import io

import openpyxl
import pytest
from pypdf import PdfReader

from disclosure import pdf
from tests.helpers import import_file, import_real
from tests.test_import_pdf import CAIZHENGJU

pytestmark = pytest.mark.django_db

DETAIL = "/disclosures/2024/pt-czj/"


@pytest.fixture
def caizhengju():
    return import_real(CAIZHENGJU, publish=True)


def test_the_disclosure_page_prints_the_national_tables_as_printed(client, caizhengju):
    page = client.get(DETAIL).content.decode()
    assert "收入支出决算总表" in page and "财政拨款“三公”经费支出决算表" in page
    for printed in ("2,940.05", "2,995.39", "1,511.89", "2,152.26", "184.65", "0.95"):
        assert printed in page
    assert "注：上海市普陀区财政局无政府性基金预算财政拨款支出，故本表无数据。" in page


def test_the_charts_read_wan_yuan_tables_as_wan_yuan(client, caizhengju):
    page = client.get(DETAIL).content.decode()
    chart = page.split('aria-label="支出按功能分类（类）"')[1].split("</svg>")[0]
    assert "201 一般公共服务支出：2,106.66 万元" in chart  # not 0.21 万元
    assert "221 住房保障支出：445.69 万元" in chart


def test_the_board_lists_the_department_and_never_takes_a_budget_for_a_final(client, caizhengju):
    page = client.get("/boards/2024/").content.decode()
    assert "上海市普陀区财政局" in page
    assert "0.95" not in page  # 0.95 is 表7's 预算数; its 决算数 are printed blank


def test_the_xlsx_export_reads_back_to_the_same_amounts(client, caizhengju):
    exported = client.get("/data/2024/pt-czj.xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(exported))
    numbers = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value}
    assert {2940.05, 2995.39, 1511.89, 258.5, 0.95} <= numbers
    copy = import_file(
        data=exported,
        department_code="pt-czj-copy",
        department_name="副本",
        year=2024,
        layout="national-2024",
    )
    assert copy.content.proof["stored"] == 195
    assert copy.content.proof["stored_sum"] == "122103.36"


def test_the_built_pdf_prints_the_national_amounts(caizhengju, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    names = pdf.disclosure_pdf_build(disclosure=caizhengju)
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / names[0]).pages)
    for printed in ("2,940.05", "2,961.68", "1,238.58", "0.95"):
        assert printed in text
