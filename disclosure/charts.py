"""Server-rendered SVG charts of a disclosure: no JavaScript, no network, and they print.

Geometry is computed with Decimal like every amount, and every chart carries its numbers
as text (title, labels, values) so it reads without the picture too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from disclosure.models.classification import level_of
from disclosure.money import ZERO, format_amount, to_wan

WIDTH = 640
BAR = 22
GAP = 10
LABEL_W = 200
VALUE_W = 120
PALETTE = ("#a8071a", "#d4380d", "#d48806", "#389e0d", "#08979c", "#1d39c4", "#531dab", "#595959")


@dataclass
class Chart:
    key: str
    title: str
    svg: str  # inline SVG markup, escaped where it holds text
    note: str = ""
    # The values as (label, amount with unit): the page renders them as a table, for screen
    # readers and for screens too narrow to read the drawing.
    rows: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Bar:
    label: str
    value: Decimal
    color: str = PALETTE[0]


def _unit(unit: str) -> str:
    """元 / 万元 in the reader's language."""
    return {"元": _("元"), "万元": _("万元")}.get(unit, unit)


def _wan(value: Decimal) -> str:
    return f"{format_amount(to_wan(value))} {_unit('万元')}"


def label_width(labels: list[str]) -> int:
    """The width the labels' column needs at font-size 13 (a Chinese character or a curly
    quote about 13 units, another character about 7.5): LABEL_W, or more for longer labels,
    as English ones are."""
    longest = max((sum(map(_char_width, label)) for label in labels), default=0)
    return max(LABEL_W, int(longest) + 12)


def _char_width(ch: str) -> float:
    return 13 if ord(ch) >= 0x2E80 or 0x2010 <= ord(ch) <= 0x206F else 7.5


def bar_chart(key: str, title: str, bars: list[Bar], *, note: str = "", unit: str = "元") -> Chart:
    """Horizontal bars, longest first as given; values labelled in 万元 (or as printed).
    A label column wider than LABEL_W widens the drawing, never shortens the bars."""
    height = len(bars) * (BAR + GAP) + GAP
    top = max((b.value for b in bars), default=ZERO)
    span = Decimal(WIDTH - LABEL_W - VALUE_W)
    label_w = label_width([b.label for b in bars])
    width = WIDTH - LABEL_W + label_w
    rows = []
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for i, bar in enumerate(bars):
        y = GAP + i * (BAR + GAP)
        length = (bar.value / top * span).quantize(Decimal("0.1")) if top > 0 else ZERO
        length = max(length, ZERO)
        text = _wan(bar.value) if unit == "元" else f"{format_amount(bar.value)} {_unit(unit)}"
        rows.append((bar.label, text))
        parts += [
            f'<text x="{label_w - 8}" y="{y + BAR * 0.7:.1f}" text-anchor="end" '
            f'font-size="13">{escape(bar.label)}</text>',
            f'<rect x="{label_w}" y="{y}" width="{length}" height="{BAR}" fill="{bar.color}">'
            f"<title>{escape(bar.label)}：{escape(text)}</title></rect>",
            f'<text x="{label_w + length + 6}" y="{y + BAR * 0.7:.1f}" font-size="12" '
            f'fill="#333">{escape(text)}</text>',
        ]
    parts.append("</svg>")
    return Chart(key=key, title=title, svg="".join(parts), note=note, rows=rows)


def _table(tables, number: str):
    return next((t for t in tables if t.spec.number == number), None)


def _table_by_role(disclosure, tables, role: str):
    """The table that plays a role (spend, basic_economic …) in the disclosure's layout:
    found by the layout's declaration, never by a number."""
    spec = disclosure.layout_spec.by_role(role)
    return _table(tables, spec.number) if spec is not None else None


def _figure_unit(disclosure, key: str) -> str:
    """The unit the figure's table prints (元 or 万元)."""
    figure = disclosure.layout_spec.figures.get(key)
    return disclosure.layout_spec.table(figure.table).unit if figure else "元"


def _row_value(view, row_key: str, column: str) -> Decimal | None:
    record = view.record if view is not None else None
    if record is None:
        return None
    for row in record.rows.all():
        if row.key == row_key:
            for amount in row.amounts.all():
                if amount.column == column:
                    return amount.value
    return None


def figure_values(disclosure, tables) -> dict[str, Decimal | None]:
    """The layout's key figures read from already loaded table views (no query)."""
    values = {}
    for key, figure in disclosure.layout_spec.figures.items():
        values[key] = _row_value(_table(tables, figure.table), figure.row, figure.column)
    return values


def expenditure_by_class(disclosure, tables) -> Chart | None:
    view = _table_by_role(disclosure, tables, "spend")
    if view is None or view.record is None or view.spec.kind != "codes":
        return None
    total_col = view.spec.columns[0].key
    bars = []
    for row in view.record.rows.all():
        if row.code and level_of(row.code) == 1:
            value = next((a.value for a in row.amounts.all() if a.column == total_col), None)
            if value:
                bars.append(Bar(f"{row.code} {row.name}", value))
    if not bars:
        return None
    bars.sort(key=lambda b: b.value, reverse=True)
    for i, bar in enumerate(bars):
        bar.color = PALETTE[i % len(PALETTE)]
    return bar_chart(
        "by-class",
        _("支出按功能分类（类）"),
        bars,
        unit=view.spec.unit,
        note=_("数据来自%(table)s“%(title)s”各类的本年支出合计。")
        % {"table": view.spec.label, "title": view.spec.display_title()},
    )


def _figure_bars(disclosure, values, keys: list[str]) -> list[Bar]:
    figures = disclosure.layout_spec.figures
    bars = []
    for i, key in enumerate(keys):
        if key in figures and values.get(key) is not None:
            bars.append(Bar(figures[key].display_label(), values[key], PALETTE[i % len(PALETTE)]))
    return bars


def basic_vs_project(disclosure, values) -> Chart | None:
    bars = _figure_bars(disclosure, values, ["spend_basic", "spend_project"])
    if len(bars) < 2:
        return None
    return bar_chart(
        "basic-project",
        _("基本支出与项目支出"),
        bars,
        unit=_figure_unit(disclosure, "spend_basic"),
    )


def personnel_vs_public(disclosure, tables, values) -> Chart | None:
    bars = _figure_bars(disclosure, values, ["personnel", "public_costs"])
    view = _table_by_role(disclosure, tables, "basic_economic")
    items = []
    if view is not None and view.record is not None and view.spec.kind == "economic":
        for row in view.record.rows.all():
            if row.code.startswith("302") and level_of(row.code) == 2:
                value = next((a.value for a in row.amounts.all() if a.value), None)
                if value:
                    items.append(Bar(f"{row.code} {row.name}", value, PALETTE[5]))
    items.sort(key=lambda b: b.value, reverse=True)
    bars += items[:8]
    if not bars:
        return None
    return bar_chart(
        "personnel-public",
        _("人员经费、公用经费与最大的商品和服务支出（302）"),
        bars,
        unit=_figure_unit(disclosure, "personnel"),
        note=_("基本支出按经济分类；302 各款取金额最大的 8 项。"),
    )


def sangong_budget_vs_actual(disclosure, tables, values) -> Chart | None:
    keys = [
        ("sangong", _("“三公”经费合计")),
        ("abroad", _("因公出国（境）费")),
        ("vehicles", _("公务用车购置及运行维护费")),
        ("hospitality", _("公务接待费")),
    ]
    figures = disclosure.layout_spec.figures
    budget_word = pgettext("budget or final", "预算")
    final_word = pgettext("budget or final", "决算")
    bars = []
    for key, label in keys:
        budget, actual = values.get(f"{key}_budget"), values.get(f"{key}_actual")
        if f"{key}_actual" not in figures or (budget is None and actual is None):
            continue
        bars.append(Bar(f"{label}·{budget_word}", budget or ZERO, PALETTE[6]))
        bars.append(Bar(f"{label}·{final_word}", actual or ZERO, PALETTE[0]))
    if not bars:
        return None
    view = _table(tables, figures["sangong_actual"].table)
    unit = view.printed_unit if view is not None else "元"
    # The bars' labels are in 万元 whatever the table prints (bar_chart converts 元).
    printed = (
        _("按原表所印数字绘制（原表金额单位：元，图中换算为万元）")
        if unit == "元"
        else _("按原表所印数字绘制（金额单位：%(unit)s）") % {"unit": _unit(unit)}
    )
    return bar_chart(
        "sangong",
        _("“三公”经费：预算数与决算数"),
        bars,
        unit=unit,
        note=printed
        + _("；原表预算数与决算数的单位若不一致，图中长短不可直接比较，请看质量检查。"),
    )


def totals_across_years(history: list[tuple[int, dict]], disclosure) -> Chart | None:
    """One department's key totals per year (history: [(year, figure values)])."""
    if len(history) < 2:
        return None
    figures = disclosure.layout_spec.figures
    bars = []
    for year, values in history:
        for i, key in enumerate(["income_total", "spend_total"]):
            if values.get(key) is not None and key in figures:
                bars.append(Bar(f"{year} {figures[key].display_label()}", values[key], PALETTE[i]))
    if not bars:
        return None
    return bar_chart(
        "years", _("历年收支总额"), bars, unit=_figure_unit(disclosure, "income_total")
    )


def charts_for_disclosure(disclosure, tables, history=None) -> list[Chart]:
    """The charts shown with a disclosure, built from its table views."""
    values = figure_values(disclosure, tables)
    charts = [
        expenditure_by_class(disclosure, tables),
        basic_vs_project(disclosure, values),
        personnel_vs_public(disclosure, tables, values),
        sangong_budget_vs_actual(disclosure, tables, values),
        totals_across_years(history or [], disclosure),
    ]
    return [c for c in charts if c is not None]
