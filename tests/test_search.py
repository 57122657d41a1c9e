"""Search finds content: department names, 主管部门, table row names and codes, traditional
characters; an empty result helps; results show the 主管部门."""

import pytest
from django.core.cache import cache
from django.db import connection

from disclosure.models import Department, TableRow
from disclosure.selectors import disclosure_search, normalise_query, row_name_plain

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def results(client, query: str) -> str:
    page = client.get("/disclosures/", {"q": query}).content.decode()
    return page.split("</form>")[-1]


@pytest.mark.parametrize(
    "query",
    ["信访", "三公", "信访事务", "2010308", "201", "信訪", "信訪事務", "三公經費", "玉溪市信访局"],
)
def test_it_finds_the_disclosure_by_department_row_name_code_or_traditional_characters(
    client, seed_disclosure, query
):
    assert "玉溪市信访局" in results(client, query)


@pytest.mark.parametrize("query", ["教育", "2050101", "99", "國防動員"])
def test_it_finds_nothing_for_what_the_disclosure_does_not_contain(client, seed_disclosure, query):
    page = results(client, query)
    assert "玉溪市信访局" not in page
    assert f"没有找到与“{query}”有关的已公开决算。" in page
    assert "<thead>" not in page  # no bare table header
    assert "科目编码（2010308）" in page


def test_it_finds_a_department_by_its_supervising_department(client, seed_disclosure):
    parent = Department.objects.create(code="yuxi-gov", name="玉溪市人民政府办公室")
    seed_disclosure.department.parent = parent
    seed_disclosure.department.save()
    page = results(client, "人民政府办公室")
    assert "玉溪市信访局" in page
    assert "<td >玉溪市人民政府办公室</td>" in page.replace('class="parent"', "")


def test_a_department_without_a_parent_is_its_own_supervising_department(client, seed_disclosure):
    page = results(client, "信访")
    row = page[page.index("<tbody") :]
    assert row.count("玉溪市信访局") == 2  # the department and its 主管部门 column


def test_traditional_input_is_read_as_simplified():
    assert normalise_query("  信訪事務   三公經費 ") == "信访事务 三公经费"


def test_drafts_are_never_found_by_their_rows(seed_draft):
    assert not disclosure_search(q="信访事务").exists()


@pytest.mark.parametrize("query", ["信访 三公", "信訪局  2010308", "玉溪 信访事务"])
def test_every_word_of_a_query_must_match_somewhere(client, seed_disclosure, query):
    assert "玉溪市信访局" in results(client, query)


@pytest.mark.parametrize("query", ["信访 教育", "三公 2050101"])
def test_a_word_the_disclosure_does_not_contain_finds_nothing(client, seed_disclosure, query):
    assert "玉溪市信访局" not in results(client, query)
    assert list(disclosure_search(q=query)) == []


def test_results_list_the_latest_year_first(seed_disclosure, seed_bytes):
    from tests.helpers import import_file

    import_file(
        data=seed_bytes,
        filename="2020.txt",
        department_code="yuxi-xinfang",
        year=2020,
        publish=True,
    )
    assert [d.year_id for d in disclosure_search(q="信访事务")] == [2021, 2020]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes: PostgreSQL only")
def test_on_postgresql_the_substring_matches_can_use_the_trigram_indexes(seed_disclosure):
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == ("pg_trgm",)
        # Small test tables are read whole by choice; forbid that to see what can be used.
        cursor.execute("SET LOCAL enable_seqscan = off")
    rows = TableRow.objects.annotate(plain=row_name_plain()).filter(plain__icontains="信访事务")
    plan = rows.order_by().explain()
    assert "table_row_name_trgm" in plan
    plan = Department.objects.filter(name__icontains="信访局").order_by().explain()
    assert "department_name_trgm" in plan
