"""The yearly Fiscal Data Package: valid under frictionless, published versions only."""

import csv
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from frictionless import Package

from tests.helpers import import_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def package_dir(client, seed_disclosure, tmp_path):
    response = client.get(reverse("opendata:year_package", args=(2021,)))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == [
            "datapackage.json",
            "final-accounts-2021-text-figures.csv",
            "final-accounts-2021.csv",
        ]
        archive.extractall(tmp_path)
    return tmp_path


def rows_of(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_year_package_passes_frictionless_validate(package_dir):
    package = Package(str(package_dir / "datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] == 361  # every amount and dash of 公开02–09


def test_fields_are_typed_and_mapped_to_fiscal_types(package_dir):
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["countryCode"] == "CN"
    assert descriptor["fiscalPeriod"] == {"start": "2021-01-01", "end": "2021-12-31"}
    fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    assert (fields["amount"]["type"], fields["amount"]["columnType"]) == ("number", "value")
    assert fields["year"]["columnType"] == "date:fiscal-year"
    assert fields["department_code"]["columnType"] == (
        "administrative-classification:generic:level1:code"
    )
    assert fields["functional_code"]["columnType"] == "functional-classification:generic:code"
    assert fields["economic_code"]["columnType"] == "economic-classification:generic:code"
    assert descriptor["resources"][0]["schema"]["primaryKey"] == [
        "year",
        "department_code",
        "table_number",
        "row_key",
        "column_key",
    ]


def test_one_row_per_department_table_code_and_column(package_dir):
    rows = rows_of(package_dir / "final-accounts-2021.csv")
    found = {(r["table_number"], r["row_key"], r["column_key"]): r for r in rows}
    fiscal = found[("02", "2010308", "fiscal")]
    assert (fiscal["department_name"], fiscal["classification"], fiscal["level"]) == (
        "玉溪市信访局",
        "functional",
        "3",
    )
    assert Decimal(fiscal["amount"]) == Decimal("5314048.85")
    assert fiscal["functional_code"] == "2010308" and fiscal["economic_code"] == ""
    labour = found[("06", "30226", "amount")]
    assert (labour["classification"], labour["economic_code"], labour["amount"]) == (
        "economic",
        "30226",
        "577492.37",
    )
    guests = found[("09", "guests", "actual_2")]
    assert (guests["classification"], guests["line_no"], guests["amount"], guests["unit"]) == (
        "line",
        "18",
        "117",
        "人",
    )
    dash = found[("09", "abroad", "actual_2")]
    assert (dash["amount"], dash["mark"]) == ("", "—")
    assert {r["table_number"] for r in rows} == {"02", "03", "04", "05", "06", "09"}


def test_the_package_holds_published_versions_only(client, seed_disclosure, seed_bytes):
    import_file(data=seed_bytes, department_code="draft-only", year=2021)
    response = client.get(reverse("opendata:year_csv", args=(2021, "final-accounts-2021")))
    departments = {row.split(",")[1] for row in response.content.decode().splitlines()[1:]}
    assert departments == {"yuxi-xinfang"}
    assert client.get(reverse("opendata:year_package", args=(2020,))).status_code == 404


def test_the_served_descriptor_sits_beside_its_csv(client, seed_disclosure):
    response = client.get(reverse("opendata:year_datapackage", args=(2021,)))
    assert response.status_code == 200
    descriptor = response.json()
    assert descriptor["resources"][0]["path"] == "final-accounts-2021.csv"
    beside = response.wsgi_request.path.replace("datapackage.json", "final-accounts-2021.csv")
    assert client.get(beside).status_code == 200
    wrong = reverse("opendata:year_csv", args=(2021, "final-accounts-2020"))
    assert client.get(wrong).status_code == 404


def test_a_row_name_that_is_a_formula_is_written_inert_in_the_year_csv_and_zip(
    client, seed_text, db
):
    # The seed's 行政运行 (2010301) renamed to a formula, and a department named like one:
    # every text cell of the year's CSV starts with an apostrophe, amounts stay numbers.
    hostile = seed_text.replace("行政运行", '=HYPERLINK("http://evil.example","行政运行")', 1)
    assert hostile != seed_text
    import_file(
        data=hostile.encode(),
        department_code="evil",
        department_name="@SUM(1+1)*cmd|' /C calc'!A0",
        year=2021,
        publish=True,
    )
    served = client.get(reverse("opendata:year_csv", args=(2021, "final-accounts-2021")))
    package = client.get(reverse("opendata:year_package", args=(2021,)))
    with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
        zipped = archive.read("final-accounts-2021.csv")
    for content in (served.content, zipped):
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
        names = {row["name"] for row in rows}
        assert '\'=HYPERLINK("http://evil.example","行政运行")' in names
        assert not any(name.startswith(("=", "+", "-", "@")) for name in names)
        assert {row["department_name"] for row in rows} == {"'@SUM(1+1)*cmd|' /C calc'!A0"}
        negative = [row["amount"] for row in rows if row["amount"].startswith("-")]
        assert all(Decimal(amount) < 0 for amount in negative)
