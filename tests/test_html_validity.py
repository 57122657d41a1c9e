"""Every main public and staff page is valid HTML: 0 errors from the Nu Html Checker (the W3C
validator's engine, `vnu.jar` from npm's vnu-jar, run offline by Debian's Java; both
installed by scripts/bootstrap --test). All pages go to the checker in one run."""

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from disclosure.models.statements import Status
from tests.helpers import import_file, import_real
from tests.test_import_pdf import CAIZHENGJU, _shared
from tests.test_text_marks import doctor_part_heading

pytestmark = pytest.mark.django_db

VNU = (
    Path(__file__).resolve().parent.parent
    / "node_modules"
    / "vnu-jar"
    / "build"
    / "dist"
    / "vnu.jar"
)
JAVA = shutil.which("java")

PUBLIC = [
    "/",
    "/disclosures/?q=信访",
    "/disclosures/?q=不存在的部门",
    "/disclosures/2021/yuxi-xinfang/",
    "/disclosures/2021/yuxi-xinfang/?unit=10k",
    "/disclosures/2021/yuxi-xinfang/v1/",
    "/disclosures/2021/yuxi-xinfang/tables/01/",
    "/disclosures/2021/yuxi-xinfang/tables/05/",
    "/disclosures/2021/yuxi-xinfang/tables/07/",
    "/departments/yuxi-xinfang/",
    "/boards/2021/",
    "/regions/",
    "/regions/530400/",
    "/coverage/2021/",
    "/coverage/2021/?region=530000",
    "/glossary/",
    "/data/",
    "/api/v1/docs/",
    "/accounts/login/",
    "/no-such-page/",
]
PREPARER = [
    "/workspace/",
    "/workspace/2022/yuxi-xinfang/v1/",
    "/workspace/2022/yuxi-xinfang/v1/narratives/",
    ("/workspace/2022/yuxi-xinfang/v1/submit/", {}),  # 报送 asks first
]
ENGLISH = ["/", "/disclosures/2021/yuxi-xinfang/", "/coverage/2021/"]
REVIEWER = [
    "/workspace/",
    "/workspace/2022/yuxi-xinfang/v1/",
    # The confirmation pages: 批复 and 公开 ask first.
    ("/workspace/2022/yuxi-xinfang/v1/approve/", {"approved_on": "2023-08-01"}),
]


# A page with a known error goes with every batch: the checker must report it, or it did
# not read the files (it reports nothing at all for a path it cannot take as a file).
CONTROL = "<!DOCTYPE html><html lang=zh><title>对照</title><p>错误</span>"


def validator_errors(pages: dict[str, str], tmp_path: Path) -> dict[str, list[str]]:
    """The checker's errors for each page (name → HTML), from one invocation."""
    files = {}
    for index, (name, html) in enumerate({**pages, "control": CONTROL}.items()):
        path = (tmp_path / f"page-{index:02d}.html").resolve()
        path.write_text(html, encoding="utf-8")
        files[str(path)] = name
    done = subprocess.run(
        [JAVA, "-Xss8m", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        messages = json.loads(done.stderr or done.stdout)["messages"]
    except ValueError:
        pytest.fail(f"the checker did not report: {done.stderr or done.stdout}")
    errors: dict[str, list[str]] = {}
    for m in messages:
        url = m.get("url", "?")
        name = files.get(url.removeprefix("file:"), url)
        errors.setdefault(name, []).append(f"line {m.get('lastLine')}: {m['message']}")
    assert errors.pop("control", None) == ["line 1: Stray end tag “span”."]
    return errors


@pytest.fixture
def held_uploads(settings, tmp_path):
    """Uploads held between a preview and its confirmation go to a temporary directory."""
    settings.PORTAL_UPLOAD_DIR = tmp_path / "uploads"


def _fetch(client, path) -> str:
    response = client.post(*path) if isinstance(path, tuple) else client.get(path)
    assert response.status_code in {200, 404}, (path, response.status_code)
    return response.content.decode()


@pytest.mark.skipif(
    not (VNU.exists() and JAVA), reason="vnu.jar or Java missing: run scripts/bootstrap --test"
)
def test_every_main_page_has_no_html_errors(client, seed_bytes, reviewer, tmp_path, held_uploads):
    from accounts.models import User

    cache.clear()
    import_file(data=seed_bytes, department_code="yuxi-xinfang", year=2021, publish=True)
    draft = import_file(data=seed_bytes, department_code="yuxi-xinfang", year=2022).disclosure
    preparer = User.objects.create_user(
        "xinfang", password="Xf-2021-demo!", role="preparer", department=draft.department
    )
    pages = {path: _fetch(client, path) for path in PUBLIC}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    pages |= {f"en {path}": _fetch(client, path) for path in ENGLISH}
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert all('<html lang="en"' in pages[f"en {path}"] for path in ENGLISH)
    client.force_login(preparer)
    pages |= {f"preparer {p}": _fetch(client, p) for p in PREPARER}
    # A published PDF is previewed before it is stored: its tables beside the page regions.
    pdf = SimpleUploadedFile("决算.pdf", (_shared("real") / CAIZHENGJU).read_bytes())
    preview = client.post("/workspace/upload/", {"year": 2024, "file": pdf})
    assert preview.status_code == 200 and "确认导入" in preview.content.decode()
    pages["preparer PDF preview"] = preview.content.decode()
    draft.status = Status.SUBMITTED
    draft.save()
    client.force_login(reviewer)
    pages |= {f"reviewer {p}": _fetch(client, p) for p in REVIEWER}
    draft.status = Status.APPROVED
    draft.approved_on = date(2023, 8, 1)
    draft.save()
    publish = "/workspace/2022/yuxi-xinfang/v1/publish/"
    pages[f"reviewer {publish}"] = _fetch(client, (publish, {}))
    assert "不能撤销" in pages[f"reviewer {publish}"]  # the confirmation page, not a redirect

    # The real document with a wrong year in its part heading: the sentences and the
    # heading its findings are about are marked, inside <p> and <h3>.
    found = doctor_part_heading(import_real(CAIZHENGJU, publish=True))
    pages["marked 说明"] = _fetch(client, "/disclosures/2024/pt-czj/")
    assert f'<h3><mark class="text-finding error" id="mark-{found.pk}"' in pages["marked 说明"]

    errors = validator_errors(pages, tmp_path)
    assert errors == {}, "\n".join(f"{k}: {v}" for k, v in errors.items())
