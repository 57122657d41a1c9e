"""One way in: the command, the workspace and both admin screens import through the one
service, which asks the permissions, writes through the one content codec, audits, runs
the checks and renews the public pages only after the commit."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accounts.actors import system_actor
from disclosure.content import content_read, content_write
from disclosure.importing.errors import ImportRejected
from disclosure.importing.services import import_refusal, table_import
from disclosure.models import AuditEvent, CheckRun, Department, Disclosure, FiscalYear
from disclosure.models.statements import Status
from disclosure.pagecache import GENERATION_KEY
from disclosure.synthetic import generate, load_catalogues
from tests.conftest import SEED_PATH
from tests.helpers import import_file, snapshot
from tests.test_admin_imports import (
    CONFIRM,
    TABLE_CONFIRM,
    WORKBOOK,
    confirm,
    export,
    preview_table,
    staff,
)

pytestmark = pytest.mark.django_db

REFUSAL = "玉溪市信访局 2021年度 第1版已报送，不能再导入，内容不能被覆盖；如需修改，请发起更正"


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_directory(settings, tmp_path):
    settings.PORTAL_UPLOAD_DIR = tmp_path / "uploads"


def submit_behind_the_screen(disclosure: Disclosure) -> None:
    """The version is submitted while a file waits for confirmation."""
    Disclosure.objects.filter(pk=disclosure.pk).update(status=Status.SUBMITTED)


def changed_seed(seed_text: str) -> bytes:
    return seed_text.replace("577,492.37", "577,492.38").encode()


def assert_checked_and_digested(disclosure: Disclosure) -> None:
    """The checks ran on what is stored, and the recorded digest is that of the content
    read back: one meaning for the digest."""
    disclosure.refresh_from_db()
    run = CheckRun.objects.get(disclosure=disclosure)
    assert run.content_digest == disclosure.content_digest
    assert content_read(disclosure).digest() == disclosure.content_digest


# ---------------------------------------------------------------- one refusal
def test_the_command_refuses_a_submitted_version_with_the_one_message(
    seed_draft, seed_text, tmp_path
):
    submit_behind_the_screen(seed_draft)
    path = tmp_path / "changed.txt"
    path.write_bytes(changed_seed(seed_text))
    with pytest.raises(CommandError) as caught:
        call_command("import_disclosure", str(path), department="yuxi-xinfang", year=2021)
    assert REFUSAL in str(caught.value)


def test_the_workspace_refuses_a_submitted_version_with_the_one_message(
    client, seed_draft, preparer, seed_text
):
    submit_behind_the_screen(seed_draft)
    client.force_login(preparer)
    upload = SimpleUploadedFile("seed.txt", changed_seed(seed_text))
    page = client.post("/workspace/upload/", {"year": 2021, "file": upload}, follow=True)
    assert REFUSAL in page.content.decode()


def test_the_admin_workbook_screen_refuses_a_submitted_version_with_the_one_message(
    client, seed_draft, preparer, seed_text
):
    client.force_login(staff(preparer))
    page = client.post(
        WORKBOOK,
        {
            "year": 2021,
            "layout": "yunnan-2021",
            "file": SimpleUploadedFile("seed.txt", changed_seed(seed_text)),
        },
    )
    submit_behind_the_screen(seed_draft)
    response = client.post(CONFIRM, {"token": page.context["token"]}, follow=True)
    assert REFUSAL in response.content.decode()


def test_the_admin_table_screen_refuses_a_submitted_version_with_the_one_message(
    client, seed_draft, preparer
):
    client.force_login(staff(preparer))
    page = preview_table(client, seed_draft, "02", "t.csv", export(client, seed_draft, "02", "csv"))
    submit_behind_the_screen(seed_draft)
    response = confirm(client, TABLE_CONFIRM, page)
    assert REFUSAL in response.content.decode()
    assert not AuditEvent.objects.filter(action="import_table").exists()


def test_the_service_asks_the_permissions_for_every_actor(seed_draft, other_preparer, reviewer):
    assert import_refusal(system_actor(), seed_draft) is None
    for outsider in (other_preparer, reviewer, None):
        assert "只有本部门的填报人可以" in import_refusal(outsider, seed_draft)
    table = content_read(seed_draft).tables["02"]
    with pytest.raises(ImportRejected, match="只有本部门的填报人可以"):
        table_import(actor=reviewer, disclosure=seed_draft, table=table)


# ---------------------------------------------------------------- one audit, one check run
def test_every_door_records_who_imported_and_runs_the_checks(
    client, seed_draft, preparer, seed_text, tmp_path
):
    client.force_login(staff(preparer))
    doors = []
    # 1. the command line, as the named system actor
    path = tmp_path / "a.txt"
    path.write_bytes(changed_seed(seed_text))
    call_command("import_disclosure", str(path), department="yuxi-xinfang", year=2021)
    doors.append(("system-command-line", "import"))
    # 2. the workspace
    upload = SimpleUploadedFile("b.txt", seed_text.encode())
    client.post("/workspace/upload/", {"year": 2021, "file": upload})
    doors.append(("xinfang", "import"))
    # 3. the admin's workbook screen
    page = client.post(
        WORKBOOK,
        {
            "year": 2021,
            "layout": "yunnan-2021",
            "file": SimpleUploadedFile("c.txt", changed_seed(seed_text)),
        },
    )
    client.post(CONFIRM, {"token": page.context["token"]})
    doors.append(("xinfang", "import"))
    # 4. the admin's single-table screen
    flat = export(client, seed_draft, "06", "csv").replace(b"577492.38", b"577492.39")
    confirm(client, TABLE_CONFIRM, preview_table(client, seed_draft, "06", "d.csv", flat))
    doors.append(("xinfang", "import_table"))

    events = list(
        AuditEvent.objects.filter(disclosure=seed_draft, action__startswith="import")
        .order_by("id")
        .values_list("actor__username", "action")
    )
    assert events[-4:] == doors
    assert_checked_and_digested(seed_draft)


def test_public_pages_are_renewed_only_after_the_commit(
    seed_bytes, django_capture_on_commit_callbacks
):
    cache.set(GENERATION_KEY, "before", timeout=None)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_file(data=seed_bytes, department_code="yuxi-xinfang", year=2021, publish=True)
        assert cache.get(GENERATION_KEY) == "before"
    assert cache.get(GENERATION_KEY) == "before"
    for callback in callbacks:
        callback()
    assert cache.get(GENERATION_KEY) != "before"


# ---------------------------------------------------------------- the codec
def test_the_codec_copies_a_disclosure_exactly(seed_disclosure):
    copy = Disclosure.objects.create(
        department=Department.objects.create(code="copy", name="副本"),
        year=seed_disclosure.year,
        layout=seed_disclosure.layout,
    )
    content_write([(copy, content_read(seed_disclosure))])
    assert snapshot(copy) == snapshot(seed_disclosure)
    assert content_read(copy).digest() == seed_disclosure.content_digest


def test_a_correction_is_a_codec_copy(seed_disclosure, preparer_of_seed):
    from disclosure.workflow import disclosure_correct

    copy = disclosure_correct(disclosure=seed_disclosure, user=preparer_of_seed, note="改正")
    assert snapshot(copy) == snapshot(seed_disclosure)
    assert content_read(copy).digest() == copy.content_digest == seed_disclosure.content_digest


@pytest.fixture
def preparer_of_seed(seed_disclosure):
    from accounts.models import User

    return User.objects.create_user("xf", role="preparer", department=seed_disclosure.department)


def test_synthetic_disclosures_carry_the_digest_of_their_content():
    load_catalogues(2021)
    generated = generate(departments=2, years=2, seed=7)
    for disclosure in generated.disclosures:
        assert content_read(disclosure).digest() == disclosure.content_digest
    assert FiscalYear.objects.filter(year__in=[2021, 2022]).count() == 2


def test_a_backfill_from_the_command_keeps_the_publication_date_given():
    out = io.StringIO()
    call_command(
        "import_disclosure",
        str(SEED_PATH),
        department="yuxi-xinfang",
        year=2021,
        publish=True,
        published_on=date(2022, 9, 1),
        stdout=out,
    )
    disclosure = Disclosure.objects.get()
    assert disclosure.published_at.date().isoformat() == "2022-09-01"
    event = AuditEvent.objects.get(action="publish_backfill")
    assert event.details["published_on"] == "2022-09-01"


def test_an_import_whose_stored_amounts_disagree_with_the_source_is_refused(
    monkeypatch, seed_bytes
):
    from disclosure.importing import services

    real = services.read_document

    def losing_a_figure(data, layout=None):
        content = real(data, layout=layout)
        row = next(r for r in content.tables["02"].rows if r.amounts)
        row.amounts.pop(next(iter(row.amounts)))  # lost on the way to the database
        return content

    monkeypatch.setattr(services, "read_document", losing_a_figure)
    with pytest.raises(ImportRejected, match="核对不符"):
        import_file(data=seed_bytes, department_code="yuxi-xinfang", year=2021)
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (
            "TableRow",
            {
                "table": [1, 7],
                "position": [0, 12],
                "side": [0, 1],
                "key": ["2010308", "k" * 41, "行次 3"],
                "code": ["", "201", "2" * 20],
                "name": ["信访事务", "名" * 250, ""],
                "line_no": [None, 3],
                "is_total": [True, False],
            },
        ),
        (
            "Amount",
            {
                "row": [5],
                "column": ["total", "c" * 45],
                "value": [None, Decimal("9733858.45"), Decimal("0"), Decimal("-1.5")],
                "mark": ["", "—", "x" * 9],
                "source": ["", "公开02!E8", "p" * 130],
            },
        ),
    ],
)
def test_the_codecs_insert_prepares_every_value_as_its_field_does(model, values):
    # The codec's insert hands a value its field would not change straight to the driver:
    # the result must be what each field's own preparation gives (text cut to its length).
    from django.apps import apps
    from django.db import connection

    from disclosure.inserts import _prepared

    cls = apps.get_model("disclosure", model)
    fields = [cls._meta.get_field(name) for name in values]
    width = max(len(v) for v in values.values())
    records = [tuple(v[i % len(v)] for v in values.values()) for i in range(width)]

    def by_field(field, value):
        limit = getattr(field, "max_length", None)
        if limit and isinstance(value, str):
            value = value[:limit]
        return field.get_db_prep_save(value, connection)

    expected = [[by_field(f, v) for f, v in zip(fields, r, strict=True)] for r in records]
    got = _prepared(fields, records, connection)
    assert got == expected
    assert [[type(v) for v in r] for r in got] == [[type(v) for v in r] for r in expected]
