"""The English catalogue: every message translated (none empty, none fuzzy), every placeholder
kept, the compiled catalogue in step with the .po, and the reconciliation checks — rule
titles, reasons and findings over a real document — read in English."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from disclosure.checks.engine import all_rules, run_checks
from tests.checks_helpers import outcome

BASE = Path(settings.BASE_DIR)
CATALOGUE = BASE / "locale" / "en" / "LC_MESSAGES"
# Where the project's translatable messages live (makemessages reads these and nothing else
# of ours: the tests, scripts and benchmarks print no page).
SOURCES = ("accounts", "config", "disclosure", "templates")
# The keywords makemessages gives xgettext on top of Python's own (gettext, ngettext, _ …).
KEYWORDS = (
    "gettext_noop",
    "gettext_lazy",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "npgettext:1c,2,3",
    "pgettext_lazy:1c,2",
    "npgettext_lazy:1c,2,3",
)
PLACEHOLDER = re.compile(r"\{\w*\}|%\(\w+\)[sd]|%[sd]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def read_po(text: str) -> list[Entry]:
    """The entries of a .po file (its header left out), with the standard library only:
    keywords, continued strings, flags, plural forms and obsolete (#~) entries."""
    entries: list[Entry] = []
    entry, key = Entry(), None
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if key is not None and entry.msgid:
                entries.append(entry)
            entry, key = Entry(), None
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            continue
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            key, rest = line.split(" ", 1)
            value = ast.literal_eval(rest)
            if key.startswith("msgstr"):
                index = int(key[7:-1]) if key.startswith("msgstr[") else 0
                key = ("msgstr", index)
                entry.msgstr[index] = ""
            else:
                setattr(entry, key, "")
        if isinstance(key, tuple):
            entry.msgstr[key[1]] += value
        else:
            setattr(entry, key, getattr(entry, key) + value)
    return entries


def english() -> list[Entry]:
    po = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    return [e for e in read_po(po) if not e.obsolete]


def untranslated_or_fuzzy(entries: list[Entry]) -> list[str]:
    return [
        e.msgid for e in entries if "fuzzy" in e.flags or not e.msgstr or not all(e.msgstr.values())
    ]


def test_the_reader_finds_an_untranslated_a_fuzzy_and_an_empty_plural_entry():
    sample = "\n".join(
        [
            'msgid ""',
            'msgstr "Language: en\\n"',
            "",
            'msgid "合计"',
            'msgstr "Total"',
            "",
            "#: disclosure/checks/text.py:1",
            'msgid ""',
            '"说明各节所述金额"',
            '"与所说明的表一致"',
            'msgstr ""',
            "",
            "#, fuzzy, python-brace-format",
            'msgid "第 {n} 句"',
            'msgstr "Line {n}"',
            "",
            'msgid "%(n)s 个部门"',
            'msgid_plural "%(n)s 个部门"',
            'msgstr[0] "%(n)s department"',
            'msgstr[1] ""',
            "",
            '#~ msgid "旧的"',
            '#~ msgstr ""',
        ]
    )
    entries = [e for e in read_po(sample) if not e.obsolete]
    assert [e.msgid for e in entries] == [
        "合计",
        "说明各节所述金额与所说明的表一致",
        "第 {n} 句",
        "%(n)s 个部门",
    ]
    assert untranslated_or_fuzzy(entries) == [
        "说明各节所述金额与所说明的表一致",
        "第 {n} 句",
        "%(n)s 个部门",
    ]


def test_every_message_of_the_english_catalogue_is_translated_and_none_is_fuzzy():
    entries = english()
    assert len(entries) > 800  # the whole catalogue was read, not its first entry
    assert untranslated_or_fuzzy(entries) == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext's xgettext")
def test_every_message_of_the_code_and_templates_is_in_the_english_catalogue(tmp_path):
    """What `makemessages -l en --no-obsolete` would extract, extracted into a scratch
    directory (templates turned into Python as makemessages does): a message added to the
    code without its English, or one the code no longer uses, fails here."""
    from django.utils.translation.template import templatize

    files = []
    for folder in SOURCES:
        for path in sorted((BASE / folder).rglob("*")):
            if path.suffix == ".py":
                files.append(path)
            elif path.suffix in (".html", ".txt"):
                relative = path.relative_to(BASE)
                python = tmp_path / relative.with_name(relative.name + ".py")
                python.parent.mkdir(parents=True, exist_ok=True)
                source = path.read_text(encoding="utf-8")
                python.write_text(templatize(source, origin=str(relative)), encoding="utf-8")
                files.append(python)
    pot = tmp_path / "django.pot"
    subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            *(f"--keyword={k}" for k in KEYWORDS),
            f"--output={pot}",
            *map(str, files),
        ],
        check=True,
        capture_output=True,
    )
    extracted = {(e.msgctxt, e.msgid) for e in read_po(pot.read_text(encoding="utf-8"))}
    catalogue = {(e.msgctxt, e.msgid) for e in english()}
    assert len(extracted) > 800
    assert sorted(extracted - catalogue, key=str) == []  # run makemessages and translate
    assert sorted(catalogue - extracted, key=str) == []  # run makemessages --no-obsolete


GETTEXT_CALL = re.compile(r"\{\s*(?:_|gettext|ngettext|pgettext|npgettext|gettext_lazy)\(")


def test_no_message_is_translated_inside_an_f_string():
    """xgettext cannot read into an f-string: a `{_('预算')}` there never reaches the
    catalogue and shows in Chinese on the English pages."""
    hidden = []
    for folder in SOURCES:
        for path in sorted((BASE / folder).rglob("*.py")):
            with tokenize.open(path) as source:
                for token in tokenize.generate_tokens(source.readline):
                    prefix = re.match(r"[A-Za-z]*", token.string).group().lower()
                    if (
                        token.type == tokenize.STRING
                        and "f" in prefix
                        and GETTEXT_CALL.search(token.string)
                    ):
                        hidden.append(f"{path.relative_to(BASE)}:{token.start[0]}")
    assert hidden == []


def test_every_translation_keeps_the_placeholders_of_its_message():
    wrong = []
    for e in english():
        wanted = sorted(PLACEHOLDER.findall(e.msgid))
        for index, text in e.msgstr.items():
            got = sorted(PLACEHOLDER.findall(text))
            # English may say "one" for the singular where Chinese prints the number.
            if got != wanted and not (e.msgid_plural and index == 0 and set(got) <= set(wanted)):
                wrong.append((e.msgid, text))
    assert wrong == []


def test_the_compiled_catalogue_holds_every_translation_of_the_po():
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for e in english():
        context = f"{e.msgctxt}\x04" if e.msgctxt is not None else ""
        if e.msgid_plural is None:
            got = {0: compiled._catalog.get(context + e.msgid)}
        else:
            got = {i: compiled._catalog.get((context + e.msgid, i)) for i in e.msgstr}
        if got != e.msgstr:
            stale.append(e.msgid)
    assert stale == []


def test_every_check_rule_has_an_english_title():
    with translation.override("zh-hans"):
        chinese = {r.id: str(r.title) for r in all_rules()}
    with translation.override("en"):
        titles = {r.id: str(r.title) for r in all_rules()}
    assert [rule for rule, title in titles.items() if title == chinese[rule]] == []
    assert titles["text.shares"] == (
        "Shares and budget completion rates in the explanations agree when recomputed "
        "from the amounts stated"
    )
    assert titles["between.years"] == (
        "Carry-over and balances at the start of this year = carry-over and balances "
        "at the end of last year, as published"
    )


# ------------------------------------------------------------------ a real document in English
S11 = "十一、其他重要事项的情况说明"


@pytest.fixture
def caizhengju(db):
    from tests.helpers import import_real
    from tests.test_import_pdf import CAIZHENGJU

    return import_real(CAIZHENGJU)


def test_an_english_check_run_explains_in_english_why_rules_were_not_checked(caizhengju):
    with translation.override("en"):
        report = run_checks(caizhengju)
    result = outcome(report, "text.changes")
    assert (result.status, result.reason) == (
        "not_checked",
        "There are no published final accounts for the previous year to compare with.",
    )
    # Two reasons: English sentences are spaced (Chinese ones run on after their 。).
    assert outcome(report, "catalogue.exists").reason == (
        "The 2024 catalogue of the Functional classification of expenditure has not been "
        "loaded. The 2024 catalogue of the Economic classification has not been loaded."
    )


def test_the_three_public_expenses_chart_reads_in_english_and_its_labels_fit(caizhengju):
    from disclosure import charts, selectors

    tables = selectors.disclosure_tables(caizhengju)
    with translation.override("en"):
        (chart,) = [
            c for c in charts.charts_for_disclosure(caizhengju, tables) if c.key == "sangong"
        ]
    assert chart.rows[0] == ("Total “three public expenses”·budget", "0.95 10,000 yuan")
    assert chart.rows[1][0] == "Total “three public expenses”·final"
    assert "(unit: 10,000 yuan)" in chart.note
    # The labels' column grows to the longest English label (“Total … expenses”·budget,
    # 281 units at font-size 13), so none is cut at the left; the bars keep their 320.
    assert 'viewBox="0 0 733 138"' in chart.svg
    assert '<text x="285" y="25.4" text-anchor="end" font-size="13">' in chart.svg
    assert '<rect x="293" y="10" width="320.0"' in chart.svg
    (chinese,) = [c for c in charts.charts_for_disclosure(caizhengju, tables) if c.key == "sangong"]
    assert 'viewBox="0 0 640 138"' in chinese.svg  # Chinese labels fit the 200 units as before


def test_an_english_check_run_names_the_unit_of_a_text_in_english(caizhengju):
    from tests.test_checks_real_document import doctor

    doctor(caizhengju, S11, "机关运行经费支出184.65万元", "机关运行经费支出184.65元")
    with translation.override("en"):
        (found,) = outcome(run_checks(caizhengju), "wording.units").issues
    assert found.message == (
        f"Amounts in {S11} are stated in 10,000 yuan; the unit of “184.65元” in "
        "“机关运行经费支出184.65元” may be wrong."
    )


def test_an_import_in_english_reports_and_refuses_in_english(caizhengju):
    from accounts.actors import system_actor
    from disclosure.importing.services import import_refusal
    from tests.helpers import import_file
    from tests.test_import_pdf import CAIZHENGJU, _shared

    with translation.override("en"):
        result = import_file(
            data=(_shared("real") / CAIZHENGJU).read_bytes(),
            department_code="pt-czj",
            year=2023,
            layout=None,
            publish=True,
        )
        assert result.summary() == (
            "上海市普陀区财政局 2023, version 1 (Published): created; 7 tables with data, "
            "2 empty; 195 amounts stored, totalling 122103.36, matching the 195 amounts in "
            "the file (totalling 122103.36)."
        )
        assert import_refusal(system_actor(), result.disclosure) == (
            "上海市普陀区财政局 2023, version 1 has been published: nothing more can be "
            "imported into it and its content cannot be overwritten. To make changes, start "
            "a correction (a new version)."
        )
