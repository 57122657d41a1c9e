"""Inside one table: sums down the classification tree, across columns, down fixed lines,
carry-over flows, economic summary lines, and the balance of the summary tables.

Every rule here iterates the layout declaration — each code-keyed table, each amount column,
each declared `sum_of`/`part_of`/`flows`/`summary_lines` — so another layout gets them for
free. A blank cell counts as zero. A row printed without code or name is left to
structure.unlabelled_rows.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disclosure.checks.engine import (
    ERROR,
    WARNING,
    all_dashes,
    line_of,
    printed_count,
    rule,
    total,
)
from disclosure.checks.loader import RowData, TableData
from disclosure.checks.meanings import (
    CLOSING_TOTAL,
    FUND_TOTAL_COLUMN,
    FUNDS,
    INCOME_GRAND_TOTAL,
    INCOME_TOTAL,
    OPENING_TOTAL,
    SPEND_GRAND_TOTAL,
    SPEND_TOTAL,
)
from disclosure.layouts import Column, Panel
from disclosure.models.classification import Level, parent_code
from disclosure.money import format_amount


def what(table: TableData, row: RowData) -> str:
    """The row as a sentence names it: “201 一般公共服务支出”, “合计”, “本年收入合计”."""
    if row.code and not row.is_total:
        return f"{row.code} {row.name}".strip()
    if table.spec.kind == "lines":
        line = line_of(table.spec, row.key)
        return (line.label if line and line.label else row.name) or row.key
    return row.name or _("合计")


def judged_rows(table: TableData) -> list[RowData]:
    """Rows whose cells the per-row rules judge: coded rows and totals."""
    return [r for r in table.rows if r.code or r.is_total]


def panel_rows(table: TableData, side: int, panel: Panel) -> list[tuple[RowData, object]]:
    """(row, line) of a panel's amount lines that the disclosure printed."""
    found = []
    for line in panel.lines:
        if line.format != "amount":
            continue
        row = table.row(line.key)
        if row is not None and row.side == side:
            found.append((row, line))
    return found


def column_sets(table: TableData) -> list[tuple[tuple[Column, ...], list[RowData]]]:
    """Each group of columns with the rows they belong to (a panel's columns belong to
    that panel's lines only)."""
    if table.spec.panels:
        return [
            (panel.columns, [r for r, _line in panel_rows(table, side, panel)])
            for side, panel in enumerate(table.spec.panels)
        ]
    return [(table.spec.columns, judged_rows(table))]


# ------------------------------------------------------------------ the classification tree
@rule(
    "inside.hierarchy",
    gettext_lazy("类 = Σ款，款 = Σ项，合计 = Σ类"),
    severity=ERROR,
    reads=("kind:codes", "kind:economic"),
)
def hierarchy(ctx, out):
    """In every code-keyed table, in every amount column: a 类 equals the sum of its 款
    (or of its 项 when the table prints no 款 for it), a 款 the sum of its 项, and the
    合计 row the sum of the 类. Codes of a wrong length are left to catalogue.code_format."""
    sum_of_kuan = _(
        "“{what}”的“{column}”为 {actual}，其下各款之和为 {expected}，相差 {difference}。"
    )
    sum_of_xiang = _(
        "“{what}”的“{column}”为 {actual}，其下各项之和为 {expected}，相差 {difference}。"
    )
    for table in ctx.tables_of_kind("codes", "economic"):
        if not table.present:
            continue
        coded = [r for r in table.code_rows if r.level is not None]
        under: dict[str, list[RowData]] = defaultdict(list)  # parent code → its children
        items_of_class: dict[str, list[RowData]] = defaultdict(list)
        for r in coded:
            if r.level > Level.CLASS:
                under[parent_code(r.code)].append(r)
            if r.level == Level.ITEM:
                items_of_class[r.code[:3]].append(r)
        for parent in coded:
            if parent.level == Level.ITEM:
                continue
            children = under.get(parent.code, [])
            template = sum_of_kuan if parent.level == Level.CLASS else sum_of_xiang
            if not children and parent.level == Level.CLASS:
                children = items_of_class.get(parent.code, [])
                template = sum_of_xiang
            if not children:
                continue
            named = what(table, parent)
            for col in table.spec.columns:
                out.equal(
                    table,
                    row=parent,
                    column=col,
                    expected=total(c.value(col.key) for c in children),
                    actual=parent.value(col.key),
                    rounded_parts=printed_count(children, col.key),
                    template=template,
                    what=named,
                )
        grand = table.total_row
        classes = [r for r in coded if r.level == Level.CLASS]
        if table.spec.kind == "codes" and grand is not None and classes:
            for col in table.spec.columns:
                out.equal(
                    table,
                    row=grand,
                    column=col,
                    expected=total(c.value(col.key) for c in classes),
                    actual=grand.value(col.key),
                    rounded_parts=printed_count(classes, col.key),
                    template=_(
                        "合计行的“{column}”为 {actual}，各类之和为 {expected}，相差 {difference}。"
                    ),
                )


# ------------------------------------------------------------------ across columns
@rule(
    "inside.columns",
    gettext_lazy("各栏勾稽：合计栏 = 各分栏之和"),
    severity=ERROR,
    reads=("kind:codes", "kind:lines"),
)
def columns(ctx, out):
    """On every row, each column declared as a sum (`sum_of`) equals the sum of its parts:
    本年收入合计 = 财政拨款 + 上级补助 + 事业收入 + 经营 + 附属单位上缴 + 其他 (教育收费 is a
    part of 事业收入, not added); 本年支出合计 = 基本 + 项目 + …; 合计 = Σ fund columns;
    基本支出 = 人员经费 + 公用经费 … When every part is a printed dash the row gives no
    breakdown and is not judged."""
    template = _("“{what}”的“{column}”为 {actual}，而{parts}之和为 {expected}，相差 {difference}。")
    for table in ctx.tables.values():
        if not (table.present and table.spec.is_amount_table):
            continue
        for cols, rows in column_sets(table):
            labels = {c.key: c.name or c.label for c in cols}
            for col in cols:
                if not col.sum_of:
                    continue
                parts = "、".join(labels[k] for k in col.sum_of)
                for row in rows:
                    if all_dashes(row, col.sum_of):
                        continue
                    out.equal(
                        table,
                        row=row,
                        column=col,
                        expected=total(row.value(k) for k in col.sum_of),
                        actual=row.value(col.key),
                        rounded_parts=sum(
                            1 for k in col.sum_of if row.cells.get(k, (None, ""))[0] is not None
                        ),
                        template=template,
                        merge=False,
                        what=what(table, row),
                        parts=parts,
                    )


@rule(
    "inside.part_of",
    gettext_lazy("“其中”数不大于它所属的数"),
    severity=ERROR,
    reads=("kind:codes", "kind:lines"),
)
def part_of(ctx, out):
    """A 其中 column (`part_of`, e.g. 教育收费 of 事业收入) or line (其中：外事接待费 of
    国内接待费) never exceeds what it is part of."""
    for table in ctx.tables.values():
        if not (table.present and table.spec.is_amount_table):
            continue
        for cols, rows in column_sets(table):
            labels = {c.key: c.name or c.label for c in cols}
            for col in cols:
                if not col.part_of:
                    continue
                for row in rows:
                    out.at_most(
                        table,
                        row=row,
                        column=col,
                        limit=row.value(col.part_of),
                        actual=row.value(col.key),
                        template=_(
                            "“{what}”的“{column}”为 {actual}，超过了它所属的“{whole}”{expected}。"
                        ),
                        what=what(table, row),
                        whole=labels[col.part_of],
                    )
        for panel in table.spec.panels:
            for line in panel.lines:
                if line.part_of is None:
                    continue
                row, whole = table.row(line.key), table.row(_key(panel, line.part_of))
                if row is None or whole is None:
                    continue
                for col in panel.columns:
                    out.at_most(
                        table,
                        row=row,
                        column=col,
                        limit=whole.value(col.key),
                        actual=row.value(col.key),
                        template=_("“{what}”的“{column}”为 {actual}，超过了“{whole}”{expected}。"),
                        what=line.label,
                        whole=panel.line(line.part_of).label,
                    )


# ------------------------------------------------------------------ down fixed lines
@rule(
    "inside.lines",
    gettext_lazy("固定行勾稽：合计行 = 各组成行之和"),
    severity=ERROR,
    reads=("kind:lines",),
)
def lines(ctx, out):
    """In tables of fixed lines, each line declared as a sum (`sum_of`) equals the sum of
    its lines, in every column: 本年收入合计 = 一…八; 总计 = 本年收入合计 + 年初结转和结余;
    三公 支出合计 = 出国 + 公务用车 + 接待; 公务用车 = 购置 + 运行维护 … When every part is a
    printed dash (a budget not broken down) the cell is not judged."""
    for table in ctx.tables_of_kind("lines"):
        if not table.present:
            continue
        for panel in table.spec.panels:
            for line in panel.lines:
                if not line.sum_of or line.format != "amount":
                    continue
                row = table.row(line.key)
                parts = [table.row(_key(panel, n)) for n in line.sum_of]
                if row is None and not any(parts):
                    continue
                for col in panel.columns:
                    if all(p is not None and p.is_dash(col.key) for p in parts) and row:
                        continue
                    out.equal(
                        table,
                        row_key=line.key,
                        row_text=line.label,
                        column=col,
                        expected=total(p.value(col.key) for p in parts if p is not None),
                        actual=row.value(col.key) if row else total(()),
                        rounded_parts=printed_count(parts, col.key),
                        template=_(
                            "“{row}”的“{column}”为 {actual}，而{parts}之和为 {expected}，"
                            "相差 {difference}。"
                        ),
                        parts="、".join(
                            f"“{panel.line(n).label}”" for n in line.sum_of if panel.line(n)
                        ),
                    )


@rule(
    "inside.class_lines",
    gettext_lazy("各类支出之和 = 本年支出合计"),
    severity=ERROR,
    reads=("kind:lines",),
)
def class_lines(ctx, out):
    """In a summary table that lists expenditure by 类 (lines with a class code), the 类
    lines add up to 本年支出合计, in every column."""
    for table in ctx.tables_of_kind("lines"):
        if not table.present:
            continue
        for panel in table.spec.panels:
            classes = [line for line in panel.lines if line.class_code]
            if not classes or not _has(panel, SPEND_TOTAL):
                continue
            spend = table.row(SPEND_TOTAL)
            rows = [table.row(line.key) for line in classes]
            for col in panel.columns:
                out.equal(
                    table,
                    row_key=SPEND_TOTAL,
                    row_text=_line_label(panel, SPEND_TOTAL),
                    column=col,
                    expected=total(r.value(col.key) for r in rows if r is not None),
                    actual=spend.value(col.key) if spend else total(()),
                    rounded_parts=printed_count(rows, col.key),
                    template=_(
                        "“{row}”的“{column}”为 {actual}，而各类支出之和为 {expected}，"
                        "相差 {difference}。"
                    ),
                )


# ------------------------------------------------------------------ carry-over flows
@rule(
    "inside.flows",
    gettext_lazy("年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余"),
    severity=ERROR,
    reads=("kind:codes",),
)
def flows(ctx, out):
    """On every row of a fund table, for each declared flow (合计, 基本支出, 项目支出 …):
    年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余."""
    found = False
    for table in ctx.tables.values():
        if not (table.present and table.spec.flows):
            continue
        found = True
        cols = {c.key: c for c in table.spec.all_columns()}
        for row in judged_rows(table):
            for flow in table.spec.flows:
                expected = row.value(flow.opening) + row.value(flow.income) - row.value(flow.spend)
                out.equal(
                    table,
                    row=row,
                    column=cols[flow.closing],
                    expected=expected,
                    actual=row.value(flow.closing),
                    template=_(
                        "“{what}”：{opening_label} {opening} + {income_label} {income} − "
                        "{spend_label} {spend} = {expected}，而“{column}”为 {actual}，"
                        "相差 {difference}。"
                    ),
                    merge=False,
                    what=what(table, row),
                    opening_label=cols[flow.opening].header,
                    income_label=cols[flow.income].header,
                    spend_label=cols[flow.spend].header,
                    opening=_amount(row.value(flow.opening)),
                    income=_amount(row.value(flow.income)),
                    spend=_amount(row.value(flow.spend)),
                )
    if not found:
        out.cannot(_("表式没有声明结转结余关系的表。"))


# ------------------------------------------------------------------ economic summaries
@rule(
    "inside.economic_summary",
    gettext_lazy("人员经费合计 = 301 + 303；公用经费合计 = 302 + 307 + 310 + 312 + 399"),
    severity=ERROR,
    reads=("kind:economic",),
)
def economic_summary(ctx, out):
    """Each declared summary line of an economic table equals the sum of its 类 (whichever
    are printed; a 类 not printed counts as zero)."""
    for table in ctx.tables_of_kind("economic"):
        if not table.present:
            continue
        col = table.spec.columns[0].key
        for line in table.spec.summary_lines:
            row = table.row(line.key)
            if row is None:
                out.cannot(
                    _("{table}没有印出“{label}”。").format(table=table.label, label=line.label)
                )
                continue
            out.equal(
                table,
                row=row,
                column=col,
                expected=total(table.value(code, col) for code in line.sum_of_codes),
                actual=row.value(col),
                template=_("“{row}”为 {actual}，而 {codes} 之和为 {expected}，相差 {difference}。"),
                codes=" + ".join(line.sum_of_codes),
            )


# ------------------------------------------------------------------ balance of summaries
@rule(
    "inside.balance",
    gettext_lazy("收入总计 = 支出总计；年初结转 + 本年收入 = 本年支出 + 年末结转"),
    severity=ERROR,
    reads=("role:summary?", "role:fiscal_summary?"),
)
def balance(ctx, out):
    """收入支出决算总表 and 财政拨款收入支出决算总表 balance: 收入总计 = 支出总计. In the
    latter, for the total and for each kind of appropriation, 年初结转和结余 + 本年收入 =
    本年支出 + 年末结转和结余."""
    summaries = [t for t in (ctx.role("summary"), ctx.role("fiscal_summary")) if t and t.present]
    if not summaries:
        out.cannot(_("收入支出决算总表、财政拨款收入支出决算总表都未提供。"))
        return
    for table in summaries:
        spec = table.spec
        income_panel = spec.panel_for_line_key(INCOME_GRAND_TOTAL)
        spend_panel = spec.panel_for_line_key(SPEND_GRAND_TOTAL)
        if income_panel is None or spend_panel is None:
            out.cannot(_("{table}没有收入总计或支出总计行。").format(table=table.label))
            continue
        income_col = income_panel.columns[0].key
        spend_col = (
            FUND_TOTAL_COLUMN
            if any(c.key == FUND_TOTAL_COLUMN for c in spend_panel.columns)
            else spend_panel.columns[0].key
        )
        out.equal(
            table,
            row_key=SPEND_GRAND_TOTAL,
            row_text=_line_label(spend_panel, SPEND_GRAND_TOTAL),
            column=spend_col,
            expected=table.value(INCOME_GRAND_TOTAL, income_col),
            actual=table.value(SPEND_GRAND_TOTAL, spend_col),
            template=_("支出总计为 {actual}，收入总计为 {expected}，两者不等，相差 {difference}。"),
            cells=[(table.number, INCOME_GRAND_TOTAL, income_col)],
        )
        if not _has(spend_panel, CLOSING_TOTAL) or not _has(income_panel, OPENING_TOTAL):
            continue
        flows = [(_("财政拨款合计"), FUND_TOTAL_COLUMN, INCOME_TOTAL, OPENING_TOTAL)] + [
            (f.name, f.column, f.income_line, f.opening_line) for f in FUNDS
        ]
        for name, column, income_line, opening_line in flows:
            if not (any(c.key == column for c in spend_panel.columns)):
                continue
            if not (_has(income_panel, income_line) and _has(income_panel, opening_line)):
                continue
            opening = table.value(opening_line, income_col)
            income = table.value(income_line, income_col)
            spend = table.value(SPEND_TOTAL, column)
            out.equal(
                table,
                row_key=CLOSING_TOTAL,
                row_text=_line_label(spend_panel, CLOSING_TOTAL),
                column=column,
                expected=opening + income - spend,
                actual=table.value(CLOSING_TOTAL, column),
                template=_(
                    "{fund}：年初结转和结余 {opening} + 本年收入 {income} − 本年支出 {spend} = "
                    "{expected}，而年末结转和结余为 {actual}，相差 {difference}。"
                ),
                merge=False,
                cells=[
                    (table.number, opening_line, income_col),
                    (table.number, income_line, income_col),
                    (table.number, SPEND_TOTAL, column),
                ],
                fund=name,
                opening=_amount(opening),
                income=_amount(income),
                spend=_amount(spend),
            )


# ------------------------------------------------------------------ odd values
@rule(
    "inside.negative",
    gettext_lazy("负数金额需核实"),
    severity=WARNING,
    reads=("kind:codes", "kind:economic", "kind:lines"),
)
def negative(ctx, out):
    """A negative amount is possible (a refund, a correction) but unusual in these tables:
    flagged for a look. (Every stored amount parsed as a number: the importer refuses a
    cell that is neither a number nor a dash.)"""
    for table in ctx.tables.values():
        if not (table.present and table.spec.is_amount_table):
            continue
        for row in table.rows:
            for column, (value, _mark) in row.cells.items():
                out.checked()
                if value is not None and value < 0:
                    out.flag(
                        table,
                        row=row,
                        column=column,
                        actual=value,
                        template=_("“{what}”的“{column}”是负数 {actual}，请核实。"),
                        what=what(table, row),
                    )


def _key(panel: Panel, no: int) -> str:
    line = panel.line(no)
    return line.key if line else str(no)


def _has(panel: Panel, key: str) -> bool:
    return any(line.key == key for line in panel.lines)


def _line_label(panel: Panel, key: str) -> str:
    return next((line.label for line in panel.lines if line.key == key), key)


def _amount(value) -> str:
    return format_amount(value)
