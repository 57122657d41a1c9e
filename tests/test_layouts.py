"""Layouts are data: every declaration loads and holds together, and a second layout works
with no code of its own."""

import tomllib
from decimal import Decimal

import pytest

from disclosure.layouts import LAYOUT_DIR, LayoutError, all_layouts, get_layout, parse_layout
from tests.helpers import amount, import_file, rows
from tests.workbooks import national_workbook


def test_every_layout_file_loads():
    layouts = all_layouts()
    assert set(layouts) == {"yunnan-2021", "national-2024"}
    assert get_layout("yunnan-2021").numbers == [f"{n:02d}" for n in range(1, 13)]
    assert get_layout("national-2024").numbers == [f"{n:02d}" for n in range(1, 10)]


def test_each_sum_refers_to_columns_of_its_own_table():
    for layout in all_layouts().values():
        for table in layout.tables:
            for column in table.all_columns():
                for key in column.sum_of:
                    assert table.column(key) is not None, (layout.slug, table.number, key)


def test_a_self_contradicting_layout_is_refused_at_load_time():
    data = tomllib.loads((LAYOUT_DIR / "yunnan-2021.toml").read_text())
    data["tables"][1]["columns"][0]["sum_of"] = ["no_such_column"]
    with pytest.raises(LayoutError, match="unknown no_such_column"):
        parse_layout(data)


def test_a_column_declares_other_printed_wordings_of_the_heading_that_names_it():
    spec = get_layout("national-2024").table("07")
    running = spec.column("budget_vehicle_running")
    assert running.aliases == ("公务用车运行费",)
    # 表7's items are named by the group over 预算数/决算数: the alias stands for that group.
    assert running.named_by_group and running.naming_heading == "公务用车运行维护费"
    spend = get_layout("national-2024").table("08").column("spend_total")
    assert (spend.aliases, spend.named_by_group, spend.naming_heading) == (("合计",), False, "小计")


@pytest.mark.parametrize(
    ("alias", "error"),
    [
        ("", "column fiscal has an alias that is blank or not text"),
        (3, "column fiscal has an alias that is blank or not text"),
        ("财政拨款 收入", "column fiscal lists its own heading as an alias"),
        ("上级补助收入", "alias '上级补助收入' of column fiscal names another column"),
    ],
)
def test_an_alias_that_is_blank_the_heading_itself_or_another_columns_is_refused(alias, error):
    data = tomllib.loads((LAYOUT_DIR / "yunnan-2021.toml").read_text())
    fiscal = data["tables"][1]["columns"][1]
    assert fiscal["key"] == "fiscal"
    fiscal["aliases"] = [alias]
    with pytest.raises(LayoutError, match=error):
        parse_layout(data)


def test_column_headers_carry_their_groups():
    spec = get_layout("yunnan-2021").table("05")
    assert spec.column("spend_personnel").header == "本年支出/基本支出/人员经费"
    assert spec.column("spend_basic").sum_of == ("spend_personnel", "spend_public")


@pytest.mark.django_db
def test_the_national_layout_imports_three_column_codes_in_wan_yuan():
    result = import_file(
        data=national_workbook(),
        department_code="sh-caizheng",
        department_name="上海市财政局",
        year=2024,
        layout="national-2024",
    )
    disclosure = result.disclosure
    assert disclosure.layout == "national-2024"
    assert [r.code for r in rows(disclosure, "05")] == ["", "201", "20106", "2010601", "2010602"]
    assert amount(disclosure, "05", "2010602", "spend_project") == Decimal("234.56")
    assert disclosure.tables.get(number="05").unit == "万元"
    assert amount(disclosure, "07", "amount", "actual_total") == Decimal("10.25")
    assert amount(disclosure, "07", "amount", "budget_vehicle_running") == Decimal("8.50")
    states = dict(disclosure.tables.values_list("number", "state"))
    assert states["05"] == "provided" and states["07"] == "provided"
    assert states["01"] == "not_provided"
