"""Every rule, once failing and once passing, on a synthetic disclosure whose numbers satisfy
every identity: each failing case changes the cells a rule reads to round amounts and asserts
the finding's rule, table, row, expected, actual and difference to the cent."""

from decimal import Decimal
from pathlib import Path

import pytest

from disclosure.checks.engine import all_rules, run_checks
from disclosure.models import (
    Catalogue,
    Disclosure,
    DisclosureTable,
    Indicator,
    NarrativeSection,
    ProjectFund,
    TableRow,
)
from disclosure.models.statements import Status
from disclosure.synthetic import generate, load_catalogues
from tests.checks_helpers import amounts, found, outcome, put, rename

pytestmark = pytest.mark.django_db


@pytest.fixture
def clean():
    """A synthetic 2021 disclosure of the Yunnan layout, check-clean, catalogues loaded."""
    load_catalogues(2021)
    return generate(departments=1, seed=11).disclosures[0]


@pytest.fixture
def uncatalogued():
    """The same, in a database where no catalogue was loaded for the year."""
    return generate(departments=1, seed=11).disclosures[0]


@pytest.fixture
def second_year():
    """The 2022 disclosure of a department that also published 2021."""
    load_catalogues(2021)
    load_catalogues(2022)
    return generate(departments=1, years=2, seed=12).disclosures[1]


# The yunnan-2021 layout's 说明 sections declare no table figures of their own (公开10 is
# compared through narrative.amounts' phrases): the section rules cannot run there.
# Its synthetic texts write "2021年", not "2021年度", and have no 第N部分 headings.
SECTION_RULES_NOT_CHECKED = {
    **{
        rule: ("not_checked", "本表式的说明各节没有声明所对照的表格数字。")
        for rule in ("text.amounts", "text.shares", "text.changes", "wording.directions")
    },
    "wording.years": ("not_checked", "说明中没有“YYYY年度”或“截至YYYY年12月31日”字样。"),
    "wording.department": ("not_checked", "说明中没有印部门名称的部分标题（“第N部分……”）或封面。"),
    "wording.empty_tables": ("not_checked", "没有说明金额表的说明节。"),
    # Its sections ask for no reason of a change (the national form's do: the failing
    # case is in tests/test_checks_wording_rules.py).
    "wording.change_reasons": ("not_checked", "本表式没有要求说明变动原因的说明节。"),
    "wording.units": (
        "not_checked",
        "说明的金额都已逐项与表对照（含单位），没有其他需要检查单位的说明。",
    ),
}


def test_a_clean_second_year_disclosure_passes_every_rule(second_year):
    report = run_checks(second_year)
    statuses = {o.rule.id: (o.status, o.reason) for o in report.outcomes}
    assert statuses == {r.id: ("passed", "") for r in all_rules()} | SECTION_RULES_NOT_CHECKED
    assert report.issues == []


def test_a_clean_first_year_disclosure_passes_all_but_the_comparison_with_last_year(clean):
    report = run_checks(clean)
    not_passed = {o.rule.id: (o.status, o.reason) for o in report.outcomes if o.status != "passed"}
    assert not_passed == {
        "between.years": ("not_checked", "没有上一年度的决算公开，无法比较。"),
        **SECTION_RULES_NOT_CHECKED,
    }


def test_every_rule_has_a_failing_case_here():
    source = Path(__file__).read_text(encoding="utf-8")
    missing = [r.id for r in all_rules() if f'"{r.id}"' not in source]
    assert missing == []


# ------------------------------------------------------------------ structure
def test_structure_tables_fails_when_a_table_is_missing(clean):
    DisclosureTable.objects.filter(disclosure=clean, number="01").update(state="not_provided")
    TableRow.objects.filter(table__disclosure=clean, table__number="01").delete()
    report = run_checks(clean)
    issue = found(report, "structure.tables", "公开01", "")
    assert (issue.severity, amounts(issue)) == ("error", (None, None, None))
    assert issue.message.startswith("公开01《收入支出决算总表》没有公开。")
    assert outcome(report, "between.summary_income").status == "not_checked"


def test_structure_tables_warns_about_an_empty_table_without_its_statement(clean):
    DisclosureTable.objects.filter(disclosure=clean, number="07").update(statement="")
    issue = found(run_checks(clean), "structure.tables", "公开07", "")
    assert issue.severity == "warning"
    assert "没有说明为什么没有数据" in issue.message


def test_structure_fund_tables_fails_when_the_fund_column_has_money_but_07_is_empty(clean):
    put(clean, "04", "spend_total", fund="500.00")
    issue = found(run_checks(clean), "structure.fund_tables", "公开07", "")
    assert issue.severity == "error"
    assert "本年支出 500.00 元" in issue.message and "公开07却公开为空表" in issue.message


def test_structure_unlabelled_rows_warns_about_a_row_without_code_or_name(clean):
    table = DisclosureTable.objects.get(disclosure=clean, number="05")
    row = TableRow.objects.create(table=table, position=99, key="#100")
    row.amounts.create(column="spend_total", value=Decimal("1.00"))
    issue = found(run_checks(clean), "structure.unlabelled_rows", "公开05", "第 100 行（无编码）")
    assert (issue.severity, issue.row_key) == ("warning", "#100")


# ------------------------------------------------------------------ inside one table
def test_inside_hierarchy_a_section_is_the_sum_of_its_items(clean):
    put(clean, "03", "2080501", total="100.00")
    put(clean, "03", "2080505", total="200.00")
    put(clean, "03", "2080506", total="300.00")
    put(clean, "03", "20805", total="650.00")
    issue = found(run_checks(clean), "inside.hierarchy", "公开03", "20805")
    assert (issue.column, issue.column_key) == ("本年支出合计", "total")
    assert amounts(issue) == ("600.00", "650.00", "50.00")
    assert "其下各项之和为 600.00 元，相差 50.00 元" in issue.message


def test_inside_hierarchy_the_total_is_the_sum_of_the_classes(clean):
    for code, value in (
        ("201", "1000.00"),
        ("208", "200.00"),
        ("210", "300.00"),
        ("221", "400.00"),
    ):
        put(clean, "02", code, fiscal=value)
    put(clean, "02", "total", fiscal="2000.00")
    issue = found(run_checks(clean), "inside.hierarchy", "公开02", "合计")
    assert (issue.column, amounts(issue)) == ("财政拨款收入", ("1900.00", "2000.00", "100.00"))


def test_inside_columns_a_total_column_is_the_sum_of_its_parts(clean):
    put(clean, "03", "2010350", total="1000.00", basic="900.00", project=None)
    issue = found(run_checks(clean), "inside.columns", "公开03", "2010350")
    assert issue.column == "本年支出合计"
    assert amounts(issue) == ("900.00", "1000.00", "100.00")


def test_inside_part_of_an_of_which_column_never_exceeds_its_whole(clean):
    put(clean, "02", "total", business="100.00", tuition="150.00")
    issue = found(run_checks(clean), "inside.part_of", "公开02", "合计")
    assert issue.column == "事业收入/其中：教育收费"
    assert amounts(issue) == ("100.00", "150.00", "50.00")


def test_inside_lines_the_sangong_total_is_the_sum_of_its_lines(clean):
    put(clean, "09", "sangong_total", actual_2="1000.00")
    put(clean, "09", "vehicles", actual_2="600.00")
    put(clean, "09", "hospitality", actual_2="300.00")
    issue = found(run_checks(clean), "inside.lines", "公开09", "(一) 支出合计")
    assert (issue.column, issue.row_key) == ("决算统计数/2", "sangong_total")
    assert amounts(issue) == ("900.00", "1000.00", "100.00")


def test_inside_lines_skips_a_budget_that_is_not_broken_down(clean):
    put(clean, "09", "hospitality_domestic", budget_1="—")
    report = run_checks(clean)
    assert [i.row for i in outcome(report, "inside.lines").issues] == []


def test_inside_class_lines_add_up_to_the_year_total(clean):
    for key, value in (("33", "1000.00"), ("40", "200.00"), ("41", "300.00"), ("51", "400.00")):
        put(clean, "04", key, total=value)
    put(clean, "04", "spend_total", total="2000.00")
    issue = found(run_checks(clean), "inside.class_lines", "公开04", "本年支出合计")
    assert (issue.column, amounts(issue)) == ("合计", ("1900.00", "2000.00", "100.00"))


def test_inside_flows_opening_plus_income_less_spending_is_closing(clean):
    put(
        clean,
        "05",
        "2010308",
        open_total="100.00",
        income_total="1000.00",
        spend_total="800.00",
        close_total="250.00",
    )
    issue = found(run_checks(clean), "inside.flows", "公开05", "2010308")
    assert (issue.column, issue.column_key) == ("年末结转和结余/合计", "close_total")
    assert amounts(issue) == ("300.00", "250.00", "-50.00")


def test_inside_economic_summary_personnel_is_301_plus_303(clean):
    put(clean, "06", "301", amount="1000.00")
    put(clean, "06", "303", amount="500.00")
    put(clean, "06", "personnel_total", amount="1600.00")
    issue = found(run_checks(clean), "inside.economic_summary", "公开06", "人员经费合计")
    assert (issue.column, amounts(issue)) == ("金额", ("1500.00", "1600.00", "100.00"))


def test_inside_balance_grand_totals_are_equal(clean):
    put(clean, "04", "income_grand_total", amount="5000.00")
    put(clean, "04", "spend_grand_total", total="5100.00")
    issue = found(run_checks(clean), "inside.balance", "公开04", "总计")
    assert (issue.column, amounts(issue)) == ("合计", ("5000.00", "5100.00", "100.00"))


def test_inside_balance_each_fund_carries_over(clean):
    put(clean, "04", "opening_general", amount="100.00")
    put(clean, "04", "income_general", amount="1000.00")
    put(clean, "04", "spend_total", general="800.00")
    put(clean, "04", "closing_total", general="250.00")
    issues = outcome(run_checks(clean), "inside.balance").issues
    general = next(i for i in issues if i.column_key == "general")
    assert (general.row, amounts(general)) == (
        "年末财政拨款结转和结余",
        ("300.00", "250.00", "-50.00"),
    )


def test_inside_negative_amounts_are_flagged_for_a_look(clean):
    put(clean, "06", "30201", amount="-50.00")
    issue = found(run_checks(clean), "inside.negative", "公开06", "30201")
    assert (issue.severity, amounts(issue)) == ("warning", (None, "-50.00", None))


# ------------------------------------------------------------------ between tables
def test_between_summary_income_01_equals_02(clean):
    put(clean, "01", "income_total", amount="1000.00")
    put(clean, "02", "total", total="900.00")
    issue = found(run_checks(clean), "between.summary_income", "公开01", "本年收入合计")
    assert (issue.column, amounts(issue)) == ("决算数", ("900.00", "1000.00", "100.00"))
    assert ("02", "total", "total") in issue.cells


def test_between_summary_spend_01_equals_03(clean):
    put(clean, "01", "spend_total", amount="1000.00")
    put(clean, "03", "total", total="900.00")
    issue = found(run_checks(clean), "between.summary_spend", "公开01", "本年支出合计")
    assert amounts(issue) == ("900.00", "1000.00", "100.00")


def test_between_fiscal_income_02_equals_04(clean):
    put(clean, "02", "total", fiscal="1000.00")
    put(clean, "04", "income_total", amount="900.00")
    issue = found(run_checks(clean), "between.fiscal_income", "公开02", "合计")
    assert (issue.column, amounts(issue)) == ("财政拨款收入", ("900.00", "1000.00", "100.00"))


def test_between_fiscal_by_code_02_equals_05_code_by_code(clean):
    put(clean, "02", "2010350", fiscal="1000.00")
    put(clean, "05", "2010350", income_total="900.00")
    issue = found(run_checks(clean), "between.fiscal_by_code", "公开02", "2010350")
    assert amounts(issue) == ("900.00", "1000.00", "100.00")


def test_between_fiscal_by_code_names_the_row_an_amount_belongs_to(clean):
    put(clean, "05", "2010350", income_total="900.00")
    put(clean, "02", "2080501", fiscal="900.00")
    issue = found(run_checks(clean), "between.fiscal_by_code", "公开02", "2080501")
    assert "这个数正是公开05中“2010350”的本年收入" in issue.message


def test_between_general_04_column_equals_05_per_class(clean):
    put(clean, "05", "208", spend_total="1000.00")
    put(clean, "04", "40", general="900.00")
    issue = found(run_checks(clean), "between.general", "公开05", "208")
    assert (issue.column, amounts(issue)) == ("本年支出/合计", ("900.00", "1000.00", "100.00"))
    assert ("04", "40", "general") in issue.cells


def test_between_fund_04_column_equals_07(clean):
    put(clean, "04", "spend_total", fund="500.00")
    issue = found(run_checks(clean), "between.fund", "公开07", "合计")
    assert (issue.column, amounts(issue)) == ("本年支出/合计", ("500.00", "0.00", "-500.00"))


def test_between_capital_04_column_equals_08(clean):
    put(clean, "04", "spend_total", capital="500.00")
    issue = found(run_checks(clean), "between.capital", "公开08", "合计")
    assert (issue.column, amounts(issue)) == ("本年支出", ("500.00", "0.00", "-500.00"))


def test_between_basic_economic_05_personnel_equals_06(clean):
    put(clean, "05", "total", spend_personnel="1000.00")
    put(clean, "06", "personnel_total", amount="900.00")
    issue = found(run_checks(clean), "between.basic_economic", "公开06", "人员经费合计")
    assert amounts(issue) == ("1000.00", "900.00", "-100.00")


def test_between_sangong_economic_basic_spending_within_sangong(clean):
    put(clean, "06", "30217", amount="1000.00")
    put(clean, "09", "hospitality", actual_2="900.00")
    issue = found(run_checks(clean), "between.sangong_economic", "公开06", "30217")
    assert amounts(issue) == ("900.00", "1000.00", "100.00")
    assert ("09", "hospitality", "actual_2") in issue.cells


def test_between_running_costs_equal_public_costs(clean):
    put(clean, "09", "running", actual_2="1000.00")
    put(clean, "06", "public_total", amount="900.00")
    issue = found(run_checks(clean), "between.running_costs", "公开09", "二、机关运行经费")
    assert (issue.column, amounts(issue)) == ("决算统计数/2", ("900.00", "1000.00", "100.00"))


def test_between_running_costs_are_not_checked_for_a_public_institution(clean):
    clean.department.kind = "public_institution"
    clean.department.save()
    result = outcome(run_checks(clean), "between.running_costs")
    assert (result.status, result.reason) == ("not_checked", "事业单位不公开机关运行经费。")


def test_between_non_fiscal_spending_beyond_fiscal_money_needs_a_source(clean):
    put(clean, "04", "spend_total", total="1000.00")
    put(clean, "02", "total", total="600.00", fiscal="500.00")
    put(clean, "03", "total", total="1200.00")
    issue = found(run_checks(clean), "between.non_fiscal", "公开03", "合计")
    assert (issue.severity, amounts(issue)) == ("warning", ("1100.00", "1200.00", "100.00"))


def test_between_years_opening_equals_last_years_closing(second_year):
    earlier = second_year.department.disclosures.get(year_id=2021)
    put(earlier, "04", "closing_total", total="500.00")
    put(second_year, "04", "opening_total", amount="600.00")
    issue = found(run_checks(second_year), "between.years", "公开04", "年初财政拨款结转和结余")
    assert (issue.column, amounts(issue)) == ("决算数", ("500.00", "600.00", "100.00"))
    # Last year's figure is published: this year's preparer explains, cannot correct it.
    assert issue.severity == "warning"
    assert "上年度已公开的2021年度第1版公开04的年末结转和结余" in issue.message
    assert issue.message.endswith("已公开的数字不能在本年文件中更正，请说明原因。")


def test_between_years_never_compares_with_an_unpublished_last_year(second_year):
    earlier = second_year.department.disclosures.get(year_id=2021)
    put(earlier, "04", "closing_total", total="500.00")
    Disclosure.objects.filter(pk=earlier.pk).update(status=Status.APPROVED, published_at=None)
    result = outcome(run_checks(second_year), "between.years")
    assert (result.status, result.reason) == ("not_checked", "没有上一年度的决算公开，无法比较。")


# ------------------------------------------------------------------ catalogue
def test_catalogue_code_format_a_section_code_has_five_digits(clean):
    rename(clean, "05", "20805", code="2080")
    issue = found(run_checks(clean), "catalogue.code_format", "公开05", "2080")
    assert (issue.column, amounts(issue)) == ("科目名称", (None, None, None))
    assert issue.message.startswith("科目编码“2080”有 4 位")


def test_catalogue_exists_a_code_missing_from_an_extract_is_a_warning(clean):
    rename(clean, "03", "2010350", code="2010399")
    issue = found(run_checks(clean), "catalogue.exists", "公开03", "2010399")
    assert issue.severity == "warning"
    assert "不在 2021 年的支出功能分类科目表中（已载入的是摘录" in issue.message


def test_catalogue_exists_a_code_missing_from_the_official_list_is_an_error(clean):
    Catalogue.objects.update(provenance="official")
    rename(clean, "03", "2010350", code="2010399")
    assert found(run_checks(clean), "catalogue.exists", "公开03", "2010399").severity == "error"


def test_catalogue_exists_is_not_checked_without_the_years_catalogue(uncatalogued):
    result = outcome(run_checks(uncatalogued), "catalogue.exists")
    assert (result.status, result.reason) == (
        "not_checked",
        "未载入 2021 年的支出功能分类科目表。未载入 2021 年的经济分类科目表。",
    )


def test_catalogue_name_follows_the_years_catalogue(clean):
    rename(clean, "03", "2010301", name="行政运营")
    issue = found(run_checks(clean), "catalogue.name", "公开03", "2010301")
    assert (
        issue.message == "科目 2010301 在公开03印作“行政运营”，2021 年科目表中的名称是“行政运行”。"
    )


def test_catalogue_name_without_a_catalogue_follows_the_other_tables(uncatalogued):
    rename(uncatalogued, "03", "2010301", name="行政运营")
    issue = found(run_checks(uncatalogued), "catalogue.name", "公开03", "2010301")
    assert issue.message == "科目 2010301 在公开03印作“行政运营”，其他表都印作“行政运行”。"


def test_catalogue_name_reads_full_and_half_width_brackets_alike(clean):
    rename(clean, "02", "20103", name="政府办公厅(室)及相关机构事务")
    assert outcome(run_checks(clean), "catalogue.name").status == "passed"


def test_catalogue_parent_an_item_is_printed_under_its_section(clean):
    TableRow.objects.filter(table__disclosure=clean, table__number="05", key="20805").delete()
    issue = found(run_checks(clean), "catalogue.parent", "公开05", "2080501")
    assert issue.message == "项 2080501、2080505、2080506 的上级款 20805 不在表中。"


# ------------------------------------------------------------------ units
def test_units_scale_a_column_of_wan_yuan_figures_in_a_yuan_table(clean):
    for key, value in (
        ("sangong_total", "6.61"),
        ("vehicles", "4.31"),
        ("vehicle_running", "4.31"),
        ("hospitality", "2.30"),
        ("hospitality_domestic", "2.30"),
    ):
        put(clean, "09", key, budget_1=value)
    issue = found(run_checks(clean), "units.scale", "公开09", "(一) 支出合计")
    assert (issue.column, issue.severity, amounts(issue)) == (
        "预算数/1",
        "warning",
        (None, "6.61", None),
    )
    assert ("09", "hospitality", "budget_1") in issue.cells


# ------------------------------------------------------------------ text against tables
def test_narrative_amounts_a_wan_yuan_amount_written_in_yuan(clean):
    put(clean, "09", "sangong_total", actual_2="19264.60")
    NarrativeSection.objects.filter(disclosure=clean, position=1).update(
        body="2021年“三公”经费支出1.93元。"
    )
    issue = found(
        run_checks(clean),
        "narrative.amounts",
        "公开10",
        "一、部门基本情况 (二) 严控“三公经费”支出情况",
    )
    assert amounts(issue) == ("19264.60", "1.93", "-19262.67")
    assert issue.message.endswith("数字与万元数相符，单位应为“万元”。")


def test_narrative_amounts_compare_at_the_precision_stated(clean):
    put(clean, "03", "total", basic="8733858.45")
    section = NarrativeSection.objects.filter(disclosure=clean, position=0)
    section.update(body="其中基本支出873.4万元。")
    assert outcome(run_checks(clean), "narrative.amounts").status == "passed"
    section.update(body="其中基本支出873.38万元。")
    issue = found(
        run_checks(clean), "narrative.amounts", "公开10", "一、部门基本情况 (一) 部门整体收支情况"
    )
    assert amounts(issue) == ("873.39", "873.38", "-0.01")
    assert (
        issue.message
        == "说明中“其中基本支出873.38万元”与公开03“合计/基本支出”的 873.39 万元 不符。"
    )


def test_narrative_amounts_leave_changes_and_unknown_phrases_alone(clean):
    NarrativeSection.objects.filter(disclosure=clean, position=0).update(
        body="基本支出比上年减少12.34万元；经营支出3.00万元，事业收入5.00万元。"
    )
    result = outcome(run_checks(clean), "narrative.amounts")
    assert (result.status, result.issues) == ("passed", [])  # section 1 was still compared


def test_narrative_placeholders_are_flagged(clean):
    NarrativeSection.objects.filter(disclosure=clean, position=2).update(body="本年度XX万元。")
    issue = found(run_checks(clean), "narrative.placeholders", "公开10", "二、其他需说明的情况")
    assert "留有模板占位符“XX”" in issue.message


def test_wording_placeholders_are_flagged_in_a_heading(clean):
    NarrativeSection.objects.filter(disclosure=clean, position=2).update(heading="二、某某说明")
    issue = found(run_checks(clean), "wording.placeholders", "公开10", "二、某某说明")
    assert issue.message == "二、某某说明的标题留有模板占位符“某某”：“二、某某说明”。"


def test_wording_zero_totals_a_total_of_nothing_of_a_department_that_spent(clean):
    NarrativeSection.objects.filter(disclosure=clean, position=2).update(
        body="本年度收入支出总计0万元。"
    )
    issue = found(run_checks(clean), "wording.zero_totals", "公开10", "二、其他需说明的情况")
    assert issue.severity == "error"
    assert issue.message == (
        "二、其他需说明的情况：“本年度收入支出总计0万元”写的总数为 0，而本公开的各表列有收支金额。"
    )


def test_wording_empty_statement_says_why_the_table_is_empty(clean):
    assert outcome(run_checks(clean), "wording.empty_statement").status == "passed"
    DisclosureTable.objects.filter(disclosure=clean, number="07").update(statement="本表无数据。")
    issue = found(run_checks(clean), "wording.empty_statement", "公开07", "")
    assert issue.severity == "warning"
    assert issue.message.startswith("公开07的空表说明“本表无数据。”没有写明本单位没有哪项收支")


# The text.* and the other wording.* rules fail on the real national document with planted
# mistakes: tests/test_checks_real_document.py, tests/test_checks_wording_rules.py.


def test_narrative_identity_the_printed_department_is_the_departments_name(clean):
    DisclosureTable.objects.filter(disclosure=clean, number="03").update(
        printed_department="另一个局"
    )
    issue = found(run_checks(clean), "narrative.identity", "公开03", "")
    assert issue.message == "公开03印的单位是“另一个局”，本公开的部门是“合成部门0001”。"


# ------------------------------------------------------------------ performance
def test_performance_scores_a_score_within_its_weight(clean):
    Indicator.objects.filter(disclosure=clean, position=1).update(weight=20, score=25)
    issue = found(
        run_checks(clean), "performance.scores", "公开12", "信访事项专项救助资金：按期办结率"
    )
    assert (issue.column, amounts(issue)) == ("得分", ("20.00", "25.00", "5.00"))


def test_performance_total_is_the_sum_of_the_scores(clean):
    project = clean.projects.get()
    for position, score in enumerate((30, 20, 18, 20)):
        Indicator.objects.filter(project=project, position=position).update(score=score)
    ProjectFund.objects.filter(project=project, source="total").update(score=10)
    project.total_score = Decimal("95.00")
    project.save()
    issue = found(run_checks(clean), "performance.total", "公开12", "信访事项专项救助资金：总分")
    assert amounts(issue) == ("98.00", "95.00", "-3.00")


def test_performance_execution_rate_follows_from_the_amounts(clean):
    ProjectFund.objects.filter(project__disclosure=clean, source="total").update(
        budget_full_year=Decimal("1000.00"), executed=Decimal("800.00"), execution_rate=100
    )
    issue = found(
        run_checks(clean),
        "performance.execution_rate",
        "公开12",
        "信访事项专项救助资金：项目资金(元)",
    )
    assert amounts(issue) == ("80.00", "100.00", "20.00")


def test_performance_grade_fits_the_score(clean):
    project = clean.projects.get()
    project.grade = "良"
    project.save()
    issue = found(run_checks(clean), "performance.grade", "公开12", "信访事项专项救助资金：等级")
    assert "等级应为“优”，表中印作“良”" in issue.message


def test_last_year_is_its_newest_published_version_whatever_came_after(second_year):
    from disclosure.checks.loader import previous_disclosure
    from disclosure.content import content_read, content_write

    first = second_year.department.disclosures.get(year_id=2021)
    content = content_read(first)

    def version(number: int, status: str) -> Disclosure:
        made = Disclosure.objects.create(
            department=first.department,
            year_id=2021,
            version=number,
            layout=first.layout,
            status=status,
            published_at=first.published_at if status == Status.PUBLISHED else None,
        )
        content_write([(made, content)])
        return made

    correction = version(2, Status.PUBLISHED)
    version(3, Status.DRAFT)  # a later correction, not yet published
    assert previous_disclosure(second_year) == correction
    assert previous_disclosure(second_year) == Disclosure.objects.current().get(
        department=first.department, year_id=2021
    )
    Disclosure.objects.filter(department=first.department, year_id=2021).exclude(
        status=Status.DRAFT
    ).update(status=Status.APPROVED, published_at=None)
    assert previous_disclosure(second_year) is None
