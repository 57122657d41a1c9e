"""The one writer of audit rows: who did what to a disclosure, when, and why."""

from __future__ import annotations

from disclosure.models import AuditEvent, Disclosure


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
    both."""
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
