"""A reader's walk in headless Chromium: home → search "信访" → disclosure → 公开05 → 万元.

Debian's Chromium driven by Playwright (never a downloaded browser). Screenshots at 1280 and
375 px go to test-artifacts/ for a person to look at.
"""

import os
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published_seed(transactional_db, seed_bytes):
    from tests.helpers import import_file

    import_file(data=seed_bytes, department_code="yuxi-xinfang", year=2021, publish=True)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_reader_finds_the_disclosure_and_switches_to_wan_yuan(live_server, published_seed, width):
    with browser_page(width=width) as (page, problems):
        page.goto(live_server.url + "/")
        page.get_by_role("searchbox", name="按部门名称搜索").fill("信访")
        with page.expect_navigation():
            page.get_by_role("searchbox", name="按部门名称搜索").press("Enter")
        assert "/disclosures/?q=" in page.url
        with page.expect_navigation():
            page.get_by_role("link", name="玉溪市信访局").first.click()
        assert page.url == live_server.url + "/disclosures/2021/yuxi-xinfang/"
        assert page.get_by_role("heading", level=1).inner_text() == "玉溪市信访局 2021年度部门决算"
        page.screenshot(path=str(ARTIFACTS / f"disclosure-{width}.png"), full_page=False)

        with page.expect_navigation():
            page.locator("#t05-h").get_by_role("link").click()
        assert page.url.endswith("/tables/05/")
        total = page.locator('tr[data-row="total"] td[data-col="income_total"]')
        assert total.inner_text() == "9,739,858.45"

        with page.expect_navigation():
            page.get_by_role("link", name="万元").click()
        assert page.url.endswith("/tables/05/?unit=wan")
        assert total.inner_text() == "973.99"
        assert "（万元）" in page.locator("caption").first.inner_text()

        if width == 375:
            # The page itself never scrolls sideways: wide tables scroll inside their box.
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
            box = page.locator(".scroll").first
            assert box.evaluate("el => el.scrollWidth > el.clientWidth")
        page.screenshot(path=str(ARTIFACTS / f"table05-wan-{width}.png"), full_page=True)
        assert problems == [], problems


def test_the_keyboard_reaches_the_search_and_the_tables(live_server, published_seed):
    with browser_page(width=1280) as (page, problems):
        page.goto(live_server.url + "/disclosures/2021/yuxi-xinfang/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
        focusables = page.evaluate(
            "Array.from(document.querySelectorAll('.scroll[tabindex=\"0\"]')).length"
        )
        assert focusables >= 9  # every wide table can be scrolled from the keyboard
        assert problems == []


def test_no_request_leaves_the_site(live_server, published_seed):
    with browser_page(width=1280) as (page, problems):
        hosts = set()
        page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
        page.goto(live_server.url + "/disclosures/2021/yuxi-xinfang/")
        page.goto(live_server.url + "/boards/2021/")
        assert hosts == {live_server.url.split("/")[2]}
        assert problems == []


assert os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE") == "true"
assert isinstance(ARTIFACTS, Path)


READER_PAGES = [
    "/",
    "/disclosures/?q=信访",
    "/disclosures/?q=不存在的部门",
    "/disclosures/2021/yuxi-xinfang/",
    "/disclosures/2021/yuxi-xinfang/tables/02/",
    "/disclosures/2021/yuxi-xinfang/tables/05/",
    "/disclosures/2021/yuxi-xinfang/tables/07/",
    "/boards/2021/",
    "/departments/yuxi-xinfang/",
    "/glossary/",
    "/data/",
]


@pytest.mark.parametrize("width", [1280, 375])
def test_the_reader_keeps_their_bearings(live_server, published_seed, width):
    """The summary comes before the first table; scrolled right, 公开05 still shows its code
    and name columns and its header; no page is wider than the screen."""
    base = live_server.url
    with browser_page(width=width, height=800) as (page, problems):
        page.goto(base + "/disclosures/2021/yuxi-xinfang/")
        glance = page.locator("#glance").evaluate("e => e.getBoundingClientRect().top")
        first_table = page.locator("#t01").evaluate("e => e.getBoundingClientRect().top")
        assert glance < first_table
        assert "973.39" in page.locator("#glance").inner_text()

        page.goto(base + "/disclosures/2021/yuxi-xinfang/tables/05/")
        box = page.locator(".scroll-frame > .scroll").first
        assert page.locator(".scroll-cue").first.is_visible()  # the table says it scrolls
        box.evaluate("b => { b.scrollLeft = b.scrollWidth; b.scrollTop = 400; }")
        page.wait_for_timeout(100)
        frame = box.evaluate("b => b.getBoundingClientRect().toJSON()")
        code = page.locator('tr[data-row="2010308"] td.code')
        name = page.locator('tr[data-row="2010308"] td.label')
        header = page.locator("table.statement thead").first
        for cell in (code, name):
            rect = cell.evaluate("c => c.getBoundingClientRect().toJSON()")
            assert frame["left"] - 1 <= rect["left"] and rect["right"] <= frame["right"]
        assert code.inner_text() == "2010308" and "信访事务" in name.inner_text()
        assert abs(header.evaluate("h => h.getBoundingClientRect().top") - frame["top"]) < 40
        box.screenshot(path=str(ARTIFACTS / f"table05-scrolled-{width}.png"))

        for path in READER_PAGES:
            page.goto(base + path)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{path} is {wide} px wide at {width}"
        assert problems == [], problems
