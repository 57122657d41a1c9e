"""django-import-export adapters for the admin's reference data, and the upload format.

- `UploadFormat` reads any upload — XLSX, CSV or tab-separated text, recognised by content
  through the guarded readers of `importing.sources` (size, zip bomb, macros, rows) — into
  one tablib Dataset whose first row is the header (`importing.flat.dataset_from_sheets`).
- `PortalResource`: row problems in Chinese naming the sheet, row, column and value.
- `DepartmentResource` and `ClassificationCodeResource` load departments and a year's
  catalogue, keyed on natural keys (code; year, kind and code), idempotently.

The per-table resources, generated from the layout, are in `table_resources`; the export
formats in `opendata.formats`.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import RowResult

from disclosure.catalogues import (
    CODE_HEADERS,
    LEVEL_HEADERS,
    NAME_HEADERS,
    entry_problem,
)
from disclosure.importing.errors import ImportRejected, Location, Problem
from disclosure.importing.flat import dataset_from_sheets
from disclosure.importing.sources import read_sheets
from disclosure.models import (
    Catalogue,
    ClassificationCode,
    Department,
    FiscalYear,
)
from disclosure.models.classification import CatalogueKind, Level, level_of, parent_code
from disclosure.models.organisation import DepartmentKind


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
