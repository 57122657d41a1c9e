"""The 说明 against the tables they explain, section by section (layouts' `[[sections]]`).

Every finding names the section as printed ("四、财政拨款收入支出决算总体情况说明"), quotes
the sentence, and points at the table cell it was compared with."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disclosure.checks.engine import ERROR, WARNING, NotChecked, money, rule
from disclosure.checks.loader import Context, TableData
from disclosure.checks.narrative import in_stated_unit
from disclosure.checks.sentences import (
    PERCENT,
    Reading,
    Statement,
    Subject,
    clause_start,
    read_section,
    sentence_place,
)
from disclosure.layouts.sections import SectionSpec, section_for, section_heading
from disclosure.money import round_half_up

# A stated amount off by at most this (in its stated unit, at 0.01) is a rounding slip to
# look at, not an error.
SLIP = Decimal("0.01")


@dataclass
class Text:
    """One stored text, the section its heading names, and the table it explains."""

    narrative: object  # NarrativeSection
    section: SectionSpec | None
    table: TableData | None

    @property
    def where(self) -> str:
        return section_heading(self.narrative.heading, self.narrative.subheading) or _("说明")

    @property
    def key(self) -> str:
        return f"s{self.narrative.position}"


def texts(ctx: Context) -> Iterator[Text]:
    """Every stored text with its declared section (None: kept as "other")."""
    for narrative in ctx.narratives:
        section = section_for(ctx.layout, narrative.heading, narrative.subheading)
        table = ctx.tables.get(section.table) if section and section.table else None
        yield Text(narrative, section, table)


def _require_figures(ctx: Context) -> None:
    if not any(s.figures or s.item_column for s in ctx.layout.sections):
        raise NotChecked(_("本表式的说明各节没有声明所对照的表格数字。"))


def bound_texts(ctx: Context) -> Iterator[tuple[Text, list[Reading]]]:
    """The texts whose section compares figures with a table, read sentence by sentence."""
    _require_figures(ctx)
    for text in texts(ctx):
        section = text.section
        if section is None or not (section.figures or section.item_column):
            continue
        if text.table is None or not text.table.present:
            continue
        yield text, read_section(text.narrative.body, section, text.table)


def cell_of(ctx: Context, text: Text, statement: Statement) -> tuple[TableData, str, str] | None:
    """The table cell a statement is compared with, or None (the table prints no such
    figure: a budget of a table with final figures only)."""
    subject = statement.subject
    if subject is None:
        return None
    if subject.row is not None:
        column = text.section.item_budget if statement.budget else text.section.item_column
        return (text.table, subject.row.key, column) if column else None
    figure = subject.figure
    table = ctx.tables.get(figure.table) if figure.table else text.table
    column = figure.budget if statement.budget else figure.column
    if table is None or not table.present or not column:
        return None
    return table, figure.row, column


def figure_name(table: TableData, row: str, column: str) -> str:
    """How a finding names a cell: "公开04 总计/决算数"."""
    spec = table.spec
    col = spec.column(column)
    if spec.kind == "lines":
        line = next((ln for p in spec.panels for ln in p.lines if ln.key == row), None)
        name = line.label if line and line.label else ""
    else:
        found = table.row(row)
        name = _("合计") if row == "total" else (f"{row} {found.name}" if found else row)
    header = (col.name or col.header) if col else column
    return f"{table.label} {'/'.join(filter(None, [name, header]))}"


@rule(
    "text.amounts",
    gettext_lazy("说明各节所述金额与所说明的表一致"),
    severity=ERROR,
    reads=("text",),
)
def section_amounts(ctx, out):
    """Each amount a section states — totals, 结转/结余, each item it names, 人员经费/公用
    经费, the 三公 budget and final — equals the cell of the table the section explains
    (declared in the layout), at the precision stated ("0.3万元" is compared with 2,961.68
    rounded to 0.1). A difference of one unit of the last place stated is a warning; a
    change (增加/减少 x万元) is left to the year-on-year rule; an amount the table does not
    print (a budget of a table of final figures) is "not checked"."""
    for text, readings in bound_texts(ctx):
        for n, reading in enumerate(readings):
            for statement in reading.statements:
                if statement.change:
                    continue
                cell = cell_of(ctx, text, statement)
                if cell is None:
                    out.cannot(_("“{what}”在表中没有对应的数。").format(what=statement.text))
                    continue
                _compare_amount(out, text, n, reading, statement, cell)


def _compare_amount(out, text: Text, n: int, reading: Reading, statement: Statement, cell):
    table, row, column = cell
    out.checked()
    value = table.value(row, column)
    if in_stated_unit(table, value, statement.unit, statement.places) == statement.value:
        return
    expected = in_stated_unit(table, value, statement.unit, 2)
    hint = ""
    if statement.unit == "元" and in_stated_unit(table, value, "万元", statement.places) == (
        statement.value
    ):
        hint = _("数字与万元数相符，单位应为“万元”。")
    slip = abs(expected - statement.value) <= SLIP and statement.places >= 2
    out.flag(
        text.table,
        **sentence_place(text, n, f"t{n}-{statement.start}"),
        expected=expected,
        actual=statement.value,
        difference=statement.value - expected,
        unit=statement.unit,
        severity=WARNING if slip else None,
        cells=[(table.number, row, column)],
        template=_("{where}：“{sentence}”中的“{stated}”与{figure} {expected} 不符。{hint}"),
        where=text.where,
        sentence=reading.text.strip(),
        stated=statement.text,
        figure=figure_name(table, row, column),
        hint=hint,
    )


# ------------------------------------------------------------------ shares and rates
def _rounded_or_cut(ratio: Decimal, places: int) -> set[Decimal]:
    """A percentage as a document may print it: rounded half-up, or cut (truncated)."""
    step = Decimal(1).scaleb(-places)
    return {round_half_up(ratio, step), ratio.quantize(step, rounding=ROUND_DOWN)}


@dataclass
class Percent:
    start: int
    value: Decimal
    places: int
    kind: str  # share | rate
    named: str  # the denominator the sentence names ("本年支出合计"), if any


def percents(reading: Reading) -> Iterator[Percent]:
    """The shares ("占 x%", "占本年支出合计的 x%") and completion rates ("完成年初预算的
    x%") a sentence states; changes (增长/下降 x%) are not among them."""
    text = reading.text
    for m in PERCENT.finditer(text):
        before = text[clause_start(text, m.start()) : m.start()]
        number = m.group(1)
        places = len(number.split(".")[1]) if "." in number else 0
        share = before.rfind("占")
        rate = before.rfind("完成")
        if share > rate and share >= 0:
            named = before[share + 1 :].removesuffix("的").strip()
            yield Percent(m.start(), Decimal(number), places, "share", named)
        elif rate >= 0 and "预算" in before[rate:]:
            yield Percent(m.start(), Decimal(number), places, "rate", "")


@rule(
    "text.shares",
    gettext_lazy("说明中的占比和预算完成率按所述金额重算相符"),
    severity=ERROR,
    reads=("text",),
)
def shares(ctx, out):
    """Each share a section states ("其他收入6.2万元，占0.21%") is recomputed: the amount
    stated before it over the sentence's first amount (its total), or over the total it
    names ("占本年支出合计的100.00%"); each completion rate ("完成年初预算的98.20%") as
    the final over the budget. A share printed cut instead of rounded (71.65 for 71.653…)
    is not an error."""
    for text, readings in bound_texts(ctx):
        for n, reading in enumerate(readings):
            for percent in percents(reading):
                pair = _ratio_of(ctx, text, reading, percent)
                if pair is None:
                    out.cannot(_("占比“{p}%”的分子或分母无法确定。").format(p=percent.value))
                    continue
                numerator, denominator, cell = pair
                out.checked()
                ratio = numerator / denominator * 100
                if percent.value in _rounded_or_cut(ratio, percent.places) | _from_table(
                    ctx, text, reading, percent
                ):
                    continue
                expected = round_half_up(ratio, Decimal(1).scaleb(-max(percent.places, 2)))
                out.flag(
                    text.table,
                    **sentence_place(text, n, f"t{n}-{percent.start}"),
                    expected=expected,
                    actual=percent.value,
                    difference=percent.value - expected,
                    unit="%",
                    cells=[(cell[0].number, cell[1], cell[2])] if cell else [],
                    template=_(
                        "{where}：“{sentence}”中的“{stated}%”应为 {expected}"
                        "（{numerator} ÷ {denominator}）。"
                    ),
                    where=text.where,
                    sentence=reading.text.strip(),
                    stated=percent.value,
                    numerator=_shown(text.table, numerator),
                    denominator=_shown(text.table, denominator),
                )


def _from_table(ctx, text: Text, reading: Reading, percent: Percent) -> set[Decimal]:
    """The share as the table's own cells give it (a wrong amount stated beside a right
    share is the amount rule's finding, not a second one here)."""
    if percent.kind != "share" or percent.named:
        return set()
    before = [s for s in reading.statements if s.start < percent.start and not s.change]
    cells = [cell_of(ctx, text, s) for s in (reading.statements[0], before[-1])]
    if None in cells or reading.statements[0] is before[-1]:
        return set()
    total, part = (c[0].in_yuan(c[0].value(c[1], c[2])) for c in cells)
    return _rounded_or_cut(part / total * 100, percent.places) if total else set()


def _shown(table: TableData, yuan: Decimal) -> str:
    """An amount in 元 as the section's table prints it ("2,106.66 万元")."""
    unit = table.printed_unit
    return money(yuan / 10000 if unit == "万元" else yuan, unit)


def _stated(statement: Statement) -> Decimal:
    return statement.value * 10000 if statement.unit == "万元" else statement.value


def _ratio_of(ctx, text: Text, reading: Reading, percent: Percent):
    """(numerator, denominator, the numerator's cell) of a stated percentage, in 元."""
    before = [s for s in reading.statements if s.start < percent.start and not s.change]
    if not before:
        return None
    if percent.kind == "rate":
        finals = [s for s in before if not s.budget]
        budgets = [s for s in before if s.budget]
        if not finals:
            return None
        final = finals[-1]
        if budgets and budgets[-1].subject == final.subject:
            budget = _stated(budgets[-1])
        else:
            there = cell_of(ctx, text, Statement(**{**final.__dict__, "budget": True}))
            budget = there[0].in_yuan(there[0].value(there[1], there[2])) if there else None
        if not budget:
            return None
        return _stated(final), budget, cell_of(ctx, text, final)
    numerator = before[-1]
    if percent.named:
        total = _named_total(ctx, text, percent.named)
    elif len(before) > 1 or reading.statements[0] is not numerator:
        total = _stated(reading.statements[0])
    else:
        total = None
    if not total:
        return None
    return _stated(numerator), total, cell_of(ctx, text, numerator)


def _named_total(ctx, text: Text, named: str) -> Decimal | None:
    """The figure a share names as its denominator, from the section's declared phrases."""
    for figure in text.section.figures:
        if named in figure.words:
            subject = Subject(named, figure=figure)
            probe = Statement(0, 0, "", Decimal(0), "万元", 2, subject)
            cell = cell_of(ctx, text, probe)
            if cell is not None:
                return cell[0].in_yuan(cell[0].value(cell[1], cell[2]))
    return None


# ------------------------------------------------------------------ year on year
UP, DOWN = ("增加", "增长", "上升"), ("减少", "下降", "降低")


@rule(
    "text.changes",
    gettext_lazy("说明中的同比增减额和增减率与上年已公开的决算相符"),
    severity=ERROR,
    reads=("text",),
)
def changes(ctx, out):
    """Each change a section states ("与2023年度相比，收入支出总计减少56.95万元，下降
    1.87%") equals this year's cell less last year's, from last year's current published
    disclosure (named in the finding), in direction, amount (at the precision stated) and
    rate (rounded or cut). Without a published last year it is "not checked"."""
    _require_figures(ctx)
    last = ctx.previous
    if last is None:
        raise NotChecked(_("没有上一年度的决算公开，无法比较。"))
    version = _("上年度已公开的{year}年度第{version}版").format(
        year=last.disclosure.year_id, version=last.disclosure.version
    )
    for text, readings in bound_texts(ctx):
        for n, reading in enumerate(readings):
            for statement in reading.statements:
                if not statement.change:
                    continue
                cell = cell_of(ctx, text, statement)
                then = last.tables.get(cell[0].number) if cell else None
                if cell is None or then is None or not then.present:
                    out.cannot(_("“{what}”在上年的表中没有对应的数。").format(what=statement.text))
                    continue
                out.checked()
                now_value = cell[0].value(cell[1], cell[2])
                then_value = then.value(cell[1], cell[2])
                said = _change_said(ctx, text, reading, statement, now_value, then_value)
                if said:
                    out.flag(
                        text.table,
                        **sentence_place(text, n, f"t{n}-{statement.start}"),
                        cells=[(cell[0].number, cell[1], cell[2])],
                        template=_(
                            "{where}：“{sentence}”{said}；本年{figure}为 {now}，"
                            "{version}为 {then}。"
                        ),
                        where=text.where,
                        sentence=reading.text.strip(),
                        said=said,
                        figure=figure_name(cell[0], cell[1], cell[2]),
                        now=money(now_value, cell[0].printed_unit),
                        then=money(then_value, then.printed_unit),
                        version=version,
                    )


def _change_said(ctx, text, reading, statement, now: Decimal, then: Decimal) -> str:
    """What is wrong with a stated change ("" when it holds): its direction, its amount or
    its rate (the percentage right after it)."""
    table = cell_of(ctx, text, statement)[0]
    between = reading.text[max(0, statement.start - 6) : statement.start]
    up, down = any(w in between for w in UP), any(w in between for w in DOWN)
    delta = now - then
    if (up and delta < 0) or (down and delta > 0):
        return _("所说的增减方向与数字相反")
    stated = in_stated_unit(table, abs(delta), statement.unit, statement.places)
    if stated != statement.value:
        return _("所述增减额“{stated}”应为 {expected}").format(
            stated=statement.text, expected=f"{stated}{statement.unit}"
        )
    following = reading.statements[reading.statements.index(statement) + 1 :]
    end = following[0].start if following else len(reading.text)
    rate = PERCENT.search(reading.text, statement.end, end)
    if rate is None or not then:
        return ""
    number = rate.group(1)
    places = len(number.split(".")[1]) if "." in number else 0
    ratio = abs(delta) / abs(then) * 100
    if Decimal(number) in _rounded_or_cut(ratio, places):
        return ""
    expected = round_half_up(ratio, Decimal(1).scaleb(-max(places, 2)))
    return _("所述增减率“{stated}%”应为 {expected}%").format(stated=number, expected=expected)
