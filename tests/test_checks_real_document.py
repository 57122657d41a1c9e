"""The checks over the real 上海市普陀区财政局 2024 document (national form, 万元), imported
through the one import service without naming a layout: rounding across many printed parts
is information, a real gap is an error, and its 说明 are read like a reviewer reads them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from disclosure.checks.engine import ERROR, INFO, rounding_allowance, run_checks
from tests.checks_helpers import outcome, put
from tests.helpers import import_file
from tests.test_import_pdf import CAIZHENGJU, _shared


@pytest.fixture
def caizhengju(db):
    """The real 财政局 document as its department would upload it."""
    return import_file(
        data=(_shared("real") / CAIZHENGJU).read_bytes(),
        department_code="pt-czj",
        department_name="上海市普陀区财政局",
        year=2024,
        layout=None,
    ).disclosure


def errors(report, *, rules=None):
    return [
        (i.rule, i.table_label, i.row, i.message)
        for i in report.issues
        if i.severity == ERROR and (rules is None or i.rule.split(".")[0] in rules)
    ]


def test_the_allowance_grows_with_the_printed_parts_and_yuan_stays_exact():
    assert rounding_allowance("万元", None) == Decimal("0.01")
    assert rounding_allowance("万元", 1) == Decimal("0.01")
    assert rounding_allowance("万元", 12) == Decimal("0.065")
    assert rounding_allowance("元", 12) == 0


def test_rounding_across_the_parts_of_a_real_table_is_information(caizhengju):
    report = run_checks(caizhengju)
    # 表6: 302 商品和服务支出 prints 171.07, its printed 款 add up to 171.09.
    (note,) = [i for i in outcome(report, "inside.hierarchy").issues if i.row == "302"]
    assert note.severity == INFO and note.difference == Decimal("-0.02")
    assert errors(report, rules={"structure", "inside", "between", "catalogue", "units"}) == []


def test_a_real_gap_of_ten_cents_of_wan_yuan_still_fails(caizhengju):
    # 住房改革支出 445.69 over two printed 项: 187.19 + 258.50; one 项 now 0.10 more.
    put(caizhengju, "05", "2210201", spend_total="187.29")
    report = run_checks(caizhengju)
    (gap,) = [i for i in outcome(report, "inside.hierarchy").issues if i.row == "22102"]
    assert gap.severity == ERROR
    assert gap.difference == Decimal("-0.10")
    assert gap.expected == Decimal("445.79") and gap.actual == Decimal("445.69")
