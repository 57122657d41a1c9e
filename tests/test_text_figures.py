"""Figures that exist only in the text become data: the real 2024 documents' 机关运行经费,
政府采购, vehicles, equipment and 绩效 counts are read from the sections their layout
declares, stored with their sentence, shown beside the tables, exported with the open data
and read by the cross-department board."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from disclosure.content import content_read
from disclosure.importing.services import ImportResult
from disclosure.layouts import get_layout
from disclosure.models import TextFigure
from disclosure.textfigures import read_text_figures
from disclosure.workflow import narrative_save
from tests.helpers import import_file
from tests.test_import_pdf import CAIZHENGJU, _shared

SHEHUI = "shanghai-putuo-shehuigongzuobu-2024-final-accounts.pdf"
OTHER_MATTERS = "十一、其他重要事项的情况说明"


def _import(name: str, code: str, department: str, **kw) -> ImportResult:
    return import_file(
        data=(_shared("real") / name).read_bytes(),
        department_code=code,
        department_name=department,
        year=2024,
        layout=None,
        **kw,
    )


@pytest.fixture
def caizhengju(db) -> ImportResult:
    return _import(CAIZHENGJU, "pt-czj", "上海市普陀区财政局")


def values(disclosure) -> dict[str, Decimal | None]:
    return {f.key: f.value for f in disclosure.text_figures.all()}


def test_the_real_caizhengju_document_gives_its_text_figures(caizhengju):
    d = caizhengju.disclosure
    got = values(d)
    assert got["running_costs"] == Decimal("184.65")
    assert got["procurement_total"] == Decimal("251.25")
    assert got["procurement_goods"] == Decimal("4.79")
    assert got["procurement_works"] == 0
    assert got["procurement_services"] == Decimal("246.47")
    assert got["sme_reserved"] == Decimal("246.47")
    assert got["sme_awarded_other"] == Decimal("4.79")
    assert got["vehicles_total"] == 0 and got["vehicles_other"] == 0
    assert got["equipment_over_1m"] == 2
    assert got["perf_target_projects"] == 4
    assert got["perf_self_budget"] == Decimal("598.42")
    assert got["perf_average_score"] == Decimal("99.43")
    assert got["perf_grade_excellent"] == 4 and got["perf_grade_fail"] == 0
    assert got["perf_problems"] == 0
    # Every declared figure of the national form is printed in this document.
    declared = [f.key for s in get_layout(d.layout).sections for f in s.text_figures]
    assert sorted(got) == sorted(declared) and None not in got.values()


def test_each_figure_keeps_its_sentence_and_section(caizhengju):
    d = caizhengju.disclosure
    running = d.text_figures.get(key="running_costs")
    assert running.section == "other_matters"
    assert running.heading == "（一）机关运行经费支出情况"
    assert running.printed == "184.65万元"
    assert running.sentence.startswith("机关运行经费支出184.65万元，比2023年度增加2.55万元")
    narrative = d.narratives.get(position=running.narrative_position)
    assert narrative.subheading == OTHER_MATTERS and running.sentence in narrative.body
    equipment = d.text_figures.get(key="equipment_over_1m")
    assert equipment.heading == "（三）国有资产占有使用情况说明"
    assert equipment.unit == "台（套）" and equipment.printed == "2台（套）"
    score = d.text_figures.get(key="perf_average_score")
    assert score.section == "performance" and score.heading == "十、预算绩效管理情况"


def test_the_other_real_document_gives_its_own_figures(db):
    d = _import(SHEHUI, "pt-shgzb", "中共上海市普陀区委社会工作部").disclosure
    got = values(d)
    assert got["running_costs"] == Decimal("10.23")
    assert got["procurement_total"] == Decimal("21.07")
    assert got["procurement_goods"] == Decimal("21.07")
    # Printed across a line break in the PDF: "…预算金额\n21.07万元".
    assert got["sme_reserved"] == Decimal("21.07")
    assert got["micro_awarded_reserved"] == Decimal("21.07")
    assert got["vehicles_total"] == 0 and got["equipment_over_1m"] == 0
    assert got["perf_target_projects"] == 1 and got["perf_average_score"] == Decimal("100.00")


def test_the_figures_are_not_content_and_the_codec_keeps_them(caizhengju):
    d = caizhengju.disclosure
    stored = content_read(d)
    assert (
        len(stored.text_figures) == d.text_figures.count() == len(caizhengju.content.text_figures)
    )
    assert "text_figures" not in stored.as_data()
    assert stored.digest() == d.content_digest
    # Importing the same file again changes nothing.
    again = _import(CAIZHENGJU, "pt-czj", "上海市普陀区财政局")
    assert not again.changed and values(again.disclosure) == values(d)


def _narrative(heading: str, subheading: str, body: str):
    from disclosure.content import ParsedNarrative

    return ParsedNarrative("", heading, subheading, body)


PART3 = "第三部分某局2024年度部门决算情况说明"


def test_a_phrase_without_a_readable_number_is_kept_with_a_note():
    layout = get_layout("national-2024")
    text = _narrative(
        PART3,
        OTHER_MATTERS,
        "（一）机关运行经费支出情况\n机关运行经费支出XXX万元，比2023年度增加XX万元。\n"
        "（三）国有资产占有使用情况说明\n截至2024年12月31日，某局共有车辆3台。",
    )
    figures = {f.key: f for f in read_text_figures(layout, [text])}
    assert figures["running_costs"].value is None
    assert figures["running_costs"].note == "其后没有数字"
    assert figures["vehicles_total"].value is None
    assert figures["vehicles_total"].note == "数字后不是辆"
    assert set(figures) == {"running_costs", "vehicles_total"}


def test_yuan_is_converted_and_none_reads_as_zero():
    layout = get_layout("national-2024")
    text = _narrative(
        PART3,
        OTHER_MATTERS,
        "（一）机关运行经费支出情况\n某局2024年度无机关运行经费支出。\n"
        "（二）政府采购支出情况\n某局2024年度政府采购金额（以合同签订为准）为12,345.60元。",
    )
    figures = {f.key: f for f in read_text_figures(layout, [text])}
    assert figures["running_costs"].value == 0 and figures["running_costs"].printed == "无"
    assert figures["procurement_total"].value == Decimal("1.23456")
    assert figures["procurement_total"].printed == "12,345.60元"


def test_an_unreadable_figure_is_an_import_note():
    from disclosure.content import DisclosureContent
    from disclosure.importing.services import _read_text_figures

    content = DisclosureContent(
        layout="national-2024",
        narratives=[
            _narrative(
                PART3,
                OTHER_MATTERS,
                "（一）机关运行经费支出情况\n机关运行经费支出XXX万元，比2023年度增加XX万元。",
            )
        ],
    )
    _read_text_figures(content)
    assert [f.key for f in content.text_figures] == ["running_costs"]
    assert content.findings == [
        "说明“（一）机关运行经费支出情况”提到机关运行经费，但未能读出数字（其后没有数字）："
        "机关运行经费支出XXX万元，比2023年度增加XX万元。"
    ]


def test_saving_a_text_in_the_workspace_reads_its_figures_again(caizhengju):
    from accounts.models import User
    from tests.test_checks_real_document import PART3 as REAL_PART3

    d = caizhengju.disclosure
    user = User.objects.create_user(
        "czj", password="Czj-2024-demo!", role="preparer", department=d.department
    )
    section = d.narratives.get(heading=REAL_PART3, subheading=OTHER_MATTERS)
    body = section.body.replace("机关运行经费支出184.65万元", "机关运行经费支出190.00万元")
    narrative_save(
        disclosure=d,
        user=user,
        sections=[{"id": section.pk, "heading": section.heading, "body": body}],
    )
    assert values(d)["running_costs"] == Decimal("190.00")
    assert values(d)["procurement_total"] == Decimal("251.25")
    assert TextFigure.objects.filter(disclosure=d).count() == 34


# ------------------------------------------------------------------ published: page, data, board
@pytest.fixture
def published(db) -> ImportResult:
    return _import(CAIZHENGJU, "pt-czj", "上海市普陀区财政局", publish=True)


def test_the_public_page_shows_the_figures_beside_the_tables(client, published):
    d = published.disclosure
    page = client.get(reverse("disclosure:detail", args=[2024, "pt-czj"])).content.decode()
    block = page[page.index('id="text-figures"') :]
    block = block[: block.index("</section>")]
    assert "说明中的数字" in block
    running = d.text_figures.get(key="running_costs")
    assert "机关运行经费" in block and "184.65" in block and "251.25" in block
    # Each figure links to the section it was read from, which the page anchors.
    assert f'href="#n{running.narrative_position}"' in block
    assert f'id="n{running.narrative_position}"' in page
    with translation.override("en"):
        assert running.display_label() == "Running costs"
    assert running.display_label() == "机关运行经费"


def test_the_open_data_carry_the_figures_with_their_sentence(client, published):
    doc = json.loads(client.get(reverse("opendata:disclosure_json", args=(2024, "pt-czj"))).content)
    figures = {f["key"]: f for f in doc["text_figures"]}
    assert figures["running_costs"]["value"] == "184.65"
    assert figures["procurement_total"]["value"] == "251.25"
    assert figures["vehicles_total"]["value"] == "0"
    assert figures["running_costs"]["sentence"].startswith("机关运行经费支出184.65万元")
    package = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("opendata:year_package", args=(2024,))).content)
    )
    descriptor = json.loads(package.read("datapackage.json"))
    resource = descriptor["resources"][1]
    rows = list(csv.DictReader(io.StringIO(package.read(resource["path"]).decode())))
    assert [f["name"] for f in resource["schema"]["fields"]] == list(rows[0])
    by_key = {r["key"]: r for r in rows}
    assert by_key["running_costs"]["value"] == "184.65"
    assert by_key["equipment_over_1m"]["value"] == "2"
    assert by_key["procurement_total"]["department_code"] == "pt-czj"
    # The served descriptor's resource is served beside it, the same as in the zip.
    served = client.get(reverse("opendata:year_csv", args=(2024, resource["name"])))
    assert served.status_code == 200 and served.content == package.read(resource["path"])


def test_the_board_reads_running_costs_of_a_national_disclosure_from_its_text(client, published):
    page = client.get(reverse("disclosure:board", args=[2024])).content.decode()
    assert "机关运行经费" in page
    assert "184.65" in page


def test_a_correction_keeps_the_figures_pointing_at_their_sections(published):
    from accounts.models import User
    from disclosure.workflow import disclosure_correct

    d = published.disclosure
    # A gap in the texts' numbering (a text deleted in the workspace before publishing).
    d.narratives.filter(position=0).delete()
    user = User.objects.create_user(
        "czj", password="Czj-2024-demo!", role="preparer", department=d.department
    )
    copy = disclosure_correct(disclosure=d, user=user, note="更正")
    assert values(copy) == values(d)
    running = copy.text_figures.get(key="running_costs")
    narrative = copy.narratives.get(position=running.narrative_position)
    assert narrative.subheading == OTHER_MATTERS and running.sentence in narrative.body


def test_the_migration_reads_the_figures_of_disclosures_stored_before_it(caizhengju):
    import importlib

    from django.apps import apps

    d = caizhengju.disclosure
    expected = values(d)
    d.text_figures.all().delete()
    migration = importlib.import_module("disclosure.migrations.0009_text_figures")
    migration.forwards(apps, None)
    assert values(d) == expected
    running = d.text_figures.get(key="running_costs")
    assert d.narratives.get(position=running.narrative_position).subheading == OTHER_MATTERS
