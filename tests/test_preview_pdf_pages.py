"""The preview of a published PDF lays each table's page regions, drawn from the upload,
beside the grid read from them, so the preparer compares before anything is stored; a
workbook's preview has no page images; nobody without the import screen sees them."""

from __future__ import annotations

import base64
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from disclosure.importing.parser import title_key
from disclosure.importing.pdf import (
    REGION_MARGIN,
    REGION_MAX_PIXELS,
    REGION_RESOLUTION,
    page_regions,
    read_pdf,
)
from disclosure.importing.reader import read_document
from disclosure.layouts import all_layouts
from tests.test_admin_imports import CONFIRM, WORKBOOK, counts, staff
from tests.test_import_pdf import CAIZHENGJU, _shared

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_directory(settings, tmp_path):
    settings.PORTAL_UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture(scope="module")
def caizhengju() -> bytes:
    return (_shared("real") / CAIZHENGJU).read_bytes()


def preview_pdf(client, data: bytes):
    return client.post(
        WORKBOOK,
        {
            "year": 2024,
            "layout": "national-2024",
            "file": SimpleUploadedFile("决算.pdf", data),
        },
    )


def decoded(uri: str) -> Image.Image:
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    image.load()
    assert image.format == "PNG"
    return image


def test_a_pdf_preview_shows_each_tables_page_regions_beside_the_grid(client, preparer, caizhengju):
    client.force_login(staff(preparer))
    before = counts()
    page = client.post(
        WORKBOOK,
        {
            "year": 2024,
            "layout": "national-2024",
            "file": SimpleUploadedFile("决算.pdf", caizhengju),
        },
    )
    assert page.status_code == 200, page.content.decode()[:2000]
    tables = {t.number: t for t in page.context["preview"].tables}
    # The pages each table is printed on in the 财政局 document (its 目录 and the pages).
    assert {n: [i.page for i in t.pages] for n, t in tables.items() if t.pages} == {
        "01": [6, 7],
        "02": [8, 9],
        "03": [10, 11],
        "04": [12, 13, 14],
        "05": [15],
        "06": [16, 17],
        "07": [18],
        "08": [19],
        "09": [20],
    }
    html = page.content.decode()
    uris = re.findall(r'<img src="(data:image/png;base64,[^"]+)"[^>]*data-page="(\d+)"', html)
    assert len(uris) == 15
    for uri, number in uris:
        image = decoded(uri)
        shown = next(i for t in tables.values() for i in t.pages if i.page == int(number))
        assert image.size == (shown.width, shown.height)
        assert image.size[0] <= REGION_MAX_PIXELS[0] and image.size[1] <= REGION_MAX_PIXELS[1]
        # Drawn at the capped resolution: the pixels are the crop box's points scaled.
        x0, top, x1, bottom = shown.box
        assert abs(image.size[0] - (x1 - x0) * REGION_RESOLUTION / 72) <= 2
        assert abs(image.size[1] - (bottom - top) * REGION_RESOLUTION / 72) <= 2
        assert f"原件第 {number} 页" in html
    # The grid read is laid beside the regions: 公开01's and 公开04's 总计 as printed.
    assert 'id="pdf-01"' in html and "2,961.68" in html
    assert ["总计", "2,995.39", "总计", "2,995.39"] in tables["01"].grid.rows
    # An empty table still shows where it is printed; its grid holds no amount.
    assert tables["08"].pages and not any(c for r in tables["08"].grid.rows for c in r[2:])
    assert counts() == before  # nothing stored by the preview


def test_the_crop_box_is_the_box_around_the_tables_rows_on_each_page(client, preparer, caizhengju):
    """The region drawn is the box around the cells of the rows the table was read from,
    on that page, with a small margin; recomputed here from the reader's own rows."""
    client.force_login(staff(preparer))
    page = preview_pdf(client, caizhengju)
    shown = {t.number: t.pages for t in page.context["preview"].tables}
    titles = {title_key(t.title) for layout in all_layouts().values() for t in layout.tables}
    sheet = read_pdf(caizhengju, titles).sheet
    # 公开05 is the only table on page 15: every ruled row of that page is its own.
    rows = [r for r in sheet.rows if r.page == 15 and r.boxes]
    (x0, top, x1, bottom) = page_regions(rows)[15]
    assert [i.box for i in shown["05"]] == [
        pytest.approx(
            (x0 - REGION_MARGIN, top - REGION_MARGIN, x1 + REGION_MARGIN, bottom + REGION_MARGIN)
        )
    ]
    # 公开04 goes on to page 14 for its last rows only: a short band at the top.
    last = shown["04"][-1]
    assert last.page == 14 and last.box[3] - last.box[1] < 40 and last.height < 80
    # Every amount's provenance (page and box) lies inside its table's region on that page.
    regions = {(n, i.page): i.box for n, images in shown.items() for i in images}
    checked = 0
    for number, table in read_document(caizhengju).tables.items():
        for row in table.rows:
            for where in row.sources.values():
                m = re.match(r"第 (\d+) 页.*\[(-?\d+),(-?\d+),(-?\d+),(-?\d+)\]$", where)
                page_no, *box = map(int, m.groups())
                rx0, rtop, rx1, rbottom = regions[(number, page_no)]
                assert (
                    rx0 <= box[0] and box[2] <= rx1 + 1 and rtop <= box[1] and box[3] <= rbottom + 1
                )
                checked += 1
    assert checked >= 195


def test_a_workbook_preview_shows_no_page_images(client, preparer, seed_bytes):
    client.force_login(staff(preparer))
    page = client.post(
        WORKBOOK,
        {"year": 2021, "layout": "yunnan-2021", "file": SimpleUploadedFile("seed.txt", seed_bytes)},
    )
    assert page.status_code == 200
    assert not any(t.pages for t in page.context["preview"].tables)
    html = page.content.decode()
    assert "<img" not in html and "data:image/png" not in html and "原件第" not in html


def test_nobody_without_the_import_screen_gets_the_page_images(
    client, preparer, reviewer, other_preparer, caizhengju
):
    # A reviewer may not import numbers: the upload is refused before any reading.
    client.force_login(staff(reviewer))
    response = preview_pdf(client, caizhengju)
    assert response.status_code == 403 and b"data:image/png" not in response.content
    # A preparer outside the admin is sent to log in.
    client.force_login(preparer)
    response = preview_pdf(client, caizhengju)
    assert response.status_code == 302 and b"data:image/png" not in response.content
    # The images live in the preview page only: the confirmation never shows them, and
    # another preparer's token opens nothing.
    client.force_login(staff(preparer))
    token = preview_pdf(client, caizhengju).context["token"]
    client.force_login(staff(other_preparer))
    response = client.post(CONFIRM, {"token": token})
    assert response.status_code == 302 and response["Location"] == WORKBOOK


def test_the_drawing_is_bounded_in_pixels_and_count(caizhengju, monkeypatch):
    from disclosure.importing import pdf

    monkeypatch.setattr(pdf, "REGION_MAX_PIXELS", (300, 200))
    monkeypatch.setattr(pdf, "REGION_MAX_IMAGES", 3)
    whole = (0.0, 0.0, 2000.0, 2000.0)  # beyond the page: cut to the page itself
    images = pdf.render_regions(caizhengju, [(16, whole), (99, whole), (8, whole), (9, whole)])
    assert images[1] is None and images[3] is None  # no page 99; past the cap of 3
    for image in (images[0], images[2]):
        drawn = Image.open(io.BytesIO(image.png))
        assert drawn.size == (image.width, image.height)
        assert image.width <= 300 and image.height <= 200 and max(drawn.size) >= 199
    assert images[0].box[2] < 2000 and images[0].box[3] < 2000
