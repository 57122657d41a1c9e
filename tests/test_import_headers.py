"""Amount columns are matched by their printed header text (group and leaf, or a wording
the layout declares as an alias), not by cell position. A header that names only some
declared columns places the others by position where they fit, and says so, or the file is
refused naming the heading; without a header, the positional rule stays. A number is a
栏次 marker only on a 栏次 line."""

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


def test_a_header_shifted_against_its_lanci_line_leaves_the_positions_as_declared_and_says_so(
    seed_bytes,
):
    # The seed's 公开03 is a copied text whose merged cells lost their spans: 本年支出合计
    # stands over the name and 项目支出 two cells right of its amounts, while the 栏次 line
    # prints 1 2 3 4 over the amounts, where the layout reads them. The 栏次 line decides.
    doc = read_document(seed_bytes, layout="yunnan-2021")
    assert amounts(doc, "03", "total") == {
        "total": Decimal("9918893.45"),
        "basic": Decimal("8733858.45"),
        "project": Decimal("1185035.00"),
    }
    assert (
        "公开03 第 40 行第 C 列：表头“本年支出合计”与栏次行错位（它是栏次 1，栏次 1 却印在"
        "第 E 列）；栏次与表式的位置一致，已按表式的位置读取金额"
    ) in doc.findings


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
    from tests.test_import_pdf import CAIZHENGJU, SHEHUI, TEMPLATE

    placed = _placed_by_header(CAIZHENGJU)
    assert placed["02"] == [[4, 5, 6, 7, 8, 9, 10]]  # codes in 类 | 款 | 项, then 科目名称
    assert placed["05"] == [[4, 5, 6]]
    assert placed["09"] == [[4, 5, 6, 7, 8, 9]]  # 本年支出 over 小计, 基本支出, 项目支出
    assert placed["04"] == [[1], [3, 4, 5, 6]]  # each panel under its 收入 / 支出 heading
    # 表7 prints “公务用车运行费” where the layout declares 公务用车运行维护费, an alias.
    assert placed["07"] == [list(range(12))]
    assert placed["06"] is None  # economic codes in side-by-side blocks: by position
    shehui = _placed_by_header(SHEHUI)
    assert shehui["07"] == [list(range(12))]  # 预算数 and 决算数 under each item, by group
    # 本年支出's 小计 printed as 合计 (an alias), in the empty 表8 and 表9.
    assert shehui["08"] == shehui["09"] == [[2, 3, 4, 5, 6, 7]]
    template = _placed_by_header(TEMPLATE)
    for placements in (placed, shehui, template):
        assert [n for n, p in placements.items() if p is None] == ["06"]


def test_the_real_caizhengju_three_public_expenses_are_placed_by_their_headings_with_no_note():
    from tests.test_import_pdf import CAIZHENGJU, parsed

    doc = parsed(CAIZHENGJU)
    (row,) = doc.tables["07"].rows
    assert {key: value for key, (value, _) in row.amounts.items()} == {
        "budget_total": Decimal("0.95"),
        "budget_hospitality": Decimal("0.95"),
    }
    assert row.sources["budget_total"] == "第 18 页第 8 行第 A 列 [26,255,92,279]"
    assert row.sources["budget_hospitality"] == "第 18 页第 8 行第 K 列 [684,255,750,279]"
    assert not [note for note in doc.findings if note.startswith("公开07")]
    assert doc.findings == []


def test_a_misspelt_heading_where_a_declared_column_is_missing_is_read_by_position_and_noted():
    header = [HEADER_5[0], ["类", "款", "项", None, "合计", "基本经费", "项目支出"]]
    doc = read_document(table_5(header, BODY_5), layout="national-2024")
    assert amounts(doc, "05", "201") == {
        "spend_total": Decimal("1234.56"),
        "spend_basic": Decimal("1000.00"),
        "spend_project": Decimal("234.56"),
    }
    assert doc.findings == [
        "公开05 工作表“表5”第 5 行第 F 列：表头“基本经费”不是表式中的栏目名，"
        "按它的位置当作栏目“基本支出”读取"
    ]


def test_misspelt_headings_in_a_reordered_header_are_placed_between_their_named_neighbours():
    # 表7 with 公务接待费 first and 因公出国（境）费 printed as 因公出国费: its two columns
    # sit between 合计 and 公务用车购置及运行维护费, where the layout has them.
    data = workbook(
        {
            "三公": [
                ["财政拨款“三公”经费支出决算表"],
                ["单位：万元"],
                ["财政拨款“三公”经费"],
                ["公务接待费", None, "合计", None, "因公出国费", None, "公务用车购置及运行维护费"],
                [*[None] * 6, "小计", None, "公务用车购置费", None, "公务用车运行维护费"],
                ["预算数", "决算数", *["预算数", "决算数"] * 5],
                [4.0, 3.25, 12.5, 10.25, 1.5, 1.25, 7.0, 5.75, 0.0, 0.0, 7.0, 5.75],
            ]
        }
    )
    doc = read_document(data, layout="national-2024")
    got = amounts(doc, "07", "amount")
    assert (got["budget_abroad"], got["actual_abroad"]) == (Decimal("1.50"), Decimal("1.25"))
    assert (got["budget_hospitality"], got["actual_hospitality"]) == (
        Decimal("4.00"),
        Decimal("3.25"),
    )
    assert doc.findings == [
        "公开07 工作表“三公”第 6 行第 E 列：表头“预算数”不是表式中的栏目名，"
        "按它的位置当作栏目“财政拨款“三公”经费/因公出国（境）费/预算数”读取",
        "公开07 工作表“三公”第 6 行第 F 列：表头“决算数”不是表式中的栏目名，"
        "按它的位置当作栏目“财政拨款“三公”经费/因公出国（境）费/决算数”读取",
    ]


def test_an_unknown_heading_where_the_missing_column_cannot_be_is_refused_naming_it():
    # 基本支出 printed as 基本经费, but after 项目支出: the missing column has no room
    # between 合计 and 项目支出, and the unknown heading stands where nothing is missing.
    header = [HEADER_5[0], ["类", "款", "项", None, "合计", "项目支出", "基本经费"]]
    body = [
        [None, None, None, "合计", 1234.56, 234.56, 1000.0],
        ["201", None, None, "一般公共服务支出", 1234.56, 234.56, 1000.0],
    ]
    message = rejected(table_5(header, body))
    assert (
        "公开05 工作表“表5”第 5 行第 G 列：“基本经费” —— 表头“基本经费”不是表式"
        "“全国部门决算公开表式（2024）”中公开05的栏目，也无法按位置当作表头中找不到的栏目"
        "“基本支出”（位置或个数对不上）：请按表式的栏目填写表头"
    ) in message


def test_a_declared_column_with_no_heading_anywhere_is_refused_naming_it():
    header = [HEADER_5[0], ["类", "款", "项", None, "合计", None, "项目支出"]]
    message = rejected(table_5(header, BODY_5))
    assert (
        "公开05 工作表“表5”第 5 行 —— 表头中找不到栏目“基本支出”，它的位置上也没有别的表头"
    ) in message


def test_a_number_heading_among_real_headings_with_amounts_under_it_is_not_dropped():
    # “3” is not a 栏次 here: the row's other cells are headings. It is a column heading
    # the layout does not declare, and amounts stand under it.
    header = [HEADER_5[0], ["类", "款", "项", None, "合计", "基本支出", "项目支出", "3"]]
    body = [[*row, 7.5] for row in BODY_5]
    message = rejected(table_5(header, body))
    assert "公开05 工作表“表5”第 5 行第 H 列：“3” —— 表头“3”不是" in message
    assert "而它下面有金额（如第 6 行的“7.5”）" in message


def test_a_lanci_line_under_the_headings_is_not_read_as_headings():
    header = [*HEADER_5, ["栏次", None, None, None, "1", "2", "3"]]
    doc = read_document(table_5(header, BODY_5), layout="national-2024")
    assert amounts(doc, "05", "201") == {
        "spend_total": Decimal("1234.56"),
        "spend_basic": Decimal("1000.00"),
        "spend_project": Decimal("234.56"),
    }
    assert doc.findings == []


def test_a_lanci_line_is_a_whole_row_of_markers_numbered_in_sequence():
    from disclosure.importing.headers import is_lanci_line

    assert is_lanci_line(["栏次", "1", "2", "3"])
    assert is_lanci_line(["类", "款", "项", "栏 次", "1", "2"])  # code parts beside them
    assert is_lanci_line(["栏 次", "1", "栏 次", "2", "3", "4", "5"])  # two panels
    assert not is_lanci_line(["合计", "基本支出", "3"])  # a heading among headings
    assert not is_lanci_line(["1", "3"])  # not in sequence
    assert not is_lanci_line(["1", "2", "1", "2"])  # 云南 2021 公开09's leaf headings
    assert not is_lanci_line(["类", "款", "项"])  # the code column's own headings


def _seed_with_fiscal_heading_shortened(seed_text: str) -> bytes:
    header = "\t本年收入合计\t财政拨款收入\t上级补助收入\t"
    assert seed_text.count(header) == 1
    return seed_text.replace(header, "\t本年收入合计\t财政拨款\t上级补助收入\t").encode("utf-8")


FISCAL_NOTE = (
    "公开02 第 8 行第 F 列：表头“财政拨款”不是表式中的栏目名，按它的位置当作栏目“财政拨款收入”读取"
)


def test_the_seed_with_a_heading_worded_otherwise_reads_the_same_amounts_and_notes_it(seed_text):
    before = read_document(seed_text.encode("utf-8"), layout="yunnan-2021")
    after = read_document(_seed_with_fiscal_heading_shortened(seed_text), layout="yunnan-2021")
    assert after.digest() == before.digest()
    assert amounts(after, "02", "total")["fiscal"] == Decimal("9733858.45")
    assert after.findings == [FISCAL_NOTE, *before.findings]


def test_the_seed_s_header_notes_are_its_three_shifted_tables_and_nothing_else(seed_bytes):
    # 公开04 prints 一般公共预算拨款 (an alias of 一般公共预算财政拨款): placed, no note.
    doc = read_document(seed_bytes, layout="yunnan-2021")
    assert [note.split(" ")[0] for note in doc.findings] == ["公开03", "公开05", "公开07"]
    assert all("与栏次行错位" in note for note in doc.findings)


@pytest.mark.django_db
def test_the_workspace_upload_shows_the_heading_read_by_position(client, preparer, seed_text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(preparer)
    upload = SimpleUploadedFile("seed.txt", _seed_with_fiscal_heading_shortened(seed_text))
    page = client.post("/workspace/upload/", {"year": 2021, "file": upload}, follow=True)
    assert page.status_code == 200
    # The same amounts as the seed already stored: nothing changes, and the note is shown.
    assert "内容相同，未作改动" in page.content.decode()
    assert FISCAL_NOTE in page.content.decode()


def test_a_row_label_reading_like_one_heading_is_too_little_to_be_a_header_and_says_so():
    # No header rows; the 合计 line, blank, stands above the first amount and its label
    # reads like 表5's 合计 column: one of three columns, so the positions decide.
    body = [[None, None, None, "合计", None, None, None], *BODY_5[1:]]
    doc = read_document(table_5([], body), layout="national-2024")
    assert amounts(doc, "05", "201") == {
        "spend_total": Decimal("1234.56"),
        "spend_basic": Decimal("1000.00"),
        "spend_project": Decimal("234.56"),
    }
    assert doc.findings == [
        "公开05 工作表“表5”第 4 行第 D 列：表头只认出表式 3 个栏目中的 1 个（“合计”），"
        "不足以按表头定位，已按表式的位置读取金额"
    ]


def test_a_panel_heading_worded_otherwise_is_placed_within_its_panel_and_noted():
    # 表4's 支出 panel prints 小计 for 合计: its place is between the panel's 项目 (a label
    # column, never an amount) and 一般公共预算财政拨款.
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
                    "小计",
                    "一般公共预算财政拨款",
                    "政府性基金预算财政拨款",
                    "国有资本经营预算财政拨款",
                ],
                [
                    "一、一般公共预算财政拨款",
                    100.5,
                    "一、一般公共服务支出",
                    91.75,
                    90.25,
                    None,
                    1.5,
                ],
            ]
        }
    )
    doc = read_document(data, layout="national-2024")
    by_name = {r.name: r for r in doc.tables["04"].rows}
    assert {k: v for k, (v, _) in by_name["一、一般公共服务支出"].amounts.items()} == {
        "total": Decimal("91.75"),
        "general": Decimal("90.25"),
        "capital": Decimal("1.50"),
    }
    assert doc.findings == [
        "公开04 工作表“表4”第 4 行第 D 列：表头“小计”不是表式中的栏目名，"
        "按它的位置当作栏目“支出/合计”读取"
    ]
