"""Smaller things a reader meets: no download of a table that is not there, the quality
notice beside a failing table, the open-data licence, chart values as text, the publication
date as recorded, tagged PDFs with the glance on the first page."""

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

DETAIL = "/disclosures/2021/yuxi-xinfang/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_table_that_is_not_provided_offers_no_csv_or_excel(client, seed_disclosure):
    page = client.get(DETAIL + "tables/01/").content.decode()
    assert "本表未在公开文件中提供" in page
    assert "/tables/01.csv" not in page and "/tables/01.xlsx" not in page
    assert "/tables/02.csv" in client.get(DETAIL + "tables/02/").content.decode()


def test_a_failing_table_says_so_on_its_own_page(client, seed_disclosure):
    page = client.get(DETAIL + "tables/02/").content.decode()
    notice = page[page.index('class="quality-notice"') :]
    assert "勾稽检查：本表有 18 处问题。" in notice
    assert "“201 一般公共服务支出”的“本年收入合计、财政拨款收入”" in notice
    from disclosure.checks.selectors import check_report

    failing = {g.number for g in check_report(seed_disclosure).groups}
    clean = next(t.number for t in seed_disclosure.layout_spec.tables if t.number not in failing)
    page = client.get(DETAIL + f"tables/{clean}/").content.decode()
    assert 'class="quality-notice"' not in page


def test_the_open_data_carries_a_licence(client, seed_disclosure, settings):
    settings.PORTAL_DATA_LICENSE = {
        "name": "CC-BY-4.0",
        "title": "CC BY 4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
    }
    page = client.get("/data/").content.decode()
    assert 'rel="license">CC BY 4.0</a>' in page
    package = client.get("/data/2021/package/datapackage.json").json()
    assert package["licenses"] == [settings.PORTAL_DATA_LICENSE]


def test_charts_carry_their_values_as_a_table(client, seed_disclosure):
    page = client.get(DETAIL).content.decode()
    chart = page[page.index('id="chart-by-class"') :]
    chart = chart[: chart.index("</figure>")]
    assert '<table class="plain chart-data">' in chart
    assert '<th scope="row">201 一般公共服务支出</th><td class="amount">816.73 万元</td>' in chart


def test_the_publication_date_is_the_one_recorded(client, seed_disclosure):
    seed_disclosure.published_at = datetime(2022, 9, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    seed_disclosure.save()
    page = client.get(DETAIL).content.decode()
    assert "<dt>公开日期</dt><dd>2022-09-20</dd>" in page
    assert "2022-09-20" in client.get("/disclosures/?q=信访").content.decode()


def test_the_board_scrolls_inside_its_own_box(client, seed_disclosure):
    page = client.get("/boards/2021/").content.decode()
    assert 'class="scroll board-scroll" tabindex="0" role="region"' in page
    assert '<td class="department"><a href="/disclosures/2021/yuxi-xinfang/">' in page


def test_pdfs_are_tagged_with_the_language_and_open_with_the_glance(seed_disclosure):
    from pypdf import PdfReader

    from disclosure.pdf import disclosure_html, html_to_pdf

    pdf = PdfReader(io.BytesIO(html_to_pdf(disclosure_html(seed_disclosure))))
    root = pdf.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a PDF boolean object)
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]).startswith("zh")
    first = pdf.pages[0].extract_text()
    assert "一览" in first and "973.39" in first and "991.89" in first
    table = PdfReader(io.BytesIO(html_to_pdf(disclosure_html(seed_disclosure, number="02"))))
    assert table.trailer["/Root"]["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a PDF boolean object)
    assert "勾稽检查：本表有 18 处问题。" in "".join(p.extract_text() for p in table.pages)


def test_the_three_public_expenses_chart_says_its_labels_are_in_wan_yuan(client, seed_disclosure):
    # The seed prints 公开09 in 元; the chart labels its bars in 万元 and its note says both.
    page = client.get(DETAIL).content.decode()
    chart = page[page.index('id="chart-sangong"') :]
    chart = chart[: chart.index("</figure>")]
    assert "按原表所印数字绘制（原表金额单位：元，图中换算为万元）" in chart
    assert "金额单位：元）" not in chart
    assert re.search(r"<td class=\"amount\">[\d,.]+ 万元</td>", chart)
