"""The source document's cover and 目录 are stored text: the wording rules read them (the
year, the department's name, a template's placeholders), and no page lists them among the
explanations a department writes."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from disclosure.checks.engine import ERROR, WARNING, run_checks
from disclosure.layouts import get_layout
from disclosure.layouts.sections import section_for
from disclosure.pdf import disclosure_html
from tests.checks_helpers import outcome
from tests.helpers import import_real
from tests.test_import_pdf import CAIZHENGJU, SHEHUI, TEMPLATE

NAME = "上海市普陀区财政局"
CONTENTS_LINE = "七、财政拨款“三公”经费支出决算表"


@pytest.fixture
def caizhengju(db):
    return import_real(CAIZHENGJU)


def _front(disclosure, heading: str):
    return disclosure.narratives.get(table_number="", heading=heading)


def _findings(report, rule: str) -> list[tuple[str, str, str]]:
    return [(i.severity, i.row, i.message) for i in outcome(report, rule).issues]


def test_the_cover_and_the_contents_of_a_real_pdf_are_stored_as_printed(caizhengju):
    cover, contents = _front(caizhengju, "封面"), _front(caizhengju, "目录")
    assert cover.body == f"{NAME}\n2024年度部门决算"
    lines = contents.body.split("\n")
    assert lines[0] == f"第一部分{NAME}概况"
    assert CONTENTS_LINE in lines
    assert f"第三部分{NAME}2024年度部门决算情况说明" in lines
    assert lines[-1] == "第四部分名词解释"
    # They come first, before 第一部分's texts, and name the two declared sections.
    layout = get_layout(caizhengju.layout)
    first = list(caizhengju.narratives.order_by("position")[:3])
    assert [section_for(layout, n.heading, n.subheading).key for n in first] == [
        "cover",
        "contents",
        "duties",
    ]


def test_the_real_cover_and_contents_raise_no_finding(caizhengju):
    report = run_checks(caizhengju)
    for rule in ("wording.years", "wording.placeholders", "wording.department"):
        assert [f for f in _findings(report, rule) if f[1] in {"封面", "目录"}] == []


def test_a_cover_of_another_year_is_an_error_naming_the_cover(caizhengju):
    cover = _front(caizhengju, "封面")
    cover.body = cover.body.replace("2024年度", "2023年度")
    cover.save()
    (finding,) = _findings(run_checks(caizhengju), "wording.years")
    severity, row, message = finding
    assert (severity, row) == (ERROR, "封面")
    assert "“2023年度部门决算”" in message and "2023年度" in message and "2024" in message


def test_a_placeholder_and_another_department_on_the_cover_are_found(caizhengju):
    cover = _front(caizhengju, "封面")
    cover.body = cover.body.replace(NAME, "上海市普陀区XX局")
    cover.save()
    report = run_checks(caizhengju)
    (mark,) = _findings(report, "wording.placeholders")
    assert mark[:2] == (WARNING, "封面") and "“XX”" in mark[2]
    (name,) = _findings(report, "wording.department")
    assert name[:2] == (WARNING, "封面")
    assert "封面印的部门是“上海市普陀区XX局”，本公开的部门是“上海市普陀区财政局”" in name[2]


def test_the_blank_template_says_its_cover_keeps_xx(db):
    template = import_real(TEMPLATE, code="pt-czj", department_name=NAME)
    assert _front(template, "封面").body == "上海市XX局\n2024年度部门决算"
    report = run_checks(template)
    marks = [f for f in _findings(report, "wording.placeholders") if f[1] == "封面"]
    assert [m[:2] for m in marks] == [(WARNING, "封面")]
    assert "“上海市XX局”" in marks[0][2]
    names = [f for f in _findings(report, "wording.department") if f[1] == "封面"]
    assert [n[:2] for n in names] == [(WARNING, "封面")]
    # The 目录 repeats the parts' headings: reported once, on the parts themselves.
    assert [f for f in _findings(report, "wording.department") if f[1] == "目录"] == []


def test_the_public_page_and_the_built_pdf_list_no_cover_or_contents(client, db):
    cache.clear()
    disclosure = import_real(CAIZHENGJU, publish=True)
    page = client.get("/disclosures/2024/pt-czj/").content.decode()
    explanations = page.split('id="explanations"', 1)[1].split("</section>", 1)[0]
    assert "一、主要职能" in explanations
    assert "<h3>封面</h3>" not in explanations and "<h3>目录</h3>" not in explanations
    assert CONTENTS_LINE not in explanations
    printed = disclosure_html(disclosure)
    explanations = printed.split('id="explanations"', 1)[1].split("</section>", 1)[0]
    assert "主要职能" in explanations
    assert "封面" not in explanations and CONTENTS_LINE not in explanations
    cache.clear()


def test_the_workspace_editor_offers_no_cover_or_contents(client, caizhengju):
    from accounts.models import User

    preparer = User.objects.create_user(
        "czj", password="Cz-2024-demo!", role="preparer", department=caizhengju.department
    )
    client.force_login(preparer)
    base = f"/workspace/2024/pt-czj/v{caizhengju.version}/"
    editor = client.get(base + "narratives/").content.decode()
    assert "第一条根据《上海市普陀区机构改革方案》" in editor
    assert "2024年度部门决算</textarea>" not in editor and CONTENTS_LINE not in editor
    overview = client.get(base).content.decode()
    explanations = overview.split('id="explanations"', 1)[1].split("</section>", 1)[0]
    assert "<h3>封面</h3>" not in explanations and CONTENTS_LINE not in explanations


def test_a_name_the_cover_wraps_over_lines_is_read_whole(db):
    shehui = import_real(SHEHUI)
    assert _front(shehui, "封面").body == "中共上海市普陀区委\n社会工作部2024年度\n部门决算"
    names = outcome(run_checks(shehui), "wording.department")
    assert [i for i in names.issues if i.row == "封面"] == []
    # Registered under another name, the cover's whole printed name is quoted.
    shehui.department.name = "上海市普陀区社会工作部"
    shehui.department.save()
    (cover,) = [f for f in _findings(run_checks(shehui), "wording.department") if f[1] == "封面"]
    assert "封面印的部门是“中共上海市普陀区委社会工作部”" in cover[2]


def test_a_finding_on_the_cover_links_to_no_sentence_the_page_does_not_show(client, db):
    from disclosure.checks.services import checks_run

    cache.clear()
    disclosure = import_real(CAIZHENGJU, publish=True)
    cover = _front(disclosure, "封面")
    cover.body = cover.body.replace("2024年度", "2023年度")
    cover.save()
    checks_run(disclosure=disclosure)
    page = client.get("/disclosures/2024/pt-czj/").content.decode()
    assert "2023年度部门决算" in page  # the finding quotes the cover in the quality panel
    anchors = {a.split('"')[0] for a in page.split('href="#mark-')[1:]}
    ids = {i.split('"')[0] for i in page.split('id="mark-')[1:]}
    assert anchors <= ids  # every link to a marked sentence lands on the page
    cache.clear()


def test_a_crafted_post_cannot_edit_the_cover(caizhengju):
    from accounts.models import User
    from disclosure import workflow
    from disclosure.workflow import WorkflowError

    preparer = User.objects.create_user(
        "czj", password="Cz-2024-demo!", role="preparer", department=caizhengju.department
    )
    cover = _front(caizhengju, "封面")
    with pytest.raises(WorkflowError, match="封面和目录"):
        workflow.narrative_save(
            disclosure=caizhengju,
            user=preparer,
            sections=[{"id": cover.pk, "heading": "封面", "body": "改过的封面"}],
        )
    assert _front(caizhengju, "封面").body == cover.body
