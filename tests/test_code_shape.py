"""The code stays readable: no module of disclosure/ over 600 lines, no function over 80,
content rows inserted in one module and audit rows written in one."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "disclosure"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_and_functions_stay_short(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 600
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > 80
    ]
    assert long == []


def _modules_containing(text: str) -> set[str]:
    return {str(p.relative_to(PACKAGE)) for p in MODULES if text in p.read_text(encoding="utf-8")}


def test_audit_rows_are_written_in_one_module():
    writers = _modules_containing("AuditEvent(") | _modules_containing("AuditEvent.objects.create")
    assert writers - {"models/audit.py"} == {"audit.py"}  # (the model's own class line)


def test_content_rows_are_inserted_in_one_module():
    for model in ("TableRow", "Amount", "NarrativeSection", "Indicator"):
        assert _modules_containing(f"{model}.objects.bulk_create") == {"content.py"}, model
