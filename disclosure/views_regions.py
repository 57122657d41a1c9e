"""Public pages by place: the region tree, one region (its departments, their disclosures by
year, its sub-regions), and the coverage and transparency board of a year."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Count, F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from disclosure import coverage, selectors
from disclosure.models import Department, Disclosure, Region
from disclosure.opendata.tabular import guard, write_csv
from disclosure.pagecache import public_page

REGION_NOT_FOUND = "没有找到这个行政区划。"


def _region_or_404(code: str) -> Region:
    region = Region.objects.select_related("parent__parent").filter(code=code).first()
    if region is None:
        raise Http404(REGION_NOT_FOUND)
    return region


def _published_counts(region_ids=None) -> dict[int, int]:
    """Published department-years per region (本级), all years: each department-year counted
    once whatever its number of published versions (no per-row subquery)."""
    qs = Disclosure.objects.published()
    if region_ids is not None:
        qs = qs.filter(department__region_id__in=region_ids)
    department_year = F("department_id") * 10000 + F("year_id")
    return dict(
        qs.values_list("department__region_id")
        .annotate(n=Count(department_year, distinct=True))
        .values_list("department__region_id", "n")
    )


@public_page()
def region_tree(request: HttpRequest) -> HttpResponse:
    regions = list(Region.objects.annotate(department_count=Count("departments")).order_by("code"))
    published = _published_counts()
    children: dict[int | None, list[Region]] = defaultdict(list)
    for region in regions:
        region.published_count = published.get(region.pk, 0)
        children[region.parent_id].append(region)
    for region in regions:
        region.child_list = children.get(region.pk, [])
    return render(
        request,
        "regions/tree.html",
        {
            "roots": children.get(None, []),
            "count": len(regions),
            "years": selectors.published_years(),
        },
    )


@public_page()
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = _region_or_404(code)
    sub_regions = list(
        region.children.annotate(department_count=Count("departments")).order_by("code")
    )
    published = _published_counts([child.pk for child in sub_regions])
    for child in sub_regions:
        child.published_count = published.get(child.pk, 0)
    departments = list(Department.objects.in_region(region).order_by("code"))
    current = (
        Disclosure.objects.current()
        .filter(department__region=region)
        .values_list("department_id", "year_id")
    )
    years_by_department: dict[int, set[int]] = defaultdict(set)
    for department_id, year in current:
        years_by_department[department_id].add(year)
    years = sorted({y for ys in years_by_department.values() for y in ys}, reverse=True)
    rows = [
        {
            "department": d,
            "has_any": bool(years_by_department.get(d.pk)),
            "cells": [(year, year in years_by_department.get(d.pk, ())) for year in years],
        }
        for d in departments
    ]
    return render(
        request,
        "regions/region.html",
        {
            "region": region,
            "ancestors": region.ancestors(),
            "sub_regions": sub_regions,
            "rows": rows,
            "years": years,
            "latest_year": years[0] if years else None,
        },
    )


# ------------------------------------------------------------------ coverage board
def _board(request: HttpRequest, year: int) -> coverage.Board:
    code = request.GET.get("region", "").strip()[:6]
    root = _region_or_404(code) if code else _single_root()
    return coverage.coverage_board(year=year, root=root)


def _single_root() -> Region | None:
    roots = list(Region.objects.top_level()[:2])
    return roots[0] if len(roots) == 1 else None


@public_page("region", "sort")
def coverage_page(request: HttpRequest, year: int) -> HttpResponse:
    board = _board(request, year)
    rows, sort = coverage.sort_regions(board.regions, request.GET.get("sort", ""))
    own = board.own
    departments = sorted(
        own.departments if own else [],
        key=lambda d: (
            ["missing", "late", "undated", "on_time"].index(d.state),
            d.code,
        ),
    )
    return render(
        request,
        "regions/coverage.html",
        {
            "board": board,
            "year": year,
            "root": board.root,
            "ancestors": board.root.ancestors() if board.root else [],
            "rows": rows,
            "sort": sort,
            "own": own,
            "departments": departments,
            "formula": coverage.SCORE_FORMULA,
            "within_days": settings.PORTAL_PUBLISH_WITHIN_DAYS,
            "years": selectors.published_years(),
            "columns": [
                ("name", _("区划")),
                ("departments", _("部门数")),
                ("published", _("已公开")),
                ("on_time", _("按时")),
                ("late", _("逾期")),
                ("missing", _("未公开")),
                ("complete", _("表格完整")),
                ("error_free", _("无错误")),
                ("score", _("得分")),
            ],
        },
    )


def _csv_response(rows: list[list[str]], filename: str) -> HttpResponse:
    response = HttpResponse(write_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return guard(str(value))


def coverage_regions_csv(request: HttpRequest, year: int) -> HttpResponse:
    board = _board(request, year)
    keys = [
        "code",
        "name",
        "level",
        "departments",
        "published",
        "on_time",
        "late",
        "undated",
        "missing",
        "complete",
        "error_free",
        "published_share",
        "on_time_share",
        "complete_share",
        "error_free_share",
        "score",
    ]
    rows = [coverage.REGION_HEADER]
    rows += [[_cell(r.as_row()[k]) for k in keys] for r in board.regions]
    suffix = f"-{board.root.code}" if board.root else ""
    return _csv_response(rows, f"coverage-{year}{suffix}-regions.csv")


def coverage_departments_csv(request: HttpRequest, year: int) -> HttpResponse:
    board = _board(request, year)
    regions = {r.region.pk: r.region for r in board.regions}
    rows = [coverage.DEPARTMENT_HEADER]
    for d in sorted(board.total.departments, key=lambda d: (regions[d.region_id].code, d.code)):
        region = regions[d.region_id]
        rows.append(
            [
                _cell(region.code),
                _cell(region.name),
                _cell(d.code),
                _cell(d.name),
                _cell(d.state_label),
                _cell(d.approved_on),
                _cell(d.deadline),
                _cell(d.published_on),
                _cell(d.days_late),
                _cell(d.complete if d.published else None),
                _cell(d.error_free if d.published else None),
            ]
        )
    suffix = f"-{board.root.code}" if board.root else ""
    return _csv_response(rows, f"coverage-{year}{suffix}-departments.csv")
