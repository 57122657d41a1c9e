"""Reading disclosures for display and export. A constant number of queries per disclosure."""

from __future__ import annotations

from django.db.models import Prefetch

from disclosure.models import (
    Amount,
    Disclosure,
    DisclosureTable,
    Indicator,
    OverallPerformance,
    ProjectEvaluation,
    TableRow,
)
from disclosure.presentation import TableView, build_table_view


def published_disclosure(*, year: int, code: str, version: int | None = None) -> Disclosure | None:
    """The current published version of a department-year (or the given version)."""
    qs = Disclosure.objects.published().filter(year_id=year, department__code=code)
    qs = qs.filter(version=version) if version else qs.current()
    return qs.select_related("department", "department__parent", "year").first()


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
