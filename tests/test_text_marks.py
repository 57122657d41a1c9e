"""Findings of the text are shown where the text is: the sentence a finding quotes is marked
(<mark> with an id and words saying so, never colour only) in its section on the public
page and the workspace, the finding links to the sentence and the sentence back to it; the
body stays escaped and sanitised."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils.html import escape, linebreaks

from disclosure.templatetags.disclosure_extras import markdown_safe
from disclosure.textmarks import find_quote, locate, marked_body, marked_heading
from tests.helpers import import_real
from tests.test_import_pdf import CAIZHENGJU

TOTAL = "财政拨款收入支出总计0.3万元。"
SHARE = "一般公共服务支出（类）2106.66万元，占71.73%"


def finding(
    pk,
    message,
    *,
    rule="text.amounts",
    row="四、说明",
    row_key="s3",
    severity="error",
    column="第 1 句",
):
    return SimpleNamespace(
        pk=pk,
        rule=rule,
        row=row,
        row_key=row_key,
        column=column,
        severity=severity,
        message=message,
        get_severity_display=lambda: {"error": "错误", "warning": "警告"}[severity],
    )


def narrative(pk, body, *, position=3, heading="第三部分", subheading="四、说明", table_number=""):
    return SimpleNamespace(
        pk=pk,
        body=body,
        position=position,
        heading=heading,
        subheading=subheading,
        table_number=table_number,
    )


# ---------------------------------------------------------------- the marking itself
def test_the_quoted_sentence_is_found_across_a_wrapped_line():
    body = "2024年度财政拨款收入\n  支出总计0.3万元。与上年相比增加1万元。"
    span = find_quote(body, "四：“2024年度财政拨款收入支出总计0.3万元。”中的“0.3万元”不符。")
    assert span is not None
    assert body[span[0] : span[1]] == "2024年度财政拨款收入\n  支出总计0.3万元。"
    assert find_quote(body, "四：“没有这一句的话。”不符。") is None


def test_a_finding_is_placed_only_in_its_own_section():
    mine = narrative(1, "甲。收入0.3万元。")
    other = narrative(2, "收入0.3万元。", position=4, subheading="五、说明")
    table = finding(9, "四、说明：“收入0.3万元。”不符。", rule="inside.hierarchy")
    f = finding(7, "四、说明：“收入0.3万元。”不符。")
    marks = locate([other, mine], [f, table])
    assert list(marks) == [1]
    assert mine.body[marks[1][0].start : marks[1][0].end] == "收入0.3万元。"
    assert f.text_anchor == "mark-7" and table.text_anchor == ""
    # The row names the section: a finding of 五 is not placed in 四 at the same position.
    wrong = finding(8, "“收入0.3万元。”", row="五、说明")
    assert locate([mine], [wrong]) == {} and wrong.text_anchor == ""


def test_the_mark_has_an_id_words_and_a_link_back():
    f = finding(7, "四、说明：“收入0.3万元。”不符。")
    n = narrative(1, "甲。收入0.3万元。乙。")
    html = marked_body(n.body, locate([n], [f])[1], markdown_safe)
    assert html == (
        '<p>甲。<mark class="text-finding error" id="mark-7" tabindex="-1">收入0.3万元。</mark>'
        '<a class="text-finding-note error" href="#finding-7">（核对发现：错误，见检查结果）</a>'
        "乙。</p>"
    )


def test_two_findings_on_one_sentence_share_one_mark_and_each_links_back():
    n = narrative(1, "收入0.3万元，占71.73%。")
    a = finding(7, "“收入0.3万元，占71.73%。”中的“0.3万元”")
    b = finding(8, "“收入0.3万元，占71.73%。”中的“71.73%”", severity="warning")
    html = marked_body(n.body, locate([n], [a, b])[1], markdown_safe)
    assert html.count("<mark") == 1 and a.text_anchor == b.text_anchor == "mark-7"
    assert 'href="#finding-7"' in html and 'href="#finding-8"' in html


def test_a_script_in_a_marked_sentence_stays_harmless():
    body = '说明。收入<script>alert("x")</script><img src=x onerror=alert(1)>0.3万元。'
    n = narrative(1, body)
    f = finding(7, '“收入<script>alert("x")</script><img src=x onerror=alert(1)>0.3万元。”')
    for render in (markdown_safe, lambda text: linebreaks(text, autoescape=True)):
        html = marked_body(n.body, locate([n], [f])[1], render)
        # No element but the paragraph, the mark and its link back.
        assert set(re.findall(r"<(\w+)", html)) == {"p", "mark", "a"}, html
        assert 'id="mark-7"' in html and "0.3万元。</mark>" in html
    # Without marks the body renders exactly as before.
    assert marked_body(body, [], markdown_safe) == markdown_safe(body)


def test_a_mark_never_crosses_an_element():
    body = "收入**0.3万元**。"
    n = narrative(1, body)
    f = finding(7, "“收入**0.3万元**。”")
    html = marked_body(body, locate([n], [f])[1], markdown_safe)
    assert html.startswith(
        '<p><mark class="text-finding error" id="mark-7" tabindex="-1">收入</mark>'
        '<strong><mark class="text-finding error">0.3万元</mark></strong>'
        '<mark class="text-finding error">。</mark>'
    )


def test_the_body_cannot_forge_a_mark():
    body = "收入\ue000<b>0.3</b>\ue001万元。"
    assert "\ue000" not in marked_body(body, [], markdown_safe)
    assert "<mark" not in marked_body(body, [], markdown_safe)


# ---------------------------------------------------------------- headings
PART = "第三部分上海市普陀区财政局2023年度部门决算情况说明"
WRONG_YEAR = f"一、说明的标题“{PART}”写的是“2023年度”，本公开是 2024 年度。"
EXPLANATIONS = Template(
    "{% load disclosure_extras %}{% for n in narratives %}"
    '{% ifchanged n.heading %}<h3>{% heading_html n "heading" marks %}</h3>{% endifchanged %}'
    '<h4>{% heading_html n "subheading" marks %}</h4>{% narrative_html n marks %}{% endfor %}'
)


def _explanations(narratives, marks) -> str:
    return EXPLANATIONS.render(Context({"narratives": narratives, "marks": marks}))


def test_a_quote_in_the_subheading_is_marked_there_not_in_the_body():
    # The body says "2023年度" too (a comparison); the finding names the subheading.
    n = narrative(1, "收入比2023年度增加。", subheading="四、2023年度说明")
    f = finding(
        7,
        "四、2023年度说明的小标题“四、2023年度说明”写的是“2023年度”，本公开是 2024 年度。",
        rule="wording.years",
        row="四、2023年度说明",
        column="小标题",
    )
    marks = locate([n], [f])
    assert [(m.part, m.start, m.end) for m in marks[1]] == [("subheading", 0, 10)]
    assert f.text_anchor == "mark-7"
    html = _explanations([n], marks)
    assert (
        '<h4><mark class="text-finding error" id="mark-7" tabindex="-1">四、2023年度说明</mark>'
        '<a class="text-finding-note error" href="#finding-7">（核对发现：错误，见检查结果）</a>'
        "</h4><p>收入比2023年度增加。</p>"
    ) in html
    assert html.count("<mark") == 1
    # A finding that names no heading but quotes only the subheading is placed there too.
    g = finding(8, "“四、2023年度说明”", row="四、2023年度说明")
    assert [m.part for m in locate([n], [g])[1]] == ["subheading"]


def test_a_heading_printed_once_over_several_sections_is_marked_once_where_it_is_shown():
    sections = [
        narrative(1, "概况。", position=2, heading="第一部分概况", subheading="一、职能"),
        narrative(2, "收入2023年度。", position=4, heading=PART, subheading="一、说明"),
        narrative(3, "支出。", position=5, heading=PART, subheading="二、说明"),
        narrative(4, "其他。", position=6, heading=PART, subheading="三、说明"),
    ]
    # Findings of the heading from its second and third sections: the page prints the
    # heading once, above the first.
    year = finding(
        7,
        WRONG_YEAR.replace("一、", "二、"),
        rule="wording.years",
        row="二、说明",
        row_key="s5",
        column="标题",
    )
    name = finding(
        8,
        f"标题“{PART}”印的部门是“某局”。",
        rule="wording.department",
        row="三、说明",
        row_key="s6",
        column="标题",
        severity="warning",
    )
    marks = locate(sections, [year, name])
    assert list(marks) == [2]
    assert [(m.part, m.start, m.end) for m in marks[2]] == [("heading", 0, len(PART))]
    assert year.text_anchor == name.text_anchor == "mark-7"
    html = _explanations(sections, marks)
    assert html.count("<mark") == 1 and html.count("<h3>") == 2
    assert (
        f'<h3><mark class="text-finding error" id="mark-7" tabindex="-1">{PART}</mark>'
        '<a class="text-finding-note error" href="#finding-7">（核对发现：错误，见检查结果）</a>'
        '<a class="text-finding-note warning" href="#finding-8">（核对发现：警告，见检查结果）</a>'
        "</h3><h4>一、说明</h4>"
    ) in html
    # Printed again after another heading, it is marked where it is printed again.
    again = [*sections, narrative(5, "名词。", position=7, heading="第四部分", subheading="")]
    again.append(narrative(6, "又。", position=8, heading=PART, subheading="五、说明"))
    late = finding(9, WRONG_YEAR, rule="wording.years", row="五、说明", row_key="s8", column="标题")
    assert list(locate(again, [late])) == [6]
    # A text of a table (公开10) in between is of another page section: it breaks no run.
    table = narrative(7, "表。", position=5, heading="别的", subheading="", table_number="10")
    assert list(locate([*sections[:2], table, *sections[2:]], [year])) == [2]


def test_a_script_in_a_heading_stays_escaped_with_the_mark_around_it():
    heading = '第三部分<script>alert("x")</script>XX局2024年度说明'
    n = narrative(1, "正文。", heading=heading, subheading="")
    f = finding(
        7,
        f"第三部分的标题留有模板占位符“XX”：“{heading}”。",
        rule="wording.placeholders",
        row=heading,
        column="标题",
        severity="warning",
    )
    marks = locate([n], [f])
    html = str(marked_heading(heading, [m for m in marks[1] if m.part == "heading"]))
    assert set(re.findall(r"<(\w+)", html)) == {"mark", "a"}, html
    assert html.startswith(
        '<mark class="text-finding warning" id="mark-7" tabindex="-1">'
        "第三部分&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;XX局2024年度说明</mark>"
    )
    # Without marks the heading prints exactly as escaped before, and cannot forge one.
    assert marked_heading(heading, []) == escape(heading)
    assert "<mark" not in marked_heading("第\ue000三\ue001部分", [])


def test_a_finding_of_another_section_is_not_placed_in_a_heading():
    n = narrative(1, "正文。", heading=PART, subheading="四、说明")
    # Same position, another section's row: not placed, though the heading has the quote.
    other = finding(7, WRONG_YEAR, rule="wording.years", row="五、说明", column="标题")
    # Its own section, but the heading does not print what it quotes.
    absent = finding(8, "标题“第三部分2022年度说明”写的是“2022年度”。", column="标题")
    # A rule about the tables quoting the heading is not a finding of the text.
    table = finding(9, WRONG_YEAR, rule="inside.hierarchy", column="标题")
    assert locate([n], [other, absent, table]) == {}
    assert other.text_anchor == absent.text_anchor == table.text_anchor == ""


# ---------------------------------------------------------------- the real document's pages
@pytest.fixture
def caizhengju(db):
    return import_real(CAIZHENGJU, publish=True)


def _marked(page: str) -> dict[str, str]:
    """id → the text of each first <mark> of the page."""
    return dict(
        re.findall(r'<mark class="text-finding error" id="(mark-\d+)" tabindex="-1">([^<]*)', page)
    )


def _assert_both_marked_and_linked(page: str) -> None:
    marks = _marked(page)
    assert len(marks) == 2, marks
    total = next(i for i, text in marks.items() if text.endswith(TOTAL))
    share = next(i for i, text in marks.items() if SHARE in text)
    for ident in (total, share):
        pk = ident.removeprefix("mark-")
        # The finding links to the sentence, the sentence back to the finding.
        assert f'href="#{ident}"' in page
        assert re.search(rf'<[a-z]+ class="finding error[^"]*" id="finding-{pk}"', page)
        assert f'href="#finding-{pk}">（核对发现：错误，见检查结果）</a>' in page


def test_the_public_page_marks_both_wrong_sentences_of_the_real_document(client, caizhengju):
    page = client.get("/disclosures/2024/pt-czj/").content.decode()
    _assert_both_marked_and_linked(page)


def test_the_workspace_marks_both_wrong_sentences_of_the_real_document(client, caizhengju):
    from accounts.models import User

    user = User.objects.create_user(
        "czj", password="Czj-2024-demo!", role="preparer", department=caizhengju.department
    )
    client.force_login(user)
    url = reverse("workspace:disclosure", args=[2024, "pt-czj", caizhengju.version])
    page = client.get(url).content.decode()
    _assert_both_marked_and_linked(page)


def test_the_narrative_editor_lists_the_sentences_found_beside_each_text(client, db):
    from accounts.models import User

    draft = import_real(CAIZHENGJU)
    user = User.objects.create_user(
        "czj", password="Czj-2024-demo!", role="preparer", department=draft.department
    )
    client.force_login(user)
    page = client.get(
        reverse("workspace:narratives", args=[2024, "pt-czj", draft.version])
    ).content.decode()
    noted = re.findall(
        r'<li><mark class="text-finding error">([^<]*)</mark>\s*<a [^>]*href="([^"]*)"', page
    )
    assert len(noted) == 2, noted
    assert noted[0][0].endswith(TOTAL) and SHARE in noted[1][0]
    workspace = reverse("workspace:disclosure", args=[2024, "pt-czj", draft.version])
    assert all(href.startswith(workspace + "#finding-") for _s, href in noted)


# ---------------------------------------------------------------- a wrong year in a real heading
REAL_PART = "第三部分上海市普陀区财政局2024年度部门决算情况说明"
DOCTORED_PART = REAL_PART.replace("2024年度", "2023年度")


def doctor_part_heading(disclosure):
    """The real document with its 第三部分 heading printing the wrong year (over each of
    its eleven sections, as stored), checked again; returns the finding about it."""
    from disclosure.checks.services import checks_run
    from disclosure.models import Finding

    assert disclosure.narratives.filter(heading=REAL_PART).update(heading=DOCTORED_PART) == 11
    checks_run(disclosure=disclosure)
    (found,) = Finding.objects.filter(disclosure=disclosure, rule="wording.years")
    assert (found.row, found.row_key, found.column, found.severity) == (
        "一、收入支出决算总体情况说明",
        "s4",
        "标题",
        "error",
    )
    assert found.message == (
        f"一、收入支出决算总体情况说明的标题“{DOCTORED_PART}”写的是“2023年度”，本公开是 2024 年度。"
    )
    return found


def _assert_heading_marked_once_and_linked(page: str, found) -> None:
    pk = found.pk
    heading = (
        f'<h3><mark class="text-finding error" id="mark-{pk}" tabindex="-1">{DOCTORED_PART}</mark>'
        f'<a class="text-finding-note error" href="#finding-{pk}">'
        "（核对发现：错误，见检查结果）</a></h3>"
    )
    assert page.count(heading) == 1
    # Printed once above its eleven sections, and marked there only.
    assert page.count(f"<h3>{DOCTORED_PART}") == 0
    assert page.count(f'id="mark-{pk}"') == 1
    # The finding in the report links to the heading, and the heading back to it.
    assert re.search(rf'<[a-z]+ class="finding error[^"]*" id="finding-{pk}"', page)
    assert f'<a class="to-text" href="#mark-{pk}">在说明中查看</a>' in page
    # The document's own two wrong sentences are still marked in their bodies.
    sentences = [text for text in _marked(page).values() if text != DOCTORED_PART]
    assert len(sentences) == 2 and sentences[0].endswith(TOTAL) and SHARE in sentences[1]


def test_the_public_page_marks_a_wrong_year_in_a_real_heading_where_it_is_shown(client, caizhengju):
    found = doctor_part_heading(caizhengju)
    page = client.get("/disclosures/2024/pt-czj/").content.decode()
    _assert_heading_marked_once_and_linked(page, found)


def test_the_workspace_and_the_editor_mark_a_wrong_year_in_a_real_heading(client, db):
    from accounts.models import User

    draft = import_real(CAIZHENGJU)
    found = doctor_part_heading(draft)
    user = User.objects.create_user(
        "czj", password="Czj-2024-demo!", role="preparer", department=draft.department
    )
    client.force_login(user)
    workspace = reverse("workspace:disclosure", args=[2024, "pt-czj", draft.version])
    _assert_heading_marked_once_and_linked(client.get(workspace).content.decode(), found)
    # The editor shows a heading in its field: the words found are listed beside it, named.
    page = client.get(
        reverse("workspace:narratives", args=[2024, "pt-czj", draft.version])
    ).content.decode()
    assert page.count(f'value="{DOCTORED_PART}"') == 11  # each section's heading field
    assert (
        '<li><span class="text-finding-part">标题：</span>'
        f'<mark class="text-finding error">{DOCTORED_PART}</mark>\n'
        f'          <a class="text-finding-note error" href="{workspace}#finding-{found.pk}">'
    ) in page
