"""The workbook's zip checked before openpyxl opens it: the directory (entries, macros,
other formats, declared inflated sizes — `zipfile` never inflates a part beyond its
declared size, so the declared sizes bound the work) and every XML part (DTDs, rows,
cells, the text of one cell, formulas without a cached value)."""

from __future__ import annotations

import io
import re
import xml.parsers.expat
import zipfile

from disclosure.importing.sources import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_ROWS_PER_SHEET,
    UTF16_BOMS,
    _megabytes,
    _too_many_cells,
)

# A department's workbook inflates to a few hundred kilobytes; refuse far more before
# reading it. openpyxl keeps the shared strings and styles in memory, so those parts have
# a tighter limit of their own.
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
MAX_PART_BYTES = 16 * 1024 * 1024  # any part that is not a worksheet
MAX_ZIP_ENTRIES = 2_000
SCAN_CHUNK = 64 * 1024
FORMULA_TAGS = (b"<f>", b"<f ", b"<f/", b":f>", b":f ")  # <f> or a prefixed <x:f>


def zip_problem(archive: zipfile.ZipFile) -> str:
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


def scan_parts(archive: zipfile.ZipFile) -> str:
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


def unreadable(data: bytes, exc: Exception) -> str:
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
