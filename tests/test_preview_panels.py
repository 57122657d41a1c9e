"""The import preview lays a table of side-by-side panels (收入 | 支出) out as printed: each
line of the left panel on the same row as the line printed beside it on the right, each
panel with its own 项目, 行次 (where printed) and amount columns, as the public table pairs
them; economic blocks (人员经费 | 公用经费) likewise, their summary lines on the last row.
Tables of one panel or of codes keep their grid of one row per printed row."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.actors import system_actor
from disclosure.models import Department
from disclosure.presentation import build_table_view, paired_lines
from disclosure.previews import workbook_import_preview
from disclosure.selectors import disclosure_tables
from tests.helpers import import_real
from tests.test_admin_imports import WORKBOOK, staff
from tests.test_import_pdf import CAIZHENGJU, SHEHUI, _shared
from tests.test_workspace_pdf_preview import upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_directory(settings, tmp_path):
    settings.PORTAL_UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture
def czj_preparer(db):
    from accounts.models import User

    department = Department.objects.create(code="pt-czj", name="上海市普陀区财政局")
    return User.objects.create_user("czj", role="preparer", department=department)


def real(name: str) -> bytes:
    return (_shared("real") / name).read_bytes()


def tables_of(page) -> dict:
    return {t.number: t for t in page.context["preview"].tables}


# 表1 of the 财政局 PDF as pdfplumber reads its printed rows (pages 6 and 7): the income
# line printed beside each expenditure line, with the amounts as printed.
CAIZHENGJU_TABLE_1 = [
    ["一、一般公共预算财政拨款收入", "2,940.05", "一、一般公共服务支出", "2,106.66"],
    ["二、政府性基金预算财政拨款收入", "", "二、外交支出", ""],
    ["三、国有资本经营预算财政拨款收入", "", "三、国防支出", ""],
    ["四、上级补助收入", "", "四、公共安全支出", ""],
    ["五、事业收入", "", "五、教育支出", ""],
    ["六、经营收入", "", "六、科学技术支出", ""],
    ["七、附属单位上缴收入", "", "七、文化旅游体育与传媒支出", ""],
    ["八、其他收入", "6.20", "八、社会保障和就业支出", "326.71"],
    ["", "", "九、卫生健康支出", "60.99"],
    *(
        ["", "", label, ""]
        for label in (
            "十、节能环保支出",
            "十一、城乡社区支出",
            "十二、农林水支出",
            "十三、交通运输支出",
            "十四、资源勘探工业信息等支出",
            "十五、商业服务业等支出",
            "十六、金融支出",
            "十七、援助其他地区支出",
            "十八、自然资源海洋气象等支出",
        )
    ),
    ["", "", "十九、住房保障支出", "445.69"],
    *(
        ["", "", label, ""]
        for label in (
            "二十、粮油物资储备支出",
            "二十一、国有资本经营预算支出",
            "二十二、灾害防治及应急管理支出",
            "二十三、其他支出",
            "二十四、债务还本支出",
            "二十五、债务付息支出",
            "二十六、抗疫特别国债安排的支出",
        )
    ),
    ["本年收入合计", "2,946.25", "本年支出合计", "2,940.05"],
    ["使用非财政拨款结余（含专用结余）", "", "结余分配", ""],
    ["年初结转和结余", "49.14", "年末结转和结余", "55.34"],
    ["总计", "2,995.39", "总计", "2,995.39"],
]


def test_table_1_pairs_each_income_line_with_the_expenditure_line_printed_beside_it(
    client, czj_preparer
):
    client.force_login(czj_preparer)
    page = upload(client, real(CAIZHENGJU))
    assert page.status_code == 200
    grid = tables_of(page)["01"].grid
    assert [(p.title, p.span) for p in grid.panels] == [("收入", 2), ("支出", 2)]
    assert grid.header == ["项目", "决算数", "项目", "决算数"]  # no 行次: the form prints none
    assert grid.rows[0] == [
        "一、一般公共预算财政拨款收入",
        "2,940.05",
        "一、一般公共服务支出",
        "2,106.66",
    ]
    # Not by each panel's count of lines read: 收入 reads nothing for its blank lines, and
    # its 本年收入合计 is printed beside 本年支出合计, not beside 九、卫生健康支出.
    assert ["本年收入合计", "2,946.25", "本年支出合计", "2,940.05"] in grid.rows
    assert ["", "", "九、卫生健康支出", "60.99"] in grid.rows  # no partner: its half empty
    assert grid.rows == CAIZHENGJU_TABLE_1
    # In the page: one row of the table holds both lines, the panels under their titles.
    html = page.content.decode()
    section = html[html.index('id="pdf-01"') : html.index('id="pdf-02"')]
    assert (
        '<tr><td class="label">一、一般公共预算财政拨款收入</td><td class="num">2,940.05</td>'
        '<td class="label panel-start">一、一般公共服务支出</td><td class="num">2,106.66</td></tr>'
    ) in section
    assert '<th scope="colgroup" colspan="2">收入</th>' in section
    assert '<th scope="colgroup" colspan="2" class="panel-start">支出</th>' in section
    assert section.count('<colgroup span="2"></colgroup>') == 2
    assert "<caption" in section and "收入支出决算总表 读出的数字" in section


HEADER_STARTS = ("收入", "项目", "经济分类", "科目编码", "类")


def printed_rows(data: bytes, pages: list[int]) -> list[list[str]]:
    """The rows pdfplumber reads from a table's pages, line breaks and spaces inside a cell
    dropped; the header rows (收入 | 支出, 项目 …, 经济分类 …) and rows with nothing
    printed left out."""
    rows = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number in pages:
            for table in pdf.pages[number - 1].extract_tables():
                for row in table:
                    cells = [(c or "").replace("\n", "").replace(" ", "") for c in row]
                    if any(cells) and not cells[0].startswith(HEADER_STARTS):
                        rows.append(cells)
    return rows


def as_blocks(row: list[str], blocks: int) -> list[str]:
    """A printed row of economic blocks as the grid shows it: each block's code in one cell
    (类 | 款 joined), and a summary label (人员经费合计) in the name's cell."""
    width = len(row) // blocks
    cells = []
    for b in range(blocks):
        block = row[b * width : (b + 1) * width]
        code, name, amount = "".join(block[: width - 2]), block[-2], block[-1]
        cells += [code, name, amount] if code.isdigit() or not code else ["", code, amount]
    return cells


@pytest.mark.parametrize("name", [CAIZHENGJU, SHEHUI])
@pytest.mark.parametrize("number", ["01", "04", "06"])
def test_each_side_by_side_grid_is_the_printed_table_row_for_row(name, number):
    """Every row of the preview's grid is the row pdfplumber reads on the page, cell for
    cell: the lines (or codes) beside each other and their amounts as printed."""
    department = Department.objects.create(code="pt", name="上海市普陀区")
    preview = workbook_import_preview(
        data=real(name), department=department, year=2024, user=system_actor(), layout=None
    )
    table = next(t for t in preview.tables if t.number == number)
    printed = printed_rows(real(name), [image.page for image in table.pages])
    if number == "06":
        printed = [as_blocks(row, len(table.grid.panels)) for row in printed]
    assert len(printed) >= 30
    assert table.grid.rows == printed


def test_the_lines_printed_with_a_line_number_keep_it_in_each_panel(client, preparer, seed_bytes):
    """公开04 of the seed prints 行次 in both panels: each panel shows its own, and a line
    printed with a 行次 and no label keeps its place."""
    client.force_login(staff(preparer))
    page = client.post(
        WORKBOOK,
        {"year": 2021, "layout": "yunnan-2021", "file": SimpleUploadedFile("seed.txt", seed_bytes)},
    )
    assert page.status_code == 200
    grid = tables_of(page)["04"].grid
    assert grid.header == [
        "项目",
        "行次",
        "决算数",
        "项目",
        "行次",
        "合计",
        "一般公共预算财政拨款",
        "政府性基金预算财政拨款",
        "国有资本经营预算财政拨款",
    ]
    assert [c.css for c in grid.columns][:4] == ["label", "num", "num", "label panel-start"]
    assert grid.rows[0] == [
        "一、一般公共预算财政拨款",
        "1",
        "9,733,858.45",
        "一、一般公共服务支出",
        "33",
        "8,167,258.99",
        "8,167,258.99",
        "",
        "",
    ]
    assert grid.rows[3] == ["", "4", "", "四、公共安全支出", "36", "", "", "", ""]
    assert grid.rows[-5:] == [
        [
            "年初财政拨款结转和结余",
            "28",
            "185,000.00",
            "年末财政拨款结转和结余",
            "60",
            "",
            "",
            "",
            "",
        ],
        ["一、一般公共预算财政拨款", "29", "185,000.00", "", "61", "", "", "", ""],
        ["二、政府性基金预算财政拨款", "30", "", "", "62", "", "", "", ""],
        ["三、国有资本经营预算财政拨款", "31", "", "", "63", "", "", "", ""],
        ["总计", "32", "9,918,858.45", "总计", "64", "9,918,858.45", "9,918,858.45", "", ""],
    ]
    assert len(grid.rows) == 32


def test_tables_of_one_panel_or_of_codes_keep_one_row_per_printed_row(client, czj_preparer):
    client.force_login(czj_preparer)
    tables = tables_of(upload(client, real(CAIZHENGJU)))
    # 表7 (三公): one panel, its one line of amounts under the grouped header.
    sangong = tables["07"].grid
    assert sangong.panels == []
    assert sangong.header[:4] == [
        "编码",
        "名称",
        "财政拨款“三公”经费/合计/预算数",
        "财政拨款“三公”经费/合计/决算数",
    ]
    assert [c.css for c in sangong.columns][:3] == ["", "label", "num"]
    assert len(sangong.rows) == 1 and sangong.rows[0][:2] == ["", "金额"]
    # 表2: a row per code, the 合计 first as printed.
    income = tables["02"].grid
    assert income.panels == []
    assert income.header == [
        "编码",
        "名称",
        "本年收入合计",
        "财政拨款收入",
        "上级补助收入",
        "事业收入",
        "经营收入",
        "附属单位上缴收入",
        "其他收入",
    ]
    assert income.rows[:2] == [
        ["", "合计", "2,946.25", "2,940.05", "", "", "", "", "6.20"],
        ["201", "一般公共服务支出", "2,112.86", "2,106.66", "", "", "", "", "6.20"],
    ]


def test_the_public_table_and_the_preview_pair_the_panels_alike():
    """The one pairing (`paired_lines`): the public table's row n holds the lines the
    preview shows on its row for the same printed line."""
    disclosure = import_real(CAIZHENGJU)
    view = next(v for v in disclosure_tables(disclosure) if v.number == "01")
    pairs = paired_lines(view.spec, list(view.record.rows.all()))
    public = build_table_view(view.spec, view.record)
    assert len(pairs) == len(public.rows) == 30
    for pair, row in zip(pairs, public.rows, strict=True):
        labels = [c.text for c in row.cells if c.kind == "label"]
        assert labels == [p.row.name if p.row else p.line.label for p in pair]
    # The 24th printed row: no income line (a blank of the form), 二十四、债务还本支出 beside.
    assert pairs[23][0].row is None and pairs[23][1].row.name == "二十四、债务还本支出"


def test_economic_blocks_lie_side_by_side_with_their_summary_lines_last(
    client, czj_preparer, preparer, seed_bytes
):
    client.force_login(czj_preparer)
    page = upload(client, real(CAIZHENGJU))
    grid = tables_of(page)["06"].grid
    assert [(p.title, p.span) for p in grid.panels] == [("人员经费", 3), ("公用经费", 3)]
    assert grid.header == ["科目编码", "科目名称", "决算数"] * 2
    assert grid.rows[0] == ["301", "工资福利支出", "2,082.85", "302", "商品和服务支出", "171.07"]
    assert ["", "", "", "310", "资本性支出", "13.58"] in grid.rows  # 人员经费 ended above
    assert grid.rows[-1] == ["", "人员经费合计", "2,152.26", "", "公用经费合计", "184.65"]
    html = page.content.decode()
    section = html[html.index('id="pdf-06"') : html.index('id="pdf-07"')]
    assert '<th scope="colgroup" colspan="3" class="panel-start">公用经费</th>' in section
    # The seed prints three blocks under two titles: 公用经费 spans the last two.
    client.force_login(staff(preparer))
    page = client.post(
        WORKBOOK,
        {"year": 2021, "layout": "yunnan-2021", "file": SimpleUploadedFile("seed.txt", seed_bytes)},
    )
    grid = tables_of(page)["06"].grid
    assert [(p.title, p.span) for p in grid.panels] == [("人员经费", 3), ("公用经费", 6)]
    assert [c.css for c in grid.columns][3::3] == ["panel-start", "panel-start"]
    assert grid.rows[0] == [
        "301",
        "工资福利支出",
        "6,641,465.45",
        "302",
        "商品和服务支出",
        "1,872,883.00",
        "310",
        "资本性支出",
        "35,610.00",
    ]
    assert grid.rows[-2] == ["", "", "", "30704", "国外债务发行费用", "", "", "", ""]
    assert grid.rows[-1] == [
        "",
        "人员经费合计",
        "6,825,365.45",
        "",
        "公用经费合计",
        "1,908,493.00",
        "",
        "",
        "",
    ]
