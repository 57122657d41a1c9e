"""Regions in the API and the open data: the region list, a department's region, the region
filter (a region and everything below it), and a year's package per region."""

import io
import zipfile

import pytest

from disclosure.models import Department, Region

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def county_and_seed(seed_disclosure, county):
    """The seed published in 玉溪市 (本级), and one in 红塔区 below it."""
    from tests.conftest import SEED_PATH
    from tests.helpers import import_file

    Department.objects.create(code="hongta-xinfang", name="红塔区信访局", region=county)
    import_file(
        data=SEED_PATH.read_bytes(), department_code="hongta-xinfang", year=2021, publish=True
    )
    return county


def test_the_api_lists_regions_with_parents_and_department_counts(client, county_and_seed):
    rows = {r["code"]: r for r in client.get(f"{API}/regions/").json()["results"]}
    assert rows["530402"] == {
        "code": "530402",
        "name": "红塔区",
        "level": "county",
        "parent": "530400",
        "departments": 1,
    }
    assert rows["530000"]["parent"] is None
    assert client.get(f"{API}/regions/530400/").json()["name"] == "玉溪市"
    assert client.get(f"{API}/regions/999999/").status_code == 404


def test_a_department_names_its_region(client, county_and_seed):
    data = client.get(f"{API}/departments/hongta-xinfang/").json()
    assert (data["region"], data["region_name"]) == ("530402", "红塔区")


def test_the_region_filter_takes_the_regions_below(client, county_and_seed):
    def codes(url):
        return sorted(d["department"]["code"] for d in client.get(url).json()["results"])

    assert codes(f"{API}/disclosures/?region=530400") == ["hongta-xinfang", "yuxi-xinfang"]
    assert codes(f"{API}/disclosures/?region=530402") == ["hongta-xinfang"]
    assert codes(f"{API}/disclosures/?region=530100") == []
    departments = client.get(f"{API}/departments/?region=530402").json()["results"]
    assert [d["code"] for d in departments] == ["hongta-xinfang"]


def test_a_years_package_per_region_holds_only_that_regions_departments(client, county_and_seed):
    response = client.get("/data/2021/regions/530402/fiscal-data-package.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    text = archive.read("final-accounts-2021.csv").decode("utf-8")
    assert "hongta-xinfang" in text and "yuxi-xinfang" not in text
    whole = client.get("/data/2021/regions/530000/fiscal-data-package.zip")
    text = zipfile.ZipFile(io.BytesIO(whole.content)).read("final-accounts-2021.csv").decode()
    assert "hongta-xinfang" in text and "yuxi-xinfang" in text
    assert client.get("/data/2021/regions/530100/fiscal-data-package.zip").status_code == 404
    assert client.get("/data/2021/regions/999999/fiscal-data-package.zip").status_code == 404


def test_a_region_too_large_to_pack_on_request_says_so(client, settings, county_and_seed):
    settings.PORTAL_PACKAGE_BUILD_ON_REQUEST = 1
    response = client.get("/data/2021/regions/530400/fiscal-data-package.zip")
    assert response.status_code == 503
    assert Region.objects.count() == 3


def test_the_json_the_api_and_the_years_package_name_each_departments_region(
    client, county_and_seed
):
    import csv
    import json

    document = client.get("/data/2021/hongta-xinfang.json").json()
    assert (document["department"]["region"], document["department"]["region_name"]) == (
        "530402",
        "红塔区",
    )
    listed = client.get(f"{API}/disclosures/?year=2021").json()["results"]
    assert {
        d["department"]["code"]: (d["department"]["region"], d["department"]["region_name"])
        for d in listed
    } == {"hongta-xinfang": ("530402", "红塔区"), "yuxi-xinfang": ("530400", "玉溪市")}
    detail = client.get(f"{API}/disclosures/2021/yuxi-xinfang/").json()
    assert detail["department"]["region_name"] == "玉溪市"

    response = client.get("/data/2021/fiscal-data-package.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    rows = list(csv.DictReader(io.StringIO(archive.read("final-accounts-2021.csv").decode())))
    assert {(r["department_code"], r["region_code"], r["region_name"]) for r in rows} == {
        ("hongta-xinfang", "530402", "红塔区"),
        ("yuxi-xinfang", "530400", "玉溪市"),
    }
    fields = json.loads(archive.read("datapackage.json"))["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields][1:5] == [
        "department_code",
        "department_name",
        "region_code",
        "region_name",
    ]
    # The region's own package carries the same columns.
    region_zip = client.get("/data/2021/regions/530402/fiscal-data-package.zip").content
    text = zipfile.ZipFile(io.BytesIO(region_zip)).read("final-accounts-2021.csv").decode()
    assert text.splitlines()[1].split(",")[1:5] == [
        "hongta-xinfang",
        "红塔区信访局",
        "530402",
        "红塔区",
    ]
