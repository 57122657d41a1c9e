"""The admin's import screens: upload → preview → confirm for a workbook, a flat table and a
catalogue; exports that import back to the cent; who may do what."""

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl.utils import get_column_letter

from accounts.models import User
from disclosure.models import (
    Amount,
    AuditEvent,
    Catalogue,
    ClassificationCode,
    Department,
    Disclosure,
    TableRow,
)
from disclosure.models.statements import Status
from disclosure.resources.tables import table_resources
from tests.conftest import DATA
from tests.helpers import amount, rows, snapshot
from tests.workbooks import seed_workbook

pytestmark = pytest.mark.django_db

ADMIN = "/admin/disclosure/"
WORKBOOK = ADMIN + "disclosure/workbook/"
CONFIRM = WORKBOOK + "confirm/"
TABLE_IMPORT = ADMIN + "disclosure/import/"
TABLE_CONFIRM = ADMIN + "disclosure/process_import/"
CODES_IMPORT = ADMIN + "classificationcode/import/"
CODES_CONFIRM = ADMIN + "classificationcode/process_import/"
DEPARTMENTS_IMPORT = ADMIN + "department/import/"
DEPARTMENTS_CONFIRM = ADMIN + "department/process_import/"
DEPT_FIELDS = ["code", "name", "parent", "kind"]


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_directory(settings, tmp_path):
    settings.PORTAL_UPLOAD_DIR = tmp_path / "uploads"


def staff(user: User) -> User:
    """Every role signs in to the admin (setup_demo makes the demo accounts staff)."""
    user.is_staff = True
    user.save()
    return user


def counts() -> tuple[int, ...]:
    return (
        Department.objects.count(),
        Disclosure.objects.count(),
        TableRow.objects.count(),
        Amount.objects.count(),
        AuditEvent.objects.count(),
        ClassificationCode.objects.count(),
    )


def table_index(disclosure: Disclosure, number: str) -> str:
    """The position of a table in the import form's table choice."""
    resources = table_resources({disclosure.layout})
    return str(next(i for i, r in enumerate(resources) if r.spec.number == number))


def preview_table(client, disclosure, number: str, name: str, data: bytes):
    return client.post(
        TABLE_IMPORT,
        {
            "disclosure": disclosure.pk,
            "resource": table_index(disclosure, number),
            "format": "0",
            "import_file": SimpleUploadedFile(name, data),
        },
    )


def confirm(client, url: str, preview):
    """Post the confirm form the preview page holds, as the button does."""
    form = preview.context["confirm_form"]
    return client.post(url, {k: v for k, v in form.initial.items() if v is not None})


def export(client, disclosure, number: str, fmt: str) -> bytes:
    response = client.get(f"{ADMIN}disclosure/{disclosure.pk}/tables/{number}.{fmt}")
    assert response.status_code == 200
    return response.content


def table_amounts(disclosure, number: str) -> list[tuple[str, int, str, str, str]]:
    return sorted(
        (a.row.key, a.row.side, a.column, str(a.value), a.mark)
        for a in Amount.objects.filter(
            row__table__disclosure=disclosure, row__table__number=number
        ).select_related("row")
    )


# ---------------------------------------------------------------- the workbook screen
def test_a_workbook_is_previewed_with_tables_totals_and_findings_before_anything_is_saved(
    client, seed_draft, preparer, seed_text, settings
):
    client.force_login(staff(preparer))
    changed = seed_text.replace("577,492.37", "577,492.38")
    before, state = counts(), snapshot(seed_draft)
    page = client.post(
        WORKBOOK,
        {
            "year": 2021,
            "layout": "yunnan-2021",
            "file": SimpleUploadedFile("决算.xlsx", seed_workbook(changed)),
        },
    )
    assert page.status_code == 200
    preview = page.context["preview"]
    assert preview.outcome.startswith("将替换玉溪市信访局 2021年度 第1版")
    tables = {t.label: t for t in preview.tables}
    assert tables["公开02"].rows == len(rows(seed_draft, "02")) == 20
    assert tables["公开02"].state == "provided"
    total = tables["公开02"].totals[0]
    assert total.label == "合计" and ("本年收入合计", "9,733,858.45") in total.cells
    assert tables["公开08"].state == "empty" and "不涉及" in tables["公开08"].statement
    assert ("人员经费", "6,825,365.45 元") in preview.figures
    assert preview.errors > 0 and any(f.table == "公开06" for f in preview.findings)
    html = page.content.decode()
    assert "确认导入" in html and "9,733,858.45" in html and "勾稽检查" in html
    assert counts() == before and snapshot(seed_draft) == state  # the preview saved nothing

    response = client.post(CONFIRM, {"token": page.context["token"]})
    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN}disclosure/{seed_draft.pk}/change/"
    assert amount(seed_draft, "06", "30226", "amount") == Decimal("577492.38")
    event = AuditEvent.objects.filter(disclosure=seed_draft, action="import").latest("id")
    assert event.actor == preparer and event.details["file"] == "决算.xlsx"
    # The file is gone once imported, and its token opens nothing.
    assert not any(settings.PORTAL_UPLOAD_DIR.rglob("*.bin"))
    again = client.post(CONFIRM, {"token": page.context["token"]})
    assert again.status_code == 302 and again["Location"] == WORKBOOK


def test_a_workbook_for_a_new_year_creates_the_departments_first_draft(
    client, other_preparer, seed_bytes
):
    client.force_login(staff(other_preparer))
    page = client.post(
        WORKBOOK,
        {"year": 2021, "layout": "yunnan-2021", "file": SimpleUploadedFile("seed.txt", seed_bytes)},
    )
    assert page.context["preview"].outcome == "将新建玉溪市教育体育局 2021年度 第1版（草稿）。"
    assert not Disclosure.objects.exists()
    client.post(CONFIRM, {"token": page.context["token"]})
    created = Disclosure.objects.get(department__code="yuxi-jiaoyu")
    assert (created.version, created.status) == (1, Status.DRAFT)
    assert amount(created, "02", "total", "total") == Decimal("9733858.45")


def test_a_workbook_with_a_bad_amount_names_sheet_row_column_and_value(
    client, seed_draft, preparer, seed_text
):
    client.force_login(staff(preparer))
    before = counts()
    data = seed_workbook(seed_text.replace("9,918,893.45", "九百万"))
    page = client.post(
        WORKBOOK,
        {"year": 2021, "layout": "yunnan-2021", "file": SimpleUploadedFile("x.xlsx", data)},
    )
    problems = page.context["problems"]
    assert (
        "公开03 工作表“公开03”第 10 行第 E 列（本年支出合计）：“九百万” —— “九百万”不是金额"
        in problems
    )
    assert "数据库未作任何改动" in page.content.decode()
    assert counts() == before


def test_a_published_department_year_is_refused_and_the_correction_path_is_named(
    client, seed_disclosure, seed_bytes
):
    preparer = User.objects.create_user(
        "xf", role="preparer", department=seed_disclosure.department, is_staff=True
    )
    client.force_login(preparer)
    before = counts()
    page = client.post(
        WORKBOOK,
        {"year": 2021, "layout": "yunnan-2021", "file": SimpleUploadedFile("seed.txt", seed_bytes)},
    )
    (problem,) = page.context["problems"]
    assert "玉溪市信访局 2021年度 第1版已公开，不能再导入" in problem
    assert "发起更正" in problem
    assert counts() == before


# ---------------------------------------------------------------- one table, flat
def test_a_flat_csv_is_previewed_row_by_row_then_replaces_the_table(
    client, seed_draft, preparer, settings
):
    client.force_login(staff(preparer))
    lines = list(
        csv.reader(io.StringIO(export(client, seed_draft, "03", "csv").decode("utf-8-sig")))
    )
    header = lines[0]
    assert header[:3] == ["科目编码", "科目名称", "级次"] and header[-1] == "金额单位"
    total_col = header.index("本年支出合计")
    edited = [r for r in lines if r[0] != "2130599"]  # drop a row that is not there anyway
    changed = next(r for r in edited if r[0] == "2010301")
    old = changed[total_col]
    changed[total_col] = "1,234.56"
    out = io.StringIO()
    csv.writer(out).writerows(edited)
    before, state = counts(), snapshot(seed_draft)

    page = preview_table(client, seed_draft, "03", "公开03.csv", out.getvalue().encode())
    assert page.status_code == 200
    result = page.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] == 1 and result.totals["skip"] == len(edited) - 2
    assert "1,234.56" in page.content.decode()
    # Each row is labelled as the counts above are: an unchanged row is 不变, never "忽略"
    # (ignored), which would read as left out of the import.
    labels = re.findall(r'<td class="import-type">\s*(\S+)\s*</td>', page.content.decode())
    assert sorted(set(labels)) == ["不变", "修改"] and labels.count("修改") == 1
    assert counts() == before and snapshot(seed_draft) == state

    assert len(list(settings.PORTAL_UPLOAD_DIR.rglob("*.bin"))) == 1  # kept for the confirmation
    response = confirm(client, TABLE_CONFIRM, page)
    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN}disclosure/{seed_draft.pk}/change/"
    assert not any(settings.PORTAL_UPLOAD_DIR.rglob("*.bin"))
    assert amount(seed_draft, "03", "2010301", "total") == Decimal("1234.56")
    assert old != "1234.56"
    # Each amount keeps where it was in the uploaded file, as a workbook import keeps it.
    line = next(i for i, r in enumerate(edited) if r[0] == "2010301") + 1
    stored = Amount.objects.get(
        row__table__disclosure=seed_draft,
        row__table__number="03",
        row__key="2010301",
        column="total",
    )
    assert stored.source == f"第 {line} 行第 {get_column_letter(total_col + 1)} 列"
    event = AuditEvent.objects.filter(action="import_table").get()
    assert event.actor == preparer and event.details["table"] == "03"
    assert event.details["changed"] == 1
    seed_draft.refresh_from_db()
    assert seed_draft.check_runs.get().content_digest == seed_draft.content_digest


def test_a_flat_file_with_a_bad_cell_is_refused_naming_row_column_and_value(
    client, seed_draft, preparer
):
    client.force_login(staff(preparer))
    lines = list(
        csv.reader(io.StringIO(export(client, seed_draft, "02", "csv").decode("utf-8-sig")))
    )
    at = next(i for i, line in enumerate(lines) if line[1] == "合计")
    assert lines[at][3] == "9733858.45"
    lines[at][3] = "9,7x3,858.45"
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    data = out.getvalue()
    before = counts()
    page = preview_table(client, seed_draft, "02", "02.csv", data.encode())
    result = page.context["result"]
    assert result.has_validation_errors()
    text = page.content.decode()
    expected = (
        f"公开02 第 {at + 1} 行第 D 列（本年收入合计）：“9,7x3,858.45” —— “9,7x3,858.45”不是金额"
    )
    assert expected in text
    assert "confirm_form" not in page.context or page.context["confirm_form"] is None
    assert counts() == before


def test_a_flat_file_with_unknown_columns_is_refused_before_any_row(client, seed_draft, preparer):
    client.force_login(staff(preparer))
    data = "科目编码,科目名称,本年收入合计,总收入\n201,一般公共服务支出,1.00,2.00\n".encode()
    page = preview_table(client, seed_draft, "02", "02.csv", data)
    text = page.content.decode()
    assert "缺少栏目" in text and "“财政拨款收入”" in text
    assert "表头中有本表没有的栏目：“总收入”" in text
    assert amount(seed_draft, "02", "total", "total") == Decimal("9733858.45")


@pytest.mark.parametrize(
    ("number", "fmt"), [("02", "csv"), ("04", "xlsx"), ("06", "csv"), ("09", "xlsx")]
)
def test_an_exported_table_imports_back_to_identical_amounts(
    client, seed_draft, preparer, number, fmt
):
    client.force_login(staff(preparer))
    original = table_amounts(seed_draft, number)
    exported = export(client, seed_draft, number, fmt)
    # Empty the table first, so that the round trip writes every row and amount again.
    TableRow.objects.filter(table__disclosure=seed_draft, table__number=number).delete()
    assert table_amounts(seed_draft, number) == []

    page = preview_table(client, seed_draft, number, f"t.{fmt}", exported)
    assert page.context["result"].totals["new"] > 0
    confirm(client, TABLE_CONFIRM, page)
    assert table_amounts(seed_draft, number) == original  # every amount, to the cent
    again = preview_table(client, seed_draft, number, f"t.{fmt}", exported)
    totals = again.context["result"].totals
    assert totals["new"] == totals["update"] == totals["delete"] == 0  # idempotent


def test_an_xlsx_export_has_native_numbers_and_chinese_headers(client, seed_draft, preparer):
    client.force_login(staff(preparer))
    book = openpyxl.load_workbook(io.BytesIO(export(client, seed_draft, "02", "xlsx")))
    ws = book.active
    header = [c.value for c in ws[1]]
    assert header[:4] == ["科目编码", "科目名称", "级次", "本年收入合计"]
    total = next(row for row in ws.iter_rows(min_row=2) if row[1].value == "合计")
    assert total[3].value == 9733858.45 and total[3].number_format == "#,##0.00"
    assert (ws["A2"].value, ws["A2"].data_type) == ("201", "s")  # codes stay text


def test_a_csv_export_neutralises_formulas(client, seed_draft, preparer):
    client.force_login(staff(preparer))
    TableRow.objects.filter(table__disclosure=seed_draft, table__number="02", key="201").update(
        name='=HYPERLINK("http://example.invalid")'
    )
    data = export(client, seed_draft, "02", "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in data and "\n=HYPERLINK" not in data and ",=HYPERLINK" not in data
    # …and the apostrophe is taken off again when the file comes back.
    page = preview_table(client, seed_draft, "02", "02.csv", data.encode())
    assert page.context["result"].totals["update"] == 0


def test_blank_templates_carry_the_declared_headers_and_lines(client, seed_draft, preparer):
    client.force_login(staff(preparer))
    response = client.get(f"{ADMIN}disclosure/templates/yunnan-2021/04.csv")
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][:4] == ["栏", "行次", "项目", "收入/决算数"]
    assert lines[1][:3] == ["收入", "1", "一、一般公共预算财政拨款"]
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"{ADMIN}disclosure/templates/yunnan-2021/02.xlsx").content)
    )
    assert [c.value for c in book.active[1]][:3] == ["科目编码", "科目名称", "级次"]
    # A filled-in template imports: here 公开02 with its 合计 row only.
    filled = response.content  # 公开04 with no amounts is an empty table, and imports
    page = preview_table(client, seed_draft, "04", "04.csv", filled)
    assert not page.context["result"].has_validation_errors()


# ---------------------------------------------------------------- catalogues and departments
def test_a_catalogue_is_previewed_then_loaded_and_loading_it_again_changes_nothing(
    client, reviewer
):
    client.force_login(staff(reviewer))
    data = (DATA / "catalogues" / "2021-functional-seed-codes.csv").read_bytes()
    form = {"year": 2022, "kind": "functional", "provenance": "official", "format": "0"}
    page = client.post(CODES_IMPORT, {**form, "import_file": SimpleUploadedFile("codes.csv", data)})
    assert page.status_code == 200
    result = page.context["result"]
    assert not result.has_validation_errors(), page.content.decode()
    lines = len(data.decode().strip().splitlines()) - 1
    assert result.totals["new"] == lines
    assert not Catalogue.objects.filter(year=2022).exists()  # the preview saved nothing

    assert confirm(client, CODES_CONFIRM, page).status_code == 302
    catalogue = Catalogue.objects.get(year=2022, kind="functional")
    assert catalogue.provenance == "official" and catalogue.codes.count() == lines
    item = catalogue.codes.get(code="2010308")
    assert (item.name, item.level, item.parent.code, item.parent.parent.code) == (
        "信访事务",
        3,
        "20103",
        "201",
    )
    ids = list(ClassificationCode.objects.order_by("id").values_list("id", "code", "name"))
    again = client.post(CODES_IMPORT, {**form, "import_file": SimpleUploadedFile("c.csv", data)})
    assert again.context["result"].totals["skip"] == lines
    confirm(client, CODES_CONFIRM, again)
    assert list(ClassificationCode.objects.order_by("id").values_list("id", "code", "name")) == ids


def test_a_catalogue_export_imports_back(client, reviewer, catalogues_2021):
    client.force_login(staff(reviewer))
    catalogue = Catalogue.objects.get(year=2021, kind="economic")
    response = client.post(
        f"{ADMIN}classificationcode/export/?catalogue={catalogue.pk}",
        {
            "format": "0",
            "resource": "0",
            **{
                f"classificationcoderesource_{f}": "on"
                for f in ["year", "kind", "code", "name", "level", "parent"]
            },
        },
    )
    assert response.status_code == 200
    data = response.content
    assert data.startswith(
        b"\xef\xbb\xbf"
    ) and "年度,分类,科目编码,科目名称,级次,上级科目编码" in data.decode("utf-8-sig")
    form = {"year": 2021, "kind": "economic", "provenance": "compiled", "format": "0"}
    page = client.post(CODES_IMPORT, {**form, "import_file": SimpleUploadedFile("e.csv", data)})
    assert page.context["result"].totals["skip"] == catalogue.codes.count() == 88
    wrong = {**form, "kind": "functional"}
    page = client.post(CODES_IMPORT, {**wrong, "import_file": SimpleUploadedFile("e.csv", data)})
    assert "与所选的“支出功能分类”不符" in page.content.decode()


def test_catalogue_rows_are_checked_as_the_loader_checks_them(client, reviewer):
    client.force_login(staff(reviewer))
    before = counts()
    data = "编码,级次,名称\n201,款,一般公共服务支出\n2010301,项,行政运行\n".encode()
    form = {"year": 2022, "kind": "functional", "provenance": "official", "format": "0"}
    page = client.post(CODES_IMPORT, {**form, "import_file": SimpleUploadedFile("c.csv", data)})
    text = page.content.decode()
    assert "第 2 行第 B 列（级次）：“款” —— 级次与编码位数不符（3 位应为“类”）" in text
    assert "上级科目 20103 不在 2022 年的科目表中，也不在本文件中" in text
    assert counts() == before


def test_departments_load_parents_first_and_reload_unchanged(client, reviewer):
    client.force_login(staff(reviewer))
    data = (
        "部门代码,部门名称,上级部门代码,单位性质\n"
        "yuxi-xinfang-center,玉溪市信访服务中心,yuxi-xinfang,事业单位\n"
        "yuxi-xinfang,玉溪市信访局,,行政单位\n"
    ).encode("gb18030")  # as Excel in Chinese Windows saves a CSV
    page = client.post(
        DEPARTMENTS_IMPORT, {"format": "0", "import_file": SimpleUploadedFile("d.csv", data)}
    )
    assert page.context["result"].totals["new"] == 2
    assert not Department.objects.exists()
    confirm(client, DEPARTMENTS_CONFIRM, page)
    center = Department.objects.get(code="yuxi-xinfang-center")
    assert (center.parent.code, center.kind) == ("yuxi-xinfang", "public_institution")
    again = client.post(
        DEPARTMENTS_IMPORT, {"format": "0", "import_file": SimpleUploadedFile("d.csv", data)}
    )
    assert again.context["result"].totals["skip"] == 2
    exported = client.post(
        f"{ADMIN}department/export/",
        {"format": "1", "resource": "0", **{f"departmentresource_{f}": "on" for f in DEPT_FIELDS}},
    )
    book = openpyxl.load_workbook(io.BytesIO(exported.content))
    assert [[c.value for c in row] for row in book.active.iter_rows()] == [
        ["部门代码", "部门名称", "上级部门代码", "单位性质"],
        ["yuxi-xinfang", "玉溪市信访局", None, "行政单位"],
        ["yuxi-xinfang-center", "玉溪市信访服务中心", "yuxi-xinfang", "事业单位"],
    ]


def test_a_department_code_that_breaks_the_rule_is_refused_in_chinese(client, reviewer):
    client.force_login(staff(reviewer))
    data = "部门代码,部门名称\nYuxi Xinfang,玉溪市信访局\n".encode()
    page = client.post(
        DEPARTMENTS_IMPORT, {"format": "0", "import_file": SimpleUploadedFile("d.csv", data)}
    )
    assert "部门代码只能包含小写字母、数字和连字符" in page.content.decode()
    assert not Department.objects.exists()


def test_departments_load_with_their_region_checked_in_the_preview(
    client, reviewer, city, county, other_city
):
    client.force_login(staff(reviewer))
    data = (
        "部门代码,部门名称,上级部门代码,单位性质,行政区划代码\n"
        "hongta-jiaoyu,红塔区教育体育局,,行政单位,530402\n"
        "yuxi-jiaoyu,玉溪市教育体育局,,,\n"
    ).encode()
    page = client.post(
        DEPARTMENTS_IMPORT, {"format": "0", "import_file": SimpleUploadedFile("d.csv", data)}
    )
    assert page.context["result"].totals["new"] == 2
    assert not Department.objects.exists()  # the preview saved nothing
    confirm(client, DEPARTMENTS_CONFIRM, page)
    regions = dict(Department.objects.values_list("code", "region__code"))
    # A blank region puts a new department in the default region (玉溪市).
    assert regions == {"hongta-jiaoyu": "530402", "yuxi-jiaoyu": "530400"}

    exported = client.post(
        f"{ADMIN}department/export/",
        {
            "format": "0",
            "resource": "0",
            **{f"departmentresource_{f}": "on" for f in [*DEPT_FIELDS, "region"]},
        },
    )
    text = exported.content.decode("utf-8-sig")
    assert text.splitlines()[:2] == [
        "部门代码,部门名称,上级部门代码,单位性质,行政区划代码",
        "hongta-jiaoyu,红塔区教育体育局,,行政单位,530402",
    ]
    again = client.post(
        DEPARTMENTS_IMPORT,
        {"format": "0", "import_file": SimpleUploadedFile("d.csv", text.encode())},
    )
    assert again.context["result"].totals["skip"] == 2
    # Moved to the city by its code: one change, shown before it is made.
    moved = text.replace(",530402", ",530400").encode()
    page = client.post(
        DEPARTMENTS_IMPORT, {"format": "0", "import_file": SimpleUploadedFile("d.csv", moved)}
    )
    assert page.context["result"].totals["update"] == 1
    confirm(client, DEPARTMENTS_CONFIRM, page)
    assert Department.objects.get(code="hongta-jiaoyu").region == city


def test_a_department_region_that_is_unknown_or_not_the_reviewers_is_refused(
    client, reviewer, county_reviewer, city, county, other_city
):
    Department.objects.create(code="yuxi-jiaoyu", name="玉溪市教育体育局", region=city)
    before = counts()
    client.force_login(staff(reviewer))
    data = (
        "部门代码,部门名称,行政区划代码\n"
        "kunming-jiaoyu,昆明市教育局,530100\n"
        "nowhere-jiaoyu,某地教育局,539999\n"
    ).encode()
    page = client.post(
        DEPARTMENTS_IMPORT, {"format": "0", "import_file": SimpleUploadedFile("d.csv", data)}
    )
    text = page.content.decode()
    assert "第 2 行第 C 列（行政区划代码）：“530100” —— 行政区划“530100”不在您管理的地区内" in text
    assert "第 3 行第 C 列（行政区划代码）：“539999” —— 行政区划“539999”尚未载入" in text
    assert counts() == before
    # A county reviewer cannot change a department of the city above, even by its code.
    client.force_login(staff(county_reviewer))
    data = "部门代码,部门名称,行政区划代码\nyuxi-jiaoyu,改名,530402\n".encode()
    page = client.post(
        DEPARTMENTS_IMPORT, {"format": "0", "import_file": SimpleUploadedFile("d.csv", data)}
    )
    assert "部门“yuxi-jiaoyu”属于您管理范围以外的地区，不能在此修改" in page.content.decode()
    assert Department.objects.get(code="yuxi-jiaoyu").region == city


# ---------------------------------------------------------------- who may do what
def test_anonymous_visitors_are_sent_to_the_admin_login(client, seed_draft):
    for url in [
        WORKBOOK,
        TABLE_IMPORT,
        CODES_IMPORT,
        f"{ADMIN}disclosure/{seed_draft.pk}/tables/02.csv",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_preparer_who_is_not_staff_does_not_enter_the_admin(client, preparer):
    client.force_login(preparer)  # the persona as created, without is_staff
    assert client.get(WORKBOOK)["Location"].startswith("/admin/login/")


def test_a_preparer_of_another_department_can_neither_see_nor_fill_the_draft(
    client, seed_draft, preparer, other_preparer, seed_bytes
):
    client.force_login(staff(preparer))
    page = client.post(
        WORKBOOK,
        {"year": 2021, "layout": "yunnan-2021", "file": SimpleUploadedFile("seed.txt", seed_bytes)},
    )
    token = page.context["token"]
    client.force_login(staff(other_preparer))
    before, state = counts(), snapshot(seed_draft)
    assert client.get(f"{ADMIN}disclosure/{seed_draft.pk}/tables/02.csv").status_code == 404
    listing = client.get(f"{ADMIN}disclosure/").content.decode()
    assert "玉溪市信访局" not in listing
    # Another user's token opens nothing.
    response = client.post(CONFIRM, {"token": token})
    assert response.status_code == 302 and response["Location"] == WORKBOOK
    # The draft is not among the choices of the single-table import.
    page = preview_table(client, seed_draft, "02", "02.csv", b"x")
    assert "disclosure" in page.context["form"].errors
    assert counts() == before and snapshot(seed_draft) == state


def test_a_reviewer_loads_catalogues_but_imports_no_numbers(client, seed_draft, reviewer):
    client.force_login(staff(reviewer))
    assert client.get(CODES_IMPORT).status_code == 200
    assert client.get(DEPARTMENTS_IMPORT).status_code == 200
    assert client.get(WORKBOOK).status_code == 403
    assert client.get(TABLE_IMPORT).status_code == 403
    assert client.get(f"{ADMIN}disclosure/{seed_draft.pk}/tables/05.xlsx").status_code == 200
    index = client.get("/admin/").content.decode()
    assert "分类科目" in index and "决算公开" in index


def test_a_preparer_loads_no_catalogue_and_sees_only_the_import_screens(
    client, seed_draft, preparer
):
    client.force_login(staff(preparer))
    assert client.get(CODES_IMPORT).status_code == 403
    assert client.get(DEPARTMENTS_IMPORT).status_code == 403
    assert client.get(f"{ADMIN}department/").status_code == 403
    index = client.get("/admin/").content.decode()
    assert "分类科目" not in index and "用户" not in index and "决算公开" in index
    listing = client.get(f"{ADMIN}disclosure/").content.decode()
    assert "导入工作簿" in listing and "导入单表" in listing
    detail = client.get(f"{ADMIN}disclosure/{seed_draft.pk}/change/").content.decode()
    assert "tables/02.xlsx" in detail and f"?disclosure={seed_draft.pk}&amp;table=02" in detail


def test_every_admin_page_a_reviewer_uses_opens_in_chinese(
    client, seed_draft, reviewer, catalogues_2021
):
    client.force_login(staff(reviewer))
    code = ClassificationCode.objects.get(catalogue__kind="functional", code="2010308")
    event = AuditEvent.objects.filter(disclosure=seed_draft).first()
    for url in [
        f"{ADMIN}department/",
        f"{ADMIN}department/{seed_draft.department_id}/change/",
        f"{ADMIN}catalogue/",
        f"{ADMIN}catalogue/{code.catalogue_id}/change/",
        f"{ADMIN}classificationcode/?catalogue={code.catalogue_id}",
        f"{ADMIN}classificationcode/{code.pk}/change/",
        f"{ADMIN}auditevent/",
        f"{ADMIN}auditevent/{event.pk}/change/",
        f"{ADMIN}disclosure/?year=2021",
        f"{ADMIN}disclosure/{seed_draft.pk}/change/",
        f"{ADMIN}classificationcode/export/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        for english in ["Catalogue", "Department:", "Year:", "Actor", "Parent:"]:
            assert english not in page, (url, english)
    detail = client.get(f"{ADMIN}classificationcode/{code.pk}/change/").content.decode()
    assert "20103 政府办公厅（室）及相关机构事务" in detail


def test_an_amount_excel_cannot_hold_is_written_as_text_and_reads_back_to_the_cent():
    from disclosure.importing.flat import dataset_from_sheets
    from disclosure.importing.sources import read_sheets
    from disclosure.opendata.formats import flat_workbook

    big = Decimal("12345678901234567.89")  # 19 significant digits; Excel keeps 15
    data = flat_workbook([["科目编码", "金额"], ["201", (big, False)]], title="公开02")
    cell = openpyxl.load_workbook(io.BytesIO(data)).active["B2"]
    assert (cell.value, cell.data_type) == ("12,345,678,901,234,567.89", "s")
    dataset = dataset_from_sheets(read_sheets(data))
    assert dataset.dict == [{"科目编码": "201", "金额": "12,345,678,901,234,567.89"}]


def test_a_flat_xlsx_keeps_each_amounts_sheet_row_and_column(client, seed_draft, preparer):
    client.force_login(staff(preparer))
    data = export(client, seed_draft, "02", "xlsx")
    TableRow.objects.filter(table__disclosure=seed_draft, table__number="02").delete()
    confirm(client, TABLE_CONFIRM, preview_table(client, seed_draft, "02", "t.xlsx", data))
    # Where openpyxl finds the total of 本年收入合计 in the same file.
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    header = [c.value for c in sheet[1]]
    (row,) = [r for r in sheet.iter_rows(min_row=2) if r[1].value == "合计"]
    cell = row[header.index("本年收入合计")]
    stored = Amount.objects.get(
        row__table__disclosure=seed_draft,
        row__table__number="02",
        row__key="total",
        column="total",
    )
    assert stored.value == Decimal(str(cell.value))
    assert stored.source == f"工作表“{sheet.title}”第 {cell.row} 行第 {cell.column_letter} 列"
