"""Reading an uploaded file into sheets of text cells, whatever its format.

A text file (the published document copied out, tab-separated), a CSV file and an XLSX
workbook all become `Sheet`s of rows of stripped strings, so one parser reads them all.
The format is recognised by content, never by the file's name.

Every limit is checked before the expensive step it protects, so a hostile or broken file
is refused quickly and in bounded memory: the size first (`PORTAL_MAX_UPLOAD_BYTES`), then
for a workbook the zip's directory (entries, macros, declared inflated sizes — `zipfile`
never inflates a part beyond its declared size, so the declared sizes bound the work), then
rows and columns while they stream out of openpyxl's read-only reader.
"""

from __future__ import annotations

import csv
import io
import re
import time
import xml.parsers.expat
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

# A department's workbook inflates to a few hundred kilobytes; refuse far more before
# reading it. openpyxl keeps the shared strings and styles in memory, so those parts have
# a tighter limit of their own.
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
MAX_PART_BYTES = 16 * 1024 * 1024  # any part that is not a worksheet
MAX_ZIP_ENTRIES = 2_000
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
SCAN_CHUNK = 64 * 1024
FORMULA_TAGS = (b"<f>", b"<f ", b"<f/", b":f>", b":f ")  # <f> or a prefixed <x:f>


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


def _zip_problem(archive: zipfile.ZipFile) -> str:
    """Why a zip is not a workbook we read, or "" when it is one."""
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        return f"压缩文件中有 {len(infos)} 个部件，不是一份正常的工作簿（疑似压缩炸弹）。"
    names = {info.filename.lower() for info in infos}
    content_types = ""
    if "[content_types].xml" in names:
        info = next(i for i in infos if i.filename.lower() == "[content_types].xml")
        if info.file_size <= MAX_PART_BYTES:
            content_types = archive.read(info.filename).decode("utf-8", "replace").lower()
    macro = any(name.endswith("vbaproject.bin") for name in names) or (
        "macroenabled" in content_types or "vbaproject" in content_types
    )
    if macro:
        return "含宏的工作簿（.xlsm）不被接受：请另存为不含宏的 .xlsx 后再上传。"
    if "xl/workbook.bin" in names:
        return "这是 Excel 二进制工作簿（.xlsb）；请另存为 .xlsx 后上传。"
    if "mimetype" in names and "content.xml" in names:
        return "这是 ODS 表格（WPS 或 LibreOffice）；请另存为 .xlsx 后上传。"
    if "word/document.xml" in names:
        return "这是 Word 文档，不是工作簿；请上传 XLSX、CSV 或文本文件。"
    if "xl/workbook.xml" not in names:
        return "这个压缩文件不是 XLSX 工作簿。"
    inflated = sum(info.file_size for info in infos)
    if inflated > MAX_UNCOMPRESSED_BYTES:
        limit = _megabytes(MAX_UNCOMPRESSED_BYTES)
        return (
            f"工作簿解压后达 {_megabytes(inflated)}，超过 {limit} 的上限，已拒绝（疑似压缩炸弹）。"
        )
    for info in infos:
        if info.file_size > MAX_PART_BYTES and not info.filename.startswith("xl/worksheets/"):
            return (
                f"工作簿的部件“{info.filename}”解压后达 {_megabytes(info.file_size)}，"
                "远超正常大小，已拒绝（疑似压缩炸弹）。"
            )
    return ""


class _Refused(Exception):
    pass


def _uncached_formulas(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[str]:
    """ "sheet1.xml!B5" for each formula cell of a worksheet part with no cached value: a
    workbook written by a program and never opened in Excel, whose figures nobody saw."""
    found: list[str] = []
    cell: dict = {}
    part = info.filename.rsplit("/", 1)[-1]

    def start(name, attrs):
        local = name.rsplit(":", 1)[-1]
        if local == "c":
            cell.clear()
            cell["ref"] = attrs.get("r", "?")
        elif local == "f":
            cell["formula"] = True
        elif local == "v":
            cell["in_value"] = True
        elif local == "is":
            cell["value"] = True

    def end(name):
        local = name.rsplit(":", 1)[-1]
        if local == "c" and cell.get("formula") and not cell.get("value"):
            found.append(f"{part}!{cell['ref']}")
        elif local == "v":
            cell["in_value"] = False

    def text(data):
        if cell.get("in_value") and data.strip():
            cell["value"] = True

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    with archive.open(info) as stream:
        while chunk := stream.read(SCAN_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return found


# The quick scan's patterns, on a part's bytes: an element `row` or `c` (prefixed or
# not) starts; a DTD; a run of text as long as the longest cell (bytes: at least as many as
# its characters, so no longer run can hide).
_ROW_OR_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s/>]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_LONG_RUN = re.compile(rb"[^<]{%d}" % MAX_CELL_CHARS)


class _Unsure(Exception):
    """The quick scan cannot vouch for a part: the streaming parser decides."""


def _quick_scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cells: int) -> tuple[int, bool]:
    """Count a part's rows and cells by searching its bytes, not parsing them: the cells of
    the workbook so far (this part's added) and whether the part holds a formula. Raises
    _Unsure for anything the search cannot judge as well as a parser would (a part not in
    an ASCII-compatible encoding, a DTD, a run of text as long as a cell may hold), and
    _Refused for too many rows or cells."""
    is_sheet = info.filename.startswith("xl/worksheets/")
    rows = 0
    has_formula = False
    carry = b""
    with archive.open(info) as stream:
        first = True
        while chunk := stream.read(SCAN_CHUNK):
            if first and (chunk[:2] in UTF16_BOMS or b"\x00" in chunk[:4]):
                raise _Unsure  # UTF-16 or UTF-32: tags are not their ASCII bytes
            first = False
            buffer = carry + chunk
            # Judge up to the last "<": every tag starting before it is whole in this piece.
            # (With no "<" after the first byte the whole buffer waits: a run of text that
            # long makes the part one for the parser.)
            cut = max(buffer.rfind(b"<"), 0)
            piece, carry = buffer[:cut], buffer[cut:]
            if _DTD.search(piece) or _LONG_RUN.search(piece) or len(carry) >= MAX_CELL_CHARS:
                raise _Unsure
            found = _ROW_OR_CELL.findall(piece)
            row_tags = found.count(b"row")
            rows += row_tags
            cells += len(found) - row_tags
            if rows > MAX_ROWS_PER_SHEET:
                raise _Refused(_rows_refusal())
            if cells > MAX_CELLS:
                raise _Refused(str(_too_many_cells()))
            if is_sheet and not has_formula:
                has_formula = any(t in piece for t in FORMULA_TAGS)
        found = _ROW_OR_CELL.findall(carry + b" ")
        rows += found.count(b"row")
        cells += len(found) - found.count(b"row")
        if _DTD.search(carry) or rows > MAX_ROWS_PER_SHEET or cells > MAX_CELLS:
            raise _Unsure
        if is_sheet and not has_formula:
            has_formula = any(t in carry for t in FORMULA_TAGS)
    return cells, has_formula


def _rows_refusal() -> str:
    return f"工作簿中有一张工作表超过 {MAX_ROWS_PER_SHEET} 行，不是一份部门决算公开表；已停止读取。"


def _parsed_scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cells: int) -> tuple[int, bool]:
    """`_quick_scan` by a streaming parser that builds nothing: exact for any encoding,
    refuses a DTD, and measures each shared string's (si) or cell's (c) text."""
    rows = 0
    text = 0  # characters of the shared string (si) or cell (c) being read
    parser = xml.parsers.expat.ParserCreate()

    def start(name, attrs):
        nonlocal rows, cells, text
        local = name.rsplit(":", 1)[-1]
        if local in ("si", "c"):
            text = 0
        if local == "row":
            rows += 1
            if rows > MAX_ROWS_PER_SHEET:
                raise _Refused(_rows_refusal())
        elif local == "c":
            cells += 1
            if cells > MAX_CELLS:
                raise _Refused(str(_too_many_cells()))

    def characters(data):
        nonlocal text
        text += len(data)
        if text > MAX_CELL_CHARS:
            raise _Refused(
                f"工作簿中有一个单元格的文字超过 {MAX_CELL_CHARS} 个字符"
                "（Excel 单元格的上限），不是一份部门决算公开表；已停止读取。"
            )

    def doctype(*args):
        raise _Refused("工作簿的 XML 中含有 DTD（实体声明），正常的 XLSX 不会有；已拒绝。")

    parser.StartElementHandler = start
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    is_sheet, has_formula, tail = info.filename.startswith("xl/worksheets/"), False, b""
    with archive.open(info) as stream:
        while chunk := stream.read(SCAN_CHUNK):
            if is_sheet and not has_formula:
                # A byte search, not a handler per cell: most sheets have none.
                edge = tail + chunk[:8]
                has_formula = any(t in chunk or t in edge for t in FORMULA_TAGS)
                tail = chunk[-8:]
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return cells, has_formula


def _scan_parts(archive: zipfile.ZipFile) -> str:
    """Count rows and cells in every XML part before openpyxl opens the workbook.

    openpyxl's read-only loader parses a whole worksheet at load time when the sheet does
    not declare its dimension, building the tree in memory; and it would follow a DTD's
    entities. Every part is read once in 64 kB chunks, and a part with a DTD, a sheet with
    too many rows or a workbook with too many cells is refused before openpyxl opens it.
    An ordinary part is judged by searching its bytes (`_quick_scan`); one the search
    cannot vouch for is parsed (`_parsed_scan`), which also names a part that is not XML.
    Returns the problem, or "" when the workbook is within bounds."""
    cells = 0
    with_formulas: list[zipfile.ZipInfo] = []
    for info in archive.infolist():
        if not info.filename.lower().endswith((".xml", ".rels")):
            continue
        try:
            try:
                cells, has_formula = _quick_scan(archive, info, cells)
            except _Unsure:
                cells, has_formula = _parsed_scan(archive, info, cells)
        except _Refused as refused:
            return str(refused)
        except (xml.parsers.expat.ExpatError, zipfile.BadZipFile, EOFError, ValueError):
            return f"XLSX 文件已损坏：部件“{info.filename}”无法读取。"
        if has_formula:
            with_formulas.append(info)
    uncached = [ref for info in with_formulas for ref in _uncached_formulas(archive, info)]
    if uncached:
        shown = "、".join(uncached[:10]) + ("……" if len(uncached) > 10 else "")
        return (
            f"工作簿中有 {len(uncached)} 个公式单元格没有计算结果（{shown}），"
            "读不出它们显示的数字：请在 Excel 中打开并保存后再上传。"
        )
    return ""


def read_xlsx(data: bytes) -> list[Sheet]:
    import openpyxl  # imported here: only workbooks need it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            problem = _zip_problem(archive) or _scan_parts(archive)
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise ImportRejected.single("XLSX 文件已损坏或不完整（无法解压）。") from None
    if problem:
        raise ImportRejected.single(problem)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportRejected.single(_unreadable(data, exc)) from None
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
        raise ImportRejected.single(_unreadable(data, exc)) from None
    finally:
        book.close()
    return sheets


def _unreadable(data: bytes, exc: Exception) -> str:
    """Why openpyxl could not read a workbook the quick scan let through: the part that is
    not well-formed XML, named, when the parser finds one."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.filename.lower().endswith((".xml", ".rels")):
                try:
                    _parsed_scan(archive, info, 0)
                except (xml.parsers.expat.ExpatError, _Refused, ValueError):
                    return f"XLSX 文件已损坏：部件“{info.filename}”无法读取。"
    return f"XLSX 文件无法读取：{exc.__class__.__name__}"


def _sheet_texts(ws, budget: _Budget, formats: dict[int, dict[int, tuple]]) -> Iterator[list[str]]:
    """Each row's cell texts; a number or date with a number format other than General
    goes into `formats` (row number → cell index → (value, format)), rendered only where a
    text table reads it."""
    for number, row in enumerate(ws.iter_rows(), 1):
        texts = []
        for index, cell in enumerate(row):
            value = cell.value
            if value is None:
                texts.append("")
                continue
            texts.append(_cell_text(value, budget, ws.title, number, index))
            if value.__class__ is str or value.__class__ is bool:
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
