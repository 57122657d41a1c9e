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
    page.goto(base + "/accounts/login/?next=/workspace/")
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


def test_the_whole_path_from_upload_to_correction(
    live_server, people, corrected_workbook, seed_bytes, tmp_path
):
    from disclosure.models import AuditEvent, Disclosure

    seed_file = tmp_path / "seed.txt"
    seed_file.write_bytes(seed_bytes)
    base = live_server.url
    one = base + "/workspace/2021/yuxi-xinfang/v1/"
    with browser_page(width=1280) as (page, problems):
        # The preparer uploads the seed: its errors block submission.
        sign_in(page, base, "xinfang")
        page.get_by_label("年度").fill("2021")
        page.locator('input[type="file"][name="file"]').set_input_files(str(seed_file))
        click(page, "上传并检查")
        assert page.url == one
        assert page.get_by_role("button", name="报送财政局").is_disabled()
        assert "错误须改正" in page.locator(".actions").inner_text()
        assert page.locator("td.finding").count() > 0  # offending cells highlighted
        page.screenshot(path=str(ARTIFACTS / "workflow-seed-blocked.png"), full_page=False)

        # A corrected workbook leaves one warning, which the preparer explains.
        page.locator('.actions input[type="file"]').set_input_files(str(corrected_workbook))
        click(page, "上传并检查")
        warnings = page.locator("form.explain")
        assert warnings.count() == 1
        warnings.first.locator("textarea").fill("该款沿用本部门往年的名称，金额无误。")
        click(page, "提交说明")
        assert "理由已记录" in page.content()
        click(page, "报送财政局")
        assert "已报送财政局审核" in page.content()
        sign_out(page)

        # The reviewer returns it with a comment.
        sign_in(page, base, "reviewer")
        assert "玉溪市信访局" in page.locator("section").first.inner_text()
        with page.expect_navigation():
            page.get_by_role("link", name="玉溪市信访局").first.click()
        page.get_by_label("退回意见").fill("请补充“三公”经费说明后再报。")
        click(page, "退回修改")
        sign_out(page)

        # The preparer sees the comment and resubmits.
        sign_in(page, base, "xinfang")
        page.goto(one)
        assert "请补充“三公”经费说明后再报。" in page.content()
        click(page, "报送财政局")
        sign_out(page)

        # The reviewer approves and publishes.
        sign_in(page, base, "reviewer")
        page.goto(one)
        page.get_by_label("批复日期").fill(timezone.localdate().isoformat())
        click(page, "批复")
        assert "请在" in page.content()
        click(page, "公开")
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
        click(page, "报送财政局")
        sign_out(page)
        sign_in(page, base, "reviewer")
        page.goto(base + "/workspace/2021/yuxi-xinfang/v2/")
        page.get_by_label("批复日期").fill(timezone.localdate().isoformat())
        click(page, "批复")
        click(page, "公开")
        sign_out(page)

        page.goto(base + "/disclosures/2021/yuxi-xinfang/")
        assert "v2" in page.locator(".disclosure-head .facts").inner_text()
        assert "更正公开03表一处科目名称。" in page.content()
        page.goto(base + "/disclosures/2021/yuxi-xinfang/v1/")
        assert "已被更正版取代" in page.content()
        page.screenshot(path=str(ARTIFACTS / "workflow-v1-superseded.png"), full_page=False)
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
