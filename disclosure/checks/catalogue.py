"""Classification codes: well formed, in the year's catalogue, named as the catalogue (and
the other tables) name them, and printed under their 类/款."""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disclosure.checks.engine import ERROR, WARNING, rule
from disclosure.models.classification import CatalogueKind, Level, level_of, parent_code

MAX_LEVEL = {CatalogueKind.FUNCTIONAL: Level.ITEM, CatalogueKind.ECONOMIC: Level.SECTION}
KIND_NAMES = {
    CatalogueKind.FUNCTIONAL: gettext_lazy("支出功能分类"),
    CatalogueKind.ECONOMIC: gettext_lazy("经济分类"),
}
NAME_COLUMN = "name"  # column_key of a finding about a row's name


def normalise(name: str) -> str:
    """Names compared as a reader reads them: full- and half-width forms alike (（室） is
    (室)), spaces and quotation marks ignored."""
    text = unicodedata.normalize("NFKC", name)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "“”\"'‘’")


def classified_tables(ctx):
    """(table, catalogue kind) of every present code-keyed table."""
    for table in ctx.tables_of_kind("codes", "economic"):
        if table.present and table.spec.classification in MAX_LEVEL:
            yield table, table.spec.classification


@rule(
    "catalogue.code_format",
    gettext_lazy("科目编码位数正确（类 3 位、款 5 位、项 7 位）"),
    severity=ERROR,
    reads=("kind:codes", "kind:economic"),
)
def code_format(ctx, out):
    """A functional code has 3 (类), 5 (款) or 7 (项) digits; an economic code 3 or 5."""
    for table, kind in classified_tables(ctx):
        for row in table.code_rows:
            out.checked()
            level = level_of(row.code)
            if level is not None and level <= MAX_LEVEL[kind]:
                continue
            out.flag(
                table,
                row=row,
                column=NAME_COLUMN,
                column_text=_("科目名称"),
                template=_(
                    "科目编码“{code}”有 {n} 位：{kind}编码应为 {lengths} 位。"
                    "它的上下级科目因此无法核对。"
                ),
                code=row.code,
                n=len(row.code),
                kind=KIND_NAMES[kind],
                lengths=_("3、5 或 7") if kind == CatalogueKind.FUNCTIONAL else _("3 或 5"),
            )


@rule(
    "catalogue.exists",
    gettext_lazy("科目编码在当年的科目表中"),
    severity=ERROR,
    reads=("kind:codes", "kind:economic", "catalogue"),
)
def exists(ctx, out):
    """Every well-formed code is in the year's catalogue of its classification. When the
    loaded catalogue is an extract (compiled, not the official full list) a missing code is
    a warning: it may be in the full list."""
    for table, kind in classified_tables(ctx):
        catalogue = ctx.catalogues.get(kind)
        if catalogue is None:
            out.cannot(
                _("未载入 {year} 年的{kind}科目表。").format(year=ctx.year, kind=KIND_NAMES[kind])
            )
            continue
        extract = catalogue.provenance != "official"
        for row in table.code_rows:
            if level_of(row.code) is None:
                continue
            out.checked()
            if row.code in catalogue.names:
                continue
            out.flag(
                table,
                row=row,
                column=NAME_COLUMN,
                column_text=_("科目名称"),
                severity=WARNING if extract else ERROR,
                template=_("科目“{code} {name}”不在 {year} 年的{kind}科目表中{extract}。"),
                code=row.code,
                name=row.name,
                year=ctx.year,
                kind=KIND_NAMES[kind],
                extract=_("（已载入的是摘录，请对照完整科目表）") if extract else "",
            )


@rule(
    "catalogue.name",
    gettext_lazy("同一科目在各表中名称一致，并与当年科目表一致"),
    severity=WARNING,
    reads=("kind:codes", "kind:economic"),
)
def names(ctx, out):
    """The same code carries the same name in every table, and the name the year's
    catalogue gives it. With the catalogue, each row whose name differs from it is reported;
    for codes the catalogue lacks (or without a catalogue) the tables are compared with each
    other: rows differing from the name most tables use are reported, or, when no name is in
    the majority, the code once with every variant."""
    printed = defaultdict(list)  # (kind, code) → [(table, row)]
    for table, kind in classified_tables(ctx):
        for row in table.code_rows:
            if level_of(row.code) is not None and row.name:
                printed[(kind, row.code)].append((table, row))
    for (kind, code), places in printed.items():
        catalogue = ctx.catalogues.get(kind)
        official = catalogue.names.get(code) if catalogue else None
        if official is not None:
            for table, row in places:
                out.checked()
                if normalise(row.name) != normalise(official):
                    out.flag(
                        table,
                        row=row,
                        column=NAME_COLUMN,
                        column_text=_("科目名称"),
                        template=_(
                            "科目 {code} 在{table}印作“{printed}”，{year} 年科目表中的名称是"
                            "“{official}”。"
                        ),
                        code=code,
                        printed=row.name,
                        official=official,
                        year=ctx.year,
                    )
            continue
        if len(places) < 2:
            continue
        out.checked(len(places))
        counts = Counter(normalise(row.name) for _t, row in places)
        if len(counts) == 1:
            continue
        (top, top_n), *rest = counts.most_common()
        if rest and rest[0][1] == top_n:
            table, row = places[0]
            out.flag(
                table,
                row=row,
                column=NAME_COLUMN,
                column_text=_("科目名称"),
                template=_("科目 {code} 在各表中名称不一：{variants}。"),
                cells=[(t.number, r.key, NAME_COLUMN) for t, r in places],
                code=code,
                variants="；".join(f"{t.label}“{r.name}”" for t, r in places),
            )
            continue
        usual = next(r.name for _t, r in places if normalise(r.name) == top)
        for table, row in places:
            if normalise(row.name) != top:
                out.flag(
                    table,
                    row=row,
                    column=NAME_COLUMN,
                    column_text=_("科目名称"),
                    template=_("科目 {code} 在{table}印作“{printed}”，其他表都印作“{usual}”。"),
                    code=code,
                    printed=row.name,
                    usual=usual,
                )


@rule(
    "catalogue.parent",
    gettext_lazy("款、项印在其所属的类、款之下"),
    severity=ERROR,
    reads=("kind:codes", "kind:economic"),
)
def parents(ctx, out):
    """Every 款 is printed with its 类 and every 项 with its 款 in the same table (the
    catalogue itself guarantees a code's parent is the code's prefix)."""
    for table, _kind in classified_tables(ctx):
        codes = {r.code for r in table.code_rows}
        orphans = defaultdict(list)
        for row in table.code_rows:
            level = level_of(row.code)
            if level in (None, Level.CLASS):
                continue
            out.checked()
            parent = parent_code(row.code)
            if parent not in codes:
                orphans[parent].append(row)
        for parent, rows in orphans.items():
            level = Level(level_of(rows[0].code))
            out.flag(
                table,
                row=rows[0],
                column=NAME_COLUMN,
                column_text=_("科目名称"),
                template=_("{level} {codes} 的上级{parent_level} {parent} 不在表中。"),
                cells=[(table.number, r.key, NAME_COLUMN) for r in rows[1:]],
                level=level.label,
                codes="、".join(r.code for r in rows),
                parent_level=Level(level - 1).label,
                parent=parent,
            )
