"""Every kind of page under its Content-Security-Policy in headless Chromium: the browser
reports no refused script, style or resource (a CSP violation is a console error)."""

import pytest

from tests.browser import browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published_seed(transactional_db, seed_bytes):
    from tests.helpers import import_file

    import_file(data=seed_bytes, department_code="yuxi-xinfang", year=2021, publish=True)


@pytest.fixture
def admin_user(transactional_db):
    from accounts.models import User

    return User.objects.create_user(
        "admin", password="Ad-2021-demo!", role="administrator", is_staff=True, is_superuser=True
    )


def test_no_page_breaks_its_content_security_policy(live_server, published_seed, admin_user):
    base = live_server.url
    with browser_page(width=1280) as (page, problems):
        for path in [
            "/",
            "/disclosures/?q=信访",
            "/disclosures/2021/yuxi-xinfang/",
            "/disclosures/2021/yuxi-xinfang/tables/05/",
            "/boards/2021/",
            "/departments/yuxi-xinfang/",
            "/data/",
        ]:
            response = page.goto(base + path)
            assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.goto(base + "/api/v1/docs/")
        page.wait_for_selector("#redoc h1", timeout=20_000)  # Redoc started
        # Its footer link is there, without the logo it would fetch from elsewhere.
        page.wait_for_selector("#redoc a[href='https://redocly.com/redoc/']")
        assert page.locator("#redoc img").count() == 0
        page.goto(base + "/accounts/login/?next=/workspace/")
        page.get_by_label("用户名").fill("admin")
        page.get_by_label("密码").fill("Ad-2021-demo!")
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()
        for path in [
            "/workspace/",
            "/admin/",
            "/admin/disclosure/disclosure/",
            "/admin/disclosure/department/",
            "/admin/axes/accessattempt/",
        ]:
            response = page.goto(base + path)
            assert response.status == 200, path
            assert "no-store" in response.headers["cache-control"], path
    assert problems == []  # no refused resource, no failed request, no console error
