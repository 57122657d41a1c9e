"""Synthetic disclosures: check-clean when clean, and every planted error found exactly."""

import json

import pytest
from django.core.management import call_command

from disclosure.checks.engine import run_checks
from disclosure.models import CheckRun, Disclosure, Finding
from disclosure.synthetic import PLANT_KINDS, generate, load_catalogues
from tests.checks_helpers import problems

pytestmark = pytest.mark.django_db


def test_synthetic_disclosures_have_no_error_or_warning():
    load_catalogues(2021)
    result = generate(departments=3, years=2, seed=1)
    assert len(result.disclosures) == 6 and result.planted == []
    for disclosure in result.disclosures:
        report = run_checks(disclosure)
        assert problems(report) == [], disclosure
        assert not [o for o in report.outcomes if o.status == "failed"]


def test_they_are_realistic_yunnan_2021_disclosures():
    disclosure = generate(departments=1, seed=2).disclosures[0]
    assert disclosure.layout == "yunnan-2021" and disclosure.is_published
    states = dict(disclosure.tables.values_list("number", "state"))
    assert states == {
        **{f"{n:02d}": "provided" for n in range(1, 13)},
        "07": "empty",
        "08": "empty",
    }
    codes = set(
        disclosure.tables.get(number="05").rows.exclude(code="").values_list("code", flat=True)
    )
    assert {"201", "20103", "2010301", "2010308", "221", "2210201"} <= codes
    assert disclosure.tables.get(number="06").rows.count() == 90


@pytest.mark.parametrize("catalogued", [True, False])
def test_every_planted_error_is_found_and_nothing_else(catalogued):
    if catalogued:
        load_catalogues(2021)
    result = generate(departments=2 * len(PLANT_KINDS), seed=3, errors=1.0, kinds=PLANT_KINDS)
    assert [p.kind for p in result.planted] == list(PLANT_KINDS) * 2
    by_id = {d.pk: d for d in result.disclosures}
    for planted in result.planted:
        report = run_checks(by_id[planted.disclosure_id])
        assert problems(report) == sorted(planted.findings), planted.kind


def test_a_share_of_disclosures_gets_an_error():
    result = generate(departments=40, seed=4, errors=0.25)
    assert 4 <= len(result.planted) <= 18
    assert {p.kind for p in result.planted} <= set(PLANT_KINDS)


def test_the_command_generates_checks_and_records_the_planted_errors(tmp_path, capsys):
    record = tmp_path / "planted.json"
    call_command(
        "generate_synthetic", departments=3, years=2, seed=5, errors=1.0, record=str(record)
    )
    out = capsys.readouterr().out
    assert out.startswith("生成 6 份决算（3 个部门 × 2 年），埋入错误 6 处：")
    assert Disclosure.objects.filter(department__code__startswith="syn5-").count() == 6
    assert CheckRun.objects.count() == 6
    planted = json.loads(record.read_text())
    for p in planted:
        stored = sorted(
            [f.rule, f.table_number, f.row_key, f.column_key]
            for f in Finding.objects.filter(disclosure_id=p["disclosure"]).exclude(severity="info")
        )
        assert stored == sorted(p["findings"]), p["kind"]


def test_the_same_seed_cannot_be_generated_twice():
    generate(departments=1, seed=6)
    with pytest.raises(ValueError, match="syn6-"):
        generate(departments=1, seed=6)
