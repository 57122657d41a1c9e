"""Who may do what to a disclosure. Services and views both ask here; templates only hide
buttons the services would refuse anyway.

Roles (accounts.Role): a department's preparer (填报人) works on that department only; a
finance reviewer (财政审核人) belongs to a region and reads and decides for that region's own
departments (本级) only; the oversight role (财政监督) of a region reads the drafts, queues and
deadlines of its region and every region below it and never decides; an administrator may do
what a reviewer may, everywhere. A regional administrator (地区管理员) manages departments and
users in the admin and has no say over disclosures. A system actor (the command line,
`accounts.actors`) may import into any editable version and record a year published
elsewhere (backfill). Nobody changes the numbers of a version once it has been submitted.

A reviewer or oversight user saved without a region works in the default region
(PORTAL_DEFAULT_REGION), where the departments that predate regions were put.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from disclosure.models import Department, Disclosure, Region
from disclosure.models.regions import default_region_id
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


def is_overseer(user) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.OVERSIGHT


def is_region_admin(user) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.REGION_ADMIN


def reads_queues(user) -> bool:
    """Reviewers and the oversight role see the review dashboard (queues and deadlines)."""
    return is_reviewer(user) or is_overseer(user)


def home_region_id(user) -> int | None:
    """The region a finance user works in: their own, or the default one if none is set."""
    if not user.is_authenticated:
        return None
    if user.region_id:
        return user.region_id
    if user.role in {Role.REVIEWER, Role.OVERSIGHT}:
        cached = getattr(user, "_portal_default_region_id", None)
        if cached is None:
            cached = user._portal_default_region_id = default_region_id()
        return cached
    return None


def _subtree_ids(user) -> frozenset[int]:
    """The user's region and every region below it (cached on the user object)."""
    cached = getattr(user, "_portal_subtree_ids", None)
    if cached is None:
        home = home_region_id(user)
        ids = Region.objects.within(home).values_list("pk", flat=True) if home else []
        cached = user._portal_subtree_ids = frozenset(ids)
    return cached


def decides_for(user, department: Department) -> bool:
    """May return, approve and publish this department's disclosures."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    return user.role == Role.REVIEWER and department.region_id == home_region_id(user)


def reads_for(user, department: Department) -> bool:
    """May read this department's unpublished versions as a finance user."""
    if decides_for(user, department):
        return True
    return is_overseer(user) and department.region_id in _subtree_ids(user)


def reviewable_departments(user):
    """Departments whose disclosures the user decides (returns, approves, publishes)."""
    if not (user.is_authenticated and user.is_active):
        return Department.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return Department.objects.all()
    if user.role == Role.REVIEWER:
        return Department.objects.filter(region_id=home_region_id(user))
    return Department.objects.none()


def overseen_departments(user):
    """Departments whose queues, reports and deadlines the user reads: a reviewer's own,
    an oversight user's region and everything below it, everything for an administrator."""
    if is_overseer(user):
        return Department.objects.filter(region_id__in=_subtree_ids(user))
    return reviewable_departments(user)


def overseen_disclosures(user):
    return Disclosure.objects.filter(department__in=overseen_departments(user))


def managed_regions(user):
    """Regions whose departments and users a regional administrator manages (their region and
    every region below); every region for a superuser; none for anyone else."""
    if not (user.is_authenticated and user.is_active):
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.all()
    if user.role == Role.REGION_ADMIN and user.region_id:
        return Region.objects.within(user.region_id)
    return Region.objects.none()


def admin_regions(user):
    """Regions whose departments and users a user sees in the admin: every region for a
    superuser or an administrator; a reviewer's or oversight user's region and every region
    below it; a regional administrator's managed regions; none for anyone else."""
    if not (user.is_authenticated and user.is_active):
        return Region.objects.none()
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return Region.objects.all()
    if user.role in {Role.REVIEWER, Role.OVERSIGHT}:
        return Region.objects.filter(pk__in=_subtree_ids(user))
    return managed_regions(user)


def sees_every_region(user) -> bool:
    """Whether the admin shows this user the departments and users of every region."""
    return user.is_active and (user.is_superuser or user.role == Role.ADMINISTRATOR)


def can(user, action: str, disclosure: Disclosure) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if user is None:  # no actor at all: as anonymous as it gets
        user = AnonymousUser()
    own = is_preparer_of(user, disclosure.department_id)
    reviewer = decides_for(user, disclosure.department)
    status = disclosure.status
    if action == "view_draft":
        return own or reads_for(user, disclosure.department)
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
