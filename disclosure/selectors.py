"""Reading disclosures for display and export. A constant number of queries per disclosure."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Collate, Replace

from disclosure.models import (
    Amount,
    Disclosure,
    DisclosureTable,
    Indicator,
    OverallPerformance,
    ProjectEvaluation,
    Region,
    TableRow,
    TextFigure,
)
from disclosure.money import CENT
from disclosure.presentation import TableView, build_table_view


def published_disclosure(*, year: int, code: str, version: int | None = None) -> Disclosure | None:
    """The current published version of a department-year (or the given version)."""
    qs = Disclosure.objects.published().filter(year_id=year, department__code=code)
    qs = qs.filter(version=version) if version else qs.current()
    return qs.select_related(
        "department", "department__parent", "department__region", "year"
    ).first()


def disclosure_tables(disclosure: Disclosure, *, unit: str | None = None) -> list[TableView]:
    """Every table of the disclosure's layout, in layout order, each as a printed grid."""
    layout = disclosure.layout_spec
    records = {
        t.number: t
        for t in DisclosureTable.objects.filter(disclosure=disclosure).prefetch_related(
            Prefetch(
                "rows",
                queryset=TableRow.objects.order_by("side", "position").prefetch_related(
                    Prefetch("amounts", queryset=Amount.objects.all())
                ),
            )
        )
    }
    views = [build_table_view(spec, records.get(spec.number), unit=unit) for spec in layout.tables]
    text_kinds = {"narrative", "performance_overall", "performance_project"}
    if any(v.spec.kind in text_kinds for v in views):
        narratives = list(disclosure.narratives.all())
        overall = (
            OverallPerformance.objects.filter(disclosure=disclosure)
            .prefetch_related("goals", "tasks")
            .first()
        )
        overall_indicators = list(
            Indicator.objects.filter(disclosure=disclosure, project__isnull=True)
        )
        projects = list(
            ProjectEvaluation.objects.filter(disclosure=disclosure).prefetch_related(
                "funds", "indicators"
            )
        )
        for view in views:
            if view.spec.kind == "narrative":
                view.narratives = [n for n in narratives if n.table_number == view.number]
            elif view.spec.kind == "performance_overall":
                view.overall = overall
                if overall is not None:
                    overall.indicator_list = overall_indicators
            elif view.spec.kind == "performance_project":
                view.projects = projects
    return views


# ------------------------------------------------------------------ finding and comparing
def normalise_query(q: str) -> str:
    """What a reader typed, as the documents write it: traditional characters become
    simplified (信訪 → 信访, OpenCC's t2s table), runs of spaces one space."""
    return " ".join(_to_simplified(q).split())


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def _to_simplified(text: str) -> str:
    return _converter().convert(text) if text else text


def _tables_titled(q: str) -> Q:
    """Disclosures with data in a table whose declared title contains q (三公 finds the
    “三公”经费 table; its heading line carries no amount of its own)."""
    from disclosure.layouts import all_layouts
    from disclosure.models.statements import TableState

    wanted = Q(pk__in=[])
    for slug, layout in all_layouts().items():
        numbers = [
            t.number
            for t in layout.tables
            if q.lower() in t.title.replace("“", "").replace("”", "").lower()
        ]
        if numbers:
            tables = DisclosureTable.objects.filter(
                disclosure=OuterRef("pk"), number__in=numbers, state=TableState.PROVIDED
            )
            wanted |= Q(layout=slug) & Exists(tables)
    return wanted


def disclosure_search(*, q: str = "", year: int | None = None, parent: str = "", region: str = ""):
    """Current published disclosures, filtered; sorted by year (latest first) then department
    name in pinyin order where PostgreSQL's ICU collation exists, by department code otherwise.

    `q` finds a disclosure by its department's name or code, its 主管部门, or any row of its
    tables by name (三公, 信访事务) or code (2010308, 201); traditional characters match
    their simplified forms. Words separated by spaces must each match (信访 三公). On
    PostgreSQL the substring matches are served by trigram indexes (migration 0007)."""
    qs = Disclosure.objects.current().select_related("department", "department__parent", "year")
    for term in normalise_query(q).split():
        qs = qs.filter(_term_matches(term))
    if year:
        qs = qs.for_year(year)
    if parent:
        qs = qs.filter(Q(department__parent__code=parent) | Q(department__code=parent))
    if region:
        # The region's own departments and those of every region below it.
        qs = qs.filter(department__region__in=Region.objects.within_code(region))
    return qs.order_by("-year_id", *department_order("department__"))


def _term_matches(term: str) -> Q:
    """Disclosures whose department, 主管部门, table rows or table titles contain `term`."""
    return (
        Q(department__name__icontains=term)
        | Q(department__code__icontains=term)
        | Q(department__parent__name__icontains=term)
        | Exists(rows_matching(term).filter(table__disclosure=OuterRef("pk")))
        | _tables_titled(term)
    )


def rows_matching(term: str):
    """Table rows that carry an amount and whose name (curly quotes ignored) contains
    `term`, or whose code starts with it. Only rows with an amount: a layout's fixed lines
    are stored for every disclosure, and "教育支出" printed empty is not something the
    department spent."""
    named = Q(plain__icontains=term)
    return (
        TableRow.objects.filter(Q(amounts__value__gt=0) | Q(amounts__value__lt=0))
        .annotate(plain=row_name_plain())
        .filter(named | Q(code__startswith=term) if term.isdigit() else named)
    )


def row_name_plain():
    """A row's name without curly quotes (“三公”经费 → 三公经费), as the search compares it
    and as PostgreSQL's trigram index on row names is built."""
    return Replace(Replace(F("name"), Value("“"), Value("")), Value("”"), Value(""))


def department_order(prefix: str = "") -> list:
    if connection.vendor == "postgresql" and _has_icu_collation():
        return [Collate(f"{prefix}name", "zh-x-icu"), f"{prefix}code"]
    return [f"{prefix}code"]


@cache
def _has_icu_collation() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'zh-x-icu'")
        return cursor.fetchone() is not None


def published_years() -> list[int]:
    return list(
        Disclosure.objects.published()
        .order_by("-year_id")
        .values_list("year_id", flat=True)
        .distinct()
    )


def figure_values(disclosures: list[Disclosure]) -> dict[int, dict[str, Decimal | None]]:
    """Each disclosure's key figures (declared in its layout), in one query."""
    return {
        pk: {key: cell[0] for key, cell in cells.items()}
        for pk, cells in figure_cells(disclosures).items()
    }


def text_figure_values(
    disclosures: list[Disclosure], keys: list[str]
) -> dict[int, dict[str, Decimal | None]]:
    """The figures of `keys` that each disclosure's layout reads from its 说明 only (no
    table prints them), as stored at import, in one query."""
    wanted = {
        d.pk
        for d in disclosures
        if any(k not in d.layout_spec.figures and d.layout_spec.text_figure(k) for k in keys)
    }
    found: dict[int, dict[str, Decimal | None]] = {pk: {} for pk in wanted}
    rows = TextFigure.objects.filter(disclosure_id__in=wanted, key__in=keys).values_list(
        "disclosure_id", "key", "value"
    )
    for pk, key, value in rows:
        found[pk][key] = value.quantize(CENT) if value is not None else None
    return found


def figure_cells(
    disclosures: list[Disclosure],
) -> dict[int, dict[str, tuple[Decimal | None, str]]]:
    """Each disclosure's key figures with the unit their table prints (the stored unit, or
    the layout's), in one query: {disclosure id: {figure key: (value, unit)}}."""
    wanted: dict[tuple[int, str, str, str], str] = {}
    for d in disclosures:
        for key, f in d.layout_spec.figures.items():
            wanted[(d.pk, f.table, f.row, f.column)] = key
    values: dict[int, dict[str, tuple[Decimal | None, str]]] = {
        d.pk: {
            key: (
                None,
                d.layout_spec.table(f.table).unit if d.layout_spec.has_table(f.table) else "",
            )
            for key, f in d.layout_spec.figures.items()
        }
        for d in disclosures
    }
    if not wanted:
        return values
    found = Amount.objects.filter(
        row__table__disclosure_id__in={k[0] for k in wanted},
        row__table__number__in={k[1] for k in wanted},
        row__key__in={k[2] for k in wanted},
        column__in={k[3] for k in wanted},
    ).values_list(
        "row__table__disclosure_id",
        "row__table__number",
        "row__key",
        "column",
        "value",
        "row__table__unit",
    )
    for cell in found:
        key = wanted.get(cell[:4])
        if key is not None:
            values[cell[0]][key] = (cell[4], cell[5] or values[cell[0]][key][1])
    return values


def department_history(department) -> list[Disclosure]:
    """The department's current published disclosure of every year, oldest first."""
    return list(
        Disclosure.objects.current()
        .filter(department=department)
        .select_related("department", "year")
        .order_by("year_id")
    )


def versions_of(disclosure: Disclosure) -> list[Disclosure]:
    """Every published version of the same department-year, newest first."""
    return list(
        Disclosure.objects.published()
        .filter(department_id=disclosure.department_id, year_id=disclosure.year_id)
        .order_by("-version")
    )


def return_reasons(disclosures) -> dict[int, object]:
    """The reviewer's latest return (an AuditEvent with its comment, actor and time) of each
    given disclosure that is returned now, keyed by disclosure id (one query)."""
    from disclosure.models import AuditEvent
    from disclosure.models.statements import Status

    ids = [d.pk for d in disclosures if d.status == Status.RETURNED]
    reasons: dict[int, object] = {}
    if not ids:
        return reasons
    events = (
        AuditEvent.objects.filter(disclosure_id__in=ids, action="return")
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
    for event in events:
        reasons.setdefault(event.disclosure_id, event)
    return reasons
