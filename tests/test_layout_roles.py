"""What a table or a cell means is declared in the layout and checked when it is loaded: a
role the readers do not know, a role given to two tables, a role's table missing a key its
readers need, or a named cell in the wrong table is refused before any page is drawn."""

import tomllib

import pytest

from disclosure.checks.meanings import resolve_roles
from disclosure.layouts import LAYOUT_DIR, LayoutError, all_layouts, get_layout, parse_layout
from disclosure.layouts.roles import FIGURE_ROLES, TABLE_ROLES


def _data(slug: str) -> dict:
    return tomllib.loads((LAYOUT_DIR / f"{slug}.toml").read_text(encoding="utf-8"))


def _table(data: dict, number: str) -> dict:
    return next(t for t in data["tables"] if t["number"] == number)


@pytest.mark.parametrize("slug", ["yunnan-2021", "national-2024"])
def test_every_layout_gives_each_role_to_one_table_of_its_kind(slug):
    layout = get_layout(slug)
    assert set(resolve_roles(layout)) == set(TABLE_ROLES)
    for role, spec in TABLE_ROLES.items():
        assert layout.by_role(role).kind == spec.kind


def test_the_sangong_table_is_the_one_the_layout_says_whatever_its_number():
    assert get_layout("yunnan-2021").by_role("sangong").number == "09"
    assert get_layout("national-2024").by_role("sangong").number == "07"
    assert get_layout("national-2024").by_role("fund").number == "08"


def test_roles_are_read_from_the_declaration_never_from_titles():
    data = _data("national-2024")
    _table(data, "07")["title"] = "财政拨款支出决算表（其他）"  # no 三公 in it any more
    _table(data, "03")["title"] = "“三公”经费支出决算表"  # and a title that says 三公
    layout = parse_layout(data)
    assert layout.by_role("sangong").number == "07"
    assert layout.by_role("spend").number == "03"
    del _table(data, "07")["role"]  # the 三公 cells then point at a table of no role
    with pytest.raises(LayoutError, match="sangong_budget must be read from the sangong table"):
        parse_layout(data)


def test_a_role_the_readers_do_not_know_is_refused_at_load_time():
    data = _data("yunnan-2021")
    _table(data, "09")["role"] = "three_public"
    with pytest.raises(LayoutError, match="yunnan-2021 公开09: unknown role 'three_public'"):
        parse_layout(data)


def test_a_role_declared_by_two_tables_is_refused_at_load_time():
    data = _data("national-2024")
    _table(data, "09")["role"] = "fund"
    with pytest.raises(LayoutError, match="national-2024: role fund is declared by two tables"):
        parse_layout(data)


def test_a_role_on_a_table_of_another_kind_is_refused_at_load_time():
    data = _data("yunnan-2021")
    _table(data, "06")["role"], _table(data, "07")["role"] = "fund", "basic_economic"
    with pytest.raises(LayoutError, match="公开06: role fund needs a table of kind codes"):
        parse_layout(data)


def test_a_role_whose_table_lacks_a_key_its_readers_need_is_refused_at_load_time():
    data = _data("national-2024")
    summary = _table(data, "01")
    line = next(x for p in summary["panels"] for x in p["lines"] if x.get("key") == "opening")
    line["key"] = "carried_in"
    with pytest.raises(LayoutError, match="公开01: role summary needs the keys opening"):
        parse_layout(data)


def test_a_general_table_without_its_basic_spending_column_is_refused():
    data = _data("national-2024")
    general = _table(data, "05")
    general["columns"] = [c for c in general["columns"] if c["key"] != "spend_basic"]
    general["columns"][0].pop("sum_of", None)
    with pytest.raises(LayoutError, match="role general needs the keys spend_basic"):
        parse_layout(data)


def test_a_figure_the_readers_do_not_know_is_refused_at_load_time():
    data = _data("national-2024")
    data["figures"]["sangong_total"] = data["figures"]["sangong_actual"]
    with pytest.raises(LayoutError, match="figure sangong_total is not a known figure"):
        parse_layout(data)


def test_a_figure_read_from_a_table_of_another_role_is_refused_at_load_time():
    data = _data("national-2024")
    data["figures"]["abroad_actual"] = {
        "table": "03",
        "row": "total",
        "column": "total",
        "label": "因公出国（境）费",
    }
    with pytest.raises(LayoutError, match="abroad_actual must be read from the sangong table"):
        parse_layout(data)


def test_a_figure_pointing_at_no_declared_row_is_refused_at_load_time():
    data = _data("yunnan-2021")
    data["figures"]["running_costs"]["row"] = "running_costs_total"
    with pytest.raises(LayoutError, match="figure running_costs points at no declared row"):
        parse_layout(data)


def test_every_figure_a_page_reads_is_one_a_layout_may_declare():
    from disclosure import glance, views

    named = {
        *glance.TOTALS,
        *(key for pair in (*glance.SPLIT, *glance.SANGONG) for key in pair),
        *views.COMPARISON_FIGURES,
        *views.BOARD_FIGURES,
    }
    assert named <= set(FIGURE_ROLES)
    declared = {key for layout in all_layouts().values() for key in layout.figures}
    assert declared == set(FIGURE_ROLES)


def test_the_sangong_items_name_the_economic_codes_they_are_spent_under():
    """基本支出 ≤ 三公 compares 表6's economic codes with the 三公 cells the layout names:
    lines in Yunnan 2021, 决算数 columns in national 2024 — no code list lives in code."""
    yunnan = get_layout("yunnan-2021").by_role("sangong")
    national = get_layout("national-2024").by_role("sangong")
    by_line = {x.key: x.economic_code for p in yunnan.panels for x in p.lines if x.economic_code}
    by_column = {c.key: c.economic_code for c in national.all_columns() if c.economic_code}
    assert by_line == {
        "abroad": "30212",
        "vehicle_purchase": "31013",
        "vehicle_running": "30231",
        "hospitality": "30217",
    }
    assert by_column == {
        "actual_abroad": "30212",
        "actual_vehicle_purchase": "31013",
        "actual_vehicle_running": "30231",
        "actual_hospitality": "30217",
    }


def test_a_rule_reading_a_role_no_layout_can_declare_is_refused_when_declared():
    from disclosure.checks.engine import rule

    with pytest.raises(ValueError, match="no layout can declare the role 'sangong_table'"):
        rule("between.x", "三公", severity="error", reads=("role:spend", "role:sangong_table?"))


def test_every_rule_reads_only_roles_a_layout_declares():
    from disclosure.checks.engine import all_rules

    read = {
        need.removeprefix("role:").removesuffix("?")
        for r in all_rules()
        for need in r.reads
        if need.startswith("role:")
    }
    assert read and read <= set(TABLE_ROLES)


def test_an_economic_code_that_is_no_5_digit_code_is_refused_at_load_time():
    data = _data("national-2024")
    sangong = _table(data, "07")["panels"][0]
    next(c for c in sangong["columns"] if c["key"] == "actual_abroad")["economic_code"] = "302-12"
    with pytest.raises(LayoutError, match="公开07: economic_code '302-12' is not a 款 code"):
        parse_layout(data)
