"""django-tables2 tables: the printed 公开 tables, the search results and the boards.

A printed table's columns are not written here: `statement_table` generates them from the
row builder's grid (itself built from the layout declaration), and the template renders the
declaration's grouped header rows above them.
"""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from disclosure.money import format_amount
from disclosure.presentation import TableView


class CellColumn(tables.Column):
    """One printed column: shows the cell's text, classes say what kind of cell it is."""

    def __init__(self, index: int, highlights: set[tuple[str, str]]):
        self.index = index
        self.highlights = highlights
        super().__init__(
            empty_values=(),
            orderable=False,
            attrs={"td": {"class": self.css, "data-col": self.column_key}},
        )

    def css(self, record, **kwargs) -> str:
        cell = record["cells"][self.index]
        if cell.column and (cell.row_key, cell.column) in self.highlights:
            return f"{cell.css} finding"
        return cell.css

    def column_key(self, record, **kwargs) -> str:
        return record["cells"][self.index].column

    def render(self, record) -> str:
        return record["cells"][self.index].text


class StatementTable(tables.Table):
    """The base of every printed 公开 table."""

    class Meta:
        template_name = "disclosure/tables2/statement.html"
        orderable = False
        show_header = True
        attrs = {"class": "statement"}
        row_attrs = {
            "class": lambda record: "total" if record["row"].is_total else "",
            "data-row": lambda record: record["row"].key,
        }


def statement_table(
    view: TableView, highlights: set[tuple[str, str]] = frozenset()
) -> StatementTable:
    width = len(view.rows[0].cells) if view.rows else 0
    data = [{"row": row, "cells": row.cells} for row in view.rows]
    table = StatementTable(
        data,
        extra_columns=[(f"c{i}", CellColumn(i, highlights)) for i in range(width)],
    )
    table.view = view
    return table


# ------------------------------------------------------------------ lists and boards
class DisclosureListTable(tables.Table):
    department = tables.Column(
        verbose_name=_("部门"), accessor="department__name", order_by=("department__code",)
    )
    parent = tables.Column(
        verbose_name=_("主管部门"),
        accessor="department__parent__name",
        default="",
        order_by=("department__parent__code", "department__code"),
    )
    year = tables.Column(verbose_name=_("年度"), accessor="year_id")
    version = tables.Column(verbose_name=_("版本"), orderable=False)
    published_at = tables.DateColumn(verbose_name=_("公开日期"), format="Y-m-d")

    class Meta:
        attrs = {"class": "listing"}
        template_name = "django_tables2/table.html"
        order_by = ("-year",)

    def render_department(self, record, value):
        url = reverse("disclosure:detail", args=[record.year_id, record.department.code])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_version(self, value):
        return f"v{value}"


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
            template_name = "django_tables2/table.html"

        def render_department(self, record, value):
            return format_html('<a href="{}">{}</a>', record["url"], value)

    return BoardTable(rows, extra_columns=columns, order_by=order_by)
