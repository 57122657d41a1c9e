"""Who may do what to a disclosure. Services and views both ask here; templates only hide
buttons the services would refuse anyway.

Roles (accounts.Role): a department's preparer (填报人) works on that department only; a
finance reviewer (财政审核人) reads every department and decides; an administrator may do what a
reviewer may. Nobody changes the numbers of a version once it has been submitted.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from disclosure.models import Disclosure
from disclosure.models.statements import Status

ACTIONS = (
    "view_draft",
    "import",
    "edit_narrative",
    "submit",
    "return",
    "approve",
    "publish",
    "backfill",
    "correct",
)


def is_preparer_of(user, department_id: int) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.role == Role.PREPARER
        and user.department_id == department_id
    )


def is_reviewer(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.role in {Role.REVIEWER, Role.ADMINISTRATOR}
    )


def is_system(user) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.SYSTEM


def can(user, action: str, disclosure: Disclosure) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if user is None:  # no actor at all: as anonymous as it gets
        user = AnonymousUser()
    own = is_preparer_of(user, disclosure.department_id)
    reviewer = is_reviewer(user)
    status = disclosure.status
    if action == "view_draft":
        return own or reviewer
    if action == "import":
        return (own or is_system(user)) and disclosure.is_editable
    if action == "edit_narrative":
        return own and disclosure.is_editable
    if action == "submit":
        return own and status in {Status.DRAFT, Status.RETURNED}
    if action in {"return", "approve"}:
        return reviewer and status == Status.SUBMITTED
    if action == "publish":
        publisher = reviewer or (own and settings.PORTAL_PUBLISHER == "department")
        return publisher and status == Status.APPROVED
    if action == "backfill":
        return is_system(user) and status != Status.PUBLISHED
    if action == "correct":
        return own and status == Status.PUBLISHED and _is_latest(disclosure)
    return False  # pragma: no cover - every action is handled above


def _is_latest(disclosure: Disclosure) -> bool:
    return not Disclosure.objects.filter(
        department_id=disclosure.department_id,
        year_id=disclosure.year_id,
        version__gt=disclosure.version,
    ).exists()


def allowed_actions(user, disclosure: Disclosure) -> set[str]:
    return {action for action in ACTIONS if can(user, action, disclosure)}
