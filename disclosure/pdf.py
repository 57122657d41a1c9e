"""PDFs of a disclosure: the whole document and each table alone.

Built once when a disclosure is published (and again for every correction, which is a new
version), stored through Django's default storage under deterministic names, and served as
files: a PDF is never rendered for a public request.

The HTML comes from the same row builder as the web page (`selectors.disclosure_tables`),
so the PDF and the page cannot disagree about a cell. Print templates live in
`templates/pdf/`, apart from the web ones, with their own stylesheet inlined.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from disclosure import selectors
from disclosure.charts import charts_for_disclosure
from disclosure.glossary import glossary_for
from disclosure.layouts.sections import shown_narratives
from disclosure.models import (
    Disclosure,
    KeyTask,
    OverallPerformance,
    PdfBuild,
    PdfState,
    ProjectEvaluation,
    ProjectFund,
    YearlyGoal,
)
from disclosure.models import Indicator as IndicatorModel
from disclosure.models.performance import FundSource
from disclosure.money import format_amount
from disclosure.presentation import Cell, GridRow, HeaderCell, TableView

logger = logging.getLogger(__name__)

PDF_ROOT = "pdfs"
PDF_LANGUAGE = "zh-hans"  # the document as published; lang="zh-CN" picks Simplified glyphs
PDF_FONT = "Noto Sans CJK SC"  # Debian's fonts-noto-cjk; templates/pdf/pdf.css names the rest

# A table wider than this many printed columns goes on an A4 landscape page; the font
# shrinks with the width so that every column fits the page.
PORTRAIT_MAX_COLUMNS = 6
TEXT_SIZES = ((6, "size-l"), (10, "size-m"), (13, "size-s"))
SMALLEST = "size-xs"

# Fields of the performance records that are bookkeeping, not printed cells.
_NOT_PRINTED = {"id", "overall", "project", "position", "disclosure", "grid", "cells"}


# ------------------------------------------------------------------ names
def pdf_name(disclosure: Disclosure, number: str | None = None) -> str:
    """Where a PDF is stored: pdfs/2021/yuxi-xinfang/v1/full.pdf, …/table-05.pdf."""
    folder = f"{PDF_ROOT}/{disclosure.year_id}/{disclosure.department.code}/v{disclosure.version}"
    return f"{folder}/full.pdf" if number is None else f"{folder}/table-{number}.pdf"


def download_filename(disclosure: Disclosure, number: str | None = None) -> str:
    """The name a reader's browser saves: 玉溪市信访局2021年度部门决算.pdf,
    玉溪市信访局2021年度公开05表.pdf."""
    values = {"department": disclosure.department.name, "year": disclosure.year_id}
    with translation.override(PDF_LANGUAGE):
        if number is None:
            stem = _("%(department)s%(year)s年度部门决算") % values
        else:
            mark = disclosure.layout_spec.table(number).mark
            stem = _("%(department)s%(year)s年度%(mark)s") % {**values, "mark": mark}
    return f"{stem}.pdf"


# ------------------------------------------------------------------ print model
@dataclass
class Grid:
    """A small printed grid (header rows and body rows) for the performance tables, whose
    shape comes from their records' fields rather than from a layout's amount columns."""

    header: list[list[HeaderCell]] = field(default_factory=list)
    rows: list[GridRow] = field(default_factory=list)


@dataclass
class Facts:
    """Label–value pairs printed as a two-column block (部门职责, 项目名称 …)."""

    entries: list[tuple[str, str]]
    inline: bool = False  # all pairs on one printed row (总分, 得分, 等级)


@dataclass
class PrintedProject:
    project: ProjectEvaluation
    facts: Facts
    funds: Grid
    goals: Facts
    indicators: Grid
    scores: Facts
    closing: Facts


@dataclass
class PrintedTable:
    """A table view with what printing it needs: page orientation and text size."""

    view: TableView
    wide: bool
    size: str
    overall_facts: Facts | None = None
    goals: Grid | None = None
    tasks: Grid | None = None
    indicators: Grid | None = None
    overall_closing: Facts | None = None
    projects: list[PrintedProject] = field(default_factory=list)

    @property
    def spec(self):
        return self.view.spec

    @property
    def anchor(self) -> str:
        return self.view.anchor


def _size_for(width: int) -> str:
    return next((name for limit, name in TEXT_SIZES if width <= limit), SMALLEST)


def _value_text(value, model_field: models.Field) -> tuple[str, str]:
    """A record's value as printed, and the cell kind (amounts are right-aligned)."""
    if value is None:
        return "", "blank"
    if isinstance(value, Decimal):
        return format_amount(value), "amount"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value)), "label"
    return str(value), "label"


def _printed_fields(model: type[models.Model], names: tuple[str, ...] | None = None):
    if names is not None:
        return [model._meta.get_field(name) for name in names]
    return [f for f in model._meta.concrete_fields if f.name not in _NOT_PRINTED]


def _is_money(model_field: models.Field) -> bool:
    return isinstance(model_field, models.DecimalField) and model_field.max_digits == 20


def _model_grid(
    model: type[models.Model],
    objects,
    *,
    names: tuple[str, ...] | None = None,
    lead: tuple[str, Callable[[models.Model], str]] | None = None,
    money_unit: str = "",
) -> Grid:
    """A grid whose columns are the model's printed fields (or `names`), headed by their
    verbose names; "批复金额·总额" prints as a group 批复金额 over a column 总额."""
    fields = _printed_fields(model, names)
    headings = []
    for f in fields:
        parts = str(f.verbose_name).split("·")
        if money_unit and _is_money(f):
            parts[0] = _("%(label)s（%(unit)s）") % {"label": parts[0], "unit": money_unit}
        headings.append(parts)
    if lead:
        headings.insert(0, [lead[0]])
    depth = max(len(h) for h in headings)
    header: list[list[HeaderCell]] = [[] for _ in range(depth)]
    i = 0
    while i < len(headings):
        parts = headings[i]
        if len(parts) == 1:
            header[0].append(HeaderCell(parts[0], rowspan=depth))
            i += 1
            continue
        span = 1
        while i + span < len(headings) and headings[i + span][:-1] == parts[:-1]:
            span += 1
        header[0].append(HeaderCell(parts[0], colspan=span))
        for leaf in headings[i : i + span]:
            header[1].append(HeaderCell(leaf[-1]))
        i += span
    rows = []
    for obj in objects:
        cells = [Cell(lead[1](obj), "label")] if lead else []
        for f in fields:
            text, kind = _value_text(getattr(obj, f.name), f)
            cells.append(Cell(text, kind))
        rows.append(GridRow(cells))
    return Grid(header=header, rows=rows)


def _facts(record, names: tuple[str, ...], *, inline: bool = False) -> Facts:
    items = []
    for name in names:
        model_field = record._meta.get_field(name)
        text, _kind = _value_text(getattr(record, name), model_field)
        if text:
            items.append((str(model_field.verbose_name), text))
    return Facts(items, inline=inline)


def _overall(printed: PrintedTable, overall: OverallPerformance) -> None:
    spec = printed.spec
    printed.overall_facts = _facts(overall, ("preparer", "duties", "overall_goal"))
    printed.goals = _model_grid(YearlyGoal, overall.goals.all())
    printed.tasks = _model_grid(KeyTask, overall.tasks.all(), money_unit=overall.amount_unit)
    printed.indicators = _model_grid(
        IndicatorModel, getattr(overall, "indicator_list", []), names=spec.indicator_fields
    )
    printed.overall_closing = _facts(overall, ("other_matters",))


def _project(spec, project: ProjectEvaluation) -> PrintedProject:
    order = {value: i for i, value in enumerate(FundSource.values)}
    funds = sorted(project.funds.all(), key=lambda f: order.get(f.source, len(order)))
    source = ProjectFund._meta.get_field("source")
    return PrintedProject(
        project=project,
        facts=_facts(project, ("name", "competent_department", "implementing_unit")),
        funds=_model_grid(
            ProjectFund,
            funds,
            names=tuple(
                f.name for f in _printed_fields(ProjectFund) if f.name not in {"source", "label"}
            ),
            lead=(str(source.verbose_name), lambda f: f.label or f.get_source_display()),
        ),
        goals=_facts(project, ("goal", "goal_expected", "goal_actual")),
        indicators=_model_grid(
            IndicatorModel,
            sorted(project.indicators.all(), key=lambda i: i.position),
            names=spec.indicator_fields,
        ),
        scores=_facts(project, ("total_weight", "total_score", "grade"), inline=True),
        closing=_facts(project, ("other_matters",)),
    )


def printed_tables(views: list[TableView]) -> list[PrintedTable]:
    printed = []
    for view in views:
        kind = view.spec.kind
        # Performance tables are as wide as their indicators; a narrative is text.
        width = view.width if view.spec.is_amount_table else len(view.spec.indicator_fields) or 1
        item = PrintedTable(view=view, wide=width > PORTRAIT_MAX_COLUMNS, size=_size_for(width))
        if kind == "performance_overall" and view.overall is not None:
            _overall(item, view.overall)
        elif kind == "performance_project":
            item.projects = [_project(view.spec, p) for p in view.projects]
        printed.append(item)
    return printed


# ------------------------------------------------------------------ HTML
def _footer_parts() -> tuple[str, str, str]:
    """ "第 N 页 共 M 页" split around its page counters, from one translatable sentence:
    the text before the page number, between the two numbers and after the page count."""
    sentence = _("第 %(page)s 页 共 %(pages)s 页")
    before, _sep, rest = sentence.partition("%(page)s")
    middle, _sep, after = rest.partition("%(pages)s")
    return before, middle, after


# Characters that end or escape a CSS string, or that could end the <style> element the
# stylesheet is inlined in; each is written as a CSS hex escape instead.
_CSS_SAFE = re.compile(r"[^0-9A-Za-z \u0080-\U0010ffff]")


def css_string(text: str) -> str:
    """`text` as a quoted CSS string that can hold nothing but text: control characters
    (a line break, a form feed, a carriage return would end the string) and line
    separators are dropped, and every ASCII character other than a letter, a digit or a
    space is hex-escaped, so quotes, backslashes, `<` and `>` (`</style>`) stay characters."""
    printable = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cs", "Zl", "Zp"))
    return '"' + _CSS_SAFE.sub(lambda m: f"\\{ord(m.group()):06x}", printable) + '"'


def _print_chart(chart):
    """The chart with the document's font set on its SVG root: WeasyPrint does not apply
    the page's CSS inside inline SVG, and without a family its text would fall back to
    fonts chosen without regard to the document's language (Japanese glyph forms)."""
    svg = chart.svg.replace("<svg ", f'<svg font-family="{PDF_FONT}" ', 1)
    return replace(chart, svg=svg)


def check_report(disclosure: Disclosure):
    from disclosure.checks.selectors import check_report as report

    return report(disclosure)


def disclosure_glance(disclosure: Disclosure, *, report):
    from disclosure.glance import disclosure_glance as glance

    return glance(disclosure, report=report)


def disclosure_html(
    disclosure: Disclosure, *, views: list[TableView] | None = None, number: str | None = None
) -> str:
    """The print HTML of the whole disclosure, or of one table (`number`)."""
    with translation.override(PDF_LANGUAGE):
        views = selectors.disclosure_tables(disclosure) if views is None else views
        context = {
            "disclosure": disclosure,
            "department": disclosure.department,
            "layout": disclosure.layout_spec,
            "running_title": _("%(department)s %(year)s年度部门决算")
            % {"department": disclosure.department.name, "year": disclosure.year_id},
            "footer_parts": _footer_parts(),
        }
        report = check_report(disclosure)
        if number is not None:
            (context["table"],) = printed_tables([v for v in views if v.spec.number == number])
            context["table_quality"] = next((g for g in report.groups if g.number == number), None)
            return render_to_string("pdf/table.html", context)
        # Explanation sections (说明) belong to no table; those headed 名词解释 are the
        # department's own glossary, printed instead of the portal's.
        explanations = shown_narratives(
            disclosure.layout_spec, disclosure.narratives.filter(table_number="")
        )
        glossary = glossary_for(explanations)
        context.update(
            tables=printed_tables(views),
            explanations=[n for n in explanations if n not in glossary.sections],
            charts=[_print_chart(c) for c in charts_for_disclosure(disclosure, views)],
            glossary=glossary,
            glance=disclosure_glance(disclosure, report=report),
        )
        return render_to_string("pdf/disclosure.html", context)


# ------------------------------------------------------------------ PDF
def _offline_fetcher():
    """Resources may come only from data: URLs, so that a build never reaches the network
    (the stylesheet is inlined, charts are inline SVG, fonts come from the system)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",))


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    # PDF/UA: a tagged PDF (structure, reading order, the document's language) that screen
    # readers can follow.
    return HTML(string=html, url_fetcher=_offline_fetcher()).write_pdf(pdf_variant="pdf/ua-1")


def _store(name: str, content: bytes) -> str:
    # Deterministic names: a rebuild replaces the file instead of adding a suffixed copy.
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # pragma: no cover - only when two builds race for the same name
        logger.warning("PDF stored as %s instead of %s", saved, name)
    return saved


def disclosure_pdf_build(*, disclosure: Disclosure) -> list[str]:
    """Render and store the full PDF and one PDF per table of the layout; returns the
    stored names. Reads the disclosure once; writes files only (no database rows)."""
    disclosure = Disclosure.objects.select_related("department", "year").get(pk=disclosure.pk)
    views = selectors.disclosure_tables(disclosure)
    names = [_store(pdf_name(disclosure), html_to_pdf(disclosure_html(disclosure, views=views)))]
    for view in views:
        html = disclosure_html(disclosure, views=views, number=view.spec.number)
        names.append(_store(pdf_name(disclosure, view.spec.number), html_to_pdf(html)))
    logger.info("Built %d PDFs of %s", len(names), disclosure)
    return names


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1, 2, …): the base delay
    (PORTAL_PDF_RETRY_SECONDS), four times longer after each further failure."""
    return timedelta(seconds=settings.PORTAL_PDF_RETRY_SECONDS * 4 ** (attempt - 1))


def _record_failure(disclosure: Disclosure, attempt: int, exc: Exception) -> bool:
    """Store the failure; True when another attempt is queued."""
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    PdfBuild.objects.update_or_create(
        disclosure=disclosure,
        defaults={"state": PdfState.FAILED, "attempts": attempt, "last_error": error},
    )
    retry = (
        attempt < settings.PORTAL_PDF_BUILD_ATTEMPTS
        and build_disclosure_pdfs.get_backend().supports_defer
    )
    logger.error(
        "PDF build of %s failed (attempt %d of %d)%s",
        disclosure,
        attempt,
        settings.PORTAL_PDF_BUILD_ATTEMPTS,
        "; retrying" if retry else "; reviewers see it on the dashboard",
        exc_info=exc,
    )
    if retry:
        later = timezone.now() + retry_delay(attempt)
        build_disclosure_pdfs.using(run_after=later).enqueue(disclosure.pk, attempt + 1)
    return retry


def disclosure_pdf_build_recorded(*, disclosure: Disclosure, attempt: int = 1) -> list[str]:
    """Build the PDFs and record the outcome in the disclosure's PdfBuild: built, or failed
    with the error (logged at error level) and, while attempts remain and the task backend
    can run work later, another attempt queued with back-off. Never raises for a failed
    build: a failure is a state reviewers see and act on."""
    try:
        names = disclosure_pdf_build(disclosure=disclosure)
    except Exception as exc:  # any failure of rendering or storage is recorded, not lost
        _record_failure(disclosure, attempt, exc)
        return []
    PdfBuild.objects.update_or_create(
        disclosure=disclosure,
        defaults={"state": PdfState.BUILT, "attempts": attempt, "last_error": ""},
    )
    return names


@task()
def build_disclosure_pdfs(disclosure_id: int, attempt: int = 1) -> list[str]:
    """The background task: build a published disclosure's PDFs (attempt 1, 2, …)."""
    disclosure = Disclosure.objects.filter(pk=disclosure_id).first()
    if disclosure is None:
        return []
    return disclosure_pdf_build_recorded(disclosure=disclosure, attempt=attempt)


def disclosure_pdf_schedule(*, disclosure: Disclosure) -> None:
    """Queue the PDF build once the current transaction commits, so that the worker sees
    the published rows and the person publishing does not wait for the rendering. The
    build is recorded as queued at once, in the same transaction."""
    PdfBuild.objects.update_or_create(
        disclosure=disclosure,
        defaults={"state": PdfState.QUEUED, "attempts": 0, "last_error": ""},
    )
    disclosure_id = disclosure.pk
    transaction.on_commit(lambda: build_disclosure_pdfs.enqueue(disclosure_id))


@transaction.atomic
def disclosure_pdf_rebuild(*, disclosure: Disclosure, user) -> None:
    """A reviewer asks for a published version's PDFs to be built again (after a failure):
    queued like a publication's build, with an audit row naming who asked."""
    from disclosure.audit import audit_record
    from disclosure.permissions import decides_for

    if not decides_for(user, disclosure.department) or not disclosure.is_published:
        raise PermissionDenied("只有本地区的财政审核人可以重新生成已公开决算的 PDF。")

    audit_record(disclosure=disclosure, actor=user, action="pdf_rebuild")
    disclosure_pdf_schedule(disclosure=disclosure)


def pdf_exists(disclosure: Disclosure, number: str | None = None) -> bool:
    return default_storage.exists(pdf_name(disclosure, number))
