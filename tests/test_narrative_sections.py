"""The 说明 as sections bound to their tables: each layout declares its sections, a real
document's texts are known by their headings, a heading no declaration names is kept as
"other" and listed in the import result."""

from __future__ import annotations

import tomllib

import pytest

from disclosure.content import ParsedNarrative
from disclosure.layouts import LAYOUT_DIR, LayoutError, get_layout, parse_layout
from disclosure.layouts.sections import heading_key, other_headings, section_for
from disclosure.models import Disclosure
from disclosure.workflow import narrative_save
from tests.helpers import import_file
from tests.test_import_pdf import CAIZHENGJU, TEMPLATE, _shared, parsed

PART3 = "第三部分上海市普陀区财政局2024年度部门决算情况说明"


def test_the_national_sections_one_to_eleven_are_each_bound_to_their_table():
    layout = get_layout("national-2024")
    bound = {s.heading: s.table for s in layout.sections if s.part == "情况说明"}
    assert bound == {
        "收入支出决算总体情况说明": "01",
        "收入决算情况说明": "02",
        "支出决算情况说明": "03",
        "财政拨款收入支出决算总体情况说明": "04",
        "一般公共预算财政拨款支出决算情况说明": "05",
        "一般公共预算财政拨款基本支出决算情况说明": "06",
        "财政拨款“三公”经费支出决算情况说明": "07",
        "政府性基金预算财政拨款收入支出决算情况说明": "08",
        "国有资本经营预算财政拨款收入支出决算情况说明": "09",
        "预算绩效管理情况": "",
        "其他重要事项的情况说明": "",
    }


def test_the_yunnan_sections_belong_to_its_narrative_table():
    layout = get_layout("yunnan-2021")
    assert {s.table for s in layout.sections if s.shown} == {"10"}
    # The source workbook's cover and 目录 sheets are kept as texts bound to no table.
    assert {(s.key, s.table) for s in layout.sections if not s.shown} == {
        ("cover", ""),
        ("contents", ""),
    }
    assert section_for(layout, "一、部门基本情况", "(三) 部门整体收支情况").key == "finances"
    assert section_for(layout, "二、其他需说明的情况", "").key == "other_matters"


@pytest.mark.parametrize("name", [CAIZHENGJU, TEMPLATE])
def test_every_heading_of_a_real_document_names_a_declared_section(name):
    document = parsed(name)
    layout = get_layout(document.layout)
    keys = [section_for(layout, n.heading, n.subheading).key for n in document.narratives]
    assert keys == [
        "cover",
        "contents",
        "duties",
        "units",
        *("overall", "income", "spend", "fiscal", "general", "basic", "sangong"),
        *("fund", "capital", "performance", "other_matters", "glossary"),
    ]


def test_a_heading_is_compared_without_its_numbering_spaces_or_remark():
    assert (
        heading_key("四、 财政拨款收入支出决算总体情况说明") == "财政拨款收入支出决算总体情况说明"
    )
    assert heading_key("（二）部门决算单位构成（仅有一个单位的部门") == "部门决算单位构成"
    # A heading that starts like a numbering is not cut: 一般… keeps its 一.
    assert heading_key("一般公共预算财政拨款支出决算情况说明").startswith("一般")
    layout = get_layout("national-2024")
    assert section_for(layout, PART3, "二、收入决算情况说明").table == "02"
    assert section_for(layout, PART3, "一、收入支出决算总体情况说明").table == "01"


def _national_section(key: str) -> tuple[dict, dict]:
    data = tomllib.loads((LAYOUT_DIR / "national-2024.toml").read_text())
    return data, next(s for s in data["sections"] if s["key"] == key)


def test_a_section_binding_an_undeclared_table_is_refused_at_load_time():
    data, overall = _national_section("overall")
    overall["table"] = "12"
    with pytest.raises(LayoutError, match="binds table 12"):
        parse_layout(data)
    data, overall = _national_section("overall")
    overall["figures"][0]["column"] = "no_such_column"
    with pytest.raises(LayoutError, match="no_such_column"):
        parse_layout(data)


def test_a_section_not_shown_binds_no_table():
    data, cover = _national_section("cover")
    assert cover["shown"] is False
    cover["table"] = "01"
    with pytest.raises(LayoutError, match="section cover: a section not shown can bind no"):
        parse_layout(data)


def test_an_unknown_heading_is_other_and_listed_never_dropped():
    layout = get_layout("national-2024")
    texts = [
        ParsedNarrative("", PART3, "四、财政拨款收入支出决算总体情况说明", "…"),
        ParsedNarrative("", PART3, "十二、关于XX的补充说明", "补充内容"),
    ]
    assert section_for(layout, PART3, "十二、关于XX的补充说明") is None
    assert other_headings(layout, texts) == ["十二、关于XX的补充说明"]


@pytest.mark.django_db
def test_the_real_document_is_stored_whole_with_nothing_left_as_other():
    result = import_file(
        data=(_shared("real") / CAIZHENGJU).read_bytes(),
        department_code="pt-czj",
        department_name="上海市普陀区财政局",
        year=2024,
        layout=None,
    )
    assert result.other_sections == []
    assert "未识别的说明标题" not in result.summary()
    assert result.disclosure.narratives.count() == len(parsed(CAIZHENGJU).narratives)


@pytest.mark.django_db
def test_the_import_result_lists_a_heading_kept_as_other(seed_text):
    text = seed_text.replace("七、其他需说明的情况\t", "七、另附的几句话\t")
    result = import_file(data=text.encode(), department_code="yuxi-xinfang", year=2021)
    assert result.other_sections == ["七、另附的几句话"]
    assert "未识别的说明标题（按“其他”保存）：七、另附的几句话" in result.summary()
    kept = result.disclosure.narratives.get(heading="七、另附的几句话")
    assert kept.body == "无其他需要说明的情况。"


@pytest.mark.django_db
def test_a_section_written_in_the_workspace_is_bound_by_its_heading(preparer, seed_draft):
    narrative_save(
        disclosure=seed_draft,
        user=preparer,
        sections=[
            {"heading": "七、其他需说明的情况", "body": "无。"},
            {"heading": "附言", "body": "…"},
        ],
    )
    disclosure = Disclosure.objects.get(pk=seed_draft.pk)
    layout = disclosure.layout_spec
    saved = {
        n.heading: section_for(layout, n.heading, n.subheading)
        for n in disclosure.narratives.filter(table_number="")
    }
    assert saved["七、其他需说明的情况"].key == "other_matters"
    assert saved["附言"] is None
