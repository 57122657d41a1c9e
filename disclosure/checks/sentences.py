"""Reading a 说明 like a reviewer: paragraphs, sentences, and what each stated figure is about.

A section's body is cut into paragraphs (a line starting with a numbering — "1、", "（二）" —
starts one; a line the typesetter wrapped continues it) and sentences (ending with 。). Each
amount a sentence states ("2946.25万元") is tied to its subject: the latest phrase the section
declares for a cell of its table (layouts' `[[sections]]` figures), or a row of its table
named by name ("一般公共服务支出（类）财政事务（款）行政运行（项）"), in the same clause, else
the subject of the sentence's previous amount, else the row the paragraph names. Whether it
is the budget (预算数), the final figure or a change (增加/减少 …) is read from the words
between subject and amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from disclosure.checks.loader import RowData, TableData
from disclosure.layouts import squash
from disclosure.layouts.sections import SectionFigure, SectionSpec

AMOUNT = re.compile(r"(?<![\d.,])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万元|元)")
PERCENT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*[%％]")
ITEM = re.compile(r"([^，。；：、（）()\s\d%]+?)[（(](类|款|项)[）)]")
PARAGRAPH_START = re.compile(
    r"^([一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．](?!\d))"
)
HEADING_LIKE = re.compile(r"^[^，。；：,;:]{1,40}$")
SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")
CLAUSE_BREAK = re.compile(r"[，,；;：:]")
CHANGE_WORDS = ("增加", "减少", "增长", "下降", "同比", "上年", "较", "比")
LEVELS = {"类": 3, "款": 5, "项": 7}


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs: a numbered line starts one, any other line continues it (a
    table kept as tab-separated lines stays line by line)."""
    out: list[str] = []
    for line in body.split("\n"):
        line = line.strip()
        if not line:
            continue
        joins = out and not PARAGRAPH_START.match(line) and "\t" not in line + out[-1]
        # A numbered heading of its own ("（二）…结构情况") is a paragraph by itself.
        if joins and not (PARAGRAPH_START.match(out[-1]) and HEADING_LIKE.match(out[-1])):
            out[-1] += line
        else:
            out.append(line)
    return out


def sentences(paragraph: str) -> list[str]:
    return [s for s in SENTENCE.findall(paragraph) if s.strip()]


@dataclass
class Subject:
    """What a stated figure is about: a declared phrase's cell, or a row named by name."""

    words: str
    figure: SectionFigure | None = None
    row: RowData | None = None


@dataclass
class Statement:
    """One amount as a sentence states it."""

    start: int
    end: int
    text: str  # "2946.25万元"
    value: Decimal
    unit: str
    places: int
    subject: Subject | None
    budget: bool = False
    change: bool = False


@dataclass
class Reading:
    """A sentence of a section with the amounts it states."""

    text: str
    paragraph: int = 0
    statements: list[Statement] = field(default_factory=list)


def clause_start(text: str, pos: int) -> int:
    starts = [m.end() for m in CLAUSE_BREAK.finditer(text, 0, pos)]
    return starts[-1] if starts else 0


def _figure_hits(text: str, section: SectionSpec) -> list[tuple[int, int, Subject]]:
    """(end, length, subject) of every declared phrase in the text."""
    hits = []
    for figure in section.figures:
        for word in figure.words:
            for m in re.finditer(re.escape(word), text):
                hits.append((m.end(), len(word), Subject(word, figure=figure)))
    return hits


def item_row(table: TableData, chain: list[tuple[str, str]]) -> RowData | None:
    """The row of a code table named by a chain of names ("一般公共服务支出（类）财政事务
    （款）行政运行（项）"): the last name at its level, under the names before it."""
    if not chain:
        return None
    name, level = chain[-1]
    found = [
        r
        for r in table.code_rows
        if squash(r.name) == squash(name) and len(r.code) == LEVELS[level]
    ]
    for parent_name, parent_level in chain[:-1]:
        parents = {
            r.code
            for r in table.code_rows
            if squash(r.name) == squash(parent_name) and len(r.code) == LEVELS[parent_level]
        }
        found = [r for r in found if r.code[: LEVELS[parent_level]] in parents]
    return found[0] if len(found) == 1 else None


def _item_hits(text: str, table: TableData | None) -> list[tuple[int, int, Subject]]:
    """(end, length, subject) of each chain of names marked （类）（款）（项）."""
    if table is None:
        return []
    hits, chain, chain_start, last_end = [], [], 0, -1
    for m in ITEM.finditer(text):
        if m.start() != last_end:
            chain, chain_start = [], m.start()
        chain.append((m.group(1), m.group(2)))
        last_end = m.end()
        row = item_row(table, chain)
        if row is not None:
            words = text[chain_start : m.end()]
            hits = [h for h in hits if h[0] <= chain_start] + [
                (m.end(), len(words), Subject(words, row=row))
            ]
    return hits


def read_section(body: str, section: SectionSpec, table: TableData | None) -> list[Reading]:
    """The section's sentences with each amount they state and its subject."""
    readings = []
    for p, paragraph in enumerate(paragraphs(body)):
        carried: Subject | None = None  # the row a numbered paragraph is about
        for text in sentences(paragraph):
            reading = Reading(text, p)
            hits = _figure_hits(text, section) + (
                _item_hits(text, table) if section.item_column else []
            )
            previous: Subject | None = None
            for m in AMOUNT.finditer(text):
                clause = clause_start(text, m.start())
                own = [h for h in hits if clause <= h[0] - h[1] and h[0] <= m.start()]
                if own:
                    end, _length, subject = max(own, key=lambda h: (h[0], h[1]))
                    between = text[end : m.start()]
                else:
                    subject = previous or carried
                    between = text[clause : m.start()]
                number = m.group(1).replace(",", "")
                reading.statements.append(
                    Statement(
                        start=m.start(),
                        end=m.end(),
                        text=m.group(0),
                        value=Decimal(number),
                        unit=m.group(2),
                        places=len(number.split(".")[1]) if "." in number else 0,
                        subject=subject,
                        budget="预算" in between and "决算" not in between,
                        change=any(w in between for w in CHANGE_WORDS),
                    )
                )
                previous = subject
            rows = [h for h in hits if h[2].row is not None]
            if rows:
                carried = max(rows, key=lambda h: h[0])[2]
            readings.append(reading)
    return readings


def sentence_place(text, n: int, column: str) -> dict:
    """Where a finding about the n-th sentence (0-based) of a text is reported: the text's
    section as the row, the sentence as the column."""
    return {
        "row_key": text.key,
        "row_text": text.where,
        "column": column,
        "column_text": _("第 {n} 句").format(n=n + 1),
    }
