"""The review workflow: draft → submitted → returned | approved → published, and corrections.

Each transition is one atomic service that checks the actor's permission, changes the status
and writes an audit row (who, when, from → to, comment). Side effects — the PDFs of a
published version — run after the transaction commits.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from disclosure.audit import audit_record
from disclosure.content import content_read, content_write
from disclosure.layouts.sections import shown_narratives
from disclosure.models import Disclosure, FindingExplanation, NarrativeSection
from disclosure.models.statements import Status
from disclosure.pagecache import public_pages_changed
from disclosure.permissions import can
from disclosure.summaries import summaries_refresh
from disclosure.textfigures import text_figures_refresh


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
    audit_record(
        disclosure=disclosure,
        actor=user,
        action=action,
        from_status=before,
        to_status=to,
        comment=comment,
        **details,
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
def disclosure_publish(
    *, disclosure: Disclosure, user, backfill: bool = False, published_on: date | None = None
) -> Disclosure:
    """Publish an approved version. A correction supersedes the version before it, which
    stays readable at its own address.

    `backfill` records a year that was already published elsewhere (imported from its
    published document, by a system actor): no approval here, no deadline, and the
    publication date is `published_on` when given. The PDFs are built and the public
    pages renewed once the transaction commits."""
    from disclosure.pdf import disclosure_pdf_schedule

    disclosure = _locked(disclosure)
    if backfill:
        _require(user, "backfill", disclosure, "只有系统导入可以补录已在别处公开的年度。")
        disclosure.published_at = _published_at(published_on)
        _transition(
            disclosure,
            user=user,
            action="publish_backfill",
            to=Status.PUBLISHED,
            comment="导入已公开的年度（补录）",
            backfill=True,
            published_on=timezone.localdate(disclosure.published_at).isoformat(),
        )
    else:
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
    summaries_refresh([disclosure.pk])
    disclosure_pdf_schedule(disclosure=disclosure)
    transaction.on_commit(public_pages_changed)
    return disclosure


def _published_at(published_on: date | None) -> datetime:
    if published_on is None:
        return timezone.now()
    if published_on > timezone.localdate():
        raise WorkflowError("公开日期不能晚于今天。")
    return timezone.make_aware(datetime.combine(published_on, time(12, 0)))


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
    content_write([(copy, content_read(disclosure))])
    # A warning explained for the published version stays explained in its correction.
    FindingExplanation.objects.bulk_create(
        [
            FindingExplanation(
                disclosure=copy,
                rule=e.rule,
                table_number=e.table_number,
                row_key=e.row_key,
                column_key=e.column_key,
                reason=e.reason,
                explained_by_id=e.explained_by_id,
                explained_at=e.explained_at,
            )
            for e in FindingExplanation.objects.filter(disclosure=disclosure)
        ]
    )
    audit_record(
        disclosure=copy,
        actor=user,
        action="correct",
        from_status="",
        to_status=Status.DRAFT,
        comment=copy.correction_note,
        corrects_version=disclosure.version,
    )
    return copy


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
        if section is not None and not shown_narratives(disclosure.layout_spec, [section]):
            # The source document's cover and 目录: read from the file, never edited here.
            raise WorkflowError("封面和目录按上传的文件保存，不能在这里修改。")
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
        text_figures_refresh(disclosure)
        audit_record(disclosure=disclosure, actor=user, action="edit_narrative", sections=changed)
