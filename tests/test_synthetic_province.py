"""The synthetic province: its region tree, departments in every region, and publication
states (on time, late, missing) that the coverage board reads back."""

import pytest

from disclosure.coverage import coverage_board
from disclosure.models import Department, Region
from disclosure.synthetic_province import generate_province

pytestmark = pytest.mark.django_db


def test_a_small_province_has_its_tree_departments_and_states():
    result = generate_province(
        cities=2, counties=3, departments=2, years=1, seed=3, late=0.3, missing=0.2
    )
    assert (result.regions, result.departments, result.disclosures) == (6, 12, 12)
    province = Region.objects.get(code="990000")
    assert sorted(province.children.values_list("code", flat=True)) == ["990100", "990200"]
    assert Region.objects.get(code="990102").parent.code == "990100"
    assert Region.objects.filter(parent__code="990200").count() == 1  # 3 counties over 2
    county = Region.objects.get(code="990101")
    names = list(Department.objects.in_region(county).values_list("name", flat=True))
    assert len(names) == 2 and all(n.startswith("合成市01县01") for n in names)

    board = coverage_board(year=2021, root=province)
    assert board.total.total == 12
    assert board.total.on_time == result.states.get("on_time", 0)
    assert board.total.late == result.states.get("late", 0)
    assert board.total.missing == result.states.get("missing", 0)
    assert board.total.late and board.total.missing  # both kinds planted at these shares


def test_it_resumes_without_duplicating_regions_or_departments():
    generate_province(cities=1, counties=1, departments=1, years=1, seed=4)
    again = generate_province(cities=1, counties=1, departments=1, years=1, seed=4)
    assert (again.skipped_regions, again.disclosures) == (3, 0)
    assert Department.objects.filter(region__code__startswith="99").count() == 3


def test_records_only_gives_every_disclosure_its_tables_without_amounts():
    from disclosure.models import Amount, Disclosure

    result = generate_province(
        cities=1, counties=1, departments=2, years=2, seed=5, content=False, missing=0, late=0
    )
    assert result.disclosures == 12
    disclosure = Disclosure.objects.filter(department__code__startswith="syn5000-").first()
    assert disclosure.tables.count() == len(disclosure.layout_spec.tables)
    assert not Amount.objects.filter(row__table__disclosure=disclosure).exists()
    board = coverage_board(year=2022, root=Region.objects.get(code="990000"))
    assert (board.total.on_time, board.total.complete) == (6, 6)
