"""Running the checks and storing what they found; explaining a warning.

Keyword-only, atomic. `checks_run` is called at the end of every import that changed a
disclosure's content, and by `manage.py check_disclosure`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosure.audit import audit_record
from disclosure.checks.engine import ERROR, WARNING, Report, run_checks
from disclosure.checks.loader import CatalogueData, Context, load_context
from disclosure.checks.selectors import check_report, latest_run
from disclosure.inserts import insert_records
from disclosure.models import CheckRun, Disclosure, Finding, FindingExplanation
from disclosure.pagecache import public_pages_changed
from disclosure.summaries import summary_store

FINDING_FIELDS = (
    "run",
    "disclosure",
    "position",
    "rule",
    "severity",
    "table_number",
    "table",
    "row",
    "column",
    "row_key",
    "column_key",
    "expected",
    "actual",
    "difference",
    "unit",
    "message",
    "cells",
)


@transaction.atomic
def checks_run(
    *,
    disclosure: Disclosure,
    context: Context | None = None,
    catalogues: dict[int, dict[str, CatalogueData]] | None = None,
) -> CheckRun:
    """Run every rule over the disclosure's stored content and store the result as its
    latest CheckRun (earlier runs are removed; explanations are kept, keyed on what a
    finding is about, and show again with the same finding). `catalogues` (year → loaded
    catalogues) may be shared by a batch so each year's catalogue is read once."""
    context = context or load_context(disclosure, catalogues=catalogues)
    report: Report = run_checks(disclosure, context=context)
    CheckRun.objects.filter(disclosure=disclosure).delete()
    run = CheckRun(
        disclosure=disclosure,
        content_digest=disclosure.content_digest,
        rules=[o.as_json() for o in report.outcomes],
    )
    run.full_clean()
    run.save()
    insert_records(  # text cut to each field's length
        Finding,
        FINDING_FIELDS,
        (
            (
                run.pk,
                disclosure.pk,
                position,
                issue.rule,
                issue.severity,
                issue.table,
                issue.table_label,
                issue.row,
                issue.column,
                issue.row_key,
                issue.column_key,
                issue.expected,
                issue.actual,
                issue.difference,
                issue.unit,
                issue.message,
                [list(c) for c in issue.cells],
            )
            for position, issue in enumerate(report.issues)
        ),
    )
    summary_store(
        disclosure,
        tables=[(t.state, t.statement) for t in context.tables.values()],
        errors=sum(1 for issue in report.issues if issue.severity == ERROR),
    )
    if disclosure.is_published:
        # The public page shows the latest run: a new generation once this is committed.
        transaction.on_commit(public_pages_changed)
    return run


def current_run(*, disclosure: Disclosure) -> CheckRun:
    """The latest run if it saw the present content; otherwise the checks are run now."""
    run = latest_run(disclosure)
    if run is None or run.content_digest != disclosure.content_digest:
        run = checks_run(disclosure=disclosure)
    return run


@transaction.atomic
def finding_explain(*, finding: Finding, user, reason: str) -> FindingExplanation:
    """Store the reason a warning is not an error of the document (e.g. "35.00 元为银行手续费，
    由其他资金支付"). It stays attached to the same rule/table/row/column when the checks run
    again. Errors cannot be explained away: they are corrected. Only while the disclosure
    can still be edited (draft or returned)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请写明理由。"))
    if finding.severity != WARNING:
        raise ValidationError(_("只有警告可以说明理由；错误必须在表中改正。"))
    disclosure = finding.disclosure
    if not disclosure.is_editable:
        raise ValidationError(_("决算已报送，不能再修改说明。"))
    explanation, _created = FindingExplanation.objects.update_or_create(
        disclosure=disclosure,
        rule=finding.rule,
        table_number=finding.table_number,
        row_key=finding.row_key,
        column_key=finding.column_key,
        defaults={"reason": reason, "explained_by": user, "explained_at": timezone.now()},
    )
    audit_record(
        disclosure=disclosure,
        actor=user,
        action="explain_finding",
        comment=reason,
        rule=finding.rule,
        table=finding.table,
        row=finding.row,
        column=finding.column,
    )
    return explanation


def submission_blockers(disclosure: Disclosure) -> list[Finding]:
    """What stops a submission: every error, and every warning without an explanation, as
    found by a run that saw the present content (the checks run first if there is none)."""
    current_run(disclosure=disclosure)
    return [
        f
        for f in check_report(disclosure).findings
        if f.severity == ERROR or (f.severity == WARNING and f.explanation is None)
    ]


def submission_blocked(disclosure: Disclosure) -> bool:
    return bool(submission_blockers(disclosure))
