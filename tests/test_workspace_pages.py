"""The workspace pages walk the ladder: anonymous → wrong department → wrong role → right role."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disclosure.models import AuditEvent, Disclosure
from disclosure.models.statements import Status
from tests.conftest import SEED_PATH

pytestmark = pytest.mark.django_db

PAGE = "/workspace/2021/yuxi-xinfang/v1/"


def test_anonymous_visitors_are_sent_to_the_login_page(client, seed_draft):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_another_departments_preparer_gets_the_same_404_as_a_missing_page(
    client, seed_draft, other_preparer
):
    client.force_login(other_preparer)
    assert client.get(PAGE).status_code == 404
    assert client.get("/workspace/2021/no-such-dept/v1/").status_code == 404
    for action in ["submit", "return", "approve", "publish", "correct", "narratives"]:
        assert client.post(PAGE + action + "/", {"comment": "x", "note": "x"}).status_code == 404
    assert not AuditEvent.objects.exclude(action="import").exists()


def test_the_preparer_sees_the_draft_its_checks_and_actions(client, seed_draft, preparer):
    client.force_login(preparer)
    page = client.get(PAGE).content.decode()
    assert "玉溪市信访局 2021年度部门决算" in page
    assert "报送财政局" in page and "disabled" in page  # the seed's errors block submission
    assert "上传修改后的文件" in page
    assert "批复" not in page.split("操作</h2>")[1].split("</section>")[0]


def test_a_reviewer_sees_the_queue_and_can_return_with_a_comment(client, seed_draft, reviewer):
    seed_draft.status = Status.SUBMITTED
    seed_draft.save()
    client.force_login(reviewer)
    home = client.get("/workspace/").content.decode()
    assert "待审核" in home and "玉溪市信访局" in home
    assert "2021年度尚无决算的部门" not in home or "玉溪市信访局" in home
    response = client.post(PAGE + "return/", {"comment": "请核对公开02表各类合计。"})
    assert response.status_code == 302
    seed_draft.refresh_from_db()
    assert seed_draft.status == "returned"
    assert "请核对公开02表各类合计。" in client.get(PAGE).content.decode()


def test_a_reviewer_cannot_upload_numbers(client, seed_draft, reviewer):
    client.force_login(reviewer)
    upload = SimpleUploadedFile("seed.txt", SEED_PATH.read_bytes())
    assert client.post("/workspace/upload/", {"year": 2021, "file": upload}).status_code == 404


def test_a_preparer_uploads_a_workbook_for_a_new_year(client, seed_draft, preparer):
    client.force_login(preparer)
    upload = SimpleUploadedFile("2022.txt", SEED_PATH.read_bytes())
    response = client.post("/workspace/upload/", {"year": 2022, "file": upload})
    assert response.status_code == 302
    assert response["Location"] == "/workspace/2022/yuxi-xinfang/v1/"
    created = Disclosure.objects.get(year_id=2022)
    assert created.department == preparer.department and created.status == "draft"


def test_a_bad_upload_shows_every_problem_and_writes_nothing(client, seed_draft, preparer):
    client.force_login(preparer)
    bad = SEED_PATH.read_text(encoding="utf-8").replace("577,492.37", "577,49x.37")
    upload = SimpleUploadedFile("bad.txt", bad.encode())
    response = client.post("/workspace/upload/", {"year": 2023, "file": upload}, follow=True)
    page = response.content.decode()
    assert "文件未导入，数据库未作任何改动" in page
    assert "“577,49x.37”" in page and "不是金额" in page
    assert not Disclosure.objects.filter(year_id=2023).exists()


def test_login_page_is_in_chinese_and_throttles_guessing(client, preparer):
    page = client.get("/accounts/login/").content.decode()
    assert "工作人员登录" in page and 'lang="zh-CN"' in page
    for _ in range(5):
        client.post("/accounts/login/", {"username": "xinfang", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "xinfang", "password": "Xf-2021-demo!"})
    assert "登录已暂时锁定" in locked.content.decode()
