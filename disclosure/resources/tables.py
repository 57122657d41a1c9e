"""One django-import-export resource per amount table, generated from the layout
declaration (`table_resource(layout, number)`): the admin's single-table import.

The resource only reads: each row of the flat form is keyed as the workbook importer keys
it (the code, the line, the total, the summary line) and its cells parsed; the table is
then handed to `importing.services.table_import`, which replaces it in the draft through
the content codec, audits and runs the checks. The preview shows every row as new,
changed, unchanged or removed.

A department's published PDF is read by the whole document's reader
(`importing.reader.read_table`): the chosen table is found by its title and read exactly
as the whole-document import reads it, each amount with the page and box it was printed
in; its rows are then laid out in the flat form for the row-by-row preview, and the table
as read (not the flat form's re-reading of it) is what the service stores. Only the
chosen table's problems refuse the file: what is wrong with another table of the
document is that table's, for its own import.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal
from functools import cache
from types import SimpleNamespace
from typing import ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.html import escape
from django.utils.safestring import mark_safe
from import_export import fields, widgets
from import_export.results import RowResult

from disclosure.content import ParsedRow, ParsedTable
from disclosure.importing.errors import ImportRejected, Location, Problem
from disclosure.importing.flat import DocumentDataset, unguard
from disclosure.importing.reader import TableReading, read_table
from disclosure.importing.rows import CODE_RE, TOTAL_LABELS
from disclosure.importing.services import import_refusal, proof_note, table_import
from disclosure.layouts import TableSpec, all_layouts, get_layout, squash
from disclosure.models import (
    Disclosure,
    TableRow,
)
from disclosure.money import format_amount, parse_amount
from disclosure.opendata.tabular import (
    UNIT_HEADER,
    flat_columns,
    flat_header,
)
from disclosure.presentation import UNITS
from disclosure.resources.base import PortalResource, TextWidget

# ---------------------------------------------------------------- one resource per table
Cell = tuple[Decimal | None, str]


class AmountWidget(widgets.Widget):
    """An amount cell of the flat form: "9733858.45", "9,733,858.45", a dash, or blank."""

    def clean(self, value, row=None, **kwargs) -> Cell | None:
        text = unguard("" if value is None else str(value)).strip()
        value, mark = parse_amount(text)  # AmountError is a ValueError, in Chinese
        if value is None and not mark:
            return None
        return value, mark

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        number, mark = value
        return format_amount(number) if number is not None else mark


class AmountField(fields.Field):
    """One declared amount column. In a lines table it belongs to one panel: a value in
    a row of the other panel is refused rather than dropped."""

    def __init__(self, *, name: str, header: str, column_key: str, side: int | None):
        super().__init__(attribute=f"cells__{name}", column_name=header, widget=AmountWidget())
        self.name, self.column_key, self.side = name, column_key, side

    def save(self, instance, row, is_m2m=False, **kwargs):
        cleaned = self.clean(row, **kwargs)
        if cleaned is not None and self.side is not None and self.side != instance.side:
            raise ValueError("这一栏不属于本行所在的栏（收入/支出）：请检查是否错行或错列")
        setattr(instance.cells, self.name, cleaned)


class SideWidget(widgets.Widget):
    """栏: the panel (收入/支出) or block (人员经费/公用经费) a row was printed in."""

    def __init__(self, titles: list[str]):
        super().__init__()
        self.titles = titles

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if text in self.titles:
            return self.titles.index(text)
        shown = "、".join(f"“{t}”" for t in self.titles if t)
        raise ValueError(f"“栏”应为{shown}之一" + ("，或留空" if "" in self.titles else ""))

    def render(self, value, obj=None, **kwargs):
        return self.titles[value] if value is not None and value < len(self.titles) else ""


class LineNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        if not text.isdigit():
            raise ValueError("行次应为数字")
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class TableResource(PortalResource):
    """Base of the generated resources: one amount table of one disclosure, flat.

    Reading only: each row is keyed like the workbook importer keys it and compared with
    the stored row of the same key (for the preview); after the last row the whole table
    goes to `table_import`, which replaces it in the draft, or nothing happens when any
    row has a problem. Rows the file no longer has are shown as removed."""

    spec: ClassVar[TableSpec]
    layout_slug: ClassVar[str]
    amount_fields: ClassVar[tuple[AmountField, ...]] = ()

    class Meta:
        model = TableRow
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = False  # nothing is saved here: the service writes

    def __init__(self, disclosure: Disclosure | None = None, **kwargs):
        super().__init__(**kwargs)
        self.disclosure = disclosure
        self.findings: list[dict] = []
        self.reading: TableReading | None = None  # a document's table, as read
        self._dry_run = False

    @classmethod
    def get_display_name(cls) -> str:
        layout = get_layout(cls.layout_slug)
        return f"{cls.spec.label} {cls.spec.title}（{layout.name}）"

    @property
    def table_label(self) -> str:  # type: ignore[override]
        return self.spec.label

    # ------------------------------------------------------------ whole file
    def import_data(self, dataset, dry_run=False, **kwargs):
        self._dry_run = dry_run  # a preview: the PDF's page regions are drawn for it
        return super().import_data(dataset, dry_run=dry_run, **kwargs)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        spec = self.spec
        if self.disclosure is None:
            self.refuse(dataset, [Problem("请选择要导入到哪一份决算草稿")])
        disclosure = Disclosure.objects.select_for_update().get(pk=self.disclosure.pk)
        refusal = import_refusal(kwargs.get("user"), disclosure)
        if refusal:
            self.refuse(dataset, [Problem(refusal)])
        if disclosure.layout != self.layout_slug:
            self.refuse(dataset, [Problem("这张表的表式与所选决算的表式不同")])
        self.disclosure = disclosure
        self.reading = None
        if isinstance(dataset, DocumentDataset):
            self.reading = self._read_document(dataset)
            super().before_import(dataset, **kwargs)  # the rows just laid out
        allowed = flat_header(spec)
        required = [h for h in allowed if h not in {"级次", UNIT_HEADER}]
        if spec.kind == "lines" and len(spec.panels) == 1:
            required.remove("栏")
        problems = self.header_problems(required=required, allowed=allowed)
        self._unit = self._read_unit(dataset, problems)
        if problems:
            self.refuse(dataset, problems)
        self.table = disclosure.tables.filter(number=spec.number).first()
        # A row is known by its key, unique in its table (as the workbook importer keys it).
        self._existing = (
            {
                r.key: r
                for r in self.table.rows.prefetch_related("amounts").order_by("side", "position")
            }
            if self.table is not None
            else {}
        )
        self._seen: dict[str, int] = {}
        self._positions: Counter = Counter()
        self._read: dict[str, ParsedRow] = {}

    def _read_document(self, dataset: DocumentDataset) -> TableReading:
        """The chosen table read from the document, its rows laid out in the flat form
        (the dataset's rows, each remembering the page and row it was printed on)."""
        try:
            reading = read_table(
                [dataset.document.sheet],
                layout=get_layout(self.layout_slug),
                number=self.spec.number,
            )
        except ImportRejected as exc:
            self.refuse(dataset, exc.problems)
        dataset.headers = flat_header(self.spec)
        for row in reading.table.rows:
            dataset.append(self._flat_cells(row))
        dataset.locations = [row.location for row in reading.table.rows]
        return reading

    def _flat_cells(self, row: ParsedRow) -> list[str]:
        """A row as read, in the flat form: what identifies it, then its own amounts."""
        side = self.fields["side"].widget.render(row.side) if "side" in self.fields else ""
        if self.spec.kind == "lines":
            lead = [side, str(row.line_no or ""), row.name]
        else:
            lead = [row.code, row.name, ""] + ([side] if self.spec.kind == "economic" else [])
        amounts = [
            f.widget.render(row.amounts.get(f.column_key)) if f.side in (None, row.side) else ""
            for f in self.amount_fields
        ]
        return [*lead, *amounts, ""]  # the unit is the table's, as read

    def _read_unit(self, dataset, problems: list[Problem]) -> str:
        """The table's unit from the 金额单位 column (count lines of 公开09 name their own)."""
        if UNIT_HEADER not in self._headers:
            return ""
        units = {str(u).strip() for u in dataset[UNIT_HEADER]} - {""}
        money = units & set(UNITS)
        others = units - set(UNITS)
        counts = {u for u in others if self.spec.kind == "lines" and len(u) <= 4}
        strange = others - counts
        if len(money) > 1 or strange:
            problems.append(
                Problem(
                    "金额单位应为“元”或“万元”，且全表一致",
                    table=self.table_label,
                    location=Location(
                        self._sheet, self._header_row(), self._headers.index(UNIT_HEADER)
                    ),
                    value="、".join(sorted(units)),
                )
            )
        return next(iter(money), "")

    # ------------------------------------------------------------ one row
    def before_import_row(self, row, **kwargs):
        number = kwargs["row_number"]
        if self.reading is not None:
            printed = self.reading.table.rows[number - 1]
            self._seen[printed.key] = number
            self._plan = SimpleNamespace(
                **{k: getattr(printed, k) for k in ("side", "key", "code", "line_no")},
                is_total=printed.is_total,
                position=printed.position,
            )
            return
        spec = self.spec
        errors = {}
        side = 0
        if "side" in self.fields and "栏" in self._headers:
            try:
                side = self.fields["side"].widget.clean(row.get("栏"))
            except ValueError as exc:
                errors["栏"] = self.problem(
                    str(exc), row_number=number, header="栏", value=row.get("栏")
                )
        if spec.kind == "lines":
            key, line_no, is_total = self._line_key(row, side, number, errors)
            code = ""
        else:
            key, code, is_total = self._code_key(row, side, number, errors)
            line_no = None
        if not errors and key in self._seen:
            header = "行次" if spec.kind == "lines" else "科目编码"
            what = f"第 {line_no} 行次" if spec.kind == "lines" else f"“{code or key}”"
            errors[header] = self.problem(
                f"{what}在文件中出现了两次（另一处在第 {self._seen[key]} 行）",
                row_number=number,
                header=header,
                value=row.get(header, ""),
            )
        if errors:
            raise ValidationError(errors)
        self._seen[key] = self._file_rows[number - 1]
        self._plan = SimpleNamespace(
            side=side,
            key=key,
            code=code,
            line_no=line_no,
            is_total=is_total,
            position=self._positions[side],
        )
        self._positions[side] += 1

    def _code_key(self, row, side, number, errors) -> tuple[str, str, bool]:
        code = str(row.get("科目编码") or "").strip()
        name = str(row.get("科目名称") or "").strip()
        if self.spec.kind == "economic" and not code:
            summary = next(
                (s for s in self.spec.summary_lines if squash(s.label) == squash(name)), None
            )
            if summary is not None:
                return summary.key, "", True
        if not code and squash(name) in TOTAL_LABELS and self.spec.kind == "codes":
            return "total", "", True
        if code and not CODE_RE.match(code):
            errors["科目编码"] = self.problem(
                "科目编码应为数字", row_number=number, header="科目编码", value=code
            )
            return "", code, False
        if not code:
            position = self._positions[side]
            return f"#{position + 1}", "", False
        return code, code, False

    def _line_key(self, row, side, number, errors) -> tuple[str, int | None, bool]:
        panel = self.spec.panels[side]
        try:
            line_no = self.fields["line_no"].widget.clean(row.get("行次"))
        except ValueError as exc:
            errors["行次"] = self.problem(
                str(exc), row_number=number, header="行次", value=row.get("行次")
            )
            return "", None, False
        label = str(row.get("项目") or "").strip()
        line = panel.line(line_no) if line_no is not None else panel.line_by_label(label)
        if line is None:
            where = f"“{panel.title}”栏" if panel.title else "本表"
            header, value = ("行次", line_no) if line_no is not None else ("项目", label)
            errors[header] = self.problem(
                f"{where}没有这一行", row_number=number, header=header, value=value
            )
            return "", None, False
        return line.key, line.no, line.total

    def get_instance(self, instance_loader, row):
        found = self._existing.get(self._plan.key)
        if found is not None:
            found.cells = self._cells_of(found)
        return found

    def _cells_of(self, row: TableRow) -> SimpleNamespace:
        """A stored row's amount cells, by field name (None where blank)."""
        return SimpleNamespace(
            **{**dict.fromkeys(f.name for f in self.amount_fields), **self._stored_cells(row)}
        )

    def _stored_cells(self, row: TableRow) -> dict[str, Cell]:
        stored = {a.column: (a.value, a.mark) for a in row.amounts.all()}
        return {
            f.name: stored[f.column_key]
            for f in self.amount_fields
            if f.column_key in stored and f.side in (None, row.side)
        }

    def init_instance(self, row=None):
        instance = TableRow(table=self.table)
        instance.cells = SimpleNamespace(**{f.name: None for f in self.amount_fields})
        return instance

    def import_instance(self, instance, row, **kwargs):
        plan = self._plan
        instance.side, instance.key, instance.is_total = plan.side, plan.key, plan.is_total
        instance.position = plan.position
        if self.spec.kind == "lines":
            instance.line_no = plan.line_no
        else:
            instance.code = plan.code
        super().import_instance(instance, row, **kwargs)
        instance.name = (instance.name or "")[:200]
        read = ParsedRow(
            key=plan.key,
            position=plan.position,
            code=instance.code if self.spec.kind != "lines" else "",
            name=instance.name,
            line_no=instance.line_no if self.spec.kind == "lines" else None,
            is_total=plan.is_total,
            side=plan.side,
            amounts={
                f.column_key: cell
                for f in self.amount_fields
                if (cell := getattr(instance.cells, f.name)) is not None
            },
        )
        if self.reading is not None:
            read = self._as_printed(read, kwargs["row_number"])
        else:
            read.sources = self._places(read, kwargs["row_number"])
        self._read[plan.key] = read

    def _places(self, read: ParsedRow, number: int) -> dict[str, str]:
        """Where each amount of a flat row was in the file (sheet, row, column), as the
        workbook import keeps it: the findings then name the uploaded file's cell."""
        file_row = self._file_rows[number - 1]
        columns = {
            f.column_key: f.column_name for f in self.amount_fields if f.side in (None, read.side)
        }
        return {
            key: Location(self._sheet, file_row, self._headers.index(columns[key])).describe()
            for key in read.amounts
            if columns.get(key) in self._headers
        }

    def _as_printed(self, read: ParsedRow, number: int) -> ParsedRow:
        """The document's row as its reader read it (with the place of each amount), once
        its flat form, which the preview shows, is proven to say the same."""
        printed = self.reading.table.rows[number - 1]
        if replace(printed, name=printed.name[:200]) != read:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: self.problem(
                        "这一行的单表格式与 PDF 中读出的不一致", row_number=number
                    )
                }
            )
        return printed

    def skip_row(self, instance, original, row, import_validation_errors=None):
        same_place = (instance.position, instance.is_total) == (
            original.position,
            original.is_total,
        )
        return same_place and super().skip_row(instance, original, row, import_validation_errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        """Nothing is saved row by row: the table is written whole, by the service."""

    # ------------------------------------------------------------ after every row
    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if result.has_errors() or result.has_validation_errors() or not hasattr(self, "_read"):
            return
        for key, stored in self._existing.items():
            if key in self._seen:
                continue
            removed = RowResult()
            removed.import_type = RowResult.IMPORT_TYPE_DELETE
            stored.cells = self._cells_of(stored)
            removed.diff = [
                mark_safe(f"<del>{escape(f.export(stored))}</del>")
                for f in self.get_import_fields()
            ]
            removed.add_instance_info(stored)
            result.append_row_result(removed)
            result.increment_row_result_total(removed)
        table = self._table_read()
        proof = self.reading.proof if self.reading is not None else None
        outcome = table_import(
            actor=kwargs.get("user"),
            disclosure=self.disclosure,
            table=table,
            filename=kwargs.get("file_name") or "",
            proof=proof,
        )
        self._report_findings(outcome.disclosure, result)
        result.reader_notes = self._reader_notes()
        if self.reading is not None and self._dry_run:
            from disclosure.previews import page_images

            # Beside the preview, the printed page: drawn now, never stored.
            result.pages = page_images(dataset.data, self.reading.table.regions)
            result.table_label = self.spec.label

    def _reader_notes(self) -> list[str]:
        """Where a document's table was read, the proof that no amount was lost, and what
        the reader noticed (none for a flat file)."""
        if self.reading is None:
            return []
        pages = "、".join(str(p) for p in self.reading.table.regions)
        where = f"{self.spec.label} 读自 PDF 第 {pages} 页" if pages else ""
        return [n for n in (where, proof_note(self.reading.proof)) if n] + self.reading.findings

    def _table_read(self) -> ParsedTable:
        """The table as the file gives it; what the flat form does not carry (the empty
        table's statement, notes, the printed title) is kept from the stored table. A
        document gives them all: its table is stored as read, as the whole import stores it."""
        rows = list(self._read.values())
        if self.reading is not None:
            return replace(self.reading.table, rows=rows)
        stored = self.table
        has_values = any(v is not None for r in rows for v, _mark in r.amounts.values())
        return ParsedTable(
            number=self.spec.number,
            state="provided" if has_values else "empty",
            statement=stored.statement if stored else "",
            notes=stored.notes if stored else "",
            unit=self._unit or (stored.unit if stored else "") or self.spec.unit,
            printed_department=stored.printed_department if stored else "",
            printed_title=stored.printed_title if stored else "",
            rows=rows,
        )

    def _report_findings(self, disclosure: Disclosure, result) -> None:
        """What the checks now say about this table, kept as plain text: in a preview the
        transaction that produced it is rolled back before the page is drawn."""
        from disclosure.checks.selectors import check_report

        findings = check_report(disclosure).findings
        self.findings = [
            {
                "severity": f.severity,
                "severity_label": f.get_severity_display(),
                "table": f.table,
                "row": f.row,
                "column": f.column,
                "message": f.message,
            }
            for f in findings
            if f.table_number == self.spec.number
        ]
        # (label, count) pairs, not a Counter: a template looks up `.items` as a key first.
        result.other_findings = sorted(
            Counter(
                str(f.get_severity_display())
                for f in findings
                if f.table_number != self.spec.number
            ).items()
        )
        result.findings = self.findings


def _amount_fields(spec: TableSpec) -> list[AmountField]:
    return [
        AmountField(name=f"c{i}", header=header, column_key=col.key, side=side)
        for i, (side, col, header) in enumerate(flat_columns(spec))
    ]


@cache
def table_resource(layout_slug: str, number: str) -> type[TableResource]:
    """The import-export resource of one amount table, generated from its declaration."""
    spec = get_layout(layout_slug).table(number)
    if not spec.is_amount_table:
        raise ValueError(f"{spec.label} is not an amount table")
    declared: dict[str, fields.Field] = {}
    if spec.kind == "lines":
        titles = [panel.title for panel in spec.panels]
        declared["side"] = fields.Field("side", "栏", SideWidget(titles))
        declared["line_no"] = fields.Field("line_no", "行次", LineNoWidget())
        declared["name"] = fields.Field("name", "项目", TextWidget())
    else:
        declared["code"] = fields.Field("code", "科目编码", TextWidget(), readonly=True)
        declared["name"] = fields.Field("name", "科目名称", TextWidget())
        if spec.kind == "economic":
            titles = [
                spec.block_titles[b] if b < len(spec.block_titles) else ""
                for b in range(spec.blocks)
            ]
            declared["side"] = fields.Field("side", "栏", SideWidget(titles))
    amounts = _amount_fields(spec)
    headers = [f.column_name for f in declared.values()] + [f.column_name for f in amounts]
    if len(headers) != len(set(headers)) or headers != [
        h for h in flat_header(spec) if h not in {"级次", UNIT_HEADER}
    ]:
        raise ValueError(f"{layout_slug} {spec.label}: the flat headers do not match the fields")
    declared.update({f.name: f for f in amounts})
    order = tuple(declared)
    meta = type(
        "Meta",
        (TableResource.Meta,),
        {"fields": order, "import_order": order, "export_order": order},
    )
    attrs = {
        **declared,
        "Meta": meta,
        "spec": spec,
        "layout_slug": layout_slug,
        "amount_fields": tuple(amounts),
        "__module__": __name__,
    }
    return type(f"Table{number}Resource_{layout_slug.replace('-', '_')}", (TableResource,), attrs)


def table_resources(layout_slugs) -> list[type[TableResource]]:
    """The generated resources of every amount table of these layouts, in layout order."""
    layouts = all_layouts()
    return [
        table_resource(slug, spec.number)
        for slug in sorted(set(layout_slugs))
        if slug in layouts
        for spec in layouts[slug].tables
        if spec.is_amount_table
    ]
