"""Performance self-evaluations: scores within their weights, totals that add up, execution
rates that follow from the amounts, grades that fit the score."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disclosure.checks.engine import ERROR, WARNING, rule, total
from disclosure.checks.loader import Context, TableData
from disclosure.money import round_half_up

HUNDRED = Decimal(100)
# Yunnan's scoring bands (and the national guidance): 90 (inclusive) and above 优,
# 80–90 良, 60–80 中, below 60 差.
GRADE_BANDS = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal(0), "差"))


def _table(ctx: Context, kind: str) -> TableData | None:
    return next(
        (t for t in ctx.tables.values() if t.spec.kind == kind and t.present),
        None,
    )


def quoted(name: str) -> str:
    """A name in quotation marks, unless it already starts with one."""
    return name if name.startswith("“") else f"“{name}”"


def _indicator_name(indicator) -> str:
    return indicator.level3 or indicator.level2 or indicator.level1 or str(indicator.position + 1)


def _scored(ctx: Context):
    """(table, row key, row text, weight, score) of every scored line: indicators of the
    department-wide and project tables, and the projects' funding lines."""
    overall = _table(ctx, "performance_overall")
    if overall is not None:
        for i in ctx.overall_indicators:
            yield overall, f"i{i.position}", _indicator_name(i), i.weight, i.score
    projects = _table(ctx, "performance_project")
    if projects is not None:
        for p in ctx.projects:
            for f in p.fund_list:
                yield (
                    projects,
                    f"p{p.position}-{f.source}",
                    f"{p.name}：{f.label}",
                    f.weight,
                    f.score,
                )
            for i in p.indicator_list:
                key, name = f"p{p.position}-i{i.position}", _indicator_name(i)
                yield projects, key, f"{p.name}：{name}", i.weight, i.score


@rule(
    "performance.scores",
    gettext_lazy("得分不超过分值"),
    severity=ERROR,
    reads=("performance",),
)
def scores(ctx, out):
    """Each indicator's (and funding line's) 得分 ≤ its 分值."""
    for table, key, name, weight, score in _scored(ctx):
        if weight is None or score is None:
            continue
        out.at_most(
            table,
            row_key=key,
            row_text=name,
            column="score",
            column_text=_("得分"),
            limit=weight,
            actual=score,
            unit="",
            template=_("“{row}”得分 {actual}，超过了分值 {expected}。"),
        )


@rule(
    "performance.total",
    gettext_lazy("总分 = 各项得分之和"),
    severity=ERROR,
    reads=("performance",),
)
def totals(ctx, out):
    """A project's 总分 (得分) equals the sum of the 得分 printed for its funding lines and
    indicators, and its 总分 (分值) the sum of their 分值. A project that scores its lines but
    prints no 总分 is a warning."""
    table = _table(ctx, "performance_project")
    if table is None:
        return
    for p in ctx.projects:
        lines = [*p.fund_list, *p.indicator_list]
        weights = [x.weight for x in lines if x.weight is not None]
        points = [x.score for x in lines if x.score is not None]
        if not points and not weights:
            continue
        if p.total_score is None:
            out.flag(
                table,
                row_key=f"p{p.position}-total",
                row_text=_("{name}：总分").format(name=p.name),
                severity=WARNING,
                unit="",
                template=_(
                    "项目{project}的各项已打分（得分合计 {points}），却没有印出总分和等级。"
                ),
                project=quoted(p.name),
                points=total(points),
            )
            continue
        unscored = [_line_name(x) for x in lines if x.weight is not None and x.score is None]
        note = (
            _("（{lines}有分值而得分未填）").format(lines="、".join(f"“{n}”" for n in unscored))
            if unscored
            else ""
        )
        out.equal(
            table,
            row_key=f"p{p.position}-total",
            row_text=_("{name}：总分").format(name=p.name),
            column="score",
            column_text=_("得分"),
            expected=total(points),
            actual=p.total_score,
            unit="",
            template=_(
                "项目{project}的总分为 {actual}，各项得分之和为 {expected}{note}，"
                "相差 {difference}。"
            ),
            project=quoted(p.name),
            note=note,
        )
        if p.total_weight is not None and weights:
            out.equal(
                table,
                row_key=f"p{p.position}-total",
                row_text=_("{name}：总分").format(name=p.name),
                column="weight",
                column_text=_("分值"),
                expected=total(weights),
                actual=p.total_weight,
                unit="",
                template=_(
                    "项目{project}的总分分值为 {actual}，各项分值之和为 {expected}，"
                    "相差 {difference}。"
                ),
                project=quoted(p.name),
            )


def _line_name(line) -> str:
    return getattr(line, "label", "") or _indicator_name(line)


@rule(
    "performance.execution_rate",
    gettext_lazy("执行率 = 全年执行数 ÷ 全年预算数"),
    severity=ERROR,
    reads=("performance",),
    tolerance=Decimal("0.5"),
)
def execution_rate(ctx, out):
    """A printed execution rate (%) equals 全年执行数 ÷ 全年预算数 × 100 for each funding line of
    a project, and 实际支出 ÷ 批复金额 × 100 for each key task of the department-wide table.
    Tolerance half a percentage point, as rates are printed rounded."""
    projects = _table(ctx, "performance_project")
    for p in ctx.projects if projects is not None else ():
        for f in p.fund_list:
            if f.execution_rate is None or not f.budget_full_year or f.executed is None:
                continue
            out.equal(
                projects,
                row_key=f"p{p.position}-{f.source}",
                row_text=f"{p.name}：{f.label}",
                column="execution_rate",
                column_text=_("执行率"),
                expected=round_half_up(f.executed / f.budget_full_year * HUNDRED),
                actual=f.execution_rate,
                unit="%",
                template=_(
                    "“{row}”的执行率印作 {actual}，全年执行数 {executed} ÷ 全年预算数 {budget} "
                    "= {expected}。"
                ),
                executed=f.executed,
                budget=f.budget_full_year,
            )
    overall = _table(ctx, "performance_overall")
    for t in ctx.tasks if overall is not None else ():
        if t.execution_rate is None or not t.approved_total or t.actual is None:
            continue
        out.equal(
            overall,
            row_key=f"t{t.position}",
            row_text=t.name or _("第 {n} 项重点任务").format(n=t.position + 1),
            column="execution_rate",
            column_text=_("执行率"),
            expected=round_half_up(t.actual / t.approved_total * HUNDRED),
            actual=t.execution_rate,
            unit="%",
            template=_(
                "“{row}”的预算执行率印作 {actual}，实际支出 {spent} ÷ 批复金额 {approved} "
                "= {expected}。"
            ),
            spent=t.actual,
            approved=t.approved_total,
        )


def grade_for(score: Decimal) -> str:
    return next(grade for floor, grade in GRADE_BANDS if score >= floor)


@rule(
    "performance.grade",
    gettext_lazy("等级与总分相符（优 ≥ 90，良 ≥ 80，中 ≥ 60，差 < 60）"),
    severity=ERROR,
    reads=("performance",),
)
def grade(ctx, out):
    """A project's grade fits its 总分: 90 and above 优, 80–90 良, 60–80 中, below 60 差."""
    table = _table(ctx, "performance_project")
    for p in ctx.projects if table is not None else ():
        if p.total_score is None or not p.grade.strip():
            continue
        out.checked()
        wanted = grade_for(p.total_score)
        if p.grade.strip() != wanted:
            out.flag(
                table,
                row_key=f"p{p.position}-total",
                row_text=_("{name}：等级").format(name=p.name),
                column="grade",
                column_text=_("等级"),
                actual=p.total_score,
                unit="",
                template=_("项目{project}总分 {actual}，等级应为“{wanted}”，表中印作“{printed}”。"),
                project=quoted(p.name),
                wanted=wanted,
                printed=p.grade,
            )
