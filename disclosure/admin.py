from django.contrib import admin

from disclosure.models import (
    AuditEvent,
    Catalogue,
    ClassificationCode,
    Department,
    Disclosure,
    DisclosureTable,
    FiscalYear,
)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "kind")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ("year",)


@admin.register(Catalogue)
class CatalogueAdmin(admin.ModelAdmin):
    list_display = ("year", "kind", "provenance", "loaded_at")
    list_filter = ("kind", "provenance")


@admin.register(ClassificationCode)
class ClassificationCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "catalogue")
    list_filter = ("catalogue", "level")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


class DisclosureTableInline(admin.TabularInline):
    model = DisclosureTable
    fields = ("number", "state", "unit", "statement")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Disclosure)
class DisclosureAdmin(admin.ModelAdmin):
    """Amounts change only through imports and the workflow; the admin shows them."""

    list_display = ("department", "year", "version", "status", "published_at")
    list_filter = ("status", "year")
    search_fields = ("department__name", "department__code")
    readonly_fields = (
        "department",
        "year",
        "version",
        "status",
        "layout",
        "approved_on",
        "published_at",
        "correction_note",
        "source_name",
        "content_digest",
    )
    inlines = [DisclosureTableInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "disclosure", "actor", "action", "from_status", "to_status")
    list_filter = ("action",)
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
