from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from disclosure import selectors
from disclosure.models import Disclosure


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and benchmarks: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


def home(request: HttpRequest) -> HttpResponse:
    disclosures = (
        Disclosure.objects.current()
        .select_related("department", "year")
        .order_by("-year", "department__code")
    )
    return render(request, "disclosure/home.html", {"disclosures": disclosures})


def disclosure_list(request: HttpRequest) -> HttpResponse:
    return home(request)


def _published(year: int, code: str) -> Disclosure:
    disclosure = selectors.published_disclosure(year=year, code=code)
    if disclosure is None:
        raise Http404("没有找到这份已公开的决算。")
    return disclosure


def disclosure_detail(request: HttpRequest, year: int, code: str) -> HttpResponse:
    disclosure = _published(year, code)
    tables = selectors.disclosure_tables(disclosure)
    return render(
        request,
        "disclosure/detail.html",
        {"disclosure": disclosure, "tables": tables},
    )


def table_detail(request: HttpRequest, year: int, code: str, number: str) -> HttpResponse:
    disclosure = _published(year, code)
    if not disclosure.layout_spec.has_table(number):
        raise Http404("表式中没有这张表。")
    tables = [t for t in selectors.disclosure_tables(disclosure) if t.spec.number == number]
    return render(
        request,
        "disclosure/table.html",
        {"disclosure": disclosure, "table": tables[0]},
    )
