"""django-tables2 tables: the printed 公开 tables, the search results and the boards.

A printed table's columns are not written here: `statement_table` generates them from the
row builder's grid (itself built from the layout declaration), and the template renders the
declaration's grouped header rows above them.
"""

from __future__ import annotations

from dataclasses import dataclass

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from disclosure.money import format_amount
from disclosure.presentation import TableView


class StatementTable(tables.Table):
    """The base of every printed 公开 table.

    The grid comes from the row builder, so the table renders it directly: the header rows
    from the declaration and the body from `body_rows`, one loop over precomputed cells
    (django-tables2's per-cell column machinery cost about 30× this on a full disclosure).
    """

    class Meta:
        template_name = "disclosure/tables2/statement.html"
        orderable = False
        show_header = True
        attrs = {"class": "statement"}

    def __init__(self, view: TableView, highlights=frozenset()):
        super().__init__([])
        self.view = view
        # {(row key, column key): CellFinding} marks and links cells; a plain set of
        # (row key, column key) only marks them.
        self.highlights = highlights

    def body_rows(self) -> list[BodyRow]:
        """Each printed row with its classes: `total` for a total row, then `even`/`odd`
        (as django-tables2 marks rows), `finding` on the cells the checks flagged (with the
        finding they link to), and `pin pin-N` on the leading code and name cells of the
        first block, which stay in view while the table scrolls sideways."""
        rows = []
        number = self.view.spec.number
        seen: set[str] = set()
        for i, row in enumerate(self.view.rows):
            parity = "odd" if i % 2 else "even"
            cells = []
            leading = True
            for position, cell in enumerate(row.cells):
                leading = leading and cell.side == 0 and cell.kind in PINNED_KINDS
                css = _cell_css(cell, self.highlights)
                if leading:
                    css += f" pin pin-{position}"
                found = None
                ident = ""
                if "finding" in css.split(" ") and hasattr(self.highlights, "get"):
                    found = self.highlights.get((cell.row_key, cell.column))
                    ident = cell_anchor(number, cell.row_key, cell.column)
                    if ident in seen:
                        ident = ""
                    seen.add(ident)
                cells.append(BodyCell(css, cell.column, cell.text, ident, found))
            rows.append(BodyRow(f"total {parity}" if row.is_total else parity, row.key, cells))
        return rows


PINNED_KINDS = frozenset({"code", "label", "blank"})


def cell_anchor(number: str, row_key: str, column: str) -> str:
    """The id of a flagged cell in the page (findings link to it)."""
    return "cell-" + "-".join(slugify(part) or "x" for part in (number, row_key, column))


@dataclass(frozen=True, slots=True)
class CellFinding:
    """The finding a flagged cell links back to."""

    pk: int
    severity: str
    label: str  # 错误 / 警告, the cell's mark in words


@dataclass(frozen=True, slots=True)
class BodyCell:
    css: str
    column: str
    text: str
    ident: str = ""
    finding: CellFinding | None = None


@dataclass(frozen=True, slots=True)
class BodyRow:
    css: str
    key: str
    cells: list[BodyCell]


def _cell_css(cell, highlights) -> str:
    classes = cell.css.split(" ")
    if cell.column and (cell.row_key, cell.column) in highlights:
        classes.append("finding")
    return " ".join(sorted(set(classes)))


def statement_table(view: TableView, highlights=frozenset()) -> StatementTable:
    return StatementTable(view, highlights)


# ------------------------------------------------------------------ lists and boards
class DisclosureListTable(tables.Table):
    department = tables.Column(
        verbose_name=_("部门"), accessor="department__name", order_by=("department__code",)
    )
    parent = tables.Column(
        verbose_name=_("主管部门"),
        accessor="department__parent__name",
        empty_values=(),
        order_by=("department__parent__code", "department__code"),
    )
    year = tables.Column(verbose_name=_("年度"), accessor="year_id")
    version = tables.Column(verbose_name=_("版本"), orderable=False)
    published_at = tables.DateColumn(verbose_name=_("公开日期"), format="Y-m-d")

    class Meta:
        attrs = {"class": "listing"}
        template_name = "django_tables2/table.html"
        # No default ordering here: the search sorts by year and pinyin (or code).

    def render_department(self, record, value):
        url = reverse("disclosure:detail", args=[record.year_id, record.department.code])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_version(self, value):
        return f"v{value}"

    def value_parent(self, record, value):
        return value or record.department.name

    def render_parent(self, record, value):
        # A first-level budget unit (no parent recorded) is its own 主管部门.
        return (record.department.parent or record.department).name


class AmountColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "amount"}, "th": {"class": "amount"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_amount(value)


def board_table(rows: list[dict], figures: list, *, order_by: str | None = None):
    """三公 items and 机关运行经费 by department for a year; every column sortable."""
    columns = [(f.key, AmountColumn(verbose_name=f.display_label())) for f in figures]

    class BoardTable(tables.Table):
        department = tables.Column(verbose_name=_("部门"))

        class Meta:
            attrs = {"class": "listing board"}
            template_name = "disclosure/tables2/board.html"

        def render_department(self, record, value):
            return format_html('<a href="{}">{}</a>', record["url"], value)

    table = BoardTable(rows, extra_columns=columns, order_by=order_by)
    table.figures = figures  # the body's columns, in order (the template loops over them)
    return table
