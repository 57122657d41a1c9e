"""The review workflow: permissions for every role and action, audit rows, deadlines and
corrections; and published numbers that nothing can change."""

from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.actors import system_actor
from disclosure import workflow
from disclosure.models import Amount, AuditEvent, Disclosure, TableRow
from disclosure.models.statements import Status
from disclosure.permissions import ACTIONS, can
from tests.helpers import import_file, snapshot

pytestmark = pytest.mark.django_db

# The status each action needs, so the matrix tests permission rather than timing.
STATUS_FOR = {
    "view_draft": Status.DRAFT,
    "import": Status.DRAFT,
    "edit_narrative": Status.DRAFT,
    "submit": Status.DRAFT,
    "return": Status.SUBMITTED,
    "approve": Status.SUBMITTED,
    "publish": Status.APPROVED,
    "backfill": Status.DRAFT,
    "correct": Status.PUBLISHED,
}
ALLOWED = {
    "preparer": {"view_draft", "import", "edit_narrative", "submit", "correct"},
    "other_preparer": set(),
    "reviewer": {"view_draft", "return", "approve", "publish"},
    "administrator": {"view_draft", "return", "approve", "publish"},
    "anonymous": set(),
    "system": {"import", "backfill"},
}


def set_status(disclosure: Disclosure, status: str) -> Disclosure:
    disclosure.status = status
    if status == Status.PUBLISHED:
        disclosure.published_at = timezone.now()
    if status in {Status.APPROVED, Status.PUBLISHED}:
        disclosure.approved_on = date(2022, 6, 1)
    disclosure.save()
    return disclosure


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("persona", list(ALLOWED))
def test_permission_matrix(request, seed_draft, persona, action):
    if persona == "anonymous":
        user = AnonymousUser()
    elif persona == "system":  # the command line
        user = system_actor()
    else:
        user = request.getfixturevalue(persona)
    set_status(seed_draft, STATUS_FOR[action])
    assert can(user, action, seed_draft) is (action in ALLOWED[persona])


def test_departments_may_publish_when_configured(settings, seed_draft, preparer, other_preparer):
    settings.PORTAL_PUBLISHER = "department"
    set_status(seed_draft, Status.APPROVED)
    assert can(preparer, "publish", seed_draft)
    assert not can(other_preparer, "publish", seed_draft)


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED])
def test_numbers_are_editable_only_before_submission(seed_draft, preparer, status):
    set_status(seed_draft, status)
    assert not can(preparer, "import", seed_draft)
    assert not can(preparer, "edit_narrative", seed_draft)


def test_return_needs_a_comment_and_is_audited(seed_draft, reviewer):
    set_status(seed_draft, Status.SUBMITTED)
    with pytest.raises(workflow.WorkflowError, match="必须写明意见"):
        workflow.disclosure_return(disclosure=seed_draft, user=reviewer, comment="  ")
    workflow.disclosure_return(disclosure=seed_draft, user=reviewer, comment="公开05 合计不平")
    event = AuditEvent.objects.filter(disclosure=seed_draft).first()
    assert (event.action, event.actor, event.from_status, event.to_status, event.comment) == (
        "return",
        reviewer,
        "submitted",
        "returned",
        "公开05 合计不平",
    )


def test_approval_records_the_date_and_the_deadline(seed_draft, reviewer):
    set_status(seed_draft, Status.SUBMITTED)
    approved = workflow.disclosure_approve(
        disclosure=seed_draft, user=reviewer, approved_on=date(2022, 6, 1)
    )
    assert approved.status == "approved" and approved.approved_on == date(2022, 6, 1)
    assert workflow.publication_deadline(approved) == date(2022, 6, 21)
    event = AuditEvent.objects.filter(disclosure=seed_draft).first()
    assert (event.action, event.from_status, event.to_status) == (
        "approve",
        "submitted",
        "approved",
    )
    assert event.details == {"approved_on": "2022-06-01"}


def test_approval_cannot_be_dated_in_the_future(seed_draft, reviewer):
    set_status(seed_draft, Status.SUBMITTED)
    with pytest.raises(workflow.WorkflowError, match="不能晚于今天"):
        workflow.disclosure_approve(
            disclosure=seed_draft,
            user=reviewer,
            approved_on=timezone.localdate() + timedelta(days=1),
        )


def test_publication_is_audited_and_marked_late_after_the_deadline(seed_draft, reviewer):
    set_status(seed_draft, Status.APPROVED)
    published = workflow.disclosure_publish(disclosure=seed_draft, user=reviewer)
    assert published.status == "published" and published.published_at is not None
    event = AuditEvent.objects.filter(disclosure=seed_draft).first()
    assert (event.action, event.from_status, event.to_status) == (
        "publish",
        "approved",
        "published",
    )
    assert event.details == {"deadline": "2022-06-21", "late": True}


def test_a_preparer_cannot_approve_or_publish_their_own(seed_draft, preparer):
    set_status(seed_draft, Status.SUBMITTED)
    with pytest.raises(workflow.WorkflowError):
        workflow.disclosure_approve(
            disclosure=seed_draft, user=preparer, approved_on=date(2022, 6, 1)
        )
    set_status(seed_draft, Status.APPROVED)
    with pytest.raises(workflow.WorkflowError):
        workflow.disclosure_publish(disclosure=seed_draft, user=preparer)
    assert not AuditEvent.objects.filter(disclosure=seed_draft).exclude(action="import").exists()


def test_a_correction_is_a_new_version_and_the_old_one_stays(seed_draft, preparer, reviewer):
    set_status(seed_draft, Status.PUBLISHED)
    before = snapshot(seed_draft)
    with pytest.raises(workflow.WorkflowError, match="更正说明"):
        workflow.disclosure_correct(disclosure=seed_draft, user=preparer, note="")
    v2 = workflow.disclosure_correct(
        disclosure=seed_draft, user=preparer, note="更正公开02表 210 行的本年收入合计。"
    )
    assert (v2.version, v2.status, v2.correction_note) == (
        2,
        "draft",
        "更正公开02表 210 行的本年收入合计。",
    )
    assert snapshot(v2) == before  # the draft starts from the published content
    assert not can(preparer, "correct", seed_draft)  # only the latest version is corrected
    assert Disclosure.objects.current().get() == seed_draft  # v1 stays public until v2 is
    event = AuditEvent.objects.filter(disclosure=v2).first()
    assert (event.action, event.to_status, event.details) == (
        "correct",
        "draft",
        {"corrects_version": 1},
    )
    set_status(v2, Status.APPROVED)
    workflow.disclosure_publish(disclosure=v2, user=reviewer)
    assert Disclosure.objects.current().get() == v2
    seed_draft.refresh_from_db()
    assert seed_draft.status == "published" and snapshot(seed_draft) == before


def test_narratives_are_saved_with_an_audit_row_and_only_in_a_draft(seed_draft, preparer):
    workflow.narrative_save(
        disclosure=seed_draft,
        user=preparer,
        sections=[{"heading": "部门概况", "body": "**玉溪市信访局**负责……"}],
    )
    section = seed_draft.narratives.get(table_number="")
    assert (section.heading, section.body) == ("部门概况", "**玉溪市信访局**负责……")
    assert AuditEvent.objects.filter(disclosure=seed_draft, action="edit_narrative").count() == 1
    set_status(seed_draft, Status.SUBMITTED)
    with pytest.raises(workflow.WorkflowError):
        workflow.narrative_save(
            disclosure=seed_draft, user=preparer, sections=[{"heading": "x", "body": "y"}]
        )


def test_nothing_changes_a_published_version(
    client, seed_disclosure, seed_text, preparer, administrator
):
    before = snapshot(seed_disclosure)
    amounts = list(Amount.objects.order_by("pk").values_list("pk", "value", "mark"))
    code, year = "yuxi-xinfang", 2021
    base = f"/workspace/{year}/{code}/v1/"
    # The service refuses a different file for a published version.
    with pytest.raises(Exception, match="不能被覆盖"):
        import_file(
            data=seed_text.replace("577,492.37", "1.00").encode(), department_code=code, year=year
        )
    # The preparer's pages refuse too.
    client.force_login(preparer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("x.txt", seed_text.replace("577,492.37", "1.00").encode())
    client.post("/workspace/upload/", {"year": year, "file": upload})
    client.post(
        base + "narratives/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "0",
            "form-0-heading": "新",
            "form-0-body": "改",
        },
    )
    client.post(base + "submit/")
    # The admin shows no table rows or amounts to edit, and keeps a disclosure read-only.
    assert TableRow not in admin.site._registry and Amount not in admin.site._registry
    client.force_login(administrator)
    response = client.post(
        f"/admin/disclosure/disclosure/{seed_disclosure.pk}/change/",
        {"status": "draft", "version": "7", "correction_note": "x"},
    )
    assert response.status_code in {200, 302, 403}
    seed_disclosure.refresh_from_db()
    assert snapshot(seed_disclosure) == before
    assert list(Amount.objects.order_by("pk").values_list("pk", "value", "mark")) == amounts
    assert (seed_disclosure.status, seed_disclosure.version) == ("published", 1)


def test_explanations_are_markdown_sanitised_on_the_public_page(
    client, seed_draft, preparer, reviewer
):
    workflow.narrative_save(
        disclosure=seed_draft,
        user=preparer,
        sections=[
            {
                "heading": "收支情况说明",
                "body": "**本年支出**增长。\n\n<script>alert(1)</script>"
                "[链接](javascript:alert(2)) <img src=x onerror=alert(3)>",
            }
        ],
    )
    set_status(seed_draft, Status.APPROVED)
    workflow.disclosure_publish(disclosure=seed_draft, user=reviewer)
    page = client.get("/disclosures/2021/yuxi-xinfang/").content.decode()
    body = page.split('id="explanations"')[1].split("</section>")[0]
    assert "<strong>本年支出</strong>增长。" in body
    assert "<script" not in body and "javascript:" not in body
    assert "onerror" not in body and "<img" not in body


def test_each_line_of_an_explanation_stays_a_line_on_the_public_page(
    client, seed_draft, preparer, reviewer
):
    # As a PDF's 名词解释 is read: one item per line, no blank line between them.
    workflow.narrative_save(
        disclosure=seed_draft,
        user=preparer,
        sections=[
            {"heading": "名词解释", "body": "一、财政拨款收入：指……。\n二、事业收入：指……。"}
        ],
    )
    set_status(seed_draft, Status.APPROVED)
    workflow.disclosure_publish(disclosure=seed_draft, user=reviewer)
    page = client.get("/disclosures/2021/yuxi-xinfang/").content.decode()
    body = page.split('id="explanations"')[1].split("</section>")[0]
    assert "一、财政拨款收入：指……。<br" in body and "二、事业收入" in body
