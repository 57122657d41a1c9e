"""Reading by label and by the printed grid: lines known by their labels with 行次 optional,
codes in one column or split, and no number ever dropped or moved silently."""

from __future__ import annotations

from decimal import Decimal

import pytest

from disclosure.importing.errors import ImportRejected
from disclosure.importing.reader import read_document


def tsv(*rows: str) -> bytes:
    return "\n".join(rows).encode("utf-8")


def amounts(doc, table: str) -> dict[tuple[int, str], Decimal | None]:
    return {
        (r.side, r.key): r.amounts["amount"][0] if "amount" in r.amounts else None
        for r in doc.tables[table].rows
    }


def rejected(data: bytes, layout: str) -> str:
    with pytest.raises(ImportRejected) as info:
        read_document(data, layout=layout)
    return str(info.value)


SUMMARY_HEAD = (
    "收入支出决算总表",
    "公开01表",
    "单位：元",
    "收入\t\t\t支出",
    "项目\t行次\t决算数\t项目\t行次\t决算数",
)


def test_lines_are_placed_by_their_labels_when_the_line_numbers_are_blank():
    doc = read_document(
        tsv(
            *SUMMARY_HEAD,
            "一、一般公共预算财政拨款收入\t\t8,167,258.99\t一、一般公共服务支出\t\t8,167,258.99",
            "本年收入合计\t\t8,167,258.99\t本年支出合计\t\t8,167,258.99",
            "总计\t\t8,167,258.99\t总计\t\t8,167,258.99",
        ),
        layout="yunnan-2021",
    )
    stored = amounts(doc, "01")
    assert stored[(1, "31")] == Decimal("8167258.99")  # 一般公共服务支出, not 外交支出
    assert stored[(1, "spend_total")] == Decimal("8167258.99")  # not 结余分配
    assert (1, "32") not in stored and (1, "distribution") not in stored
    assert stored[(0, "income_grand_total")] == Decimal("8167258.99")
    assert doc.findings == []


def test_another_line_numbering_imports_and_each_disagreement_is_a_finding():
    doc = read_document(
        tsv(
            *SUMMARY_HEAD,
            "一、一般公共预算财政拨款收入\t1\t500.00\t一、一般公共服务支出\t9\t400.00",
            "八、其他收入\t2\t100.00\t八、社会保障和就业支出\t10\t200.00",
            "本年收入合计\t3\t600.00\t本年支出合计\t11\t600.00",
            "总计\t4\t600.00\t总计\t12\t600.00",
        ),
        layout="yunnan-2021",
    )
    stored = amounts(doc, "01")
    assert stored[(0, "8")] == Decimal("100.00")
    assert stored[(0, "income_total")] == Decimal("600.00")
    assert stored[(1, "38")] == Decimal("200.00")
    assert stored[(1, "spend_grand_total")] == Decimal("600.00")
    assert "公开01 第 7 行第 B 列：“八、其他收入”印的行次是 2，表式中它是第 8 行" in "\n".join(
        doc.findings
    )
    assert len(doc.findings) == 7  # 一、一般公共预算财政拨款收入 is line 1 in both


def test_a_yunnan_summary_with_its_blank_lines_prints_the_totals_beside_their_own_lines():
    from disclosure.layouts import get_layout

    income, spend = get_layout("yunnan-2021").table("01").panels
    assert [line.no for line in income.lines].index(27) == [line.no for line in spend.lines].index(
        57
    )
    assert income.lines[26].label == "本年收入合计" and spend.lines[26].label == "本年支出合计"


def test_an_amount_on_a_line_the_layout_does_not_have_is_refused_naming_the_cell():
    message = rejected(
        tsv(
            *SUMMARY_HEAD,
            "一、一般公共预算财政拨款收入\t1\t500.00\t一、一般公共服务支出\t31\t500.00",
            "某个表式中没有的收入\t\t12.00\t\t\t",
        ),
        "yunnan-2021",
    )
    assert "公开01 第 7 行第 C 列：“12.00” —— 这个数字不在表式的任何一栏或任何一行中" in message


NATIONAL_05 = ("一般公共预算财政拨款支出决算表", "单位：万元")


def test_codes_in_one_column_and_split_into_class_item_columns_read_the_same():
    one = read_document(
        tsv(
            *NATIONAL_05,
            "科目编码\t科目名称\t合计\t基本支出\t项目支出",
            "201\t一般公共服务支出\t1,234.56\t1,000.00\t234.56",
            "20106\t财政事务\t1,234.56\t1,000.00\t234.56",
            "2010601\t行政运行\t1,000.00\t1,000.00\t",
            "合计\t\t1,234.56\t1,000.00\t234.56",
        ),
        layout="national-2024",
    )
    split = read_document(
        tsv(
            *NATIONAL_05,
            "科目编码\t\t\t科目名称\t合计\t基本支出\t项目支出",
            "类\t款\t项\t\t\t\t",
            "201\t\t\t一般公共服务支出\t1,234.56\t1,000.00\t234.56",
            "201\t06\t\t财政事务\t1,234.56\t1,000.00\t234.56",
            "\t\t01\t行政运行\t1,000.00\t1,000.00\t",
            "合计\t\t\t\t1,234.56\t1,000.00\t234.56",
        ),
        layout="national-2024",
    )
    for doc in (one, split):
        rows = {r.key: r for r in doc.tables["05"].rows}
        assert list(rows) == ["201", "20106", "2010601", "total"]
        assert rows["2010601"].name == "行政运行"
        assert rows["total"].name == "合计"
        assert rows["total"].amounts["spend_total"] == (Decimal("1234.56"), "")
        assert rows["20106"].amounts["spend_project"] == (Decimal("234.56"), "")
        assert doc.proof["stored"] == 11 and doc.proof["stored_sum"] == "9407.36"
        assert doc.tables["05"].state == "provided"


def test_a_table_stated_empty_that_holds_amounts_is_refused():
    message = rejected(
        tsv(
            "政府性基金预算财政拨款收入支出决算表",
            "单位：万元",
            "科目编码\t科目名称\t年初结转和结余\t本年收入\t小计\t基本支出\t项目支出\t年末结转和结余",
            "合计\t\t\t12.00\t12.00\t\t12.00\t",
            "注：本单位无政府性基金预算财政拨款支出，故本表无数据。",
        ),
        "national-2024",
    )
    assert (
        "表下说明“注：本单位无政府性基金预算财政拨款支出，故本表无数据。”，表中却有金额" in message
    )
