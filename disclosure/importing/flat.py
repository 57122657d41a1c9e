"""The flat form of one table — one row per code or line, one column per declared column,
headed as `opendata.tabular.flat_header` heads the CSV export — as an upload is read into
it, and its blank templates.

`dataset_from_sheets` reads the one sheet of an upload into a tablib Dataset whose rows
remember their row number in the file, so that every problem names the sheet, the row,
the column and the value, in the form the workbook importer uses.
"""

from __future__ import annotations

from collections import Counter

import tablib

from disclosure.importing.errors import ImportRejected, Location, Problem
from disclosure.importing.sources import Sheet
from disclosure.layouts import TableSpec
from disclosure.opendata.flat import COUNT_UNIT_RE
from disclosure.opendata.formats import flat_workbook
from disclosure.opendata.tabular import (
    FORMULA_STARTS,
    flat_header,
    write_csv,
)


def unguard(text: str) -> str:
    """Undo `tabular.guard`: the apostrophe a CSV export put before "=", "+", "-" or "@"."""
    if text.startswith("'") and text[1:2] and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


def dataset_from_sheets(sheets: list[Sheet]) -> tablib.Dataset:
    """The one sheet with content as a Dataset: first non-blank row the header, blank rows
    dropped. `file_rows` keeps each data row's row number in the file, `sheet_name` the
    sheet's, so problems point at the cell an accountant sees."""
    filled = [s for s in sheets if any(not r.is_blank for r in s.rows)]
    if not filled:
        raise ImportRejected.single("文件中没有任何数据。")
    if len(filled) > 1:
        names = "、".join(f"“{s.name}”" for s in filled)
        raise ImportRejected.single(
            f"文件有多张含数据的工作表（{names}）：单表文件只能有一张表，请删去其余的工作表。"
        )
    sheet = filled[0]
    rows = [r for r in sheet.rows if not r.is_blank]
    header_row = rows[0]
    header = [unguard(c).strip() for c in header_row.cells]
    while header and not header[-1]:
        header.pop()
    problems = []
    for index, text in enumerate(header):
        if not text:
            problems.append(
                Problem(
                    "表头有空白的栏目名",
                    location=Location(sheet.name, header_row.number, index),
                )
            )
    for name, count in Counter(h for h in header if h).items():
        if count > 1:
            problems.append(
                Problem(
                    f"表头“{name}”出现了 {count} 次",
                    location=Location(sheet.name, header_row.number),
                )
            )
    dataset = tablib.Dataset(headers=header)
    file_rows = []
    for row in rows[1:]:
        cells = [unguard(c) for c in row.cells]
        for index in range(len(header), len(cells)):
            if cells[index]:
                problems.append(
                    Problem(
                        "这一列没有表头：请检查是否错列",
                        location=Location(sheet.name, row.number, index),
                        value=cells[index],
                    )
                )
                break
        dataset.append((cells + [""] * len(header))[: len(header)])
        file_rows.append(row.number)
    if problems:
        raise ImportRejected(problems[:50])
    dataset.file_rows = file_rows
    dataset.sheet_name = sheet.name
    return dataset


class DocumentDataset(tablib.Dataset):
    """A published PDF, read (guarded and budgeted, its text layer found) but not yet cut
    into one table: no rows until the resource that knows the chosen table fills them
    (`resources.tables.TableResource`). True even while empty, so that the upload is not
    taken for a file without data."""

    def __init__(self, document, data: bytes):
        super().__init__()
        self.document = document  # importing.pdf.PdfDocument
        self.data = data  # the PDF itself, to draw the table's page regions in the preview

    def __bool__(self) -> bool:
        return True


def blank_template_rows(spec: TableSpec) -> list[list]:
    """A table's flat form with nothing filled in: the header, and for a lines table its
    declared lines (栏, 行次, 项目); for a code table the 合计 row."""
    rows: list[list] = [flat_header(spec)]
    width = len(rows[0])
    if spec.kind == "lines":
        for panel in spec.panels:
            for line in panel.lines:
                if not line.label:
                    continue
                unit = spec.unit
                if line.format == "count":
                    match = COUNT_UNIT_RE.search(line.label)
                    unit = match.group(1) if match else "个"
                lead = [panel.title if len(spec.panels) > 1 else "", str(line.no), line.label]
                rows.append(lead + [""] * (width - len(lead) - 1) + [unit])
    elif spec.kind == "codes":
        lead = ["", "合计", ""]
        rows.append(lead + [""] * (width - len(lead) - 1) + [spec.unit])
    return rows


def blank_template(spec: TableSpec, fmt: str) -> bytes:
    rows = blank_template_rows(spec)
    if fmt == "csv":
        return write_csv(rows)
    return flat_workbook(rows, title=spec.label)
