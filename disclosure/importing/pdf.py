"""Reading a published PDF (a text PDF, as departments publish them) into the parser's grids.

pdfplumber finds each page's ruled tables; every table row becomes a `Row` of cell texts
with the cells' boxes, every line of text outside the tables a one-cell `Row`, all in reading
order. The pages of the tables part (第二部分) make one sheet, so a table continued on the
next page — no title, sometimes no header — simply goes on. The parts before and after (概况,
第三部分 情况说明, 第四部分 名词解释) are read as text sections; the cover and the 目录 before
第一部分 as two texts of their own, headed 封面 and 目录.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from disclosure.content import ParsedNarrative
from disclosure.importing.errors import ImportRejected
from disclosure.importing.sources import PdfBudget, Row, Sheet, pdf_guard
from disclosure.layouts import squash
from disclosure.money import clean_text

MAX_OBJECTS_PER_PAGE = 200_000
PAGE_NUMBER_RE = re.compile(r"^[-—–－\s]*\d{1,3}[-—–－\s]*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$")
PART_RE = re.compile(r"^第\s*([一二三四五六七八九十])\s*部分")
SECTION_RE = re.compile(r"^[一二三四五六七八九十]{1,3}、")
# The headings the cover's and the 目录's texts are stored under: the layouts declare
# sections so headed (`shown = false`), so the wording rules read them and no page lists them.
COVER, CONTENTS = "封面", "目录"
PARAGRAPH_RE = re.compile(
    r"^([一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．])"
)


@dataclass
class PdfDocument:
    sheet: Sheet  # the tables part, every page in one sheet
    narratives: list[ParsedNarrative] = field(default_factory=list)
    pages: int = 0


def _cell(text: str | None) -> str:
    # A cell's text wraps inside its box; the line breaks are the printer's, not the author's.
    return _cjk_spacing(clean_text((text or "").replace("\n", "")))


def _page_rows(page, number: int) -> list[Row]:
    if len(page.objects.get("char", ())) > MAX_OBJECTS_PER_PAGE:
        raise ImportRejected.single(f"PDF 第 {number} 页的内容过多，无法读取。")
    tables = page.find_tables()
    items: list[tuple[float, float, list[str], list | None]] = []
    for table in tables:
        texts = table.extract()
        for row, cells in zip(table.rows, texts, strict=True):
            boxes = [tuple(c) if c else None for c in row.cells]
            items.append((row.bbox[1], row.bbox[0], [_cell(c) for c in cells], boxes))
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    for top, x0, text in _text_lines(page.filter(outside)):
        if text and not PAGE_NUMBER_RE.match(text):
            items.append((top, x0, [text], None))
    items.sort(key=lambda item: (round(item[0], 1), item[1]))
    return [
        Row(index, cells, page=number, boxes=cell_boxes)
        for index, (_top, _x, cells, cell_boxes) in enumerate(items, 1)
    ]


def _text_lines(page) -> list[tuple[float, float, str]]:
    """Lines of text in reading order. A word belongs to a line when its middle lies within
    the line's height: some documents set digits in another font on a lower baseline, and
    reading by a fixed tolerance would put "2024" on a line of its own."""
    words = sorted(
        page.extract_words(keep_blank_chars=True, x_tolerance=1.5, y_tolerance=1),
        key=lambda w: (w["top"], w["x0"]),
    )
    lines: list[dict] = []
    for word in words:
        middle = (word["top"] + word["bottom"]) / 2
        line = next((ln for ln in lines if ln["top"] <= middle <= ln["bottom"]), None)
        if line is None:
            lines.append({"top": word["top"], "bottom": word["bottom"], "words": [word]})
        else:
            line["words"].append(word)
            line["top"] = min(line["top"], word["top"])
            line["bottom"] = max(line["bottom"], word["bottom"])
    result = []
    for line in lines:
        parts, last = [], None
        for word in sorted(line["words"], key=lambda w: w["x0"]):
            size = word["bottom"] - word["top"]
            if last is not None and word["x0"] - last["x1"] > size * 0.9:
                parts.append(" ")
            parts.append(word["text"])
            last = word
        text = _cjk_spacing(clean_text("".join(parts)))
        result.append((line["top"], min(w["x0"] for w in line["words"]), text))
    return result


_CJK = "\u3400-\u9fff\uff00-\uffef“”（）、，。：；"
_CJK_GAP_RE = re.compile(f"(?<=[{_CJK}]) +(?=[{_CJK}])")


def _cjk_spacing(text: str) -> str:
    """Spaces between Chinese characters are the typesetter's letter spacing, not text."""
    return _CJK_GAP_RE.sub("", text)


def read_pdf(data: bytes, titles: set[str], *, require_tables: bool = True) -> PdfDocument:
    """The document's tables part as one sheet, and its text parts as sections.

    `titles` are the tables' titles (squashed) of every known layout: the tables part starts
    at the first line that is one of them on its own (the 目录 numbers its entries, so it
    does not match), and ends at the next 第N部分 heading. A document without any title is
    refused, unless `require_tables` is off: then its tables part is empty (the single-table
    import says which table it looked for)."""
    import pdfplumber  # imported here: only PDFs need it

    from disclosure.importing.parser import title_key

    pdf_guard(data)  # size, pages and objects, from the bytes, before any parsing
    budget = PdfBudget()  # characters and seconds, spent page by page
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception:  # pdfminer raises many kinds for a broken or encrypted file
        raise ImportRejected.single("PDF 文件已损坏或加密，无法读取。") from None
    pages = []
    with pdf:
        for number, page in enumerate(pdf.pages, 1):
            rows = _page_rows(page, number)
            budget.spend("".join(cell for row in rows for cell in row.cells))
            pages.append(rows)
    rows = [row for page in pages for row in page]
    if not any(row.cells for row in rows if any(row.cells)):
        raise ImportRejected.single(
            "这份 PDF 没有文字层（可能是扫描件或图片），无法读出其中的数字；"
            "请上传部门导出的文字版 PDF，或 XLSX、CSV 文件。"
        )
    start = next(
        (
            i
            for i, row in enumerate(rows)
            if len(row.filled) == 1 and title_key(row.cells[0]) in titles
        ),
        None,
    )
    if start is None and not require_tables:
        return PdfDocument(sheet=Sheet("", []), pages=len(pages))
    if start is None:
        raise ImportRejected.single("PDF 中找不到任何决算表的表名：这不像一份部门决算公开文件。")
    end = next(
        (
            i
            for i in range(start, len(rows))
            if len(rows[i].filled) == 1 and PART_RE.match(rows[i].cells[0])
        ),
        len(rows),
    )
    # 第二部分's own heading sits just before the first title: it starts the tables part.
    while (
        start > 0
        and len(rows[start - 1].filled) == 1
        and not PART_RE.match(rows[start - 1].cells[0])
    ):
        if title_key(rows[start - 1].cells[0]) in titles:
            break
        start -= 1
        if rows[start].page != rows[start + 1].page:
            start += 1
            break
    before = _first_part(rows[:start])
    return PdfDocument(
        sheet=Sheet("", rows[start:end]),
        narratives=_front_pages(rows[:start]) + _sections(before) + _sections(rows[end:]),
        pages=len(pages),
    )


def _runs_on(line: str) -> bool:
    """Whether the next printed line continues this one: it filled the measure and did not
    end a sentence."""
    return len(line) >= 24 and "\t" not in line and not line.endswith(("。", "：", "；"))


def _first_part_at(rows: list[Row]) -> int | None:
    """Where the 概况 part starts: its last "第一部分" heading (the 目录 names it first)."""
    first = [
        i
        for i, row in enumerate(rows)
        if len(row.filled) == 1 and (m := PART_RE.match(row.cells[0])) and m.group(1) == "一"
    ]
    return first[-1] if first else None


def _first_part(rows: list[Row]) -> list[Row]:
    """The 概况 part: from its heading to the next part's heading."""
    start = _first_part_at(rows)
    if start is None:
        return []
    end = next(
        (
            i
            for i in range(start + 1, len(rows))
            if len(rows[i].filled) == 1 and PART_RE.match(rows[i].cells[0])
        ),
        len(rows),
    )
    return rows[start:end]


def _front_pages(rows: list[Row]) -> list[ParsedNarrative]:
    """The cover and the 目录 as printed, stored as two texts under their own headings: the
    lines before the 目录's heading, and its entries up to the 概况 part."""
    start = _first_part_at(rows)
    front = rows[: len(rows) if start is None else start]
    at = next(
        (
            i
            for i, row in enumerate(front)
            if len(row.filled) == 1 and squash(row.cells[0]) == "目录"
        ),
        None,
    )
    pages = [
        (COVER, front if at is None else front[:at]),
        (CONTENTS, front[at + 1 :] if at is not None else []),
    ]
    found = []
    for heading, lines in pages:
        body = "\n".join("\t".join(c for _i, c in row.filled) for row in lines if row.filled)
        if body:
            found.append(ParsedNarrative("", heading, "", body))
    return found


def _sections(rows: list[Row]) -> list[ParsedNarrative]:
    """Text in reading order, cut at 第N部分 headings and 一、二、… sections. A table inside
    the text (部门决算单位构成) is kept as tab-separated lines; a line the typesetter wrapped
    continues its paragraph."""
    sections: list[ParsedNarrative] = []
    heading, subheading, body = "", "", []
    last_line = ""

    def flush() -> None:
        if subheading or body:
            sections.append(ParsedNarrative("", heading, subheading, "\n".join(body)))

    for row in rows:
        if len(row.filled) > 1:
            body.append("\t".join(row.cells))
            continue
        text = row.cells[0] if row.cells else ""
        if not text.strip():
            continue
        if PART_RE.match(text):
            flush()
            heading, subheading, body = text, "", []
        elif SECTION_RE.match(text) and len(text) <= 40 and "：" not in text:
            flush()
            subheading, body = text, []
        elif body and not PARAGRAPH_RE.match(text) and _runs_on(last_line):
            body[-1] += text
        elif not subheading and not body and heading and len(text) <= 8:
            heading += text  # a part's heading wrapped onto a second line
        else:
            body.append(text)
        last_line = text
    flush()
    return sections


# ---------------------------------------------------------------- page regions
Box = tuple[float, float, float, float]  # x0, top, x1, bottom, in points
REGION_MARGIN = 6.0  # points around a table's grid, so its ruling shows whole
REGION_RESOLUTION = 110  # dpi at most: the printed 9–10.5 pt text stays legible
REGION_MAX_PIXELS = (1400, 1800)  # width, height: a whole A4 page at 110 dpi fits
REGION_MAX_IMAGES = 40


def page_regions(rows: list[Row], regions: dict[int, Box] | None = None) -> dict[int, Box]:
    """Each page → the box around the cells of `rows` printed on it (the rows a table was
    read from; rows without boxes are text lines and a workbook's rows have none)."""
    regions = dict(regions or {})
    for row in rows:
        for box in row.boxes or ():
            if row.page is None or box is None:
                continue
            old = regions.get(row.page)
            regions[row.page] = (
                box
                if old is None
                else (
                    min(old[0], box[0]),
                    min(old[1], box[1]),
                    max(old[2], box[2]),
                    max(old[3], box[3]),
                )
            )
    return dict(sorted(regions.items()))


@dataclass(frozen=True)
class RegionImage:
    page: int
    box: Box  # the crop, in points
    png: bytes
    width: int
    height: int


def render_regions(data: bytes, wanted: list[tuple[int, Box]]) -> list[RegionImage | None]:
    """The page regions (page, box) of the PDF `data` as PNG images, in the order asked.

    Bounded as reading is: the same guard on the bytes, the same time budget, at most
    REGION_MAX_IMAGES images, each scaled down to fit REGION_MAX_PIXELS. One entry per
    region asked: None past the cap, for a page not in the file or a box outside its page."""
    import pdfplumber

    pdf_guard(data)
    budget = PdfBudget()
    images: list[RegionImage | None] = [None] * len(wanted)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for at, (number, (x0, top, x1, bottom)) in enumerate(wanted[:REGION_MAX_IMAGES]):
            if not 1 <= number <= len(pdf.pages):
                continue
            page = pdf.pages[number - 1]
            box = (
                max(x0 - REGION_MARGIN, 0),
                max(top - REGION_MARGIN, 0),
                min(x1 + REGION_MARGIN, float(page.width)),
                min(bottom + REGION_MARGIN, float(page.height)),
            )
            if box[2] <= box[0] or box[3] <= box[1]:
                continue
            scale = min(
                REGION_RESOLUTION / 72,
                REGION_MAX_PIXELS[0] / (box[2] - box[0]),
                REGION_MAX_PIXELS[1] / (box[3] - box[1]),
            )
            image = page.crop(box).to_image(resolution=max(int(scale * 72), 1)).original
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
            images[at] = RegionImage(number, box, out.getvalue(), *image.size)
            budget.spend()
    return images
