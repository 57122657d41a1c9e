"""The admin's single-table import from the department's published PDF: the chosen table is
found by its title and read as the whole-document import reads it, previewed row by row,
and stored on confirmation with the page and box of every amount."""

import io
from decimal import Decimal
from functools import cache

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from disclosure.importing.errors import ImportRejected
from disclosure.importing.parser import parse_sheets
from disclosure.importing.reader import read_pdf_document, read_table
from disclosure.layouts import get_layout
from disclosure.models import Amount, AuditEvent
from disclosure.resources.tables import table_resources
from tests.helpers import amount, import_real, snapshot
from tests.test_admin_imports import TABLE_CONFIRM, TABLE_IMPORT, confirm, counts, staff
from tests.test_import_pdf import CAIZHENGJU, SHEHUI, TEMPLATE, _shared, parsed

pytestmark = pytest.mark.django_db

NATIONAL = "national-2024"


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_directory(settings, tmp_path):
    settings.PORTAL_UPLOAD_DIR = tmp_path / "uploads"


@cache
def real_pdf() -> bytes:
    return (_shared("real") / CAIZHENGJU).read_bytes()


@pytest.fixture
def draft():
    """上海市普陀区财政局's 2024 draft, imported whole from its published PDF."""
    return import_real(CAIZHENGJU)


@pytest.fixture
def czj_preparer(draft):
    """A preparer of 上海市普陀区财政局, signed in to the admin as staff."""
    user = User.objects.create_user(
        "czj", password="Czj-2024-demo!", role="preparer", department=draft.department
    )
    return staff(user)


def table_index(number: str) -> str:
    resources = table_resources({NATIONAL})
    return str(next(i for i, r in enumerate(resources) if r.spec.number == number))


def preview(client, draft, number: str, data: bytes, name: str = "决算.pdf"):
    return client.post(
        TABLE_IMPORT,
        {
            "disclosure": draft.pk,
            "resource": table_index(number),
            "format": "0",
            "import_file": SimpleUploadedFile(name, data),
        },
    )


def table_cells(disclosure, number: str) -> list[tuple]:
    """Every amount of a table with the place it was read from."""
    return sorted(
        Amount.objects.filter(
            row__table__disclosure=disclosure, row__table__number=number
        ).values_list("row__key", "row__side", "column", "value", "mark", "source")
    )


def without_pages(data: bytes, pages: set[int]) -> bytes:
    """The PDF without these pages (1-based)."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for number, page in enumerate(reader.pages, 1):
        if number not in pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned(data: bytes, page: int) -> bytes:
    """One page of the PDF as a scan would give it: an image, no text layer."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    image = document[page - 1].render(scale=1).to_pil().convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=72)
    return out.getvalue()


# ---------------------------------------------------------------- through the admin
def test_a_table_is_read_from_the_published_pdf_previewed_then_restores_the_printed_amounts(
    client, draft, czj_preparer, monkeypatch
):
    printed = table_cells(draft, "02")
    assert (
        "2010601",
        0,
        "total",
        Decimal("1511.90"),
        "",
        "第 8 页第 9 行第 E 列 [346,276,423,293]",
    ) in (printed)
    # The draft is edited after the import: one amount changed, its place forgotten.
    Amount.objects.filter(
        row__table__disclosure=draft, row__table__number="02", row__key="2010601", column="total"
    ).update(value=Decimal("1234.56"), source="")
    client.force_login(czj_preparer)
    before, state = counts(), snapshot(draft)

    page = preview(client, draft, "02", real_pdf())
    assert page.status_code == 200
    result = page.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] == 1 and result.totals["new"] == result.totals["delete"] == 0
    assert result.totals["skip"] == 19  # the 20 rows of 表2 as printed, one changed
    text = page.content.decode()
    # The change shown in the preview: 1,234.56 in the draft, 1,511.90 printed.
    assert '<span>1,</span><del style="background:#ffe6e6;">234.56</del>' in text
    assert '<ins style="background:#e6ffe6;">511.90</ins>' in text
    assert "公开02 读自 PDF 第 8、9 页" in text
    assert "金额 45 个，合计 23570.06，与来源中的 45 个（合计 23570.06）一致" in text
    # The page regions the table was read from, drawn from the upload, embedded.
    assert [(image.page, image.png[:4]) for image in result.pages] == [
        (8, b"\x89PNG"),
        (9, b"\x89PNG"),
    ]
    assert 'data-page="8"' in text and 'alt="公开02 在原件第 8 页的区域"' in text
    assert counts() == before and snapshot(draft) == state  # nothing written yet

    drawn = []
    monkeypatch.setattr("disclosure.previews.page_images", lambda *a: drawn.append(a) or [])
    response = confirm(client, TABLE_CONFIRM, page)
    assert response.status_code == 302
    assert drawn == []  # the confirmation draws no page
    assert amount(draft, "02", "2010601", "total") == Decimal("1511.90")
    assert table_cells(draft, "02") == printed  # every amount and its page and box
    event = AuditEvent.objects.filter(action="import_table").get()
    assert event.actor == czj_preparer and event.details["table"] == "02"
    assert event.details["changed"] == 1 and event.details["file"] == "决算.pdf"
    assert event.details["proof"]["stored"] == 45
    draft.refresh_from_db()
    assert draft.check_runs.order_by("-pk").first().content_digest == draft.content_digest


@pytest.mark.parametrize("number", ["01", "04", "06", "07", "08"])
def test_a_table_imported_whole_reads_the_same_again_from_its_pdf(
    client, draft, czj_preparer, number
):
    """A lines table, a table over three pages, the economic blocks, 三公 and an empty
    table: the single-table reading is the whole import's, row for row."""
    client.force_login(czj_preparer)
    page = preview(client, draft, number, real_pdf())
    totals = page.context["result"].totals
    assert not page.context["result"].has_errors(), page.content.decode()[:2000]
    assert totals["new"] == totals["update"] == totals["delete"] == 0
    assert page.context["confirm_form"] is not None


def test_a_pdf_without_the_chosen_table_is_refused_naming_it_and_the_tables_found(
    client, draft, czj_preparer
):
    pages = set(read_table_pages("07"))
    assert pages == {18}
    client.force_login(czj_preparer)
    before = counts()
    page = preview(client, draft, "07", without_pages(real_pdf(), pages))
    text = page.content.decode()
    assert "文件中没有所选的表“公开07 财政拨款“三公”经费支出决算表”（按表名查找）" in text
    assert "找到的表：公开01 收入支出决算总表、公开02 收入决算表、公开03 支出决算表" in text
    assert "公开06 一般公共预算财政拨款基本支出决算表、公开08 政府性基金预算财政拨款" in text
    assert page.context.get("confirm_form") is None
    assert counts() == before


def test_a_scanned_pdf_is_refused_as_having_no_text_layer(client, draft, czj_preparer):
    client.force_login(czj_preparer)
    page = preview(client, draft, "02", scanned(real_pdf(), 8))
    form = page.context["form"]
    assert any("这份 PDF 没有文字层" in e for e in form.errors["import_file"])
    assert page.context.get("confirm_form") is None


def test_the_single_table_screen_says_that_pdfs_are_accepted(client, draft, czj_preparer):
    client.force_login(czj_preparer)
    text = client.get(TABLE_IMPORT).content.decode()
    assert "XLSX / CSV / TXT / PDF" in text
    assert "或部门公开的文字版 PDF（从中按表名找出所选的表" in text


# ---------------------------------------------------------------- the reader
def read_table_pages(number: str) -> list[int]:
    document = read_pdf_document(real_pdf())
    return list(
        read_table([document.sheet], layout=get_layout(NATIONAL), number=number).table.regions
    )


def test_a_problem_in_another_table_does_not_stop_the_chosen_one():
    document = read_pdf_document(real_pdf())
    # 表3's 2010601 line on page 10, its 基本支出 misprinted.
    row = next(
        r for r in document.sheet.rows if r.page == 10 and r.cells[:3] == ["201", "06", "01"]
    )
    assert row.cells[5] == "1,503.52"
    row.cells[5] = "1,5O3.52"
    layout = get_layout(NATIONAL)
    with pytest.raises(ImportRejected):
        parse_sheets([document.sheet], layout)  # the whole document is refused
    reading = read_table([document.sheet], layout=layout, number="02")
    assert reading.proof["stored"] == 45
    with pytest.raises(ImportRejected) as info:
        read_table([document.sheet], layout=layout, number="03")
    (problem,) = info.value.problems
    assert problem.table == "公开03"
    assert str(problem).startswith("公开03 第 10 页第 9 行第 F 列（基本支出）：“1,5O3.52” —— ")


def test_each_amount_read_from_a_pdf_table_names_its_page_and_box():
    document = read_pdf_document(real_pdf())
    reading = read_table([document.sheet], layout=get_layout(NATIONAL), number="02")
    row = next(r for r in reading.table.rows if r.key == "2210203")  # the continuation page
    assert row.amounts["total"] == (Decimal("258.50"), "")
    assert row.sources["total"].startswith("第 9 页第 ")


@pytest.mark.parametrize("name", [CAIZHENGJU, SHEHUI, TEMPLATE])
def test_every_table_read_alone_is_the_table_the_whole_document_import_reads(name):
    data = (_shared("real") / name).read_bytes()
    whole = parsed(name)
    layout = get_layout(whole.layout)
    document = read_pdf_document(data)
    for spec in layout.tables:
        if not spec.is_amount_table:
            continue
        alone = read_table([document.sheet], layout=layout, number=spec.number).table
        printed = whole.tables[spec.number]
        assert alone == printed, spec.label
        assert [r.sources for r in alone.rows] == [r.sources for r in printed.rows]
        assert alone.regions == printed.regions
