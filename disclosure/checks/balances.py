"""Between tables, continued: what is spent beyond fiscal money is explained by other money,
and the balances carried from one year into the next agree (group "between")."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disclosure.checks.between import _as_unit, _compare, _first_col, _line_text
from disclosure.checks.engine import (
    WARNING,
    NotChecked,
    in_common_unit,
    money,
    rule,
)
from disclosure.checks.meanings import (
    CLOSING,
    CLOSING_TOTAL,
    FISCAL_COLUMN,
    FUND_TOTAL_COLUMN,
    FUNDS,
    INCOME_TOTAL_COLUMN,
    OPENING,
    OPENING_TOTAL,
    SPEND_TOTAL,
    SPEND_TOTAL_COLUMN,
    USE_OF_BALANCES,
)


# ------------------------------------------------------------------ 03 against 04
@rule(
    "between.non_fiscal",
    gettext_lazy("支出决算表合计与财政拨款支出的差额，由非财政拨款资金解释"),
    severity=WARNING,
    reads=("role:spend", "role:fiscal_summary", "role:income", "role:summary?"),
)
def non_fiscal(ctx, out):
    """03 合计 ≥ 04 本年支出合计, and what 03 spends beyond fiscal money cannot exceed the
    non-fiscal money the disclosure shows: 02's income other than 财政拨款, plus, when 01
    is provided, 使用非财政拨款结余 and the non-fiscal part of 年初结转和结余."""
    spend, fiscal, income = ctx.role("spend"), ctx.role("fiscal_summary"), ctx.role("income")
    summary = ctx.role("summary")
    col = FUND_TOTAL_COLUMN if fiscal.spec.column(FUND_TOTAL_COLUMN) else "amount"
    unit, all_spending, fiscal_spending = in_common_unit(
        spend, spend.value("total", SPEND_TOTAL_COLUMN), fiscal, fiscal.value(SPEND_TOTAL, col)
    )
    non_fiscal_income = income.value("total", INCOME_TOTAL_COLUMN) - income.value(
        "total", FISCAL_COLUMN
    )
    available = non_fiscal_income
    if summary is not None and summary.present:
        summary_col = _first_col(summary, OPENING)
        balances = summary.value(USE_OF_BALANCES, summary_col)
        opening = summary.value(OPENING, summary_col) - fiscal.value(
            OPENING_TOTAL, _first_col(fiscal, OPENING_TOTAL)
        )
        available += max(balances, 0) + max(opening, 0)
        sources = _(
            "{income}的非财政拨款收入，加上{summary}的使用非财政拨款结余和非财政拨款年初结转，"
            "共 {amount}"
        ).format(
            income=income.label,
            summary=summary.label,
            amount=money(available, income.printed_unit),
        )
    else:
        sources = _(
            "{income}的非财政拨款收入只有 {amount}（收入支出决算总表未提供，"
            "看不到非财政拨款结转和结余）"
        ).format(income=income.label, amount=money(available, income.printed_unit))
    available = _as_unit(income, available, unit)
    cells = [(fiscal.number, SPEND_TOTAL, col), (income.number, "total", INCOME_TOTAL_COLUMN)]
    out.at_most(
        spend,
        row=spend.total_row,
        row_key="total",
        row_text=_("合计"),
        column=SPEND_TOTAL_COLUMN,
        limit=fiscal_spending + available,
        actual=all_spending,
        unit=unit,
        template=_(
            "合计行的“{column}”为 {actual}，比{fiscal}的财政拨款支出 {fiscal_spending}多 "
            "{excess}；{sources}，还有 {difference}说不清来源。"
        ),
        cells=cells,
        fiscal=fiscal.label,
        fiscal_spending=money(fiscal_spending, unit),
        excess=money(all_spending - fiscal_spending, unit),
        sources=sources,
    )
    out.at_most(
        fiscal,
        row_key=SPEND_TOTAL,
        row_text=_line_text(fiscal, SPEND_TOTAL),
        column=col,
        limit=all_spending,
        actual=fiscal_spending,
        unit=unit,
        template=_(
            "财政拨款支出 {actual} 超过了{spend}的全部支出合计 {expected}（多 {difference}）。"
        ),
        cells=[(spend.number, "total", SPEND_TOTAL_COLUMN)],
        spend=spend.label,
    )


# ------------------------------------------------------------------ across years
@rule(
    "between.years",
    gettext_lazy("本年年初结转和结余 = 上年已公开的年末结转和结余"),
    severity=WARNING,
    reads=("role:fiscal_summary",),
)
def years(ctx, out):
    """This year's 年初结转和结余 equals last year's 年末结转和结余: in 财政拨款收入支出决算总表
    (total and each kind of appropriation), in the general public budget table's 合计 row
    (each carry-over column) and in 收入支出决算总表. Last year means its current published
    version, named in the finding; a difference is a warning the preparer explains, since
    a published figure cannot be corrected in this year's file."""
    last = ctx.previous
    if last is None:
        raise NotChecked(_("没有上一年度的决算公开，无法比较。"))
    version = _("上年度已公开的{year}年度第{version}版").format(
        year=last.disclosure.year_id, version=last.disclosure.version
    )
    explain = _("已公开的数字不能在本年文件中更正，请说明原因。")
    now_fiscal, then_fiscal = ctx.role("fiscal_summary"), last.role("fiscal_summary")
    if then_fiscal is not None and then_fiscal.present:
        col = _first_col(now_fiscal, OPENING_TOTAL)
        pairs = [(OPENING_TOTAL, FUND_TOTAL_COLUMN)] + [(f.opening_line, f.column) for f in FUNDS]
        for opening_line, fund_col in pairs:
            if then_fiscal.spec.column(fund_col) is None:
                continue
            _compare(
                out,
                here=now_fiscal,
                row_key=opening_line,
                column=col,
                there=then_fiscal,
                there_row=CLOSING_TOTAL,
                there_column=fund_col,
                template=_(
                    "“{row}”为 {actual}，{last}{there}的年末结转和结余（{col}）为 {expected}，"
                    "相差 {difference}。{explain}"
                ),
                col=then_fiscal.spec.column(fund_col).label,
                last=version,
                explain=explain,
            )
    now_general, then_general = ctx.role("general"), last.role("general")
    if (
        now_general is not None
        and now_general.present
        and then_general is not None
        and then_general.present
    ):
        for now_flow, then_flow in zip(
            now_general.spec.flows, then_general.spec.flows, strict=False
        ):
            _compare(
                out,
                here=now_general,
                row_key="total",
                row_text=_("合计"),
                column=now_flow.opening,
                there=then_general,
                there_row="total",
                there_column=then_flow.closing,
                template=_(
                    "合计行的“{column}”为 {actual}，{last}{there}的“{then}”为 {expected}，"
                    "相差 {difference}。{explain}"
                ),
                then=then_general.spec.column(then_flow.closing).header,
                last=version,
                explain=explain,
            )
    now_summary, then_summary = ctx.role("summary"), last.role("summary")
    if now_summary and now_summary.present and then_summary and then_summary.present:
        _compare(
            out,
            here=now_summary,
            row_key=OPENING,
            column=_first_col(now_summary, OPENING),
            there=then_summary,
            there_row=CLOSING,
            there_column=_first_col(then_summary, CLOSING),
            template=_(
                "“{row}”为 {actual}，{last}{there}的年末结转和结余为 {expected}，"
                "相差 {difference}。{explain}"
            ),
            last=version,
            explain=explain,
        )
