"""A PDF build that fails is never silent: recorded, logged at error level, retried with
back-off by the worker, shown to reviewers with a rebuild button, rebuilt by
`rebuild_pdfs --failed`; publishing never renders inside the request in production settings."""

import logging
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from disclosure import pdf, workflow
from disclosure.models import AuditEvent, NarrativeSection, PdfBuild, PdfState
from disclosure.models.statements import NARRATIVE_MAX_CHARS
from tests.test_settings import manage

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def broken_renderer(monkeypatch):
    """The renderer fails (a missing font, a full disk …); calls are counted."""
    calls = []

    def fail(*, disclosure):
        calls.append(disclosure.pk)
        raise OSError("No space left on device")

    monkeypatch.setattr(pdf, "disclosure_pdf_build", fail)
    return calls


@pytest.fixture
def working_renderer(monkeypatch):
    calls = []
    monkeypatch.setattr(
        pdf, "disclosure_pdf_build", lambda *, disclosure: calls.append(disclosure.pk) or ["x"]
    )
    return calls


def published(seed_bytes):
    from tests.helpers import import_file

    return import_file(
        data=seed_bytes, department_code="yuxi-xinfang", year=2021, publish=True
    ).disclosure


def test_publishing_records_the_build_as_queued(seed_bytes):
    disclosure = published(seed_bytes)
    assert PdfBuild.objects.get(disclosure=disclosure).state == PdfState.QUEUED


def test_a_failed_build_is_recorded_and_logged_at_error_level(
    seed_bytes, broken_renderer, settings, caplog, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    with (
        caplog.at_level(logging.ERROR, logger="disclosure.pdf"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        disclosure = published(seed_bytes)
    build = PdfBuild.objects.get(disclosure=disclosure)
    assert (build.state, build.attempts) == (PdfState.FAILED, 1)
    assert build.last_error == "OSError: No space left on device"
    assert [r.levelno for r in caplog.records if "PDF build" in r.getMessage()] == [logging.ERROR]
    assert broken_renderer == [disclosure.pk]  # inline: no retry inside the request


def test_the_worker_retries_a_failed_build_with_back_off(seed_bytes, broken_renderer, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE
    settings.PORTAL_PDF_BUILD_ATTEMPTS = 3
    settings.PORTAL_PDF_RETRY_SECONDS = 60
    disclosure = published(seed_bytes)
    started = timezone.now()
    pdf.build_disclosure_pdfs.call(disclosure.pk)  # the worker's first attempt
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["args"] == [disclosure.pk, 2]
    assert started + timedelta(seconds=59) <= retry.run_after <= started + timedelta(seconds=70)
    retry.delete()
    pdf.build_disclosure_pdfs.call(disclosure.pk, 2)
    later = DBTaskResult.objects.get()
    assert later.args_kwargs["args"] == [disclosure.pk, 3]
    assert later.run_after >= started + timedelta(seconds=239)  # four times longer
    later.delete()
    pdf.build_disclosure_pdfs.call(disclosure.pk, 3)  # the last attempt: no more retries
    assert not DBTaskResult.objects.exists()
    assert PdfBuild.objects.get(disclosure=disclosure).attempts == 3


def test_a_build_that_succeeds_later_is_recorded_as_built(seed_bytes, working_renderer):
    disclosure = published(seed_bytes)
    PdfBuild.objects.filter(disclosure=disclosure).update(state=PdfState.FAILED, last_error="x")
    pdf.build_disclosure_pdfs.call(disclosure.pk, 2)
    build = PdfBuild.objects.get(disclosure=disclosure)
    assert (build.state, build.last_error, build.attempts) == (PdfState.BUILT, "", 2)


# ------------------------------------------------------------------ reviewers see it
@pytest.fixture
def failed_build(seed_disclosure):
    PdfBuild.objects.update_or_create(
        disclosure=seed_disclosure,
        defaults={"state": PdfState.FAILED, "attempts": 4, "last_error": "OSError: disk full"},
    )
    return seed_disclosure


def staff_page(disclosure) -> str:
    return reverse("workspace:disclosure", args=[2021, "yuxi-xinfang", disclosure.version])


def rebuild_url(disclosure) -> str:
    return reverse("workspace:pdf_rebuild", args=[2021, "yuxi-xinfang", disclosure.version])


def test_the_reviewers_dashboard_lists_failed_builds(client, failed_build, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("workspace:home")).content.decode()
    assert "PDF 生成失败" in page and staff_page(failed_build) in page


def test_the_staff_page_shows_the_failure_with_a_rebuild_button(client, failed_build, reviewer):
    client.force_login(reviewer)
    page = client.get(staff_page(failed_build)).content.decode()
    assert "PDF 生成失败（已尝试 4 次）" in page and "OSError: disk full" in page
    assert rebuild_url(failed_build) in page


def test_rebuilding_walks_the_ladder(client, failed_build, preparer, reviewer, working_renderer):
    url = rebuild_url(failed_build)
    assert client.post(url).status_code == 302  # anonymous: to the login page
    assert working_renderer == []
    client.force_login(preparer)
    assert rebuild_url(failed_build) not in client.get(staff_page(failed_build)).content.decode()
    assert client.post(url).status_code == 404  # a preparer may not
    assert working_renderer == []
    client.force_login(reviewer)
    response = client.post(url)
    assert response.status_code == 302
    assert PdfBuild.objects.get(disclosure=failed_build).state == PdfState.QUEUED
    assert AuditEvent.objects.filter(disclosure=failed_build, action="pdf_rebuild").count() == 1


def test_rebuild_pdfs_rebuilds_only_the_failures_when_asked(failed_build, working_renderer):
    call_command("rebuild_pdfs", "--failed", verbosity=0)
    assert working_renderer == [failed_build.pk]
    assert PdfBuild.objects.get(disclosure=failed_build).state == PdfState.BUILT
    call_command("rebuild_pdfs", "--failed", verbosity=0)
    assert working_renderer == [failed_build.pk]  # nothing failed any more


def test_rebuild_pdfs_fails_loudly_when_a_build_fails(failed_build, broken_renderer):
    with pytest.raises(CommandError, match="1 份决算的 PDF 生成失败"):
        call_command("rebuild_pdfs", "--failed", verbosity=0)


# ------------------------------------------------------------------ never in the request
def test_production_settings_queue_the_build_for_a_worker():
    code = "from django.conf import settings; print(settings.TASKS['default']['BACKEND'])"
    production = manage("shell", "-c", code, DJANGO_DEBUG="False")
    assert production.stdout.split()[-1] == "django_tasks_db.DatabaseBackend", production.stderr
    development = manage("shell", "-c", code, DJANGO_DEBUG="True")
    assert development.stdout.split()[-1] == "django_tasks.backends.immediate.ImmediateBackend"


def test_a_narrative_longer_than_the_limit_is_refused(seed_draft, preparer, client):
    too_long = "说" * (NARRATIVE_MAX_CHARS + 1)
    with pytest.raises(ValidationError):
        workflow.narrative_save(
            disclosure=seed_draft, user=preparer, sections=[{"heading": "概况", "body": too_long}]
        )
    assert not NarrativeSection.objects.filter(heading="概况", table_number="").exists()
    client.force_login(preparer)
    url = reverse("workspace:narratives", args=[2021, "yuxi-xinfang", 1])
    response = client.post(
        url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "0",
            "form-0-heading": "概况",
            "form-0-body": too_long,
        },
    )
    assert response.status_code == 200
    assert f"{NARRATIVE_MAX_CHARS}" in response.content.decode()
    assert not NarrativeSection.objects.filter(heading="概况", table_number="").exists()
