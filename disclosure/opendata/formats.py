"""File formats of the flat per-table form: the XLSX writer (numbers formatted `#,##0.00`,
text kept as text) and the django-import-export export formats built on it and on the
guarded CSV writer of `opendata.tabular`."""

from __future__ import annotations

import io
from decimal import Decimal

from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from disclosure.opendata.tabular import (
    write_csv,
)

AMOUNT_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
EXCEL_DIGITS = 15  # significant digits Excel keeps


class GuardedCSV(base_formats.CSV):
    """CSV as the portal's open data writes it (the one CSV writer): UTF-8 with a BOM, text
    cells made inert."""

    def export_data(self, dataset, **kwargs):
        return write_csv([list(dataset.headers or []), *dataset])

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
