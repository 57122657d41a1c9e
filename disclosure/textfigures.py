"""Figures that exist only in the text, read into data.

The national form prints 机关运行经费, 政府采购 (total, goods, works, services, the shares
of 中小企业), vehicles by kind, equipment of over 100万元 and the 绩效 counts in no table:
only in its 说明. A layout declares, per section (`text_figures` in `[[sections]]`), each
such figure's key, label, unit and the phrases that introduce it; this module finds the
first sentence of the section with one of the phrases and reads the number printed right
after it (no other number, no ，；。 in between). The figure keeps its sentence as
provenance. A phrase found with no readable number after it ("机关运行经费支出XXX万元")
is kept with no value and a note, never dropped.
"""

from __future__ import annotations

import re
from decimal import Decimal

from disclosure.checks.sentences import HEADING_LIKE, PARAGRAPH_START, paragraphs, sentences
from disclosure.content import ParsedTextFigure, text_figures_replace
from disclosure.layouts import get_layout, squash
from disclosure.layouts.sections import TextFigureSpec, section_for, section_heading

GAP = "…"  # in a declared phrase: any words up to the next ；or 。
# Between a phrase and its number: words without a digit or a clause break ("（以合同签订
# 为准）为"), then the number and what is printed after it.
NUMBER_AFTER = re.compile(r"^[^\d，,；;。:：]*?(\d+(?:,\d{3})*(?:\.\d+)?)\s*(\S?\S?)")
TEN_THOUSAND = Decimal(10000)


def _fold(text: str) -> str:
    """Text as phrases are matched: no spaces or quotes, brackets full-width."""
    return squash(text).replace("(", "（").replace(")", "）")


def _pattern(words: tuple[str, ...]) -> re.Pattern:
    options = [r"[^；;。]*?".join(re.escape(_fold(p)) for p in w.split(GAP)) for w in words]
    return re.compile("|".join(f"(?:{o})" for o in options))


def _value(spec: TextFigureSpec, rest: str) -> tuple[Decimal | None, str, str]:
    """(value in the declared unit, as printed, note) of the number after a phrase."""
    m = NUMBER_AFTER.match(rest)
    if m is None:
        return None, "", "其后没有数字"
    number, after = Decimal(m.group(1).replace(",", "")), m.group(2)
    printed = rest[m.start(1) : m.end(2)] if after else m.group(1)
    if spec.unit == "万元":
        if after.startswith("万元"):
            return number, m.group(1) + "万元", ""
        if after.startswith("元"):
            return number / TEN_THOUSAND, m.group(1) + "元", ""
    elif after.startswith(spec.unit[0]):
        return number, m.group(1) + spec.unit, ""
    return None, printed, f"数字后不是{spec.unit}"


def _read(spec: TextFigureSpec, text: str) -> tuple[Decimal | None, str, str] | None:
    """The figure as one sentence states it, or None when the sentence does not name it."""
    folded = _fold(text)
    if spec.zero and _pattern(spec.zero).search(folded):
        return Decimal(0), "无", ""
    m = _pattern(spec.words).search(folded)
    if m is None:
        return None
    return _value(spec, folded[m.end() :])


def read_text_figures(layout, narratives) -> list[ParsedTextFigure]:
    """The declared figures of `layout` that the texts state, in declaration order; each
    from the first sentence of its section that names it. `narratives` are stored or
    parsed texts (heading, subheading, body), in document order."""
    found: dict[str, ParsedTextFigure] = {}
    for position, narrative in enumerate(narratives):
        section = section_for(layout, narrative.heading, narrative.subheading)
        if section is None or not section.text_figures:
            continue
        heading = section_heading(narrative.heading, narrative.subheading)
        for paragraph in paragraphs(narrative.body):
            if PARAGRAPH_START.match(paragraph) and HEADING_LIKE.match(paragraph):
                heading = paragraph  # a numbered part of the section ("（二）政府采购…")
                continue
            for text in sentences(paragraph):
                for spec in section.text_figures:
                    read = None if spec.key in found else _read(spec, text)
                    if read is None:
                        continue
                    value, printed, note = read
                    found[spec.key] = ParsedTextFigure(
                        key=spec.key,
                        label=spec.label,
                        unit=spec.unit,
                        value=value,
                        printed=printed,
                        section=section.key,
                        narrative_position=getattr(narrative, "position", position),
                        heading=heading,
                        sentence=text.strip(),
                        note=note,
                    )
    order = [f.key for s in layout.sections for f in s.text_figures]
    return sorted(found.values(), key=lambda f: order.index(f.key))


def unread_notes(figures: list[ParsedTextFigure]) -> list[str]:
    """What the import result says of each figure whose phrase was found without a number."""
    return [
        f"说明“{f.heading}”提到{f.label}，但未能读出数字（{f.note}）：{f.sentence}"
        for f in figures
        if f.value is None
    ]


def text_figures_refresh(disclosure) -> None:
    """Read the figures again from a disclosure's stored texts (after the workspace editor
    saved them) and store them through the content codec."""
    layout = get_layout(disclosure.layout)
    narratives = disclosure.narratives.order_by("position", "table_number", "pk")
    text_figures_replace(disclosure, read_text_figures(layout, narratives))
