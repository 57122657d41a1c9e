"""A year's classification catalogue, keyed on (year, kind, code)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import fields, widgets
from import_export.results import RowResult

from disclosure.catalogues import (
    CODE_HEADERS,
    LEVEL_HEADERS,
    NAME_HEADERS,
    entry_problem,
)
from disclosure.importing.errors import Problem
from disclosure.models import (
    Catalogue,
    ClassificationCode,
    FiscalYear,
)
from disclosure.models.classification import CatalogueKind, Level, level_of, parent_code
from disclosure.resources.base import PortalResource, TextWidget


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
