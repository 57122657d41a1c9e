"""Downloads of the stored PDFs. A PDF is built when a disclosure is published, never here."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils.translation import gettext as _

from disclosure import selectors
from disclosure.models import Disclosure
from disclosure.pdf import download_filename, pdf_exists, pdf_name


def _published(year: int, code: str) -> Disclosure:
    disclosure = selectors.published_disclosure(year=year, code=code)
    if disclosure is None:
        # The same answer as every public page: drafts and unknown codes look alike.
        raise Http404(_("没有找到这份已公开的决算。"))
    return disclosure


def _serve(disclosure: Disclosure, number: str | None = None) -> HttpResponse:
    if not pdf_exists(disclosure, number):
        return HttpResponseNotFound(
            _("这份决算的 PDF 尚未生成：公开后会在后台生成，请稍后再试。"),
            content_type="text/plain; charset=utf-8",
        )
    return FileResponse(
        default_storage.open(pdf_name(disclosure, number), "rb"),
        as_attachment=True,
        filename=download_filename(disclosure, number),
        content_type="application/pdf",
    )


def disclosure_pdf(request: HttpRequest, year: int, code: str) -> HttpResponse:
    return _serve(_published(year, code))


def table_pdf(request: HttpRequest, year: int, code: str, number: str) -> HttpResponse:
    disclosure = _published(year, code)
    if not disclosure.layout_spec.has_table(number):
        raise Http404(_("表式中没有这张表。"))
    return _serve(disclosure, number)
