"""Layouts are data: every declaration loads and holds together, and a second layout works
with no code of its own."""

import io
import tomllib
from decimal import Decimal

import openpyxl
import pytest

from disclosure.layouts import LAYOUT_DIR, LayoutError, all_layouts, get_layout, parse_layout
from disclosure.services import disclosure_import
from tests.helpers import amount, rows


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


def test_column_headers_carry_their_groups():
    spec = get_layout("yunnan-2021").table("05")
    assert spec.column("spend_personnel").header == "本年支出/基本支出/人员经费"
    assert spec.column("spend_basic").sum_of == ("spend_personnel", "spend_public")


def national_workbook() -> bytes:
    """A national-2024 workbook: codes in three columns, amounts in 万元, 公开07 without 行次."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表5"
    for row in [
        ["一般公共预算财政拨款支出决算表"],
        ["公开05表"],
        ["单位：万元"],
        ["科目编码", None, None, "科目名称", "本年支出", None, None],
        ["类", "款", "项", None, "合计", "基本支出", "项目支出"],
        [None, None, None, "合计", 1234.56, 1000.00, 234.56],
        ["201", None, None, "一般公共服务支出", 1234.56, 1000.00, 234.56],
        ["201", "06", None, "财政事务", 1234.56, 1000.00, 234.56],
        [None, None, "01", "行政运行", 1000.00, 1000.00, None],
        [None, None, "02", "一般行政管理事务", 234.56, None, 234.56],
    ]:
        ws.append(row)
    ws2 = book.create_sheet("三公")
    for row in [
        ["一般公共预算财政拨款“三公”经费支出决算表"],
        ["单位：万元"],
        [None, "预算数", None, None, None, None, None, "决算数"],
        ["金额", 12.5, 0, 8.5, 0, 8.5, 4.0, 10.25, 0, 7.0, 0, 7.0, 3.25],
    ]:
        ws2.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_national_layout_imports_three_column_codes_in_wan_yuan():
    result = disclosure_import(
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
