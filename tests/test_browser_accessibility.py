"""Every public and staff page passes axe-core (from npm, see package.json) in Chromium with
no violations of the WCAG 2.x A and AA rules, at 1280 and 375 px."""

from pathlib import Path

import pytest

from tests.browser import browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"

PUBLIC = [
    "/",
    "/disclosures/?q=信访",
    "/disclosures/?q=不存在的部门",
    "/disclosures/2021/yuxi-xinfang/",
    "/disclosures/2021/yuxi-xinfang/tables/01/",
    "/disclosures/2021/yuxi-xinfang/tables/05/",
    "/disclosures/2021/yuxi-xinfang/tables/07/",
    "/boards/2021/",
    "/departments/yuxi-xinfang/",
    "/glossary/",
    "/data/",
    "/accounts/login/",
]
STAFF = ["/workspace/", "/workspace/2021/yuxi-xinfang/v1/"]


def violations(page) -> list[str]:
    # Evaluated through the DevTools protocol, so a Content-Security-Policy does not stop it.
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: "tag", values: WCAG},
                resultTypes: ["violations"],
            });
            return r.violations.map(
                v => v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")
            );
        }""".replace("WCAG", '["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]')
    )


@pytest.fixture
def published_and_draft(transactional_db, seed_bytes):
    from accounts.models import User
    from tests.helpers import import_file

    import_file(data=seed_bytes, department_code="yuxi-xinfang", year=2021, publish=True)
    draft = import_file(data=seed_bytes, department_code="yuxi-xinfang", year=2022).disclosure
    User.objects.create_user(
        "xinfang", password="Xf-2021-demo!", role="preparer", department=draft.department
    )


@pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: run scripts/bootstrap --test")
@pytest.mark.parametrize("width", [1280, 375])
def test_every_page_has_no_axe_violations(live_server, published_and_draft, width):
    found = {}
    with browser_page(width=width) as (page, _problems):
        for path in PUBLIC:
            page.goto(live_server.url + path)
            if v := violations(page):
                found[path] = v
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("用户名").fill("xinfang")
        page.get_by_label("密码").fill("Xf-2021-demo!")
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()
        for path in [*STAFF, "/workspace/2022/yuxi-xinfang/v1/"]:
            page.goto(live_server.url + path)
            if v := violations(page):
                found[path] = v
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
