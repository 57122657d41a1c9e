"""Audit rows record only named actions, and every page shows an action in words."""

import ast
from pathlib import Path

import pytest

from disclosure.audit import ACTIONS, action_label, audit_record

ROOT = Path(__file__).resolve().parent.parent


def recorded_actions() -> set[str]:
    """The literal `action=` of every audit_record call and of the workflow's transitions."""
    found = set()
    for path in (ROOT / "disclosure").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if (
                        keyword.arg == "action"
                        and isinstance(keyword.value, ast.Constant)
                        and isinstance(keyword.value.value, str)
                        and keyword.value.value != "store_true"  # argparse, not an audit row
                    ):
                        found.add(keyword.value.value)
    return found


def test_every_action_the_code_records_has_words():
    actions = recorded_actions()
    assert {"import", "publish_backfill", "import_table"} <= actions  # the scan finds them
    assert actions <= set(ACTIONS), actions - set(ACTIONS)


@pytest.mark.django_db
def test_an_unnamed_action_is_refused():
    with pytest.raises(ValueError, match="unknown audit action"):
        audit_record(disclosure=None, actor=None, action="made_up")


def test_the_backfill_reads_in_words_in_chinese_and_english():
    from django.utils import translation

    assert action_label("publish_backfill") == "补录公开"
    with translation.override("en"):
        assert action_label("publish_backfill") == "Recorded as published elsewhere"
    assert action_label("gone") == "gone"  # an old row's action stays readable


@pytest.mark.django_db
def test_the_workspace_shows_a_backfill_in_words(client, administrator, seed_bytes):
    from tests.helpers import import_file

    import_file(data=seed_bytes, department_code="yuxi-xinfang", year=2021, publish=True)
    client.force_login(administrator)
    page = client.get("/workspace/").content.decode()
    assert "补录公开" in page and "publish_backfill" not in page
