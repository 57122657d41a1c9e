"""The one way in: every import — the command line, the workspace, the admin's workbook and
single-table screens — goes through `workbook_import` or `table_import`.

Each asks `permissions.can(actor, "import", …)` (the command line acts as a named system
actor), writes through the content codec (`disclosure.content`), records one audit row and
runs the checks, all in one transaction: a refused file leaves the database as it was.
What must wait for the commit (cache purges, PDF builds) is scheduled with
`transaction.on_commit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from disclosure.audit import audit_record
from disclosure.checks.loader import load_context
from disclosure.checks.services import checks_run
from disclosure.content import (
    DisclosureContent,
    ParsedTable,
    content_clear,
    content_read,
    content_write,
)
from disclosure.importing.errors import ImportRejected
from disclosure.importing.locking import first_version_race
from disclosure.importing.reader import read_document
from disclosure.layouts import DEFAULT_LAYOUT, get_layout
from disclosure.layouts.sections import other_headings
from disclosure.models import Amount, Department, Disclosure, FiscalYear
from disclosure.permissions import can
from disclosure.textfigures import read_text_figures, unread_notes


@dataclass
class ImportResult:
    disclosure: Disclosure
    content: DisclosureContent
    created: bool  # a new disclosure (version) was created
    changed: bool  # anything in the database changed
    rows: dict[str, int] = field(default_factory=dict)  # table import: new/changed/removed

    def summary(self) -> str:
        d = self.disclosure
        tables = d.tables.all()
        provided = sum(1 for t in tables if t.state == "provided")
        empty = sum(1 for t in tables if t.state == "empty")
        missing = [t.label for t in tables if t.state == "not_provided"]
        if self.created:
            verb = _("新建")
        else:
            verb = _("已更新") if self.changed else _("内容相同，未作改动")
        parts = [
            _("{title}（{status}）：{verb}").format(
                title=version_title(d), status=d.get_status_display(), verb=verb
            ),
            _("有数据的表 {provided} 张，空表 {empty} 张").format(provided=provided, empty=empty),
        ]
        if missing:
            parts.append(_("未提供：{tables}").format(tables=listed(missing)))
        parts += self.notes()
        return pgettext("between clauses", "；").join(parts) + pgettext("end of sentence", "。")

    def notes(self) -> list[str]:
        """What the reader proves and notes about the file: the count and sum of its amounts
        against those stored, what it did not read, the 说明 headings it did not know."""
        notes = [proof_note(self.content.proof)] if self.content.proof else []
        if self.content.ignored_sheets:
            notes.append(
                _("未读取的工作表（无表无金额）：{sheets}").format(
                    sheets=listed(self.content.ignored_sheets)
                )
            )
        if self.other_sections:
            notes.append(
                _("未识别的说明标题（按“其他”保存）：{headings}").format(
                    headings=listed(self.other_sections)
                )
            )
        return notes + list(self.content.findings)

    @property
    def other_sections(self) -> list[str]:
        """The headings of texts no declared 说明 section names: kept, stored as "other"."""
        return other_headings(get_layout(self.content.layout), self.content.narratives)


def version_title(disclosure: Disclosure) -> str:
    """A version as the import messages name it: "玉溪市信访局 2021年度 第1版"."""
    return _("{name} {year}年度 第{version}版").format(
        name=disclosure.department.name, year=disclosure.year_id, version=disclosure.version
    )


def listed(items) -> str:
    """Names one after another: "公开01、公开07" (in English, "公开01, 公开07")."""
    return pgettext("list separator", "、").join(items)


def proof_note(proof: dict) -> str:
    """The reader's count-and-sum proof, in a sentence."""
    return _(
        "金额 {stored} 个，合计 {stored_sum}，与来源中的 {source_cells} 个（合计 {source_sum}）一致"
    ).format(
        stored=proof["stored"],
        stored_sum=proof["stored_sum"],
        source_cells=proof["source_cells"],
        source_sum=proof["source_sum"],
    )


def import_refusal(actor, disclosure: Disclosure) -> str | None:
    """Why this version cannot take a file from `actor` (None: it can). The one rule and
    the one message, for every screen and command."""
    if not disclosure.is_editable:
        # "已公开" reads "公开" after the message's own 已; English lower-cases "Published".
        state = disclosure.get_status_display().removeprefix("已").lower()
        return _(
            "{title}已{state}，不能再导入，内容不能被覆盖；如需修改，请发起更正（生成新版本）。"
        ).format(title=version_title(disclosure), state=state)
    if not can(actor, "import", disclosure):
        return _("你不能向{name}的决算导入文件：只有本部门的填报人可以。").format(
            name=disclosure.department.name
        )
    return None


def year_refusal(actor, department: Department, year: int) -> str | None:
    """`import_refusal` for the department's latest version of a year (or the first one,
    which a workbook import would create)."""
    latest = Disclosure.objects.latest_of(department=department, year=year)
    if latest is None:
        latest = Disclosure(department=department, year_id=year)
    return import_refusal(actor, latest)


def parse_file(*, data: bytes, layout: str | None = DEFAULT_LAYOUT) -> DisclosureContent:
    """Read a file into a content value; raises ImportRejected naming every problem found.
    Without a layout, the layout is detected from the tables' titles."""
    content = read_document(data, layout=layout)
    _read_text_figures(content)
    return content


def _read_text_figures(content: DisclosureContent) -> None:
    """The figures the 说明 print outside any table, read into the content (derived: kept
    out of its digest); each phrase found without a readable number is an import note."""
    content.text_figures = read_text_figures(get_layout(content.layout), content.narratives)
    content.findings += unread_notes(content.text_figures)


@transaction.atomic
def workbook_import(
    *,
    actor,
    data: bytes,
    department_code: str,
    year: int,
    filename: str = "",
    layout: str | None = DEFAULT_LAYOUT,
    department_name: str = "",
    publish: bool = False,
    published_on: date | None = None,
) -> ImportResult:
    """Import a department's workbook for a year into its editable version.

    The same content imported again changes nothing. An editable (draft or returned)
    version has its content replaced. A version already submitted, approved or published
    is never overwritten: a different file for it is refused (a correction is a new
    version, made through the workflow). `publish` records a year already published
    elsewhere (backfill), on `published_on` when given.
    """
    from disclosure.workflow import disclosure_publish

    content = parse_file(data=data, layout=layout)
    layout = content.layout  # the one detected when none was given
    digest = content.digest()
    department = _department(department_code, department_name or content.department_name, year)
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    disclosure, created = _editable_version(actor, department, fiscal_year, layout)
    same = not created and disclosure.content_digest == digest and disclosure.layout == layout
    # The same document again changes nothing, even for a version past editing (a demo or
    # a backfill run twice); anything else is asked first.
    refusal = None if same and not disclosure.is_editable else import_refusal(actor, disclosure)
    if refusal:
        raise ImportRejected.single(refusal)
    if not same:
        if not created:
            content_clear(disclosure)
        content_write([(disclosure, content)], summaries=False)  # the checks refresh them
        _prove_stored(disclosure, content.proof)
        disclosure.layout = layout
        disclosure.content_digest = digest
        disclosure.source_name = filename[:255]
        _validate_import_fields(disclosure)
        disclosure.save()
        audit_record(
            disclosure=disclosure,
            actor=actor,
            action="import",
            file=filename,
            digest=digest,
            tables={n: t.state for n, t in content.tables.items()},
            proof=content.proof,
            findings=content.findings,
        )
        # The tables just written, proven stored whole: not read back to be checked.
        checks_run(disclosure=disclosure, context=load_context(disclosure, written=content))
    backfill = publish and not disclosure.is_published
    if backfill:
        disclosure = disclosure_publish(
            disclosure=disclosure, user=actor, backfill=True, published_on=published_on
        )
    return ImportResult(disclosure, content, created=created, changed=not same or backfill)


IMPORT_FIELDS = frozenset({"layout", "content_digest", "source_name"})


def _validate_import_fields(disclosure: Disclosure) -> None:
    """`full_clean` of what an import sets on the version it found or created (validated
    whole when it was saved): these fields, and the constraints that read them; the fields
    it leaves as they were cost no query (their foreign keys, the version's uniqueness)."""
    unchanged = [f.name for f in Disclosure._meta.fields if f.name not in IMPORT_FIELDS]
    disclosure.full_clean(exclude=unchanged)


def _prove_stored(disclosure: Disclosure, proof: dict, *, number: str | None = None) -> None:
    """The reader counted and summed every amount of the source (of table `number` alone,
    when given); the database must now hold exactly that many amounts with exactly that
    sum, or nothing is kept."""
    if not proof:
        return
    amounts = Amount.objects.filter(row__table__disclosure=disclosure, value__isnull=False)
    if number is not None:
        amounts = amounts.filter(row__table__number=number)
    # Summed here, not by the database: SQLite adds decimals as binary floats.
    values = list(amounts.values_list("value", flat=True))
    stored = {"n": len(values), "total": sum(values, Decimal(0))}
    total = stored["total"]
    if stored["n"] != proof["stored"] or total != Decimal(str(proof["stored_sum"])):
        raise ImportRejected.single(
            f"核对不符：来源中有 {proof['source_cells']} 个金额（合计 {proof['source_sum']}），"
            f"数据库中存入 {stored['n']} 个（合计 {total}），未导入。"
        )


def _department(code: str, name: str, year: int) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is not None:
        return department
    if not name:
        raise ImportRejected.single(
            f"部门“{code}”不存在，文件中也没有“部门：”一行：请指定部门名称。"
        )
    department = Department(code=code, name=name)
    department.full_clean(validate_unique=False, validate_constraints=False)
    with first_version_race(department=name, year=year):
        department.save()
    return department


def _editable_version(
    actor, department: Department, year: FiscalYear, layout: str
) -> tuple[Disclosure, bool]:
    """The department's latest version of the year, locked; a first version is created
    (in a savepoint, so that a concurrent first import is told, not crashed)."""
    latest = Disclosure.objects.select_for_update().latest_of(department=department, year=year)
    if latest is not None:
        return latest, False
    disclosure = Disclosure(department=department, year=year, layout=layout)
    refusal = import_refusal(actor, disclosure)
    if refusal:
        raise ImportRejected.single(refusal)
    disclosure.full_clean(validate_unique=False, validate_constraints=False)
    with first_version_race(department=department.name, year=year.year):
        disclosure.save()
    return disclosure, True


@transaction.atomic
def table_import(
    *,
    actor,
    disclosure: Disclosure,
    table: ParsedTable,
    filename: str = "",
    proof: dict | None = None,
) -> ImportResult:
    """Replace one table of an editable version with `table` (read from its flat form, or
    from a published document, whose reader gives the count-and-sum `proof` of the table's
    cells: the table stored must hold exactly those amounts). The rest of the content is
    kept; the rows are compared by key to count what is new, changed and removed. Each
    amount keeps the place it was read from (`ParsedRow.sources`) when the table gives it."""
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    refusal = import_refusal(actor, disclosure)
    if refusal:
        raise ImportRejected.single(refusal)
    content = content_read(disclosure)
    stored = content.digest()  # what is stored now, whatever the recorded digest says
    old = content.tables.get(table.number)
    before = {r.key: r for r in old.rows} if old is not None else {}
    content.replace_table(table)
    digest = content.digest()
    after = {r.key: r for r in table.rows}
    rows = {
        "new": sum(1 for k in after if k not in before),
        "changed": sum(1 for k, r in after.items() if k in before and before[k] != r),
        "removed": sum(1 for k in before if k not in after),
    }
    if digest == stored:
        return ImportResult(disclosure, content, created=False, changed=False, rows=rows)
    content_clear(disclosure)
    content_write([(disclosure, content)], summaries=False)  # the checks refresh them
    _prove_stored(disclosure, proof or {}, number=table.number)
    disclosure.content_digest = digest
    disclosure.full_clean()
    disclosure.save()
    audit_record(
        disclosure=disclosure,
        actor=actor,
        action="import_table",
        table=table.number,
        file=filename,
        **rows,
        **({"proof": proof} if proof else {}),
    )
    checks_run(disclosure=disclosure)
    return ImportResult(disclosure, content, created=False, changed=True, rows=rows)
