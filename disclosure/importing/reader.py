"""One way in: any document (PDF, XLSX, CSV, text) → parsed data, the layout found by titles.

`read_document` sniffs the format, reads the grids, detects the layout when none is given,
parses, and proves that nothing was lost (the count and sum of amount-looking cells read
equal those stored: `DisclosureContent.proof`). `read_table` reads one table of a document
the same way, for the single-table import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from disclosure.content import DisclosureContent, ParsedNarrative, ParsedTable
from disclosure.importing.errors import ImportRejected
from disclosure.importing.parser import LayoutParser, is_contents, parse_sheets, title_key
from disclosure.importing.pdf import page_regions
from disclosure.importing.sources import PDF_MAGIC, Sheet, read_sheets
from disclosure.layouts import Layout, LayoutError, all_layouts, get_layout, squash

if TYPE_CHECKING:
    from disclosure.importing.pdf import PdfDocument


def is_pdf(data: bytes) -> bool:
    return data.lstrip()[:4] == PDF_MAGIC


def read_pdf_document(data: bytes, *, require_tables: bool = True) -> PdfDocument:
    """A published PDF read into its tables part (one sheet) and its texts; the tables
    part starts at the first title of any known layout (`pdf.read_pdf`)."""
    from disclosure.importing.pdf import read_pdf

    titles = {title_key(t.title) for spec in all_layouts().values() for t in spec.tables}
    return read_pdf(data, titles, require_tables=require_tables)


def read_document(data: bytes, *, layout: str | None = None) -> DisclosureContent:
    """Read a file into parsed data; raises ImportRejected naming every problem found."""
    narratives = None
    if is_pdf(data):
        document = read_pdf_document(data)
        sheets = [document.sheet]
        narratives = document.narratives
    else:
        sheets = read_sheets(data)
    if layout:
        try:
            spec = get_layout(layout)
        except LayoutError:
            raise ImportRejected.single(f"未知的表式“{layout}”。") from None
    else:
        spec = detect_layout(sheets)
    parsed = parse_sheets(sheets, spec)
    if narratives is None:  # a workbook: its cover and 目录 sheets are its front pages
        parsed.narratives[:0] = front_sheets(sheets, parsed)
    else:
        parsed.narratives.extend(narratives)
    proof = parsed.proof
    if proof and (
        proof["source_cells"] != proof["stored"] or proof["source_sum"] != proof["stored_sum"]
    ):  # pragma: no cover - the parser refuses every cell it cannot place before this
        raise ImportRejected.single(
            f"核对不符：来源中有 {proof['source_cells']} 个金额（合计 {proof['source_sum']}），"
            f"读入 {proof['stored']} 个（合计 {proof['stored_sum']}）。"
        )
    return parsed


def front_sheets(sheets: list[Sheet], parsed: DisclosureContent) -> list[ParsedNarrative]:
    """A workbook's cover and 目录 sheets, read (not ignored) as the texts a PDF's cover and
    目录 give: each sheet's cells in reading order, a row a line, its cells tab-separated.
    The cover is a sheet so named, or the first sheet when it holds no table."""
    from disclosure.importing.pdf import CONTENTS, COVER

    found: dict[str, Sheet] = {}
    for at, sheet in enumerate(sheets):
        if sheet.name not in parsed.ignored_sheets:
            continue
        if is_contents(sheet):
            found.setdefault(CONTENTS, sheet)
        elif "封面" in squash(sheet.name) or at == 0:
            found.setdefault(COVER, sheet)
    texts = []
    for heading in (COVER, CONTENTS):
        sheet = found.get(heading)
        lines = [
            "\t".join(c for _i, c in row.filled)
            for row in (sheet.rows if sheet else [])
            if row.filled and squash("".join(c for _i, c in row.filled)) != heading
        ]
        if lines:
            texts.append(ParsedNarrative("", heading, "", "\n".join(lines)))
            parsed.ignored_sheets.remove(sheet.name)
    return texts


def detect_layout(sheets: list[Sheet]) -> Layout:
    """The layout whose tables' titles (and 公开NN表 marks) the file shows most; a tie is
    refused naming the candidates, so a file is never read in a layout by chance."""
    scores: dict[str, int] = {}
    for slug, layout in all_layouts().items():
        parser = LayoutParser(layout)
        found = set()
        for sheet in sheets:
            for _index, kind, number in parser._anchors(sheet):
                found.add((kind, number))
        titles = {number for kind, number in found if kind == "title"}
        marks = {number for kind, number in found if kind == "mark"}
        scores[slug] = len(titles) + len(marks)
    best = max(scores.values(), default=0)
    if best == 0:
        raise ImportRejected.single("文件中找不到任何已知表式的表名，无法判断表式；请指定表式。")
    candidates = [slug for slug, score in scores.items() if score == best]
    if len(candidates) > 1:
        names = "、".join(f"“{all_layouts()[slug].name}”（{slug}）" for slug in candidates)
        raise ImportRejected.single(f"无法判断文件的表式：{names} 都同样符合；请指定表式。")
    return all_layouts()[candidates[0]]


@dataclass
class TableReading:
    """One table read from a document: the table (its rows keep the place of each amount),
    the count-and-sum proof of its cells, and what the reader noticed."""

    table: ParsedTable
    proof: dict
    findings: list[str]


def read_table(sheets: list[Sheet], *, layout: Layout, number: str) -> TableReading:
    """One amount table of a document, found by its title and read exactly as
    `read_document` reads it. Only this table's problems refuse it: the other tables are
    found (so that this one ends where the next begins) but not read, and what is wrong
    with them is theirs. A document without the table is refused, naming the table and
    listing those it has."""
    spec = layout.table(number)
    parser = LayoutParser(layout)
    regions = parser.find_regions(sheets)
    parser.problems = [p for p in parser.problems if p.table == spec.label]
    own = [r for r in regions if r.spec.number == number]
    if not own:
        found = list(dict.fromkeys(f"{r.spec.label} {r.spec.title}" for r in regions))
        listed = (
            "找到的表：" + "、".join(found)
            if found
            else f"没有找到表式“{layout.name}”中的任何一张表"
        )
        raise ImportRejected.single(
            f"文件中没有所选的表“{spec.label} {spec.title}”（按表名查找）；{listed}。"
        )
    parser.raise_if_problems()  # the table printed twice
    table = parser.parse_amount_table(own[0])
    table.regions = page_regions(own[0].rows)
    parser.raise_if_problems()
    return TableReading(table, parser.proof_report(), parser.findings)
