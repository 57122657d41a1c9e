"""django-import-export resources and file formats for the admin's import screens.

- `UploadFormat` reads any upload — XLSX, CSV or tab-separated text, recognised by content
  through the guarded readers of `importing.sources` (size, zip bomb, macros, rows) — into
  one tablib Dataset whose first row is the header.
- `GuardedCSV` and `NumberXLSX` are the export formats: CSV with a BOM and the formula
  guard of `opendata.tabular`; XLSX with native numbers formatted `#,##0.00`.
- `DepartmentResource` and `ClassificationCodeResource` load departments and a year's
  catalogue, keyed on natural keys (code; year, kind and code), idempotently.
- `table_resource(layout, number)` GENERATES the resource of one amount table from the
  layout declaration: one row per code or line, one column per declared column, headed as
  `opendata.tabular.flat_header` heads the CSV export, so an exported table imports back.

Every row problem names the table, the sheet, the row, the column and the value, in the
form the workbook importer uses (`importing.errors.Problem`).
"""

from __future__ import annotations

import hashlib
import io
import json
from collections import Counter
from decimal import Decimal
from functools import cache
from types import SimpleNamespace
from typing import ClassVar

import tablib
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import mark_safe
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import RowResult
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from disclosure.catalogues import (
    CODE_HEADERS,
    LEVEL_HEADERS,
    NAME_HEADERS,
    entry_problem,
)
from disclosure.importing.errors import ImportRejected, Location, Problem
from disclosure.importing.parser import CODE_RE, TOTAL_LABELS, squash
from disclosure.importing.sources import Sheet, read_sheets
from disclosure.layouts import TableSpec, all_layouts, get_layout
from disclosure.models import (
    Amount,
    AuditEvent,
    Catalogue,
    ClassificationCode,
    Department,
    Disclosure,
    DisclosureTable,
    FiscalYear,
    TableRow,
)
from disclosure.models.classification import CatalogueKind, Level, level_of, parent_code
from disclosure.models.organisation import DepartmentKind
from disclosure.money import format_amount, parse_amount
from disclosure.opendata.flat import COUNT_UNIT_RE
from disclosure.opendata.tabular import (
    FORMULA_STARTS,
    UNIT_HEADER,
    flat_columns,
    flat_header,
    guard,
    write_csv,
)
from disclosure.presentation import UNITS

AMOUNT_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
EXCEL_DIGITS = 15  # significant digits Excel keeps


# ---------------------------------------------------------------- reading an upload
def unguard(text: str) -> str:
    """Undo `tabular.guard`: the apostrophe a CSV export put before "=", "+", "-" or "@"."""
    if text.startswith("'") and text[1:2] and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


def dataset_from_sheets(sheets: list[Sheet]) -> tablib.Dataset:
    """The one sheet with content as a Dataset: first non-blank row the header, blank rows
    dropped. `file_rows` keeps each data row's row number in the file, `sheet_name` the
    sheet's, so problems point at the cell an accountant sees."""
    filled = [s for s in sheets if any(not r.is_blank for r in s.rows)]
    if not filled:
        raise ImportRejected.single("文件中没有任何数据。")
    if len(filled) > 1:
        names = "、".join(f"“{s.name}”" for s in filled)
        raise ImportRejected.single(
            f"文件有多张含数据的工作表（{names}）：单表文件只能有一张表，请删去其余的工作表。"
        )
    sheet = filled[0]
    rows = [r for r in sheet.rows if not r.is_blank]
    header_row = rows[0]
    header = [unguard(c).strip() for c in header_row.cells]
    while header and not header[-1]:
        header.pop()
    problems = []
    for index, text in enumerate(header):
        if not text:
            problems.append(
                Problem(
                    "表头有空白的栏目名",
                    location=Location(sheet.name, header_row.number, index),
                )
            )
    for name, count in Counter(h for h in header if h).items():
        if count > 1:
            problems.append(
                Problem(
                    f"表头“{name}”出现了 {count} 次",
                    location=Location(sheet.name, header_row.number),
                )
            )
    dataset = tablib.Dataset(headers=header)
    file_rows = []
    for row in rows[1:]:
        cells = [unguard(c) for c in row.cells]
        for index in range(len(header), len(cells)):
            if cells[index]:
                problems.append(
                    Problem(
                        "这一列没有表头：请检查是否错列",
                        location=Location(sheet.name, row.number, index),
                        value=cells[index],
                    )
                )
                break
        dataset.append((cells + [""] * len(header))[: len(header)])
        file_rows.append(row.number)
    if problems:
        raise ImportRejected(problems[:50])
    dataset.file_rows = file_rows
    dataset.sheet_name = sheet.name
    return dataset


class UploadFormat(base_formats.Format):
    """XLSX, CSV or text, recognised by content, read through `importing.sources`."""

    def __init__(self, encoding=None):
        self.encoding = encoding  # unused: the reader finds the encoding itself

    def get_title(self):
        return "XLSX / CSV / TXT"

    def create_dataset(self, in_stream):
        return dataset_from_sheets(read_sheets(bytes(in_stream)))

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def get_extension(self):
        return "xlsx"

    def get_content_type(self):
        return "application/octet-stream"

    def can_import(self):
        return True

    def can_export(self):
        return False


# ---------------------------------------------------------------- writing an export
def _text_cell(value) -> str:
    if value is None:
        return ""
    return guard(str(value)) if isinstance(value, str) else str(value)


class GuardedCSV(base_formats.CSV):
    """CSV as the portal's open data writes it: UTF-8 with a BOM; text cells made inert."""

    def export_data(self, dataset, **kwargs):
        rows = [[_text_cell(c) for c in record] for record in dataset]
        return write_csv([list(dataset.headers or []), *rows])

    def is_binary(self):
        return True

    def get_content_type(self):
        return "text/csv; charset=utf-8"


def flat_workbook(rows: list[list], *, title: str) -> bytes:
    """Rows (header first) as an XLSX sheet. An amount is a (Decimal, is_count) pair and
    becomes a number formatted `#,##0.00` (`#,##0` for a count) — or text, when Excel could
    not hold it exactly (more than 15 significant digits); text stays text: a text cell is
    never read as a formula."""
    book = Workbook()
    ws = book.active
    ws.title = title[:31]
    bold = Font(bold=True)
    for r, cells in enumerate(rows, 1):
        for c, value in enumerate(cells, 1):
            if isinstance(value, tuple):
                number, count = value
                if len(number.as_tuple().digits) > EXCEL_DIGITS:
                    # Excel would round it: written as text, which imports to the cent.
                    cell = ws.cell(row=r, column=c, value=f"{number:,.2f}")
                    cell.data_type = "s"
                    cell.alignment = Alignment(horizontal="right")
                    continue
                cell = ws.cell(row=r, column=c, value=number)
                cell.number_format = COUNT_FORMAT if count else AMOUNT_FORMAT
                continue
            if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
                ws.cell(row=r, column=c, value=value)
                continue
            text = "" if value is None else str(value)
            if not text:
                continue
            cell = ws.cell(row=r, column=c, value=text)
            cell.data_type = "s"
            if r == 1:
                cell.font = bold
                cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.freeze_panes = "A2"
    width = max((len(r) for r in rows), default=0)
    for c in range(1, width + 1):
        longest = max(
            (len(str(r[c - 1])) for r in rows if c - 1 < len(r) and isinstance(r[c - 1], str)),
            default=4,
        )
        ws.column_dimensions[get_column_letter(c)].width = min(max(longest * 2 + 2, 10), 40)
    book.properties.creator = "决算公开平台"
    book.properties.language = "zh-CN"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class NumberXLSX(base_formats.XLSX):
    """XLSX with a bold header row, numbers as numbers (`#,##0.00`) and text as text."""

    def export_data(self, dataset, **kwargs):
        rows = [list(dataset.headers or [])]
        for record in dataset:
            rows.append(
                [(v, False) if isinstance(v, Decimal) else v for v in record],
            )
        return flat_workbook(rows, title=dataset.title or "Sheet1")


# ---------------------------------------------------------------- shared behaviour
class PortalResource(resources.ModelResource):
    """Row problems in Chinese, keyed by the column header, naming the sheet, row,
    column and value; nothing half-written (every import runs in one transaction)."""

    table_label: ClassVar[str] = ""

    def before_import(self, dataset, **kwargs):
        self._headers = list(dataset.headers or [])
        self._file_rows = getattr(dataset, "file_rows", None) or list(range(2, len(dataset) + 2))
        self._sheet = getattr(dataset, "sheet_name", "")

    def refuse(self, dataset, problems: list[Problem]) -> None:
        """Stop the whole import with these problems (shown above the preview)."""
        dataset.wipe()  # no row is read after a refusal
        raise ImportRejected(problems)

    def problem(self, message: str, *, row_number: int | None, header: str = "", value=""):
        index = self._headers.index(header) if header in self._headers else None
        file_row = self._file_rows[row_number - 1] if row_number else None
        return str(
            Problem(
                message,
                table=self.table_label,
                location=Location(self._sheet, file_row, index),
                column_label=header,
                value=str(value or ""),
            )
        )

    def header_problems(self, *, required: list[str], allowed: list[str]) -> list[Problem]:
        problems = []
        missing = [h for h in required if h not in self._headers]
        if missing:
            problems.append(
                Problem(
                    "缺少栏目：" + "、".join(f"“{h}”" for h in missing),
                    table=self.table_label,
                    location=Location(self._sheet, self._header_row()),
                )
            )
        unknown = [h for h in self._headers if h not in allowed]
        if unknown:
            problems.append(
                Problem(
                    "表头中有本表没有的栏目："
                    + "、".join(f"“{h}”" for h in unknown)
                    + "（本表的栏目为："
                    + "、".join(allowed)
                    + "）",
                    table=self.table_label,
                    location=Location(self._sheet, self._header_row()),
                )
            )
        return problems

    def _header_row(self) -> int:
        return (self._file_rows[0] - 1) if self._file_rows else 1

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        for field in self.get_import_fields():
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as exc:
                errors[field.column_name] = self.problem(
                    str(exc),
                    row_number=kwargs.get("row_number"),
                    header=field.column_name,
                    value=row.get(field.column_name, ""),
                )
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's own validation, its messages keyed by our Chinese headers."""
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            by_attribute = {f.attribute: f.column_name for f in self.get_import_fields()}
            try:
                instance.full_clean(
                    exclude=[a for a, h in by_attribute.items() if h in errors],
                    validate_unique=validate_unique,
                )
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    header = by_attribute.get(name, name)
                    errors.setdefault(header, "；".join(messages))
        if errors:
            raise ValidationError(errors)


class TextWidget(widgets.CharWidget):
    """A text cell as the accountant typed it, spaces trimmed; blank is ""."""

    def clean(self, value, row=None, **kwargs):
        return "" if value is None else str(value).strip()


# ---------------------------------------------------------------- departments
class DepartmentKindWidget(widgets.Widget):
    """单位性质 as its Chinese label (行政单位 …); the stored value is accepted too."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return DepartmentKind.ADMINISTRATIVE
        for choice in DepartmentKind:
            if text in {choice.value, str(choice.label)}:
                return choice.value
        labels = "、".join(str(c.label) for c in DepartmentKind)
        raise ValueError(f"单位性质应为{labels}之一")

    def render(self, value, obj=None, **kwargs):
        try:
            return str(DepartmentKind(value).label)
        except ValueError:
            return value or ""


class DepartmentCodeWidget(widgets.ForeignKeyWidget):
    def clean(self, value, row=None, **kwargs):
        code = str(value or "").strip()
        if not code:
            return None
        found = Department.objects.filter(code=code).first()
        if found is None:
            raise ValueError(f"上级部门“{code}”不存在（也不在本文件中）")
        return found


CYCLE = "上级部门代码形成了循环（甲的上级是乙，乙的上级又是甲）"


class DepartmentResource(PortalResource):
    """Departments keyed on their code: (部门代码, 部门名称, 上级部门代码, 单位性质)."""

    code = fields.Field("code", "部门代码", TextWidget())
    name = fields.Field("name", "部门名称", TextWidget())
    parent = fields.Field("parent", "上级部门代码", DepartmentCodeWidget(Department, "code"))
    kind = fields.Field("kind", "单位性质", DepartmentKindWidget())

    table_label = "部门"

    class Meta:
        model = Department
        fields = ("code", "name", "parent", "kind")
        import_order = export_order = ("code", "name", "parent", "kind")
        import_id_fields = ("code",)
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True
        name = "部门"

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        headers = ["部门代码", "部门名称", "上级部门代码", "单位性质"]
        problems = self.header_problems(required=headers[:2], allowed=headers)
        if problems:
            self.refuse(dataset, problems)
        # Parents first, so a parent new in this file exists when its children are read.
        order = _parents_first(dataset)
        if order is None:
            self.refuse(dataset, [Problem(CYCLE)])
        rows = [dataset[i] for i in order]
        numbers = [self._file_rows[i] for i in order]
        dataset.wipe()
        dataset.headers = self._headers
        for row in rows:
            dataset.append(row)
        self._file_rows = numbers

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return super().skip_row(instance, original, row, import_validation_errors) and (
            instance.parent_id == original.parent_id
        )


def _parents_first(dataset) -> list[int] | None:
    """Row indexes ordered so that a department comes after its parent (None: a cycle)."""
    headers = list(dataset.headers)
    code_i = headers.index("部门代码")
    parent_i = headers.index("上级部门代码") if "上级部门代码" in headers else None
    parent_of = {}
    for row in dataset:
        code = str(row[code_i] or "").strip()
        parent_of[code] = str(row[parent_i] or "").strip() if parent_i is not None else ""
    depth: dict[str, int] = {}

    def depth_of(code: str, seen: frozenset = frozenset()) -> int | None:
        if code in depth:
            return depth[code]
        if code in seen:
            return None
        parent = parent_of.get(code, "")
        below = 0 if not parent or parent not in parent_of else depth_of(parent, seen | {code})
        if below is None:
            return None
        depth[code] = below + 1
        return depth[code]

    keys = []
    for i, row in enumerate(dataset):
        found = depth_of(str(row[code_i] or "").strip())
        if found is None:
            return None
        keys.append((found, i))
    return [i for _depth, i in sorted(keys)]


# ---------------------------------------------------------------- catalogues
class LevelWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        try:
            return str(Level(value).label)
        except ValueError:
            return ""


class KindWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        try:
            return str(CatalogueKind(value).label)
        except ValueError:
            return value or ""


HEADER_NEEDED = "第一行应为表头，至少含“科目编码”（或“编码”、code）和“科目名称”（或“名称”、name）"


class ClassificationCodeResource(PortalResource):
    """One year's catalogue of one classification, keyed on (year, kind, code).

    The year and the classification are chosen on the import form; the file holds codes
    and names (the level may be given; the code's length decides it, and the parent is the
    code's prefix, as `catalogues.catalogue_load` derives them). Headers may be the
    official list's (编码/名称/级次) or the export's (科目编码/科目名称/级次)."""

    year = fields.Field("catalogue__year_id", "年度", readonly=True)
    kind = fields.Field("catalogue__kind", "分类", KindWidget(), readonly=True)
    code = fields.Field("code", "科目编码", TextWidget())
    name = fields.Field("name", "科目名称", TextWidget())
    level = fields.Field("level", "级次", LevelWidget(), readonly=True)
    parent = fields.Field("parent__code", "上级科目编码", readonly=True)

    table_label = "分类科目"

    class Meta:
        model = ClassificationCode
        fields = ("year", "kind", "code", "name", "level", "parent")
        import_order = export_order = ("year", "kind", "code", "name", "level", "parent")
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True
        name = "分类科目"

    def __init__(self, year: int | None = None, kind: str = "", provenance: str = "", **kw):
        super().__init__(**kw)
        self.year, self.kind_value, self.provenance = year, kind, provenance or "compiled"

    def get_import_fields(self):
        return [self.fields["code"], self.fields["name"], self.fields["level"]]

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        if not self.year or self.kind_value not in CatalogueKind.values:
            self.refuse(dataset, [Problem("请先选择年度和分类")])
        renamed = []
        for header in self._headers:
            lowered = header.lower()
            if lowered in CODE_HEADERS:
                header = "科目编码"
            elif lowered in NAME_HEADERS:
                header = "科目名称"
            elif lowered in LEVEL_HEADERS:
                header = "级次"
            renamed.append(header)
        if "科目编码" not in renamed or "科目名称" not in renamed:
            self.refuse(
                dataset,
                [Problem(HEADER_NEEDED)],
            )
        dataset.headers = renamed
        self._headers = renamed
        # Parents before children (类, then 款, then 项), whatever the file's order.
        code_i = renamed.index("科目编码")
        order = sorted(range(len(dataset)), key=lambda i: (len(str(dataset[i][code_i])), i))
        rows = [dataset[i] for i in order]
        self._file_rows = [self._file_rows[i] for i in order]
        dataset.wipe()
        dataset.headers = renamed
        for row in rows:
            dataset.append(row)
        year, _ = FiscalYear.objects.get_or_create(year=self.year)
        self.catalogue, _ = Catalogue.objects.get_or_create(
            year=year,
            kind=self.kind_value,
            defaults={"provenance": self.provenance, "source": kwargs.get("file_name") or ""},
        )
        self._seen: dict[str, int] = {}

    def before_import_row(self, row, **kwargs):
        number = kwargs.get("row_number")
        code, name = str(row.get("科目编码") or "").strip(), str(row.get("科目名称") or "")
        errors = {}
        kind_label = str(CatalogueKind(self.kind_value).label)
        expected = {
            "年度": ({str(self.year)}, str(self.year)),
            "分类": ({self.kind_value, kind_label}, kind_label),
        }
        for header, (accepted, shown) in expected.items():
            given = str(row.get(header) or "").strip()
            if given and given not in accepted:
                errors[header] = self.problem(
                    f"与所选的“{shown}”不符", row_number=number, header=header, value=given
                )
        found = entry_problem(
            code, name.strip(), str(row.get("级次") or "").strip(), kind=self.kind_value
        )
        if found is not None:
            message, at = found
            header = {"code": "科目编码", "level": "级次", "name": "科目名称"}[at]
            errors[header] = self.problem(
                message, row_number=number, header=header, value=row.get(header, "")
            )
        elif code in self._seen:
            errors["科目编码"] = self.problem(
                f"科目编码在文件中出现了两次（另一处在第 {self._seen[code]} 行）",
                row_number=number,
                header="科目编码",
                value=code,
            )
        if errors:
            raise ValidationError(errors)
        self._seen[code] = self._file_rows[number - 1]

    def get_instance(self, instance_loader, row):
        code = str(row.get("科目编码") or "").strip()
        return ClassificationCode.objects.filter(catalogue=self.catalogue, code=code).first()

    def init_instance(self, row=None):
        return ClassificationCode(catalogue=self.catalogue)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.level = level_of(instance.code)
        wanted = parent_code(instance.code)
        instance.parent = (
            ClassificationCode.objects.filter(catalogue=self.catalogue, code=wanted).first()
            if wanted
            else None
        )
        if wanted and instance.parent is None:
            raise ValidationError(
                {
                    "科目编码": self.problem(
                        f"上级科目 {wanted} 不在 {self.year} 年的科目表中，也不在本文件中",
                        row_number=kwargs.get("row_number"),
                        header="科目编码",
                        value=instance.code,
                    )
                }
            )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return super().skip_row(instance, original, row, import_validation_errors) and (
            (instance.level, instance.parent_id) == (original.level, original.parent_id)
        )

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        changed = (
            result.totals[RowResult.IMPORT_TYPE_NEW] + result.totals[RowResult.IMPORT_TYPE_UPDATE]
        )
        if changed and not kwargs.get("dry_run"):
            self.catalogue.source = self.catalogue.source or kwargs.get("file_name") or ""
            self.catalogue.provenance = self.provenance
            self.catalogue.full_clean()
            self.catalogue.save()  # records when the catalogue was last loaded


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

    Importing replaces the table's rows in the disclosure (an editable draft) in one
    transaction: rows keyed like the workbook importer keys them (the code, the line, the
    total, the summary line) are created or updated, rows the file no longer has are
    removed, and the amounts are stored exactly as the file gives them. The preview shows
    every row as new, changed, unchanged or removed."""

    spec: ClassVar[TableSpec]
    layout_slug: ClassVar[str]
    amount_fields: ClassVar[tuple[AmountField, ...]] = ()

    class Meta:
        model = TableRow
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def __init__(self, disclosure: Disclosure | None = None, **kwargs):
        super().__init__(**kwargs)
        self.disclosure = disclosure
        self.findings: list[dict] = []

    @classmethod
    def get_display_name(cls) -> str:
        layout = get_layout(cls.layout_slug)
        return f"{cls.spec.label} {cls.spec.title}（{layout.name}）"

    @property
    def table_label(self) -> str:  # type: ignore[override]
        return self.spec.label

    # ------------------------------------------------------------ whole file
    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        spec = self.spec
        if self.disclosure is None:
            self.refuse(dataset, [Problem("请选择要导入到哪一份决算草稿")])
        disclosure = Disclosure.objects.select_for_update().get(pk=self.disclosure.pk)
        if not disclosure.is_editable:
            self.refuse(
                dataset,
                [
                    Problem(
                        f"{disclosure}已{disclosure.get_status_display().removeprefix('已')}，"
                        "不能再导入；如需修改，请在工作台发起更正（生成新版本）。"
                    )
                ],
            )
        if disclosure.layout != self.layout_slug:
            self.refuse(dataset, [Problem("这张表的表式与所选决算的表式不同")])
        self.disclosure = disclosure
        allowed = flat_header(spec)
        required = [h for h in allowed if h not in {"级次", UNIT_HEADER}]
        if spec.kind == "lines" and len(spec.panels) == 1:
            required.remove("栏")
        problems = self.header_problems(required=required, allowed=allowed)
        self._unit = self._read_unit(dataset, problems)
        if problems:
            self.refuse(dataset, problems)
        self.table, _ = DisclosureTable.objects.get_or_create(
            disclosure=disclosure, number=spec.number, defaults={"unit": spec.unit}
        )
        # A row is known by its key, unique in its table (as the workbook importer keys it).
        self._existing = {
            r.key: r
            for r in self.table.rows.prefetch_related("amounts").order_by("side", "position")
        }
        self._seen: dict[str, int] = {}
        self._positions: Counter = Counter()
        self._before = self._table_digest()

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
        if self.spec.kind == "lines" and not instance.name:
            instance.name = ""
        instance.name = (instance.name or "")[:200]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        same_place = (instance.position, instance.is_total) == (
            original.position,
            original.is_total,
        )
        return same_place and super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        Amount.objects.filter(row=instance).delete()
        Amount.objects.bulk_create(
            [
                Amount(row=instance, column=f.column_key, value=cell[0], mark=cell[1])
                for f in self.amount_fields
                if (cell := getattr(instance.cells, f.name)) is not None
            ]
        )

    # ------------------------------------------------------------ after every row
    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if result.has_errors() or result.has_validation_errors() or not hasattr(self, "table"):
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
            stored.delete()
        table = self.table
        table.unit = self._unit or table.unit or self.spec.unit
        has_values = Amount.objects.filter(row__table=table, value__isnull=False).exists()
        table.state = "provided" if has_values else "empty"
        table.full_clean()
        table.save()
        after = self._table_digest()
        if after == self._before:
            return
        self._record(after, result, **kwargs)

    def _table_digest(self) -> str:
        table = DisclosureTable.objects.get(pk=self.table.pk)
        rows = [
            [r.side, r.position, r.key, r.code, r.name, r.line_no, r.is_total, *_cells(r)]
            for r in table.rows.prefetch_related("amounts").order_by("side", "position")
        ]
        payload = json.dumps([table.state, table.unit, rows], ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()

    def _record(self, table_digest: str, result, **kwargs) -> None:
        """The disclosure's content changed: a new digest (so a check run on the old
        content is stale), an audit row, and the checks run on what is now stored."""
        from disclosure.checks.selectors import check_report
        from disclosure.checks.services import checks_run

        disclosure = self.disclosure
        combined = f"{disclosure.content_digest}:{self.spec.number}:{table_digest}"
        disclosure.content_digest = hashlib.sha256(combined.encode()).hexdigest()
        disclosure.full_clean()
        disclosure.save()
        totals = result.totals
        AuditEvent.objects.create(
            disclosure=disclosure,
            actor=kwargs.get("user"),
            action="import_table",
            from_status=disclosure.status,
            to_status=disclosure.status,
            details={
                "table": self.spec.number,
                "file": kwargs.get("file_name") or "",
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "changed": totals[RowResult.IMPORT_TYPE_UPDATE],
                "removed": totals[RowResult.IMPORT_TYPE_DELETE],
            },
        )
        checks_run(disclosure=disclosure)
        # What the checks now say about this table, kept as plain text: in a preview the
        # transaction that produced it is rolled back before the page is drawn.
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


def _cells(row: TableRow) -> list[list[str]]:
    return sorted([a.column, str(a.value), a.mark] for a in row.amounts.all())


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


# ---------------------------------------------------------------- blank templates
def blank_template_rows(spec: TableSpec) -> list[list]:
    """A table's flat form with nothing filled in: the header, and for a lines table its
    declared lines (栏, 行次, 项目); for a code table the 合计 row."""
    rows: list[list] = [flat_header(spec)]
    width = len(rows[0])
    if spec.kind == "lines":
        for panel in spec.panels:
            for line in panel.lines:
                if not line.label:
                    continue
                unit = spec.unit
                if line.format == "count":
                    match = COUNT_UNIT_RE.search(line.label)
                    unit = match.group(1) if match else "个"
                lead = [panel.title if len(spec.panels) > 1 else "", str(line.no), line.label]
                rows.append(lead + [""] * (width - len(lead) - 1) + [unit])
    elif spec.kind == "codes":
        lead = ["", "合计", ""]
        rows.append(lead + [""] * (width - len(lead) - 1) + [spec.unit])
    return rows


def blank_template(spec: TableSpec, fmt: str) -> bytes:
    rows = blank_template_rows(spec)
    if fmt == "csv":
        return write_csv([[guard(c) for c in r] for r in rows])
    return flat_workbook(rows, title=spec.label)
