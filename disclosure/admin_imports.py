"""The admin's import screens: upload → preview → confirm, nothing half-written.

Two kinds of screen share the limits of `importing.sources` (size, content sniffing, zip
bombs, macros, rows) and keep the uploaded file between preview and confirmation in the
uploading user's own directory under an unguessable token (`uploads`):

- django-import-export screens (`GuardedImportMixin`): departments and classification
  catalogues for reviewers, and a single table in its flat form (resources generated from
  the layout, `resources.tables.table_resource`) for a department's preparer;
- the workbook screen (`workbook_upload`, `workbook_confirm`): a department's whole
  workbook in the published layout, previewed by importing and checking inside a
  transaction that is rolled back (`previews.workbook_import_preview`), then imported
  for real into the department's editable draft.

Who may do what is decided by role (`permissions`), as on the staff pages.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportMixin
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.results import RowResult

from accounts.models import Role
from disclosure.importing.errors import ImportRejected
from disclosure.importing.flat import blank_template
from disclosure.importing.services import import_refusal, year_refusal
from disclosure.importing.sources import check_size
from disclosure.layouts import DEFAULT_LAYOUT, LayoutError, get_layout, layout_choices
from disclosure.models import Disclosure
from disclosure.models.classification import CatalogueKind, Provenance
from disclosure.models.statements import Status
from disclosure.opendata.formats import flat_workbook
from disclosure.opendata.tabular import flat_table, table_csv
from disclosure.opendata.workbook import disclosure_workbook
from disclosure.permissions import is_reviewer
from disclosure.previews import held_import, held_preview
from disclosure.resources.base import UploadFormat
from disclosure.selectors import disclosure_tables
from disclosure.uploads import (
    UploadExpired,
    UserUploadStorage,
    upload_owner,
    upload_remove,
)

MAX_PROBLEMS_SHOWN = 50


# ---------------------------------------------------------------- who
def may_load_reference_data(request: HttpRequest) -> bool:
    """Catalogues and departments: finance reviewers and administrators."""
    user = request.user
    return user.is_active and user.is_staff and (user.is_superuser or is_reviewer(user))


def preparer_department_id(request: HttpRequest) -> int | None:
    """The department a signed-in preparer works for (None for anyone else)."""
    user = request.user
    if user.is_active and user.is_staff and user.role == Role.PREPARER and user.department_id:
        return user.department_id
    return None


def own_versions(request: HttpRequest):
    """Every version of the signed-in preparer's department (none for anyone else)."""
    department = preparer_department_id(request)
    if department is None:
        return Disclosure.objects.none()
    return Disclosure.objects.filter(department_id=department)


def importable_drafts(request: HttpRequest):
    """The versions this user may import into: their department's latest version of a year,
    while it is a draft or has been returned."""
    department = preparer_department_id(request)
    if department is None:
        return Disclosure.objects.none()
    return (
        Disclosure.objects.latest_versions()
        .filter(department_id=department, status__in=[Status.DRAFT, Status.RETURNED])
        .select_related("department", "year")
        .order_by("-year_id")
    )


# ---------------------------------------------------------------- forms
def _size_limited(upload):
    try:
        check_size(upload.size)
    except ImportRejected as exc:
        raise forms.ValidationError(str(exc.problems[0])) from None
    return upload


class UploadImportForm(ImportForm):
    """django-import-export's upload form; the file's size is refused before it is read."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["import_file"].label = _("文件")
        self.fields["import_file"].help_text = _(
            "XLSX、CSV 或文本文件，按内容识别格式（不看扩展名），不超过 %(mb)s MB。"
        ) % {"mb": settings.PORTAL_MAX_UPLOAD_BYTES // 2**20}
        self.fields["format"].label = _("格式")
        self.fields["resource"].label = _("表")

    def clean_import_file(self):
        return _size_limited(self.cleaned_data["import_file"])


class CatalogueImportForm(UploadImportForm):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=gettext_lazy("分类"), choices=CatalogueKind.choices)
    provenance = forms.ChoiceField(
        label=gettext_lazy("来源性质"), choices=Provenance.choices, initial=Provenance.OFFICIAL
    )
    field_order = ["year", "kind", "provenance", "import_file", "format", "resource"]


class CatalogueConfirmForm(ConfirmImportForm):
    year = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=CatalogueKind.choices, widget=forms.HiddenInput)
    provenance = forms.ChoiceField(choices=Provenance.choices, widget=forms.HiddenInput)


class TableImportForm(UploadImportForm):
    disclosure = forms.ModelChoiceField(
        label=gettext_lazy("导入到"),
        queryset=Disclosure.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("只能导入本部门尚未报送（草稿或已退回）的最新版本。"),
    )
    field_order = ["disclosure", "resource", "import_file", "format"]

    def __init__(self, formats, resources, drafts=None, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.resource_classes = resources
        self.fields["import_file"].help_text = _(
            "单表格式的 XLSX、CSV 或文本文件，或部门公开的文字版 PDF（从中按表名找出所选的表，"
            "其他表不读）。按内容识别格式（不看扩展名），不超过 %(mb)s MB。"
        ) % {"mb": settings.PORTAL_MAX_UPLOAD_BYTES // 2**20}
        self.fields["disclosure"].queryset = (
            drafts if drafts is not None else Disclosure.objects.none()
        )
        if drafts is not None and not drafts.exists():
            self.fields["disclosure"].help_text = _(
                "本部门现在没有可以导入的草稿：先在“导入工作簿”导入整份决算，或在工作台发起更正。"
            )

    def clean(self):
        cleaned = super().clean()
        disclosure = cleaned.get("disclosure")
        index = cleaned.get("resource")
        if disclosure is not None and index not in (None, ""):
            resource = self.resource_classes[int(index)]
            if resource.layout_slug != disclosure.layout:
                raise forms.ValidationError(
                    _("所选的表属于另一种表式：请选择“%(layout)s”中的表。")
                    % {"layout": disclosure.layout_spec.name}
                )
        return cleaned


class TableConfirmForm(ConfirmImportForm):
    """The confirmation of a previewed table. The version may have been submitted since the
    preview: then the one refusal of the import service is shown."""

    disclosure = forms.ModelChoiceField(
        queryset=Disclosure.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args, versions=None, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["disclosure"].queryset = (
            versions if versions is not None else Disclosure.objects.none()
        )

    def clean_disclosure(self):
        disclosure = self.cleaned_data["disclosure"]
        refusal = import_refusal(self.actor, disclosure)
        if refusal:
            raise forms.ValidationError(refusal)
        return disclosure


# ---------------------------------------------------------------- django-import-export
# Files django-import-export stored during this request (to remove them when there is
# nothing to confirm).
_stored_now: ContextVar[list[str] | None] = ContextVar("stored_now", default=None)


@contextlib.contextmanager
def _owned_by(request: HttpRequest):
    owner = upload_owner.set(request.user.pk)
    stored = _stored_now.set([])
    try:
        yield
    finally:
        _stored_now.reset(stored)
        upload_owner.reset(owner)


class GuardedImportMixin(ImportMixin):
    """django-import-export's import, with the portal's limits and storage.

    One import format that recognises XLSX, CSV and text by content; the upload kept in
    the user's own directory; problems listed in Chinese; the confirmed import rolled back
    entirely if any row fails (django-import-export would otherwise keep the valid rows)."""

    import_formats = [UploadFormat]
    tmp_storage_class = UserUploadStorage
    import_template_name = "admin/disclosure/import.html"
    import_form_class = UploadImportForm
    import_error_display = ("message",)
    skip_admin_log = True  # every import writes its own record (AuditEvent or LogEntry)

    def import_action(self, request, **kwargs):
        with _owned_by(request):
            response = super().import_action(request, **kwargs)
            context = getattr(response, "context_data", None) or {}
            if not context.get("confirm_form"):
                # Nothing to confirm (a refused file): the file is not kept.
                for token in _stored_now.get() or []:
                    upload_remove(user_id=request.user.pk, token=token)
            return response

    def write_to_tmp_storage(self, import_file, input_format):
        storage = super().write_to_tmp_storage(import_file, input_format)
        stored = _stored_now.get()
        if stored is not None:
            stored.append(storage.name)
        return storage

    def process_import(self, request, **kwargs):
        with _owned_by(request):
            try:
                return super().process_import(request, **kwargs)
            except UploadExpired:
                messages.error(request, _("上传的文件已过期或已导入，请重新上传。"))
                return redirect(self._import_url())

    def _import_url(self) -> str:
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_import"
        return reverse(name, current_app=self.admin_site.name)

    def get_tmp_storage_class_kwargs(self):
        return {"owner": upload_owner.get()}

    def get_import_data_kwargs(self, **kwargs):
        imp_kwargs = super().get_import_data_kwargs(**kwargs)
        imp_kwargs.pop("request", None)
        imp_kwargs["rollback_on_validation_errors"] = True
        return imp_kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportRejected):
            for problem in e.problems[:MAX_PROBLEMS_SHOWN]:
                form.add_error("import_file", str(problem))
            return
        super().add_data_read_fail_error_to_form(form, e)

    def get_import_context_data(self, **kwargs):
        return {"max_upload_mb": settings.PORTAL_MAX_UPLOAD_BYTES // 2**20}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request, _("导入失败，数据库未作任何改动。请重新上传并查看预览中的问题。")
            )
            return redirect(self._import_url())
        self.add_success_message(result, request)
        return HttpResponseRedirect(self.import_success_url(request))

    def import_success_url(self, request) -> str:
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"
        return reverse(name, current_app=self.admin_site.name)

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            _(
                "导入完成：新增 %(new)s 行，修改 %(update)s 行，"
                "删除 %(delete)s 行，未变 %(skip)s 行。"
            )
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "update": totals[RowResult.IMPORT_TYPE_UPDATE],
                "delete": totals[RowResult.IMPORT_TYPE_DELETE],
                "skip": totals[RowResult.IMPORT_TYPE_SKIP],
            },
        )


# ---------------------------------------------------------------- the workbook screen
class WorkbookForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    layout = forms.ChoiceField(label=gettext_lazy("表式"), choices=layout_choices)
    file = forms.FileField(label=gettext_lazy("决算公开表文件"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["layout"].initial = DEFAULT_LAYOUT
        self.fields["file"].help_text = _(
            "按公开表式排版的整份决算：XLSX 工作簿、CSV、从公开文件复制出的制表符分隔文本，"
            "或部门导出的文字版 PDF（预览时每张表旁附上原件的页面区域）。"
            "按内容识别格式（不看扩展名），不超过 %(mb)s MB；含宏的工作簿不被接受。"
        ) % {"mb": settings.PORTAL_MAX_UPLOAD_BYTES // 2**20}

    def clean_file(self):
        return _size_limited(self.cleaned_data["file"])


def _context(admin, request: HttpRequest, title: str, **extra) -> dict:
    return {
        **admin.admin_site.each_context(request),
        "opts": admin.opts,
        "title": title,
        **extra,
    }


def _problems(exc: ImportRejected) -> list[str]:
    """The problems of a refused file, the first MAX_PROBLEMS_SHOWN of them."""
    problems = [str(p) for p in exc.problems[:MAX_PROBLEMS_SHOWN]]
    if len(exc.problems) > MAX_PROBLEMS_SHOWN:
        problems.append(
            _("……另有 %(n)s 个问题未列出。") % {"n": len(exc.problems) - MAX_PROBLEMS_SHOWN}
        )
    return problems


def workbook_upload(admin, request: HttpRequest) -> HttpResponse:
    """Upload (GET: the form) and preview (POST): nothing is saved but the file itself."""
    department_id = preparer_department_id(request)
    if department_id is None:
        raise PermissionDenied
    department = request.user.department
    form = WorkbookForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        year, layout = form.cleaned_data["year"], form.cleaned_data["layout"]
        upload = form.cleaned_data["file"]
        refusal = year_refusal(request.user, department, year)
        if refusal:
            problems = [refusal]
        else:
            try:
                preview, token = held_preview(
                    data=upload.read(),
                    department=department,
                    year=year,
                    layout=layout,
                    filename=upload.name,
                    user=request.user,
                )
            except ImportRejected as exc:
                problems = _problems(exc)
            else:
                return TemplateResponse(
                    request,
                    "admin/disclosure/workbook_preview.html",
                    _context(
                        admin,
                        request,
                        _("预览：%(title)s") % {"title": preview.title},
                        preview=preview,
                        token=token,
                        filename=upload.name,
                        department=department,
                    ),
                )
    return TemplateResponse(
        request,
        "admin/disclosure/workbook_form.html",
        _context(
            admin,
            request,
            _("导入工作簿"),
            form=form,
            problems=problems,
            department=department,
            max_upload_mb=settings.PORTAL_MAX_UPLOAD_BYTES // 2**20,
        ),
    )


def workbook_confirm(admin, request: HttpRequest) -> HttpResponse:
    """Import the previewed file for real, into the department's editable draft."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    department_id = preparer_department_id(request)
    if department_id is None:
        raise PermissionDenied
    form_url = reverse("admin:disclosure_disclosure_workbook", current_app=admin.admin_site.name)
    try:
        result = held_import(token=request.POST.get("token", ""), user=request.user)
    except UploadExpired:
        messages.error(request, _("上传的文件已过期或已导入，请重新上传。"))
        return redirect(form_url)
    except ImportRejected as exc:
        messages.error(request, _("文件未导入，数据库未作任何改动：%(why)s") % {"why": exc})
        return redirect(form_url)
    messages.success(request, result.summary())
    return redirect(
        reverse(
            "admin:disclosure_disclosure_change",
            args=[result.disclosure.pk],
            current_app=admin.admin_site.name,
        )
    )


# ---------------------------------------------------------------- exports and templates
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def _download(data: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CSV_TYPE if fmt == "csv" else XLSX_TYPE)
    response.headers["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    return response


def table_export(admin, request: HttpRequest, object_id: str, number: str, fmt: str):
    """One table of a disclosure the user may see, flat: CSV (the open-data CSV: BOM,
    formula guard) or XLSX (numbers as numbers, `#,##0.00`). Text tables (公开10–12)
    come as their CSV or their sheet of the published-layout workbook."""
    disclosure = admin.get_object(request, object_id)
    if disclosure is None or not admin.has_view_permission(request, disclosure):
        raise Http404(_("没有找到这份决算。"))
    layout = disclosure.layout_spec
    if not layout.has_table(number):
        raise Http404(_("表式中没有这张表。"))
    spec = layout.table(number)
    view = next(v for v in disclosure_tables(disclosure) if v.number == number)
    if view.state in {"not_provided", "exempt"}:
        raise Http404(_("本表未提供。"))
    stem = f"{disclosure.department.name}{disclosure.year_id}年度第{disclosure.version}版-"
    stem += f"{spec.label}{spec.title}"
    if fmt == "csv":
        return _download(table_csv(view), fmt, stem)
    if spec.is_amount_table:
        with translation.override("zh-hans"):
            rows = flat_table(view, number=lambda value, count: (value, count), text=str)
        return _download(flat_workbook(rows, title=spec.label), fmt, stem)
    return _download(disclosure_workbook(disclosure, numbers=[number]), fmt, stem)


def blank_template_download(admin, request: HttpRequest, layout: str, number: str, fmt: str):
    """The flat form of one table with nothing filled in, to fill and import."""
    if not (may_load_reference_data(request) or preparer_department_id(request)):
        raise PermissionDenied
    try:
        spec = get_layout(layout).table(number)
    except (LayoutError, KeyError):
        raise Http404(_("表式中没有这张表。")) from None
    if not spec.is_amount_table:
        raise Http404(_("这张表是文字表，没有单表模板。"))
    return _download(blank_template(spec, fmt), fmt, f"{spec.label}{spec.title}-空白模板")


def blank_template_links(layout_slugs) -> list[dict]:
    """For the import page: each amount table of these layouts with its template links."""
    links = []
    for slug in sorted(set(layout_slugs)):
        layout = get_layout(slug)
        for spec in layout.tables:
            if not spec.is_amount_table:
                continue
            links.append(
                {
                    "layout": layout.name,
                    "label": spec.label,
                    "title": spec.title,
                    "csv": reverse(
                        "admin:disclosure_disclosure_blank_template",
                        args=[slug, spec.number, "csv"],
                    ),
                    "xlsx": reverse(
                        "admin:disclosure_disclosure_blank_template",
                        args=[slug, spec.number, "xlsx"],
                    ),
                }
            )
    return links
