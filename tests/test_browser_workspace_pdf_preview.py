"""The workspace's PDF preview in headless Chromium, at 1280 and 375 px: a preparer uploads
the real 财政局 PDF, sees each table's page regions drawn beside the numbers read, with no
horizontal overflow of the page and no axe-core violations, and only 确认导入 stores it."""

import pytest

from tests.browser import ARTIFACTS, browser_page
from tests.test_browser_accessibility import AXE, violations
from tests.test_browser_workflow import PASSWORDS, click, sign_in
from tests.test_import_pdf import CAIZHENGJU, _shared

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def czj_preparer(transactional_db, settings, tmp_path):
    from accounts.models import User
    from disclosure.models import Department

    settings.PORTAL_UPLOAD_DIR = tmp_path / "uploads"
    department = Department.objects.create(code="pt-czj", name="上海市普陀区财政局")
    User.objects.create_user(
        "xinfang", password=PASSWORDS["xinfang"], role="preparer", department=department
    )


@pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: run scripts/bootstrap --test")
@pytest.mark.parametrize("width", [1280, 375])
def test_the_workspace_pdf_preview_fits_and_passes_axe(live_server, czj_preparer, width):
    from disclosure.models import Amount, Disclosure

    base = live_server.url
    with browser_page(width=width) as (page, problems):
        sign_in(page, base, "xinfang")
        page.get_by_label("年度").fill("2024")
        page.locator('input[type="file"][name="file"]').set_input_files(
            str(_shared("real") / CAIZHENGJU)
        )
        click(page, "上传并检查")
        assert page.url == base + "/workspace/upload/"
        images = page.locator("section.preview-pdf img")
        assert images.count() == 15
        # Every image decoded and drawn under the site's Content-Security-Policy.
        widths = images.evaluate_all("all => all.map(i => i.complete && i.naturalWidth)")
        assert all(w and w > 100 for w in widths)
        # Drawn no wider than the page: each region fits its column.
        drawn = images.evaluate_all("all => all.map(i => i.getBoundingClientRect().right)")
        assert max(drawn) <= width
        assert "2,995.39" in page.locator("#pdf-01 table.read-grid").inner_text()
        # A two-panel table as printed: the income line and the expenditure line beside it
        # on one row; a wide grid scrolls inside its own box, never past the page.
        first = page.locator("#pdf-01 table.read-grid tbody tr").first.locator("td")
        assert first.all_inner_texts() == [
            "一、一般公共预算财政拨款收入",
            "2,940.05",
            "一、一般公共服务支出",
            "2,106.66",
        ]
        grids = page.locator("section.preview-pdf .grid")
        assert (
            max(grids.evaluate_all("all => all.map(g => g.getBoundingClientRect().right)")) <= width
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert violations(page) == []
        page.screenshot(path=str(ARTIFACTS / f"workspace-pdf-preview-top-{width}.png"))
        page.evaluate("document.getElementById('pdf-05').scrollIntoView()")
        page.screenshot(path=str(ARTIFACTS / f"workspace-pdf-preview-05-{width}.png"))
        assert Amount.objects.count() == 0 and Disclosure.objects.count() == 0
        click(page, "确认导入")
        assert page.url == base + "/workspace/2024/pt-czj/v1/"
        assert not problems, problems
    assert Amount.objects.filter(value__isnull=False).count() == 195
