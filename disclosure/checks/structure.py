"""Structure: every table of the layout is there (or empty with its statement, or exempt)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disclosure.checks.engine import ERROR, WARNING, money, rule
from disclosure.checks.meanings import FUNDS, SPEND_TOTAL
from disclosure.models.statements import TableState


@rule(
    "structure.tables",
    gettext_lazy("每张表都已公开（无数据的附说明，涉密的注明）"),
    severity=ERROR,
    reads=("layout",),
)
def tables_present(ctx, out):
    """Every table of the layout is provided, published empty with a statement saying why,
    or recorded as exempt (涉密). A table missing from the disclosure is an error; an empty
    or exempt table without its statement is a warning."""
    for table in ctx.tables.values():
        out.checked()
        title = table.spec.title
        if table.state == TableState.NOT_PROVIDED:
            out.flag(
                table,
                template=_(
                    "{table}《{title}》没有公开。没有数据的表也要公开，并写明原因"
                    "（如“本单位本年度没有……，故本表无数据。”）；涉密的应注明。"
                ),
                title=title,
            )
        elif table.state in (TableState.EMPTY, TableState.EXEMPT) and not table.statement:
            out.flag(
                table,
                severity=WARNING,
                template=_("{table}《{title}》公开为空表，但没有说明为什么没有数据。")
                if table.state == TableState.EMPTY
                else _("{table}《{title}》按涉密不公开，但没有注明依据。"),
                title=title,
            )


@rule(
    "structure.fund_tables",
    gettext_lazy("没有政府性基金、国有资本经营预算拨款时，对应的表为空表"),
    severity=ERROR,
    reads=("role:fiscal_summary",),
)
def fund_tables(ctx, out):
    """DOMAIN §4: if 财政拨款收入支出决算总表 shows nothing in a fund's column, that fund's
    table is published empty (with its statement); if it shows money, the fund's table is
    not empty. (Whether the amounts agree is between.fund / between.capital.)"""
    summary = ctx.role("fiscal_summary")
    for fund in FUNDS[1:]:
        detail = ctx.role(fund.detail_role)
        if detail is None or not detail.present:
            out.cannot(_("表式中没有该项拨款的表，或该表未提供。"))
            continue
        income_col = _first_column(summary.spec, fund.income_line)
        amounts = [
            summary.value(fund.income_line, income_col),
            summary.value(fund.opening_line, income_col),
            summary.value(SPEND_TOTAL, fund.column),
        ]
        shown = any(a != 0 for a in amounts)
        detail_has = any(r.has_amounts for r in detail.rows)
        out.checked()
        if shown and detail.state == TableState.EMPTY:
            out.flag(
                detail,
                template=_(
                    "{summary}的“{fund}”栏有金额（本年收入 {income}，本年支出 {spend}），"
                    "而{table}却公开为空表。"
                ),
                summary=summary.label,
                fund=fund.name,
                income=money(amounts[0], summary.printed_unit),
                spend=money(amounts[2], summary.printed_unit),
                cells=[(summary.number, SPEND_TOTAL, fund.column)],
            )
        elif not shown and detail.state == TableState.PROVIDED and not detail_has:
            out.flag(
                detail,
                severity=WARNING,
                template=_(
                    "本年度没有{fund}（{summary}该栏为零），{table}应作为空表公开，"
                    "并写明“本单位本年度没有……，故本表无数据。”"
                ),
                summary=summary.label,
                fund=fund.name,
            )


@rule(
    "structure.unlabelled_rows",
    gettext_lazy("有金额的行都有科目编码或名称"),
    severity=WARNING,
    reads=("kind:codes", "kind:economic"),
)
def unlabelled_rows(ctx, out):
    """A row printed with amounts but without code or name cannot be read (nor checked:
    the other rules leave its cells alone)."""
    for table in ctx.tables_of_kind("codes", "economic"):
        if not table.present:
            continue
        for row in table.rows:
            out.checked()
            if not row.code and not row.is_total and not row.name and row.has_amounts:
                out.flag(
                    table,
                    row=row,
                    template=_(
                        "{table}第 {n} 行有金额，却没有科目编码和名称，读者无法知道它是什么；"
                        "请补上编码和名称，或删去这一行。"
                    ),
                    n=row.position + 1,
                )


def _first_column(spec, line_key: str) -> str:
    panel = spec.panel_for_line_key(line_key) or (spec.panels[0] if spec.panels else None)
    return panel.columns[0].key if panel else "amount"
