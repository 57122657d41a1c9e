"""Read-only endpoints. Every queryset starts from `Disclosure.objects.published()` or
`.current()`: a draft, a submitted or an approved version never appears, and asking for
one answers the same 404 as asking for something that does not exist."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

import django_filters
from django import forms
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import condition
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from disclosure import selectors
from disclosure.api.serializers import DepartmentSerializer, RegionSerializer, YearSerializer
from disclosure.models import Department, Disclosure, FiscalYear, Region
from disclosure.opendata.document import (
    DisclosureDetailSerializer,
    DisclosureSummarySerializer,
    TableSerializer,
    tables_data,
)

NOT_FOUND = _("没有找到这份已公开的决算。")


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField  # "2021", never "2021.5"


class RegionCodeFilter(django_filters.CharFilter):
    """A region's code: its own departments and those of every region below it."""

    def __init__(self, prefix: str = "", **kwargs):
        self.prefix = prefix
        super().__init__(label=_("行政区划代码（含下级）"), **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.prefix}region__in": Region.objects.within_code(value)})


class DepartmentFilter(django_filters.FilterSet):
    year = YearFilter(method="filter_year", label=_("有公开决算的年度"))
    region = RegionCodeFilter()

    class Meta:
        model = Department
        fields = ["year", "region"]

    def filter_year(self, queryset, name, value):
        published = Disclosure.objects.published().for_year(int(value))
        return queryset.filter(disclosures__in=published).distinct()


class DisclosureFilter(django_filters.FilterSet):
    year = YearFilter(field_name="year_id", label=_("年度"))
    department = django_filters.CharFilter(field_name="department__code", label=_("部门代码"))
    region = RegionCodeFilter("department__")

    class Meta:
        model = Disclosure
        fields = ["year", "department", "region"]


YEAR = OpenApiParameter("year", OpenApiTypes.INT, description=_("年度，如 2021"))


@extend_schema(tags=["departments"])
@extend_schema_view(
    list=extend_schema(
        summary=_("部门列表"),
        description=_("有已公开决算的部门。year：只列出这一年度有公开决算的部门。"),
        parameters=[YEAR],
    ),
    retrieve=extend_schema(summary=_("一个部门"), description=_("部门及其有公开决算的年度。")),
)
class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Departments with at least one published disclosure."""

    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter
    lookup_field = "code"
    lookup_value_regex = "[a-z0-9-]+"

    def get_queryset(self):
        current = Disclosure.objects.current().only("id", "department_id", "year_id")
        return (
            Department.objects.filter(disclosures__in=Disclosure.objects.published())
            .distinct()
            .select_related("parent", "region")
            .prefetch_related(Prefetch("disclosures", queryset=current, to_attr="published"))
            .order_by("code")
        )


@extend_schema(tags=["regions"])
@extend_schema_view(
    list=extend_schema(
        summary=_("行政区划列表"),
        description=_("省、市（州）、县（区），各附上级区划代码和本级部门数。"),
    ),
    retrieve=extend_schema(summary=_("一个行政区划")),
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Regions (行政区划), each with its parent's code and its own departments' count."""

    serializer_class = RegionSerializer
    lookup_field = "code"
    lookup_value_regex = "[0-9]{6}"

    def get_queryset(self):
        return (
            Region.objects.select_related("parent")
            .annotate(department_count=Count("departments"))
            .order_by("code")
        )


@extend_schema(tags=["years"])
@extend_schema_view(
    list=extend_schema(
        summary=_("年度列表"),
        description=_("有已公开决算的年度，新的在前；每年附 Fiscal Data Package 下载地址。"),
    ),
    retrieve=extend_schema(summary=_("一个年度")),
)
class YearViewSet(viewsets.ReadOnlyModelViewSet):
    """Years with at least one published disclosure, newest first, with the year's
    Fiscal Data Package."""

    serializer_class = YearSerializer
    lookup_field = "year"
    lookup_value_regex = "[0-9]{4}"

    def get_queryset(self):
        published = Q(disclosures__in=Disclosure.objects.published())
        return (
            FiscalYear.objects.annotate(
                published_departments=Count(
                    "disclosures__department", filter=published, distinct=True
                )
            )
            .filter(published_departments__gt=0)
            .order_by("-year")
        )


@extend_schema(tags=["disclosures"])
@extend_schema_view(
    list=extend_schema(
        summary=_("已公开的决算"),
        description=_("每个部门每个年度当前公开的版本，附网页、PDF、Excel、JSON 和 API 地址。"),
        parameters=[YEAR],
    ),
    retrieve=extend_schema(
        summary=_("一份决算"),
        description=_(
            "决算的概要、各表的状态和地址；有勾稽检查结果时附其摘要"
            "（否则为 null，表示未检查，而非通过）。"
        ),
    ),
)
class DisclosureViewSet(viewsets.ReadOnlyModelViewSet):
    """Published disclosures: the current version of each department-year."""

    filterset_class = DisclosureFilter

    def get_serializer_class(self):
        return (
            DisclosureDetailSerializer if self.action == "retrieve" else DisclosureSummarySerializer
        )

    def get_queryset(self):
        return (
            Disclosure.objects.current()
            .select_related("department__region", "year")
            .order_by("-year_id", "department__code")
        )

    def get_object(self) -> Disclosure:
        return published_or_404(self.kwargs["year"], self.kwargs["code"])


def published_or_404(year: int, code: str) -> Disclosure:
    disclosure = selectors.published_disclosure(year=year, code=code)
    if disclosure is None:
        raise Http404(NOT_FOUND)
    return disclosure


@extend_schema(tags=["tables"])
class TableViewSet(viewsets.GenericViewSet):
    """A published disclosure's tables with their rows, in layout order (not paginated:
    a layout has a dozen tables)."""

    serializer_class = TableSerializer
    pagination_class = None

    def get_queryset(self):
        return Disclosure.objects.current()

    @extend_schema(summary=_("一份决算的全部表"), description=_("各表及其全部行，按表式顺序。"))
    def list(self, request: Request, year: int, code: str) -> Response:
        disclosure = published_or_404(year, code)
        return Response(TableSerializer(tables_data(disclosure, request), many=True).data)

    @extend_schema(
        summary=_("一张表"),
        description=_(
            "表头栏目、各行及金额（十进制字符串，原表单位）；"
            "文字表（公开10–12）给出各部分、绩效表和原表格子。"
        ),
        parameters=[
            OpenApiParameter("number", str, OpenApiParameter.PATH, description=_("表号，如 02"))
        ],
    )
    def retrieve(self, request: Request, year: int, code: str, number: str) -> Response:
        disclosure = published_or_404(year, code)
        found = tables_data(disclosure, request, number=number)
        if not found:
            raise Http404(_("表式中没有这张表。"))
        return Response(TableSerializer(found[0]).data)


@extend_schema(exclude=True)
@api_view(["GET"])
def api_root(request: Request) -> Response:
    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(name))

    return Response(
        {
            "departments": url("api:department-list"),
            "regions": url("api:region-list"),
            "years": url("api:year-list"),
            "disclosures": url("api:disclosure-list"),
            "schema": url("api:schema"),
            "docs": url("api:docs"),
            "downloads": url("opendata:index"),
        }
    )


class DocsView(SpectacularRedocView):
    """Redoc, from the sidecar package's bundle as `redoc_bundle` serves it. The page loads
    nothing from elsewhere: our template drops the stock one's web fonts, the bundle is
    served without the logo Redoc's footer fetches from its makers' server, and the
    Content Security Policy allows nothing but the portal itself."""

    template_name = "api/docs.html"
    url_name = "api:schema"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CSP
        return response

    @staticmethod
    def _redoc_standalone():
        return reverse("api:redoc-bundle")


REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
# The menu footer's "API docs by Redocly" link shows an <img> from their server, and no
# Redoc option turns it off; the link stays, the image goes. The source map (not shipped
# for the changed file) goes too.
_REDOC_LOGO = re.compile(r'[\w$]+\.createElement\("img",\{alt:"redocly logo",[^}]*\}\)')
_SOURCE_MAP = re.compile(r"\n//# sourceMappingURL=\S+\s*$")


@cache
def redoc_bundle_text() -> bytes:
    """The sidecar's Redoc bundle without the remote logo. A new Redoc that draws the logo
    differently stops the docs page loudly rather than let it fetch from elsewhere."""
    text = Path(finders.find(REDOC_BUNDLE)).read_text(encoding="utf-8")
    text, found = _REDOC_LOGO.subn("null", text)
    if found != 1 or "cdn.redoc.ly" in text:
        raise ImproperlyConfigured(
            f"{REDOC_BUNDLE}: the remote logo was not found where expected ({found} matches)"
        )
    # The licence notice names its file relative to the bundle: point it at where it is.
    licence = static(REDOC_BUNDLE + ".LICENSE.txt")
    text = text.replace("see redoc.standalone.js.LICENSE.txt", f"see {licence}", 1)
    return _SOURCE_MAP.sub("\n", text).encode("utf-8")


def _bundle_etag(request: HttpRequest) -> str:
    return hashlib.sha256(redoc_bundle_text()).hexdigest()[:32]


@condition(etag_func=_bundle_etag)
def redoc_bundle(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(redoc_bundle_text(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


DOCS_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",  # the <redoc spec-url> element starts Redoc: no inline script
        "style-src 'self' 'unsafe-inline'",  # Redoc injects its styles
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",  # the search index runs in a blob worker
        "connect-src 'self'",
    ]
)


class SchemaView(SpectacularJSONAPIView):
    """The OpenAPI 3 schema as JSON, saved as openapi.json (the stock name is the title)."""

    def _get_filename(self, request, version) -> str:
        return "openapi.json"
