"""Layouts: versioned declarations of the 公开 tables, read from the TOML files beside this one.

A layout is data. Adding a region's or a year's layout means adding a TOML file here; the
importer, the pages, the PDF, the exports and the checks read the declarations and have no
per-table code paths.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from django.utils.translation import get_language

from disclosure.layouts.roles import FIGURE_ROLES, TABLE_ROLES

LAYOUT_DIR = Path(__file__).resolve().parent

TABLE_KINDS = (
    "codes",  # rows keyed by classification codes (类/款/项) plus a 合计 row
    "economic",  # economic codes printed in side-by-side blocks, plus summary lines
    "lines",  # fixed lines with 行次, in one or more side-by-side panels
    "narrative",  # text sections
    "performance_overall",  # the department-wide performance self-evaluation
    "performance_project",  # one project's performance self-evaluation (repeatable)
)


class LayoutError(ValueError):
    """A layout file contradicts itself; raised at load time, never at request time."""


_SQUASH_RE = re.compile(r"[\s\u3000“”\"'‘’]")


def squash(text: str) -> str:
    """Compare labels the way a reader does: without spaces or quote styles."""
    return _SQUASH_RE.sub("", text)


_NUMBERING_RE = re.compile(r"^[（(]?[一二三四五六七八九十百]+[）)]?[、．.]?|^\d{1,2}[、．.]")
_TRAILING_NOTE_RE = re.compile(r"[（(][^（()）]*[）)]$")


def label_key(text: str) -> str:
    """A line's label as a reader compares it: no spaces, no numbering prefix ("二十四、"),
    no trailing remark in brackets ("（含专用结余）"), full-width forms folded."""
    squashed = unicodedata.normalize("NFKC", squash(text))
    squashed = squash(squashed)
    return _TRAILING_NOTE_RE.sub("", _NUMBERING_RE.sub("", squashed))


def heading_key(text: str) -> str:
    """A heading as a reader compares it: full-width forms folded, no spaces, line breaks
    or quote styles."""
    return squash(unicodedata.normalize("NFKC", squash(text)))


def is_english() -> bool:
    """Whether the page is being drawn in English (Chinese is the default)."""
    return (get_language() or "").startswith("en")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    group: tuple[str, ...] = ()
    lanci: str = ""
    sum_of: tuple[str, ...] = ()
    part_of: str = ""
    en: str = ""
    group_en: tuple[str, ...] = ()
    # What a sentence calls the column when its printed leaf is not its name: 表7 of 2024
    # prints 预算数/决算数 under each item, so the item is the name.
    name: str = ""
    # The economic code its amounts are spent under (a 三公 item printed as a column).
    economic_code: str = ""
    # Other wordings documents print for the heading that names the column: its label, or
    # its `name` where that is the group printed over a shared label (表7's items over
    # 预算数/决算数). The importer's header matching accepts them as the declared wording.
    aliases: tuple[str, ...] = ()

    @property
    def named_by_group(self) -> bool:
        """Whether the heading naming the column is its nearest group, not its label."""
        return bool(self.name and self.group) and heading_key(self.name) == heading_key(
            self.group[-1]
        )

    @property
    def naming_heading(self) -> str:
        """The declared wording of the heading its `aliases` stand for."""
        return self.group[-1] if self.named_by_group else self.label

    @property
    def header(self) -> str:
        """The full header text, groups included: what a reader sees above the cells."""
        return "/".join((*self.group, self.label))

    def display_label(self) -> str:
        return self.en if is_english() and self.en else self.label

    def display_group(self) -> tuple[str, ...]:
        return self.group_en if is_english() and self.group_en else self.group


@dataclass(frozen=True)
class Line:
    no: int
    label: str
    key: str
    en: str = ""
    sum_of: tuple[int, ...] = ()
    part_of: int | None = None
    class_code: str = ""
    economic_code: str = ""
    indent: int = 0
    total: bool = False
    format: str = "amount"  # amount | count
    optional: bool = False  # a document may leave the line out (债务还本/付息 in 2024)

    def display_label(self) -> str:
        return self.en if is_english() and self.en else self.label


@dataclass(frozen=True)
class SummaryLine:
    key: str
    label: str
    en: str = ""
    sum_of_codes: tuple[str, ...] = ()

    def display_label(self) -> str:
        return self.en if is_english() and self.en else self.label


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    columns: tuple[Column, ...]
    lines: tuple[Line, ...]
    label_col: int
    lineno_col: int  # -1: the layout prints no 行次; lines are known by their label
    first_amount_col: int
    title_en: str = ""

    def line(self, no: int) -> Line | None:
        return next((line for line in self.lines if line.no == no), None)

    @cached_property
    def _lines_by_key(self) -> dict[str, list[Line]]:
        """The labelled lines by their label's key, in printed order."""
        index: dict[str, list[Line]] = {}
        for line in self.lines:
            if line.label:
                index.setdefault(label_key(line.label), []).append(line)
        return index

    def line_by_label(self, label: str, after: int = -1, used: frozenset[int] = frozenset()):
        """The line printed with this label: the first unused one after line `after` (a
        label may repeat, as 表4's "一般公共预算财政拨款" under 收入 and under 年初结转),
        else the first unused one anywhere."""
        wanted = label_key(label)
        if not wanted:
            return None
        matches = [line for line in self._lines_by_key.get(wanted, ()) if line.no not in used]
        return next((line for line in matches if line.no > after), None) or next(
            iter(matches), None
        )


@dataclass(frozen=True)
class Flow:
    opening: str
    income: str
    spend: str
    closing: str


@dataclass(frozen=True)
class TableSpec:
    number: str
    title: str
    kind: str
    role: str = ""  # what the table means to its readers: a key of roles.TABLE_ROLES
    title_en: str = ""
    unit: str = "元"
    classification: str = ""
    columns: tuple[Column, ...] = ()
    code_cols: tuple[int, ...] = (0,)
    name_col: int = 1
    first_amount_col: int = 2
    panels: tuple[Panel, ...] = ()
    blocks: int = 1
    block_width: int = 3
    block_titles: tuple[str, ...] = ()
    block_titles_en: tuple[str, ...] = ()
    summary_lines: tuple[SummaryLine, ...] = ()
    flows: tuple[Flow, ...] = ()
    indicator_fields: tuple[str, ...] = ()
    repeatable: bool = False
    reconstructed: bool = False
    mark: str = ""
    positions: str = "declared"  # declared | by_width (amount columns read from the right)

    @property
    def label(self) -> str:
        """The table's name as printed in Chinese documents: "公开05"."""
        return self.mark.removesuffix("表") if self.mark else f"公开{self.number}"

    def display_title(self) -> str:
        return self.title_en if is_english() and self.title_en else self.title

    @property
    def is_amount_table(self) -> bool:
        return self.kind in {"codes", "economic", "lines"}

    def all_columns(self) -> tuple[Column, ...]:
        """Every amount column, panels included, in printed order (keys may repeat across
        panels: a panel's columns belong to that panel's lines only)."""
        if self.panels:
            return tuple(col for panel in self.panels for col in panel.columns)
        return self.columns

    def column(self, key: str) -> Column | None:
        for col in self.all_columns():
            if col.key == key:
                return col
        return None

    def panel_for_line_key(self, key: str) -> Panel | None:
        for panel in self.panels:
            if any(line.key == key for line in panel.lines):
                return panel
        return None


@dataclass(frozen=True)
class Figure:
    """A named cell (table, row key, column key) that summaries and comparisons read."""

    key: str
    table: str
    row: str
    column: str
    label: str
    en: str = ""

    def display_label(self) -> str:
        return self.en if is_english() and self.en else self.label


@dataclass(frozen=True)
class Layout:
    slug: str
    name: str
    version: int
    first_year: int
    tables: tuple[TableSpec, ...]
    name_en: str = ""
    region: str = ""
    mark: str = "公开{number}表"
    figures: dict[str, Figure] = field(default_factory=dict, compare=False, repr=False)
    # The 说明 sections, each bound to its table (layouts/sections.py).
    sections: list = field(default_factory=list, compare=False, repr=False)
    _index: dict[str, TableSpec] = field(default_factory=dict, compare=False, repr=False)
    # (heading, subheading) → the section it names, as `section_for` found it.
    section_memo: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def mark_re(self) -> re.Pattern:
        """The table mark as a pattern: "公开{number}表" finds 公开05表, 公开 5 表 …"""
        before, _, after = self.mark.partition("{number}")
        return re.compile(
            r"\s*".join(map(re.escape, before))
            + r"\s*(\d{1,2})\s*"
            + r"\s*".join(map(re.escape, after))
        )

    def table(self, number: str) -> TableSpec:
        return self._index[number]

    def by_role(self, role: str) -> TableSpec | None:
        """The table the layout declares for a role (roles.TABLE_ROLES), if it has one."""
        return next((t for t in self.tables if t.role == role), None)

    def text_figure(self, key: str):
        """The declared figure of that key read from a 说明 (TextFigureSpec), or None."""
        return next((f for s in self.sections for f in s.text_figures if f.key == key), None)

    def has_table(self, number: str) -> bool:
        return number in self._index

    @property
    def numbers(self) -> list[str]:
        return [t.number for t in self.tables]


def _columns(raw: list[dict]) -> tuple[Column, ...]:
    cols = []
    for c in raw:
        cols.append(
            Column(
                key=c["key"],
                label=c["label"],
                group=tuple(c.get("group", ())),
                lanci=str(c.get("lanci", "")),
                sum_of=tuple(c.get("sum_of", ())),
                part_of=c.get("part_of", ""),
                en=c.get("en", ""),
                group_en=tuple(c.get("group_en", ())),
                name=c.get("name", ""),
                economic_code=c.get("economic_code", ""),
                aliases=tuple(c.get("aliases", ())),
            )
        )
    return tuple(cols)


def _lines(raw: list[dict]) -> tuple[Line, ...]:
    return tuple(
        Line(
            no=int(item["no"]),
            label=item.get("label", ""),
            key=item.get("key") or str(item["no"]),
            en=item.get("en", ""),
            sum_of=tuple(int(n) for n in item.get("sum_of", ())),
            part_of=item.get("part_of"),
            class_code=item.get("class_code", ""),
            economic_code=item.get("economic_code", ""),
            indent=int(item.get("indent", 0)),
            total=bool(item.get("total", False)),
            format=item.get("format", "amount"),
            optional=bool(item.get("optional", False)),
        )
        for item in raw
    )


def _validate_table(slug: str, t: TableSpec) -> None:
    where = f"{slug} 公开{t.number}"
    if t.kind not in TABLE_KINDS:
        raise LayoutError(f"{where}: unknown kind {t.kind!r}")
    column_sets = [p.columns for p in t.panels] if t.panels else [t.columns]
    for cols in column_sets:
        keys = [c.key for c in cols]
        if len(keys) != len(set(keys)):
            raise LayoutError(f"{where}: duplicate column keys")
        for c in cols:
            for ref in (*c.sum_of, *([c.part_of] if c.part_of else [])):
                if ref not in keys:
                    raise LayoutError(f"{where}: column {c.key} refers to unknown {ref}")
        _validate_aliases(where, cols)
    for p in t.panels:
        numbers = [line.no for line in p.lines]
        if len(numbers) != len(set(numbers)):
            raise LayoutError(f"{where}: duplicate 行次 in panel {p.key}")
        for line in p.lines:
            for ref in line.sum_of:
                if ref not in numbers:
                    raise LayoutError(f"{where}: line {line.no} sums unknown line {ref}")
    if t.panels:
        all_keys = [line.key for p in t.panels for line in p.lines]
        if len(all_keys) != len(set(all_keys)):
            raise LayoutError(f"{where}: a line key is used twice")
    if t.positions not in {"declared", "by_width"}:
        raise LayoutError(f"{where}: positions must be declared or by_width")
    if t.kind in {"codes", "economic", "lines"} and not (t.columns or t.panels):
        raise LayoutError(f"{where}: an amount table needs columns")
    codes = [line.economic_code for p in t.panels for line in p.lines]
    codes += [col.economic_code for col in t.all_columns()]
    if bad := [code for code in codes if code and not re.fullmatch(r"\d{5}", code)]:
        raise LayoutError(f"{where}: economic_code {bad[0]!r} is not a 款 code of 5 digits")
    if t.role:
        _validate_role(where, t)


def _validate_aliases(where: str, cols: tuple[Column, ...]) -> None:
    """An alias is a wording of its own column's heading: not blank, not that heading
    itself, and not the heading that names another column of the same set (a header
    must never be able to name two columns)."""
    for c in cols:
        others = {heading_key(o.naming_heading) for o in cols if o.key != c.key}
        for alias in c.aliases:
            key = heading_key(alias) if isinstance(alias, str) else ""
            if not key:
                raise LayoutError(f"{where}: column {c.key} has an alias that is blank or not text")
            if key == heading_key(c.naming_heading):
                raise LayoutError(f"{where}: column {c.key} lists its own heading as an alias")
            if key in others:
                raise LayoutError(
                    f"{where}: alias {alias!r} of column {c.key} names another column"
                )


def _row_keys(t: TableSpec) -> set[str]:
    """The row keys a named cell may point at: lines, summary lines, a code table's total."""
    keys = {line.key for p in t.panels for line in p.lines}
    keys |= {s.key for s in t.summary_lines}
    return keys | ({"total"} if t.kind == "codes" else set())


def _validate_role(where: str, t: TableSpec) -> None:
    """A declared role is one the readers know, on a table of its kind, declaring the line
    and column keys they read."""
    role = TABLE_ROLES.get(t.role)
    if role is None:
        raise LayoutError(f"{where}: unknown role {t.role!r} (known: {', '.join(TABLE_ROLES)})")
    if t.kind != role.kind:
        raise LayoutError(f"{where}: role {t.role} needs a table of kind {role.kind}")
    missing = [key for key in role.lines if key not in _row_keys(t)]
    missing += [key for key in role.columns if t.column(key) is None]
    if missing:
        raise LayoutError(f"{where}: role {t.role} needs the keys {', '.join(missing)}")


def _validate_figure(layout: Layout, figure: Figure) -> None:
    where = f"{layout.slug}: figure {figure.key}"
    if figure.key not in FIGURE_ROLES:
        raise LayoutError(f"{where} is not a known figure (known: {', '.join(FIGURE_ROLES)})")
    spec = layout._index.get(figure.table)
    if spec is None or spec.column(figure.column) is None:
        raise LayoutError(f"{where} points at no declared column")
    if figure.row not in _row_keys(spec):
        raise LayoutError(f"{where} points at no declared row")
    if spec.role != FIGURE_ROLES[figure.key]:
        raise LayoutError(f"{where} must be read from the {FIGURE_ROLES[figure.key]} table")


def parse_layout(data: dict) -> Layout:
    tables = []
    for t in data["tables"]:
        panels = tuple(
            Panel(
                key=p["key"],
                title=p.get("title", ""),
                title_en=p.get("title_en", ""),
                columns=_columns(p["columns"]),
                lines=_lines(p["lines"]),
                label_col=int(p["label_col"]),
                lineno_col=int(p["lineno_col"]),
                first_amount_col=int(p["first_amount_col"]),
            )
            for p in t.get("panels", [])
        )
        spec = TableSpec(
            number=str(t["number"]),
            title=t["title"],
            title_en=t.get("title_en", ""),
            kind=t["kind"],
            role=t.get("role", ""),
            unit=t.get("unit", "元"),
            classification=t.get("classification", ""),
            columns=_columns(t.get("columns", [])),
            code_cols=tuple(t.get("code_cols", (0,))),
            name_col=int(t.get("name_col", 1)),
            first_amount_col=int(t.get("first_amount_col", 2)),
            panels=panels,
            blocks=int(t.get("blocks", 1)),
            block_width=int(t.get("block_width", 3)),
            block_titles=tuple(t.get("block_titles", ())),
            block_titles_en=tuple(t.get("block_titles_en", ())),
            summary_lines=tuple(
                SummaryLine(
                    key=s["key"],
                    label=s["label"],
                    en=s.get("en", ""),
                    sum_of_codes=tuple(s.get("sum_of_codes", ())),
                )
                for s in t.get("summary_lines", [])
            ),
            flows=tuple(Flow(**f) for f in t.get("flows", [])),
            indicator_fields=tuple(t.get("indicator_fields", ())),
            repeatable=bool(t.get("repeatable", False)),
            reconstructed=bool(t.get("reconstructed", False)),
            mark=data.get("mark", "公开{number}表").format(number=t["number"]),
            positions=t.get("positions", "declared"),
        )
        _validate_table(data["slug"], spec)
        tables.append(spec)
    numbers = [t.number for t in tables]
    if len(numbers) != len(set(numbers)):
        raise LayoutError(f"{data['slug']}: a table number is declared twice")
    roles = [t.role for t in tables if t.role]
    twice = sorted({r for r in roles if roles.count(r) > 1})
    if twice:
        raise LayoutError(f"{data['slug']}: role {twice[0]} is declared by two tables")
    layout = Layout(
        slug=data["slug"],
        name=data["name"],
        name_en=data.get("name_en", ""),
        version=int(data.get("version", 1)),
        first_year=int(data.get("first_year", 0)),
        region=data.get("region", ""),
        mark=data.get("mark", "公开{number}表"),
        tables=tuple(tables),
    )
    layout._index.update({t.number: t for t in tables})
    for key, f in data.get("figures", {}).items():
        figure = Figure(key=key, **f)
        _validate_figure(layout, figure)
        layout.figures[key] = figure
    from disclosure.layouts.sections import parse_sections

    layout.sections.extend(parse_sections(data, layout._index))
    return layout


@cache
def all_layouts() -> dict[str, Layout]:
    layouts = {}
    for path in sorted(LAYOUT_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            layout = parse_layout(tomllib.load(fh))
        if layout.slug != path.stem:
            raise LayoutError(f"{path.name}: slug {layout.slug!r} must match the file name")
        layouts[layout.slug] = layout
    return layouts


def get_layout(slug: str) -> Layout:
    try:
        return all_layouts()[slug]
    except KeyError:
        raise LayoutError(f"unknown layout {slug!r}") from None


def layout_choices() -> list[tuple[str, str]]:
    return [(slug, layout.name) for slug, layout in all_layouts().items()]


DEFAULT_LAYOUT = "yunnan-2021"
