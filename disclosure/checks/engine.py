"""The rule engine: how a rule is declared, how it reports, and how a disclosure is checked.

A rule is a function registered with `@rule(...)`, declared once with its id, Chinese title,
severity, the tables it reads and its tolerance. It receives the loaded `Context` and a
`Reporter`; it reports what it compared (`equal`, `at_most`) and what it found (`flag`).
The engine turns that into the rule's status:

- "not_checked": the rule could not run — a table it reads is not provided, the layout
  lacks a column or line it needs, or there was nothing to compare. Never "passed".
- "failed": at least one error or warning.
- "passed": it compared something and everything held (information notes allowed, e.g. a
  rounding difference of at most 0.01 in a table kept in 万元).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from disclosure.checks.loader import Context, RowData, TableData, load_context
from disclosure.layouts import Column, Line, TableSpec
from disclosure.layouts.roles import TABLE_ROLES
from disclosure.money import CENT, ZERO, format_amount, to_wan

logger = logging.getLogger(__name__)

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)
PASSED, FAILED, NOT_CHECKED = "passed", "failed", "not_checked"
# DOMAIN §4: a table kept in 万元 may differ by rounding, at most 0.01 万元: information.
WAN_ROUNDING = Decimal("0.01")
# DOMAIN §7: each figure printed in 万元 is rounded to 0.01, so it may be off by half of
# that; a total of n printed parts may differ from their sum by (n + 1) × 0.005 万元.
HALF_CENT_WAN = Decimal("0.005")


def rounding_allowance(unit: str, parts: int | None) -> Decimal:
    """How far a printed total may be from the sum of `parts` printed figures in `unit`:
    nothing in 元 (to the cent, exact); (n + 1) × 0.005 in 万元, and 0.01 for a comparison
    of two figures (n unknown)."""
    if unit != "万元":
        return Decimal(0)
    if parts is None:
        return WAN_ROUNDING
    return max(WAN_ROUNDING, (parts + 1) * HALF_CENT_WAN)


def _rounding_note(template: str) -> str:
    """The template of a difference within the 万元 rounding allowance: it says so, and
    prints the difference once (most templates already print it: "相差 {difference}")."""
    within = _("在万元取整误差之内")
    if "相差 {difference}" in template:
        return template.replace("相差 {difference}", f"相差 {{difference}}，{within}", 1)
    if "{difference}" in template:
        return template + _("（在万元取整误差之内。）")
    return _("{base}（相差 {difference}，在万元取整误差之内。）").format(
        base=template.rstrip("。"), difference="{difference}"
    )


def printed_count(rows: Iterable, column: str) -> int:
    """How many of these rows print a figure in the column (a blank is exact, not rounded)."""
    return sum(1 for r in rows if r is not None and r.cells.get(column, (None, ""))[0] is not None)


# The rule modules, in report order.
RULE_MODULES = (
    "structure",
    "inside",
    "between",
    "catalogue",
    "units",
    "narrative",
    "text",
    "wording",
    "performance",
)


class NotChecked(Exception):
    """Raised by a rule whose inputs are missing; the message says which."""


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str
    reads: tuple[str, ...]
    tolerance: Decimal
    check: Callable[[Context, Reporter], None] = field(compare=False, repr=False)

    @property
    def group(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def description(self) -> str:
        return (self.check.__doc__ or "").strip()


_REGISTRY: dict[str, Rule] = {}


def rule(
    id: str,
    title: str,
    *,
    severity: str,
    reads: Iterable[str],
    tolerance: Decimal = Decimal("0.00"),
):
    """Declare a rule. `reads` names what it reads: "kind:codes" (every table of that kind),
    "role:general" (the table the layout declares for that role, see layouts.roles; a
    trailing "?" marks it optional), or "text", "performance", "catalogue"."""
    if severity not in SEVERITIES:
        raise ValueError(f"rule {id}: unknown severity {severity!r}")
    reads = tuple(reads)
    roles = [n.removeprefix("role:").removesuffix("?") for n in reads if n.startswith("role:")]
    if unknown := [role for role in roles if role not in TABLE_ROLES]:
        raise ValueError(f"rule {id}: no layout can declare the role {unknown[0]!r}")

    def register(fn: Callable[[Context, Reporter], None]):
        if id in _REGISTRY:
            raise ValueError(f"rule {id} is declared twice")
        _REGISTRY[id] = Rule(id, title, severity, reads, tolerance, fn)
        return fn

    return register


def all_rules() -> list[Rule]:
    """Every declared rule, in report order."""
    for name in RULE_MODULES:
        importlib.import_module(f"disclosure.checks.{name}")
    order = {name: i for i, name in enumerate(RULE_MODULES)}
    return sorted(_REGISTRY.values(), key=lambda r: order[r.group])


# ------------------------------------------------------------------ locating cells
def row_label(table: TableData, row: RowData) -> str:
    """How a reader finds the row: its code, its printed label, or the declared line label."""
    if table.spec.kind == "lines":
        line = line_of(table.spec, row.key)
        if line is not None and line.label:
            return line.label
        return row.name or _("第 {n} 行").format(n=row.line_no or row.position + 1)
    if row.is_total:
        return row.name or _("合计")
    if row.code:
        return row.code
    return row.name or _("第 {n} 行（无编码）").format(n=row.position + 1)


def line_of(spec: TableSpec, key: str) -> Line | None:
    for panel in spec.panels:
        for line in panel.lines:
            if line.key == key:
                return line
    return None


def line_label(spec: TableSpec, key: str) -> str:
    line = line_of(spec, key)
    return (line.label if line else "") or key


def column_header(spec: TableSpec, key: str) -> str:
    col = spec.column(key)
    return col.header if col else key


def money(value: Decimal | None, unit: str) -> str:
    """An amount as a message prints it: "9,733,858.45 元", "98.90%", "10.00"."""
    if value is None:
        return ""
    if unit == "%":
        return f"{format_amount(value)}%"
    return f"{format_amount(value)} {unit}".strip()


def _cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT)


@dataclass
class Issue:
    """A finding before it is stored: located in a printed table, with its message."""

    rule: str
    severity: str
    table: str  # the table's number: "02"
    table_label: str  # as printed: "公开02"
    row: str
    row_key: str
    column: str
    column_key: str
    expected: Decimal | None
    actual: Decimal | None
    difference: Decimal | None
    unit: str
    message: str
    cells: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.rule, self.table, self.row_key, self.column_key)

    def as_json(self) -> dict:
        def text(value):
            return None if value is None else str(value)

        return {
            "rule": self.rule,
            "severity": self.severity,
            "table": self.table_label,
            "row": self.row,
            "column": self.column,
            "expected": text(self.expected),
            "actual": text(self.actual),
            "difference": text(self.difference),
            "message": self.message,
        }


@dataclass
class _Pending:
    issue: Issue
    template: str
    params: dict
    merge: bool


class Reporter:
    """What a rule uses to say what it compared and what it found."""

    def __init__(self, rule: Rule, ctx: Context):
        self.rule = rule
        self.ctx = ctx
        self.evaluated = 0
        self.reasons: list[str] = []
        self._pending: list[_Pending] = []

    # -------------------------------------------------------------- comparisons
    def equal(
        self,
        table: TableData,
        *,
        row: RowData | None = None,
        row_key: str = "",
        row_text: str = "",
        column: str | Column | None = None,
        column_text: str = "",
        expected: Decimal,
        actual: Decimal,
        template: str,
        unit: str | None = None,
        cells: Iterable[tuple[str, str, str]] = (),
        severity: str | None = None,
        merge: bool = True,
        rounded_parts: int | None = None,
        **params,
    ) -> bool:
        """Report unless `actual` equals `expected` (within the rule's tolerance). In a 万元
        comparison a difference within the rounding allowance is a note: 0.01, or
        (n + 1) × 0.005 when `expected` sums `rounded_parts` printed figures. Amounts are in
        `unit` (the table's printed unit by default). Returns whether they agree."""
        self.evaluated += 1
        unit = table.printed_unit if unit is None else unit
        difference = actual - expected
        if abs(difference) <= self.rule.tolerance:
            return True
        if unit == "万元" and abs(difference) <= rounding_allowance(unit, rounded_parts):
            severity = INFO
            template = _rounding_note(template)
        self._add(
            table,
            row=row,
            row_key=row_key,
            row_text=row_text,
            column=column,
            column_text=column_text,
            expected=expected,
            actual=actual,
            difference=difference,
            unit=unit,
            template=template,
            cells=cells,
            severity=severity,
            merge=merge,
            params=params,
        )
        return False

    def at_most(
        self,
        table: TableData,
        *,
        row: RowData | None = None,
        row_key: str = "",
        row_text: str = "",
        column: str | Column | None = None,
        column_text: str = "",
        limit: Decimal,
        actual: Decimal,
        template: str,
        unit: str | None = None,
        cells: Iterable[tuple[str, str, str]] = (),
        severity: str | None = None,
        **params,
    ) -> bool:
        """Report when `actual` exceeds `limit` (expected = the limit)."""
        self.evaluated += 1
        unit = table.printed_unit if unit is None else unit
        excess = actual - limit
        if excess <= self.rule.tolerance or (unit == "万元" and excess <= WAN_ROUNDING):
            return True
        self._add(
            table,
            row=row,
            row_key=row_key,
            row_text=row_text,
            column=column,
            column_text=column_text,
            expected=limit,
            actual=actual,
            difference=excess,
            unit=unit,
            template=template,
            cells=cells,
            severity=severity,
            merge=False,
            params=params,
        )
        return False

    def flag(
        self,
        table: TableData,
        *,
        template: str,
        row: RowData | None = None,
        row_key: str = "",
        row_text: str = "",
        column: str | Column | None = None,
        column_text: str = "",
        expected: Decimal | None = None,
        actual: Decimal | None = None,
        difference: Decimal | None = None,
        unit: str | None = None,
        cells: Iterable[tuple[str, str, str]] = (),
        severity: str | None = None,
        **params,
    ) -> None:
        """Report a finding that is not a plain comparison of two amounts."""
        self._add(
            table,
            row=row,
            row_key=row_key,
            row_text=row_text,
            column=column,
            column_text=column_text,
            expected=expected,
            actual=actual,
            difference=difference,
            unit=unit if unit is not None else table.printed_unit,
            template=template,
            cells=cells,
            severity=severity,
            merge=False,
            params=params,
        )

    def checked(self, n: int = 1) -> None:
        """Count subjects verified without a comparison helper (e.g. a name that matched)."""
        self.evaluated += n

    def cannot(self, reason: str) -> None:
        """Note a subject the rule could not check (reported when nothing was checked)."""
        self.reasons.append(reason)

    # -------------------------------------------------------------- internals
    def _add(
        self,
        table: TableData,
        *,
        row: RowData | None = None,
        row_key: str = "",
        row_text: str = "",
        column: str | Column | None = None,
        column_text: str = "",
        expected: Decimal | None,
        actual: Decimal | None,
        difference: Decimal | None,
        unit: str,
        template: str,
        cells: Iterable[tuple[str, str, str]] = (),
        severity: str | None = None,
        merge: bool,
        params: dict,
    ) -> None:
        if row is not None:
            row_key = row_key or row.key
            row_text = row_text or row_label(table, row)
        if isinstance(column, Column):
            column_key, column_text = column.key, column_text or column.header
        elif column:
            column_key, column_text = column, column_text or column_header(table.spec, column)
        else:
            column_key = ""
        issue = Issue(
            rule=self.rule.id,
            severity=severity or self.rule.severity,
            table=table.number,
            table_label=table.label,
            row=row_text,
            row_key=row_key,
            column=column_text,
            column_key=column_key,
            expected=_cents(expected),
            actual=_cents(actual),
            difference=_cents(difference),
            unit=unit,
            message="",
            cells=[c for c in cells if c != (table.number, row_key, column_key)],
        )
        self._pending.append(_Pending(issue, template, params, merge))

    def issues(self) -> list[Issue]:
        """The findings, with identical discrepancies on one row merged across columns
        (e.g. 本年收入合计 and 财政拨款收入 both off by the same amount)."""
        merged: list[_Pending] = []
        index: dict[tuple, _Pending] = {}
        for p in self._pending:
            i = p.issue
            key = (
                i.table,
                i.row_key,
                i.expected,
                i.actual,
                i.severity,
                p.template,
                tuple(sorted((k, str(v)) for k, v in p.params.items())),
            )
            if p.merge and key in index:
                first = index[key]
                first.issue.column = f"{first.issue.column}、{i.column}"
                first.issue.cells.append((i.table, i.row_key, i.column_key))
                first.issue.cells.extend(i.cells)
                continue
            if p.merge:
                index[key] = p
            merged.append(p)
        out = []
        for p in merged:
            i = p.issue
            i.message = p.template.format(
                table=i.table_label,
                row=i.row,
                column=i.column,
                expected=money(i.expected, i.unit),
                actual=money(i.actual, i.unit),
                difference=money(abs(i.difference), i.unit) if i.difference is not None else "",
                unit=i.unit,
                **p.params,
            )
            out.append(i)
        return out


@dataclass
class Outcome:
    rule: Rule
    status: str
    issues: list[Issue]
    reason: str = ""

    def as_json(self) -> dict:
        return {
            "rule": self.rule.id,
            "title": str(self.rule.title),
            "severity": self.rule.severity,
            "status": self.status,
            "findings": len(self.issues),
            "reason": self.reason,
        }


@dataclass
class Report:
    outcomes: list[Outcome]

    @property
    def issues(self) -> list[Issue]:
        return [i for o in self.outcomes for i in o.issues]

    def as_json(self) -> dict:
        return {
            "findings": [i.as_json() for i in self.issues],
            "rules": [o.as_json() for o in self.outcomes],
        }


def _missing_input(rule: Rule, ctx: Context) -> str:
    """Why a declared input is missing ("" when the rule can run): a required role's table
    is absent from the layout or not provided; or none of the kinds it reads is present."""
    kinds = [n.removeprefix("kind:") for n in rule.reads if n.startswith("kind:")]
    if kinds and not any(t.present for t in ctx.tables_of_kind(*kinds)):
        return _("没有可检查的表。")
    for need in rule.reads:
        if not need.startswith("role:") or need.endswith("?"):
            continue
        role = need.removeprefix("role:")
        table = ctx.role(role)
        if table is None:
            return _("表式中没有{what}。").format(what=TABLE_ROLES[role].what)
        if not table.present:
            return _("{table}{state}。").format(
                table=table.label,
                state=_("涉密未公开") if table.state == "exempt" else _("未提供"),
            )
    return ""


def run_on(sentences) -> str:
    """Sentences one after another as the reader's language writes them: a Chinese one runs
    on after its 。, an English one is followed by a space."""
    text = ""
    for sentence in sentences:
        text += sentence if not text or text.endswith(("。", "！", "？")) else f" {sentence}"
    return text


def run_rule(rule: Rule, ctx: Context) -> Outcome:
    reason = _missing_input(rule, ctx)
    if reason:
        return Outcome(rule, NOT_CHECKED, [], reason)
    out = Reporter(rule, ctx)
    try:
        rule.check(ctx, out)
    except NotChecked as exc:
        return Outcome(rule, NOT_CHECKED, [], str(exc))
    except Exception:  # a rule's bug must not refuse an import: it is logged, not "passed"
        logger.exception("rule %s failed on %s", rule.id, ctx.disclosure)
        return Outcome(rule, NOT_CHECKED, [], _("检查时出错，已记录，请联系管理员。"))
    issues = out.issues()
    if any(i.severity in (ERROR, WARNING) for i in issues):
        return Outcome(rule, FAILED, issues)
    if out.evaluated == 0 and not issues:
        reason = run_on(dict.fromkeys(out.reasons)) or _("没有可检查的内容。")
        return Outcome(rule, NOT_CHECKED, [], reason)
    return Outcome(rule, PASSED, issues)


def run_checks(disclosure, *, context: Context | None = None) -> Report:
    """Run every rule over a disclosure (nothing is stored; see services.checks_run)."""
    ctx = context or load_context(disclosure)
    return Report([run_rule(r, ctx) for r in all_rules()])


# ------------------------------------------------------------------ shared arithmetic
def total(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


def all_dashes(row: RowData, columns: Iterable[str]) -> bool:
    """Every one of these cells is a printed dash: the breakdown is "not applicable"."""
    columns = list(columns)
    return bool(columns) and all(row.is_dash(c) for c in columns)


def in_common_unit(
    a: TableData, a_value: Decimal, b: TableData, b_value: Decimal
) -> tuple[str, Decimal, Decimal]:
    """Two amounts from two tables in one unit: 元 if both print 元, else 万元 (rounded
    half-up as a table in 万元 prints it)."""
    if a.printed_unit == b.printed_unit:
        return a.printed_unit, a_value, b_value

    def wan(t: TableData, v: Decimal) -> Decimal:
        return v if t.printed_unit == "万元" else to_wan(v)

    return "万元", wan(a, a_value), wan(b, b_value)
