"""A preparer's PDF upload in the workspace is previewed before anything is stored: each
table's grid as read beside the page regions it was read from, the count-and-sum proof and
the reader's notes, then 确认导入. The file is held for its uploader only, and the
confirmation imports the held bytes through the one import service."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from disclosure.models import Amount, AuditEvent, Department, Disclosure, TableRow
from tests.test_import_pdf import CAIZHENGJU, _shared

pytestmark = pytest.mark.django_db

UPLOAD = "/workspace/upload/"
CONFIRM = "/workspace/upload/confirm/"


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_directory(settings, tmp_path):
    settings.PORTAL_UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture(scope="module")
def caizhengju() -> bytes:
    return (_shared("real") / CAIZHENGJU).read_bytes()


@pytest.fixture
def czj_preparer(db) -> User:
    department = Department.objects.create(code="pt-czj", name="上海市普陀区财政局")
    return User.objects.create_user("czj", role="preparer", department=department)


def stored() -> tuple[int, int, int, int]:
    return (
        Disclosure.objects.count(),
        TableRow.objects.count(),
        Amount.objects.count(),
        AuditEvent.objects.count(),
    )


def upload(client, data: bytes, year: int = 2024, name: str = "财政局2024年决算.pdf"):
    return client.post(UPLOAD, {"year": year, "file": SimpleUploadedFile(name, data)})


def amount(disclosure: Disclosure, table: str, key: str, column: str) -> Decimal:
    return Amount.objects.get(
        row__table__disclosure=disclosure,
        row__table__number=table,
        row__key=key,
        column=column,
    ).value


def test_the_pdf_preview_shows_grid_and_page_regions_and_stores_nothing(
    client, czj_preparer, caizhengju
):
    client.force_login(czj_preparer)
    page = upload(client, caizhengju)
    assert page.status_code == 200
    assert [t.name for t in page.templates][:2] == [
        "workspace/import_preview.html",
        "base.html",
    ]
    html = page.content.decode()
    preview = page.context["preview"]
    assert preview.layout == "national-2024"  # found from the tables' titles
    # Every table read is laid beside the page regions it was read from.
    images = re.findall(r'<img src="data:image/png;base64,[^"]+"[^>]*data-page="(\d+)"', html)
    assert len(images) == 15 and {"6", "7", "12", "14", "20"} <= set(images)
    assert 'id="pdf-01"' in html and "原件第 6 页" in html
    tables = {t.number: t for t in preview.tables}
    assert ["总计", "2,995.39", "总计", "2,995.39"] in tables["01"].grid.rows
    assert "2,995.39" in html and "2,940.05" in html
    # The count-and-sum proof of the reader, then the confirm button with its token.
    assert "金额 195 个，合计 122103.36，与来源中的 195 个（合计 122103.36）一致" in html
    assert "确认导入" in html and page.context["token"] in html
    assert 'action="/workspace/upload/confirm/"' in html
    assert stored() == (0, 0, 0, 0)  # nothing before the confirmation


def test_confirming_imports_the_held_pdf(client, czj_preparer, caizhengju):
    client.force_login(czj_preparer)
    token = upload(client, caizhengju).context["token"]
    response = client.post(CONFIRM, {"token": token})
    assert response.status_code == 302
    assert response["Location"] == "/workspace/2024/pt-czj/v1/"
    d = Disclosure.objects.get(department__code="pt-czj", year_id=2024)
    assert d.layout == "national-2024" and d.status == "draft"
    assert d.source_name == "财政局2024年决算.pdf"
    assert Amount.objects.filter(row__table__disclosure=d, value__isnull=False).count() == 195
    assert amount(d, "01", "income_grand_total", "amount") == Decimal("2995.39")
    assert amount(d, "01", "closing", "amount") == Decimal("55.34")
    assert amount(d, "02", "2010601", "fiscal") == Decimal("1511.89")
    assert AuditEvent.objects.filter(disclosure=d, action="import", actor=czj_preparer).exists()
    # The held file is gone once imported: the same token imports nothing twice.
    again = client.post(CONFIRM, {"token": token}, follow=True)
    assert "上传的文件已过期或已导入" in again.content.decode()
    assert Disclosure.objects.count() == 1


def test_another_user_cannot_confirm_with_the_token(client, czj_preparer, caizhengju):
    client.force_login(czj_preparer)
    token = upload(client, caizhengju).context["token"]
    # A preparer of the same department, signed in as someone else: the token opens nothing.
    colleague = User.objects.create_user(
        "czj2", role="preparer", department=czj_preparer.department
    )
    client.force_login(colleague)
    response = client.post(CONFIRM, {"token": token}, follow=True)
    assert "上传的文件已过期或已导入" in response.content.decode()
    assert stored() == (0, 0, 0, 0)
    # A reviewer may not import at all.
    reviewer = User.objects.create_user("rev", role="reviewer")
    client.force_login(reviewer)
    assert client.post(CONFIRM, {"token": token}).status_code == 404
    # The uploader still can: the token was neither spent nor leaked.
    client.force_login(czj_preparer)
    assert client.post(CONFIRM, {"token": token}).status_code == 302
    assert Disclosure.objects.count() == 1


def test_a_preparer_moved_to_another_department_cannot_confirm(client, czj_preparer, caizhengju):
    client.force_login(czj_preparer)
    token = upload(client, caizhengju).context["token"]
    czj_preparer.department = Department.objects.create(code="pt-jyj", name="上海市普陀区教育局")
    czj_preparer.save()
    response = client.post(CONFIRM, {"token": token}, follow=True)
    assert "上传的文件已过期或已导入" in response.content.decode()
    assert stored() == (0, 0, 0, 0)


def test_an_expired_upload_is_not_imported(client, czj_preparer, caizhengju, settings):
    import os
    import time

    client.force_login(czj_preparer)
    token = upload(client, caizhengju).context["token"]
    old = time.time() - 25 * 3600
    for path in (settings.PORTAL_UPLOAD_DIR / str(czj_preparer.pk)).glob(f"{token}.*"):
        os.utime(path, (old, old))
    response = client.post(CONFIRM, {"token": token}, follow=True)
    assert "上传的文件已过期或已导入" in response.content.decode()
    assert stored() == (0, 0, 0, 0)


def test_a_broken_pdf_is_refused_on_the_upload_form_keeping_the_year(
    client, czj_preparer, settings
):
    client.force_login(czj_preparer)
    response = upload(client, b"%PDF-1.4\nnot really a pdf\n%%EOF\n", year=2023)
    assert response.status_code == 302 and response["Location"] == "/workspace/"
    page = client.get("/workspace/").content.decode()
    assert "文件未导入，数据库未作任何改动" in page
    assert re.search(r'name="year" value="2023"', page)
    assert stored() == (0, 0, 0, 0)
    held = settings.PORTAL_UPLOAD_DIR / str(czj_preparer.pk)
    assert not held.exists() or not any(held.iterdir())  # a refused file is not kept


def test_a_year_past_editing_is_refused_before_the_preview(client, czj_preparer, caizhengju):
    client.force_login(czj_preparer)
    assert client.post(CONFIRM, {"token": upload(client, caizhengju).context["token"]}).status_code
    Disclosure.objects.update(status="submitted")
    response = upload(client, caizhengju)
    assert response.status_code == 302
    page = client.get("/workspace/").content.decode()
    assert "已报送，不能再导入" in page and 'name="year" value="2024"' in page


def test_a_workbook_is_still_imported_at_once(client, preparer, seed_bytes):
    client.force_login(preparer)
    response = upload(client, seed_bytes, year=2022, name="2022.txt")
    assert response.status_code == 302
    assert response["Location"] == "/workspace/2022/yuxi-xinfang/v1/"
