"""Search finds content: department names, 主管部门, table row names and codes, traditional
characters; an empty result helps; results show the 主管部门."""

import pytest
from django.core.cache import cache

from disclosure.models import Department
from disclosure.selectors import disclosure_search, normalise_query

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
