"""A large year's package is built in the background and served from storage; the last
build is served (marked as not current) while the next one is queued."""

import csv
import io
import zipfile

import pytest
from django.core.cache import cache
from django_tasks import default_task_backend

from disclosure.opendata.prebuilt import build_year_files, year_files_build
from tests.helpers import import_file

pytestmark = pytest.mark.django_db

ZIP = "/data/2021/fiscal-data-package.zip"
CSV = "/data/2021/package/final-accounts-2021.csv"


@pytest.fixture(autouse=True)
def _every_year_is_large(settings, tmp_path):
    settings.PORTAL_PACKAGE_BUILD_ON_REQUEST = 0
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


def departments_in(data: bytes) -> set[str]:
    return {row["department_code"] for row in csv.DictReader(io.StringIO(data.decode()))}


def queued_builds() -> int:
    return sum(1 for r in default_task_backend.results if r.task.name == build_year_files.name)


def test_before_the_first_build_the_reader_is_asked_to_come_back(client, seed_disclosure):
    response = client.get(ZIP)
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert "正在生成" in response.content.decode()


def test_a_build_is_queued_once_per_publication_state(client, seed_disclosure):
    before = queued_builds()
    for url in (ZIP, ZIP, CSV):
        client.get(url)
    assert queued_builds() == before + 1


def test_the_built_package_is_served_from_storage(client, seed_disclosure):
    year_files_build(year=2021)
    response = client.get(ZIP)
    assert response.status_code == 200
    assert response["X-Package-Current"] == "true"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [
        "datapackage.json",
        "final-accounts-2021-text-figures.csv",
        "final-accounts-2021.csv",
    ]
    rows = list(csv.DictReader(io.StringIO(archive.read("final-accounts-2021.csv").decode())))
    fiscal = next(
        r
        for r in rows
        if (r["table_number"], r["row_key"], r["column_key"]) == ("02", "2010308", "fiscal")
    )
    assert fiscal["amount"] == "5314048.85"
    plain = client.get(CSV)
    assert plain.status_code == 200 and plain["X-Package-Current"] == "true"
    assert plain.content == archive.read("final-accounts-2021.csv")


def test_after_a_publication_the_last_build_is_served_until_the_next(
    client, seed_disclosure, seed_bytes
):
    year_files_build(year=2021)
    import_file(
        data=seed_bytes,
        department_code="yuxi-jiaoyu",
        department_name="玉溪市教育体育局",
        year=2021,
        publish=True,
    )
    stale = client.get(CSV)
    assert stale.status_code == 200 and stale["X-Package-Current"] == "false"
    assert departments_in(stale.content) == {"yuxi-xinfang"}
    year_files_build(year=2021)
    fresh = client.get(CSV)
    assert fresh["X-Package-Current"] == "true"
    assert departments_in(fresh.content) == {"yuxi-xinfang", "yuxi-jiaoyu"}


def test_a_small_year_is_still_built_on_request(client, settings, seed_disclosure):
    settings.PORTAL_PACKAGE_BUILD_ON_REQUEST = 100
    response = client.get(ZIP)
    assert response.status_code == 200
    assert response["X-Package-Current"] == "true"
