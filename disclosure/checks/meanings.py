"""What the cross-table rules need to know about a table's meaning, read from the layout.

The generic rules read only the layout declarations (columns' sum_of/part_of, lines' sum_of,
class_code and economic_code, flows, summary lines). Rules that compare tables need to know
which table is "the general public budget table" or which line is "本年支出合计":

- Tables are found by the `role` each layout declares on them, never by number or title:
  the 三公 table is 公开09 in the Yunnan 2021 layout and 公开07 in the national 2024 one.
  The roles, and the line and column keys each role's table must declare, are the
  vocabulary of `disclosure.layouts.roles`, checked when a layout is loaded.
- Line keys (income_total, spend_total, opening_total …) and column keys (spend_total,
  spend_basic …) below are the ones that vocabulary requires, or that a layout may declare;
  a rule whose key a layout lacks reports "not checked" for that disclosure.
- Named cells (三公 items, 机关运行经费) come from the layout's own `figures` declaration;
  the economic codes of the 三公 items from its lines' or columns' `economic_code`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_lazy

from disclosure.layouts import Layout, TableSpec


# ------------------------------------------------------------------ tables by meaning
@cache
def resolve_roles(layout: Layout) -> dict[str, str]:
    """role → table number, for the roles this layout declares."""
    return {spec.role: spec.number for spec in layout.tables if spec.role}


# ------------------------------------------------------------------ lines of the summaries
# Line keys of 收入支出决算总表 and 财政拨款收入支出决算总表 (both layouts declare them).
INCOME_TOTAL = "income_total"
INCOME_GRAND_TOTAL = "income_grand_total"
SPEND_TOTAL = "spend_total"
SPEND_GRAND_TOTAL = "spend_grand_total"
OPENING = "opening"  # 收入支出决算总表: 年初结转和结余
CLOSING = "closing"  # 收入支出决算总表: 年末结转和结余
USE_OF_BALANCES = "use_of_balances"
OPENING_TOTAL = "opening_total"  # 财政拨款收入支出决算总表: 年初财政拨款结转和结余
CLOSING_TOTAL = "closing_total"  # 财政拨款收入支出决算总表: 年末财政拨款结转和结余


@dataclass(frozen=True)
class Fund:
    """One kind of appropriation as 财政拨款收入支出决算总表 prints it, and the table that
    details it by function."""

    name: str
    column: str  # the expenditure panel's column
    income_line: str
    opening_line: str
    detail_role: str


FUNDS = (
    Fund(
        gettext_lazy("一般公共预算财政拨款"),
        "general",
        "income_general",
        "opening_general",
        "general",
    ),
    Fund(gettext_lazy("政府性基金预算财政拨款"), "fund", "income_fund", "opening_fund", "fund"),
    Fund(
        gettext_lazy("国有资本经营预算财政拨款"),
        "capital",
        "income_capital",
        "opening_capital",
        "capital",
    ),
)
FUND_TOTAL_COLUMN = "total"

# ------------------------------------------------------------------ columns of code tables
INCOME_TOTAL_COLUMN = "total"  # 收入决算表: 本年收入合计
FISCAL_COLUMN = "fiscal"  # 收入决算表: 财政拨款收入
SPEND_TOTAL_COLUMN = "total"  # 支出决算表: 本年支出合计
SPEND_BASIC = "spend_basic"
SPEND_PERSONNEL = "spend_personnel"
SPEND_PUBLIC = "spend_public"
# 基本支出决算表's summary lines.
PERSONNEL_TOTAL = "personnel_total"
PUBLIC_TOTAL = "public_total"


@dataclass(frozen=True)
class FlowColumns:
    opening: str | None
    income: str | None
    spend: str | None
    closing: str | None


def flow_columns(spec: TableSpec) -> FlowColumns:
    """A fund table's 年初 / 本年收入 / 本年支出 / 年末 columns: from its first declared flow,
    or just the spending total when it declares none (a spending-only table)."""
    if spec.flows:
        f = spec.flows[0]
        return FlowColumns(f.opening, f.income, f.spend, f.closing)
    spend = "spend_total" if spec.column("spend_total") else None
    return FlowColumns(None, None, spend, None)


# ------------------------------------------------------------------ named cells
RUNNING_COSTS = "running_costs"
SANGONG_ACTUAL = "sangong_actual"


def figures(layout: Layout) -> dict:
    """The layout's named cells (key → Figure with table, row, column)."""
    return getattr(layout, "figures", None) or {}


# ------------------------------------------------------------------ words in the 说明
@dataclass(frozen=True)
class Term:
    """A phrase the explanations use for a figure, and the cells it may refer to.

    Each cell is "fig:<figure key>" or "<role>:<row key>:<column key>"; by context the
    clause is about the budget (预算), the start (年初) or the end (年末) of the year.
    A stated amount is right when it equals any one of the candidate cells. Terms are
    listed most specific first: in a clause naming two, the first listed wins.
    """

    words: tuple[str, ...]
    default: tuple[str, ...] = ()
    budget: tuple[str, ...] = ()
    opening: tuple[str, ...] = ()
    closing: tuple[str, ...] = ()


NARRATIVE_TERMS = (
    Term(
        ("“三公”经费", "三公经费", "“三公经费”"),
        default=("fig:sangong_actual",),
        budget=("fig:sangong_budget",),
    ),
    Term(("公务接待",), default=("fig:hospitality_actual",), budget=("fig:hospitality_budget",)),
    Term(("公务用车", "公车"), default=("fig:vehicles_actual",), budget=("fig:vehicles_budget",)),
    Term(("因公出国",), default=("fig:abroad_actual",), budget=("fig:abroad_budget",)),
    Term(
        ("机关运行经费",),
        default=("fig:running_costs", "basic_economic:public_total:amount"),
    ),
    Term(
        ("人员经费",),
        default=("fig:personnel", "basic_economic:personnel_total:amount"),
    ),
    Term(("公用经费",), default=("fig:public_costs", "basic_economic:public_total:amount")),
    Term(
        ("基本支出",),
        default=(
            "fig:spend_basic",
            "general:total:spend_basic",
            "general:total:income_basic",
        ),
        opening=("general:total:open_basic",),
        closing=("general:total:close_basic",),
    ),
    Term(
        ("项目支出",),
        default=(
            "fig:spend_project",
            "general:total:spend_project",
            "general:total:income_project",
        ),
        opening=("general:total:open_project",),
        closing=("general:total:close_project",),
    ),
    Term(
        ("结转和结余", "结转结余", "结转", "结余"),
        opening=(
            "fiscal_summary:opening_total:amount",
            "general:total:open_total",
            "summary:opening:amount",
        ),
        closing=(
            "fiscal_summary:closing_total:total",
            "general:total:close_total",
            "summary:closing:amount",
        ),
    ),
    Term(
        (
            "本年收入合计",
            "收入合计",
            "收入总计",
            "总收入",
            "财政拨款收入",
            "财政收入",
            "本年收入",
        ),
        default=(
            "fig:income_total",
            "fig:fiscal_income",
            "fiscal_summary:income_total:amount",
            "fiscal_summary:income_grand_total:amount",
            "summary:income_total:amount",
            "summary:income_grand_total:amount",
        ),
    ),
    Term(
        (
            "本年支出合计",
            "支出合计",
            "支出总计",
            "总支出",
            "财政拨款支出",
            "财政支出",
            "本年支出",
        ),
        default=(
            "fig:spend_total",
            "fiscal_summary:spend_total:total",
            "fiscal_summary:spend_grand_total:total",
            "summary:spend_total:amount",
            "summary:spend_grand_total:amount",
        ),
    ),
)
# Words that set a clause's context, strongest first.
CONTEXT_WORDS = (
    ("budget", ("预算数", "年初预算", "预算为", "全年预算")),
    ("closing", ("年末",)),
    ("opening", ("年初",)),
)
# Between a phrase and its amount, these mean the amount is a change, not the figure.
CHANGE_WORDS = ("增加", "减少", "增长", "下降", "节约", "同比", "上年", "较", "比")
# Template placeholders left in a published text.
PLACEHOLDER_PATTERN = r"[Xx]{2,}|[×Ｘｘ]{2,}|[＊*]{2,}|某某|\{\{|\}\}"
