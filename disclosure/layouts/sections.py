"""The 说明 sections a layout declares, each bound to the table it explains.

A layout's `[[sections]]` blocks name the sections of its explanations as printed (the
national form's 第三部分 一…十一, Yunnan's 公开10 headings), the table each explains (by
number: data, never a title looked up in code) and the phrases the section uses for that
table's figures. The importer, the workspace editor and the PDF reader store each text with
the key of the section its heading names; a heading no declaration names is kept as
"other" and listed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from disclosure.layouts import LayoutError, is_english, squash

OTHER = ""  # the section key of a text whose heading no declaration names

_NUMBERING_RE = re.compile(
    r"^(第[一二三四五六七八九十]+部分|[（(][一二三四五六七八九十]{1,3}[）)][、．.]?"
    r"|[一二三四五六七八九十]{1,3}[、．.]|\d{1,2}[、．.])"
)


@lru_cache(maxsize=4096)  # a pure function of the text; a check asks for the same ones often
def heading_key(text: str) -> str:
    """A heading as a reader compares it: full-width forms folded, no spaces or quotes, no
    numbering ("四、", "（二）", "第三部分"), nothing from an opening bracket on (the
    template's "（仅有一个单位的部门…" remark)."""
    plain = squash(unicodedata.normalize("NFKC", squash(text)))
    plain = _NUMBERING_RE.sub("", plain)
    return re.split(r"[(（]", plain, maxsplit=1)[0]


@dataclass(frozen=True)
class SectionFigure:
    """A phrase a section uses for one cell: of its own table unless `table` names another.
    `budget` is the column holding the same item's budget, where the table prints one."""

    words: tuple[str, ...]
    row: str
    column: str
    table: str = ""
    budget: str = ""


# The units a figure read from the text may have: money in 万元 (a figure printed in 元 is
# converted), or a count (辆, 台（套）, 个) or score (分), read after the number as printed.
TEXT_UNITS = ("万元", "辆", "台（套）", "个", "分")


@dataclass(frozen=True)
class TextFigureSpec:
    """A figure the document prints only in a section's text (机关运行经费, 政府采购, 车辆…):
    its key, label and unit, and the phrases that introduce it ("…" stands for any words of
    the same clause group, up to a ；or 。). `zero` phrases state that there is none."""

    key: str
    label: str
    unit: str
    words: tuple[str, ...]
    en: str = ""
    zero: tuple[str, ...] = ()

    def display_label(self) -> str:
        return self.en if is_english() and self.en else self.label


@dataclass(frozen=True)
class SectionSpec:
    key: str
    heading: str  # as printed, numbering left out
    table: str = ""  # the number of the table it explains ("" none)
    part: str = ""  # the part of the document it sits in (概况, 情况说明, 名词解释)
    en: str = ""
    figures: tuple[SectionFigure, ...] = ()
    # Rows of its table named in the text ("一般公共服务支出（类）…万元") are compared in
    # this column; "" when the section names no rows.
    item_column: str = ""
    item_budget: str = ""
    # Figures printed only in this section's text, kept as data (disclosure/textfigures.py).
    text_figures: tuple[TextFigureSpec, ...] = ()
    # The form asks the section to give the main reason (主要原因) of each change on last
    # year it states.
    change_reason: bool = False
    # False for the source document's own pages (its cover, its 目录): stored and checked
    # like any text, never listed among the explanations a department writes.
    shown: bool = True
    # The body opens with the document's title: the department's name, then "YYYY年度…".
    title: bool = False

    def display_heading(self) -> str:
        return self.en if is_english() and self.en else self.heading

    def matches(self, heading: str, subheading: str) -> bool:
        """Whether a stored text's heading names this section: its subheading (a section
        inside a part), or its heading when it has none; within the declared part."""
        wanted = heading_key(self.heading)
        own = heading_key(subheading) if subheading.strip() else heading_key(heading)
        if not own or not (own == wanted or own.startswith(wanted)):
            return False
        return not self.part or not subheading.strip() or self.part in squash(heading)


def parse_sections(data: dict, tables: dict) -> tuple[SectionSpec, ...]:
    """The `[[sections]]` of a layout file, validated against its tables: a section binds
    a declared table, each figure a declared column (and line, in a table of lines)."""
    slug = data["slug"]
    sections = []
    for raw in data.get("sections", []):
        section = SectionSpec(
            key=raw["key"],
            heading=raw["heading"],
            table=str(raw.get("table", "")),
            part=raw.get("part", ""),
            en=raw.get("en", ""),
            figures=tuple(
                SectionFigure(
                    words=tuple(f["words"]),
                    row=f["row"],
                    column=f["column"],
                    table=str(f.get("table", "")),
                    budget=f.get("budget", ""),
                )
                for f in raw.get("figures", [])
            ),
            item_column=raw.get("item_column", ""),
            item_budget=raw.get("item_budget", ""),
            text_figures=tuple(
                TextFigureSpec(
                    key=f["key"],
                    label=f["label"],
                    unit=f["unit"],
                    words=tuple(f["words"]),
                    en=f.get("en", ""),
                    zero=tuple(f.get("zero", ())),
                )
                for f in raw.get("text_figures", [])
            ),
            change_reason=bool(raw.get("change_reason", False)),
            shown=bool(raw.get("shown", True)),
            title=bool(raw.get("title", False)),
        )
        _validate(slug, section, tables)
        sections.append(section)
    keys = [s.key for s in sections]
    if len(keys) != len(set(keys)):
        raise LayoutError(f"{slug}: a section key is declared twice")
    text_keys = [f.key for s in sections for f in s.text_figures]
    if len(text_keys) != len(set(text_keys)):
        raise LayoutError(f"{slug}: a text figure key is declared twice")
    return tuple(sections)


def _validate(slug: str, section: SectionSpec, tables: dict) -> None:
    where = f"{slug} section {section.key}"
    if not heading_key(section.heading):
        raise LayoutError(f"{where}: a section needs a heading")
    if section.table and section.table not in tables:
        raise LayoutError(f"{where}: binds table {section.table}, which is not declared")
    if (section.item_column or section.figures) and not section.table:
        raise LayoutError(f"{where}: figures need a bound table")
    if not section.shown and (section.table or section.text_figures):
        raise LayoutError(f"{where}: a section not shown can bind no table and no figures")
    if section.item_column:
        spec = tables[section.table]
        for column in (section.item_column, section.item_budget):
            if column and spec.column(column) is None:
                raise LayoutError(f"{where}: item column {column} is not declared")
    for text_figure in section.text_figures:
        if text_figure.unit not in TEXT_UNITS or not text_figure.words:
            raise LayoutError(f"{where}: text figure {text_figure.key} needs words and a unit")
    for figure in section.figures:
        spec = tables.get(figure.table or section.table)
        if spec is None:
            raise LayoutError(f"{where}: a figure points at an undeclared table")
        for column in (figure.column, figure.budget):
            if column and spec.column(column) is None:
                raise LayoutError(f"{where}: column {column} is not declared")
        if spec.kind == "lines" and spec.panel_for_line_key(figure.row) is None:
            raise LayoutError(f"{where}: line {figure.row} is not declared")


def section_for(layout, heading: str, subheading: str = "") -> SectionSpec | None:
    """The declared section a text's heading names, or None (an "other" text). A heading
    equal to a declared one wins over one that merely starts with it. Remembered by the
    layout (its sections do not change once loaded): the checks ask once per rule."""
    memo = getattr(layout, "section_memo", None)
    if memo is not None and (heading, subheading) in memo:
        return memo[heading, subheading]
    found = [s for s in getattr(layout, "sections", ()) if s.matches(heading, subheading)]
    own = heading_key(subheading) if subheading.strip() else heading_key(heading)
    exact = [s for s in found if heading_key(s.heading) == own]
    section = next(iter(exact or found), None)
    if memo is not None and len(memo) < 10_000:  # headings come from uploads: bounded
        memo[heading, subheading] = section
    return section


def shown_narratives(layout, narratives) -> list:
    """The texts listed among the explanations: all but those of a section declared
    `shown = false` (the source document's cover and 目录)."""
    hidden = [s for s in getattr(layout, "sections", ()) if not s.shown]
    if not hidden:
        return list(narratives)
    return [
        n
        for n in narratives
        if getattr(section_for(layout, n.heading, n.subheading), "shown", True)
    ]


def section_heading(heading: str, subheading: str) -> str:
    """A text's heading as a message names it: its subheading within its part."""
    return subheading.strip() or heading.strip()


def other_headings(layout, narratives) -> list[str]:
    """The headings of texts no declared section names (each once, in document order)."""
    found = [
        section_heading(n.heading, n.subheading)
        for n in narratives
        if section_for(layout, n.heading, n.subheading) is None
    ]
    return list(dict.fromkeys(h or "（无标题）" for h in found))
