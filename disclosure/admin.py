"""The admin, in Chinese. Who sees what follows the role (accounts.Role), as on the staff
pages, not Django's per-model permission table:

- finance reviewers and administrators (staff) load and export the classification
  catalogues and the departments, and read every disclosure (any table as CSV or XLSX);
- a department's preparer (staff, so that the admin lets them in) sees only their own
  department's disclosures and, for its editable draft, the workbook and single-table
  import screens; every other model stays hidden from them;
- deleting stays with superusers.

Amounts change only through imports and the workflow; the admin never edits a number.
"""

from django.contrib import admin
from django.db.models import Q
from django.urls import path, register_converter, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from disclosure.admin_imports import (
    CatalogueConfirmForm,
    CatalogueImportForm,
    GuardedImportMixin,
    TableConfirmForm,
    TableImportForm,
    blank_template_download,
    blank_template_links,
    importable_drafts,
    may_load_reference_data,
    own_versions,
    preparer_department_id,
    table_export,
    workbook_confirm,
    workbook_upload,
)
from disclosure.layouts import DEFAULT_LAYOUT, layout_choices
from disclosure.models import (
    AuditEvent,
    Catalogue,
    ClassificationCode,
    Department,
    Disclosure,
    FiscalYear,
)
from disclosure.models.classification import CatalogueKind, Provenance
from disclosure.models.statements import Status, TableState
from disclosure.opendata.formats import GuardedCSV, NumberXLSX
from disclosure.params import id_param
from disclosure.permissions import can, overseen_departments
from disclosure.resources.base import DocumentUploadFormat
from disclosure.resources.catalogues import ClassificationCodeResource
from disclosure.resources.departments import DepartmentResource
from disclosure.resources.tables import table_resources


class _TableNumber:
    regex = r"\d{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class _FileFormat:
    regex = r"csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_TableNumber, "admintable")
register_converter(_FileFormat, "fileformat")


class ReviewerOnly:
    """Reference data: reviewers and administrators may read it, add to it and load it
    from files; deleting is for superusers. (A mixin placed before ModelAdmin.)"""

    reviewer_may_edit = True

    def has_module_permission(self, request) -> bool:
        return may_load_reference_data(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_load_reference_data(request)

    def has_add_permission(self, request) -> bool:
        return self.reviewer_may_edit and may_load_reference_data(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.reviewer_may_edit and may_load_reference_data(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_import_permission(self, request) -> bool:
        return may_load_reference_data(request)

    def has_export_permission(self, request) -> bool:
        return may_load_reference_data(request)


class ReferenceImportExport(GuardedImportMixin, ExportMixin):
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    export_formats = [GuardedCSV, NumberXLSX]

    def get_export_filename(self, request, queryset, file_format):
        stamp = timezone.localdate().isoformat()
        return f"{self.opts.verbose_name_plural}-{stamp}.{file_format.get_extension()}"


@admin.register(Department)
class DepartmentAdmin(ReviewerOnly, ReferenceImportExport, admin.ModelAdmin):
    list_display = ("code", "name", "parent", "kind")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    resource_classes = [DepartmentResource]
    skip_admin_log = False

    def get_readonly_fields(self, request, obj=None):
        # A department's code is cited by URLs: it is set once.
        return ("code",) if obj is not None else ()


@admin.register(FiscalYear)
class FiscalYearAdmin(ReviewerOnly, admin.ModelAdmin):
    list_display = ("year",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# Some foreign keys of the models carry no verbose name: these give the admin Chinese labels.
@admin.display(description=_("年度"), ordering="year")
def year_label(obj) -> str:
    return f"{obj.year_id}"


@admin.display(description=_("分类科目表"), ordering="catalogue")
def catalogue_label(obj) -> str:
    return str(obj.catalogue)


@admin.display(description=_("上级科目"))
def parent_label(obj) -> str:
    return str(obj.parent) if obj.parent_id else "—"


class CatalogueFilter(admin.SimpleListFilter):
    title = _("分类科目表")
    parameter_name = "catalogue"

    def lookups(self, request, model_admin):
        return [(str(c.pk), str(c)) for c in Catalogue.objects.order_by("-year", "kind")]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(catalogue_id=int(value)) if value and value.isdigit() else queryset


@admin.register(Catalogue)
class CatalogueAdmin(ReviewerOnly, admin.ModelAdmin):
    list_display = (year_label, "kind", "provenance", "loaded_at")
    list_filter = ("kind", "provenance")
    fields = readonly_fields = (year_label, "kind", "provenance", "source", "loaded_at")
    reviewer_may_edit = False  # catalogues are loaded from files (分类科目 › 导入)


@admin.register(ClassificationCode)
class ClassificationCodeAdmin(ReviewerOnly, ReferenceImportExport, admin.ModelAdmin):
    """A year's codes are loaded from the finance bureau's list, never edited one by one:
    a code is versioned by year and never renamed in place."""

    list_display = ("code", "name", "level", catalogue_label)
    list_filter = (CatalogueFilter, "level")
    search_fields = ("code", "name")
    fields = readonly_fields = (catalogue_label, "code", "name", "level", parent_label)
    resource_classes = [ClassificationCodeResource]
    reviewer_may_edit = False
    skip_admin_log = False

    def get_import_form_class(self, request):
        return CatalogueImportForm

    def get_confirm_form_class(self, request):
        return CatalogueConfirmForm

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            for name in ("year", "kind", "provenance"):
                initial[name] = import_form.cleaned_data[name]
        return initial

    def create_confirm_form(self, request, import_form=None):
        form = super().create_confirm_form(request, import_form)
        if import_form is not None:
            data = import_form.cleaned_data
            form.summary = _("载入 %(year)s 年的%(kind)s（%(provenance)s）") % {
                "year": data["year"],
                "kind": CatalogueKind(data["kind"]).label,
                "provenance": Provenance(data["provenance"]).label,
            }
        return form

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        cleaned = getattr(form, "cleaned_data", None) or {}
        return {
            "year": cleaned.get("year"),
            "kind": cleaned.get("kind", ""),
            "provenance": cleaned.get("provenance", ""),
        }


class YearFilter(admin.SimpleListFilter):
    title = _("年度")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).values_list("year_id", flat=True)
        return [(str(y), str(y)) for y in sorted(set(years), reverse=True)]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(year_id=int(value)) if value and value.isdigit() else queryset


@admin.register(Disclosure)
class DisclosureAdmin(GuardedImportMixin, admin.ModelAdmin):
    """Disclosures are read here and filled by import: a preparer imports the whole
    workbook (导入工作簿) or one table in its flat form (导入单表) into the department's
    editable draft; anyone who may read a version downloads any of its tables."""

    list_display = ("department_name", "year_label", "version", "status", "published_at")
    list_filter = ("status", YearFilter)
    search_fields = ("department__name", "department__code")
    readonly_fields = (
        "department_name",
        "year_label",
        "version",
        "status",
        "layout",
        "approved_on",
        "published_at",
        "correction_note",
        "source_name",
        "content_digest",
    )
    fields = readonly_fields
    import_formats = [DocumentUploadFormat]  # the flat form, or the published PDF
    import_form_class = TableImportForm
    confirm_form_class = TableConfirmForm
    import_export_change_list_template = "admin/disclosure/disclosure/change_list.html"
    change_form_template = "admin/disclosure/disclosure/change_form.html"

    @admin.display(description=_("部门"), ordering="department__code")
    def department_name(self, obj: Disclosure) -> str:
        return obj.department.name

    @admin.display(description=_("年度"), ordering="year")
    def year_label(self, obj: Disclosure) -> str:
        return f"{obj.year_id}"

    # ------------------------------------------------------------ who
    @staticmethod
    def may_view(request, obj=None) -> bool:
        if may_load_reference_data(request):
            # A reviewer reads what is published and the drafts of the regions they
            # review (disclosure.permissions); a superuser reads everything.
            return obj is None or request.user.is_superuser or _reviewer_reads(request, obj)
        department = preparer_department_id(request)
        return department is not None and (obj is None or obj.department_id == department)

    def has_module_permission(self, request) -> bool:
        return self.may_view(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.may_view(request, obj)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_import_permission(self, request) -> bool:
        return preparer_department_id(request) is not None

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("department", "year")
        if may_load_reference_data(request):
            if request.user.is_superuser:
                return qs
            return qs.filter(
                Q(status=Status.PUBLISHED) | Q(department__in=overseen_departments(request.user))
            )
        return qs.filter(department_id=preparer_department_id(request) or 0)

    # ------------------------------------------------------------ screens
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "workbook/",
                view(lambda request: workbook_upload(self, request)),
                name="disclosure_disclosure_workbook",
            ),
            path(
                "workbook/confirm/",
                view(lambda request: workbook_confirm(self, request)),
                name="disclosure_disclosure_workbook_confirm",
            ),
            path(
                "templates/<slug:layout>/<admintable:number>.<fileformat:fmt>",
                view(lambda request, **kw: blank_template_download(self, request, **kw)),
                name="disclosure_disclosure_blank_template",
            ),
            path(
                "<path:object_id>/tables/<admintable:number>.<fileformat:fmt>",
                view(lambda request, **kw: table_export(self, request, **kw)),
                name="disclosure_disclosure_table_export",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import_workbook": preparer_department_id(request) is not None,
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        disclosure = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if disclosure is not None and self.may_view(request, disclosure):
            importable = importable_drafts(request).filter(pk=disclosure.pk).exists()
            stored = {t.number: t for t in disclosure.tables.all()}
            extra["table_links"] = [
                _table_link(spec, stored.get(spec.number), importable)
                for spec in disclosure.layout_spec.tables
            ]
            extra["importable"] = importable
        return super().change_view(request, object_id, form_url, extra)

    # ------------------------------------------------------------ single-table import
    def get_import_resource_classes(self, request):
        layouts = set(importable_drafts(request).values_list("layout", flat=True))
        return table_resources(layouts or {DEFAULT_LAYOUT})

    def get_import_form_kwargs(self, request):
        return {**super().get_import_form_kwargs(request), "drafts": importable_drafts(request)}

    def get_import_form_initial(self, request):
        initial = {}
        wanted = id_param(request.GET.get("disclosure"))
        if wanted is not None:
            initial["disclosure"] = wanted
        table = request.GET.get("table", "")
        for index, resource in enumerate(self.get_import_resource_classes(request)):
            if resource.spec.number == table:
                initial["resource"] = str(index)
                break
        return initial

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {
            **super().get_confirm_form_kwargs(request, import_form),
            "versions": own_versions(request),
            "actor": request.user,
        }

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["disclosure"] = import_form.cleaned_data["disclosure"].pk
        return initial

    def create_confirm_form(self, request, import_form=None):
        form = super().create_confirm_form(request, import_form)
        if import_form is not None:
            resource = self.choose_import_resource_class(import_form, request)
            form.summary = _("导入到 %(disclosure)s：%(table)s") % {
                "disclosure": import_form.cleaned_data["disclosure"],
                "table": f"{resource.spec.label} {resource.spec.title}",
            }
        return form

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        cleaned = getattr(form, "cleaned_data", None) or {}
        return {"disclosure": cleaned.get("disclosure")}

    def get_import_context_data(self, **kwargs):
        layouts = [slug for slug, _name in layout_choices()]
        return {
            **super().get_import_context_data(**kwargs),
            "template_links": blank_template_links(layouts),
            "flat_import": True,
        }

    def import_success_url(self, request) -> str:
        wanted = request.POST.get("disclosure", "")
        if wanted.isdigit():
            return reverse(
                "admin:disclosure_disclosure_change",
                args=[wanted],
                current_app=self.admin_site.name,
            )
        return super().import_success_url(request)


def _reviewer_reads(request, obj: Disclosure) -> bool:
    return obj.is_published or can(request.user, "view_draft", obj)


def _table_link(spec, record, importable: bool) -> dict:
    """One line of the disclosure page's table list: state, unit, downloads, import."""
    state = getattr(record, "state", "not_provided")
    return {
        "label": spec.label,
        "title": spec.title,
        "number": spec.number,
        "state": TableState(state).label,
        "unit": getattr(record, "unit", ""),
        "statement": getattr(record, "statement", ""),
        "downloadable": state in {"provided", "empty"},
        "importable": importable and spec.is_amount_table,
    }


@admin.display(description=_("决算"), ordering="disclosure")
def disclosure_label(obj) -> str:
    return str(obj.disclosure) if obj.disclosure_id else "—"


@admin.display(description=_("操作人"), ordering="actor")
def actor_label(obj) -> str:
    return obj.actor.get_full_name() or obj.actor.get_username() if obj.actor_id else "—"


@admin.register(AuditEvent)
class AuditEventAdmin(ReviewerOnly, admin.ModelAdmin):
    list_display = (
        "created_at",
        disclosure_label,
        actor_label,
        "action",
        "from_status",
        "to_status",
    )
    list_filter = ("action",)
    fields = readonly_fields = (
        "created_at",
        disclosure_label,
        actor_label,
        "action",
        "from_status",
        "to_status",
        "comment",
        "details",
    )
    reviewer_may_edit = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.site_header = _("决算公开平台 管理")
admin.site.site_title = _("决算公开平台")
admin.site.index_title = _("管理首页")


# Regions, and departments as a regional administrator manages them.
from disclosure import admin_regions  # noqa: E402, F401
