"""A disclosure's content as one value, and the one codec that stores and reads it.

`DisclosureContent` is everything a document says — tables, rows, amounts and printed
marks, notes, the explanations (说明) and the performance self-evaluations — as plain
data: what a parser reads out of a file, what a correction copies, what the synthetic
generator builds. `content_write` is the only code that inserts a disclosure's content
rows; `content_read` reads them back into the same value, so
`content_read(d).digest()` is the digest of what is stored and
`content_write(copy, content_read(d))` makes an identical copy.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from functools import cache

from django.db import models, transaction

from disclosure.inserts import insert_records
from disclosure.models import (
    Amount,
    Disclosure,
    DisclosureTable,
    Indicator,
    KeyTask,
    NarrativeSection,
    OverallPerformance,
    ProjectEvaluation,
    ProjectFund,
    TableRow,
    TextFigure,
    YearlyGoal,
)
from disclosure.money import CENT
from disclosure.parsed import (
    Cell,
    ParsedFund,
    ParsedGoal,
    ParsedIndicator,
    ParsedNarrative,
    ParsedOverall,
    ParsedProject,
    ParsedRow,
    ParsedTable,
    ParsedTask,
    ParsedTextFigure,
)
from disclosure.summaries import summaries_refresh

__all__ = [  # the content's parts are declared in `parsed`, and named here too
    "Cell",
    "DisclosureContent",
    "ParsedFund",
    "ParsedGoal",
    "ParsedIndicator",
    "ParsedNarrative",
    "ParsedOverall",
    "ParsedProject",
    "ParsedRow",
    "ParsedTable",
    "ParsedTask",
    "ParsedTextFigure",
    "content_clear",
    "content_read",
    "content_write",
]

# Kept out of as_data and the digest: where things were, and what reading noticed. The
# figures read from the 说明 (text_figures) are derived from the narratives, which are
# content already: the same text always gives the same figures, and a better reading of
# it (a phrase added to a layout) must not make a stored document look changed.
NOT_CONTENT = frozenset(
    {"location", "sources", "regions", "proof", "findings", "ignored_sheets", "text_figures"}
)

_ATOMS = frozenset({str, int, float, bool, type(None)})


def _plain(obj):
    """A content value as plain data (what `dataclasses.asdict` gives, without copying each
    value first): decimals to the cent as text, lists for tuples, NOT_CONTENT left out."""
    cls = obj.__class__  # the exact classes first: a digest walks some 5,000 values
    if cls in _ATOMS:
        return obj
    if cls is list:
        return [_plain(v) for v in obj]
    if cls is Decimal:
        return str(obj.quantize(CENT))
    names = _content_fields(cls)
    if names is not None:
        return {name: _plain(getattr(obj, name)) for name in names}
    if isinstance(obj, str | int | float | bool | None):
        return obj
    if isinstance(obj, Decimal):
        return str(obj.quantize(CENT))
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items() if k not in NOT_CONTENT}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if is_dataclass(obj):
        return {
            name: _plain(getattr(obj, name))
            for name in _field_names(type(obj))
            if name not in NOT_CONTENT
        }
    return obj


@cache
def _field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


@cache
def _content_fields(cls) -> tuple[str, ...] | None:
    """A dataclass's fields that are content; None for any other class."""
    if not is_dataclass(cls):
        return None
    return tuple(name for name in _field_names(cls) if name not in NOT_CONTENT)


@dataclass
class DisclosureContent:
    layout: str
    tables: dict[str, ParsedTable] = field(default_factory=dict)
    narratives: list[ParsedNarrative] = field(default_factory=list)
    overall: ParsedOverall | None = None
    projects: list[ParsedProject] = field(default_factory=list)
    department_name: str = ""
    # Figures printed only in the 说明 (derived from `narratives`; not content).
    text_figures: list[ParsedTextFigure] = field(default_factory=list, compare=False)
    # The count-and-sum proof of the import (see parser._prove_nothing_lost); not content.
    proof: dict = field(default_factory=dict, compare=False)
    # What reading noticed without refusing (a 行次 that disagrees with its label); not content.
    findings: list[str] = field(default_factory=list, compare=False)
    # Sheets with no table and no amount (cover, 目录, notes), listed in the import result.
    ignored_sheets: list[str] = field(default_factory=list, compare=False)

    def as_data(self) -> dict:
        """Everything the document says, as plain data: locations and the department's
        name as the file gives it left out, numbers to the cent as they are stored."""

        data = _plain(self)
        data.pop("department_name", None)
        for table in data["tables"].values():
            # Rows are known by their place (栏块, 顺序), whatever order they were read in.
            table["rows"].sort(key=lambda r: (r["side"], r["position"]))
        return data

    def replace_table(self, table: ParsedTable) -> None:
        """Put `table` in place of the table with its number (or add it)."""
        self.tables[table.number] = table

    def digest(self) -> str:
        """SHA-256 of the content: the same document in TSV or XLSX gives the same digest,
        and so does the content read back from the database."""
        payload = json.dumps(self.as_data(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- the codec
BATCH = 5000


def _fit(model: type[models.Model], **values) -> models.Model:
    """An unsaved instance, its text cut to the model's field lengths."""
    for name, value in values.items():
        if isinstance(value, str):
            limit = model._meta.get_field(name).max_length
            if limit and len(value) > limit:
                values[name] = value[:limit]
    return model(**values)


ROW_FIELDS = ("table", "position", "side", "key", "code", "name", "line_no", "is_total")
AMOUNT_FIELDS = ("row", "column", "value", "mark", "source")


def _write_rows(tables: list[DisclosureTable], parsed: list[ParsedTable]) -> None:
    """The tables' rows and their amounts, nearly all that an import writes, inserted
    without a model instance each (`insert_records`); the rows' ids are then read back by
    (table, key), which is unique, for their amounts."""
    pairs = list(zip(tables, parsed, strict=True))
    insert_records(
        TableRow,
        ROW_FIELDS,
        (
            (table.pk, r.position, r.side, r.key, r.code, r.name, r.line_no, r.is_total)
            for table, t in pairs
            for r in t.rows
        ),
    )
    table_ids = [table.pk for table in tables]
    ids = {}
    for start in range(0, len(table_ids), 500):  # within any database's parameter limit
        found = TableRow.objects.filter(table_id__in=table_ids[start : start + 500])
        ids.update(((t, key), pk) for t, key, pk in found.values_list("table_id", "key", "pk"))
    cut = TableRow._meta.get_field("key").max_length
    insert_records(
        Amount,
        AMOUNT_FIELDS,
        (
            (ids[table.pk, r.key[:cut]], column, value, mark, r.sources.get(column, ""))
            for table, t in pairs
            for r in t.rows
            for column, (value, mark) in r.amounts.items()
        ),
    )


def _plain_fields(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if k != "location"}


def content_clear(disclosure: Disclosure) -> None:
    """Remove a disclosure's content (before `content_write` replaces it)."""
    Amount.objects.filter(row__table__disclosure=disclosure).delete()
    TableRow.objects.filter(table__disclosure=disclosure).delete()
    disclosure.tables.all().delete()
    disclosure.narratives.all().delete()
    disclosure.indicators.all().delete()
    disclosure.projects.all().delete()
    OverallPerformance.objects.filter(disclosure=disclosure).delete()
    disclosure.text_figures.all().delete()


@transaction.atomic
def content_write(
    entries: list[tuple[Disclosure, DisclosureContent]], *, summaries: bool = True
) -> None:
    """Store the content of each (saved) disclosure, which holds none yet — call
    `content_clear` first to replace it. Bulk inserts, in batches, in one transaction.
    `summaries=False` leaves the stored summaries to the caller, who refreshes them later
    in the same transaction (an import, whose checks store them with their findings)."""
    pairs = [(d, t) for d, content in entries for t in content.tables.values()]
    tables = DisclosureTable.objects.bulk_create(
        [
            _fit(
                DisclosureTable,
                disclosure=d,
                number=t.number,
                state=t.state,
                statement=t.statement,
                notes=t.notes,
                unit=t.unit,
                printed_department=t.printed_department,
                printed_title=t.printed_title,
            )
            for d, t in pairs
        ],
        batch_size=BATCH,
    )
    _write_rows(tables, [t for _d, t in pairs])
    NarrativeSection.objects.bulk_create(
        [n for d, content in entries for n in _narratives(d, content)], batch_size=BATCH
    )
    _write_text_figures([(d, content.text_figures) for d, content in entries])
    _write_performance(entries)
    if summaries:
        summaries_refresh(d.pk for d, _content in entries)


def _write_text_figures(entries: list[tuple[Disclosure, list[ParsedTextFigure]]]) -> None:
    TextFigure.objects.bulk_create(
        [
            _fit(TextFigure, disclosure=d, position=i, **vars(f))
            for d, figures in entries
            for i, f in enumerate(figures)
        ],
        batch_size=BATCH,
    )


@transaction.atomic
def text_figures_replace(disclosure: Disclosure, figures: list[ParsedTextFigure]) -> None:
    """Replace the figures read from a disclosure's 说明 (after its texts were edited)."""
    disclosure.text_figures.all().delete()
    _write_text_figures([(disclosure, figures)])


def _narratives(d: Disclosure, content: DisclosureContent) -> list[NarrativeSection]:
    return [
        _fit(
            NarrativeSection,
            disclosure=d,
            table_number=n.table_number,
            position=i,
            heading=n.heading,
            subheading=n.subheading,
            body=n.body,
        )
        for i, n in enumerate(content.narratives)
    ]


def _overall(d: Disclosure, o: ParsedOverall) -> OverallPerformance:
    parts = {k: v for k, v in _plain_fields(o).items() if k not in _OVERALL_PARTS}
    return _fit(OverallPerformance, disclosure=d, **parts)


def _goals(overall: OverallPerformance, o: ParsedOverall) -> list[YearlyGoal]:
    return [
        _fit(YearlyGoal, overall=overall, position=i, **_plain_fields(g))
        for i, g in enumerate(o.goals)
    ]


def _tasks(overall: OverallPerformance, o: ParsedOverall) -> list[KeyTask]:
    return [
        _fit(KeyTask, overall=overall, position=i, **_plain_fields(t))
        for i, t in enumerate(o.tasks)
    ]


def _project(d: Disclosure, i: int, p: ParsedProject) -> ProjectEvaluation:
    parts = {k: v for k, v in _plain_fields(p).items() if k not in _PROJECT_PARTS}
    return _fit(
        ProjectEvaluation, disclosure=d, position=i, **{**parts, "name": p.name or f"项目 {i + 1}"}
    )


def _funds(project: ProjectEvaluation, p: ParsedProject) -> list[ProjectFund]:
    return [_fit(ProjectFund, project=project, **_plain_fields(f)) for f in p.funds]


def _write_performance(entries: list[tuple[Disclosure, DisclosureContent]]) -> None:
    with_overall = [(d, c.overall) for d, c in entries if c.overall is not None]
    overalls = OverallPerformance.objects.bulk_create(
        [_overall(d, o) for d, o in with_overall], batch_size=BATCH
    )
    goals, tasks, indicators = [], [], []
    for overall, (d, o) in zip(overalls, with_overall, strict=True):
        goals += _goals(overall, o)
        tasks += _tasks(overall, o)
        indicators += [(d.pk, None, i, *_indicator(ind)) for i, ind in enumerate(o.indicators)]
    YearlyGoal.objects.bulk_create(goals, batch_size=BATCH)
    KeyTask.objects.bulk_create(tasks, batch_size=BATCH)
    with_projects = [(d, i, p) for d, c in entries for i, p in enumerate(c.projects)]
    projects = ProjectEvaluation.objects.bulk_create(
        [_project(d, i, p) for d, i, p in with_projects], batch_size=BATCH
    )
    funds = []
    for project, (d, _i, p) in zip(projects, with_projects, strict=True):
        funds += _funds(project, p)
        indicators += [
            (d.pk, project.pk, i, *_indicator(ind)) for i, ind in enumerate(p.indicators)
        ]
    ProjectFund.objects.bulk_create(funds, batch_size=BATCH)
    insert_records(Indicator, INDICATOR_FIELDS, indicators)


@dataclass
class TextsAsStored:
    """A disclosure's 说明 and performance records as `content_write` stores them and a read
    gives them back (unsaved instances: text cut to its field, decimals to their places),
    arranged as the checks read them: texts by (table, position); each project with its
    `fund_list` and `indicator_list`."""

    narratives: list[NarrativeSection]
    overall: OverallPerformance | None
    tasks: list[KeyTask]
    overall_indicators: list[Indicator]
    projects: list[ProjectEvaluation]


def texts_as_stored(disclosure: Disclosure, content: DisclosureContent) -> TextsAsStored:
    """What `content_write` has just stored of `content`'s texts and performance tables,
    without reading it back (the checks of an import judge it so)."""
    narratives = sorted(
        _narratives(disclosure, content), key=lambda n: (n.table_number, n.position)
    )
    o = content.overall
    overall = _overall(disclosure, o) if o is not None else None
    projects = []
    for i, p in enumerate(content.projects):
        project = _as_read(_project(disclosure, i, p))
        project.fund_list = [_as_read(f) for f in _funds(project, p)]
        project.indicator_list = _indicators(disclosure, project, p.indicators)
        projects.append(project)
    return TextsAsStored(
        narratives=[_as_read(n) for n in narratives],
        overall=_as_read(overall) if overall is not None else None,
        tasks=[_as_read(t) for t in _tasks(overall, o)] if o is not None else [],
        overall_indicators=_indicators(disclosure, None, o.indicators) if o is not None else [],
        projects=projects,
    )


def _indicators(d: Disclosure, project, parsed: list[ParsedIndicator]) -> list[Indicator]:
    return [
        _as_read(_fit(Indicator, disclosure=d, project=project, position=i, **_plain_fields(ind)))
        for i, ind in enumerate(parsed)
    ]


def _as_read(obj: models.Model) -> models.Model:
    """An unsaved instance as the database gives it back: decimals to the field's places,
    JSON through its text."""
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        if value is None:
            continue
        if isinstance(f, models.DecimalField):
            setattr(obj, f.attname, Decimal(value).quantize(Decimal(1).scaleb(-f.decimal_places)))
        elif isinstance(f, models.JSONField):
            setattr(obj, f.attname, json.loads(json.dumps(value, cls=f.encoder)))
    return obj


_INDICATOR_PARTS = tuple(f.name for f in fields(ParsedIndicator))
INDICATOR_FIELDS = ("disclosure", "project", "position", *_INDICATOR_PARTS)


def _indicator(indicator: ParsedIndicator) -> tuple:
    return tuple(getattr(indicator, name) for name in _INDICATOR_PARTS)


_OVERALL_PARTS = {"goals", "tasks", "indicators"}
_PROJECT_PARTS = {"funds", "indicators"}


def _values(obj: models.Model, dataclass_type) -> dict:
    """The fields of a stored row that a content dataclass holds."""
    names = [f for f in dataclass_type.__dataclass_fields__ if f != "location"]
    return {name: getattr(obj, name) for name in names if hasattr(obj, name)}


def content_read(disclosure: Disclosure) -> DisclosureContent:
    """What is stored for a disclosure, as the value `content_write` takes."""
    tables = {}
    for t in disclosure.tables.prefetch_related("rows__amounts").order_by("number"):
        rows = [
            ParsedRow(
                key=r.key,
                position=r.position,
                code=r.code,
                name=r.name,
                line_no=r.line_no,
                is_total=r.is_total,
                side=r.side,
                amounts={a.column: (a.value, a.mark) for a in r.amounts.all()},
                sources={a.column: a.source for a in r.amounts.all() if a.source},
            )
            for r in sorted(t.rows.all(), key=lambda r: (r.side, r.position))
        ]
        tables[t.number] = ParsedTable(
            number=t.number,
            state=t.state,
            statement=t.statement,
            notes=t.notes,
            unit=t.unit,
            printed_department=t.printed_department,
            printed_title=t.printed_title,
            rows=rows,
        )
    stored_narratives = list(disclosure.narratives.order_by("position", "table_number", "pk"))
    narratives = [
        ParsedNarrative(n.table_number, n.heading, n.subheading, n.body) for n in stored_narratives
    ]
    indicators = list(disclosure.indicators.order_by("project_id", "position"))
    overall = None
    stored = OverallPerformance.objects.filter(disclosure=disclosure).first()
    if stored is not None:
        overall = ParsedOverall(
            **{k: v for k, v in _values(stored, ParsedOverall).items() if k not in _OVERALL_PARTS},
            goals=[ParsedGoal(**_values(g, ParsedGoal)) for g in stored.goals.order_by("position")],
            tasks=[ParsedTask(**_values(t, ParsedTask)) for t in stored.tasks.order_by("position")],
            indicators=[
                ParsedIndicator(**_values(i, ParsedIndicator))
                for i in indicators
                if i.project_id is None
            ],
        )
    projects = [
        ParsedProject(
            **{k: v for k, v in _values(p, ParsedProject).items() if k not in _PROJECT_PARTS},
            funds=[ParsedFund(**_values(f, ParsedFund)) for f in p.funds.order_by("pk")],
            indicators=[
                ParsedIndicator(**_values(i, ParsedIndicator))
                for i in indicators
                if i.project_id == p.pk
            ],
        )
        for p in disclosure.projects.order_by("position")
    ]
    return DisclosureContent(
        layout=disclosure.layout,
        tables=tables,
        narratives=narratives,
        overall=overall,
        projects=projects,
        text_figures=_stored_text_figures(disclosure, stored_narratives),
    )


def _stored_text_figures(disclosure: Disclosure, narratives: list) -> list[ParsedTextFigure]:
    """The figures read from the 说明, each pointing at its text's place in the content
    (content_write numbers the texts 0, 1, 2… in the order they are read back)."""
    place: dict[int, int] = {}
    for i, n in enumerate(narratives):
        place.setdefault(n.position, i)
    return [
        ParsedTextFigure(
            **{
                **_values(f, ParsedTextFigure),
                "narrative_position": place.get(f.narrative_position, f.narrative_position),
            }
        )
        for f in disclosure.text_figures.order_by("position")
    ]
