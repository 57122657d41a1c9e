"""Published PDFs in: the three real 2024 documents of 上海市普陀区 (national form), read as
they are — every amount as printed, empty tables with their statements, the 说明 and
名词解释 as text, the count-and-sum proof — and what a PDF without text gets."""

from __future__ import annotations

import io
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from django.core.management import call_command

from disclosure.importing.errors import ImportRejected
from disclosure.importing.reader import read_document
from disclosure.models import Amount, AuditEvent, Disclosure

ROOT = Path(__file__).resolve().parent.parent


def _shared(name: str) -> Path:
    """`shared/<name>` beside the repository (CI clones it next to a copy of shared/); a
    work tree one level deeper finds it one level up."""
    for parent in ROOT.parents:
        candidate = parent / "shared" / name
        if candidate.is_dir():
            return candidate
    pytest.fail(f"shared/{name} not found beside the repository")


CAIZHENGJU = "shanghai-putuo-caizhengju-2024-final-accounts.pdf"
SHEHUI = "shanghai-putuo-shehuigongzuobu-2024-final-accounts.pdf"
TEMPLATE = "shanghai-2024-final-accounts-template.pdf"


@cache
def parsed(name: str):
    return read_document((_shared("real") / name).read_bytes())


def value(doc, table: str, key: str, column: str, side: int | None = None) -> Decimal | None:
    rows = [r for r in doc.tables[table].rows if r.key == key]
    if side is not None:
        rows = [r for r in rows if r.side == side]
    (row,) = rows
    cell = row.amounts.get(column)
    return cell[0] if cell else None


def d(text: str) -> Decimal:
    return Decimal(text)


# 上海市普陀区财政局: 26 class lines, codes split 类|款|项, 表6 类|款 in two blocks.
CAIZHENGJU_PINS = [
    ("01", "1", "amount", "2940.05"),  # 一、一般公共预算财政拨款收入
    ("01", "8", "amount", "6.20"),  # 八、其他收入
    ("01", "income_total", "amount", "2946.25"),
    ("01", "opening", "amount", "49.14"),  # on the continuation page, no header
    ("01", "income_grand_total", "amount", "2995.39"),
    ("01", "31", "amount", "2106.66"),  # 一、一般公共服务支出
    ("01", "38", "amount", "326.71"),  # 八、社会保障和就业支出
    ("01", "39", "amount", "60.99"),
    ("01", "49", "amount", "445.69"),  # 十九、住房保障支出
    ("01", "spend_total", "amount", "2940.05"),
    ("01", "closing", "amount", "55.34"),
    ("01", "spend_grand_total", "amount", "2995.39"),
    ("02", "total", "total", "2946.25"),
    ("02", "total", "fiscal", "2940.05"),
    ("02", "total", "other", "6.20"),
    ("02", "2010601", "total", "1511.90"),
    ("02", "2010601", "fiscal", "1511.89"),
    ("02", "2010601", "other", "0.01"),
    ("02", "2010602", "total", "16.19"),
    ("02", "2010602", "other", "6.19"),
    ("02", "2210203", "total", "258.50"),  # on the continuation page
    ("03", "total", "basic", "2336.91"),
    ("03", "total", "project", "603.14"),
    ("03", "2010601", "basic", "1503.52"),
    ("03", "2010601", "project", "8.37"),
    ("04", "income_general", "amount", "2940.05"),
    ("04", "opening_total", "amount", "21.63"),
    ("04", "opening_general", "amount", "21.63"),  # the second "一、一般公共预算财政拨款"
    ("04", "income_grand_total", "amount", "2961.68"),
    ("04", "33", "general", "2106.66"),
    ("04", "spend_total", "total", "2940.05"),
    ("04", "closing_total", "general", "21.63"),
    ("04", "spend_grand_total", "total", "2961.68"),
    ("05", "2080505", "spend_basic", "160.75"),
    ("05", "total", "spend_project", "603.14"),
    ("06", "30102", "amount", "1238.58"),
    ("06", "30229", "amount", "42.77"),
    ("06", "31002", "amount", "13.58"),
    ("06", "personnel_total", "amount", "2152.26"),
    ("06", "public_total", "amount", "184.65"),
    ("07", "amount", "budget_total", "0.95"),
    ("07", "amount", "budget_hospitality", "0.95"),
]

# 中共上海市普陀区委社会工作部: codes in one column, 表6 printing 0.00 for nothing.
SHEHUI_PINS = [
    ("01", "1", "amount", "307.82"),
    ("01", "31", "amount", "264.87"),
    ("01", "38", "amount", "10.82"),
    ("01", "39", "amount", "2.71"),
    ("01", "49", "amount", "29.42"),
    ("01", "income_grand_total", "amount", "307.82"),
    ("01", "spend_grand_total", "amount", "307.82"),
    ("02", "total", "total", "307.82"),
    ("02", "2013901", "fiscal", "51.32"),
    ("02", "2013950", "total", "11.31"),
    ("02", "2013999", "total", "202.24"),
    ("02", "2080505", "total", "6.18"),
    ("02", "2101102", "total", "0.49"),
    ("02", "2210203", "fiscal", "11.72"),
    ("03", "total", "basic", "105.58"),
    ("03", "total", "project", "202.24"),
    ("03", "20139", "basic", "62.63"),
    ("04", "income_general", "amount", "307.82"),
    ("04", "40", "general", "10.82"),
    ("04", "spend_grand_total", "general", "307.82"),
    ("05", "2080506", "spend_basic", "4.64"),
    ("05", "2210201", "spend_total", "17.70"),
    ("05", "total", "spend_basic", "105.58"),
    ("06", "30101", "amount", "14.12"),
    ("06", "30102", "amount", "39.72"),
    ("06", "30107", "amount", "10.16"),
    ("06", "30113", "amount", "17.70"),
    ("06", "30211", "amount", "1.15"),
    ("06", "30226", "amount", "0.68"),
    ("06", "30239", "amount", "2.43"),
    ("06", "30299", "amount", "0.20"),
    ("06", "30202", "amount", "0.00"),
    ("06", "personnel_total", "amount", "95.36"),
    ("06", "public_total", "amount", "10.23"),
]


@pytest.mark.parametrize(("table", "key", "column", "printed"), CAIZHENGJU_PINS)
def test_the_caizhengju_pdf_gives_every_amount_as_printed(table, key, column, printed):
    assert value(parsed(CAIZHENGJU), table, key, column) == d(printed)


@pytest.mark.parametrize(("table", "key", "column", "printed"), SHEHUI_PINS)
def test_the_shehuigongzuobu_pdf_gives_every_amount_as_printed(table, key, column, printed):
    assert value(parsed(SHEHUI), table, key, column) == d(printed)


def test_the_layout_is_found_from_the_titles_and_the_units_are_wan_yuan():
    for name in (CAIZHENGJU, SHEHUI, TEMPLATE):
        doc = parsed(name)
        assert doc.layout == "national-2024"
        assert {t.unit for t in doc.tables.values()} == {"万元"}


@pytest.mark.parametrize(
    ("name", "count", "total"),
    [(CAIZHENGJU, 195, "122103.36"), (SHEHUI, 205, "12321.74"), (TEMPLATE, 0, "0")],
)
def test_the_count_and_sum_of_amounts_read_equal_those_stored(name, count, total):
    assert parsed(name).proof == {
        "source_cells": count,
        "source_sum": total,
        "stored": count,
        "stored_sum": total,
    }


def test_the_caizhengju_pdf_keeps_its_class_lines_and_blanks_as_printed():
    doc = parsed(CAIZHENGJU)
    spend = {r.key: r.name for r in doc.tables["01"].rows if r.side == 1}
    assert spend["31"] == "一、一般公共服务支出"
    assert spend["55"] == "二十五、债务付息支出"  # one of the optional 债务 lines
    assert value(doc, "01", "55", "amount") is None
    assert value(doc, "07", "amount", "actual_total") is None  # 决算数 printed blank


def test_empty_tables_keep_their_statements():
    caizhengju, shehui = parsed(CAIZHENGJU), parsed(SHEHUI)
    assert caizhengju.tables["08"].state == "empty"
    assert caizhengju.tables["08"].statement == (
        "注：上海市普陀区财政局无政府性基金预算财政拨款支出，故本表无数据。"
    )
    assert caizhengju.tables["09"].statement == (
        "注：上海市普陀区财政局无国有资本经营预算财政拨款支出，故本表无数据。"
    )
    assert shehui.tables["07"].state == "empty"
    assert shehui.tables["07"].statement == (
        "说明：中共上海市普陀区委社会工作部本年度没有财政拨款“三公”经费支出，故本表无数据。"
    )
    assert shehui.tables["07"].notes == "注：本表反映部门本年度“三公”经费支出预决算情况。"


def test_the_blank_template_is_read_as_blank_tables_and_invents_no_number():
    doc = parsed(TEMPLATE)
    assert {n: t.state for n, t in doc.tables.items()} == {
        f"{n:02d}": "empty" for n in range(1, 10)
    }
    assert not any(r.amounts for t in doc.tables.values() for r in t.rows)
    assert doc.tables["08"].statement.endswith(
        "说明：上海市XX局本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。"
    )
    # The template's codes are examples printed in one column.
    assert [r.code for r in doc.tables["02"].rows if r.code][:3] == ["205", "20502", "2050205"]


def test_the_explanations_and_the_glossary_are_read_as_text_sections():
    sections = {(s.heading, s.subheading): s.body for s in parsed(CAIZHENGJU).narratives}
    part3 = "第三部分上海市普陀区财政局2024年度部门决算情况说明"
    body = sections[(part3, "四、财政拨款收入支出决算总体情况说明")]
    # The document's own mistake, kept as printed: 表4 says 总计 2,961.68.
    assert body.startswith("上海市普陀区财政局2024年度财政拨款收入支出总计0.3万元。")
    assert "机关运行经费支出184.65万元" in sections[(part3, "十一、其他重要事项的情况说明")]
    glossary = sections[("第四部分名词解释", "")]
    assert glossary.startswith("一、财政拨款收入：指单位本年度从本级财政部门取得的财政拨款")
    assert ("第一部分上海市普陀区财政局概况", "一、主要职能") in sections


def test_each_amount_keeps_the_page_and_box_it_was_printed_in():
    row = next(r for r in parsed(CAIZHENGJU).tables["02"].rows if r.key == "2010601")
    assert row.sources["total"] == "第 8 页第 9 行第 E 列 [346,276,423,293]"


def test_a_pdf_without_a_text_layer_is_refused_saying_so():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ImportRejected) as info:
        read_document(out.getvalue())
    assert "没有文字层" in str(info.value)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "code", "amounts", "provided"),
    [(CAIZHENGJU, "pt-czj", 195, 7), (SHEHUI, "pt-shgzb", 205, 6), (TEMPLATE, "sh-template", 0, 0)],
)
def test_import_disclosure_stores_each_real_pdf_without_a_layout(
    name, code, amounts, provided, capsys
):
    call_command(
        "import_disclosure",
        str(_shared("real") / name),
        department=code,
        department_name="上海市普陀区",
        year=2024,
    )
    disclosure = Disclosure.objects.get(department__code=code)
    assert disclosure.layout == "national-2024"
    stored = Amount.objects.filter(row__table__disclosure=disclosure, value__isnull=False)
    assert stored.count() == amounts
    states = list(disclosure.tables.values_list("state", flat=True))
    assert states.count("provided") == provided
    assert f"金额 {amounts} 个" in capsys.readouterr().out
    event = AuditEvent.objects.get(disclosure=disclosure, action="import")
    assert event.details["proof"]["stored"] == amounts
    if amounts:
        first = stored.order_by("row__table__number", "row__side", "row__position").first()
        assert first.source.startswith("第 6 页") or first.source.startswith("第 5 页")
