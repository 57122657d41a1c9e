"""A national-2024 disclosure read from its published PDF gets its charts, glance figures,
三公 board entries, cross-table checks and export columns from what the layout declares
(each table's role, the named cells, the 三公 items' economic codes), not from table numbers:
its 三公 table is 表7 where Yunnan's is 公开09, and its 表8/表9 are the fund tables."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from disclosure import charts, selectors
from disclosure.checks.between import _sangong_cells
from disclosure.checks.engine import run_checks
from disclosure.checks.loader import load_context
from disclosure.glance import disclosure_glance
from tests.helpers import import_file, import_real
from tests.test_import_pdf import CAIZHENGJU
from tests.workbooks import national_workbook

pytestmark = pytest.mark.django_db

# The rules that find their tables by role and pass on this document.
BETWEEN = (
    "between.summary_income",
    "between.summary_spend",
    "between.fiscal_income",
    "between.general",
    "between.fund",
    "between.capital",
    "between.basic_economic",
    "between.sangong_economic",
)


@pytest.fixture
def caizhengju():
    return import_real(CAIZHENGJU, publish=True)


def test_the_charts_read_the_tables_and_cells_the_layout_declares(caizhengju):
    tables = selectors.disclosure_tables(caizhengju)
    drawn = {c.key: c.rows for c in charts.charts_for_disclosure(caizhengju, tables)}
    # role "spend" (表3): its classes by 本年支出合计.
    assert drawn["by-class"][:3] == [
        ("201 一般公共服务支出", "2,106.66 万元"),
        ("221 住房保障支出", "445.69 万元"),
        ("208 社会保障和就业支出", "326.72 万元"),
    ]
    assert drawn["basic-project"] == [("基本支出", "2,336.91 万元"), ("项目支出", "603.14 万元")]
    # role "basic_economic" (表6): 人员经费/公用经费合计, then its largest 302 items.
    assert drawn["personnel-public"][:3] == [
        ("人员经费", "2,152.26 万元"),
        ("公用经费", "184.65 万元"),
        ("30239 其他交通费用", "48.49 万元"),
    ]
    # role "sangong" is 表7 here: its 预算数 0.95 is read from the declared cells.
    assert drawn["sangong"][0] == ("“三公”经费合计·预算", "0.95 万元")
    assert ("公务接待费·预算", "0.95 万元") in drawn["sangong"]


def test_the_glance_reads_the_declared_figures_and_links_to_their_tables(caizhengju):
    glance = disclosure_glance(caizhengju)
    assert [(f.key, f.value, f.table) for f in glance.totals] == [
        ("income_total", Decimal("2946.25"), "02"),
        ("spend_total", Decimal("2940.05"), "03"),
    ]
    assert [(f.key, f.value, f.share) for f in glance.classes] == [
        ("201", Decimal("2106.66"), Decimal("71.7")),
        ("221", Decimal("445.69"), Decimal("15.2")),
        ("208", Decimal("326.72"), Decimal("11.1")),
    ]
    assert [[(f.key, f.value, f.table) for f in pair] for pair in glance.splits] == [
        [("spend_basic", Decimal("2336.91"), "03"), ("spend_project", Decimal("603.14"), "03")],
        [("personnel", Decimal("2152.26"), "06"), ("public_costs", Decimal("184.65"), "06")],
    ]
    # 表7 prints budgets only (its 决算数 are blank): never a budget taken for a final.
    assert [(b.label, b.table, b.budget, b.actual) for b in glance.sangong] == [
        ("“三公”经费合计", "07", Decimal("0.95"), None),
        ("公务接待费", "07", Decimal("0.95"), None),
    ]
    assert glance.sangong_unit == "万元"


def test_the_board_takes_its_columns_and_entries_from_the_declared_cells(client, caizhengju):
    import_file(
        data=national_workbook(hospitality=3.0),
        department_code="sh-caizheng",
        department_name="上海市财政局",
        year=2024,
        layout="national-2024",
        publish=True,
    )
    response = client.get("/boards/2024/")
    table = response.context["table"]
    assert [f.key for f in response.context["figures"]] == [
        "sangong_actual",
        "abroad_actual",
        "vehicles_actual",
        "hospitality_actual",
        "running_costs",
    ]  # the national form prints 机关运行经费 only in its 说明: the board reads it from there
    entries = {row["department"]: row for row in table.data.data}
    assert entries["上海市普陀区财政局"]["running_costs"] == Decimal("184.65")
    assert entries["上海市财政局"]["sangong_actual"] == Decimal("10.25")
    assert entries["上海市财政局"]["vehicles_actual"] == Decimal("7.00")
    assert entries["上海市财政局"]["hospitality_actual"] == Decimal("3.00")
    assert entries["上海市普陀区财政局"]["sangong_actual"] is None  # printed blank
    assert response.context["totals"]["sangong_actual"] == Decimal("10.25")


def test_the_checks_compare_table_6_with_the_sangong_columns_the_layout_names(caizhengju):
    context = load_context(caizhengju)
    assert context.role("sangong").number == "07"
    assert context.role("fund").number == "08" and context.role("capital").number == "09"
    assert _sangong_cells(context) == [
        (("30212",), "amount", "actual_abroad", "因公出国（境）费"),
        (("31013",), "amount", "actual_vehicle_purchase", "公务用车购置费"),
        (("30231",), "amount", "actual_vehicle_running", "公务用车运行维护费"),
        (("30217",), "amount", "actual_hospitality", "公务接待费"),
    ]
    outcomes = {o.rule.id: o for o in run_checks(caizhengju, context=context).outcomes}
    statuses = {rule: outcomes[rule].status for rule in BETWEEN}
    assert statuses == dict.fromkeys(BETWEEN, "passed")
    # The national form states 机关运行经费 only in the 说明: compared from there.
    assert outcomes["between.running_costs"].status == "passed"


def test_the_table_export_is_headed_by_the_declared_columns(client, caizhengju):
    text = client.get("/data/2024/pt-czj/tables/07.csv").content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))[:2]
    record = dict(zip(header, row, strict=True))
    assert record["财政拨款“三公”经费/合计/预算数"] == "0.95"
    assert record["财政拨款“三公”经费/公务接待费/预算数"] == "0.95"
    assert record["财政拨款“三公”经费/合计/决算数"] == ""
    assert record["金额单位"] == "万元"


def test_a_board_of_tables_in_yuan_and_in_wan_yuan_shows_every_figure_in_yuan(
    client, caizhengju, seed_text
):
    # The seed (Yunnan form, 元) published for the same year beside the national one (万元).
    seed_2024 = seed_text.replace("2021", "2024")
    import_file(data=seed_2024.encode(), department_code="yuxi-xinfang", year=2024, publish=True)
    response = client.get("/boards/2024/")
    entries = {row["department"]: row for row in response.context["table"].data.data}
    assert response.context["unit"] == "元" and response.context["converted"]
    assert entries["上海市普陀区财政局"]["running_costs"] == Decimal("1846500.00")  # 184.65 万元
    assert entries["玉溪市信访局"]["running_costs"] == Decimal("1908493.00")  # printed in 元
    assert response.context["totals"]["running_costs"] == Decimal("3754993.00")
    page = response.content.decode()
    assert "按决算数（元）" in page and "都换算为元" in page


def test_a_board_of_tables_in_wan_yuan_only_stays_in_wan_yuan(client, caizhengju):
    response = client.get("/boards/2024/")
    assert response.context["unit"] == "万元" and not response.context["converted"]
    assert "按决算数（万元）" in response.content.decode()
