"""Amount columns are matched by their printed header text (group and leaf), not by cell
position; without a header that names every declared column, the positional rule stays."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from disclosure.importing.errors import ImportRejected
from disclosure.importing.reader import read_document

TITLE_5 = "一般公共预算财政拨款支出决算表"


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, float):
                    cell.number_format = "#,##0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def amounts(doc, number: str, key: str) -> dict[str, Decimal | None]:
    row = next(r for r in doc.tables[number].rows if r.key == key)
    return {column: value for column, (value, _mark) in row.amounts.items()}


def rejected(data: bytes) -> str:
    with pytest.raises(ImportRejected) as info:
        read_document(data, layout="national-2024")
    return str(info.value)


def table_5(header: list[list], body: list[list]) -> bytes:
    return workbook({"表5": [[TITLE_5], ["公开05表"], ["单位：万元"], *header, *body]})


def test_the_three_public_expenses_in_another_order_are_read_by_their_headings():
    # 表7 with 公务接待费 printed first, and 决算数 before 预算数 under it.
    data = workbook(
        {
            "三公": [
                ["财政拨款“三公”经费支出决算表"],
                ["单位：万元"],
                ["财政拨款“三公”经费"],
                [
                    "公务接待费",
                    None,
                    "合计",
                    None,
                    "因公出国（境）费",
                    None,
                    "公务用车购置及运行维护费",
                ],
                [*[None] * 6, "小计", None, "公务用车购置费", None, "公务用车 运行维护费"],
                ["决算数", "预算数", *["预算数", "决算数"] * 5],
                [3.25, 4.0, 12.5, 10.25, 0.0, 0.0, 8.5, 7.0, 0.0, 0.0, 8.5, 7.0],
            ]
        }
    )
    doc = read_document(data, layout="national-2024")
    assert amounts(doc, "07", "amount") == {
        "actual_hospitality": Decimal("3.25"),
        "budget_hospitality": Decimal("4.00"),
        "budget_total": Decimal("12.50"),
        "actual_total": Decimal("10.25"),
        "budget_abroad": Decimal("0.00"),
        "actual_abroad": Decimal("0.00"),
        "budget_vehicles": Decimal("8.50"),
        "actual_vehicles": Decimal("7.00"),
        "budget_vehicle_purchase": Decimal("0.00"),
        "actual_vehicle_purchase": Decimal("0.00"),
        "budget_vehicle_running": Decimal("8.50"),
        "actual_vehicle_running": Decimal("7.00"),
    }
    source = next(r for r in doc.tables["07"].rows if r.key == "amount").sources
    assert source["actual_hospitality"] == "工作表“三公”第 7 行第 A 列"


def test_the_seed_revenue_table_with_its_columns_reordered_reads_the_same_amounts(seed_text):
    """公开02 of the seed with its amount columns printed in another order (事业收入's two
    sub-columns kept together under their merged group heading)."""
    order = [11, 10, 9, 7, 8, 6, 5, 4]  # the printed cells 4–11, right to left
    lines = seed_text.splitlines()
    start = lines.index("收入决算表")
    end = lines.index("支出决算表")
    moved = []
    for line in lines[start:end]:
        cells = line.split("\t")
        if len(cells) >= 12:
            cells = cells[:4] + [cells[i] for i in order] + cells[12:]
        moved.append("\t".join(cells))
    reordered = "\n".join(lines[:start] + moved + lines[end:]).encode("utf-8")
    assert reordered != seed_text.encode("utf-8")
    before = read_document(seed_text.encode("utf-8"), layout="yunnan-2021")
    after = read_document(reordered, layout="yunnan-2021")
    for row in before.tables["02"].rows:
        assert amounts(after, "02", row.key) == amounts(before, "02", row.key), row.key
    assert amounts(after, "02", "total")["total"] == Decimal("9733858.45")
    assert after.digest() == before.digest()


HEADER_5 = [
    ["科目编码", None, None, "科目名称", "本年支出"],
    ["类", "款", "项", None, "合计", "基本支出", "项目支出"],
]
BODY_5 = [
    [None, None, None, "合计", 1234.56, 1000.0, 234.56],
    ["201", None, None, "一般公共服务支出", 1234.56, 1000.0, 234.56],
    ["201", "06", "01", "行政运行", 1000.0, 1000.0, None],
]


def _with_column(rows: list[list], at: int, values: list) -> list[list]:
    return [
        [*row[:at], value, *row[at:]] + [None] * (at - len(row))
        for row, value in zip(rows, values, strict=True)
    ]


def test_a_panel_with_its_columns_in_another_order_is_read_by_its_headings():
    # 表4's 支出 panel with 国有资本经营预算财政拨款 printed first.
    data = workbook(
        {
            "表4": [
                ["财政拨款收入支出决算总表"],
                ["单位：万元"],
                ["收入", None, "支出"],
                [
                    "项目",
                    "决算数",
                    "项目",
                    "国有资本经营预算财政拨款",
                    "合计",
                    "一般公共预算财政拨款",
                    "政府性基金预算财政拨款",
                ],
                [
                    "一、一般公共预算财政拨款",
                    100.5,
                    "一、一般公共服务支出",
                    1.5,
                    91.75,
                    90.25,
                    None,
                ],
            ]
        }
    )
    doc = read_document(data, layout="national-2024")
    by_name = {r.name: r for r in doc.tables["04"].rows}
    assert {k: v for k, (v, _) in by_name["一、一般公共服务支出"].amounts.items()} == {
        "capital": Decimal("1.50"),
        "total": Decimal("91.75"),
        "general": Decimal("90.25"),
    }
    assert by_name["一、一般公共预算财政拨款"].amounts["amount"][0] == Decimal("100.50")


def test_a_remark_column_in_the_middle_is_left_aside_and_every_amount_stays_in_its_column():
    header = _with_column(HEADER_5, 6, [None, "备 注"])
    body = _with_column(BODY_5, 6, [None, "见说明", "含上年结转"])
    doc = read_document(table_5(header, body), layout="national-2024")
    assert amounts(doc, "05", "201") == {
        "spend_total": Decimal("1234.56"),
        "spend_basic": Decimal("1000.00"),
        "spend_project": Decimal("234.56"),
    }
    assert amounts(doc, "05", "2010601") == {
        "spend_total": Decimal("1000.00"),
        "spend_basic": Decimal("1000.00"),
    }


def test_a_heading_the_layout_does_not_declare_with_amounts_under_it_is_refused_naming_it():
    header = _with_column(HEADER_5, 6, [None, "预备费支出"])
    body = _with_column(BODY_5, 6, [5.0, 5.0, None])
    message = rejected(table_5(header, body))
    assert "公开05 工作表“表5”第 5 行第 G 列：“预备费支出” —— 表头“预备费支出”不是" in message
    assert "而它下面有金额（如第 6 行的“5”）" in message


def test_a_declared_column_printed_twice_is_refused_naming_the_second():
    header = _with_column(HEADER_5, 7, [None, "基本支出"])
    body = _with_column(BODY_5, 7, [1000.0, 1000.0, 1000.0])
    message = rejected(table_5(header, body))
    assert (
        "公开05 工作表“表5”第 5 行第 H 列：“基本支出” —— 栏目“基本支出”在表头中出现了两次"
        in message
    )


def test_without_header_rows_the_amounts_are_read_by_position():
    doc = read_document(table_5([], BODY_5), layout="national-2024")
    assert amounts(doc, "05", "201") == {
        "spend_total": Decimal("1234.56"),
        "spend_basic": Decimal("1000.00"),
        "spend_project": Decimal("234.56"),
    }


def test_a_header_that_does_not_name_every_declared_column_leaves_the_positions_as_declared(
    seed_bytes,
):
    # The seed's 公开03 prints 本年支出合计 over the name and 项目支出 two cells right of its
    # amounts, and no 基本支出: the header is not recognised, the declared positions stay.
    doc = read_document(seed_bytes, layout="yunnan-2021")
    assert amounts(doc, "03", "total") == {
        "total": Decimal("9918893.45"),
        "basic": Decimal("8733858.45"),
        "project": Decimal("1185035.00"),
    }


def _placed_by_header(name: str) -> dict[str, list[int] | None]:
    """Each amount table of a real PDF: the cells its header placed the columns in, or
    None where the positional rule applied."""
    from disclosure.importing.parser import LayoutParser, title_key
    from disclosure.importing.pdf import read_pdf
    from disclosure.layouts import get_layout
    from tests.test_import_pdf import _shared

    layout = get_layout("national-2024")
    titles = {title_key(t.title) for t in layout.tables}
    sheet = read_pdf((_shared("real") / name).read_bytes(), titles).sheet
    parser = LayoutParser(layout)
    placed = {}
    for region in parser.find_regions([sheet]):
        parser._place_by_header(region)
        placed[region.spec.number] = region.positions
    assert parser.problems == []
    return placed


def test_the_real_documents_headers_place_their_columns_where_they_name_them_all():
    from tests.test_import_pdf import CAIZHENGJU, SHEHUI

    placed = _placed_by_header(CAIZHENGJU)
    assert placed["02"] == [[4, 5, 6, 7, 8, 9, 10]]  # codes in 类 | 款 | 项, then 科目名称
    assert placed["05"] == [[4, 5, 6]]
    assert placed["09"] == [[4, 5, 6, 7, 8, 9]]  # 本年支出 over 小计, 基本支出, 项目支出
    assert placed["04"] == [[1], [3, 4, 5, 6]]  # each panel under its 收入 / 支出 heading
    # 表7 prints “公务用车运行费” where the layout declares 公务用车运行维护费: positions.
    assert placed["07"] is None
    assert placed["06"] is None  # economic codes in side-by-side blocks: by position
    shehui = _placed_by_header(SHEHUI)
    assert shehui["07"] == [list(range(12))]  # 预算数 and 决算数 under each item, by group
