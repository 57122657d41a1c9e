"""The PDF preview in headless Chromium: a preparer uploads a real published PDF in the
admin and sees each table's printed page region drawn beside the numbers read, under the
admin's Content-Security-Policy, before confirming anything."""

import pytest

from tests.browser import ARTIFACTS, browser_page
from tests.test_browser_workflow import PASSWORDS, sign_in
from tests.test_import_pdf import CAIZHENGJU, _shared

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def preparer_in_admin(transactional_db, settings, tmp_path):
    from accounts.models import User
    from disclosure.models import Department

    settings.PORTAL_UPLOAD_DIR = tmp_path / "uploads"
    department = Department.objects.create(code="pt-czj", name="上海市普陀区财政局")
    User.objects.create_user(
        "xinfang",
        password=PASSWORDS["xinfang"],
        role="preparer",
        department=department,
        is_staff=True,
    )


def test_the_pdf_preview_draws_each_tables_page_region(live_server, preparer_in_admin):
    from disclosure.models import Amount

    base = live_server.url
    with browser_page(width=1400, height=1000) as (page, problems):
        sign_in(page, base, "xinfang")
        page.goto(base + "/admin/disclosure/disclosure/workbook/")
        page.get_by_label("年度").fill("2024")
        page.get_by_label("表式").select_option("national-2024")
        page.locator('input[type="file"][name="file"]').set_input_files(
            str(_shared("real") / CAIZHENGJU)
        )
        with page.expect_navigation():
            page.locator('input[type="submit"][value="上传并预览"]').click()
        images = page.locator("section.preview-pdf img")
        assert images.count() == 15
        # Every image decoded and drawn (a blocked data: image has no natural width).
        widths = images.evaluate_all("all => all.map(i => i.complete && i.naturalWidth)")
        assert all(w and w > 100 for w in widths)
        section = page.locator("#pdf-04")
        assert "原件第 12 页" in section.inner_text() and "原件第 14 页" in section.inner_text()
        section.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "pdf-preview-04.png"), full_page=False)
        assert not problems, problems
    assert Amount.objects.count() == 0  # the preview stored nothing
