"""Findings of the text are shown where the text is: the sentence a finding quotes is marked
(<mark> with an id and words saying so, never colour only) in its section on the public
page and the workspace, the finding links to the sentence and the sentence back to it; the
body stays escaped and sanitised."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils.html import linebreaks

from disclosure.templatetags.disclosure_extras import markdown_safe
from disclosure.textmarks import find_quote, locate, marked_body
from tests.helpers import import_real
from tests.test_import_pdf import CAIZHENGJU

TOTAL = "财政拨款收入支出总计0.3万元。"
SHARE = "一般公共服务支出（类）2106.66万元，占71.73%"


def finding(pk, message, *, rule="text.amounts", row="四、说明", row_key="s3", severity="error"):
    return SimpleNamespace(
        pk=pk,
        rule=rule,
        row=row,
        row_key=row_key,
        severity=severity,
        message=message,
        get_severity_display=lambda: {"error": "错误", "warning": "警告"}[severity],
    )


def narrative(pk, body, *, position=3, heading="第三部分", subheading="四、说明"):
    return SimpleNamespace(
        pk=pk, body=body, position=position, heading=heading, subheading=subheading
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
