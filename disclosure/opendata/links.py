"""The stable addresses of a published disclosure in every format, for files and the API."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from disclosure.models import Disclosure


def _absolute(request: HttpRequest | None, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def _optional(name: str, *args) -> str | None:
    """An address another part of the portal may not offer (the PDFs): None then."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def disclosure_links(disclosure: Disclosure, request: HttpRequest | None = None) -> dict:
    args = (disclosure.year_id, disclosure.department.code)
    pdf = _optional("disclosure:pdf", *args)
    return {
        "html": _absolute(request, reverse("disclosure:detail", args=args)),
        "pdf": _absolute(request, pdf) if pdf else None,
        "xlsx": _absolute(request, reverse("opendata:disclosure_xlsx", args=args)),
        "json": _absolute(request, reverse("opendata:disclosure_json", args=args)),
        "api": _absolute(request, reverse("api:disclosure-detail", args=args)),
        "tables": _absolute(request, reverse("api:table-list", args=args)),
    }


def table_links(disclosure: Disclosure, number: str, request: HttpRequest | None = None) -> dict:
    args = (disclosure.year_id, disclosure.department.code, number)
    pdf = _optional("disclosure:table_pdf", *args)
    return {
        "html": _absolute(request, reverse("disclosure:table", args=args)),
        "pdf": _absolute(request, pdf) if pdf else None,
        "csv": _absolute(request, reverse("opendata:table_csv", args=args)),
        "xlsx": _absolute(request, reverse("opendata:table_xlsx", args=args)),
        "api": _absolute(request, reverse("api:table-detail", args=args)),
    }


def year_links(year: int, request: HttpRequest | None = None) -> dict:
    return {
        "api": _absolute(request, reverse("api:year-detail", args=(year,))),
        "disclosures": _absolute(request, f"{reverse('api:disclosure-list')}?year={year}"),
        "package": _absolute(request, reverse("opendata:year_package", args=(year,))),
        "datapackage": _absolute(request, reverse("opendata:year_datapackage", args=(year,))),
        "csv": _absolute(
            request, reverse("opendata:year_csv", args=(year, f"final-accounts-{year}"))
        ),
    }


def department_links(code: str, request: HttpRequest | None = None) -> dict:
    return {
        "api": _absolute(request, reverse("api:department-detail", args=(code,))),
        "disclosures": _absolute(request, f"{reverse('api:disclosure-list')}?department={code}"),
    }
