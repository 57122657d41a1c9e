"""Text against tables: the amounts the explanations (说明) state, in the units they state
them; no template placeholders; the department and the year printed consistently."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disclosure.checks.engine import WARNING, column_header, line_label, rule
from disclosure.checks.loader import Context, TableData
from disclosure.checks.meanings import (
    CHANGE_WORDS,
    CONTEXT_WORDS,
    NARRATIVE_TERMS,
    PLACEHOLDER_PATTERN,
    Term,
    figures,
)
from disclosure.layouts.sections import section_for
from disclosure.money import TEN_THOUSAND, round_half_up

SEGMENT = re.compile(r"[。；;！？!?\n]")
CLAUSE = re.compile(r"[，、：:]")
AMOUNT = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万元|元)")
PLACEHOLDER = re.compile(PLACEHOLDER_PATTERN)
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def text_table(ctx: Context, number: str) -> TableData | None:
    """The table a text belongs to; a text outside the tables goes with the layout's
    narrative table."""
    if number and number in ctx.tables:
        return ctx.tables[number]
    return next((t for t in ctx.tables.values() if t.spec.kind == "narrative"), None)


def section_label(section) -> str:
    return " ".join(filter(None, [section.heading, section.subheading])) or _("说明")


def _cell(ctx: Context, ref: str) -> tuple[TableData, str, str] | None:
    """A candidate cell ("fig:key" or "role:row:column") if this disclosure has it."""
    if ref.startswith("fig:"):
        fig = figures(ctx.layout).get(ref.removeprefix("fig:"))
        if fig is None:
            return None
        table, row, column = ctx.tables.get(fig.table), fig.row, fig.column
    else:
        role, row, column = ref.split(":")
        table = ctx.role(role)
    if table is None or not table.present or table.spec.column(column) is None:
        return None
    if table.row(row) is None and not (table.spec.kind == "lines" and _declares(table, row)):
        return None
    return table, row, column


def _declares(table: TableData, key: str) -> bool:
    return table.spec.panel_for_line_key(key) is not None


def _context(clause: str) -> str | None:
    for name, words in CONTEXT_WORDS:
        if any(w in clause for w in words):
            return name
    return None


def _term(before: str) -> tuple[Term, int] | None:
    """The most specific term named before the amount, and where its last mention ends."""
    for term in NARRATIVE_TERMS:
        ends = [before.rfind(w) + len(w) for w in term.words if w in before]
        if ends:
            return term, max(ends)
    return None


def stated_amounts(text: str):
    """(clause, term, context, amount, unit, places) for each amount the text ties to a term."""
    for segment in SEGMENT.split(text):
        context = None
        for clause in CLAUSE.split(segment):
            context = _context(clause) or context
            match = AMOUNT.search(clause)
            if match is None:
                continue
            found = _term(clause[: match.start()])
            if found is None:
                continue
            term, end = found
            if any(w in clause[end : match.start()] for w in CHANGE_WORDS):
                continue
            number = match.group(1).replace(",", "")
            places = len(number.split(".")[1]) if "." in number else 0
            yield clause.strip(), term, context, Decimal(number), match.group(2), places


def in_stated_unit(table: TableData, value: Decimal, unit: str, places: int) -> Decimal:
    yuan = table.in_yuan(value)
    shown = yuan / TEN_THOUSAND if unit == "万元" else yuan
    return round_half_up(shown, Decimal(1).scaleb(-places))


@rule(
    "narrative.amounts",
    gettext_lazy("说明中的金额与表一致（元、万元不混淆）"),
    severity=WARNING,
    reads=("text",),
)
def amounts(ctx, out):
    """Each amount an explanation states next to a known phrase (基本支出, 项目支出, “三公”
    经费, 公务接待, 公务用车, 机关运行经费, 年末结转 …; see meanings.NARRATIVE_TERMS) equals
    the table's figure at the precision stated (873.39万元 for 8,733,858.45 元). A clause
    about the budget (预算数), the start (年初) or the end (年末) of the year is compared with
    those figures. Amounts of a change (同比减少 …) and percentages are not compared."""
    for section in ctx.narratives:
        home = text_table(ctx, section.table_number)
        if home is None or _declares_figures(ctx, section):
            continue  # a section that declares its figures: text.amounts
        for clause, term, context, stated, unit, places in stated_amounts(section.body):
            refs = (getattr(term, context) if context else ()) or term.default
            cells = [c for c in (_cell(ctx, ref) for ref in refs) if c is not None]
            if not cells:
                out.cannot(
                    _("说明提到的数字在表中找不到对应的单元格：{clause}").format(clause=clause)
                )
                continue
            out.checked()
            values = [(t, t.value(r, c), r, c) for t, r, c in cells]
            if any(in_stated_unit(t, v, unit, places) == stated for t, v, _r, _c in values):
                continue
            table, value, row, column = values[0]
            expected = in_stated_unit(table, value, unit, places)
            hint = ""
            if unit == "元" and in_stated_unit(table, value, "万元", places) == stated:
                hint = _("数字与万元数相符，单位应为“万元”。")
            elif unit == "万元" and value == stated and table.printed_unit == "元":
                hint = _("{table}中印的正是 {stated}，但单位是元：两处必有一处单位有误。").format(
                    table=table.label, stated=stated
                )
            out.flag(
                home,
                row_key=f"s{section.position}",
                row_text=section_label(section),
                expected=expected,
                actual=stated,
                difference=stated - expected,
                unit=unit,
                template=_("说明中“{clause}”与{there}“{figure}”的 {expected} 不符。{hint}"),
                cells=[(t.number, r, c) for t, _v, r, c in values],
                clause=clause,
                there=table.label,
                figure=_figure_label(table, row, column),
                hint=hint,
            )


def _declares_figures(ctx: Context, section) -> bool:
    declared = section_for(ctx.layout, section.heading, section.subheading)
    return declared is not None and bool(declared.figures or declared.item_column)


def _figure_label(table: TableData, row: str, column: str) -> str:
    if table.spec.kind == "lines":
        return f"{line_label(table.spec, row)}/{column_header(table.spec, column)}"
    name = _("合计") if row == "total" else row
    return f"{name}/{column_header(table.spec, column)}"


def _texts(ctx: Context):
    """(table, row key, where, text) of every free text the disclosure publishes."""
    for section in ctx.narratives:
        table = text_table(ctx, section.table_number)
        if table is not None:
            yield table, f"s{section.position}", section_label(section), section.body
    for table in ctx.tables.values():
        if table.statement:
            yield table, "statement", _("空表说明"), table.statement
    overall_table = next(
        (t for t in ctx.tables.values() if t.spec.kind == "performance_overall"), None
    )
    if ctx.overall is not None and overall_table is not None:
        o = ctx.overall
        for key, name, text in (
            ("duties", _("部门职责"), o.duties),
            ("overall_goal", _("总体绩效目标"), o.overall_goal),
            ("other_matters", _("其他需说明事项"), o.other_matters),
        ):
            yield overall_table, key, name, text
    project_table = next(
        (t for t in ctx.tables.values() if t.spec.kind == "performance_project"), None
    )
    if project_table is not None:
        for p in ctx.projects:
            for field, name, text in (
                ("goal", _("年度总体目标"), p.goal),
                ("goal_expected", _("预期目标"), p.goal_expected),
                ("goal_actual", _("实际完成情况"), p.goal_actual),
            ):
                yield project_table, f"p{p.position}-{field}", f"{p.name}：{name}", text


@rule(
    "narrative.placeholders",
    gettext_lazy("没有遗留的模板占位符（XX、×× 等）"),
    severity=WARNING,
    reads=("text",),
)
def placeholders(ctx, out):
    """No published text keeps a template's placeholder (XX, ××, **, 某某, {{ }})."""
    for table, key, where, text in _texts(ctx):
        if not text:
            continue
        out.checked()
        match = PLACEHOLDER.search(text)
        if match:
            start = max(match.start() - 12, 0)
            out.flag(
                table,
                row_key=key,
                row_text=where,
                template=_("“{where}”中留有模板占位符“{mark}”：…{excerpt}…"),
                where=where,
                mark=match.group(0),
                excerpt=text[start : match.end() + 12],
            )


@rule(
    "narrative.identity",
    gettext_lazy("各表所印的部门名称和年度与本公开一致"),
    severity=WARNING,
    reads=("text",),
)
def identity(ctx, out):
    """Each table's printed department (部门：/编制单位：) is the department's name, and a
    year printed in a table's title is the disclosure's year."""
    name = _plain(ctx.department_name)
    for table in ctx.tables.values():
        if table.printed_department:
            out.checked()
            if _plain(table.printed_department) != name:
                out.flag(
                    table,
                    template=_("{table}印的单位是“{printed}”，本公开的部门是“{department}”。"),
                    printed=table.printed_department,
                    department=ctx.department_name,
                )
        for match in YEAR.finditer(table.printed_title):
            out.checked()
            if int(match.group(1)) != ctx.year:
                out.flag(
                    table,
                    template=_("{table}的标题“{title}”写的是 {printed} 年，本公开是 {year} 年度。"),
                    title=table.printed_title,
                    printed=match.group(1),
                    year=ctx.year,
                )
    if ctx.overall is not None and ctx.overall.preparer:
        table = next(t for t in ctx.tables.values() if t.spec.kind == "performance_overall")
        out.checked()
        if _plain(ctx.overall.preparer) != name:
            out.flag(
                table,
                template=_("{table}的编制单位是“{printed}”，本公开的部门是“{department}”。"),
                printed=ctx.overall.preparer,
                department=ctx.department_name,
            )


def _plain(text: str) -> str:
    return re.sub(r"\s", "", text)
