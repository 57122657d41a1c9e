"""Public pages: find, read, understand and compare published disclosures."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_tables2 import RequestConfig

from disclosure import charts, glossary, selectors
from disclosure.glance import Change, disclosure_glance
from disclosure.layouts.sections import shown_narratives
from disclosure.models import Department, Disclosure, Region, RegionLevel
from disclosure.money import TEN_THOUSAND, ZERO
from disclosure.pagecache import public_page
from disclosure.params import text_param, year_param
from disclosure.tables import DisclosureListTable, board_table

NOT_FOUND = "没有找到这份已公开的决算。"


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and benchmarks: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


UNIT_PARAMS = {"yuan": "元", "wan": "万元"}


def _unit(request: HttpRequest) -> str | None:
    """?unit=wan shows amounts in 万元, ?unit=yuan in 元; otherwise as printed."""
    return UNIT_PARAMS.get(request.GET.get("unit", ""))


def _published_or_404(year: int, code: str, version: int | None = None) -> Disclosure:
    disclosure = selectors.published_disclosure(year=year, code=code, version=version)
    if disclosure is None:
        # Drafts, unknown departments and unknown years look the same from outside.
        raise Http404(NOT_FOUND)
    return disclosure


# ------------------------------------------------------------------ home and search
@public_page()
def home(request: HttpRequest) -> HttpResponse:
    years = list(
        Disclosure.objects.current()
        .values("year_id")
        .annotate(count=Count("id"))
        .order_by("-year_id")
    )
    latest_year = years[0]["year_id"] if years else None
    latest = list(selectors.disclosure_search(year=latest_year)[:60]) if latest_year else []
    publishing = (
        Department.objects.filter(disclosures__status="published")
        .select_related("parent")
        .distinct()
        .order_by("code")
    )
    groups: dict[Department, list[Department]] = defaultdict(list)
    for department in publishing:
        groups[department.parent or department].append(department)
    grouped = sorted(groups.items(), key=lambda item: item[0].code)
    return render(
        request,
        "disclosure/home.html",
        {
            "years": years,
            "latest_year": latest_year,
            "latest": latest,
            "groups": grouped,
            "total_disclosures": sum(y["count"] for y in years),
            "total_departments": len(publishing),
        },
    )


@public_page("q", "year", "parent", "region", "page", "sort")
def disclosure_list(request: HttpRequest) -> HttpResponse:
    q = text_param(request.GET.get("q"), max_length=50)
    year = year_param(request.GET.get("year"))
    parent = text_param(request.GET.get("parent"), max_length=64)
    region = text_param(request.GET.get("region"), max_length=6)
    results = selectors.disclosure_search(q=q, year=year, parent=parent, region=region)
    table = DisclosureListTable(results)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    parents = Department.objects.filter(children__disclosures__status="published").distinct()
    return render(
        request,
        "disclosure/list.html",
        {
            "table": table,
            "q": q,
            "year": year,
            "parent": parent,
            "years": selectors.published_years(),
            "parents": parents.order_by("code"),
            "region": region,
            # Provinces and cities to choose from (a county comes from its region page).
            "regions": Region.objects.filter(
                Q(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY]) | Q(code=region)
            ).order_by("code"),
        },
    )


# ------------------------------------------------------------------ one disclosure
@public_page("unit")
def disclosure_detail(
    request: HttpRequest, year: int, code: str, version: int | None = None
) -> HttpResponse:
    disclosure = _published_or_404(year, code, version)
    unit = _unit(request)
    history = selectors.department_history(disclosure.department)
    versions = selectors.versions_of(disclosure)
    quality = _quality_report(disclosure)

    def build() -> dict:
        tables = selectors.disclosure_tables(disclosure, unit=unit)
        values = selectors.figure_values(history) if len(history) > 1 else {}
        series = [(d.year_id, values.get(d.pk, {})) for d in history]
        return {
            "tables": tables,
            "charts": charts.charts_for_disclosure(disclosure, tables, series),
            "explanations": shown_narratives(
                disclosure.layout_spec, disclosure.narratives.filter(table_number="")
            ),
            # (no query for a layout whose 说明 declare no figures)
            "text_figures": list(disclosure.text_figures.all())
            if any(s.text_figures for s in disclosure.layout_spec.sections)
            else [],
        }

    return render(
        request,
        "disclosure/detail.html",
        {
            "disclosure": disclosure,
            "body": SimpleLazyObject(build),  # built only when the cached body is missing
            "cache_key": _body_cache_key(disclosure, unit, history, quality),
            "layout": disclosure.layout_spec,
            "unit": unit,
            "history": history,
            "versions": versions,
            "is_current": versions[0].pk == disclosure.pk,
            "terms": glossary.terms(),
            "quality": quality,
            "text_marks": _text_marks(disclosure, quality),
            "glance": disclosure_glance(disclosure, report=quality, history=history),
        },
    )


def _quality_report(disclosure: Disclosure):
    from disclosure.checks.selectors import check_report

    return check_report(disclosure)


def _text_marks(disclosure: Disclosure, report) -> dict:
    """The sentences the findings of the text are about, marked where the text is shown."""
    from disclosure.textmarks import TEXT_RULES, locate

    if not any(f.rule.startswith(TEXT_RULES) for f in report.findings):
        return {}
    # Only texts the page shows can hold a mark (the source's cover and 目录 are not shown:
    # their findings name them, with no link to a sentence that is not on the page).
    shown = shown_narratives(disclosure.layout_spec, list(disclosure.narratives.all()))
    return locate(shown, report.findings)


def _body_cache_key(disclosure: Disclosure, unit: str | None, history, report) -> str:
    # A published version never changes; a correction is a new version (new pk). The years
    # chart depends on the department's other years, so their versions are in the key too.
    years = "-".join(str(d.pk) for d in history)
    # The sentences marked in the text follow the latest check run.
    run = report.run.pk if report.run else ""
    return f"{disclosure.pk}:{disclosure.content_digest[:16]}:{unit or ''}:{years}:{run}"


@public_page("unit")
def table_detail(request: HttpRequest, year: int, code: str, number: str) -> HttpResponse:
    disclosure = _published_or_404(year, code)
    if not disclosure.layout_spec.has_table(number):
        raise Http404(_("表式中没有这张表。"))
    unit = _unit(request)
    view = next(
        v for v in selectors.disclosure_tables(disclosure, unit=unit) if v.spec.number == number
    )
    layout = disclosure.layout_spec
    numbers = layout.numbers
    index = numbers.index(number)
    report = _quality_report(disclosure)
    return render(
        request,
        "disclosure/table.html",
        {
            "disclosure": disclosure,
            "table": view,
            "unit": view.unit,
            "units": [(param, name) for param, name in UNIT_PARAMS.items()],
            "previous": numbers[index - 1] if index > 0 else None,
            "next": numbers[index + 1] if index + 1 < len(numbers) else None,
            "terms": glossary.terms(),
            "table_quality": next((g for g in report.groups if g.number == number), None),
        },
    )


# ------------------------------------------------------------------ comparing
COMPARISON_FIGURES = [
    "income_total",
    "spend_total",
    "spend_basic",
    "spend_project",
    "personnel",
    "public_costs",
    "sangong_actual",
    "running_costs",
]


@public_page()
def department_detail(request: HttpRequest, code: str) -> HttpResponse:
    department = get_object_or_404(Department, code=code)
    history = selectors.department_history(department)
    if not history:
        raise Http404(NOT_FOUND)
    values = selectors.figure_values(history)
    layout = history[-1].layout_spec
    keys = [k for k in COMPARISON_FIGURES if k in layout.figures]
    rows = []
    for key in keys:
        cells, previous = [], None
        for d in history:
            value = values[d.pk].get(key)
            cells.append(Change(value, previous))
            previous = value
        rows.append({"figure": layout.figures[key], "cells": cells})
    series = [(d.year_id, values[d.pk]) for d in history]
    chart = charts.totals_across_years(series, history[-1])
    return render(
        request,
        "disclosure/department.html",
        {"department": department, "history": history, "rows": rows, "chart": chart},
    )


BOARD_FIGURES = [
    "sangong_actual",
    "abroad_actual",
    "vehicles_actual",
    "hospitality_actual",
    "running_costs",
]


@public_page("sort")
def board(request: HttpRequest, year: int) -> HttpResponse:
    disclosures = list(selectors.disclosure_search(year=year))
    if not disclosures:
        raise Http404(_("这一年度还没有公开的决算。"))
    values, unit, converted = _board_values(disclosures)
    figures, seen = [], set()
    for d in disclosures:
        for key in BOARD_FIGURES:
            figure = d.layout_spec.figures.get(key) or d.layout_spec.text_figure(key)
            if figure is not None and key not in seen:
                seen.add(key)
                figures.append(figure)
    figures.sort(key=lambda f: BOARD_FIGURES.index(f.key))
    rows = [
        {
            "department": d.department.name,
            "url": reverse("disclosure:detail", args=[d.year_id, d.department.code]),
            **{f.key: values[d.pk].get(f.key) for f in figures},
        }
        for d in disclosures
    ]
    table = board_table(rows, figures, order_by=request.GET.get("sort"))
    RequestConfig(request, paginate=False).configure(table)
    totals = {f.key: sum((r[f.key] for r in rows if r[f.key] is not None), ZERO) for f in figures}
    context = {"year": year, "table": table, "figures": figures, "totals": totals}
    context.update(count=len(rows), unit=unit, converted=converted)
    return render(request, "disclosure/board.html", context)


def _board_values(disclosures) -> tuple[dict[int, dict[str, Decimal | None]], str, bool]:
    """Each disclosure's board figures in one unit: the unit they are all printed in, or,
    where tables in 元 and in 万元 meet, every figure in 元 (万元 × 10,000 is exact, so no
    figure is rounded to be compared). A figure no table of a layout prints (the national
    form's 机关运行经费) is read from the 说明 (layouts' `text_figures`, stored at import)."""
    cells = selectors.figure_cells(disclosures)
    layouts = {d.pk: d.layout_spec for d in disclosures}
    for pk, found in selectors.text_figure_values(disclosures, BOARD_FIGURES).items():
        for key, value in found.items():
            if cells[pk].get(key, (None, ""))[0] is None:
                cells[pk][key] = (value, layouts[pk].text_figure(key).unit)
    units = {
        unit
        for figures in cells.values()
        for key, (value, unit) in figures.items()
        if key in BOARD_FIGURES and value is not None and unit
    }
    if len(units) <= 1:
        unit = units.pop() if units else "元"
        return {pk: {k: v for k, (v, _u) in f.items()} for pk, f in cells.items()}, unit, False
    in_yuan = {
        pk: {
            key: value * TEN_THOUSAND if value is not None and unit == "万元" else value
            for key, (value, unit) in figures.items()
        }
        for pk, figures in cells.items()
    }
    return in_yuan, "元", True


@public_page()
def glossary_page(request: HttpRequest) -> HttpResponse:
    return render(request, "disclosure/glossary.html", {"terms": glossary.terms()})
