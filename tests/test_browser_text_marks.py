"""In Chromium, a finding of the text takes the reader to its sentence: the link scrolls the
marked sentence (or the marked heading) of the real 财政局 document into view and focuses
it, and the words after it lead back to the finding."""

import pytest

from tests.browser import ARTIFACTS, browser_page
from tests.test_browser_accessibility import AXE, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def caizhengju(transactional_db):
    from tests.helpers import import_real
    from tests.test_import_pdf import CAIZHENGJU

    return import_real(CAIZHENGJU, publish=True)


def _in_view(page, selector: str) -> bool:
    return page.eval_on_selector(
        selector,
        "e => { const r = e.getBoundingClientRect();"
        " return r.bottom > 0 && r.top < window.innerHeight && r.height > 0; }",
    )


def test_the_finding_leads_to_its_sentence_and_back(live_server, caizhengju):
    with browser_page() as (page, problems):
        page.goto(live_server.url + "/disclosures/2024/pt-czj/")
        page.locator(".quality-panel summary").click()
        link = page.locator(".quality-panel a.to-text").first
        target = link.get_attribute("href")
        assert target.startswith("#mark-")
        assert not _in_view(page, target)
        link.click()
        page.wait_for_function("id => location.hash === id", arg=target)
        assert _in_view(page, target)
        assert page.evaluate("() => document.activeElement.id") == target[1:]
        assert "0.3万元" in page.locator(target).inner_text()
        page.screenshot(path=str(ARTIFACTS / "text-marks-sentence.png"))
        # The words after the sentence lead back to the finding in the panel.
        back = page.locator(f"{target} ~ a.text-finding-note").first
        finding = back.get_attribute("href")
        back.click()
        page.wait_for_function("id => location.hash === id", arg=finding)
        assert _in_view(page, finding)
        assert problems == []


@pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: run scripts/bootstrap --test")
@pytest.mark.parametrize("width", [1280, 375])
def test_a_finding_about_a_heading_leads_to_the_heading_and_back(live_server, caizhengju, width):
    from tests.test_text_marks import DOCTORED_PART, doctor_part_heading

    found = doctor_part_heading(caizhengju)
    target = f"#mark-{found.pk}"
    with browser_page(width=width) as (page, problems):
        page.goto(live_server.url + "/disclosures/2024/pt-czj/")
        page.locator(".quality-panel summary").click()
        link = page.locator(f'.quality-panel a.to-text[href="{target}"]')
        assert link.count() == 1
        assert not _in_view(page, target)
        link.click()
        page.wait_for_function("id => location.hash === id", arg=target)
        assert _in_view(page, target)
        assert page.evaluate("() => document.activeElement.id") == target[1:]
        # The mark is the heading as printed, inside the heading, with its words.
        assert page.locator(f"h3 > {target}").inner_text() == DOCTORED_PART
        heading = page.locator(f"h3:has({target})")
        assert heading.inner_text() == DOCTORED_PART + "（核对发现：错误，见检查结果）"
        page.screenshot(path=str(ARTIFACTS / f"text-marks-heading-{width}.png"))
        back = heading.locator("a.text-finding-note")
        back.click()
        page.wait_for_function("id => location.hash === id", arg=f"#finding-{found.pk}")
        assert _in_view(page, f"#finding-{found.pk}")
        assert violations(page) == []
        assert problems == []


@pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: run scripts/bootstrap --test")
def test_the_editor_names_the_heading_found_and_fits_a_phone(live_server, transactional_db):
    from accounts.models import User
    from tests.helpers import import_real
    from tests.test_browser_workflow import PASSWORDS, sign_in
    from tests.test_import_pdf import CAIZHENGJU
    from tests.test_text_marks import DOCTORED_PART, doctor_part_heading

    draft = import_real(CAIZHENGJU)
    found = doctor_part_heading(draft)
    User.objects.create_user(
        "xinfang", password=PASSWORDS["xinfang"], role="preparer", department=draft.department
    )
    with browser_page(width=375) as (page, problems):
        sign_in(page, live_server.url, "xinfang")
        page.goto(f"{live_server.url}/workspace/2024/pt-czj/v{draft.version}/narratives/")
        note = page.locator(".text-findings li").first
        assert note.inner_text().startswith(f"标题：{DOCTORED_PART}")
        # The fields and the words found wrap inside the page: nothing wider than a phone.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        page.screenshot(path=str(ARTIFACTS / "text-marks-editor-375.png"), full_page=True)
        # The words lead to the finding in the workspace's check report.
        with page.expect_navigation():
            note.locator("a.text-finding-note").click()
        assert page.url.endswith(f"#finding-{found.pk}")
        assert _in_view(page, f"#finding-{found.pk}")
        assert violations(page) == []
        assert problems == []
