"""The disclosure at a glance: totals, largest classes, splits, 三公 and the checks in words,
above the first table, every figure linking to its table."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from disclosure.checks.selectors import check_report
from disclosure.glance import disclosure_glance
from disclosure.models import Amount

pytestmark = pytest.mark.django_db

DETAIL = "/disclosures/2021/yuxi-xinfang/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_glance_reads_the_declared_figures_in_wan(seed_disclosure):
    glance = disclosure_glance(seed_disclosure, report=check_report(seed_disclosure))
    totals = {f.key: f for f in glance.totals}
    assert totals["income_total"].value == Decimal("973.39")
    assert totals["spend_total"].value == Decimal("991.89")
    assert totals["spend_total"].anchor == "t03"
    assert [c.key for c in glance.classes] == ["201", "208", "221"]
    assert glance.classes[0].value == Decimal("816.73")
    assert glance.classes[0].share == Decimal("82.3")
    basic, project = glance.splits[0]
    assert (basic.key, basic.value) == ("spend_basic", Decimal("873.39"))
    assert basic.share == Decimal("88.1")
    assert project.share == Decimal("11.9")
    # 三公 as printed: the seed's budget column (万元 figures under a 元 unit line) stays visible.
    sangong = glance.sangong[0]
    assert (sangong.budget, sangong.actual) == (Decimal("6.61"), Decimal("27204.60"))
    assert glance.previous_year is None


def test_the_quality_status_says_what_the_errors_mean(seed_disclosure):
    report = check_report(seed_disclosure)
    quality = disclosure_glance(seed_disclosure, report=report).quality
    assert quality.level == "error"
    assert f"{report.errors} 处数字对不上" in quality.headline
    assert ("公开02", "t02") in quality.tables


def test_the_page_shows_the_glance_above_the_first_table(client, seed_disclosure):
    page = client.get(DETAIL).content.decode()
    glance_at = page.index('id="glance"')
    assert glance_at < page.index('id="t01"')
    assert glance_at < page.index('id="quality-h"')
    glance = page[glance_at : page.index("</section>", glance_at)]
    assert "973.39" in glance and "991.89" in glance
    assert '<a href="#t03">本年支出合计</a>' in glance
    assert "201 一般公共服务支出" in glance
    assert "上年未在本平台公开" in glance


def test_the_glance_compares_with_last_years_published_disclosure(seed_bytes, seed_disclosure):
    from tests.helpers import import_file

    before = import_file(
        data=seed_bytes, department_code="yuxi-xinfang", year=2020, publish=True
    ).disclosure
    # Last year the department spent 100,000.00 元 less in total.
    cell = Amount.objects.get(
        row__table__disclosure=before, row__table__number="03", row__key="total", column="total"
    )
    cell.value -= Decimal("100000.00")
    cell.save()
    totals = {f.key: f for f in disclosure_glance(seed_disclosure).totals}
    spend = totals["spend_total"]
    assert spend.previous == Decimal("981.89")
    assert spend.difference == Decimal("10.00")
    assert spend.percent == Decimal("1.0")
    assert totals["income_total"].difference == Decimal("0.00")
