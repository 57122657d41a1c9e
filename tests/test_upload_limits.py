"""Every upload limit, through the admin's import screens: refused with a clear Chinese message,
quickly and in bounded memory, and the database unchanged."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disclosure.importing import zipguard
from disclosure.importing.errors import ImportRejected
from disclosure.importing.sources import MAX_ROWS_PER_SHEET, PdfBudget, pdf_guard, read_sheets
from tests.test_admin_imports import WORKBOOK, counts, preview_table, staff
from tests.test_import_pdf import CAIZHENGJU, _shared
from tests.workbooks import seed_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_directory(settings, tmp_path):
    settings.PORTAL_UPLOAD_DIR = tmp_path / "uploads"


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
WORKBOOK_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>'
)
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"


def workbook_streaming(write_rows) -> bytes:
    """A minimal XLSX whose one sheet's XML is streamed into the zip by `write_rows(file)`,
    so a huge sheet costs a few kilobytes of memory and of file."""

    def sheet(file) -> None:
        file.write(SHEET_START)
        write_rows(file)
        file.write(SHEET_END)

    return _workbook(sheet)


def workbook_of_sheet(sheet: bytes) -> bytes:
    """A minimal XLSX whose one sheet's XML is `sheet`, as given (its own prologue)."""
    return _workbook(lambda file: file.write(sheet))


def _workbook(write_sheet) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK_XML)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as file:
            write_sheet(file)
    return out.getvalue()


def a_million_rows(sheet) -> None:
    row = b"<row><c><v>1</v></c></row>"
    for _ in range(100):
        sheet.write(row * 10_000)


def upload_workbook(client, name: str, data: bytes):
    return client.post(
        WORKBOOK,
        {"year": 2021, "layout": "yunnan-2021", "file": SimpleUploadedFile(name, data)},
    )


def refusal(client, name: str, data: bytes) -> str:
    """The problems the workbook screen lists for this upload; nothing may change."""
    before = counts()
    page = upload_workbook(client, name, data)
    assert page.status_code == 200
    assert "preview" not in page.context
    assert counts() == before, "a refused upload must leave the database unchanged"
    problems = page.context["problems"] or [
        str(e) for errors in page.context["form"].errors.values() for e in errors
    ]
    text = "\n".join(problems)
    assert text
    return text


@pytest.fixture
def signed_in(client, other_preparer):
    """A preparer whose department has no disclosure yet (no seed to import first)."""
    client.force_login(staff(other_preparer))
    return client


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(signed_in, settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 2 * 2**20
    message = refusal(signed_in, "big.txt", b"a" * (2 * 2**20 + 1))
    assert "超过上限 2 MB" in message


def test_the_size_limit_is_a_setting(signed_in, settings, seed_bytes):
    settings.PORTAL_MAX_UPLOAD_BYTES = 1000
    assert "超过上限 1 KB" in refusal(signed_in, "seed.txt", seed_bytes)
    settings.PORTAL_MAX_UPLOAD_BYTES = 10 * 2**20
    assert "preview" in upload_workbook(signed_in, "seed.txt", seed_bytes).context


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("决算.xlsx", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", "PDF 文件已损坏"),
        ("决算.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "无法识别的文件类型"),
        ("决算.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "旧版 Excel（.xls）"),
        ("决算.xls", "<html><body><table><tr><td>收入决算表".encode(), "网页（HTML）"),
        ("决算.xlsx", b"PK\x03\x04" + b"\x00" * 64, "已损坏或不完整"),
        ("决算.txt", b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip 压缩文件"),
    ],
    ids=["pdf-named-xlsx", "png-named-csv", "xls-named-xlsx", "html-named-xls", "broken-zip", "gz"],
)
def test_a_file_is_judged_by_its_content_not_its_name(signed_in, name, data, expected):
    assert expected in refusal(signed_in, name, data)


def test_a_good_workbook_with_a_misleading_name_is_read_as_a_workbook(signed_in, seed_text):
    page = upload_workbook(signed_in, "决算.txt", seed_workbook(seed_text))
    assert page.context["preview"].outcome == "将新建玉溪市教育体育局 2021年度 第1版（草稿）。"


def test_a_macro_enabled_workbook_is_refused_even_with_its_macro_part_renamed(signed_in, seed_text):
    source = zipfile.ZipFile(io.BytesIO(seed_workbook(seed_text)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
                )
            target.writestr(item, data)
        target.writestr("xl/macros.bin", b'Attribute VB_Name = "Module1"')
    assert "含宏的工作簿（.xlsm）不被接受" in refusal(signed_in, "决算.xlsx", out.getvalue())


def test_a_zip_bomb_is_refused_from_its_directory_without_inflating_it(signed_in):
    def zeros(sheet):
        for _ in range(80):
            sheet.write(b" " * 2**20)  # 80 MB of blanks inside the sheet: a 80 kB file

    data = workbook_streaming(zeros)
    assert len(data) < 200_000
    started = time.perf_counter()
    message = refusal(signed_in, "bomb.xlsx", data)
    assert "疑似压缩炸弹" in message and "超过 64 MB 的上限" in message
    assert time.perf_counter() - started < 2


def test_a_million_row_workbook_is_refused_quickly_in_bounded_memory(signed_in):
    data = workbook_streaming(a_million_rows)
    assert len(data) < 2**20  # cheap to craft, small to upload
    tracemalloc.start()
    started = time.perf_counter()
    try:
        message = refusal(signed_in, "rows.xlsx", data)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert f"超过 {MAX_ROWS_PER_SHEET} 行" in message and "已停止读取" in message
    # Measured: about 0.1 s and a 2 MB peak (the whole request, traced); the file inflates
    # to 26 MB and would be 10^6 rows.
    assert elapsed < 3, f"took {elapsed:.1f} s"
    assert peak < 32 * 2**20, f"peak {peak / 2**20:.0f} MB"


def _scans(data: bytes) -> dict[str, tuple]:
    """Each XML part's (cells so far, has a formula) by the quick byte search and by the
    streaming parser, or the search's "unsure"."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.filename.endswith((".xml", ".rels")):
                try:
                    quick = zipguard._quick_scan(archive, info, 0)
                except zipguard._Unsure:
                    quick = "unsure"
                out[info.filename] = (quick, zipguard._parsed_scan(archive, info, 0))
    return out


def test_the_quick_scan_counts_what_the_parser_counts(seed_text):
    scans = _scans(seed_workbook(seed_text))
    assert any(name.startswith("xl/worksheets/") for name in scans)
    for name, (quick, parsed) in scans.items():
        assert quick == parsed, name
    assert sum(cells for (cells, _), _p in scans.values()) > 1000


@pytest.mark.parametrize("prefix", [b"", b"x:"])
def test_a_million_rows_are_refused_whatever_the_namespace_prefix(prefix):
    def rows(sheet):
        row = b"<%brow><%bc><%bv>1</%bv></%bc></%brow>" % ((prefix,) * 6)
        for _ in range(30):
            sheet.write(row * 1_000)

    with pytest.raises(ImportRejected) as refused:
        read_sheets(workbook_streaming(rows))
    assert f"超过 {MAX_ROWS_PER_SHEET} 行" in str(refused.value)


def test_a_sheet_in_utf16_is_left_to_the_parser_and_still_refused():
    sheet = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>" + "<row><c><v>1</v></c></row>" * (MAX_ROWS_PER_SHEET + 1) + "</sheetData>"
        "</worksheet>"
    ).encode("utf-16")
    data = workbook_of_sheet(sheet)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        with pytest.raises(zipguard._Unsure):
            zipguard._quick_scan(archive, info, 0)
    with pytest.raises(ImportRejected) as refused:
        read_sheets(data)
    assert f"超过 {MAX_ROWS_PER_SHEET} 行" in str(refused.value)


def test_a_long_text_run_split_across_reads_is_left_to_the_parser():
    # 40,000 characters in one cell, written so that the 64 kB reads cut through it.
    def rows(sheet):
        sheet.write(b"<row>" + b"<c><v>1</v></c>" * 4_000 + b"</row>")
        sheet.write(b'<row><c t="inlineStr"><is><t>' + b"a" * 40_000 + b"</t></is></c></row>")

    data = workbook_streaming(rows)
    with zipfile.ZipFile(io.BytesIO(data)) as archive, pytest.raises(zipguard._Unsure):
        zipguard._quick_scan(archive, archive.getinfo("xl/worksheets/sheet1.xml"), 0)
    with pytest.raises(ImportRejected) as refused:
        read_sheets(data)
    assert "超过 32767 个字符" in str(refused.value)


def test_a_part_that_is_not_xml_is_named():
    data = workbook_streaming(lambda sheet: sheet.write(b"<row><c><v>1</v></c></row><<<>"))
    with pytest.raises(ImportRejected) as refused:
        read_sheets(data)
    assert "XLSX 文件已损坏：部件“xl/worksheets/sheet1.xml”无法读取" in str(refused.value)


def test_a_million_line_text_file_is_refused_before_rows_are_built():
    started = time.perf_counter()
    with pytest.raises(ImportRejected) as refused:
        read_sheets(b"1\t2\n" * 1_000_000)
    assert f"超过 {MAX_ROWS_PER_SHEET} 行" in str(refused.value)
    assert time.perf_counter() - started < 1


def test_an_entity_expansion_bomb_is_refused(signed_in):
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY a{i} "{("&a%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row><c t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData></worksheet>'
    ).encode()
    data = workbook_of_sheet(sheet)
    started = time.perf_counter()
    assert "含有 DTD（实体声明）" in refusal(signed_in, "laughs.xlsx", data)
    assert time.perf_counter() - started < 5


def test_a_cell_beyond_the_widest_table_is_refused_not_dropped(signed_in):
    line = "\t" * 250 + "99.00\n"
    message = refusal(signed_in, "wide.txt", ("收入决算表\n" + line).encode())
    assert "第 2 行第 IQ 列：“99.00” —— 超过 200 列" in message


def test_the_single_table_screen_applies_the_same_limits(client, seed_draft, preparer, settings):
    client.force_login(staff(preparer))
    before = counts()
    page = preview_table(client, seed_draft, "02", "02.csv", workbook_streaming(a_million_rows))
    errors = "\n".join(page.context["form"].errors["import_file"])
    assert f"超过 {MAX_ROWS_PER_SHEET} 行" in errors
    # A PDF (whatever its name) is read by the PDF reader, under its guard and budget.
    page = preview_table(client, seed_draft, "02", "02.xlsx", b"%PDF-1.4")
    assert "PDF 文件已损坏或加密" in "\n".join(page.context["form"].errors["import_file"])
    settings.PORTAL_PDF_MAX_PAGES = 5
    real = (_shared("real") / CAIZHENGJU).read_bytes()
    page = preview_table(client, seed_draft, "02", "决算.pdf", real)
    assert "超过 5 页的上限" in "\n".join(page.context["form"].errors["import_file"])
    settings.PORTAL_MAX_UPLOAD_BYTES = len(real) - 1
    page = preview_table(client, seed_draft, "02", "决算.pdf", real)
    assert "超过上限" in "\n".join(page.context["form"].errors["import_file"])
    assert counts() == before
    stored = settings.PORTAL_UPLOAD_DIR
    assert not stored.exists() or not any(stored.rglob("*.bin"))  # a refused file is not kept


def workbook_with_shared_string(text: str, uses: int) -> bytes:
    """A workbook whose one shared string `text` fills `uses` cells: small to upload, since
    the zip stores the string once and each cell is a reference to it."""
    content_types = CONTENT_TYPES.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = WORKBOOK_RELS.replace(
        b"</Relationships>",
        b'<Relationship Id="rId2" Target="sharedStrings.xml" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK_XML)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr(
            "xl/sharedStrings.xml",
            b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.'
            b'org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
            + text.encode()
            + b"</t></si></sst>",
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(SHEET_START)
            row = b"<row>" + b'<c t="s"><v>0</v></c>' * 40 + b"</row>"
            sheet.write(row * (uses // 40))
            sheet.write(SHEET_END)
    return out.getvalue()


def test_one_huge_shared_string_used_by_every_cell_is_refused_within_seconds(signed_in):
    # The probe's workbook: a 15 MB string used by 40,000 cells, about 150 kB to upload. Each
    # cell's text used to be cleaned in full, which kept a worker busy for three quarters of
    # an hour.
    data = workbook_with_shared_string("x " * 7_500_000, 40_000)  # 15 MB
    assert len(data) < 300_000
    started = time.perf_counter()
    message = refusal(signed_in, "shared.xlsx", data)
    assert "超过 32767 个字符" in message and "Excel 单元格的上限" in message
    assert time.perf_counter() - started < 5


def test_cells_within_excels_limit_still_count_towards_the_files_characters(signed_in):
    # Each cell is within Excel's 32,767 characters, but 40,000 of them are a gigabyte of
    # text to clean: the file's character budget stops it.
    data = workbook_with_shared_string("财" * 30_000, 40_000)
    started = time.perf_counter()
    message = refusal(signed_in, "shared.xlsx", data)
    assert "超过 4000000 个字符" in message
    assert time.perf_counter() - started < 5


def test_a_text_file_with_an_overlong_cell_is_refused_naming_the_cell():
    with pytest.raises(ImportRejected) as refused:
        read_sheets(("收入决算表\n项目\t" + "字" * 40_000 + "\n").encode())
    assert "第 2 行第 B 列" in str(refused.value)
    assert "40000 个字符，超过 32767 个字符的上限" in str(refused.value)


def test_too_many_cells_in_a_text_file_are_refused():
    line = "\t".join(["1"] * 199) + "\n"
    with pytest.raises(ImportRejected) as refused:
        read_sheets((line * 1100).encode())
    assert "单元格超过 200000 个" in str(refused.value)


# ------------------------------------------------------------------ PDFs (for the PDF reader)
def blank_pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_normal_pdf_passes_the_guard():
    pdf_guard(blank_pdf(40))


def test_a_pdf_with_too_many_pages_is_refused_naming_the_limit(settings):
    settings.PORTAL_PDF_MAX_PAGES = 30
    with pytest.raises(ImportRejected) as refused:
        pdf_guard(blank_pdf(31))
    assert "PDF 有 31 页，超过 30 页的上限" in str(refused.value)


def test_a_page_tree_that_declares_a_million_pages_is_refused():
    data = b"%PDF-1.7\n1 0 obj << /Type /Pages /Kids [] /Count 1000000 >> endobj\n%%EOF"
    with pytest.raises(ImportRejected) as refused:
        pdf_guard(data)
    assert "PDF 有 1000000 页" in str(refused.value)


def test_a_pdf_of_a_million_objects_is_refused_within_seconds():
    body = b"".join(b"%d 0 obj null endobj\n" % i for i in range(1, 300_001))  # 7 MB
    data = b"%PDF-1.7\n" + body + b"9 0 obj << /Type /ObjStm /N 900000 /First 1 >> endobj\n"
    started = time.perf_counter()
    with pytest.raises(ImportRejected) as refused:
        pdf_guard(data)
    assert "超过 200000 个的上限" in str(refused.value)
    assert time.perf_counter() - started < 5


def test_a_hostile_pdf_of_repeated_keys_is_scanned_and_refused_within_seconds():
    data = b"%PDF-1.7\n" + b"/Count 1 /N 1 " * 700_000  # 10 MB without a single ">"
    started = time.perf_counter()
    with pytest.raises(ImportRejected, match="700000 个对象"):
        pdf_guard(data)
    assert time.perf_counter() - started < 5


def test_the_pdf_readers_budget_stops_at_the_character_and_time_limits(settings):
    settings.PORTAL_PDF_MAX_CHARS = 1000
    budget = PdfBudget()
    budget.spend("页" * 1000)
    with pytest.raises(ImportRejected, match="超过 1000 个字符的上限"):
        budget.spend("页")
    settings.PORTAL_PDF_MAX_SECONDS = 0
    budget = PdfBudget()
    time.sleep(0.01)
    with pytest.raises(ImportRejected, match="超过 0 秒的上限"):
        budget.spend("")


def test_the_sheet_reader_leaves_pdfs_to_the_document_reader():
    # A workbook or a flat table is never a PDF; a whole document goes through
    # importing.reader, which reads PDFs with the guard and budget above.
    with pytest.raises(ImportRejected, match="这是 PDF 文件"):
        read_sheets(blank_pdf(1))
