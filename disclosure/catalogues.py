"""Loading a year's classification catalogue from CSV or XLSX (code, level, name[, …])."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from disclosure.importing.errors import ImportRejected, Location, Problem
from disclosure.importing.sources import read_sheets
from disclosure.models import Catalogue, ClassificationCode, FiscalYear
from disclosure.models.classification import (
    LEVEL_BY_NAME,
    CatalogueKind,
    Level,
    level_of,
    parent_code,
)

MAX_LEVEL = {CatalogueKind.FUNCTIONAL: Level.ITEM, CatalogueKind.ECONOMIC: Level.SECTION}


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    name: str
    level: int


CODE_HEADERS = ("code", "编码", "科目编码")
NAME_HEADERS = ("name", "名称", "科目名称")
LEVEL_HEADERS = ("level", "级次", "层级")


def entry_problem(code: str, name: str, level_text: str, *, kind: str) -> tuple[str, str] | None:
    """What is wrong with one catalogue row, as (message, the cell at fault: "code",
    "level" or "name"); None when the row is a valid entry. The level, when given, must be
    the one the code's length implies (类 3 digits, 款 5, 项 7)."""
    implied = level_of(code)
    if implied is None:
        return "科目编码应为 3、5 或 7 位数字", "code"
    if implied > MAX_LEVEL[kind]:
        return "经济分类只到“款”（5 位）", "code"
    if level_text:
        stated = LEVEL_BY_NAME.get(level_text) or (
            int(level_text) if level_text.isdigit() else None
        )
        if stated != implied:
            return f"级次与编码位数不符（{len(code)} 位应为“{Level(implied).label}”）", "level"
    if not name:
        return "科目名称为空", "name"
    return None


def read_catalogue_file(data: bytes, *, kind: str) -> list[CatalogueEntry]:
    """Rows of (code, level, name); the header row names the columns (编码/code, 级次/level,
    名称/name). The level may be omitted: the code's length tells it."""
    problems: list[Problem] = []
    entries: list[CatalogueEntry] = []
    for sheet in read_sheets(data):
        rows = [r for r in sheet.rows if not r.is_blank]
        if not rows:
            continue
        header = [c.strip().lower() for c in rows[0].cells]

        def find(*names: str, header=header) -> int | None:
            return next((i for i, h in enumerate(header) if h in names), None)

        code_i = find(*CODE_HEADERS)
        name_i = find(*NAME_HEADERS)
        level_i = find(*LEVEL_HEADERS)
        if code_i is None or name_i is None:
            problems.append(
                Problem(
                    "第一行应为表头，至少含“编码”(code) 和“名称”(name) 两列",
                    location=Location(sheet.name, rows[0].number),
                )
            )
            continue
        for row in rows[1:]:
            code, name = row.cell(code_i), row.cell(name_i)
            level_text = row.cell(level_i) if level_i is not None else ""
            found = entry_problem(code, name, level_text, kind=kind)
            if found is None:
                entries.append(CatalogueEntry(code, name, level_of(code)))
                continue
            message, at = found
            index = {"code": code_i, "level": level_i, "name": name_i}[at]
            value = {"code": code, "level": level_text, "name": ""}[at]
            problems.append(
                Problem(message, location=Location(sheet.name, row.number, index), value=value)
            )
    if problems:
        raise ImportRejected(problems)
    return entries


@transaction.atomic
def catalogue_load(
    *,
    year: int,
    kind: str,
    entries: list[CatalogueEntry],
    provenance: str = "compiled",
    source: str = "",
    replace: bool = False,
) -> Catalogue:
    """Load entries into the year's catalogue, keyed on (year, kind, code); idempotent.

    Later entries with the same code win (a name list after a class list). With `replace`,
    codes absent from the entries are removed: the file is the whole catalogue.
    """
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    catalogue, _ = Catalogue.objects.get_or_create(
        year=fiscal_year, kind=kind, defaults={"provenance": provenance, "source": source}
    )
    catalogue.provenance = provenance
    catalogue.source = source or catalogue.source
    catalogue.full_clean()
    catalogue.save()

    by_code = {e.code: e for e in entries}
    known = set(by_code) | set(catalogue.codes.values_list("code", flat=True))
    missing_parents = sorted(
        code for code in by_code if parent_code(code) and parent_code(code) not in known
    )
    if missing_parents:
        raise ImportRejected(
            [
                Problem(f"上级科目 {parent_code(c)} 不在科目表中", value=c)
                for c in missing_parents[:20]
            ]
        )
    existing = {c.code: c for c in catalogue.codes.all()}
    for code in sorted(by_code, key=lambda c: (len(c), c)):  # parents before children
        entry = by_code[code]
        parent = existing.get(parent_code(code))
        obj = existing.get(code)
        if obj is None:
            obj = ClassificationCode(catalogue=catalogue, code=code)
        wanted = (entry.name, entry.level, parent.pk if parent else None)
        if obj.pk is None or (obj.name, obj.level, obj.parent_id) != wanted:
            obj.name, obj.level, obj.parent = entry.name, entry.level, parent
            obj.full_clean()
            obj.save()
        existing[code] = obj
    if replace:
        stale = [c for code, c in existing.items() if code not in by_code]
        for obj in sorted(stale, key=lambda c: -len(c.code)):
            obj.delete()
    return catalogue
