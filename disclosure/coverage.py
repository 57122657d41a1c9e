"""Who published what, when, and how well: the coverage and transparency board of a year.

For each department of a region (本级) and a year:
- **published**: the department has a current published disclosure of the year;
- **on time**: published no later than 批复 + PORTAL_PUBLISH_WITHIN_DAYS days;
- **late**: published after that day;
- **date unknown**: published without a recorded 批复 date (a backfilled past year);
- **missing**: no published disclosure of the year;
- **tables complete**: every table of its layout is published with content, or empty with
  its statement, or recorded as exempt (涉密);
- **error-free**: the latest reconciliation run found no error (never run: not error-free).

A region's score judges its own level (本级), since each finance bureau answers for its own
departments: SCORE_FORMULA below, every share over all the region's departments, so a
missing department counts against every part.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db.models.functions import TruncDate

from disclosure.models import Department, Disclosure, DisclosureSummary, Region
from disclosure.money import round_half_up
from disclosure.summaries import summary_values

WEIGHTS = {"published": 40, "on_time": 30, "complete": 15, "error_free": 15}
SCORE_FORMULA = "得分 = 40 × 公开率 + 30 × 按时公开率 + 15 × 表格完整率 + 15 × 无错误率"
HUNDRED = Decimal(100)


class State:
    ON_TIME = "on_time"
    LATE = "late"
    UNDATED = "undated"
    MISSING = "missing"


STATE_LABELS = {
    State.ON_TIME: "按时公开",
    State.LATE: "逾期公开",
    State.UNDATED: "已公开（批复日期不详）",
    State.MISSING: "未公开",
}


@dataclass
class DepartmentCoverage:
    department_id: int
    code: str
    name: str
    region_id: int
    state: str = State.MISSING
    disclosure_version: int | None = None
    approved_on: date | None = None
    deadline: date | None = None
    published_on: date | None = None
    complete: bool = False
    error_free: bool = False

    @property
    def published(self) -> bool:
        return self.state != State.MISSING

    @property
    def days_late(self) -> int | None:
        if self.state != State.LATE:
            return None
        return (self.published_on - self.deadline).days

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class RegionCoverage:
    """A region's own departments (本级) and their counts. The counts are taken once, when
    first read: the board fills `departments` first and only then reads them."""

    region: Region
    departments: list[DepartmentCoverage] = field(default_factory=list)

    @cached_property
    def _counts(self) -> Counter:
        counts: Counter = Counter()
        for d in self.departments:
            counts[d.state] += 1
            if d.state != State.MISSING:
                counts["complete"] += d.complete
                counts["error_free"] += d.error_free
        return counts

    @property
    def total(self) -> int:
        return len(self.departments)

    @property
    def published(self) -> int:
        return self.total - self.missing

    @property
    def on_time(self) -> int:
        return self._counts[State.ON_TIME]

    @property
    def late(self) -> int:
        return self._counts[State.LATE]

    @property
    def undated(self) -> int:
        return self._counts[State.UNDATED]

    @property
    def missing(self) -> int:
        return self._counts[State.MISSING]

    @property
    def complete(self) -> int:
        return self._counts["complete"]

    @property
    def error_free(self) -> int:
        return self._counts["error_free"]

    def share(self, count: int) -> Decimal | None:
        """count / departments as a percentage to one decimal (None without departments)."""
        if not self.total:
            return None
        return round_half_up(Decimal(count) * HUNDRED / self.total, Decimal("0.1"))

    @property
    def published_share(self) -> Decimal | None:
        return self.share(self.published)

    @cached_property
    def score(self) -> Decimal | None:
        if not self.total:
            return None
        parts = {
            "published": self.published,
            "on_time": self.on_time,
            "complete": self.complete,
            "error_free": self.error_free,
        }
        raw = sum(
            (Decimal(WEIGHTS[k]) * Decimal(n) / self.total for k, n in parts.items()),
            Decimal(0),
        )
        return round_half_up(raw, Decimal("0.1"))

    def as_row(self) -> dict:
        return {
            "code": self.region.code,
            "name": self.region.name,
            "level": self.region.get_level_display(),
            "departments": self.total,
            "published": self.published,
            "on_time": self.on_time,
            "late": self.late,
            "undated": self.undated,
            "missing": self.missing,
            "complete": self.complete,
            "error_free": self.error_free,
            "published_share": self.share(self.published),
            "on_time_share": self.share(self.on_time),
            "complete_share": self.share(self.complete),
            "error_free_share": self.share(self.error_free),
            "score": self.score,
        }


@dataclass
class Board:
    year: int
    root: Region | None
    regions: list[RegionCoverage]
    total: RegionCoverage

    @property
    def own(self) -> RegionCoverage | None:
        """The root region's own departments (本级)."""
        if self.root is None:
            return None
        return next((r for r in self.regions if r.region.pk == self.root.pk), None)


def coverage_board(*, year: int, root: Region | None) -> Board:
    """The board of a year for a region and every region below it (everything without one).
    A constant number of queries whatever the number of regions and departments."""
    regions_qs = Region.objects.within(root) if root is not None else Region.objects.all()
    regions = list(regions_qs.select_related("parent").order_by("code"))
    by_region = {r.pk: RegionCoverage(region=r) for r in regions}
    departments = {}
    for pk, code, name, region_id in (
        Department.objects.filter(region_id__in=by_region)
        .order_by("code")
        .values_list("pk", "code", "name", "region_id")
    ):
        departments[pk] = DepartmentCoverage(pk, code, name, region_id)
        by_region[region_id].departments.append(departments[pk])

    published = list(
        Disclosure.objects.current()
        .for_year(year)
        .filter(department__region_id__in=by_region)
        .annotate(published_on=TruncDate("published_at"))
        .values_list(
            "pk",
            "department_id",
            "version",
            "approved_on",
            "published_on",
            "summary__tables",
            "summary__filled_tables",
            "summary__errors",
        )
    )
    # Disclosures stored before their summary was: computed now, in a constant number of
    # queries (none when every summary is stored).
    computed = summary_values(row[0] for row in published if row[5] is None)
    within = timedelta(days=settings.PORTAL_PUBLISH_WITHIN_DAYS)
    for pk, department_id, version, approved_on, published_on, *stored in published:
        if pk in computed:
            s = computed[pk]
            stored = [s.tables, s.filled_tables, s.errors]
        tables, filled, errors = stored
        entry = departments[department_id]
        entry.disclosure_version = version
        entry.approved_on = approved_on
        entry.published_on = published_on
        entry.complete = DisclosureSummary.is_complete(tables, filled)
        entry.error_free = DisclosureSummary.is_error_free(errors)
        if approved_on is None or published_on is None:
            entry.state = State.UNDATED
        else:
            entry.deadline = approved_on + within
            entry.state = State.ON_TIME if published_on <= entry.deadline else State.LATE
    total = RegionCoverage(
        region=root or Region(code="", name="全部"), departments=list(departments.values())
    )
    return Board(year=year, root=root, regions=list(by_region.values()), total=total)


REGION_SORTS = {
    "code": lambda r: r.region.code,
    "name": lambda r: r.region.name,
    "departments": lambda r: r.total,
    "published": lambda r: r.share(r.published) or Decimal(-1),
    "on_time": lambda r: r.share(r.on_time) or Decimal(-1),
    "late": lambda r: r.late,
    "missing": lambda r: r.missing,
    "complete": lambda r: r.share(r.complete) or Decimal(-1),
    "error_free": lambda r: r.share(r.error_free) or Decimal(-1),
    "score": lambda r: r.score if r.score is not None else Decimal(-1),
}


def sort_regions(rows: list[RegionCoverage], sort: str) -> tuple[list[RegionCoverage], str]:
    """Rows ordered by `sort` ("score", "-score", …); unknown keys fall back to the code."""
    key = sort.lstrip("-")
    if key not in REGION_SORTS:
        return rows, "code"
    return sorted(rows, key=REGION_SORTS[key], reverse=sort.startswith("-")), sort


REGION_HEADER = [
    "行政区划代码",
    "名称",
    "级次",
    "部门数",
    "已公开",
    "按时公开",
    "逾期公开",
    "批复日期不详",
    "未公开",
    "表格完整",
    "无错误",
    "公开率%",
    "按时公开率%",
    "表格完整率%",
    "无错误率%",
    "得分",
]

DEPARTMENT_HEADER = [
    "行政区划代码",
    "行政区划",
    "部门代码",
    "部门名称",
    "状态",
    "批复日期",
    "公开期限",
    "公开日期",
    "逾期天数",
    "表格完整",
    "无错误",
]
