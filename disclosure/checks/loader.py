"""Everything the rules read, loaded once per disclosure: no rule ever queries the database.

`load_cells` is the one query set for amounts (every row of every table with its amounts);
`load_context` adds the tables' states, the text sections, the performance tables, the
year's catalogues and the previous year's disclosure, in a constant number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, cached_property

from disclosure.checks.meanings import resolve_roles
from disclosure.content import DisclosureContent, texts_as_stored
from disclosure.layouts import Layout, TableSpec
from disclosure.models import (
    ClassificationCode,
    Disclosure,
    DisclosureTable,
    Indicator,
    KeyTask,
    NarrativeSection,
    OverallPerformance,
    ProjectEvaluation,
    ProjectFund,
    TableRow,
)
from disclosure.models.classification import level_of
from disclosure.models.statements import TableState
from disclosure.money import CENT, TEN_THOUSAND, ZERO

PRESENT_STATES = frozenset({TableState.PROVIDED, TableState.EMPTY})


@dataclass
class RowData:
    """A printed row and its cells: column key → (value, mark); a blank cell is absent."""

    key: str
    code: str
    name: str
    side: int
    position: int
    line_no: int | None
    is_total: bool
    cells: dict[str, tuple[Decimal | None, str]] = field(default_factory=dict)

    def value(self, column: str) -> Decimal:
        """The amount in a cell; a blank cell or a dash counts as zero."""
        value = self.cells.get(column, (None, ""))[0]
        return ZERO if value is None else value

    def is_dash(self, column: str) -> bool:
        value, mark = self.cells.get(column, (None, ""))
        return value is None and bool(mark)

    @cached_property
    def level(self) -> int | None:
        """类, 款 or 项 by the code's length (worked out once: a row's code is not changed)."""
        return level_of(self.code) if self.code else None

    @property
    def has_amounts(self) -> bool:
        return any(value is not None for value, _ in self.cells.values())


@dataclass
class TableData:
    """One table of the layout as the disclosure holds it (state not_provided when absent)."""

    spec: TableSpec
    state: str = TableState.NOT_PROVIDED
    statement: str = ""
    unit: str = ""
    printed_department: str = ""
    printed_title: str = ""
    rows: list[RowData] = field(default_factory=list)
    by_key: dict[str, RowData] = field(default_factory=dict)

    @property
    def number(self) -> str:
        return self.spec.number

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def present(self) -> bool:
        """Provided, or published empty: an empty table's amounts are all zero."""
        return self.state in PRESENT_STATES

    @property
    def printed_unit(self) -> str:
        return self.unit or self.spec.unit

    def row(self, key: str) -> RowData | None:
        return self.by_key.get(key)

    def value(self, key: str, column: str) -> Decimal:
        row = self.by_key.get(key)
        return ZERO if row is None else row.value(column)

    def in_yuan(self, value: Decimal) -> Decimal:
        return value * TEN_THOUSAND if self.printed_unit == "万元" else value

    @property
    def code_rows(self) -> list[RowData]:
        return [r for r in self.rows if r.code and not r.is_total]

    @property
    def total_row(self) -> RowData | None:
        return self.by_key.get("total")


@dataclass
class CatalogueData:
    kind: str
    provenance: str
    names: dict[str, str]


@dataclass
class Context:
    """What the rules see of one disclosure."""

    disclosure: Disclosure
    layout: Layout
    tables: dict[str, TableData]
    narratives: list = field(default_factory=list)
    overall: OverallPerformance | None = None
    tasks: list = field(default_factory=list)
    overall_indicators: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    catalogues: dict[str, CatalogueData] = field(default_factory=dict)
    previous: Context | None = None
    roles: dict[str, TableData | None] = field(default_factory=dict)

    def role(self, name: str) -> TableData | None:
        """The table the layout declares for a role (layouts.roles), whatever its number."""
        return self.roles.get(name)

    def tables_of_kind(self, *kinds: str) -> list[TableData]:
        return [t for t in self.tables.values() if t.spec.kind in kinds]

    @property
    def department_name(self) -> str:
        return self.disclosure.department.name

    @property
    def year(self) -> int:
        return self.disclosure.year_id


def load_cells(disclosure_id: int) -> dict[str, list[RowData]]:
    """Every printed row of every table with its cells, in printed order: one query."""
    found = (
        TableRow.objects.filter(table__disclosure_id=disclosure_id)
        .order_by("table__number", "side", "position", "pk")
        .values_list(
            "table__number",
            "key",
            "code",
            "name",
            "side",
            "position",
            "line_no",
            "is_total",
            "amounts__column",
            "amounts__value",
            "amounts__mark",
        )
    )
    tables: dict[str, list[RowData]] = defaultdict(list)
    current: RowData | None = None
    current_table = ""
    for number, key, code, name, side, position, line_no, is_total, col, value, mark in found:
        if current is None or current.key != key or current_table != number:
            current = RowData(key, code, name, side, position, line_no, is_total)
            current_table = number
            tables[number].append(current)
        if col is not None:
            current.cells[col] = (value, mark)
    return tables


TABLE_FIELDS = ("number", "state", "statement", "unit", "printed_department", "printed_title")
ROW_FIELDS = ("key", "code", "name", "side", "position", "line_no", "is_total")


def written_cells(content: DisclosureContent) -> tuple[dict[str, dict], dict[str, list[RowData]]]:
    """What `content_write` has just stored of `content`'s tables, as `_tables` would read
    it back, without reading it: the same fields, text cut to the stored lengths as the
    codec cuts it, amounts to the cent, rows in printed order (栏块, 顺序)."""
    records = {
        t.number: {name: _stored(DisclosureTable, name, getattr(t, name)) for name in TABLE_FIELDS}
        for t in content.tables.values()
    }
    cells = {
        t.number: [
            RowData(
                *(_stored(TableRow, name, getattr(r, name)) for name in ROW_FIELDS),
                cells={
                    column: (None if value is None else value.quantize(CENT), mark)
                    for column, (value, mark) in r.amounts.items()
                },
            )
            for r in sorted(t.rows, key=lambda r: (r.side, r.position))
        ]
        for t in content.tables.values()
    }
    return records, cells


def _stored(model, name: str, value):
    limit = _max_length(model, name)
    return value[:limit] if limit and isinstance(value, str) else value


@cache
def _max_length(model, name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


def _tables(
    disclosure: Disclosure, layout: Layout, content: DisclosureContent | None = None
) -> dict[str, TableData]:
    if content is not None:
        records, cells = written_cells(content)
    else:
        records = {
            t["number"]: t
            for t in DisclosureTable.objects.filter(disclosure=disclosure).values(*TABLE_FIELDS)
        }
        cells = load_cells(disclosure.pk)
    tables = {}
    for spec in layout.tables:
        record = records.get(spec.number)
        rows = cells.get(spec.number, [])
        data = TableData(spec=spec, rows=rows, by_key={r.key: r for r in rows})
        if record is not None:
            data.state = record["state"]
            data.statement = record["statement"]
            data.unit = record["unit"]
            data.printed_department = record["printed_department"]
            data.printed_title = record["printed_title"]
        tables[spec.number] = data
    return tables


def load_catalogues(year: int) -> dict[str, CatalogueData]:
    """The year's catalogues (functional, economic), as code → name: one query."""
    catalogues: dict[str, CatalogueData] = {}
    for kind, provenance, code, name in ClassificationCode.objects.filter(
        catalogue__year_id=year
    ).values_list("catalogue__kind", "catalogue__provenance", "code", "name"):
        catalogues.setdefault(kind, CatalogueData(kind, provenance, {})).names[code] = name
    return catalogues


def previous_disclosure(disclosure: Disclosure) -> Disclosure | None:
    """Last year's disclosure of the same department as the public reads it: its current
    published version. A draft, a submitted or an approved version is not compared with:
    "上年度" means what was published."""
    # For one department-year, `Disclosure.objects.current()` is its newest published
    # version: asked for directly, without the subquery that finds it for every pair.
    return (
        Disclosure.objects.published()
        .filter(department_id=disclosure.department_id, year_id=disclosure.year_id - 1)
        .order_by("-version")
        .first()
    )


def _read_texts(ctx: Context, disclosure: Disclosure) -> None:
    """The 说明 and performance records as stored (what `texts_as_stored` gives of content
    just written)."""
    ctx.narratives = list(
        NarrativeSection.objects.filter(disclosure=disclosure).order_by("table_number", "position")
    )
    ctx.overall = OverallPerformance.objects.filter(disclosure=disclosure).first()
    if ctx.overall is not None:
        ctx.tasks = list(KeyTask.objects.filter(overall=ctx.overall).order_by("position"))
    indicators = list(Indicator.objects.filter(disclosure=disclosure).order_by("position"))
    ctx.overall_indicators = [i for i in indicators if i.project_id is None]
    projects = list(ProjectEvaluation.objects.filter(disclosure=disclosure).order_by("position"))
    funds: dict[int, list[ProjectFund]] = defaultdict(list)
    for fund in ProjectFund.objects.filter(project__disclosure=disclosure).order_by("pk"):
        funds[fund.project_id].append(fund)
    for project in projects:
        project.fund_list = funds.get(project.pk, [])
        project.indicator_list = [i for i in indicators if i.project_id == project.pk]
    ctx.projects = projects


def load_context(
    disclosure: Disclosure,
    *,
    catalogues: dict[int, dict[str, CatalogueData]] | None = None,
    with_previous: bool = True,
    written: DisclosureContent | None = None,
) -> Context:
    """Load what the rules read. `catalogues` may be shared across many disclosures
    (year → catalogues) so a batch reads each year's catalogue once. `written` is the
    content `content_write` has just stored for the disclosure, in this transaction: its
    tables (`written_cells`), texts and performance records (`texts_as_stored`) are taken
    from it rather than read back."""
    layout = disclosure.layout_spec
    tables = _tables(disclosure, layout, written)
    ctx = Context(disclosure=disclosure, layout=layout, tables=tables)
    ctx.roles = {role: tables.get(number) for role, number in resolve_roles(layout).items()}
    if written is not None:
        texts = texts_as_stored(disclosure, written)
        ctx.narratives, ctx.overall, ctx.tasks = texts.narratives, texts.overall, texts.tasks
        ctx.overall_indicators, ctx.projects = texts.overall_indicators, texts.projects
    else:
        _read_texts(ctx, disclosure)
    if catalogues is None:
        ctx.catalogues = load_catalogues(disclosure.year_id)
    else:
        if disclosure.year_id not in catalogues:
            catalogues[disclosure.year_id] = load_catalogues(disclosure.year_id)
        ctx.catalogues = catalogues[disclosure.year_id]
    if with_previous:
        earlier = previous_disclosure(disclosure)
        if earlier is not None:
            ctx.previous = Context(
                disclosure=earlier,
                layout=earlier.layout_spec,
                tables=_tables(earlier, earlier.layout_spec),
            )
            ctx.previous.roles = {
                role: ctx.previous.tables.get(number)
                for role, number in resolve_roles(earlier.layout_spec).items()
            }
    return ctx
