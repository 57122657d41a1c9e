"""Public pages by place: the region tree, a region's page, search by region, and the coverage
and transparency board with its CSV downloads."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from disclosure.coverage import coverage_board
from disclosure.models import CheckRun, Department, Disclosure, DisclosureTable, Finding, FiscalYear
from disclosure.models.statements import Status

pytestmark = pytest.mark.django_db


def published(department, *, approved, published_on, year=2021, complete=True):
    fy, _created = FiscalYear.objects.get_or_create(year=year)
    d = Disclosure.objects.create(
        department=department,
        year=fy,
        layout="yunnan-2021",
        status=Status.PUBLISHED,
        approved_on=approved,
        published_at=timezone.make_aware(datetime.combine(published_on, datetime.min.time())),
    )
    numbers = [t.number for t in d.layout_spec.tables]
    if not complete:
        numbers = numbers[:-1]
    DisclosureTable.objects.bulk_create(
        DisclosureTable(disclosure=d, number=n, state="provided") for n in numbers
    )
    return d


@pytest.fixture
def places(province, city, county, other_city):
    """玉溪市 with three departments (on time, late, missing), 红塔区 with one undated."""
    on_time = Department.objects.create(code="yuxi-a", name="玉溪市甲局", region=city)
    late = Department.objects.create(code="yuxi-b", name="玉溪市乙局", region=city)
    Department.objects.create(code="yuxi-c", name="玉溪市丙局", region=city)
    hongta = Department.objects.create(code="hongta-a", name="红塔区甲局", region=county)
    d = published(on_time, approved=date(2022, 6, 1), published_on=date(2022, 6, 21))
    run = CheckRun.objects.create(disclosure=d)
    published(late, approved=date(2022, 6, 1), published_on=date(2022, 6, 22), complete=False)
    published(hongta, approved=None, published_on=date(2022, 8, 1))
    return {"province": province, "city": city, "county": county, "run": run}


def test_the_tree_shows_every_level_with_its_counts(client, places):
    page = client.get("/regions/").content.decode()
    assert page.index("云南省") < page.index("玉溪市") < page.index("红塔区")
    assert 'href="/regions/530402/"' in page
    assert "3 个部门 · 2 份决算" in page  # 玉溪市 本级


def test_a_region_page_lists_its_departments_years_and_sub_regions(client, places):
    page = client.get("/regions/530400/").content.decode()
    assert "玉溪市甲局" in page and "玉溪市丙局" in page
    assert "红塔区甲局" not in page.split("下级地区")[0]  # a county's department is not 本级
    assert 'href="/disclosures/2021/yuxi-a/"' in page
    assert 'href="/regions/530402/"' in page and 'href="/regions/530000/"' in page


def test_an_unknown_region_is_404(client, places):
    assert client.get("/regions/999999/").status_code == 404
    assert client.get("/coverage/2021/?region=999999").status_code == 404


def test_search_by_region_includes_the_regions_below(client, places):
    city = client.get("/disclosures/?region=530400").content.decode()
    county = client.get("/disclosures/?region=530402").content.decode()
    assert "玉溪市甲局" in city and "红塔区甲局" in city
    assert "红塔区甲局" in county and "玉溪市甲局" not in county


def test_the_board_counts_on_time_late_missing_and_scores_each_region(places):
    board = coverage_board(year=2021, root=places["city"])
    city = board.own
    states = {d.code: d.state for d in city.departments}
    assert states == {"yuxi-a": "on_time", "yuxi-b": "late", "yuxi-c": "missing"}
    assert (city.total, city.published, city.on_time, city.late, city.missing) == (3, 2, 1, 1, 1)
    late = next(d for d in city.departments if d.code == "yuxi-b")
    assert late.deadline == date(2022, 6, 21) and late.days_late == 1
    assert (city.complete, city.error_free) == (1, 1)
    # 40·2/3 + 30·1/3 + 15·1/3 + 15·1/3 = 26.67 + 10 + 5 + 5
    assert city.score == Decimal("46.7")
    county = next(r for r in board.regions if r.region.code == "530402")
    assert (county.undated, county.on_time, county.error_free) == (1, 0, 0)
    assert county.score == Decimal("55.0")  # published 40 + complete 15; never checked
    assert board.total.total == 4


def test_an_error_in_the_latest_run_makes_a_disclosure_not_error_free(places):
    run = places["run"]
    Finding.objects.create(
        # An id unlike the disclosure's: the latest run is found by the disclosure, not the finding.
        pk=run.disclosure.pk + 1000,
        run=run,
        disclosure=run.disclosure,
        position=1,
        rule="sum",
        severity="error",
        table_number="02",
        table="公开02",
    )
    assert coverage_board(year=2021, root=places["city"]).own.error_free == 0
    # An error in an earlier run no longer counts once a later run is clean.
    CheckRun.objects.create(disclosure=run.disclosure)
    assert coverage_board(year=2021, root=places["city"]).own.error_free == 1


def test_the_board_page_shows_the_formula_and_the_missing_and_late_departments(client, places):
    page = client.get("/coverage/2021/?region=530400").content.decode()
    assert "得分 = 40 × 公开率 + 30 × 按时公开率 + 15 × 表格完整率 + 15 × 无错误率" in page
    assert "玉溪市丙局" in page and "未公开" in page
    assert "逾期 1 天" in page
    assert "46.7" in page


def test_the_board_sorts_regions(client, places):
    by_score = client.get("/coverage/2021/?region=530000&sort=-score").content.decode()
    assert by_score.index(">红塔区<") < by_score.index(">玉溪市<")
    by_code = client.get("/coverage/2021/?region=530000&sort=code").content.decode()
    assert by_code.index(">玉溪市<") < by_code.index(">红塔区<")


def test_the_board_downloads_as_guarded_csv(client, places):
    Department.objects.create(code="yuxi-d", name="=HYPERLINK(1)", region=places["city"])
    response = client.get("/coverage/2021/departments.csv?region=530400")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["行政区划代码", "行政区划", "部门代码", "部门名称", "状态"]
    by_code = {r[2]: r for r in rows[1:]}
    assert by_code["yuxi-b"][4:9] == ["逾期公开", "2022-06-01", "2022-06-21", "2022-06-22", "1"]
    assert by_code["yuxi-c"][4] == "未公开"
    assert by_code["yuxi-d"][3] == "'=HYPERLINK(1)"
    regions = client.get("/coverage/2021/regions.csv?region=530400").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(regions)))
    city = next(r for r in rows if r[0] == "530400")
    assert (
        city[3:9] == ["4", "2", "1", "1", "0", "2"] and city[-1] == "35.0"
    )  # 20 + 7.5 + 3.75 + 3.75


# ---------------------------------------------------------------- the stored summary
def test_import_checks_and_publication_store_the_summary_the_board_reads(city, seed_disclosure):
    from disclosure.checks.selectors import latest_run
    from disclosure.checks.services import checks_run
    from disclosure.models import DisclosureSummary

    summary = DisclosureSummary.objects.get(disclosure=seed_disclosure)
    errors = latest_run(seed_disclosure).findings.filter(severity="error").count()
    # The seed does not print 公开01; 07 and 08 are empty with their statement.
    assert (summary.tables, summary.filled_tables, summary.errors) == (12, 11, errors)

    def entry():
        board = coverage_board(year=2021, root=city)
        return next(d for d in board.own.departments if d.code == "yuxi-xinfang")

    assert errors > 0 and (entry().complete, entry().error_free) == (False, False)
    # The board reads the stored row (not the tables and findings again) …
    DisclosureSummary.objects.filter(pk=seed_disclosure.pk).update(filled_tables=12, errors=0)
    assert (entry().complete, entry().error_free) == (True, True)
    # … which the next check run puts right.
    checks_run(disclosure=seed_disclosure)
    summary.refresh_from_db()
    assert summary.errors == errors


def test_the_board_reads_stored_summaries_in_fewer_queries_than_it_computes_them(
    places, django_assert_num_queries
):
    from disclosure.summaries import summaries_refresh

    with django_assert_num_queries(6):  # regions, departments, disclosures + 3 to compute
        computed = coverage_board(year=2021, root=places["province"])
    summaries_refresh(Disclosure.objects.values_list("pk", flat=True))
    with django_assert_num_queries(3):
        stored = coverage_board(year=2021, root=places["province"])
    assert [r.as_row() for r in stored.regions] == [r.as_row() for r in computed.regions]
    assert stored.own is not None and computed.total.total == stored.total.total == 4
