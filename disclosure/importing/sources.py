"""Reading an uploaded file into sheets of text cells, whatever its format.

A text file (the published document copied out, tab-separated), a CSV file and an XLSX
workbook all become `Sheet`s of rows of stripped strings, so one parser reads them all.
The format is recognised by content, never by the file's name.

Every limit is checked before the expensive step it protects, so a hostile or broken file
is refused quickly and in bounded memory: the size first (`PORTAL_MAX_UPLOAD_BYTES`), then
for a workbook its zip, directory and parts (`zipguard`), then rows and columns while they
stream out of openpyxl's read-only reader.
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings

from disclosure.importing.errors import ImportRejected, Location
from disclosure.importing.numformat import excel_display
from disclosure.money import clean_text, excel_cell_text

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc, or an encrypted .xlsx
PDF_MAGIC = b"%PDF"
OTHER_BINARIES = (
    (b"\x1f\x8b", "gzip 压缩文件"),
    (b"Rar!", "RAR 压缩文件"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩文件"),
    (b"{\\rtf", "RTF 文档"),
)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
MARKUP_STARTS = ("<html", "<!doctype", "<?xml", "<table", "<head", "<body")

MAX_SHEETS = 64
MAX_ROWS_PER_SHEET = 20_000
MAX_ROWS_TOTAL = 60_000
MAX_COLUMNS = 200
MAX_CELLS = 200_000  # in the whole file; a department's workbook has a few tens of thousands
# Excel's own limit for one cell; a 说明 paragraph is a few thousand characters.
MAX_CELL_CHARS = 32_767
# Every cell's text added up, shared strings counted once per cell that uses them: a
# department's workbook has a few hundred thousand characters. Bounds the cleaning work
# whatever the file's shape (one long string used by every cell costs its length per cell).
MAX_TOTAL_CHARS = 4_000_000


@dataclass
class Row:
    number: int  # 1-based line (text) or row (sheet) number; in a PDF, the row on its page
    cells: list[str]
    page: int | None = None  # a PDF's page
    boxes: list | None = None  # a PDF's cell boxes (x0, top, x1, bottom) in points
    # A workbook's numbers and dates with their cells' number formats (cell index → value,
    # format): `displayed()` shows them as Excel does ("200,000.00", "95.00%") for the
    # text tables; the amount tables read the plain number in `cells`.
    formats: dict[int, tuple] | None = None

    def cell(self, index: int) -> str:
        return self.cells[index] if 0 <= index < len(self.cells) else ""

    def box(self, index: int) -> str:
        if not self.boxes or not 0 <= index < len(self.boxes) or self.boxes[index] is None:
            return ""
        return "[" + ",".join(f"{v:.0f}" for v in self.boxes[index]) + "]"

    def displayed(self) -> Row:
        """The row as Excel displays it: numbers and dates in their number formats."""
        if not self.formats:
            return self
        cells = list(self.cells)
        for index, (value, number_format) in self.formats.items():
            shown = excel_display(value, number_format)
            if shown is not None and index < len(cells):
                cells[index] = clean_text(shown)
        return Row(self.number, cells, page=self.page, boxes=self.boxes)

    @cached_property
    def filled(self) -> list[tuple[int, str]]:
        """The non-blank cells with their indexes (worked out once: a row's cells are not
        changed after it is read)."""
        return [(i, c) for i, c in enumerate(self.cells) if c]

    @property
    def is_blank(self) -> bool:
        return not any(self.cells)


@dataclass
class Sheet:
    name: str  # "" for a text file: problems then name the line only
    rows: list[Row]


def _megabytes(size: int) -> str:
    """A size as a reader says it: "10 MB", "1.5 MB", "61 KB"."""
    if size < 2**20:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 2**20:.1f}".removesuffix(".0") + " MB"


def check_size(size: int) -> None:
    """Refuse a file larger than the setting `PORTAL_MAX_UPLOAD_BYTES`."""
    limit = settings.PORTAL_MAX_UPLOAD_BYTES
    if size > limit:
        raise ImportRejected.single(
            f"文件大小 {_megabytes(size)}，超过上限 {_megabytes(limit)}；"
            "一份部门决算公开表通常不到 1 MB，请检查是否选错了文件。"
        )


def detect_format(data: bytes) -> str:
    """ "xlsx" or "text", judged by the bytes; anything else is refused with its name."""
    if not data or not data.strip():
        raise ImportRejected.single("文件是空的。")
    if data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        raise ImportRejected.single(
            "这是旧版 Excel（.xls）、Word 文件或加密的工作簿；请另存为不加密的 .xlsx 后上传。"
        )
    if data.startswith(PDF_MAGIC):
        raise ImportRejected.single("这是 PDF 文件；请上传 XLSX、CSV 或制表符分隔的文本文件。")
    for magic, name in OTHER_BINARIES:
        if data.startswith(magic):
            raise ImportRejected.single(
                f"这是{name}，不是 XLSX、CSV 或文本文件；请上传表格文件本身。"
            )
    if data.startswith(UTF16_BOMS):
        return "text"  # Excel's "Unicode 文本" is UTF-16 with a byte-order mark
    if b"\x00" in data[:4096]:
        raise ImportRejected.single("无法识别的文件类型：只接受 XLSX、CSV 或文本文件。")
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(tuple(s.encode() for s in MARKUP_STARTS)):
        raise ImportRejected.single(
            "这是网页（HTML）或 XML 文件（有的系统导出的“.xls”其实是网页）；"
            "请在 Excel 中打开后另存为 .xlsx 再上传。"
        )
    return "text"


def _decode(data: bytes) -> str:
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportRejected.single("UTF-16 文本文件已损坏，无法读取。") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # detect_format looks at the first 4 kB only; a NUL anywhere means the file is not
        # text (and PostgreSQL would refuse to store it).
        if "\x00" in text:
            raise ImportRejected.single(
                "文件中含有空字符（NUL），不是文本文件：只接受 XLSX、CSV 或文本文件。"
            )
        return text
    raise ImportRejected.single("无法识别文本编码：请以 UTF-8 或 GB18030 保存。")


def _too_many_rows(sheet: str) -> ImportRejected:
    where = f"工作表“{sheet}”" if sheet else "文件"
    return ImportRejected.single(
        f"{where}超过 {MAX_ROWS_PER_SHEET} 行，不是一份部门决算公开表；已停止读取。"
    )


def _check_width(cells: list[str], sheet: str, number: int) -> list[str]:
    """Cells within MAX_COLUMNS; a filled cell beyond it is refused, never dropped."""
    for index in range(MAX_COLUMNS, len(cells)):
        if cells[index]:
            raise ImportRejected.single(
                f"超过 {MAX_COLUMNS} 列：表式中没有这么宽的表",
                location=Location(sheet, number, index),
                value=cells[index][:40],
            )
    return cells[:MAX_COLUMNS]


def _limited(rows: Iterable[list[str]], sheet: str) -> Iterator[Row]:
    for number, cells in enumerate(rows, 1):
        if number > MAX_ROWS_PER_SHEET:
            raise _too_many_rows(sheet)
        yield Row(number, _check_width(cells, sheet, number))


def _cell_too_long(length: int, location: Location | None = None) -> ImportRejected:
    return ImportRejected.single(
        f"单元格有 {length} 个字符，超过 {MAX_CELL_CHARS} 个字符的上限（Excel 单元格的上限）；"
        "已停止读取。",
        location=location or Location(),
    )


def _too_many_chars() -> ImportRejected:
    return ImportRejected.single(
        f"文件的文字共超过 {MAX_TOTAL_CHARS} 个字符，不是一份部门决算公开表；已停止读取。"
    )


def _too_many_cells() -> ImportRejected:
    return ImportRejected.single(
        f"文件的单元格超过 {MAX_CELLS} 个，不是一份部门决算公开表；已停止读取。"
    )


class _Budget:
    """The cells and characters a file may still use; each raw cell is charged before it is
    cleaned, so the cleaning work is bounded by MAX_TOTAL_CHARS whatever the file's shape."""

    def __init__(self) -> None:
        self.cells = 0
        self.chars = 0

    def charge(self, raw: str, sheet: str, row: int, column: int) -> str:
        length = len(raw)
        if length > MAX_CELL_CHARS:
            raise _cell_too_long(length, Location(sheet, row, column))
        self.cells += 1
        self.chars += length
        if self.cells > MAX_CELLS:
            raise _too_many_cells()
        if self.chars > MAX_TOTAL_CHARS:
            raise _too_many_chars()
        return raw


def read_text(data: bytes) -> list[Sheet]:
    text = _decode(data)
    # Counting line breaks is cheap; a file of blank lines is refused before any row exists.
    if text.count("\n") > MAX_ROWS_PER_SHEET:
        raise _too_many_rows("")
    if len(text) > MAX_TOTAL_CHARS:
        raise _too_many_chars()
    lines = text.splitlines()
    # Tab-separated is what a copy out of the published document gives; without any tab,
    # the file is read as CSV (amounts with thousands separators are then quoted).
    if any("\t" in line for line in lines):
        cells: Iterable[list[str]] = (line.split("\t") for line in lines)
    elif _semicolon_separated(lines):
        raise ImportRejected.single(
            "这是以分号（;）分隔的 CSV 文件；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”"
            "或制表符分隔的文本后再上传。"
        )
    else:
        cells = csv.reader(io.StringIO(text))
    budget = _Budget()
    cleaned = (
        [clean_text(budget.charge(c, "", number, i)) for i, c in enumerate(row)]
        for number, row in enumerate(cells, 1)
    )
    try:
        rows = list(_limited(cleaned, ""))
    except csv.Error as exc:
        raise ImportRejected.single(f"CSV 格式错误：{exc}") from None
    return [Sheet("", rows)]


def _semicolon_separated(lines: list[str]) -> bool:
    """A CSV written with semicolons (as Excel does in some locales): most lines with a
    semicolon and no comma outside the amounts."""
    sample = [line for line in lines[:50] if line.strip()]
    with_semicolons = [line for line in sample if line.count(";") >= 1]
    return (
        bool(sample)
        and len(with_semicolons) * 2 > len(sample)
        and not any(
            "," in line.replace(";", "").split('"')[0] and ";" not in line for line in sample
        )
    )


def read_xlsx(data: bytes) -> list[Sheet]:
    import openpyxl  # imported here: only workbooks need it

    from disclosure.importing.zipguard import scan_parts, unreadable, zip_problem

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            problem = zip_problem(archive) or scan_parts(archive)
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise ImportRejected.single("XLSX 文件已损坏或不完整（无法解压）。") from None
    if problem:
        raise ImportRejected.single(problem)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportRejected.single(unreadable(data, exc)) from None
    sheets = []
    total = 0
    budget = _Budget()
    try:
        if len(book.worksheets) > MAX_SHEETS:
            raise ImportRejected.single(f"工作簿有 {len(book.worksheets)} 张工作表，超过上限。")
        for ws in book.worksheets:
            # The stored dimension can claim a million rows or 16,384 columns and would make
            # openpyxl pad every row to it: read the cells that exist instead.
            ws.reset_dimensions()
            rows: list[Row] = []
            formats: dict[int, dict[int, tuple]] = {}
            values = _sheet_texts(ws, budget, formats)
            for row in _limited(values, ws.title):
                while row.cells and not row.cells[-1]:
                    row.cells.pop()
                row.formats = formats.pop(row.number, None)
                rows.append(row)
            total += len(rows)
            if total > MAX_ROWS_TOTAL:
                raise ImportRejected.single(
                    f"工作簿共超过 {MAX_ROWS_TOTAL} 行，不是一份部门决算公开表；已停止读取。"
                )
            sheets.append(Sheet(ws.title, rows))
    except ImportRejected:
        raise
    except Exception as exc:  # a part that lies about its content fails while streaming
        raise ImportRejected.single(unreadable(data, exc)) from None
    finally:
        book.close()
    return sheets


def _sheet_texts(ws, budget: _Budget, formats: dict[int, dict[int, tuple]]) -> Iterator[list[str]]:
    """Each row's cell texts; a number or date with a number format other than General
    goes into `formats` (row number → cell index → (value, format)), rendered only where a
    text table reads it."""
    title = ws.title
    for number, row in enumerate(ws.iter_rows(), 1):
        texts = []
        for index, cell in enumerate(row):
            value = cell.value
            if value is None:
                texts.append("")
                continue
            if value.__class__ is str:  # most filled cells: what `_cell_text` does to text
                budget.charge(value, title, number, index)
                texts.append(clean_text(value.replace("\x00", "") if "\x00" in value else value))
                continue
            texts.append(_cell_text(value, budget, title, number, index))
            if value.__class__ is bool:
                continue
            number_format = cell.number_format
            if number_format != "General":
                formats.setdefault(number, {})[index] = (value, number_format)
        yield texts


def _cell_text(value, budget: _Budget, sheet: str, row: int, column: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        budget.charge("", sheet, row, column)
        return excel_cell_text(value)
    # openpyxl turns the escape _x0000_ into a NUL, which no database column may hold.
    return clean_text(budget.charge(str(value), sheet, row, column).replace("\x00", ""))


# ------------------------------------------------------------------ PDFs
# Cheap, linear scans (no parsing): numbered objects, page objects, the largest declared
# /Count (a page tree's root declares every page), objects packed in object streams (/N).
_PDF_OBJECT = re.compile(rb"\b\d{1,10}\s{1,8}\d{1,5}\s{1,8}obj\b")
_PDF_PAGE = re.compile(rb"/Type\s{0,8}/Page(?![a-zA-Z])")
_PDF_COUNT = re.compile(rb"/Count\s{1,8}(\d{1,12})")
_PDF_PACKED = re.compile(rb"/N\s{1,8}(\d{1,12})")


def pdf_guard(data: bytes) -> None:
    """Refuse a PDF that a reader should not even open, by a cheap scan of its bytes: the
    size (PORTAL_MAX_UPLOAD_BYTES), the pages (PORTAL_PDF_MAX_PAGES: the most of the page
    objects and the page trees' declared /Count) and the objects (PORTAL_PDF_MAX_OBJECTS:
    numbered objects plus those packed in object streams). Raises ImportRejected naming the
    limit. The reader then spends its text and time through `PdfBudget`."""
    check_size(len(data))
    if not data.startswith(PDF_MAGIC):
        raise ImportRejected.single("这不是 PDF 文件。")
    max_pages = settings.PORTAL_PDF_MAX_PAGES
    pages = max([len(_PDF_PAGE.findall(data)), *map(int, _PDF_COUNT.findall(data))])
    if pages > max_pages:
        raise ImportRejected.single(
            f"PDF 有 {pages} 页，超过 {max_pages} 页的上限；一份部门决算公开通常不到 100 页。"
        )
    max_objects = settings.PORTAL_PDF_MAX_OBJECTS
    objects = len(_PDF_OBJECT.findall(data)) + sum(map(int, _PDF_PACKED.findall(data)))
    if objects > max_objects:
        raise ImportRejected.single(
            f"PDF 含有 {objects} 个对象，超过 {max_objects} 个的上限，不是一份正常的决算文件；"
            "已拒绝。"
        )


class PdfBudget:
    """The text and time a PDF reader may spend on one file: call `spend(text)` after each
    page's text is extracted; it raises ImportRejected once the characters
    (PORTAL_PDF_MAX_CHARS) or the seconds (PORTAL_PDF_MAX_SECONDS) are used up."""

    def __init__(self) -> None:
        self.max_chars = settings.PORTAL_PDF_MAX_CHARS
        self.max_seconds = settings.PORTAL_PDF_MAX_SECONDS
        self.chars = 0
        self.started = time.monotonic()

    def spend(self, text: str = "") -> None:
        self.chars += len(text)
        if self.chars > self.max_chars:
            raise ImportRejected.single(
                f"PDF 的文字超过 {self.max_chars} 个字符的上限，不是一份部门决算公开；已停止读取。"
            )
        if time.monotonic() - self.started > self.max_seconds:
            raise ImportRejected.single(
                f"读取 PDF 超过 {self.max_seconds} 秒的上限，已停止；"
                "请上传 XLSX 工作簿，或联系管理员。"
            )


def read_sheets(data: bytes) -> list[Sheet]:
    check_size(len(data))
    fmt = detect_format(data)
    return read_xlsx(data) if fmt == "xlsx" else read_text(data)
