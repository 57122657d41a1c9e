"""The admin's regions (行政区划), and what a regional administrator (地区管理员) may do there.

Reviewers and administrators load regions from files (行政区划 › 导入, preview → confirm),
as they load catalogues. A regional administrator manages the departments of their region and
of the regions below it (never another region's), and reads those regions; a reviewer sees
and edits the departments of their own region and the regions below it.
"""

from django.contrib import admin

from disclosure.admin import DepartmentAdmin, ReferenceImportExport, ReviewerOnly
from disclosure.admin_imports import may_load_reference_data
from disclosure.models import Department, Region
from disclosure.permissions import (
    admin_regions,
    is_region_admin,
    managed_regions,
    sees_every_region,
)
from disclosure.resources.regions import RegionResource


@admin.register(Region)
class RegionAdmin(ReviewerOnly, ReferenceImportExport, admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    resource_classes = [RegionResource]
    skip_admin_log = False

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()

    def _reads(self, request) -> bool:
        return may_load_reference_data(request) or is_region_admin(request.user)

    def has_module_permission(self, request) -> bool:
        return self._reads(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._reads(request)

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("parent")
        if may_load_reference_data(request):
            return qs
        return qs.filter(pk__in=managed_regions(request.user))


class RegionalDepartmentAdmin(DepartmentAdmin):
    """Departments, with their region. An administrator sees every department; a reviewer
    (or oversight user) sees and edits those of their region and the regions below it, a
    regional administrator those of the regions they manage; each can put a department only
    there, and an import of departments is held to the same regions."""

    list_display = ("code", "name", "region", "parent", "kind")
    list_filter = ("kind", "region__level")
    list_select_related = ("region", "parent")
    autocomplete_fields = ("parent", "region")

    @staticmethod
    def _regional(request) -> bool:
        return is_region_admin(request.user) and request.user.is_staff

    def _enters(self, request) -> bool:
        return may_load_reference_data(request) or self._regional(request)

    def _sees(self, request, obj: Department) -> bool:
        user = request.user
        return sees_every_region(user) or admin_regions(user).filter(pk=obj.region_id).exists()

    def has_module_permission(self, request) -> bool:
        return self._enters(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._enters(request) and (obj is None or self._sees(request, obj))

    def has_add_permission(self, request) -> bool:
        return self._enters(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._enters(request) and (obj is None or self._sees(request, obj))

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if sees_every_region(request.user):
            return qs
        return qs.filter(region__in=admin_regions(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not sees_every_region(request.user):
            regions = admin_regions(request.user)
            if db_field.name == "region":
                kwargs["queryset"] = regions
            elif db_field.name == "parent":
                kwargs["queryset"] = Department.objects.filter(region__in=regions)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_import_resource_kwargs(self, request, **kwargs):
        kwargs = super().get_import_resource_kwargs(request, **kwargs)
        if not sees_every_region(request.user):
            kwargs["regions"] = admin_regions(request.user)
        return kwargs


admin.site.unregister(Department)
admin.site.register(Department, RegionalDepartmentAdmin)
