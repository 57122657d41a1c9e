"""Queries per page and per API call stay the same whether 5 or 55 departments publish."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure.synthetic import generate

pytestmark = pytest.mark.django_db

FIRST = "syn1-0001"
# Each page and API address with the most queries it may take (measured, then rounded up).
MOST = {
    "/": 4,
    "/disclosures/?q=合成": 5,
    "/disclosures/?year=2022&page=1": 5,
    f"/disclosures/2022/{FIRST}/": 19,  # the at-a-glance summary reads its figures
    f"/disclosures/2022/{FIRST}/tables/05/": 13,
    f"/departments/{FIRST}/": 4,
    "/boards/2022/": 3,
    "/glossary/": 1,
    "/api/v1/": 1,
    "/api/v1/departments/": 4,
    f"/api/v1/departments/{FIRST}/": 3,
    "/api/v1/years/": 3,
    "/api/v1/years/2022/": 2,
    "/api/v1/disclosures/?year=2022": 3,
    f"/api/v1/disclosures/2022/{FIRST}/": 4,
    f"/api/v1/disclosures/2022/{FIRST}/tables/": 13,
    f"/api/v1/disclosures/2022/{FIRST}/tables/09/": 13,
    "/data/": 3,
}


@pytest.fixture(autouse=True)
def _rendered_every_time(settings):
    # Count what rendering costs: no stored page, no stored body fragment.
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def count(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_queries_per_page_do_not_grow_from_5_to_55_departments(
    client, django_assert_max_num_queries
):
    generate(departments=5, years=2, seed=1)
    before = {url: count(client, url) for url in MOST}
    generate(departments=50, years=2, seed=2)
    for url, most in MOST.items():
        cache.clear()
        with django_assert_max_num_queries(min(before[url], most)):
            assert client.get(url).status_code == 200, url
    page = client.get("/boards/2022/").content.decode()
    assert page.count('href="/disclosures/2022/syn') == 55  # the board lists all 55
