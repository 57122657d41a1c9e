"""The review workflow: draft → submitted → returned | approved → published, and corrections.

Each transition is one atomic service that checks the actor's permission, changes the status
and writes an audit row (who, when, from → to, comment). Side effects — the PDFs of a
published version — run after the transaction commits.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from disclosure.models import (
    Amount,
    AuditEvent,
    Disclosure,
    DisclosureTable,
    FindingExplanation,
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
from disclosure.permissions import can


class WorkflowError(Exception):
    """The transition is not possible now; the message says why, in Chinese."""


def _require(user, action: str, disclosure: Disclosure, message: str) -> None:
    if not can(user, action, disclosure):
        raise WorkflowError(message)


def _locked(disclosure: Disclosure) -> Disclosure:
    return Disclosure.objects.select_for_update().get(pk=disclosure.pk)


def _transition(
    disclosure: Disclosure, *, user, action: str, to: str, comment: str = "", **details
) -> Disclosure:
    before = disclosure.status
    disclosure.status = to
    disclosure.full_clean()
    disclosure.save()
    AuditEvent.objects.create(
        disclosure=disclosure,
        actor=user,
        action=action,
        from_status=before,
        to_status=to,
        comment=comment,
        details=details,
    )
    return disclosure


def publication_deadline(disclosure: Disclosure) -> date | None:
    """批复 + 20 days (预算法 art. 14), or None before approval."""
    if disclosure.approved_on is None:
        return None
    return disclosure.approved_on + timedelta(days=settings.PORTAL_PUBLISH_WITHIN_DAYS)


def submission_blockers(disclosure: Disclosure) -> list:
    """Findings that stop a submission: every error, and every warning not yet explained."""
    from disclosure.checks.services import submission_blockers as blockers

    return blockers(disclosure)


@transaction.atomic
def disclosure_submit(*, disclosure: Disclosure, user) -> Disclosure:
    disclosure = _locked(disclosure)
    _require(user, "submit", disclosure, "只有本部门填报人可以报送草稿或被退回的决算。")
    blockers = submission_blockers(disclosure)
    if blockers:
        raise WorkflowError(
            f"还有 {len(blockers)} 项检查问题未解决（错误须改正，警告须说明理由），暂不能报送。"
        )
    return _transition(disclosure, user=user, action="submit", to=Status.SUBMITTED)


@transaction.atomic
def disclosure_return(*, disclosure: Disclosure, user, comment: str) -> Disclosure:
    disclosure = _locked(disclosure)
    _require(user, "return", disclosure, "只有财政审核人可以退回已报送的决算。")
    if not comment.strip():
        raise WorkflowError("退回时必须写明意见，部门才知道要改什么。")
    return _transition(
        disclosure, user=user, action="return", to=Status.RETURNED, comment=comment.strip()
    )


@transaction.atomic
def disclosure_approve(
    *, disclosure: Disclosure, user, approved_on: date, comment: str = ""
) -> Disclosure:
    disclosure = _locked(disclosure)
    _require(user, "approve", disclosure, "只有财政审核人可以批复已报送的决算。")
    if approved_on > timezone.localdate():
        raise WorkflowError("批复日期不能晚于今天。")
    disclosure.approved_on = approved_on
    return _transition(
        disclosure,
        user=user,
        action="approve",
        to=Status.APPROVED,
        comment=comment.strip(),
        approved_on=approved_on.isoformat(),
    )


@transaction.atomic
def disclosure_publish(*, disclosure: Disclosure, user) -> Disclosure:
    """Publish an approved version. A correction supersedes the version before it, which
    stays readable at its own address."""
    from disclosure.pdf import disclosure_pdf_schedule

    disclosure = _locked(disclosure)
    _require(user, "publish", disclosure, "只有已批复的决算可以公开。")
    disclosure.published_at = timezone.now()
    deadline = publication_deadline(disclosure)
    _transition(
        disclosure,
        user=user,
        action="publish",
        to=Status.PUBLISHED,
        deadline=deadline.isoformat() if deadline else "",
        late=bool(deadline and timezone.localdate() > deadline),
    )
    disclosure_pdf_schedule(disclosure=disclosure)
    public_pages_changed()
    return disclosure


@transaction.atomic
def disclosure_correct(*, disclosure: Disclosure, user, note: str) -> Disclosure:
    """Start a correction of a published version: a new draft version with the same
    content, to be changed, explained (更正说明) and sent through review again."""
    disclosure = _locked(disclosure)
    _require(user, "correct", disclosure, "只能由本部门对最新的已公开版本发起更正。")
    if not note.strip():
        raise WorkflowError("请写明更正说明：改了什么，为什么改。")
    copy = Disclosure(
        department=disclosure.department,
        year=disclosure.year,
        version=disclosure.version + 1,
        layout=disclosure.layout,
        correction_note=note.strip(),
        source_name=disclosure.source_name,
        content_digest=disclosure.content_digest,
    )
    copy.full_clean()
    copy.save()
    _copy_content(disclosure, copy)
    AuditEvent.objects.create(
        disclosure=copy,
        actor=user,
        action="correct",
        from_status="",
        to_status=Status.DRAFT,
        comment=copy.correction_note,
        details={"corrects_version": disclosure.version},
    )
    return copy


def _copy_content(source: Disclosure, target: Disclosure) -> None:
    tables = {
        t.number: t
        for t in DisclosureTable.objects.bulk_create(
            [
                DisclosureTable(
                    disclosure=target,
                    number=t.number,
                    state=t.state,
                    statement=t.statement,
                    notes=t.notes,
                    unit=t.unit,
                    printed_department=t.printed_department,
                    printed_title=t.printed_title,
                )
                for t in source.tables.all()
            ]
        )
    }
    rows = list(TableRow.objects.filter(table__disclosure=source).select_related("table"))
    new_rows = TableRow.objects.bulk_create(
        [
            TableRow(
                table=tables[r.table.number],
                position=r.position,
                side=r.side,
                key=r.key,
                code=r.code,
                name=r.name,
                line_no=r.line_no,
                is_total=r.is_total,
            )
            for r in rows
        ]
    )
    row_map = {old.pk: new for old, new in zip(rows, new_rows, strict=True)}
    Amount.objects.bulk_create(
        [
            Amount(row=row_map[a.row_id], column=a.column, value=a.value, mark=a.mark)
            for a in Amount.objects.filter(row__table__disclosure=source)
        ]
    )
    NarrativeSection.objects.bulk_create(
        [
            NarrativeSection(
                disclosure=target,
                table_number=n.table_number,
                position=n.position,
                heading=n.heading,
                subheading=n.subheading,
                body=n.body,
            )
            for n in source.narratives.all()
        ]
    )
    overall = OverallPerformance.objects.filter(disclosure=source).first()
    if overall is not None:
        new_overall = OverallPerformance.objects.create(
            disclosure=target,
            **{f: getattr(overall, f) for f in _fields(OverallPerformance, {"disclosure"})},
        )
        YearlyGoal.objects.bulk_create(
            [
                YearlyGoal(
                    overall=new_overall,
                    **{f: getattr(g, f) for f in _fields(YearlyGoal, {"overall"})},
                )
                for g in overall.goals.all()
            ]
        )
        KeyTask.objects.bulk_create(
            [
                KeyTask(
                    overall=new_overall, **{f: getattr(t, f) for f in _fields(KeyTask, {"overall"})}
                )
                for t in overall.tasks.all()
            ]
        )
    projects = {}
    for project in source.projects.all():
        projects[project.pk] = ProjectEvaluation.objects.create(
            disclosure=target,
            **{f: getattr(project, f) for f in _fields(ProjectEvaluation, {"disclosure"})},
        )
        ProjectFund.objects.bulk_create(
            [
                ProjectFund(
                    project=projects[project.pk],
                    **{f: getattr(x, f) for f in _fields(ProjectFund, {"project"})},
                )
                for x in project.funds.all()
            ]
        )
    # A warning explained for the published version stays explained in its correction.
    FindingExplanation.objects.bulk_create(
        [
            FindingExplanation(
                disclosure=target,
                **{f: getattr(e, f) for f in _fields(FindingExplanation, {"disclosure"})},
            )
            for e in FindingExplanation.objects.filter(disclosure=source)
        ]
    )
    Indicator.objects.bulk_create(
        [
            Indicator(
                disclosure=target,
                project=projects.get(i.project_id),
                **{f: getattr(i, f) for f in _fields(Indicator, {"disclosure", "project"})},
            )
            for i in source.indicators.all()
        ]
    )


def _fields(model, exclude: set[str]) -> list[str]:
    return [
        f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in exclude
    ]


@transaction.atomic
def narrative_save(*, disclosure: Disclosure, user, sections: list[dict]) -> None:
    """Replace the explanations (说明) a department writes beside its tables: each a
    heading and a Markdown body. Imported 公开10 sections are edited in place."""
    disclosure = _locked(disclosure)
    _require(user, "edit_narrative", disclosure, "只有本部门填报人可以修改草稿的说明。")
    changed = []
    for item in sections:
        section = (
            disclosure.narratives.filter(pk=item.get("id")).first() if item.get("id") else None
        )
        if section is None:
            last = disclosure.narratives.filter(table_number="").aggregate(Max("position"))
            position = (last["position__max"] if last["position__max"] is not None else -1) + 1
            section = NarrativeSection(disclosure=disclosure, table_number="", position=position)
        if item.get("delete"):
            if section.pk:
                changed.append(section.heading)
                section.delete()
            continue
        new = (item.get("heading", "").strip()[:200], item.get("body", "").strip())
        if section.pk and (section.heading, section.body) == new:
            continue
        section.heading, section.body = new
        section.full_clean()
        section.save()
        changed.append(section.heading)
    if changed:
        AuditEvent.objects.create(
            disclosure=disclosure,
            actor=user,
            action="edit_narrative",
            from_status=disclosure.status,
            to_status=disclosure.status,
            details={"sections": changed},
        )
