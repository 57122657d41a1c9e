"""Downloads at stable addresses. Published disclosures only: every view fetches through
`selectors.published_disclosure` or `Disclosure.objects.current()`, and anything else is
the same 404 as a disclosure that does not exist."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from disclosure import selectors
from disclosure.models import Disclosure, FiscalYear
from disclosure.opendata import package, prebuilt
from disclosure.opendata.document import disclosure_document
from disclosure.opendata.links import year_links
from disclosure.opendata.tabular import table_csv as render_table_csv
from disclosure.opendata.workbook import disclosure_workbook
from disclosure.selectors import disclosure_tables

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
PACKAGE_CACHE_SECONDS = 600


def _published(year: int, code: str) -> Disclosure:
    disclosure = selectors.published_disclosure(year=year, code=code)
    if disclosure is None:
        raise Http404(_("没有找到这份已公开的决算。"))
    return disclosure


def _stem(disclosure: Disclosure) -> str:
    return f"{disclosure.department.name}{disclosure.year_id}年度部门决算"


def _file(data: bytes, content_type: str, filename: str, *, attachment: bool = True):
    response = HttpResponse(data, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition_header(attachment, filename)
    return response


def _table_spec(disclosure: Disclosure, number: str):
    if not disclosure.layout_spec.has_table(number):
        raise Http404(_("表式中没有这张表。"))
    return disclosure.layout_spec.table(number)


@require_safe
def disclosure_xlsx(request: HttpRequest, year: int, code: str) -> HttpResponse:
    disclosure = _published(year, code)
    try:
        data = disclosure_workbook(disclosure)
    except LookupError:
        raise Http404(_("这份决算没有可导出的表。")) from None
    return _file(data, XLSX, f"{_stem(disclosure)}.xlsx")


@require_safe
def disclosure_json(request: HttpRequest, year: int, code: str) -> HttpResponse:
    disclosure = _published(year, code)
    response = JsonResponse(
        disclosure_document(disclosure, request), json_dumps_params={"ensure_ascii": False}
    )
    response.headers["Content-Disposition"] = content_disposition_header(
        False, f"{_stem(disclosure)}.json"
    )
    return response


@require_safe
def table_csv(request: HttpRequest, year: int, code: str, number: str) -> HttpResponse:
    disclosure = _published(year, code)
    spec = _table_spec(disclosure, number)
    view = next(v for v in disclosure_tables(disclosure) if v.number == number)
    if view.state in {"not_provided", "exempt"}:
        raise Http404(_("本表未提供。"))
    filename = f"{_stem(disclosure)}-{spec.label}{spec.title}.csv"
    return _file(render_table_csv(view), CSV, filename)


@require_safe
def table_xlsx(request: HttpRequest, year: int, code: str, number: str) -> HttpResponse:
    disclosure = _published(year, code)
    spec = _table_spec(disclosure, number)
    try:
        data = disclosure_workbook(disclosure, numbers=[number])
    except LookupError:
        raise Http404(_("本表未提供。")) from None
    return _file(data, XLSX, f"{_stem(disclosure)}-{spec.label}{spec.title}.xlsx")


def _year(year: int) -> list[Disclosure]:
    disclosures = list(package.year_disclosures(year))
    if not disclosures:
        raise Http404(_("这一年度还没有公开的决算。"))
    return disclosures


def _cached(kind: str, disclosures: list[Disclosure], build) -> bytes:
    """A year's file is rebuilt only when a disclosure in it changed (a new version or
    a new department changes the key)."""
    stamp = ";".join(f"{d.pk}:{d.updated_at.isoformat()}" for d in disclosures)
    key = f"opendata:{kind}:" + hashlib.sha256(stamp.encode()).hexdigest()
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, PACKAGE_CACHE_SECONDS)
    return data


def _prebuilt(year: int, disclosures: list[Disclosure], kind: str, build):
    """A small year's file built now (cached); a large year's built in the background
    (disclosure/opendata/prebuilt.py). Returns the bytes and whether they are current."""
    if prebuilt.built_on_request(disclosures):
        return _cached(f"{kind}:{year}", disclosures, build), True
    found = prebuilt.stored_file(year, disclosures, kind)
    if found is None:
        raise _Building()
    return found


class _Building(Exception):
    """No file of the year has been built yet: the build is queued."""


def _building() -> HttpResponse:
    response = HttpResponse(
        _("这一年度的数据包正在生成，请稍后再试。"),
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response.headers["Retry-After"] = "120"
    return response


def _marked(response: HttpResponse, current: bool) -> HttpResponse:
    # False while the files for the latest publications are being built.
    response.headers["X-Package-Current"] = "true" if current else "false"
    return response


@require_safe
def year_package(request: HttpRequest, year: int) -> HttpResponse:
    disclosures = _year(year)
    try:
        data, current = _prebuilt(
            year, disclosures, "zip", lambda: package.year_package(year, disclosures)
        )
    except _Building:
        return _building()
    return _marked(_file(data, "application/zip", f"{year}年度部门决算公开数据包.zip"), current)


@require_safe
def year_datapackage(request: HttpRequest, year: int) -> HttpResponse:
    """The descriptor, served beside its CSV so that tools read the package from the web
    (`frictionless validate <this address>`)."""
    disclosures = _year(year)
    data = package.descriptor_json(year, disclosures, csv_path=package.csv_name(year))
    return _file(data, "application/json", "datapackage.json", attachment=False)


@require_safe
def year_csv(request: HttpRequest, year: int, resource: str) -> HttpResponse:
    if resource == package.text_figures_name(year):
        data = package.text_figures_csv(_year(year))
        return _file(data, CSV, f"{resource}.csv")
    if resource != package.resource_name(year):
        raise Http404(_("没有这个数据文件。"))
    disclosures = _year(year)
    try:
        data, current = _prebuilt(year, disclosures, "csv", lambda: package.year_csv(disclosures))
    except _Building:
        return _building()
    return _marked(_file(data, CSV, package.csv_name(year)), current)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """What can be downloaded, year by year, and where the API is documented."""
    published_years = (
        FiscalYear.objects.filter(disclosures__in=Disclosure.objects.current())
        .distinct()
        .order_by("-year")
        .values_list("year", flat=True)
    )
    years = [{"year": year, "links": year_links(year)} for year in published_years]
    disclosures = (
        Disclosure.objects.current()
        .select_related("department", "year")
        .order_by("-year_id", "department__code")
    )
    return render(
        request,
        "opendata/index.html",
        {"years": years, "disclosures": disclosures, "license": settings.PORTAL_DATA_LICENSE},
    )
