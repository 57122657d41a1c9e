"""The words a layout may use to say what a table or a cell means to the code that reads it.

Charts, the glance, the 三公 board, comparisons across years, the exports and the
cross-table checks need to know which table is "the expenditure table" or which cell is "the
三公 final amount". They never find it by a table's number or title: each `[[tables]]` block
declares its `role`, the `[figures]` block names its cells, and this module is the
vocabulary both draw from, with what each role's table must declare for its readers. A layout
using a word outside it, giving one role to two tables, or leaving out a line or column its
readers need, is refused when it is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Role:
    """What a table plays, the kind of table that can play it and the keys read there."""

    what: str  # its common name, for messages ("表式中没有{what}。")
    kind: str
    lines: tuple[str, ...] = ()  # line keys (or an economic table's summary lines)
    columns: tuple[str, ...] = ()


# Lines both summaries print (收入支出决算总表 and 财政拨款收入支出决算总表).
_TOTALS = ("income_total", "income_grand_total", "spend_total", "spend_grand_total")
_BY_FUND = ("general", "fund", "capital")

TABLE_ROLES: dict[str, Role] = {
    "summary": Role(
        gettext_lazy("收入支出决算总表"),
        "lines",
        lines=(*_TOTALS, "use_of_balances", "opening", "closing"),
    ),
    "income": Role(gettext_lazy("收入决算表"), "codes", columns=("total", "fiscal")),
    "spend": Role(gettext_lazy("支出决算表"), "codes", columns=("total",)),
    "fiscal_summary": Role(
        gettext_lazy("财政拨款收入支出决算总表"),
        "lines",
        lines=(
            *_TOTALS,
            "opening_total",
            "closing_total",
            *(f"income_{fund}" for fund in _BY_FUND),
            *(f"opening_{fund}" for fund in _BY_FUND),
        ),
        columns=("total", *_BY_FUND),
    ),
    "general": Role(
        gettext_lazy("一般公共预算财政拨款（收入）支出决算表"),
        "codes",
        columns=("spend_total", "spend_basic"),
    ),
    "basic_economic": Role(
        gettext_lazy("一般公共预算财政拨款基本支出决算表"),
        "economic",
        lines=("personnel_total", "public_total"),
    ),
    # A fund table's 年初 / 收入 / 支出 / 年末 columns are its declared flows.
    "fund": Role(gettext_lazy("政府性基金预算财政拨款决算表"), "codes"),
    "capital": Role(gettext_lazy("国有资本经营预算财政拨款决算表"), "codes"),
    # The 三公 items are named cells (figures below): one layout prints them as lines, the
    # other as columns.
    "sangong": Role(gettext_lazy("“三公”经费表"), "lines"),
}

# Named cells, and the role of the table each must be read from.
FIGURE_ROLES: dict[str, str] = {
    "income_total": "income",
    "fiscal_income": "income",
    "spend_total": "spend",
    "spend_basic": "spend",
    "spend_project": "spend",
    "personnel": "basic_economic",  # 人员经费
    "public_costs": "basic_economic",  # 公用经费
    "sangong_budget": "sangong",
    "sangong_actual": "sangong",
    "abroad_budget": "sangong",
    "abroad_actual": "sangong",
    "vehicles_budget": "sangong",
    "vehicles_actual": "sangong",
    "hospitality_budget": "sangong",
    "hospitality_actual": "sangong",
    # 机关运行经费: printed in Yunnan's 三公 table; the national form states it only in the
    # explanations, so its layout names no cell for it.
    "running_costs": "sangong",
}
