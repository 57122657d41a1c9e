"""PDFs: built from the same rows as the web page, stored once, served as files."""

import io
import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from config.env import envchoice
from disclosure import pdf, selectors
from disclosure.layouts import get_layout
from tests.conftest import SEED_PATH
from tests.helpers import import_file

LAYOUT = get_layout("yunnan-2021")
DEPARTMENT = "玉溪市信访局"
RUNNING_TITLE = "玉溪市信访局 2021年度部门决算"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@dataclass
class Built:
    media: Path
    names: list[str]
    pages: list[str]  # the full PDF's text, page by page
    sizes: list[tuple[float, float]]  # its pages' width and height in points
    long_table: list[str]  # 公开02 with its rows repeated, spanning several pages

    def file(self, number: str | None = None) -> bytes:
        return (self.media / f"pdfs/2021/yuxi-xinfang/v1/{self.file_name(number)}").read_bytes()

    @staticmethod
    def file_name(number: str | None) -> str:
        return "full.pdf" if number is None else f"table-{number}.pdf"


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory) -> Built:
    """The seed's PDFs, built once for the module (a build takes seconds). The database
    work is rolled back; the files stay in a temporary media folder."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        disclosure = import_file(
            data=SEED_PATH.read_bytes(), department_code="yuxi-xinfang", year=2021, publish=True
        ).disclosure
        names = pdf.disclosure_pdf_build(disclosure=disclosure)
        views = selectors.disclosure_tables(disclosure)
        longer = [replace(v, rows=v.rows * 6) if v.number == "02" else v for v in views]
        long_table = pdf.html_to_pdf(pdf.disclosure_html(disclosure, views=longer, number="02"))
        transaction.set_rollback(True)
    full = (media / names[0]).read_bytes()
    reader = PdfReader(io.BytesIO(full))
    return Built(
        media=media,
        names=names,
        pages=[p.extract_text() for p in reader.pages],
        sizes=[(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages],
        long_table=page_texts(long_table),
    )


def first_page_with(built: Built, heading: str) -> int:
    """The 1-based number of the first page after the contents that prints `heading`."""
    wanted = squash(heading)
    return next(i for i, text in enumerate(built.pages, 1) if i > 2 and wanted in squash(text))


# ------------------------------------------------------------------ content
def test_the_full_pdf_names_every_table_of_the_layout(built):
    text = squash("".join(built.pages))
    for spec in LAYOUT.tables:
        assert squash(f"{spec.mark}{spec.title}") in text, spec.number


def test_the_full_pdf_prints_amounts_to_the_cent_with_thousands_separators(built):
    text = "".join(built.pages)
    for amount in [
        "9,733,858.45",  # 公开02 合计 本年收入合计
        "9,918,893.45",  # 公开03 合计 本年支出合计
        "185,000.00",  # 公开04 年初财政拨款结转和结余
        "5,076,765.99",  # 公开05 201 人员经费
        "577,492.37",  # 公开06 30226 劳务费
        "1,908,493.00",  # 公开06 公用经费合计, 公开09 机关运行经费
        "27,204.60",  # 公开09 "三公"经费 决算
        "200,000.00",  # 公开12 项目资金 年初预算数
    ]:
        assert amount in text, amount


def test_the_cover_names_the_department_and_the_year(built):
    cover = squash(built.pages[0])
    assert DEPARTMENT in cover and "2021年度部门决算" in cover and "第1版" in cover


def test_empty_tables_print_their_statement_and_missing_ones_say_so(built):
    assert "我单位今年不涉及。" in built.pages[first_page_with(built, "公开07表") - 1]
    assert "本表未提供。" in built.pages[first_page_with(built, "公开01表") - 1]


def test_the_narratives_the_glossary_and_the_charts_are_printed(built):
    text = squash("".join(built.pages))
    assert squash("2021年部门整体绩效自评评价等级为优") in text  # 公开10
    assert squash("机关运行经费行政单位和参照公务员法管理的事业单位") in text  # 名词解释
    assert "名词解释" in squash(built.pages[1])  # listed in the contents


# ------------------------------------------------------------------ fonts
def test_a_simplified_chinese_cjk_font_is_embedded(built, tmp_path):
    """Text extraction alone proves nothing: a PDF with missing glyphs still extracts."""
    if shutil.which("pdffonts") is None:
        pytest.fail("pdffonts is missing: run scripts/bootstrap --test (poppler-utils)")
    path = tmp_path / "full.pdf"
    path.write_bytes(built.file())
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    fonts = {line.split()[0].split("+")[-1]: line.split()[-5] for line in lines}
    assert fonts.get("Noto-Sans-CJK-SC") == "yes"  # the emb column
    assert all(emb == "yes" for emb in fonts.values()), fonts
    # No fallback to other CJK faces (Japanese, traditional) or to a Latin-only font.
    assert all("CJK-SC" in name for name in fonts), fonts


def test_weasyprint_subsets_fonts_with_harfbuzz():
    # Without libharfbuzz-subset0 WeasyPrint falls back to fontTools, several times slower
    # on CJK fonts (see docs/benchmarks.md); scripts/bootstrap installs it.
    from weasyprint.text import ffi

    assert ffi.harfbuzz_subset is not None


def test_every_font_carries_an_embedded_font_file(built):
    reader = PdfReader(io.BytesIO(built.file("05")))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "CJK" in str(font["/BaseFont"])
        assert {"/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]


# ------------------------------------------------------------------ page layout
def test_every_page_after_the_cover_has_the_running_header_and_page_footer(built):
    count = len(built.pages)
    assert "第 1 页" not in built.pages[0]  # the cover stays clean
    for number, text in enumerate(built.pages[1:], 2):
        assert RUNNING_TITLE in text, number
        assert f"第 {number} 页 共 {count} 页" in text, number


def test_the_contents_give_the_page_each_table_starts_on(built):
    contents = built.pages[1]
    for spec in LAYOUT.tables:
        found = re.search(rf"{spec.mark}.*?\.+\s*(\d+)", contents)
        assert found, spec.number
        page = int(found.group(1))
        assert squash(f"{spec.mark}{spec.title}") in squash(built.pages[page - 1]), spec.number


def test_wide_tables_are_printed_on_landscape_pages(built):
    for mark in ["公开02表", "公开04表", "公开05表", "公开06表", "公开11表"]:
        width, height = built.sizes[first_page_with(built, mark) - 1]
        assert width > height, mark
    width, height = built.sizes[first_page_with(built, "公开09表") - 1]  # six columns
    assert width < height


def test_a_table_spanning_pages_repeats_its_header_rows_on_every_page(built):
    pages = built.long_table
    assert len(pages) > 2
    for text in pages:
        header, _sep, body = text.partition("栏次 1 2 3 4 5 6 7 8")
        assert "支出功能分类科目编码" in header and "本年收入合计" in header
        assert re.search(r"\d{1,3}(,\d{3})*\.\d{2}", body)  # and rows below it


# ------------------------------------------------------------------ stored files
def test_per_table_pdfs_exist_for_every_table_of_the_layout(built):
    assert built.names == ["pdfs/2021/yuxi-xinfang/v1/full.pdf"] + [
        f"pdfs/2021/yuxi-xinfang/v1/table-{spec.number}.pdf" for spec in LAYOUT.tables
    ]
    for spec in LAYOUT.tables:
        text = squash("".join(page_texts(built.file(spec.number))))
        assert squash(f"{spec.mark}{spec.title}") in text, spec.number
        others = [t.mark for t in LAYOUT.tables if t.number != spec.number]
        assert not any(mark in text for mark in others), spec.number


def test_a_table_pdf_prints_the_same_amounts_as_the_full_pdf(built):
    text = "".join(page_texts(built.file("05")))
    assert "9,739,858.45" in text and "1,908,493.00" in text
    assert RUNNING_TITLE in text and "第 1 页 共 1 页" in text


# ------------------------------------------------------------------ downloads
@pytest.fixture
def stored(built, settings):
    settings.MEDIA_ROOT = built.media
    return built


def test_the_full_pdf_downloads_with_its_utf8_filename(client, seed_disclosure, stored):
    response = client.get(reverse("disclosure:pdf", args=[2021, "yuxi-xinfang"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''" + quote("玉溪市信访局2021年度部门决算.pdf")
    )
    assert b"".join(response.streaming_content) == stored.file()


def test_a_table_pdf_downloads_with_its_utf8_filename(client, seed_disclosure, stored):
    response = client.get(reverse("disclosure:table_pdf", args=[2021, "yuxi-xinfang", "05"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''" + quote("玉溪市信访局2021年度公开05表.pdf")
    )
    assert b"".join(response.streaming_content) == stored.file("05")


def test_a_drafts_pdfs_are_not_found(client, seed_draft, stored):
    assert client.get(reverse("disclosure:pdf", args=[2021, "yuxi-xinfang"])).status_code == 404
    url = reverse("disclosure:table_pdf", args=[2021, "yuxi-xinfang", "05"])
    assert client.get(url).status_code == 404


def test_a_table_the_layout_does_not_have_is_not_found(client, seed_disclosure, stored):
    url = reverse("disclosure:table_pdf", args=[2021, "yuxi-xinfang", "99"])
    assert client.get(url).status_code == 404


def test_a_pdf_not_built_yet_is_not_found_with_a_chinese_message(
    client, seed_disclosure, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    response = client.get(reverse("disclosure:pdf", args=[2021, "yuxi-xinfang"]))
    assert response.status_code == 404
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "PDF 尚未生成" in response.content.decode()


# ------------------------------------------------------------------ building
@pytest.fixture
def builds(monkeypatch) -> list[int]:
    """Records the builds instead of rendering (the rendering is tested above)."""
    calls: list[int] = []
    monkeypatch.setattr(
        pdf, "disclosure_pdf_build", lambda *, disclosure: calls.append(disclosure.pk) or []
    )
    return calls


@pytest.mark.django_db
def test_publishing_builds_the_pdfs_once_the_transaction_commits(
    seed_bytes, builds, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks() as callbacks:
        disclosure = import_file(
            data=seed_bytes, department_code="yuxi-xinfang", year=2021, publish=True
        ).disclosure
        assert builds == []  # nothing before the commit
    assert len(callbacks) == 2  # the PDF build, then the public pages renewed
    for callback in callbacks:
        callback()
    assert builds == [disclosure.pk]


@pytest.mark.django_db
def test_importing_a_draft_builds_nothing(seed_bytes, builds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_file(data=seed_bytes, department_code="yuxi-xinfang", year=2021)
    assert builds == []


@pytest.mark.django_db
@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_a_worker_builds_the_pdfs(
    seed_bytes, builds, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE
    with django_capture_on_commit_callbacks(execute=True):
        disclosure = import_file(
            data=seed_bytes, department_code="yuxi-xinfang", year=2021, publish=True
        ).disclosure
    assert builds == []  # queued, not run by the web process
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert builds == [disclosure.pk]


def test_the_task_backend_setting_accepts_only_known_backends(monkeypatch):
    monkeypatch.setenv("PORTAL_TASKS_BACKEND", "celery")
    with pytest.raises(ImproperlyConfigured):
        envchoice("PORTAL_TASKS_BACKEND", ("immediate", "database"), "immediate")
    monkeypatch.delenv("PORTAL_TASKS_BACKEND")
    assert envchoice("PORTAL_TASKS_BACKEND", ("immediate", "database"), "immediate") == (
        "immediate"
    )


def test_rebuild_pdfs_rebuilds_the_published_disclosures_asked_for(seed_disclosure, monkeypatch):
    calls = []
    monkeypatch.setattr(
        pdf, "disclosure_pdf_build", lambda *, disclosure: calls.append(disclosure) or ["x"]
    )
    call_command("rebuild_pdfs", "--department", "yuxi-xinfang", "--year", "2021", verbosity=0)
    assert calls == [seed_disclosure]
    with pytest.raises(CommandError):
        call_command("rebuild_pdfs", "--year", "2020", verbosity=0)
    assert calls == [seed_disclosure]


# ------------------------------------------------------------------ hostile names
HOSTILE_NAME = '信访局"; } </style><h1>伪造标题</h1><style> \\\r\f'


def test_a_hostile_department_name_cannot_rewrite_the_pdf_or_break_its_header(db, seed_bytes):
    disclosure = import_file(
        data=seed_bytes,
        department_code="hostile",
        department_name=HOSTILE_NAME,
        year=2021,
        publish=True,
    ).disclosure
    html = pdf.disclosure_html(disclosure, number="02")
    style = html[html.index("<style>") : html.index("</style>") + len("</style>")]
    assert "<h1>" not in style and "\r" not in style and "\f" not in style
    assert html.count("</style>") == 1
    pages = page_texts(pdf.html_to_pdf(html))
    assert "伪造标题" not in squash(pages[0]).replace(squash(HOSTILE_NAME), "")  # no <h1>
    # The running header prints the name as text, quotes and tags included.
    header = squash('信访局"; } </style><h1>伪造标题</h1><style> \\ 2021年度部门决算')
    assert all(header in squash(text) for text in pages), pages[0]


def test_css_string_escapes_everything_that_could_end_the_string_or_the_style():
    assert pdf.css_string("玉溪 A1") == '"玉溪 A1"'
    assert pdf.css_string('a"b\\c</style>\r\n\f\x00') == (
        '"a\\000022b\\00005cc\\00003c\\00002fstyle\\00003e"'
    )
