"""The whole path in headless Chromium, as the people who do it:

a preparer uploads the seed and sees its errors block submission, uploads a corrected
workbook, explains the remaining warning, submits → the reviewer returns it with a comment →
the preparer resubmits → the reviewer approves and publishes → an anonymous visitor reads it;
then a correction is published as version 2 and version 1 stays reachable with the note.
"""

import io

import openpyxl
import pytest
from django.utils import timezone

from tests.browser import ARTIFACTS, browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORDS = {"xinfang": "Xf-2021-demo!", "reviewer": "Rv-2021-demo!"}


@pytest.fixture
def people(transactional_db):
    from accounts.models import User
    from disclosure.models import Department

    department = Department.objects.create(code="yuxi-xinfang", name="玉溪市信访局")
    User.objects.create_user(
        "xinfang",
        password=PASSWORDS["xinfang"],
        role="preparer",
        department=department,
        first_name="信访局填报人",
    )
    User.objects.create_user(
        "reviewer", password=PASSWORDS["reviewer"], role="reviewer", first_name="财政局审核人"
    )


@pytest.fixture
def corrected_workbook(transactional_db, tmp_path):
    """A check-clean workbook in the published layout with one warning left in it: a 款
    printed under a name that differs from the 2021 catalogue."""
    from disclosure.models import Department, Disclosure, DisclosureTable
    from disclosure.opendata.workbook import disclosure_workbook
    from disclosure.synthetic import generate, load_catalogues

    load_catalogues(2021)
    made = generate(departments=1, seed=611, publish=False).disclosures[0]
    # Printed as the department's own workbook would be.
    DisclosureTable.objects.filter(disclosure_id=made.pk).update(printed_department="玉溪市信访局")
    data = disclosure_workbook(Disclosure.objects.get(pk=made.pk))
    Department.objects.filter(code__startswith="syn611-").update(code="syn611-done")
    book = openpyxl.load_workbook(io.BytesIO(data))
    renamed = False
    sheet = book["公开03"]
    for code, name, *_rest in sheet.iter_rows():
        if not renamed and str(code.value or "").isdigit() and len(str(code.value)) == 5:
            sheet.cell(row=name.row, column=name.column).value = f"{name.value}（旧称）"
            renamed = True
    assert renamed
    path = tmp_path / "玉溪市信访局2021年度决算（修改后）.xlsx"
    book.save(path)
    return path


def sign_in(page, base: str, username: str) -> None:
    # Staff land in the workspace after signing in, with no ?next= needed.
    page.goto(base + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORDS[username])
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    assert page.url.endswith("/workspace/")


def sign_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()


def click(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def confirm(page, name: str, button: str) -> None:
    """An action that asks first: the confirmation page says what happens, then acts."""
    click(page, name)
    assert page.locator(".confirm").count() == 1
    click(page, button)


@pytest.mark.parametrize("width", [1280, 375])
def test_the_whole_path_from_upload_to_correction(
    live_server, people, corrected_workbook, seed_bytes, tmp_path, width
):
    from disclosure.models import AuditEvent, Disclosure

    seed_file = tmp_path / "seed.txt"
    seed_file.write_bytes(seed_bytes)
    base = live_server.url
    one = base + "/workspace/2021/yuxi-xinfang/v1/"
    with browser_page(width=width) as (page, problems):
        # The preparer uploads the seed: its errors block submission.
        sign_in(page, base, "xinfang")
        page.get_by_label("年度").fill("2021")
        page.locator('input[type="file"][name="file"]').set_input_files(str(seed_file))
        click(page, "上传并检查")
        assert page.url == one
        assert page.get_by_role("button", name="报送财政局").is_disabled()
        assert "错误须改正" in page.locator(".actions").inner_text()
        assert page.locator("td.finding").count() > 0  # offending cells highlighted
        # One click from a finding to its cell, marked in words, and back again.
        first = page.locator("a.to-cell").first
        target = first.get_attribute("href")
        first.click()
        cell = page.locator(target)
        assert page.url.endswith(target)
        assert cell.is_visible() and cell.locator(".finding-mark").inner_text()[:2] in {
            "错误",
            "警告",
        }
        assert cell.evaluate("c => c.getBoundingClientRect().top") < page.viewport_size["height"]
        back = cell.locator("a.finding-mark").get_attribute("href")
        cell.locator("a.finding-mark").click()
        assert page.locator(back).is_visible()
        assert "between.years" not in page.content()  # rule titles, not rule ids
        page.screenshot(path=str(ARTIFACTS / f"workflow-seed-blocked-{width}.png"), full_page=False)

        # A corrected workbook leaves one warning, which the preparer explains.
        page.locator('.actions input[type="file"]').set_input_files(str(corrected_workbook))
        click(page, "上传并检查")
        warnings = page.locator("form.explain")
        assert warnings.count() == 1
        warnings.first.locator("textarea").fill("该款沿用本部门往年的名称，金额无误。")
        click(page, "提交说明")
        assert "理由已记录" in page.content()
        assert page.url.split("#")[1].startswith("finding-")  # back where the preparer was
        confirm(page, "报送财政局", "确认报送")
        assert "已报送财政局审核" in page.content()
        sign_out(page)

        # The reviewer returns it with a comment.
        sign_in(page, base, "reviewer")
        assert "玉溪市信访局" in page.locator("section").first.inner_text()
        with page.expect_navigation():
            page.get_by_role("link", name="玉溪市信访局").first.click()
        # The report comes before the buttons.
        report_top = page.locator("#checks-h").evaluate("e => e.getBoundingClientRect().top")
        assert report_top < page.locator("#actions-h").evaluate(
            "e => e.getBoundingClientRect().top"
        )
        page.get_by_label("退回意见").fill("请补充“三公”经费说明后再报。")
        click(page, "退回修改")
        sign_out(page)

        # The preparer sees the reviewer's reason first: in the list and on top of the draft.
        sign_in(page, base, "xinfang")
        assert "请补充“三公”经费说明后再报。" in page.locator("table.listing").inner_text()
        page.goto(one)
        reason = page.locator("#return-reason")
        assert "请补充“三公”经费说明后再报。" in reason.inner_text()
        assert (
            reason.evaluate("e => e.getBoundingClientRect().bottom") < page.viewport_size["height"]
        )
        assert "已退回" in page.locator("ol.events").inner_text()
        assert "returned" not in page.locator("ol.events").inner_text()
        page.screenshot(path=str(ARTIFACTS / f"workflow-returned-{width}.png"), full_page=False)
        confirm(page, "报送财政局", "确认报送")
        sign_out(page)

        # The reviewer approves and publishes.
        sign_in(page, base, "reviewer")
        page.goto(one)
        page.get_by_label("批复日期").fill(timezone.localdate().isoformat())
        confirm(page, "批复", "确认批复")
        assert "请在" in page.content()
        # 公开 asks first, listing what becomes public and saying it cannot be undone.
        click(page, "公开")
        assert "不能撤销" in page.locator(".confirm").inner_text()
        assert (
            "公开05 一般公共预算财政拨款收入支出决算表"
            in page.locator(".will-publish").inner_text()
        )
        v1 = Disclosure.objects.get(department__code="yuxi-xinfang", year_id=2021, version=1)
        assert v1.status == "approved"
        page.screenshot(
            path=str(ARTIFACTS / f"workflow-confirm-publish-{width}.png"), full_page=False
        )
        click(page, "确认公开（不可撤销）")
        sign_out(page)

        # An anonymous visitor reads it.
        page.goto(base + "/disclosures/2021/yuxi-xinfang/")
        assert page.get_by_role("heading", level=1).inner_text() == "玉溪市信访局 2021年度部门决算"

        # A correction goes the same way and is published as version 2.
        sign_in(page, base, "xinfang")
        page.goto(one)
        page.get_by_label("更正说明").fill("更正公开03表一处科目名称。")
        click(page, "发起更正（生成新版本）")
        assert page.url == base + "/workspace/2021/yuxi-xinfang/v2/"
        confirm(page, "报送财政局", "确认报送")
        sign_out(page)
        sign_in(page, base, "reviewer")
        page.goto(base + "/workspace/2021/yuxi-xinfang/v2/")
        page.get_by_label("批复日期").fill(timezone.localdate().isoformat())
        confirm(page, "批复", "确认批复")
        confirm(page, "公开", "确认公开（不可撤销）")
        sign_out(page)

        page.goto(base + "/disclosures/2021/yuxi-xinfang/")
        assert "v2" in page.locator(".disclosure-head .facts").inner_text()
        assert "更正公开03表一处科目名称。" in page.content()
        page.goto(base + "/disclosures/2021/yuxi-xinfang/v1/")
        assert "已被更正版取代" in page.content()
        page.screenshot(
            path=str(ARTIFACTS / f"workflow-v1-superseded-{width}.png"), full_page=False
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert problems == [], problems

    actions = list(
        AuditEvent.objects.filter(disclosure__version=1)
        .order_by("id")
        .values_list("action", "from_status", "to_status")
    )
    assert actions == [
        ("import", "draft", "draft"),
        ("import", "draft", "draft"),
        ("explain_finding", "draft", "draft"),
        ("submit", "draft", "submitted"),
        ("return", "submitted", "returned"),
        ("submit", "returned", "submitted"),
        ("approve", "submitted", "approved"),
        ("publish", "approved", "published"),
    ]
    assert [d.version for d in Disclosure.objects.current()] == [2]
