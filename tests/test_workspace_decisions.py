"""Deliberate decisions: 报送, 批复 and 公开 ask first and say what happens; the return
reason comes first; findings link to their cells; the upload form keeps its year."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disclosure.models import AuditEvent, Finding
from disclosure.models.statements import Status
from tests.helpers import import_file
from tests.workbooks import seed_workbook

pytestmark = pytest.mark.django_db

PAGE = "/workspace/2021/yuxi-xinfang/v1/"


def _set(disclosure, status, **fields):
    disclosure.status = status
    for name, value in fields.items():
        setattr(disclosure, name, value)
    disclosure.save()


def test_publishing_asks_first_and_lists_what_becomes_public(client, seed_draft, reviewer):
    _set(seed_draft, Status.APPROVED, approved_on=date(2022, 8, 1))
    client.force_login(reviewer)
    response = client.post(PAGE + "publish/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "不能撤销" in page
    assert "公开05 一般公共预算财政拨款收入支出决算表" in page
    assert 'name="confirmed" value="1"' in page
    seed_draft.refresh_from_db()
    assert seed_draft.status == Status.APPROVED  # nothing happened yet
    assert not AuditEvent.objects.filter(action="publish").exists()

    response = client.post(PAGE + "publish/", {"confirmed": "1"})
    assert response.status_code == 302
    seed_draft.refresh_from_db()
    assert seed_draft.status == Status.PUBLISHED


def test_approving_carries_the_date_through_the_confirmation(client, seed_draft, reviewer):
    _set(seed_draft, Status.SUBMITTED)
    client.force_login(reviewer)
    form = {"approved_on": "2022-08-01", "comment": "同意。"}
    page = client.post(PAGE + "approve/", form).content.decode()
    assert '<input type="hidden" name="approved_on" value="2022-08-01">' in page
    assert "批复不会公开任何内容" in page
    seed_draft.refresh_from_db()
    assert seed_draft.status == Status.SUBMITTED
    client.post(PAGE + "approve/", {**form, "confirmed": "1"})
    seed_draft.refresh_from_db()
    assert (seed_draft.status, seed_draft.approved_on) == (Status.APPROVED, date(2022, 8, 1))


def test_return_and_approve_look_different_and_come_after_the_report(client, seed_draft, reviewer):
    _set(seed_draft, Status.SUBMITTED)
    client.force_login(reviewer)
    page = client.get(PAGE).content.decode()
    assert 'class="secondary">退回修改' in page
    assert 'class="approve">批复' in page
    assert page.index('id="checks-h"') < page.index('id="actions-h"')


def test_the_preparer_reads_the_return_reason_first(client, seed_draft, reviewer, preparer):
    _set(seed_draft, Status.SUBMITTED)
    client.force_login(reviewer)
    client.post(PAGE + "return/", {"comment": "请核对公开02表各类合计。"})
    client.force_login(preparer)
    page = client.get(PAGE).content.decode()
    reason_at = page.index('id="return-reason"')
    assert "请核对公开02表各类合计。" in page[reason_at : page.index("</div>", reason_at)]
    assert reason_at < page.index('id="checks-h"')
    assert "（已报送 → 已退回）" in page  # states in words, not submitted → returned
    home = client.get("/workspace/").content.decode()
    assert "请核对公开02表各类合计。" in home.split("本部门的决算")[1]


def test_findings_and_their_cells_link_to_each_other(client, seed_draft, preparer):
    client.force_login(preparer)
    page = client.get(PAGE).content.decode()
    assert 'href="#cell-02-201-total"' in page  # the finding → its cell
    cell_at = page.index('id="cell-02-201-total"')
    cell = page[cell_at : page.index("</td>", cell_at)]
    assert 'class="finding-mark error" href="#finding-' in cell  # the cell → its finding
    assert "错误" in cell  # marked in words, not colour alone
    assert "<code>between" not in page and "<code>inside" not in page  # no rule ids


def _finding_row(page: str, finding: Finding) -> str:
    start = page.index(f'id="finding-{finding.pk}"')
    return page[start : page.index("</tr>", start)]


def _sheet_cell(data: bytes, sheet: str, code: int, amount: Decimal):
    """Where the workbook itself holds `amount` on the row of `code` (read with openpyxl,
    not with the importer)."""
    rows = openpyxl.load_workbook(io.BytesIO(data))[sheet].iter_rows()
    return next(
        cell
        for row in rows
        if row[0].value == code
        for cell in row[1:]
        if isinstance(cell.value, float | int) and Decimal(str(cell.value)) == amount
    )


@pytest.fixture
def workbook_draft(db, seed_text):
    """The seed uploaded as a real XLSX workbook (one sheet per table, 公开02's codes as
    numbers), and its department's preparer."""
    from accounts.models import User

    data = seed_workbook(seed_text)
    draft = import_file(
        data=data, filename="决算.xlsx", department_code="yuxi-xinfang", year=2021
    ).disclosure
    user = User.objects.create_user(
        "xlsx", password="Xl-2021-demo!", role="preparer", department=draft.department
    )
    return data, draft, user


def test_each_finding_names_the_uploaded_workbooks_sheet_row_and_column(client, workbook_draft):
    data, draft, user = workbook_draft
    finding = Finding.objects.get(
        disclosure=draft, table_number="02", row_key="201", column_key="total"
    )
    cell = _sheet_cell(data, "公开02", 201, finding.actual)
    client.force_login(user)
    row = _finding_row(client.get(PAGE).content.decode(), finding)
    assert f"上传文件：工作表“公开02”第 {cell.row} 行第 {cell.column_letter} 列" in row
    assert 'href="#cell-02-201-total"' in row  # and still links to the flagged cell


def test_a_finding_about_a_whole_row_names_the_row_alone(client, workbook_draft):
    data, draft, user = workbook_draft
    finding = Finding.objects.get(
        disclosure=draft, table_number="02", row_key="20805", column_key="name"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data))["公开02"]
    line = next(row[0].row for row in sheet.iter_rows() if row[0].value == 20805)
    client.force_login(user)
    row = _finding_row(client.get(PAGE).content.decode(), finding)
    assert f"上传文件：工作表“公开02”第 {line} 行</span>" in row


def test_the_reviewer_sees_where_the_uploaded_file_printed_each_finding(
    client, workbook_draft, reviewer
):
    data, draft, _user = workbook_draft
    _set(draft, Status.SUBMITTED)
    finding = Finding.objects.get(
        disclosure=draft, table_number="05", row_key="20805", column_key="spend_personnel"
    )
    cell = _sheet_cell(data, "公开05", 20805, finding.actual)
    client.force_login(reviewer)
    page = client.get(PAGE).content.decode()
    assert 'class="approve">批复' in page  # the review page, with its decisions
    assert f"上传文件：工作表“公开05”第 {cell.row} 行第 {cell.column_letter} 列" in _finding_row(
        page, finding
    )


def test_a_text_upload_names_the_line_and_column(client, seed_draft, seed_text, preparer):
    finding = Finding.objects.get(
        disclosure=seed_draft, table_number="02", row_key="201", column_key="total"
    )
    lines = seed_text.splitlines()
    table_02 = next(i for i, line in enumerate(lines) if "公开02表" in line)
    number = next(i for i in range(table_02, len(lines)) if lines[i].split("\t")[0] == "201") + 1
    column = next(
        i for i, text in enumerate(lines[number - 1].split("\t")) if text == "9,733,858.45"
    )
    client.force_login(preparer)
    row = _finding_row(client.get(PAGE).content.decode(), finding)
    assert f"上传文件：第 {number} 行第 {'ABCDEFGH'[column]} 列" in row


def test_explaining_a_warning_returns_to_that_finding(client, seed_draft, preparer):
    from disclosure.models import Finding

    warning = Finding.objects.filter(disclosure=seed_draft, severity="warning").first()
    client.force_login(preparer)
    response = client.post(PAGE, {"finding": warning.pk, "reason": "沿用往年名称。"})
    assert response["Location"] == f"{PAGE}#finding-{warning.pk}"


def test_a_failed_upload_keeps_the_chosen_year(client, seed_draft, preparer):
    client.force_login(preparer)
    bad = SimpleUploadedFile("bad.txt", "不是决算表".encode())
    client.post("/workspace/upload/", {"year": 2019, "file": bad})
    page = client.get("/workspace/").content.decode()
    assert 'name="year" value="2019"' in page


def test_staff_land_in_the_workspace_after_signing_in(client, preparer):
    response = client.post("/accounts/login/", {"username": "xinfang", "password": "Xf-2021-demo!"})
    assert response.status_code == 302
    assert response["Location"] == "/workspace/"
