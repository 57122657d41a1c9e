"""Headers every page gets: a strict Content-Security-Policy on HTML (and pages that need no
inline script or style), Permissions-Policy, `Cache-Control: private, no-store` on staff
pages, and request bodies over the limit refused before they are read."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.urls import reverse

from config.security import CSP

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/disclosures/?q=信访",
    "/disclosures/2021/yuxi-xinfang/",
    "/disclosures/2021/yuxi-xinfang/tables/05/",
    "/boards/2021/",
    "/departments/yuxi-xinfang/",
    "/glossary/",
    "/data/",
    "/accounts/login/",
    "/no-such-page/",
]
INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # a script without src
    re.compile(r"<style[\s>]", re.I),
    re.compile(r"\sstyle=", re.I),
    re.compile(r"\son[a-z]+=", re.I),  # onclick=, onload= …
    re.compile(r"javascript:", re.I),
]


def inline_code(page: str) -> list[str]:
    # Inline SVG charts carry presentation attributes, never style or script.
    return [m.group() for pattern in INLINE for m in pattern.finditer(page)]


def test_csp_directives_are_strict():
    directives = dict(d.split(" ", 1) for d in CSP.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CSP


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_has_the_strict_csp_and_no_inline_code(client, seed_disclosure, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    assert response["Content-Security-Policy"] == CSP
    assert "camera=()" in response["Permissions-Policy"]
    assert inline_code(response.content.decode()) == []


def test_workspace_pages_have_the_strict_csp_no_inline_code_and_no_store(
    client, seed_draft, preparer
):
    client.force_login(preparer)
    for url in ["/workspace/", "/workspace/2021/yuxi-xinfang/v1/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == CSP
        assert inline_code(response.content.decode()) == [], url
        cache_control = response["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url


def test_admin_pages_keep_strict_scripts_and_are_never_stored(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("admin:index"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self' 'unsafe-inline'" in policy
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_signed_in_reader_of_a_public_page_is_not_stored_by_caches(
    client, seed_disclosure, reviewer
):
    client.force_login(reviewer)
    response = client.get("/disclosures/2021/yuxi-xinfang/")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_anonymous_public_pages_stay_cacheable(client, seed_disclosure):
    response = client.get("/disclosures/2021/yuxi-xinfang/")
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_api_docs_run_no_inline_script(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert "script-src 'self';" in response["Content-Security-Policy"]
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode()) == []


def test_an_oversized_request_is_refused_before_its_body_is_read(
    client, other_preparer, settings, monkeypatch
):
    settings.PORTAL_MAX_REQUEST_BYTES = 64 * 1024
    written = []
    monkeypatch.setattr(
        TemporaryFileUploadHandler,
        "receive_data_chunk",
        lambda self, data, start: written.append(len(data)),
    )
    settings.FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]
    client.force_login(other_preparer)
    upload = SimpleUploadedFile("big.xlsx", b"x" * 200_000)
    response = client.post("/workspace/upload/", {"year": 2021, "file": upload})
    assert response.status_code == 413
    assert "请求过大" in response.content.decode()
    assert written == [], "nothing of the body may reach a temporary file"
    small = client.post("/workspace/upload/", {"year": 2021, "file": SimpleUploadedFile("a", b"")})
    assert small.status_code != 413
