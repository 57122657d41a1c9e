"""Workflows that touch several rows or models. Keyword-only, atomic, each writes its audit row."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from disclosure.checks.services import checks_run
from disclosure.importing.errors import ImportRejected
from disclosure.importing.parsed import ParsedDisclosure
from disclosure.importing.reader import read_document
from disclosure.layouts import DEFAULT_LAYOUT
from disclosure.models import (
    Amount,
    AuditEvent,
    Department,
    Disclosure,
    DisclosureTable,
    FiscalYear,
    Indicator,
    KeyTask,
    NarrativeSection,
    OverallPerformance,
    ProjectEvaluation,
    ProjectFund,
    TableRow,
    YearlyGoal,
)
from disclosure.models.statements import Status
from disclosure.pagecache import public_pages_changed
from disclosure.pdf import disclosure_pdf_schedule


@dataclass
class ImportResult:
    disclosure: Disclosure
    parsed: ParsedDisclosure
    created: bool  # a new disclosure (version) was created
    changed: bool  # anything in the database changed

    def summary(self) -> str:
        d = self.disclosure
        tables = d.tables.all()
        provided = sum(1 for t in tables if t.state == "provided")
        empty = sum(1 for t in tables if t.state == "empty")
        missing = [t.label for t in tables if t.state == "not_provided"]
        verb = "新建" if self.created else ("已更新" if self.changed else "内容相同，未作改动")
        title = f"{d.department.name} {d.year_id}年度 第{d.version}版"
        parts = [
            f"{title}（{d.get_status_display()}）：{verb}",
            f"有数据的表 {provided} 张，空表 {empty} 张",
        ]
        if missing:
            parts.append("未提供：" + "、".join(missing))
        proof = self.parsed.proof
        if proof:
            parts.append(
                f"金额 {proof['stored']} 个，合计 {proof['stored_sum']}，"
                f"与来源中的 {proof['source_cells']} 个（合计 {proof['source_sum']}）一致"
            )
        if self.parsed.ignored_sheets:
            parts.append("未读取的工作表（无表无金额）：" + "、".join(self.parsed.ignored_sheets))
        parts += self.parsed.findings
        return "；".join(parts) + "。"


def parse_file(*, data: bytes, layout: str | None = DEFAULT_LAYOUT) -> ParsedDisclosure:
    """Read a file into parsed data; raises ImportRejected naming every problem found.
    Without a layout, the layout is detected from the tables' titles."""
    return read_document(data, layout=layout)


@transaction.atomic
def disclosure_import(
    *,
    data: bytes,
    department_code: str,
    year: int,
    filename: str = "",
    layout: str | None = DEFAULT_LAYOUT,
    department_name: str = "",
    user=None,
    publish: bool = False,
) -> ImportResult:
    """Import a department's workbook for a year into its editable version.

    Atomic: on any problem nothing is written. The same content imported again changes
    nothing. An editable (draft or returned) version has its tables replaced. A version
    already submitted, approved or published is never overwritten: a different file for
    it is refused (a correction is a new version, made through the workflow).

    `publish` records the disclosure as published now — used to load years that were
    already published elsewhere.
    """
    parsed = parse_file(data=data, layout=layout)
    layout = parsed.layout  # the one detected when none was given
    digest = parsed.digest()

    department = Department.objects.filter(code=department_code).first()
    if department is None:
        name = department_name or parsed.department_name
        if not name:
            raise ImportRejected.single(
                f"部门“{department_code}”不存在，文件中也没有“部门：”一行：请指定部门名称。"
            )
        department = Department(code=department_code, name=name)
        department.full_clean()
        department.save()
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)

    latest = (
        Disclosure.objects.select_for_update()
        .filter(department=department, year=fiscal_year)
        .order_by("-version")
        .first()
    )
    created = latest is None
    if latest is None:
        disclosure = Disclosure(department=department, year=fiscal_year, layout=layout)
        disclosure.full_clean()
        disclosure.save()
    else:
        disclosure = latest
        same = disclosure.content_digest == digest and disclosure.layout == layout
        if same and (not publish or disclosure.is_published):
            return ImportResult(disclosure, parsed, created=False, changed=False)
        if not same and not disclosure.is_editable:
            raise ImportRejected.single(
                f"{department.name} {year}年度 第{disclosure.version}版"
                f"已{disclosure.get_status_display().removeprefix('已')}，内容不能被覆盖；"
                "如需修改，请发起更正（生成新版本）。"
            )
        if not same:
            _clear_content(disclosure)
            disclosure.layout = layout

    if created or disclosure.content_digest != digest:
        _write_content(disclosure, parsed)
        disclosure.content_digest = digest
        disclosure.source_name = filename[:255]
        disclosure.full_clean()
        disclosure.save()
        AuditEvent.objects.create(
            disclosure=disclosure,
            actor=user,
            action="import",
            from_status=disclosure.status,
            to_status=disclosure.status,
            details={
                "file": filename,
                "digest": digest,
                "tables": {n: t.state for n, t in parsed.tables.items()},
                "proof": parsed.proof,
                "findings": parsed.findings,
            },
        )
        checks_run(disclosure=disclosure)
    if publish and not disclosure.is_published:
        _mark_published(disclosure, user=user, comment="导入已公开的年度（补录）")
    return ImportResult(disclosure, parsed, created=created, changed=True)


def _mark_published(disclosure: Disclosure, *, user, comment: str) -> None:
    before = disclosure.status
    disclosure.status = Status.PUBLISHED
    disclosure.published_at = timezone.now()
    disclosure.full_clean()
    disclosure.save()
    AuditEvent.objects.create(
        disclosure=disclosure,
        actor=user,
        action="publish",
        from_status=before,
        to_status=Status.PUBLISHED,
        comment=comment,
        details={"backfill": True},
    )
    disclosure_pdf_schedule(disclosure=disclosure)
    public_pages_changed()


def _clear_content(disclosure: Disclosure) -> None:
    Amount.objects.filter(row__table__disclosure=disclosure).delete()
    TableRow.objects.filter(table__disclosure=disclosure).delete()
    disclosure.tables.all().delete()
    disclosure.narratives.all().delete()
    disclosure.indicators.all().delete()
    disclosure.projects.all().delete()
    OverallPerformance.objects.filter(disclosure=disclosure).delete()


def _write_content(disclosure: Disclosure, parsed: ParsedDisclosure) -> None:
    tables = DisclosureTable.objects.bulk_create(
        [
            DisclosureTable(
                disclosure=disclosure,
                number=t.number,
                state=t.state,
                statement=t.statement,
                notes=t.notes,
                unit=t.unit,
                printed_department=t.printed_department,
                printed_title=t.printed_title,
            )
            for t in parsed.tables.values()
        ]
    )
    table_by_number = {t.number: t for t in tables}
    row_objects, row_amounts, row_sources = [], [], []
    for number, parsed_table in parsed.tables.items():
        for r in parsed_table.rows:
            row_objects.append(
                TableRow(
                    table=table_by_number[number],
                    position=r.position,
                    side=r.side,
                    key=r.key,
                    code=r.code,
                    name=r.name[:200],
                    line_no=r.line_no,
                    is_total=r.is_total,
                )
            )
            row_amounts.append(r.amounts)
            row_sources.append(r.sources)
    rows = TableRow.objects.bulk_create(row_objects)
    Amount.objects.bulk_create(
        [
            Amount(row=row, column=column, value=value, mark=mark, source=sources.get(column, ""))
            for row, amounts, sources in zip(rows, row_amounts, row_sources, strict=True)
            for column, (value, mark) in amounts.items()
        ]
    )
    NarrativeSection.objects.bulk_create(
        [
            NarrativeSection(
                disclosure=disclosure,
                table_number=n.table_number,
                position=i,
                heading=n.heading[:200],
                subheading=n.subheading[:200],
                body=n.body,
            )
            for i, n in enumerate(parsed.narratives)
        ]
    )
    indicators: list[Indicator] = []
    if parsed.overall is not None:
        o = parsed.overall
        overall = OverallPerformance.objects.create(
            disclosure=disclosure,
            preparer=o.preparer,
            duties=o.duties,
            overall_goal=o.overall_goal,
            other_matters=o.other_matters,
            remarks=o.remarks,
            amount_unit=o.amount_unit,
            grid=o.grid,
        )
        YearlyGoal.objects.bulk_create(
            [
                YearlyGoal(overall=overall, position=i, year=g.year, goal=g.goal, result=g.result)
                for i, g in enumerate(o.goals)
            ]
        )
        KeyTask.objects.bulk_create(
            [KeyTask(overall=overall, position=i, **vars(t)) for i, t in enumerate(o.tasks)]
        )
        indicators += [
            Indicator(disclosure=disclosure, position=i, **_indicator_fields(ind))
            for i, ind in enumerate(o.indicators)
        ]
    for p_index, p in enumerate(parsed.projects):
        project = ProjectEvaluation.objects.create(
            disclosure=disclosure,
            position=p_index,
            name=p.name[:200] or f"项目 {p_index + 1}",
            competent_department=p.competent_department[:200],
            implementing_unit=p.implementing_unit[:200],
            goal=p.goal,
            goal_expected=p.goal_expected,
            goal_actual=p.goal_actual,
            total_weight=p.total_weight,
            total_score=p.total_score,
            grade=p.grade,
            other_matters=p.other_matters,
            remarks=p.remarks,
            grid=p.grid,
        )
        ProjectFund.objects.bulk_create([ProjectFund(project=project, **vars(f)) for f in p.funds])
        indicators += [
            Indicator(disclosure=disclosure, project=project, position=i, **_indicator_fields(ind))
            for i, ind in enumerate(p.indicators)
        ]
    Indicator.objects.bulk_create(indicators)


def _indicator_fields(ind) -> dict:
    fields = vars(ind).copy()
    for name, limit in (
        ("level1", 100),
        ("level2", 100),
        ("level3", 200),
        ("nature", 16),
        ("target", 200),
        ("unit", 40),
        ("actual", 200),
    ):
        fields[name] = fields[name][:limit]
    return fields
