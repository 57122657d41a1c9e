"""The disclosure at a glance: what was received and spent, on what, against last year, and
what the checks mean for a reader — shown above the tables on the page and on the PDF's
first page.

Everything comes from the layout's declared key figures (`[figures]` in the layout TOML):
the totals, 人员/公用, the 三公 items; the largest classes are the level-1 rows of the table
that holds the declared `spend_total` figure. No table is found by its number here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from disclosure import selectors
from disclosure.checks.selectors import CheckReport
from disclosure.models import Amount, Disclosure
from disclosure.models.checks import Severity
from disclosure.models.classification import level_of
from disclosure.money import ZERO, round_half_up
from disclosure.presentation import convert

SHOWN_UNIT = "万元"
TOTALS = ("income_total", "spend_total")
SPLIT = (("spend_basic", "spend_project"), ("personnel", "public_costs"))
SANGONG = (
    ("sangong_budget", "sangong_actual"),
    ("abroad_budget", "abroad_actual"),
    ("vehicles_budget", "vehicles_actual"),
    ("hospitality_budget", "hospitality_actual"),
)
LARGEST = 3


@dataclass
class Change:
    """A value beside last year's: the difference and the change in per cent (0.1)."""

    value: Decimal | None
    previous: Decimal | None = None

    @property
    def difference(self) -> Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def percent(self) -> Decimal | None:
        if self.difference is None or not self.previous:
            return None
        return round_half_up(self.difference / self.previous * 100, Decimal("0.1"))


@dataclass(kw_only=True)
class Figure(Change):
    """One figure in 万元, with the table it is read from and last year's value."""

    key: str
    label: str
    table: str  # the table number, for the link to it
    share: Decimal | None = None  # of the total it belongs to, in per cent

    @property
    def anchor(self) -> str:
        return f"t{self.table}"


@dataclass
class BudgetLine:
    label: str
    table: str
    budget: Decimal | None
    actual: Decimal | None

    @property
    def anchor(self) -> str:
        return f"t{self.table}"


@dataclass
class Quality:
    """The checks in words a reader understands."""

    level: str  # error | warning | clean | not_checked
    headline: str
    detail: str = ""
    tables: list[tuple[str, str]] = field(default_factory=list)  # (label, anchor)


@dataclass
class Glance:
    unit: str
    totals: list[Figure]
    classes: list[Figure]
    splits: list[list[Figure]]
    sangong: list[BudgetLine]
    sangong_unit: str
    previous_year: int | None
    quality: Quality | None

    @property
    def empty(self) -> bool:
        return not (self.totals or self.classes or self.splits or self.sangong)


def _wan(value: Decimal | None, unit: str) -> Decimal | None:
    if value is None:
        return None
    return convert(value, source=unit or "元", shown=SHOWN_UNIT)


def previous_disclosure(disclosure: Disclosure) -> Disclosure | None:
    """Last year's current published disclosure of the same department."""
    return (
        Disclosure.objects.current()
        .filter(department_id=disclosure.department_id, year_id=disclosure.year_id - 1)
        .select_related("year", "department")
        .first()
    )


def _largest_classes(disclosure: Disclosure, total: Decimal | None) -> list[Figure]:
    figure = disclosure.layout_spec.figures.get("spend_total")
    if figure is None:
        return []
    rows = Amount.objects.filter(
        row__table__disclosure=disclosure,
        row__table__number=figure.table,
        column=figure.column,
    ).values_list("row__code", "row__name", "value", "row__table__unit")
    spec_unit = disclosure.layout_spec.table(figure.table).unit
    classes = [
        Figure(
            key=code,
            label=f"{code} {name}",
            table=figure.table,
            value=_wan(value, unit or spec_unit),
        )
        for code, name, value, unit in rows
        if code and level_of(code) == 1 and value
    ]
    classes.sort(key=lambda f: f.value, reverse=True)
    classes = classes[:LARGEST]
    if total:
        for c in classes:
            c.share = round_half_up(c.value / total * 100, Decimal("0.1"))
    return classes


def quality_in_words(report: CheckReport | None) -> Quality | None:
    """What the check results mean for a reader, in one or two sentences."""
    if report is None:
        return None
    if report.run is None:
        return Quality(
            "not_checked",
            _("这份决算尚未做勾稽检查。"),
            _("表中数字按部门公开的原样展示。"),
        )
    tables = [
        (g.label, g.anchor)
        for g in report.groups
        if any(f.severity == Severity.ERROR for f in g.findings)
    ]
    if report.errors:
        headline = ngettext(
            "平台核对发现 %(n)s 处数字对不上。",
            "平台核对发现 %(n)s 处数字对不上。",
            report.errors,
        ) % {"n": report.errors}
        detail = _(
            "例如合计不等于各项之和，或同一个数在两张表里不一样。表中数字按部门公开的原样展示，"
            "平台不作改动；引用标出的数字前，请先看数据质量说明。"
        )
        return Quality("error", headline, detail, tables)
    if report.warnings:
        headline = ngettext(
            "数字之间没有发现错误；有 %(n)s 处需要部门说明的情况。",
            "数字之间没有发现错误；有 %(n)s 处需要部门说明的情况。",
            report.warnings,
        ) % {"n": report.warnings}
        return Quality("warning", headline, _("部门的说明附在数据质量部分。"))
    return Quality("clean", _("各项勾稽关系均相符。"), _("表内、表间的合计与明细都对得上。"))


def disclosure_glance(
    disclosure: Disclosure,
    *,
    report: CheckReport | None = None,
    history: list[Disclosure] | None = None,
) -> Glance:
    """The summary of one disclosure: two queries, whatever its size. `history` (the
    department's current disclosures, as the page already has them) saves looking up last
    year's."""
    layout = disclosure.layout_spec
    figures = layout.figures
    if history is None:
        previous = previous_disclosure(disclosure)
    else:
        previous = next((d for d in history if d.year_id == disclosure.year_id - 1), None)
    cells = selectors.figure_cells([d for d in (disclosure, previous) if d])

    def figure(key: str) -> Figure | None:
        spec = figures.get(key)
        if spec is None:
            return None
        value = _wan(*cells[disclosure.pk][key])
        before = None
        if previous is not None and key in cells[previous.pk]:
            before = _wan(*cells[previous.pk][key])
        return Figure(
            key=key, label=spec.display_label(), table=spec.table, value=value, previous=before
        )

    totals = [f for f in (figure(k) for k in TOTALS) if f is not None and f.value is not None]
    spend = next((f for f in totals if f.key == "spend_total"), None)
    splits = []
    for pair in SPLIT:
        parts = [f for f in (figure(k) for k in pair) if f is not None and f.value is not None]
        whole = sum((f.value for f in parts), ZERO)
        for f in parts:
            f.share = round_half_up(f.value / whole * 100, Decimal("0.1")) if whole else None
        if parts:
            splits.append(parts)
    # 三公 budget and final amounts as printed: departments often print the budget in 万元
    # beside a final amount in 元 under one unit line; converting would hide that (the unit
    # check reports it), so the reader sees the two numbers the table shows.
    sangong, sangong_unit = [], ""
    raw = {key: cell[0] for key, cell in cells[disclosure.pk].items()}
    for budget_key, actual_key in SANGONG:
        actual = figures.get(actual_key)
        budget = figures.get(budget_key)
        if actual is None or (raw.get(actual_key) is None and raw.get(budget_key) is None):
            continue
        label = actual.display_label() if actual_key != "sangong_actual" else _("“三公”经费合计")
        sangong_unit = cells[disclosure.pk][actual_key][1]
        sangong.append(
            BudgetLine(
                label,
                actual.table,
                raw.get(budget_key) if budget is not None else None,
                raw.get(actual_key),
            )
        )
    return Glance(
        unit=SHOWN_UNIT,
        totals=totals,
        classes=_largest_classes(disclosure, spend.value if spend else None),
        splits=splits,
        sangong=sangong,
        sangong_unit=sangong_unit,
        previous_year=previous.year_id if previous is not None else None,
        quality=quality_in_words(report),
    )
