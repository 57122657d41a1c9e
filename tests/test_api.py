"""The read-only API: published disclosures only, filtered, paginated, open to other sites,
rate limited, and described by an OpenAPI schema its responses match."""

import jsonschema
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from tests.helpers import import_file

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The throttle counts requests in the cache; each test starts with a clean count.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def other_draft(seed_bytes):
    """Another department's disclosure, imported but not published."""
    return import_file(
        data=seed_bytes, department_code="draft-dept", department_name="草稿局", year=2021
    ).disclosure


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get(reverse("api:schema"))
    assert response.status_code == 200
    return response.json()


def test_the_addresses_are_versioned_and_stable():
    assert reverse("api:disclosure-detail", args=(2021, "yuxi-xinfang")) == (
        "/api/v1/disclosures/2021/yuxi-xinfang/"
    )
    assert reverse("api:table-detail", args=(2021, "yuxi-xinfang", "02")) == (
        "/api/v1/disclosures/2021/yuxi-xinfang/tables/02/"
    )


def test_lists_show_published_disclosures_only(client, seed_disclosure, other_draft):
    disclosures = client.get(f"{API}/disclosures/").json()
    assert disclosures["count"] == 1
    assert disclosures["results"][0]["department"]["code"] == "yuxi-xinfang"
    departments = client.get(f"{API}/departments/").json()
    assert [d["code"] for d in departments["results"]] == ["yuxi-xinfang"]
    years = client.get(f"{API}/years/").json()
    assert years["results"][0]["year"] == 2021
    assert years["results"][0]["departments"] == 1
    assert client.get(f"{API}/disclosures/2021/draft-dept/").status_code == 404
    assert client.get(f"{API}/disclosures/2021/draft-dept/tables/").status_code == 404
    assert client.get(f"{API}/departments/draft-dept/").status_code == 404


def test_a_draft_appears_nowhere_in_the_api(client, seed_draft):
    for path in ("/disclosures/", "/departments/", "/years/", "/departments/?year=2021"):
        response = client.get(API + path)
        assert response.status_code == 200
        assert response.json()["count"] == 0, path
    for path in (
        "/disclosures/2021/yuxi-xinfang/",
        "/disclosures/2021/yuxi-xinfang/tables/",
        "/disclosures/2021/yuxi-xinfang/tables/02/",
        "/departments/yuxi-xinfang/",
        "/years/2021/",
    ):
        assert client.get(API + path).status_code == 404, path


def test_filters_by_year_and_department(client, seed_disclosure):
    def count(query: str) -> int:
        return client.get(f"{API}/disclosures/?{query}").json()["count"]

    assert count("year=2021") == 1
    assert count("year=2020") == 0
    assert count("department=yuxi-xinfang") == 1
    assert count("department=yuxi-xinfang&year=2021") == 1
    assert count("department=nobody") == 0
    assert client.get(f"{API}/disclosures/?year=soon").status_code == 400
    assert client.get(f"{API}/departments/?year=2020").json()["count"] == 0


def test_lists_are_paginated(client, seed_disclosure, seed_bytes):
    import_file(data=seed_bytes, department_code="second", year=2021, publish=True)
    first = client.get(f"{API}/disclosures/?page_size=1").json()
    assert first["count"] == 2 and len(first["results"]) == 1
    assert first["next"] == "http://testserver/api/v1/disclosures/?page=2&page_size=1"
    second = client.get(first["next"]).json()
    assert second["results"][0]["department"]["code"] == "yuxi-xinfang"
    assert client.get(f"{API}/disclosures/?page=9").status_code == 404


def test_a_disclosure_links_every_format_and_sums_up_its_checks(client, seed_disclosure):
    from disclosure.checks.services import checks_run

    checks_run(disclosure=seed_disclosure)
    data = client.get(f"{API}/disclosures/2021/yuxi-xinfang/").json()
    links = data["links"]
    assert links["html"] == "http://testserver/disclosures/2021/yuxi-xinfang/"
    assert links["xlsx"] == "http://testserver/data/2021/yuxi-xinfang.xlsx"
    assert links["json"] == "http://testserver/data/2021/yuxi-xinfang.json"
    assert "pdf" in links
    tables = {t["number"]: t for t in data["tables"]}
    assert tables["02"]["links"]["csv"] == "http://testserver/data/2021/yuxi-xinfang/tables/02.csv"
    assert tables["07"]["state"] == "empty"
    summary = data["check_summary"]  # the reconciliation checks' latest run
    assert summary["current"] is True
    assert set(summary["rules"]) == {"passed", "failed", "not_checked"}
    assert summary["findings"]["error"] > 0  # the seed's own mistakes are found


def test_a_disclosure_never_checked_says_so_rather_than_passed(client, seed_disclosure):
    from disclosure.models import CheckRun

    CheckRun.objects.filter(disclosure=seed_disclosure).delete()
    data = client.get(f"{API}/disclosures/2021/yuxi-xinfang/").json()
    assert data["check_summary"] is None


def test_a_table_comes_with_its_rows_and_amounts_to_the_cent(client, seed_disclosure):
    table = client.get(f"{API}/disclosures/2021/yuxi-xinfang/tables/03/").json()
    assert (table["label"], table["title"], table["unit"]) == ("公开03", "支出决算表", "元")
    assert [c["key"] for c in table["columns"]] == [
        "total",
        "basic",
        "project",
        "upper",
        "operating",
        "affiliated",
    ]
    rows = {r["key"]: r for r in table["rows"]}
    assert rows["total"]["amounts"] == {
        "total": "9918893.45",
        "basic": "8733858.45",
        "project": "1185035.00",
    }
    assert rows["2010301"]["amounts"]["project"] == "35.00"
    everything = client.get(f"{API}/disclosures/2021/yuxi-xinfang/tables/").json()
    assert [t["number"] for t in everything] == [f"{n:02d}" for n in range(1, 13)]
    assert client.get(f"{API}/disclosures/2021/yuxi-xinfang/tables/99/").status_code == 404


def test_the_api_is_read_only(client, seed_disclosure):
    for method in (client.post, client.put, client.patch, client.delete):
        assert method(f"{API}/disclosures/").status_code == 405
        assert method(f"{API}/disclosures/2021/yuxi-xinfang/").status_code == 405


def test_other_sites_may_read_the_api_but_not_the_pages(client, seed_disclosure):
    origin = {"HTTP_ORIGIN": "https://newsroom.example"}
    response = client.get(f"{API}/years/", **origin)
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(f"{API}/years/", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET", **origin)
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    page = client.get("/data/2021/yuxi-xinfang.json", **origin)
    assert "Access-Control-Allow-Origin" not in page


def test_the_api_is_rate_limited_per_client(client, settings, seed_disclosure):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "3/minute"},
    }
    statuses = [client.get(f"{API}/years/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(f"{API}/years/")
    assert int(refused["Retry-After"]) > 0
    other = client.get(f"{API}/years/", REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200


def test_the_openapi_schema_validates(schema):
    validate_schema(schema)
    assert schema["info"]["title"] == "决算公开平台 开放数据 API"
    assert set(schema["paths"]) == {
        "/api/v1/departments/",
        "/api/v1/departments/{code}/",
        "/api/v1/regions/",
        "/api/v1/regions/{code}/",
        "/api/v1/years/",
        "/api/v1/years/{year}/",
        "/api/v1/disclosures/",
        "/api/v1/disclosures/{year}/{code}/",
        "/api/v1/disclosures/{year}/{code}/tables/",
        "/api/v1/disclosures/{year}/{code}/tables/{number}/",
    }
    parameters = {p["name"] for p in schema["paths"]["/api/v1/disclosures/"]["get"]["parameters"]}
    assert {"year", "department", "region", "page", "page_size"} <= parameters


def _json_schema(node):
    """OpenAPI 3.0 → JSON Schema: `nullable` becomes a null alternative, and an object with
    declared properties admits no others (so an undocumented key fails too)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


@pytest.mark.parametrize(
    ("template", "path"),
    [
        ("/api/v1/departments/", "/api/v1/departments/"),
        ("/api/v1/departments/{code}/", "/api/v1/departments/yuxi-xinfang/"),
        ("/api/v1/years/", "/api/v1/years/"),
        ("/api/v1/years/{year}/", "/api/v1/years/2021/"),
        ("/api/v1/disclosures/", "/api/v1/disclosures/?year=2021"),
        ("/api/v1/disclosures/{year}/{code}/", "/api/v1/disclosures/2021/yuxi-xinfang/"),
        (
            "/api/v1/disclosures/{year}/{code}/tables/",
            "/api/v1/disclosures/2021/yuxi-xinfang/tables/",
        ),
        (
            "/api/v1/disclosures/{year}/{code}/tables/{number}/",
            "/api/v1/disclosures/2021/yuxi-xinfang/tables/09/",
        ),
    ],
)
def test_responses_match_the_schema(client, schema, seed_disclosure, template, path):
    response = client.get(path)
    assert response.status_code == 200
    expected = schema["paths"][template]["get"]["responses"]["200"]["content"]
    root = _json_schema(expected["application/json"]["schema"])
    root["components"] = _json_schema(schema["components"])
    jsonschema.validate(response.json(), root, cls=jsonschema.Draft202012Validator)


def test_the_json_download_matches_the_table_schema(client, schema, seed_disclosure):
    document = client.get("/data/2021/yuxi-xinfang.json").json()
    components = _json_schema(schema["components"])
    for table in document["tables"]:
        root = {"$ref": "#/components/schemas/Table", "components": components}
        jsonschema.validate(table, root, cls=jsonschema.Draft202012Validator)


def test_the_documentation_page_loads_nothing_from_elsewhere(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "redoc.standalone.js" in html
    assert "googleapis" not in html and "https://" not in html and "http://" not in html
    assert '<html lang="zh-CN">' in html  # the site's language
    assert "<script>" not in html and "<style>" not in html  # nothing inline
    assert "script-src 'self';" in response["Content-Security-Policy"]
    assert "<redoc" not in html  # no made-up element: the page is valid HTML


def test_the_documentation_bundle_is_served_without_the_remote_logo(client):
    html = client.get(reverse("api:docs")).content.decode()
    assert 'src="/api/v1/docs/redoc.standalone.js"' in html
    response = client.get("/api/v1/docs/redoc.standalone.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    bundle = b"".join(response)
    assert b"cdn.redoc.ly" not in bundle and b"API docs by Redocly" in bundle
    assert b"//# sourceMappingURL=redoc" not in bundle  # the map is of the unchanged file
    licence = bundle.split(b"\n", 1)[0].decode().split("please see ")[1].split(" ")[0]
    assert licence.startswith(settings.STATIC_URL)
    assert finders.find(licence.removeprefix(settings.STATIC_URL).split("?")[0])
    again = client.get("/api/v1/docs/redoc.standalone.js", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
