"""A reader's walk by place in headless Chromium: region tree → county → department →
disclosure; and the coverage board, which lists a missing and a late department.
Screenshots at 1280 and 375 px go to test-artifacts/."""

from datetime import timedelta

import pytest

from tests.browser import ARTIFACTS, browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county_with_seed(transactional_db, seed_bytes):
    """红塔区 (below 玉溪市) publishing the seed late, and a department that never published."""
    from disclosure.models import Department, Disclosure, Region
    from disclosure.models.regions import default_region
    from tests.helpers import import_file

    city = default_region()
    county = Region.objects.create(code="530402", name="红塔区", level="county", parent=city)
    Department.objects.create(code="hongta-xinfang", name="红塔区信访局", region=county)
    Department.objects.create(code="hongta-shuiwu", name="红塔区水务局", region=county)
    import_file(data=seed_bytes, department_code="hongta-xinfang", year=2021, publish=True)
    d = Disclosure.objects.get(department__code="hongta-xinfang")
    # 批复 30 days before publication: 10 days past the 20-day limit.
    Disclosure.objects.filter(pk=d.pk).update(
        approved_on=(d.published_at - timedelta(days=30)).date()
    )
    return county


@pytest.mark.parametrize("width", [1280, 375])
def test_a_reader_walks_from_the_tree_to_a_county_disclosure(live_server, county_with_seed, width):
    with browser_page(width=width) as (page, problems):
        page.goto(live_server.url + "/regions/")
        page.screenshot(path=str(ARTIFACTS / f"regions-tree-{width}.png"), full_page=True)
        with page.expect_navigation():
            page.get_by_role("link", name="红塔区").click()
        assert page.url == live_server.url + "/regions/530402/"
        assert page.get_by_role("heading", level=1).inner_text().startswith("红塔区")
        page.screenshot(path=str(ARTIFACTS / f"region-county-{width}.png"), full_page=True)
        with page.expect_navigation():
            page.get_by_role("link", name="红塔区信访局").click()
        assert page.url == live_server.url + "/departments/hongta-xinfang/"
        with page.expect_navigation():
            page.get_by_role("link", name="2021年度部门决算").first.click()
        assert page.url == live_server.url + "/disclosures/2021/hongta-xinfang/"
        assert "红塔区信访局" in page.get_by_role("heading", level=1).inner_text()
        assert problems == []


@pytest.mark.parametrize("width", [1280, 375])
def test_the_board_lists_the_missing_and_the_late_department(live_server, county_with_seed, width):
    with browser_page(width=width) as (page, problems):
        page.goto(live_server.url + "/coverage/2021/?region=530402")
        rows = page.locator("table.coverage-departments tbody tr")
        assert rows.count() == 2
        missing, late = rows.nth(0), rows.nth(1)  # missing first, then late
        assert "红塔区水务局" in missing.inner_text() and "未公开" in missing.inner_text()
        assert "红塔区信访局" in late.inner_text() and "逾期 10 天" in late.inner_text()
        assert page.get_by_text("得分 = 40 × 公开率").is_visible()
        page.screenshot(path=str(ARTIFACTS / f"coverage-{width}.png"), full_page=True)
        # Sorting by score from the column header keeps the page readable.
        with page.expect_navigation():
            page.locator("table.coverage thead").get_by_role("link", name="得分").click()
        assert "sort=-score" in page.url
        assert problems == []
