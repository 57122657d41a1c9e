"""Departments and years. The disclosure and table serializers are the JSON document's
(`disclosure.opendata.document`), shared with the downloads."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from disclosure.models import Department, FiscalYear
from disclosure.opendata.links import department_links, year_links


class DepartmentLinksSerializer(serializers.Serializer):
    api = serializers.URLField()
    disclosures = serializers.URLField()


class DepartmentSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("部门代码（稳定，网址中引用）"))
    name = serializers.CharField()
    kind = serializers.CharField(
        help_text=_("administrative、civil_service_institution 或 public_institution")
    )
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None)
    region = serializers.CharField(source="region.code", help_text=_("所属行政区划代码（本级）"))
    region_name = serializers.CharField(source="region.name", help_text=_("所属行政区划名称"))
    years = serializers.SerializerMethodField(help_text=_("有公开决算的年度"))
    links = serializers.SerializerMethodField()

    def get_years(self, department: Department) -> list[int]:
        return sorted({d.year_id for d in department.published}, reverse=True)

    @extend_schema_field(DepartmentLinksSerializer)
    def get_links(self, department: Department) -> dict:
        return department_links(department.code, self.context.get("request"))


class YearLinksSerializer(serializers.Serializer):
    api = serializers.URLField()
    disclosures = serializers.URLField()
    package = serializers.URLField(help_text="Fiscal Data Package（zip：datapackage.json + CSV）")
    datapackage = serializers.URLField(help_text=_("datapackage.json，与 CSV 同在一处"))
    csv = serializers.URLField()


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    departments = serializers.IntegerField(
        source="published_departments", help_text=_("有公开决算的部门数")
    )
    links = serializers.SerializerMethodField()

    @extend_schema_field(YearLinksSerializer)
    def get_links(self, year: FiscalYear) -> dict:
        return year_links(year.year, self.context.get("request"))


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("6 位行政区划代码"))
    name = serializers.CharField()
    level = serializers.CharField(help_text=_("province、city 或 county"))
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None)
    departments = serializers.IntegerField(source="department_count", help_text=_("本级部门数"))
