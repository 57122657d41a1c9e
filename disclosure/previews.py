"""What a workbook would do before it does it: import, describe, roll back.

`workbook_import_preview` runs the real importer (`importing.services.workbook_import`, which also
runs the checks) inside a transaction that is always rolled back, and returns plain data
describing the outcome — every table found with its row count, its totals and the check
findings — so the page that shows it never touches the rolled-back rows.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import npgettext

from disclosure.importing.errors import ImportRejected
from disclosure.importing.sources import PDF_MAGIC
from disclosure.layouts import DEFAULT_LAYOUT, is_english
from disclosure.models import Department, Disclosure
from disclosure.models.statements import TableState
from disclosure.money import format_amount
from disclosure.opendata.flat import flat_rows
from disclosure.opendata.tabular import flat_columns
from disclosure.presentation import cell_text, paired_blocks, paired_lines, summary_label
from disclosure.selectors import disclosure_tables, figure_values
from disclosure.uploads import upload_read, upload_remove, upload_save


@dataclass
class TotalLine:
    label: str
    cells: list[tuple[str, str]]  # (column header, amount as printed)


@dataclass
class TablePreview:
    number: str  # 02
    label: str  # 公开02
    title: str
    state: str
    state_label: str
    unit: str
    rows: int
    what: str  # what the rows are: "行", "段说明", "个项目"
    totals: list[TotalLine] = field(default_factory=list)
    statement: str = ""
    errors: int = 0
    warnings: int = 0
    # A PDF's tables only: the page regions the table was read from, and what was read.
    pages: list[PageImage] = field(default_factory=list)
    grid: ReadGrid | None = None


@dataclass
class PageImage:
    """A region of an uploaded PDF's page, drawn for the preview (never stored)."""

    page: int
    box: tuple[float, float, float, float]  # the crop in points: x0, top, x1, bottom
    width: int
    height: int
    png: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass
class GridColumn:
    """A column of a grid as read: its header, and its class — "label" for a row's name,
    "num" for 行次 and amounts, with "panel-start" on the first column of each panel or
    block after the first (a rule between them)."""

    header: str
    css: str = ""


@dataclass
class GridPanel:
    """A panel's title over its columns, in a table of side-by-side panels."""

    title: str
    span: int


@dataclass
class ReadGrid:
    """An amount table as read, to lay beside its page regions: its columns, then each
    printed row's cells as printed. A table of side-by-side panels (收入 | 支出) or blocks
    (人员经费 | 公用经费) is laid out as printed, one beside the other, with their titles
    over their columns."""

    columns: list[GridColumn]
    rows: list[list[str]]
    panels: list[GridPanel] = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def body(self) -> list[list[tuple[str, str]]]:
        """Each row's cells with their column's class, for the template."""
        return [list(zip(row, (c.css for c in self.columns), strict=True)) for row in self.rows]


@dataclass
class FindingLine:
    severity: str
    severity_label: str
    table: str
    row: str
    column: str
    message: str


@dataclass
class WorkbookPreview:
    title: str  # 玉溪市信访局 2021年度 第1版
    outcome: str  # what confirming would do, in one sentence
    changed: bool
    tables: list[TablePreview]
    figures: list[tuple[str, str]]
    findings: list[FindingLine]
    rules: dict[str, int]
    layout: str = ""  # the layout read (detected when none was given)
    # The reader's proof (count and sum of the amounts read against those stored) and its
    # notes: unknown 说明 headings, what it did not read.
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    @property
    def infos(self) -> int:
        return sum(1 for f in self.findings if f.severity == "info")


def workbook_import_preview(
    *,
    data: bytes,
    department: Department,
    year: int,
    user,
    filename: str = "",
    layout: str | None = DEFAULT_LAYOUT,
) -> WorkbookPreview:
    """Describe what importing `data` into the department's draft for `year` would do;
    nothing is saved. Raises ImportRejected exactly as the import would."""
    from disclosure.importing.services import workbook_import

    with transaction.atomic():
        result = workbook_import(
            actor=user,
            data=data,
            department_code=department.code,
            year=year,
            filename=filename,
            layout=layout,
        )
        preview = _describe(result)
        transaction.set_rollback(True)
    if data.lstrip()[:4] == PDF_MAGIC:  # drawn after the rollback: no transaction held
        _show_pages(preview, result.content, data)
    return preview


def held_preview(
    *, data: bytes, department: Department, year: int, user, filename: str, layout: str | None
) -> tuple[WorkbookPreview, str]:
    """The preview of an upload, and the token under which its bytes are kept for the
    confirmation: in the user's own upload directory (`uploads`), expiring, bound to the
    department and year previewed. Raises ImportRejected as the import would; a refused
    file is not kept."""
    preview = workbook_import_preview(
        data=data, department=department, year=year, user=user, filename=filename, layout=layout
    )
    token = upload_save(
        user_id=user.pk,
        data=data,
        meta={
            "department": department.pk,
            "year": year,
            "layout": preview.layout,  # the confirmation reads it as the preview did
            "filename": filename[:255],
        },
    )
    return preview, token


def held_import(*, token: str, user):
    """Import for real the upload the user previewed under `token`, through the one import
    service (which asks the permission again), then forget it. Raises UploadExpired (not
    this user's, expired or confirmed already), PermissionDenied (the user no longer
    prepares that department) or ImportRejected (the one refusal of the import)."""
    from disclosure.importing.services import workbook_import, year_refusal

    stored = upload_read(user_id=user.pk, token=token)
    meta = stored.meta
    department = user.department
    if department is None or meta.get("department") != department.pk:
        raise PermissionDenied
    refusal = year_refusal(user, department, meta["year"])
    if refusal:
        raise ImportRejected.single(refusal)
    result = workbook_import(
        actor=user,
        data=stored.data,
        department_code=department.code,
        year=meta["year"],
        layout=meta["layout"],
        filename=meta.get("filename", ""),
    )
    upload_remove(user_id=user.pk, token=token)
    return result


def page_images(data: bytes, regions: dict) -> list[PageImage]:
    """The page regions one table was read from (page → box), drawn from the uploaded PDF
    for the single-table import's preview, as `_show_pages` draws them for a document's."""
    from disclosure.importing.pdf import render_regions

    images = render_regions(data, list(regions.items()))
    return [PageImage(i.page, i.box, i.width, i.height, i.png) for i in images if i is not None]


def _show_pages(preview: WorkbookPreview, content, data: bytes) -> None:
    """Lay each table's page regions beside the grid read from them: the preparer compares
    the printed page with what was read before anything is stored."""
    from disclosure.importing.pdf import render_regions

    parsed = content.tables
    wanted = [
        (t.number, page, box)
        for t in preview.tables
        if t.number in parsed
        for page, box in parsed[t.number].regions.items()
    ]
    images = render_regions(data, [(page, box) for _n, page, box in wanted])
    by_number = {t.number: t for t in preview.tables}
    for (number, _page, _box), image in zip(wanted, images, strict=True):
        if image is not None:
            by_number[number].pages.append(
                PageImage(image.page, image.box, image.width, image.height, image.png)
            )


def _describe(result) -> WorkbookPreview:
    from disclosure.checks.selectors import check_report
    from disclosure.importing.services import version_title

    disclosure: Disclosure = result.disclosure
    title = version_title(disclosure)
    if result.created:
        outcome = _("将新建{title}（草稿）。").format(title=title)
    elif result.changed:
        outcome = _("将替换{title}（{status}）中已导入的全部内容。").format(
            title=title, status=disclosure.get_status_display()
        )
    else:
        outcome = _("与{title}现有的内容完全相同：确认导入不会有任何改动。").format(title=title)
    report = check_report(disclosure)
    findings = [
        FindingLine(
            severity=f.severity,
            severity_label=f.get_severity_display(),
            table=f.table,
            row=f.row,
            column=f.column,
            message=f.message,
        )
        for f in report.findings
    ]
    by_table: dict[str, list] = {}
    for f in report.findings:
        by_table.setdefault(f.table_number, []).append(f)
    views = disclosure_tables(disclosure)
    tables = [_table_preview(view, by_table.get(view.spec.number, [])) for view in views]
    values = figure_values([disclosure])[disclosure.pk]
    layout = disclosure.layout_spec
    figures = []
    for key, figure in layout.figures.items():
        value = values.get(key)
        unit = next((v.printed_unit for v in views if v.number == figure.table), "")
        figures.append(
            (figure.label, f"{format_amount(value)} {unit}" if value is not None else "—")
        )
    rules = {"passed": report.passed, "failed": report.failed, "not_checked": report.not_checked}
    return WorkbookPreview(
        title=title,
        outcome=outcome,
        changed=result.changed,
        tables=tables,
        figures=figures,
        findings=findings,
        rules=rules,
        layout=result.content.layout,
        notes=result.notes(),
    )


def _table_preview(view, own: list) -> TablePreview:
    """One table as the preview lists it: its state, what it holds, its totals and the
    grid as read; `own` are the findings about it."""
    spec = view.spec
    preview = TablePreview(
        number=spec.number,
        label=spec.label,
        title=spec.display_title(),
        state=view.state,
        state_label=str(TableState(view.state).label),
        unit=view.printed_unit if spec.is_amount_table else "",
        rows=0,
        what="",
        statement=view.statement,
        errors=sum(1 for f in own if f.severity == "error"),
        warnings=sum(1 for f in own if f.severity == "warning"),
    )
    if spec.is_amount_table:
        preview.rows = len(view.record.rows.all()) if view.record is not None else 0
        preview.what = npgettext("counted", "行", "行", preview.rows)
        preview.totals = _totals(view)
        preview.grid = _grid(view)
    elif spec.kind == "narrative":
        preview.rows = len(view.narratives)
        preview.what = npgettext("counted", "段说明", "段说明", preview.rows)
    elif spec.kind == "performance_overall":
        overall = view.overall
        preview.rows = len(getattr(overall, "indicator_list", []) or [])
        preview.what = npgettext("counted", "个绩效指标", "个绩效指标", preview.rows)
    else:
        preview.rows = len(view.projects)
        preview.what = npgettext("counted", "个项目", "个项目", preview.rows)
    return preview


def _totals(view) -> list[TotalLine]:
    """The 合计 row, the summary lines (人员经费合计 …) and the total lines (本年收入合计,
    总计 …) of an amount table, with every cell that holds something."""
    headers = {(side, col.key): header for side, col, header in flat_columns(view.spec)}
    lines = []
    for record in flat_rows(view):
        if not record.is_total or not record.has_data:
            continue
        cells = [
            (
                headers.get((None, c.column)) or headers.get((record.side, c.column), c.column),
                c.text,
            )
            for c in record.cells
            if c.value is not None or c.mark
        ]
        lines.append(TotalLine(label=record.name or "合计", cells=cells))
    return lines


def _grid(view) -> ReadGrid:
    """Every printed row of an amount table with its amounts where they were printed."""
    if view.spec.kind == "lines" and len(view.spec.panels) > 1:
        return _panels_grid(view)
    if view.spec.kind == "economic" and view.spec.blocks > 1:
        return _blocks_grid(view)
    columns = flat_columns(view.spec)
    place = {(side, col.key): i for i, (side, col, _h) in enumerate(columns)}
    rows = []
    for record in flat_rows(view):
        if record.stored is None and not record.has_data:
            continue
        cells = [""] * len(columns)
        for c in record.cells:
            index = place.get((None, c.column), place.get((record.side, c.column)))
            if index is not None:
                cells[index] = c.text
        rows.append([record.code, record.name or "合计", *cells])
    return ReadGrid(
        columns=[
            GridColumn(_("编码")),
            GridColumn(_("名称"), "label"),
            *(GridColumn(h, "num") for _s, _c, h in columns),
        ],
        rows=rows,
    )


def _panels_grid(view) -> ReadGrid:
    """A table of side-by-side panels as printed: each printed row holds the line of every
    panel printed on it (the public table's pairing, `presentation.paired_lines`), each
    panel with its own 项目, its 行次 where the layout prints one, and its amount columns.
    A panel's line the document did not print leaves that panel's cells empty; a row on
    which no panel printed a line is left out."""
    spec = view.spec
    units = (view.printed_unit, view.unit)
    columns, panels = [], []
    for side, panel in enumerate(spec.panels):
        lead = [GridColumn(_("项目"), "label")]
        if panel.lineno_col >= 0:
            lead.append(GridColumn(_("行次"), "num"))
        own = lead + [GridColumn(_column_header(col), "num") for col in panel.columns]
        if side:
            own[0].css += " panel-start"
        columns += own
        title = panel.title_en if is_english() and panel.title_en else panel.title
        panels.append(GridPanel(title, len(own)))
    rows = []
    stored = list(view.record.rows.all()) if view.record is not None else []
    for pair in paired_lines(spec, stored):
        if not any(placed is not None and placed.row is not None for placed in pair):
            continue
        cells: list[str] = []
        for panel, span, placed in zip(spec.panels, panels, pair, strict=True):
            if placed is None or placed.row is None:
                cells += [""] * span.span
                continue
            line, row = placed.line, placed.row
            amounts = {a.column: a for a in row.amounts.all()}
            cells.append(row.name or line.display_label())
            if panel.lineno_col >= 0:
                cells.append(str(line.no))
            for col in panel.columns:
                amount = amounts.get(col.key)
                cells.append(
                    cell_text(amount.value, amount.mark, units=units, count=line.format == "count")
                    if amount is not None
                    else ""
                )
        rows.append(cells)
    return ReadGrid(columns=columns, rows=rows, panels=panels)


def _blocks_grid(view) -> ReadGrid:
    """A table of economic blocks side by side (人员经费 | 公用经费 …) as printed: each
    printed row holds every block's code printed on it (the public table's pairing,
    `presentation.paired_blocks`), each block with its 科目编码, 科目名称 and amount, and
    the blocks' summary lines (人员经费合计 …) on the last row, where the form prints them.
    A block titled with nothing continues the titled block before it (公用经费 over two)."""
    spec = view.spec
    units = (view.printed_unit, view.unit)
    titles = spec.block_titles_en if is_english() and spec.block_titles_en else spec.block_titles
    columns: list[GridColumn] = []
    panels: list[GridPanel] = []
    for block in range(spec.blocks):
        own = [
            GridColumn(_("科目编码"), "panel-start" if block else ""),
            GridColumn(_("科目名称"), "label"),
            *(GridColumn(_column_header(col), "num") for col in spec.columns),
        ]
        columns += own
        title = titles[block] if block < len(titles) else ""
        if title or not panels:
            panels.append(GridPanel(title, len(own)))
        else:
            panels[-1].span += len(own)
    rows = []
    stored = list(view.record.rows.all()) if view.record is not None else []
    for pair in paired_blocks(spec, stored):
        cells: list[str] = []
        for row in pair:
            if row is None:
                cells += [""] * (2 + len(spec.columns))
                continue
            amounts = {a.column: a for a in row.amounts.all()}
            if row.is_total:
                cells += ["", summary_label(spec, row)]
            else:
                cells += [row.code, row.name]
            for col in spec.columns:
                amount = amounts.get(col.key)
                cells.append(
                    cell_text(amount.value, amount.mark, units=units) if amount is not None else ""
                )
        rows.append(cells)
    return ReadGrid(columns=columns, rows=rows, panels=panels)


def _column_header(col) -> str:
    return "/".join((*col.display_group(), col.display_label()))
