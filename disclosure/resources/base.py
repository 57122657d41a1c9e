"""The upload format and the base resource of the admin's import screens."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from import_export import resources, widgets
from import_export.formats import base_formats

from disclosure.importing.errors import ImportRejected, Location, Problem
from disclosure.importing.flat import DocumentDataset, dataset_from_sheets
from disclosure.importing.reader import is_pdf, read_pdf_document
from disclosure.importing.sources import read_sheets


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


class DocumentUploadFormat(UploadFormat):
    """`UploadFormat`, and a department's published text PDF: read here by the whole
    document's PDF reader (the same guard and budget; a scan without text is refused at
    once), then the resource finds its table in it by the layout's title."""

    def get_title(self):
        return "XLSX / CSV / TXT / PDF"

    def create_dataset(self, in_stream):
        data = bytes(in_stream)
        if is_pdf(data):  # `pdf_guard` first: size, pages, objects
            return DocumentDataset(read_pdf_document(data, require_tables=False), data)
        return super().create_dataset(data)


# ---------------------------------------------------------------- shared behaviour
class PortalResource(resources.ModelResource):
    """Row problems in Chinese, keyed by the column header, naming the sheet, row,
    column and value; nothing half-written (every import runs in one transaction)."""

    table_label: ClassVar[str] = ""

    def before_import(self, dataset, **kwargs):
        self._headers = list(dataset.headers or [])
        self._file_rows = getattr(dataset, "file_rows", None) or list(range(2, len(dataset) + 2))
        self._sheet = getattr(dataset, "sheet_name", "")
        # A document's rows, each where it was printed (page and row): problems name them.
        self._locations: list[Location] | None = getattr(dataset, "locations", None)

    def refuse(self, dataset, problems: list[Problem]) -> None:
        """Stop the whole import with these problems (shown above the preview)."""
        dataset.wipe()  # no row is read after a refusal
        raise ImportRejected(problems)

    def problem(self, message: str, *, row_number: int | None, header: str = "", value=""):
        index = self._headers.index(header) if header in self._headers else None
        file_row = self._file_rows[row_number - 1] if row_number else None
        location = Location(self._sheet, file_row, index)
        if self._locations and row_number:
            location = self._locations[row_number - 1]
        return str(
            Problem(
                message,
                table=self.table_label,
                location=location,
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


class CodeWidget(widgets.ForeignKeyWidget):
    """Another record named by its code (a department's parent, a department's region, a
    region's parent): blank is None (the field then keeps its value, or the model's default
    for a new record), an unknown code is refused with `missing` ("… {code} …").

    `queryset` narrows where the code may be found (a scoped user's regions, say); a code
    that exists outside it is refused with `outside`."""

    def __init__(self, model, *, missing: str, outside: str = "", queryset=None, **kwargs):
        super().__init__(model, "code", **kwargs)
        self.missing = missing
        self.outside = outside or missing
        self.scope = queryset

    def code_for(self, value, row) -> str:
        """The code this cell names (a subclass may read it from the rest of the row)."""
        return "" if value is None else str(value).strip()

    def clean(self, value, row=None, **kwargs):
        code = self.code_for(value, row or {})
        if not code:
            return None
        found = self.model.objects.filter(code=code).first()
        if found is None:
            raise ValueError(self.missing.format(code=code))
        if self.scope is not None and not self.scope.filter(pk=found.pk).exists():
            raise ValueError(self.outside.format(code=code))
        return found


def reorder(resource: PortalResource, dataset, order: list[int]) -> None:
    """Put the dataset's rows in `order` (indexes), keeping each row's number in the file so
    that problems still name the row the accountant sees."""
    rows = [dataset[i] for i in order]
    numbers = [resource._file_rows[i] for i in order]
    dataset.wipe()
    dataset.headers = resource._headers
    for row in rows:
        dataset.append(row)
    resource._file_rows = numbers
