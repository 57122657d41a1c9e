"""Between tables: the same money seen from two tables is the same amount.

Tables are found by the role their layout declares (meanings.resolve_roles), lines and
columns by the keys both layouts declare. Amounts from tables in different units are compared
in 万元 (rounded half-up, as a table in 万元 prints them). A finding is located where DOMAIN
writes the left-hand side of the identity, except fund-by-fund comparisons, which are
located in the detailed table (the one printed by 类) since that is where a per-类 figure can
be corrected; the other side's cell is listed in `cells` so both are highlighted.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disclosure.checks.engine import (
    ERROR,
    NotChecked,
    in_common_unit,
    line_label,
    rule,
    total,
)
from disclosure.checks.loader import Context, TableData
from disclosure.checks.meanings import (
    CLOSING_TOTAL,
    FISCAL_COLUMN,
    FUNDS,
    INCOME_TOTAL,
    INCOME_TOTAL_COLUMN,
    PERSONNEL_TOTAL,
    PUBLIC_TOTAL,
    RUNNING_COSTS,
    SANGONG_ACTUAL,
    SPEND_BASIC,
    SPEND_PERSONNEL,
    SPEND_PUBLIC,
    SPEND_TOTAL,
    SPEND_TOTAL_COLUMN,
    Fund,
    figures,
    flow_columns,
)
from disclosure.models.organisation import DepartmentKind
from disclosure.money import to_wan


def _first_col(table: TableData, line_key: str) -> str:
    panel = table.spec.panel_for_line_key(line_key)
    if panel is None:
        raise NotChecked(_("{table}没有“{line}”行。").format(table=table.label, line=line_key))
    return panel.columns[0].key


def _line_text(table: TableData, key: str) -> str:
    return line_label(table.spec, key)


def _as_unit(table: TableData, value: Decimal, unit: str) -> Decimal:
    """An amount of `table` (in its printed unit) in `unit`."""
    if table.printed_unit == unit:
        return value
    return to_wan(value) if unit == "万元" else value * 10000


def _compare(
    out,
    *,
    here: TableData,
    row_key: str,
    column: str,
    there: TableData,
    there_row: str,
    there_column: str,
    template: str,
    row_text: str = "",
    **params,
) -> bool:
    """here[row, column] should equal there[row, column] (expected = there's amount)."""
    unit, actual, expected = in_common_unit(
        here, here.value(row_key, column), there, there.value(there_row, there_column)
    )
    row = here.row(row_key)
    return out.equal(
        here,
        row=row,
        row_key=row_key,
        row_text=row_text or (_line_text(here, row_key) if here.spec.kind == "lines" else ""),
        column=column,
        expected=expected,
        actual=actual,
        unit=unit,
        template=template,
        cells=[(there.number, there_row, there_column)],
        there=there.label,
        **params,
    )


# ------------------------------------------------------------------ 01 against 02 and 03
@rule(
    "between.summary_income",
    gettext_lazy("收入支出决算总表“本年收入合计” = 收入决算表合计"),
    severity=ERROR,
    reads=("role:summary", "role:income"),
)
def summary_income(ctx, out):
    """01 本年收入合计 = 02 合计 (本年收入合计 column)."""
    summary, income = ctx.role("summary"), ctx.role("income")
    _compare(
        out,
        here=summary,
        row_key=INCOME_TOTAL,
        column=_first_col(summary, INCOME_TOTAL),
        there=income,
        there_row="total",
        there_column=INCOME_TOTAL_COLUMN,
        template=_(
            "“本年收入合计”为 {actual}，{there}收入决算表的合计为 {expected}，相差 {difference}。"
        ),
    )


@rule(
    "between.summary_spend",
    gettext_lazy("收入支出决算总表“本年支出合计” = 支出决算表合计"),
    severity=ERROR,
    reads=("role:summary", "role:spend"),
)
def summary_spend(ctx, out):
    """01 本年支出合计 = 03 合计 (本年支出合计 column)."""
    summary, spend = ctx.role("summary"), ctx.role("spend")
    _compare(
        out,
        here=summary,
        row_key=SPEND_TOTAL,
        column=_first_col(summary, SPEND_TOTAL),
        there=spend,
        there_row="total",
        there_column=SPEND_TOTAL_COLUMN,
        template=_(
            "“本年支出合计”为 {actual}，{there}支出决算表的合计为 {expected}，相差 {difference}。"
        ),
    )


# ------------------------------------------------------------------ 02 against 04 and 05
@rule(
    "between.fiscal_income",
    gettext_lazy("收入决算表“财政拨款收入”合计 = 财政拨款收入支出决算总表“本年收入合计”"),
    severity=ERROR,
    reads=("role:income", "role:fiscal_summary"),
)
def fiscal_income(ctx, out):
    """02 财政拨款收入 (合计 row) = 04 本年收入合计."""
    income, summary = ctx.role("income"), ctx.role("fiscal_summary")
    if income.spec.column(FISCAL_COLUMN) is None:
        raise NotChecked(_("{table}没有“财政拨款收入”栏。").format(table=income.label))
    _compare(
        out,
        here=income,
        row_key="total",
        column=FISCAL_COLUMN,
        there=summary,
        there_row=INCOME_TOTAL,
        there_column=_first_col(summary, INCOME_TOTAL),
        template=_(
            "合计行的“财政拨款收入”为 {actual}，{there}的“本年收入合计”为 {expected}，"
            "相差 {difference}。"
        ),
    )


def _fund_incomes(ctx: Context) -> list[tuple[TableData, str]]:
    """(table, income column) of every fund table; NotChecked if one lacks an income column."""
    found = []
    for fund in FUNDS:
        detail = ctx.role(fund.detail_role)
        if detail is None:
            continue
        if not detail.present:
            raise NotChecked(_("{table}未提供。").format(table=detail.label))
        income = flow_columns(detail.spec).income
        if income is None:
            raise NotChecked(_("{table}没有“本年收入”栏。").format(table=detail.label))
        found.append((detail, income))
    return found


@rule(
    "between.fiscal_by_code",
    gettext_lazy("收入决算表各科目“财政拨款收入” = 各财政拨款表同一科目的本年收入之和"),
    severity=ERROR,
    reads=("role:income", "role:general"),
)
def fiscal_by_code(ctx, out):
    """For each functional code printed both in 02 and in the general public budget table:
    02 财政拨款收入 = 本年收入 of the general public budget table + the government fund table
    + the state capital table (those that print the code). A code printed in only one of them
    is not compared. This catches amounts printed against the wrong code."""
    income = ctx.role("income")
    if income.spec.column(FISCAL_COLUMN) is None:
        raise NotChecked(_("{table}没有“财政拨款收入”栏。").format(table=income.label))
    details = _fund_incomes(ctx)
    general = ctx.role("general")
    general_codes = [r.code for r in general.code_rows]
    unit = income.printed_unit

    def detail_income(code: str) -> tuple[Decimal, list[tuple[TableData, str]]]:
        parts = [(t, col) for t, col in details if t.row(code) is not None]
        return total(_as_unit(t, t.value(code, col), unit) for t, col in parts), parts

    expected_by_code = {code: detail_income(code)[0] for code in general_codes}
    for row in income.code_rows:
        if row.code not in expected_by_code:
            continue
        expected, parts = detail_income(row.code)
        actual = row.value(FISCAL_COLUMN)
        elsewhere = [c for c, v in expected_by_code.items() if v == actual and c != row.code]
        hint = (
            _("这个数正是{tables}中“{other}”的本年收入：金额可能错印到了别的科目行。").format(
                tables=general.label, other=elsewhere[-1]
            )
            if elsewhere and actual != 0
            else ""
        )
        out.equal(
            income,
            row=row,
            column=FISCAL_COLUMN,
            expected=expected,
            actual=actual,
            unit=unit,
            template=_(
                "“{what}”的“财政拨款收入”为 {actual}，{tables}中该科目的本年收入为 {expected}，"
                "相差 {difference}。{hint}"
            ),
            cells=[(t.number, row.code, col) for t, col in parts],
            what=f"{row.code} {row.name}".strip(),
            tables="、".join(t.label for t, _col in parts),
            hint=hint,
        )


# ------------------------------------------------------------------ 04 against 05, 07, 08
def _compare_classes(out, summary, detail, fund: Fund, spend_column: str, params: dict):
    """Each 类 line of the summary's expenditure panel against the fund table's 类 row."""
    panel = summary.spec.panel_for_line_key(SPEND_TOTAL)
    for line in panel.lines if panel else ():
        if not line.class_code:
            continue
        row = detail.row(line.class_code)
        if row is None and summary.value(line.key, fund.column) == 0:
            out.checked()
            continue
        _compare(
            out,
            here=detail,
            row_key=line.class_code,
            row_text=line.class_code,
            column=spend_column,
            there=summary,
            there_row=line.key,
            there_column=fund.column,
            template=_(
                "“{code} {name}”的“{column}”为 {actual}，{summary}中{fund}的“{line}”为 "
                "{expected}，相差 {difference}。"
            ),
            code=line.class_code,
            name=row.name if row else "",
            line=line.label,
            **params,
        )


def _fund_rule(fund: Fund, rule_id: str, title: str):
    @rule(
        rule_id,
        title,
        severity=ERROR,
        reads=("role:fiscal_summary", f"role:{fund.detail_role}"),
    )
    def check(ctx, out):
        summary, detail = ctx.role("fiscal_summary"), ctx.role(fund.detail_role)
        if summary.spec.column(fund.column) is None:
            raise NotChecked(
                _("{table}没有“{fund}”栏。").format(table=summary.label, fund=fund.name)
            )
        cols = flow_columns(detail.spec)
        income_col = _first_col(summary, INCOME_TOTAL)
        params = {"fund": fund.name, "summary": summary.label}
        comparisons = []
        if cols.spend:
            comparisons.append(("total", cols.spend, SPEND_TOTAL, fund.column, _("本年支出")))
        if cols.income:
            comparisons.append(("total", cols.income, fund.income_line, income_col, _("本年收入")))
        if cols.opening:
            comparisons.append(
                ("total", cols.opening, fund.opening_line, income_col, _("年初结转和结余"))
            )
        if cols.closing:
            comparisons.append(
                ("total", cols.closing, CLOSING_TOTAL, fund.column, _("年末结转和结余"))
            )
        for row_key, column, there_row, there_col, what in comparisons:
            if (
                summary.row(there_row) is None
                and summary.spec.panel_for_line_key(there_row) is None
            ):
                continue
            _compare(
                out,
                here=detail,
                row_key=row_key,
                column=column,
                there=summary,
                there_row=there_row,
                there_column=there_col,
                row_text=_("合计"),
                template=_(
                    "合计行的“{column}”为 {actual}，{summary}中{fund}的{what}为 {expected}，"
                    "相差 {difference}。"
                ),
                what=what,
                **params,
            )
        if cols.spend:
            _compare_classes(out, summary, detail, fund, cols.spend, params)

    check.__doc__ = (
        f"The {fund.column!r} column of 财政拨款收入支出决算总表 equals the table of that fund "
        f"(role {fund.detail_role!r}): 本年支出 in total and for each 类, and, where that "
        "table has them, 本年收入, 年初 and 年末结转和结余 of its 合计 row. Located in the "
        "fund's table."
    )
    return check


general_budget = _fund_rule(
    FUNDS[0],
    "between.general",
    gettext_lazy("财政拨款收支总表“一般公共预算”栏 = 一般公共预算财政拨款表"),
)
government_fund = _fund_rule(
    FUNDS[1],
    "between.fund",
    gettext_lazy("财政拨款收支总表“政府性基金”栏 = 政府性基金预算财政拨款表"),
)
state_capital = _fund_rule(
    FUNDS[2],
    "between.capital",
    gettext_lazy("财政拨款收支总表“国有资本经营”栏 = 国有资本经营预算财政拨款表"),
)


# ------------------------------------------------------------------ 05 against 06
@rule(
    "between.basic_economic",
    gettext_lazy("一般公共预算表的基本支出、人员经费、公用经费 = 基本支出决算表的合计"),
    severity=ERROR,
    reads=("role:general", "role:basic_economic"),
)
def basic_economic(ctx, out):
    """05 合计 row: 基本支出 = 06 人员经费合计 + 公用经费合计; 人员经费 = 06 人员经费合计;
    公用经费 = 06 公用经费合计 (columns the general table lacks are not compared)."""
    general, economic = ctx.role("general"), ctx.role("basic_economic")
    col = economic.spec.columns[0].key
    if general.spec.column(SPEND_BASIC) is None:
        raise NotChecked(_("{table}没有“基本支出”栏。").format(table=general.label))
    personnel, public = economic.value(PERSONNEL_TOTAL, col), economic.value(PUBLIC_TOTAL, col)
    unit, actual, expected = in_common_unit(
        general, general.value("total", SPEND_BASIC), economic, personnel + public
    )
    out.equal(
        general,
        row=general.total_row,
        row_key="total",
        row_text=_("合计"),
        column=SPEND_BASIC,
        expected=expected,
        actual=actual,
        unit=unit,
        template=_(
            "合计行的“{column}”为 {actual}，{there}人员经费合计与公用经费合计之和为 {expected}，"
            "相差 {difference}。"
        ),
        cells=[(economic.number, PERSONNEL_TOTAL, col), (economic.number, PUBLIC_TOTAL, col)],
        there=economic.label,
    )
    for here_col, line in ((SPEND_PERSONNEL, PERSONNEL_TOTAL), (SPEND_PUBLIC, PUBLIC_TOTAL)):
        if general.spec.column(here_col) is None:
            continue
        _compare(
            out,
            here=economic,
            row_key=line,
            column=col,
            there=general,
            there_row="total",
            there_column=here_col,
            template=_(
                "“{row}”为 {actual}，{there}合计行的“{label}”为 {expected}，相差 {difference}。"
            ),
            label=general.spec.column(here_col).label,
        )


# ------------------------------------------------------------------ 06 against 三公
def _sangong_cells(ctx) -> list[tuple[tuple[str, ...], str, str, str]]:
    """(economic codes, 三公 row key, column key, label) pairs to compare: each 三公 item
    whose line (Yunnan 2021) or 决算数 column (national 2024) declares its economic code,
    read in the row or column of the layout's 三公 final-amount figure."""
    sangong = ctx.role("sangong")
    actual = figures(ctx.layout).get(SANGONG_ACTUAL)
    if actual is None or actual.table != sangong.number:
        return []
    found = []
    for panel in sangong.spec.panels:
        for line in panel.lines:
            if line.economic_code:
                found.append(((line.economic_code,), line.key, actual.column, line.label))
        for col in panel.columns:
            if col.economic_code:
                found.append(((col.economic_code,), actual.row, col.key, col.name or col.label))
    return found


@rule(
    "between.sangong_economic",
    gettext_lazy("基本支出中的“三公”经济科目不超过“三公”经费决算数"),
    severity=ERROR,
    reads=("role:basic_economic", "role:sangong"),
)
def sangong_economic(ctx, out):
    """06 因公出国(境)费用 30212 ≤ 三公 因公出国; 公务接待费 30217 ≤ 公务接待费; 公务用车运行
    维护费 30231 ≤ 运行维护费; 公务用车购置 31013 ≤ 购置费 — basic expenditure is part of
    三公, which may include project money."""
    economic, sangong = ctx.role("basic_economic"), ctx.role("sangong")
    pairs = _sangong_cells(ctx)
    if not pairs:
        raise NotChecked(_("表式没有指明“三公”经费决算数所在的单元格。"))
    col = economic.spec.columns[0].key
    for codes, row_key, column, label in pairs:
        basic = total(economic.value(code, col) for code in codes)
        unit, actual, limit = in_common_unit(
            economic, basic, sangong, sangong.value(row_key, column)
        )
        code_row = next((economic.row(c) for c in codes if economic.row(c)), None)
        out.at_most(
            economic,
            row=code_row,
            row_key=codes[0],
            row_text="、".join(codes),
            column=col,
            limit=limit,
            actual=actual,
            unit=unit,
            template=_(
                "基本支出中 {codes} 为 {actual}，超过了{there}“{label}”的决算数 {expected}"
                "（多 {difference}）。"
            ),
            cells=[(sangong.number, row_key, column)],
            codes="、".join(codes),
            there=sangong.label,
            label=label,
        )


@rule(
    "between.running_costs",
    gettext_lazy("机关运行经费 = 基本支出决算表的公用经费合计"),
    severity=ERROR,
    reads=("role:sangong", "role:basic_economic"),
)
def running_costs(ctx, out):
    """机关运行经费 (行政单位 and 参公事业单位) = 06 公用经费合计, where a table prints it
    (yunnan-2021's 公开09) or, where the form prints it only in the 说明 (the national
    form's 其他重要事项: the layout's text figure `running_costs`), as the 说明 states it,
    at the precision stated; the finding then marks the sentence. Not checked for a public
    institution (事业单位), which reports no 机关运行经费, nor for a layout without it."""
    fig = figures(ctx.layout).get(RUNNING_COSTS)
    stated_in_text = any(
        f.key == RUNNING_COSTS for s in ctx.layout.sections for f in s.text_figures
    )
    if fig is None and not stated_in_text:
        raise NotChecked(_("表式中没有机关运行经费。"))
    if ctx.disclosure.department.kind == DepartmentKind.PUBLIC_INSTITUTION:
        raise NotChecked(_("事业单位不公开机关运行经费。"))
    if fig is None:
        _running_costs_in_text(ctx, out, ctx.role("basic_economic"))
        return
    here, economic = ctx.tables[fig.table], ctx.role("basic_economic")
    if not here.present:
        raise NotChecked(_("{table}未提供。").format(table=here.label))
    _compare(
        out,
        here=here,
        row_key=fig.row,
        column=fig.column,
        there=economic,
        there_row=PUBLIC_TOTAL,
        there_column=economic.spec.columns[0].key,
        template=_("“{row}”为 {actual}，{there}的公用经费合计为 {expected}，相差 {difference}。"),
    )


def _running_costs_in_text(ctx, out, economic: TableData) -> None:
    """The 说明's 机关运行经费 against the basic-expenditure table's 公用经费合计."""
    # Imported here: the rule modules register their rules in report order when imported
    # (engine.RULE_MODULES), and narrative and text come after this one.
    from disclosure.checks.narrative import in_stated_unit
    from disclosure.checks.sentences import paragraphs, sentence_place, sentences
    from disclosure.checks.text import texts
    from disclosure.textfigures import read_text_figures

    if not economic.present:
        raise NotChecked(_("{table}未提供。").format(table=economic.label))
    stated = next(
        (f for f in read_text_figures(ctx.layout, ctx.narratives) if f.key == RUNNING_COSTS),
        None,
    )
    if stated is None or stated.value is None:
        raise NotChecked(_("说明中没有写出机关运行经费的数额。"))
    out.checked()
    decimals = re.search(r"\.(\d+)", stated.printed)
    value = economic.value(PUBLIC_TOTAL, economic.spec.columns[0].key)
    if in_stated_unit(economic, value, stated.unit, len(decimals.group(1)) if decimals else 0) == (
        stated.value
    ):
        return
    expected = in_stated_unit(economic, value, stated.unit, 2)
    text = next(t for t in texts(ctx) if t.narrative.position == stated.narrative_position)
    said = [s.strip() for p in paragraphs(text.narrative.body) for s in sentences(p)]
    n = said.index(stated.sentence) if stated.sentence in said else 0
    out.flag(
        economic,
        **sentence_place(text, n, "running_costs"),
        expected=expected,
        actual=stated.value,
        difference=stated.value - expected,
        unit=stated.unit,
        cells=[(economic.number, PUBLIC_TOTAL, economic.spec.columns[0].key)],
        template=_(
            "{where}：“{sentence}”中的机关运行经费“{printed}”与{there}的公用经费合计 "
            "{expected} 不符。"
        ),
        where=text.where,
        sentence=stated.sentence,
        printed=stated.printed,
        there=economic.label,
    )


# The group's second half (non-fiscal money, balances across years) lives in its own module;
# importing it here registers its rules right after these, in report order.
from disclosure.checks import balances as _balances  # noqa: E402, F401
