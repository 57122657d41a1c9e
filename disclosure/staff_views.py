"""Pages for department preparers and finance reviewers (the workspace).

Every view fetches the disclosure through `_disclosure_for`, which gives outsiders the same
404 as a missing page, and every change goes through one workflow service that checks the
permission again.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role
from disclosure import selectors, workflow
from disclosure.importing.errors import ImportRejected
from disclosure.importing.services import workbook_import, year_refusal
from disclosure.importing.sources import PDF_MAGIC
from disclosure.layouts.sections import shown_narratives
from disclosure.models import AuditEvent, Disclosure, Finding, PdfBuild
from disclosure.models.statements import NARRATIVE_MAX_CHARS, Status
from disclosure.params import id_param, year_param
from disclosure.pdf import disclosure_pdf_rebuild
from disclosure.permissions import (
    allowed_actions,
    can,
    decides_for,
    overseen_departments,
    overseen_disclosures,
    reads_queues,
)
from disclosure.previews import held_import, held_preview
from disclosure.textmarks import HEADING, SUBHEADING, locate
from disclosure.uploads import UploadExpired

NOT_FOUND = "没有找到这份决算。"


def _disclosure_for(user, year: int, code: str, version: int) -> Disclosure:
    disclosure = (
        Disclosure.objects.select_related("department", "department__parent", "year")
        .filter(year_id=year, department__code=code, version=version)
        .first()
    )
    if disclosure is None or not can(user, "view_draft", disclosure):
        raise Http404(NOT_FOUND)
    return disclosure


def _staff_only(user) -> None:
    if not (reads_queues(user) or user.department_id):
        raise Http404(NOT_FOUND)


class UploadForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    file = forms.FileField(
        label=gettext_lazy("决算公开表文件（XLSX、CSV、制表符分隔的文本或公开的 PDF）")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.PORTAL_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("文件超过 %(mb)s MB 的上限。") % {"mb": settings.PORTAL_MAX_UPLOAD_BYTES // 2**20}
            )
        return upload


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("退回意见"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ApproveForm(forms.Form):
    approved_on = forms.DateField(
        label=gettext_lazy("批复日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    comment = forms.CharField(
        label=gettext_lazy("批复意见（可选）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CorrectForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("更正说明"), widget=forms.Textarea(attrs={"rows": 4}))


class NarrativeForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    heading = forms.CharField(label=gettext_lazy("标题"), max_length=200, required=False)
    body = forms.CharField(
        label=gettext_lazy("正文（纯文本或 Markdown）"),
        required=False,
        max_length=NARRATIVE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


NarrativeFormSet = forms.formset_factory(NarrativeForm, extra=1, can_delete=True)


# ------------------------------------------------------------------ dashboard
@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    user = request.user
    _staff_only(user)
    today = timezone.localdate()
    context: dict = {
        "today": today,
        # After a failed upload the form keeps the year the preparer chose.
        "upload_form": UploadForm(
            initial={"year": request.session.pop("upload_year", None) or today.year - 1}
        ),
        "import_problems": request.session.pop("import_problems", []),
    }
    if reads_queues(user):
        # Reviewers see their own region's departments; oversight its region and below.
        year = year_param(request.GET.get("year")) or today.year - 1
        latest = (
            overseen_disclosures(user)
            .latest_versions()
            .select_related("department", "department__region", "year")
        )
        approved = [
            (d, workflow.publication_deadline(d))
            for d in latest.filter(status=Status.APPROVED).order_by("approved_on")
        ]
        context.update(
            {
                "year": year,
                "queue": latest.filter(status=Status.SUBMITTED).order_by("updated_at"),
                "overdue": [(d, dl) for d, dl in approved if dl and dl < today],
                "due_soon": [
                    (d, dl) for d, dl in approved if dl and today <= dl <= today + timedelta(5)
                ],
                "approved": approved,
                "missing": overseen_departments(user)
                .exclude(disclosures__year_id=year)
                .select_related("region")
                .order_by("code"),
                "events": AuditEvent.objects.filter(
                    disclosure__department__in=overseen_departments(user)
                ).select_related("disclosure__department", "actor")[:20],
                "failed_pdfs": PdfBuild.objects.failed()
                .filter(disclosure__department__in=overseen_departments(user))
                .select_related("disclosure__department"),
            }
        )
    if user.department_id:
        mine = list(
            Disclosure.objects.filter(department_id=user.department_id)
            .select_related("department", "year")
            .order_by("-year_id", "-version")
        )
        reasons = selectors.return_reasons(mine)
        for d in mine:
            d.return_event = reasons.get(d.pk)
        context["mine"] = mine
    return render(request, "workspace/home.html", context)


def _preparer(request: HttpRequest):
    user = request.user
    if not user.department_id or user.role != Role.PREPARER:
        raise Http404(NOT_FOUND)
    return user


def _refused(request: HttpRequest, exc: ImportRejected) -> HttpResponse:
    """A refused file: its problems on the upload form, the form keeping the year."""
    request.session["import_problems"] = [str(p) for p in exc.problems[:50]]
    messages.error(request, _("文件未导入，数据库未作任何改动。问题如下："))
    return redirect("workspace:home")


def _imported(request: HttpRequest, result) -> HttpResponse:
    request.session.pop("upload_year", None)
    messages.success(request, result.summary())
    d = result.disclosure
    return redirect("workspace:disclosure", d.year_id, d.department.code, d.version)


@login_required
@require_POST
def workspace_upload(request: HttpRequest) -> HttpResponse:
    """A workbook or text file is imported at once; a PDF is read, not typed, so it is
    previewed first (its tables beside the page regions they were read from) and kept
    under a token until the preparer confirms (`workspace_upload_confirm`)."""
    user = _preparer(request)
    form = UploadForm(request.POST, request.FILES)
    year_text = request.POST.get("year", "")
    if year_text.isdigit():
        request.session["upload_year"] = int(year_text)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("workspace:home")
    year = form.cleaned_data["year"]
    refusal = year_refusal(user, user.department, year)
    if refusal:
        messages.error(request, refusal)
        return redirect("workspace:home")
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        if data.lstrip()[:4] == PDF_MAGIC:
            preview, token = held_preview(
                data=data,
                department=user.department,
                year=year,
                user=user,
                filename=upload.name,
                layout=None,  # a published PDF's layout is found from its tables' titles
            )
            return render(
                request,
                "workspace/import_preview.html",
                {"preview": preview, "token": token, "filename": upload.name, "year": year},
            )
        result = workbook_import(
            actor=user,
            data=data,
            filename=upload.name,
            department_code=user.department.code,
            year=year,
        )
    except ImportRejected as exc:
        return _refused(request, exc)
    return _imported(request, result)


@login_required
@require_POST
def workspace_upload_confirm(request: HttpRequest) -> HttpResponse:
    """Import the PDF the preparer previewed: the held bytes, read again, through the one
    import service, which asks the permission again."""
    user = _preparer(request)
    try:
        result = held_import(token=request.POST.get("token", ""), user=user)
    except (UploadExpired, PermissionDenied):
        messages.error(request, _("上传的文件已过期或已导入，请重新上传。"))
        return redirect("workspace:home")
    except ImportRejected as exc:
        return _refused(request, exc)
    return _imported(request, result)


# ------------------------------------------------------------------ one disclosure
@login_required
def workspace_disclosure(request: HttpRequest, year: int, code: str, version: int) -> HttpResponse:
    disclosure = _disclosure_for(request.user, year, code, version)
    actions = allowed_actions(request.user, disclosure)
    if request.method == "POST":
        return _explain_finding(request, disclosure, actions)
    tables = selectors.disclosure_tables(disclosure)
    previous = (
        Disclosure.objects.current()
        .filter(department=disclosure.department, year_id=year - 1)
        .first()
    )
    figures = selectors.figure_values([d for d in (disclosure, previous) if d])
    comparison = [
        {
            "figure": f,
            "value": figures[disclosure.pk].get(key),
            "previous": figures[previous.pk].get(key) if previous else None,
        }
        for key, f in disclosure.layout_spec.figures.items()
    ]
    report = _check_report(disclosure)
    narratives = list(disclosure.narratives.all())
    return render(
        request,
        "workspace/disclosure.html",
        {
            "disclosure": disclosure,
            "tables": tables,
            "actions": actions,
            "can_explain": "edit_narrative" in actions,
            "deadline": workflow.publication_deadline(disclosure),
            "today": timezone.localdate(),
            "previous": previous,
            "comparison": comparison,
            "events": disclosure.events.select_related("actor"),
            "report": report,
            "explanations": shown_narratives(
                disclosure.layout_spec, [n for n in narratives if not n.table_number]
            ),
            "text_marks": locate(
                shown_narratives(disclosure.layout_spec, narratives), report.findings
            ),
            "return_event": selectors.return_reasons([disclosure]).get(disclosure.pk),
            "highlights": _highlights(disclosure),
            "return_form": ReturnForm(),
            "approve_form": ApproveForm(initial={"approved_on": timezone.localdate()}),
            "correct_form": CorrectForm(),
            "blockers": workflow.submission_blockers(disclosure) if "submit" in actions else [],
            "pdf_build": PdfBuild.objects.filter(disclosure=disclosure).first(),
            "may_rebuild_pdf": decides_for(request.user, disclosure.department)
            and disclosure.is_published,
        },
    )


def _explain_finding(request: HttpRequest, disclosure: Disclosure, actions: set[str]):
    """A preparer's reason why a warning is not an error of the document."""
    from disclosure.checks.services import finding_explain

    if "edit_narrative" not in actions:
        raise Http404(NOT_FOUND)
    finding = Finding.objects.filter(
        disclosure=disclosure, pk=id_param(request.POST.get("finding")) or 0
    ).first()
    if finding is None:
        raise Http404(NOT_FOUND)
    try:
        finding_explain(finding=finding, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("理由已记录。"))
    d = disclosure
    # Back to the same finding, not the top of a long page.
    url = reverse("workspace:disclosure", args=[d.year_id, d.department.code, d.version])
    return redirect(f"{url}#finding-{finding.pk}")


def _check_report(disclosure: Disclosure):
    from disclosure.checks.selectors import check_report

    return check_report(disclosure)


def _highlights(disclosure: Disclosure) -> dict:
    from disclosure.checks.selectors import finding_cells

    return finding_cells(disclosure)


CONFIRMATIONS = {
    # action: (title, what happens, the final button)
    "submit": (
        gettext_lazy("报送财政局审核"),
        gettext_lazy(
            "报送后，这一版本交财政局审核，在审核结果出来之前不能再上传文件或修改说明。"
            "财政局可能退回修改，也可能批复。"
        ),
        gettext_lazy("确认报送"),
    ),
    "approve": (
        gettext_lazy("批复这份决算"),
        gettext_lazy(
            "批复后，部门不能再修改这一版本；批复日期起算公开期限。批复不会公开任何内容，"
            "公开是下一步单独的操作。"
        ),
        gettext_lazy("确认批复"),
    ),
    "publish": (
        gettext_lazy("向社会公开"),
        gettext_lazy(
            "公开后，下列内容立即出现在公开网站上，任何人都能查看和下载（网页、PDF、开放数据）。"
            "公开不能撤销：已公开的版本永远不会被修改，如有错误只能发起更正，生成新版本并"
            "附更正说明，旧版本仍可查看。"
        ),
        gettext_lazy("确认公开（不可撤销）"),
    ),
}


def _confirmation(request: HttpRequest, disclosure: Disclosure, action: str, data: dict):
    """The page that states what an action will do before it is done (nothing changes yet)."""
    from disclosure.glance import disclosure_glance

    title, consequence, button = CONFIRMATIONS[action]
    context = {
        "disclosure": disclosure,
        "action": action,
        "title": title,
        "consequence": consequence,
        "button": button,
        "fields": {k: ("" if v is None else str(v)) for k, v in data.items()},
        "report": _check_report(disclosure),
    }
    if action == "publish":
        context["tables"] = selectors.disclosure_tables(disclosure)
        context["explanations"] = shown_narratives(
            disclosure.layout_spec, disclosure.narratives.filter(table_number="")
        )
        context["glance"] = disclosure_glance(disclosure, report=context["report"])
    return render(request, "workspace/confirm.html", context)


def _transition(
    request: HttpRequest,
    year: int,
    code: str,
    version: int,
    *,
    service,
    form_class=None,
    invalid: str = "",
    done,
    confirm: str = "",
) -> HttpResponse:
    """Run one workflow service on a POST: validate its form, call it, say what happened and
    go back to the disclosure (the new version's page after a correction). With `confirm`,
    a POST without `confirmed=1` only shows what the action will do and asks again."""
    disclosure = _disclosure_for(request.user, year, code, version)
    kwargs = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, invalid)
            return redirect("workspace:disclosure", year, code, version)
        kwargs = form.cleaned_data
    if (
        confirm
        and request.POST.get("confirmed") != "1"
        and confirm in allowed_actions(request.user, disclosure)
    ):
        return _confirmation(request, disclosure, confirm, kwargs)
    try:
        result = service(disclosure=disclosure, user=request.user, **kwargs)
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("workspace:disclosure", year, code, version)
    messages.success(request, done(result))
    return redirect("workspace:disclosure", year, code, result.version)


@login_required
@require_POST
def workspace_submit(request, year: int, code: str, version: int):
    return _transition(
        request,
        year,
        code,
        version,
        service=workflow.disclosure_submit,
        confirm="submit",
        done=lambda d: _("已报送财政局审核。"),
    )


@login_required
@require_POST
def workspace_return(request, year: int, code: str, version: int):
    return _transition(
        request,
        year,
        code,
        version,
        service=workflow.disclosure_return,
        form_class=ReturnForm,
        invalid=_("退回时必须写明意见，部门才知道要改什么。"),
        done=lambda d: _("已退回部门修改。"),
    )


@login_required
@require_POST
def workspace_approve(request, year: int, code: str, version: int):
    return _transition(
        request,
        year,
        code,
        version,
        service=workflow.disclosure_approve,
        confirm="approve",
        form_class=ApproveForm,
        invalid=_("请填写有效的批复日期。"),
        done=lambda d: (
            _("已批复。请在 %(date)s 前公开。")
            % {"date": workflow.publication_deadline(d).isoformat()}
        ),
    )


@login_required
@require_POST
def workspace_publish(request, year: int, code: str, version: int):
    return _transition(
        request,
        year,
        code,
        version,
        service=workflow.disclosure_publish,
        confirm="publish",
        done=lambda d: _("已公开。PDF 正在后台生成。"),
    )


@login_required
@require_POST
def workspace_correct(request, year: int, code: str, version: int):
    return _transition(
        request,
        year,
        code,
        version,
        service=workflow.disclosure_correct,
        form_class=CorrectForm,
        invalid=_("请写明更正说明：改了什么，为什么改。"),
        done=lambda d: _("已生成更正版草稿（第 %(v)s 版）。") % {"v": d.version},
    )


@login_required
@require_POST
def workspace_pdf_rebuild(request, year: int, code: str, version: int):
    disclosure = _disclosure_for(request.user, year, code, version)
    if not decides_for(request.user, disclosure.department):
        raise Http404(NOT_FOUND)
    try:
        disclosure_pdf_rebuild(disclosure=disclosure, user=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已重新安排生成 PDF。"))
    return redirect("workspace:disclosure", year, code, version)


@login_required
def workspace_narratives(request, year: int, code: str, version: int):
    disclosure = _disclosure_for(request.user, year, code, version)
    if not can(request.user, "edit_narrative", disclosure):
        messages.error(request, _("这份决算现在不能修改说明。"))
        return redirect("workspace:disclosure", year, code, version)
    # The source document's cover and 目录 (sections not shown) are not the department's to edit.
    sections = shown_narratives(
        disclosure.layout_spec, disclosure.narratives.filter(table_number="")
    )
    if request.method == "POST":
        formset = NarrativeFormSet(request.POST)
        if formset.is_valid():
            items = [
                {**f.cleaned_data, "delete": f.cleaned_data.get("DELETE", False)}
                for f in formset.forms
                if f.cleaned_data and (f.cleaned_data.get("heading") or f.cleaned_data.get("id"))
            ]
            try:
                workflow.narrative_save(disclosure=disclosure, user=request.user, sections=items)
            except workflow.WorkflowError as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("说明已保存。"))
                return redirect("workspace:disclosure", year, code, version)
    else:
        formset = NarrativeFormSet(
            initial=[{"id": s.pk, "heading": s.heading, "body": s.body} for s in sections]
        )
    found = _sentences_found(disclosure)
    for form in formset.forms:
        form.text_notes = found.get(form.initial.get("id"), [])
    return render(
        request, "workspace/narratives.html", {"disclosure": disclosure, "formset": formset}
    )


def _sentences_found(disclosure: Disclosure) -> dict[int, list[dict]]:
    """For each text being edited, the sentences the latest check's findings are about, and
    the words of its heading or subheading they are about (named so)."""
    sections = shown_narratives(
        disclosure.layout_spec, disclosure.narratives.filter(table_number="")
    )
    marks = locate(sections, _check_report(disclosure).findings)
    named = {HEADING: _("标题"), SUBHEADING: _("小标题")}
    return {
        n.pk: [
            {
                "part": named.get(m.part, ""),
                "sentence": getattr(n, m.part)[m.start : m.end],
                "severity": m.severity,
                "findings": m.findings,
            }
            for m in marks[n.pk]
        ]
        for n in sections
        if n.pk in marks
    }
