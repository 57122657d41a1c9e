"""The remaining rules of the 说明 on the real 上海市普陀区财政局 2024 document: each passes on
the document as printed and catches its mistake planted once in a copy, at its section and
sentence: a total of nothing (“收入支出总计0万元”) of a department that spent money, an empty
table's statement that does not say why it is empty, and a change on last year stated
without its main reason where the form asks for one."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from disclosure.checks.engine import ERROR, WARNING, run_checks
from disclosure.models import DisclosureTable
from tests.checks_helpers import outcome
from tests.helpers import import_real
from tests.test_checks_real_document import S1, S5, doctor
from tests.test_import_pdf import CAIZHENGJU

NEW_RULES = ("wording.zero_totals", "wording.empty_statement", "wording.change_reasons")
S11 = "十一、其他重要事项的情况说明"


@pytest.fixture
def caizhengju(db):
    """The real 财政局 document as its department would upload it."""
    return import_real(CAIZHENGJU)


def issues(disclosure, rule):
    return outcome(run_checks(disclosure), rule).issues


def test_the_real_document_passes_the_remaining_rules(caizhengju):
    report = run_checks(caizhengju)
    for rule in NEW_RULES:
        assert (outcome(report, rule).status, outcome(report, rule).issues) == ("passed", [])


@pytest.mark.parametrize(
    ("section", "printed", "planted", "table"),
    [
        (S1, "收入支出总计2,995.39万元", "收入支出总计0万元", "公开01"),
        (S11, "机关运行经费支出184.65万元", "机关运行经费支出合计0万元", "公开01"),
    ],
)
def test_a_total_of_nothing_of_a_department_that_spent_is_an_error(
    caizhengju, section, printed, planted, table
):
    body = caizhengju.narratives.get(subheading__endswith=section).body
    if printed not in body:  # the PDF prints the total without thousands separators
        printed = printed.replace(",", "")
    doctor(caizhengju, section, printed, planted)
    (found,) = issues(caizhengju, "wording.zero_totals")
    assert (found.severity, found.row, found.table_label) == (ERROR, section, table)
    assert f"“{planted}" in found.message or planted in found.message
    assert "写的总数为 0" in found.message


def test_a_section_of_a_table_published_empty_may_say_its_total_is_nothing(caizhengju):
    doctor(
        caizhengju,
        "八、政府性基金预算财政拨款收入支出决算情况说明",
        "上海市普陀区财政局2024年度无政府性基金预算财政拨款收入和支出。",
        "上海市普陀区财政局2024年度无政府性基金预算财政拨款收入和支出，收支合计0万元。",
    )
    assert issues(caizhengju, "wording.zero_totals") == []


@pytest.mark.parametrize(
    ("statement", "fails"),
    [
        ("注：本表无数据。", True),
        ("注：本表为空。", True),
        ("注：详见说明。", True),
        ("注：本单位本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。", False),
    ],
)
def test_an_empty_tables_statement_says_it_is_empty_and_why(caizhengju, statement, fails):
    printed = DisclosureTable.objects.get(disclosure=caizhengju, number="08").statement
    assert "无政府性基金预算财政拨款支出，故本表无数据" in printed
    DisclosureTable.objects.filter(disclosure=caizhengju, number="08").update(statement=statement)
    found = issues(caizhengju, "wording.empty_statement")
    assert [(i.table_label, i.severity) for i in found] == ([("公开08", WARNING)] if fails else [])
    if fails:
        assert f"空表说明“{statement}”没有写明本单位没有哪项收支" in found[0].message


@pytest.mark.parametrize("section", [S5, S11])
def test_a_change_on_last_year_without_its_reason_is_a_warning(caizhengju, section):
    narrative = caizhengju.narratives.get(subheading__endswith=section)
    body = narrative.body
    # Every reason the section gives goes: the change it explains is left bare.
    for said in ("主要原因是", "主要原因：", "主要原因:", "主要原因"):
        body = body.replace(said, "")
    narrative.body = body.replace("主要是", "").replace("由于", "").replace("原因", "")
    narrative.save()
    found = issues(caizhengju, "wording.change_reasons")
    assert found and {(i.severity, i.row) for i in found} == {(WARNING, section)}
    assert all("说明了与上年相比的增减，没有说明主要原因" in i.message for i in found)


def test_one_missing_reason_is_caught_at_its_sentence(caizhengju):
    doctor(
        caizhengju,
        S5,
        "下降2.10%。主要原因：基本支出中人员进出及退休变化，以及项目支出中合同支付进度条款等原因减少支付。",
        "下降2.10%。",
    )
    (found,) = issues(caizhengju, "wording.change_reasons")
    assert (found.severity, found.row) == (WARNING, S5)
    assert found.message == (
        f"{S5}：“与2023年度相比，一般公共预算财政拨款支出减少63.14万元，下降2.10%。”"
        "说明了与上年相比的增减，没有说明主要原因。"
    )


def test_check_disclosure_json_lists_the_remaining_rules(caizhengju, capsys):
    call_command("check_disclosure", department="pt-czj", year=2024, format="json")
    statuses = {r["rule"]: r["status"] for r in json.loads(capsys.readouterr().out)["rules"]}
    assert {r: statuses[r] for r in NEW_RULES} == dict.fromkeys(NEW_RULES, "passed")
