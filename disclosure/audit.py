"""The one writer of audit rows: who did what to a disclosure, when, and why."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from disclosure.models import AuditEvent, Disclosure

# Every action an audit row can record, in words: the pages show these, never the ids.
ACTIONS = {
    "import": _("导入"),
    "import_table": _("导入单张表"),
    "submit": _("报送"),
    "return": _("退回"),
    "approve": _("批复"),
    "publish": _("公开"),
    "publish_backfill": _("补录公开"),
    "correct": _("发起更正"),
    "edit_narrative": _("修改说明"),
    "explain_finding": _("说明检查发现"),
    "pdf_rebuild": _("重新生成 PDF"),
}


def action_label(action: str) -> str:
    """An audit row's action in words (an action recorded before it was named: its id)."""
    return str(ACTIONS.get(action, action))


def audit_record(
    *,
    disclosure: Disclosure | None,
    actor,
    action: str,
    from_status: str | None = None,
    to_status: str | None = None,
    comment: str = "",
    **details,
) -> AuditEvent:
    """Record `action` by `actor` (a user, a system actor, or None). The statuses default
    to the disclosure's present status: an action that changes no status records it as
    both. Only the actions named in ACTIONS are recorded."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    status = disclosure.status if disclosure is not None else ""
    event = AuditEvent(
        disclosure=disclosure,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_status=status if from_status is None else from_status,
        to_status=status if to_status is None else to_status,
        comment=comment,
        details=details,
    )
    event.full_clean(exclude=["disclosure", "actor"])
    event.save()
    return event
