"""The admin's regions (行政区划), and what a regional administrator (地区管理员) may do there.

Reviewers and administrators load regions from files (行政区划 › 导入, preview → confirm),
as they load catalogues. A regional administrator manages the departments of their region and
of the regions below it (never another region's), and reads those regions.
"""

from django.contrib import admin

from disclosure.admin import DepartmentAdmin, ReferenceImportExport, ReviewerOnly
from disclosure.admin_imports import may_load_reference_data
from disclosure.models import Department, Region
from disclosure.permissions import is_region_admin, managed_regions
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
    """Departments, with their region; a regional administrator sees and edits only the
    departments of the regions they manage, and can put a department only there."""

    list_display = ("code", "name", "region", "parent", "kind")
    list_filter = ("kind", "region__level")
    list_select_related = ("region", "parent")
    autocomplete_fields = ("parent", "region")

    @staticmethod
    def _regional(request) -> bool:
        return is_region_admin(request.user) and request.user.is_staff

    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) or self._regional(request)

    def has_view_permission(self, request, obj=None) -> bool:
        if may_load_reference_data(request):
            return True
        return self._regional(request) and (obj is None or self._manages(request, obj))

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) or self._regional(request)

    def has_change_permission(self, request, obj=None) -> bool:
        if may_load_reference_data(request):
            return True
        return self._regional(request) and (obj is None or self._manages(request, obj))

    def _manages(self, request, obj: Department) -> bool:
        return managed_regions(request.user).filter(pk=obj.region_id).exists()

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if may_load_reference_data(request):
            return qs
        return qs.filter(region__in=managed_regions(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not may_load_reference_data(request):
            if db_field.name == "region":
                kwargs["queryset"] = managed_regions(request.user)
            elif db_field.name == "parent":
                kwargs["queryset"] = Department.objects.filter(
                    region__in=managed_regions(request.user)
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


admin.site.unregister(Department)
admin.site.register(Department, RegionalDepartmentAdmin)
