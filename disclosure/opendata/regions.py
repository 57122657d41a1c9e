"""A year's Fiscal Data Package for one region: the region's own departments and those of
every region below it, in the same form as the whole year's package. Built on request (and
cached) up to PORTAL_PACKAGE_BUILD_ON_REQUEST disclosures, like a small year's package."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from disclosure.models import Region
from disclosure.opendata import package, prebuilt
from disclosure.opendata.views import _cached, _file


@require_safe
def region_package(request: HttpRequest, year: int, code: str) -> HttpResponse:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404(_("没有找到这个行政区划。"))
    disclosures = list(
        package.year_disclosures(year).filter(department__region__in=Region.objects.within(region))
    )
    if not disclosures:
        raise Http404(_("这个地区这一年度还没有公开的决算。"))
    if not prebuilt.built_on_request(disclosures):
        # Too many to build while a reader waits; regions are not prebuilt (yet).
        return HttpResponse(
            _("这个地区的决算太多，不能即时打包：请下载全年的数据包，或用 API 的 region 筛选。"),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    data = _cached(
        f"region-zip-{code}", disclosures, lambda: package.year_package(year, disclosures)
    )
    return _file(data, "application/zip", f"{year}年度{region.name}部门决算公开数据包.zip")
