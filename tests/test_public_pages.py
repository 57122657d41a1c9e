"""Public pages: status codes, key numbers to the cent, 404s for anything not published."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure.money import to_wan
from tests.helpers import import_file

pytestmark = pytest.mark.django_db

DETAIL = "/disclosures/2021/yuxi-xinfang/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_home_shows_the_latest_year_and_counts(client, seed_disclosure):
    page = client.get("/").content.decode()
    assert "玉溪市信访局" in page
    assert "2021年度最新公开" in page
    assert "1 份已公开的部门决算" in page
    assert 'href="/disclosures/2021/yuxi-xinfang/"' in page
    assert 'href="/boards/2021/"' in page


@pytest.mark.parametrize(
    ("query", "found"),
    [("q=信访", True), ("q=信访局&year=2021", True), ("q=教育", False), ("year=2020", False)],
)
def test_search_finds_departments_by_chinese_substring(client, seed_disclosure, query, found):
    page = client.get(f"/disclosures/?{query}").content.decode()
    assert ("玉溪市信访局" in page.split("</form>")[-1]) is found


def test_search_never_lists_drafts(client, seed_draft):
    assert (
        "玉溪市信访局"
        not in client.get("/disclosures/?q=信访").content.decode().split("</form>")[-1]
    )


def test_disclosure_page_shows_every_table_with_amounts_to_the_cent(client, seed_disclosure):
    response = client.get(DETAIL)
    assert response.status_code == 200
    page = response.content.decode()
    for label, title in [
        ("公开01", "收入支出决算总表"),
        ("公开05", "一般公共预算财政拨款收入支出决算表"),
        ("公开09", "“三公”经费、行政参公单位机关运行经费情况表"),
        ("公开12", "项目支出绩效自评表"),
    ]:
        assert f"{label} {title}" in page
    assert "9,733,858.45" in page
    assert "577,492.37" in page  # 公开06 30226 劳务费
    assert "27,204.60" in page  # 公开09 三公 决算
    assert "本表未在公开文件中提供。" in page  # 公开01
    assert page.count("我单位今年不涉及。") == 2  # 公开07 and 公开08
    assert "信访事项专项救助资金经费" in page and "疑难信访事项个案办结率" in page
    assert 'id="term-basic"' in page and 'href="#term-basic"' in page  # glossary links
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page  # charts rendered on the server
    assert 'lang="zh-CN"' in page


def test_blank_cells_stay_blank_not_zero(client, seed_disclosure):
    page = client.get("/disclosures/2021/yuxi-xinfang/tables/03/").content.decode()
    row = page.split('data-row="2010308"')[1].split("</tr>")[0]
    cells = [c.split(">", 1)[1].split("</td>")[0] for c in row.split("<td")[1:]]
    assert cells[:5] == ["2010308", "信访事务", "1,185,000.00", "", "1,185,000.00"]
    assert "0.00" not in cells


def test_table_page_switches_to_wan_yuan_rounded_half_up(client, seed_disclosure):
    page = client.get("/disclosures/2021/yuxi-xinfang/tables/05/?unit=wan").content.decode()
    assert "（万元）" in page
    assert "973.99" in page  # 9,739,858.45 元
    assert "9,739,858.45" not in page
    assert "已换算为万元并四舍五入" in page
    assert to_wan(Decimal("12345650.00")) == Decimal("1234.57")  # half-up, not half-even


def test_table_page_shows_headers_groups_and_lanci(client, seed_disclosure):
    page = client.get("/disclosures/2021/yuxi-xinfang/tables/05/").content.decode()
    assert (
        '<th scope="colgroup" colspan="3"><a class="term" href="#term-carry-over-start">'
        "年初结转和结余</a></th>"
    ) in page
    assert '<th scope="colgroup" colspan="5">本年支出</th>' in page
    assert "<caption>公开05 一般公共预算财政拨款收入支出决算表" in page
    assert ">栏次</th>" in page


@pytest.mark.parametrize(
    "url",
    [
        "/disclosures/2021/nobody/",
        "/disclosures/2020/yuxi-xinfang/",
        "/disclosures/2021/nobody/tables/05/",
        "/disclosures/2021/yuxi-xinfang/v2/",
    ],
)
def test_unknown_department_year_or_version_is_404(client, seed_disclosure, url):
    assert client.get(url).status_code == 404


def test_a_draft_gives_the_same_404(client, seed_draft):
    for url in [DETAIL, DETAIL + "tables/05/", "/departments/yuxi-xinfang/", "/boards/2021/"]:
        assert client.get(url).status_code == 404, url


def test_an_unknown_table_number_is_404(client, seed_disclosure):
    assert client.get(DETAIL + "tables/13/").status_code == 404


def test_english_is_switchable_and_translates_titles_and_headers(client, seed_disclosure):
    response = client.post("/i18n/setlang/", {"language": "en", "next": DETAIL})
    assert response.status_code == 302
    page = client.get(DETAIL).content.decode()
    assert 'lang="en"' in page
    assert "Revenue by function" in page
    assert "Total revenue" in page
    assert "Carry-over at start of year" in page
    chinese = client.get(DETAIL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Revenue by function" in chinese  # the reader's choice is kept


def test_chinese_is_the_default_whatever_the_browser_says(client, seed_disclosure):
    page = client.get(DETAIL, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "公开02 收入决算表" in page and 'lang="zh-CN"' in page


def test_department_page_compares_years_with_change_and_percent(client, seed_disclosure, seed_text):
    later = seed_text.replace("9,733,858.45", "10,707,244.30")  # +10% revenue, as printed
    import_file(data=later.encode(), department_code="yuxi-xinfang", year=2022, publish=True)
    page = client.get("/departments/yuxi-xinfang/").content.decode()
    assert "2021" in page and "2022" in page
    assert "10,707,244.30" in page
    assert "973,385.85" in page  # the change
    assert "10.0%" in page


def test_board_lists_sangong_and_running_costs_sortable(client, seed_disclosure):
    page = client.get("/boards/2021/").content.decode()
    assert "27,204.60" in page and "1,908,493.00" in page and "7,940.00" in page
    assert "?sort=" in page  # sortable columns
    assert client.get("/boards/2021/?sort=-running_costs").status_code == 200


def count_queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_departments_or_rows(client, seed_bytes, seed_text):
    for year in (2021, 2022):
        import_file(data=seed_bytes, department_code="yuxi-xinfang", year=year, publish=True)
    urls = [
        "/",
        "/disclosures/?q=局",
        DETAIL,
        DETAIL + "tables/06/",
        "/boards/2021/",
        "/departments/yuxi-xinfang/",
    ]
    before = {url: count_queries(client, url) for url in urls}
    for n in range(5):
        import_file(
            data=seed_bytes,
            department_code=f"dept-{n}",
            department_name=f"测试局{n}",
            year=2021,
            publish=True,
        )
    import_file(data=seed_bytes, department_code="yuxi-xinfang", year=2023, publish=True)
    after = {url: count_queries(client, url) for url in urls}
    assert after == before
    # The at-a-glance summary reads two (this and last year's figures; the largest classes);
    # the sentences the text's findings are about are found in the texts (one).
    assert before[DETAIL] <= 23


def test_the_rendered_body_is_cached_per_published_version(client, seed_disclosure):
    first = count_queries(client, DETAIL)
    with CaptureQueriesContext(connection) as ctx:
        client.get(DETAIL)
    assert len(ctx.captured_queries) < first - 5  # tables, rows and amounts not read again


def test_search_results_sort_by_pinyin_on_postgresql_and_by_code_elsewhere(client, seed_bytes):
    for code, name in [
        ("a-yuxi", "玉溪市信访局"),
        ("b-anning", "安宁市财政局"),
        ("c-beijing", "北京市审计局"),
    ]:
        import_file(
            data=seed_bytes, department_code=code, department_name=name, year=2021, publish=True
        )
    page = client.get("/disclosures/?year=2021").content.decode().split("</form>")[-1]
    positions = [page.index(name) for name in ("安宁市财政局", "北京市审计局", "玉溪市信访局")]
    if connection.vendor == "postgresql":
        assert positions == sorted(positions)  # 安 an · 北 bei · 玉 yu
    else:
        assert positions[2] < positions[0] < positions[1]  # a-yuxi · b-anning · c-beijing
