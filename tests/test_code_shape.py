"""The code stays readable: no module of disclosure/ over 600 lines, no function over 80,
content rows inserted in one module and audit rows written in one."""

import ast
import re
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
    # Through the ORM's bulk_create, or (the rows, amounts and indicators, most of an
    # import) through the prepared insert, `insert_records(Model, …)`; only the module that
    # prepares it writes SQL, and only the checks' store uses it besides the codec (for
    # their findings).
    for model in ("TableRow", "Amount", "NarrativeSection", "Indicator", "TextFigure"):
        own_insert = re.compile(rf"\binsert_records\(\s*{model},")
        writers = _modules_containing(f"{model}.objects.bulk_create") | {
            str(p.relative_to(PACKAGE))
            for p in MODULES
            if own_insert.search(p.read_text(encoding="utf-8"))
        }
        assert writers == {"content.py"}, model
    assert _modules_containing("INSERT INTO") == {"inserts.py"}
    assert _modules_containing("executemany") == {"inserts.py"}
    assert _modules_containing("insert_records(") == {
        "inserts.py",
        "content.py",
        "checks/services.py",
    }


# ------------------------------------------------------------------ meaning by declaration
# A table's meaning comes from its layout's declared role (layouts/roles.py), never from its
# number or title; only the layouts package, which declares them, reads numbers and titles.
DECLARING = {"layouts"}
TABLE_WORDS = {"title", "printed_title", "number", "table_number", "row__table__number"}
TABLE_NUMBER = re.compile(r"\d{1,2}")


def _names_a_table_field(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in TABLE_WORDS
    return isinstance(node, ast.Name) and node.id in TABLE_WORDS


def _is_text(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value.strip() not in {"", "."}
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_text(e) for e in node.elts)
    return False


def _is_number(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and TABLE_NUMBER.fullmatch(node.value) is not None
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_number(e) for e in node.elts)
    return False


def _meaning_by_name(tree: ast.AST) -> list[str]:
    """Where code compares a table's title or number with a literal or looks a table up by
    a literal number."""
    found = []
    for node in ast.walk(tree):
        hit = False
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            titled = [s for s in sides if _names_a_table_field(s)]
            hit = bool(titled) and any(_is_number(s) for s in sides if s not in titled)
            hit |= any(
                isinstance(s, ast.Attribute) and s.attr in {"title", "printed_title"} for s in sides
            ) and any(_is_text(s) for s in sides)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method, args = node.func.attr, node.args
            hit = method in {"startswith", "endswith"} and _names_a_table_field(node.func.value)
            hit |= method in {"table", "has_table"} and bool(args) and _is_number(args[0])
        elif isinstance(node, ast.keyword):
            hit = node.arg in TABLE_WORDS and _is_number(node.value)
        elif isinstance(node, ast.Subscript):
            hit = "table" in ast.unparse(node.value) and _is_number(node.slice)
        if hit:
            found.append(f"{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_a_compared_title_or_table_number_is_found():
    """The finder below catches each way the code once found a table's meaning."""
    caught = """
t.title == "收入支出决算总表"
"三公" in t.title
spec.title.startswith("一般公共预算财政拨款")
view.spec.number == "06"
number in ("07", "09")
layout.table("09")
disclosure.tables.get(number="03")
Amount.objects.filter(row__table__number="07")
ctx.tables["05"]
"""
    assert len(_meaning_by_name(ast.parse(caught))) == len(caught.strip().splitlines())
    fine = """
view.spec.number == number
layout.by_role("sangong")
NarrativeSection.objects.filter(table_number="")
"." in number
"""
    assert _meaning_by_name(ast.parse(fine)) == []


READERS = [p for p in MODULES if not DECLARING & set(p.relative_to(PACKAGE).parts)]


@pytest.mark.parametrize("path", READERS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_finds_a_tables_meaning_by_its_number_or_title(path):
    assert _meaning_by_name(ast.parse(path.read_text(encoding="utf-8"))) == []


TEMPLATE_DIR = PACKAGE.parent / "templates"
TEMPLATE_COMPARISON = re.compile(r"""(?:number|title)\s*==\s*["']|table_number=["']\d""")
TEMPLATE_COMMENT = re.compile(r"{% comment %}.*?{% endcomment %}|{#.*?#}", re.S)


def test_no_template_finds_a_tables_meaning_by_its_number_or_title():
    found = [
        f"{path.relative_to(TEMPLATE_DIR)}: {match.group()}"
        for path in sorted(TEMPLATE_DIR.rglob("*.html"))
        for match in TEMPLATE_COMPARISON.finditer(
            TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
        )
    ]
    assert found == []
