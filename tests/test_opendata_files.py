"""Downloads: CSV per table, JSON per disclosure, workbooks; published versions only."""

import csv
import io
import json
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from disclosure.models import Amount, Disclosure, TableRow
from disclosure.opendata.tabular import guard

pytestmark = pytest.mark.django_db

DISCLOSURE_URLS = [
    ("opendata:disclosure_xlsx", (2021, "yuxi-xinfang")),
    ("opendata:disclosure_json", (2021, "yuxi-xinfang")),
    ("opendata:table_csv", (2021, "yuxi-xinfang", "02")),
    ("opendata:table_xlsx", (2021, "yuxi-xinfang", "02")),
    ("opendata:year_package", (2021,)),
    ("opendata:year_datapackage", (2021,)),
    ("opendata:year_csv", (2021, "final-accounts-2021")),
]


def read_csv(response) -> list[list[str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_stable_addresses_read_as_they_are_cited():
    assert reverse("opendata:disclosure_xlsx", args=(2021, "yuxi-xinfang")) == (
        "/data/2021/yuxi-xinfang.xlsx"
    )
    assert reverse("opendata:table_csv", args=(2021, "yuxi-xinfang", "02")) == (
        "/data/2021/yuxi-xinfang/tables/02.csv"
    )
    assert reverse("opendata:year_package", args=(2021,)) == "/data/2021/fiscal-data-package.zip"


def test_every_download_of_a_published_disclosure_answers_with_its_file(client, seed_disclosure):
    for name, args in DISCLOSURE_URLS:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    response = client.get(reverse("opendata:disclosure_xlsx", args=(2021, "yuxi-xinfang")))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''" + quote("玉溪市信访局2021年度部门决算.xlsx")
    )
    response = client.get(reverse("opendata:table_csv", args=(2021, "yuxi-xinfang", "02")))
    assert (
        quote("玉溪市信访局2021年度部门决算-公开02收入决算表.csv")
        in (response["Content-Disposition"])
    )


def test_drafts_are_never_downloadable(client, seed_draft):
    for name, args in DISCLOSURE_URLS:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert "yuxi-xinfang" not in client.get(reverse("opendata:index")).content.decode()


def test_a_newer_draft_leaves_the_published_version_in_place(client, seed_disclosure):
    Disclosure.objects.create(
        department=seed_disclosure.department, year_id=2021, version=2, layout="yunnan-2021"
    )
    data = client.get(reverse("opendata:disclosure_json", args=(2021, "yuxi-xinfang"))).json()
    assert data["version"] == 1
    package_csv = client.get(reverse("opendata:year_csv", args=(2021, "final-accounts-2021")))
    header, *lines = package_csv.content.decode().splitlines()
    column = header.split(",").index("version")
    versions = {row.split(",")[column] for row in lines}
    assert versions == {"1"}


def test_a_table_not_provided_or_not_in_the_layout_is_not_found(client, seed_disclosure):
    for number in ("01", "99"):
        for name in ("opendata:table_csv", "opendata:table_xlsx"):
            response = client.get(reverse(name, args=(2021, "yuxi-xinfang", number)))
            assert response.status_code == 404, (name, number)


def test_the_table_csv_has_one_row_per_code_and_amounts_as_numbers(client, seed_disclosure):
    rows = read_csv(client.get(reverse("opendata:table_csv", args=(2021, "yuxi-xinfang", "05"))))
    header = rows[0]
    assert header[:4] == ["科目编码", "科目名称", "级次", "年初结转和结余/合计"]
    assert header[-1] == "金额单位"
    assert len(rows) == 1 + 21  # every printed row, the unlabelled one included
    by_code = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:] if r[0]}
    row = by_code["201"]
    assert row["级次"] == "类"
    assert row["本年支出/基本支出/人员经费"] == "5076765.99"
    assert row["年初结转和结余/基本支出结转"] == ""
    assert row["金额单位"] == "元"


def test_side_by_side_tables_become_one_row_per_line(client, seed_disclosure):
    rows = read_csv(client.get(reverse("opendata:table_csv", args=(2021, "yuxi-xinfang", "06"))))
    assert rows[0] == ["科目编码", "科目名称", "级次", "栏", "金额", "金额单位"]
    by_code = {r[0] or r[1]: r for r in rows[1:]}
    assert by_code["30226"][1:] == ["劳务费", "款", "公用经费", "577492.37", "元"]
    assert by_code["人员经费合计"][4] == "6825365.45"
    rows = read_csv(client.get(reverse("opendata:table_csv", args=(2021, "yuxi-xinfang", "09"))))
    by_line = {r[1]: r for r in rows[1:]}
    assert by_line["18"][2:] == ["6. 国内公务接待人次（人）", "—", "—", "—", "117", "人"]
    assert by_line["2"][6] == "27204.60"


def test_formula_text_is_neutralised_but_negative_amounts_stay_numbers(client, seed_disclosure):
    row = TableRow.objects.get(table__disclosure=seed_disclosure, table__number="03", key="201")
    row.name = '=HYPERLINK("http://example.com")'
    row.save()
    Amount.objects.filter(row=row, column="project").update(value=Decimal("-35.00"))
    rows = read_csv(client.get(reverse("opendata:table_csv", args=(2021, "yuxi-xinfang", "03"))))
    found = next(r for r in rows if r[0] == "201")
    assert found[1] == '\'=HYPERLINK("http://example.com")'
    assert found[5] == "-35.00"
    assert [guard(t) for t in ("+1", "-x", "@SUM(A1)", "\tx", "正常")] == [
        "'+1",
        "'-x",
        "'@SUM(A1)",
        "'\tx",
        "正常",
    ]


def test_the_json_document_gives_amounts_as_decimal_strings_to_the_cent(client, seed_disclosure):
    response = client.get(reverse("opendata:disclosure_json", args=(2021, "yuxi-xinfang")))
    assert response.status_code == 200
    assert "inline" in response["Content-Disposition"]

    def no_floats(text):
        raise AssertionError(f"a float in the JSON: {text}")

    data = json.loads(response.content, parse_float=no_floats)
    assert data["department"] == {
        "code": "yuxi-xinfang",
        "name": "玉溪市信访局",
        "region": "530400",
        "region_name": "玉溪市",
    }
    assert (data["year"], data["version"], data["layout"]) == (2021, 1, "yunnan-2021")
    tables = {t["number"]: t for t in data["tables"]}
    assert len(tables) == 12 and tables["01"]["state"] == "not_provided"
    rows = {r["key"]: r for r in tables["02"]["rows"]}
    assert rows["total"]["amounts"]["total"] == "9733858.45"
    assert rows["2010308"]["amounts"] == {"total": "5314048.85", "fiscal": "5314048.85"}
    assert rows["201"]["level"] == 1 and rows["total"]["level"] is None
    lines = {r["key"]: r for r in tables["09"]["rows"]}
    assert lines["sangong_total"]["amounts"]["actual_2"] == "27204.60"
    assert lines["abroad"]["marks"] == {
        "budget_1": "—",
        "budget_2": "—",
        "actual_1": "—",
        "actual_2": "—",
    }
    assert tables["07"]["statement"] == "我单位今年不涉及。"
    projects = tables["12"]["projects"]
    assert projects[0]["funds"][0]["budget_initial"] == "200000.00"
    assert tables["11"]["performance"]["tasks"][2]["approved_total"] == "20.00"
    assert data["links"]["xlsx"] == "http://testserver/data/2021/yuxi-xinfang.xlsx"


def test_the_downloads_partial_links_every_format(seed_disclosure):
    html = render_to_string("opendata/_downloads.html", {"disclosure": seed_disclosure})
    assert 'href="/data/2021/yuxi-xinfang.xlsx"' in html
    assert 'href="/data/2021/yuxi-xinfang.json"' in html
    assert 'href="/data/2021/fiscal-data-package.zip"' in html
    html = render_to_string(
        "opendata/_downloads.html", {"disclosure": seed_disclosure, "table_number": "05"}
    )
    assert 'href="/data/2021/yuxi-xinfang/tables/05.csv"' in html
    assert 'href="/data/2021/yuxi-xinfang/tables/05.xlsx"' in html


def test_the_open_data_page_lists_each_year_and_disclosure(client, seed_disclosure):
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/data/2021/fiscal-data-package.zip" in html
    assert "/data/2021/package/final-accounts-2021.csv" in html
    assert "/data/2021/yuxi-xinfang.xlsx" in html
