"""Reading an uploaded file into sheets of text cells, whatever its format.

A text file (the published document copied out, tab-separated), a CSV file and an XLSX
workbook all become `Sheet`s of rows of stripped strings, so one parser reads them all.
The format is recognised by content, never by the file's name.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from disclosure.importing.errors import ImportRejected
from disclosure.money import clean_text, excel_cell_text

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc
PDF_MAGIC = b"%PDF"

# Refuse before reading: a workbook whose parts inflate to more than this is a zip bomb.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ROWS_PER_SHEET = 20_000
MAX_COLUMNS = 200


@dataclass
class Row:
    number: int  # 1-based line (text) or row (sheet) number
    cells: list[str]

    def cell(self, index: int) -> str:
        return self.cells[index] if 0 <= index < len(self.cells) else ""

    @property
    def filled(self) -> list[tuple[int, str]]:
        return [(i, c) for i, c in enumerate(self.cells) if c]

    @property
    def is_blank(self) -> bool:
        return not any(self.cells)


@dataclass
class Sheet:
    name: str  # "" for a text file: problems then name the line only
    rows: list[Row]


def detect_format(data: bytes) -> str:
    if not data or not data.strip():
        raise ImportRejected.single("文件是空的。")
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        raise ImportRejected.single("这是旧版 Excel（.xls）或 Word 文件；请另存为 .xlsx 后上传。")
    if data.startswith(PDF_MAGIC):
        raise ImportRejected.single("这是 PDF 文件；请上传 XLSX、CSV 或制表符分隔的文本文件。")
    if b"\x00" in data[:4096]:
        raise ImportRejected.single("无法识别的文件类型：只接受 XLSX、CSV 或文本文件。")
    return "text"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRejected.single("无法识别文本编码：请以 UTF-8 或 GB18030 保存。")


def read_text(data: bytes) -> list[Sheet]:
    text = _decode(data)
    lines = text.splitlines()
    # Tab-separated is what a copy out of the published document gives; without any tab,
    # the file is read as CSV (amounts with thousands separators are then quoted).
    if any("\t" in line for line in lines):
        rows = [
            Row(n, [clean_text(c) for c in line.split("\t")]) for n, line in enumerate(lines, 1)
        ]
    else:
        reader = csv.reader(io.StringIO(text))
        try:
            rows = [Row(n, [clean_text(c) for c in cells]) for n, cells in enumerate(reader, 1)]
        except csv.Error as exc:
            raise ImportRejected.single(f"CSV 格式错误：{exc}") from None
    _check_size(rows, "")
    return [Sheet("", rows)]


def _check_size(rows: list[Row], sheet: str) -> None:
    where = f"工作表“{sheet}”" if sheet else "文件"
    if len(rows) > MAX_ROWS_PER_SHEET:
        raise ImportRejected.single(
            f"{where}超过 {MAX_ROWS_PER_SHEET} 行，不是一份部门决算公开表。"
        )


def read_xlsx(data: bytes) -> list[Sheet]:
    import openpyxl  # imported here: only workbooks need it

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportRejected.single("XLSX 文件已损坏或不完整（无法解压）。") from None
    if "xl/workbook.xml" not in names:
        raise ImportRejected.single("这个压缩文件不是 XLSX 工作簿。")
    if "xl/vbaProject.bin" in names:
        raise ImportRejected.single("含宏的工作簿（.xlsm）不被接受：请另存为不含宏的 .xlsx。")
    if inflated > MAX_UNCOMPRESSED_BYTES:
        raise ImportRejected.single("工作簿解压后过大，已拒绝（疑似压缩炸弹）。")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportRejected.single(f"XLSX 文件无法读取：{exc.__class__.__name__}") from None
    sheets = []
    try:
        for ws in book.worksheets:
            rows: list[Row] = []
            for number, values in enumerate(ws.iter_rows(values_only=True), 1):
                if number > MAX_ROWS_PER_SHEET:
                    _check_size([*rows, Row(number, [])], ws.title)
                cells = [_cell_text(v) for v in values[:MAX_COLUMNS]]
                while cells and not cells[-1]:
                    cells.pop()
                rows.append(Row(number, cells))
            sheets.append(Sheet(ws.title, rows))
    finally:
        book.close()
    return sheets


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return excel_cell_text(value)
    return clean_text(str(value))


def read_sheets(data: bytes) -> list[Sheet]:
    fmt = detect_format(data)
    return read_xlsx(data) if fmt == "xlsx" else read_text(data)
