"""Template helpers for the reconciliation checks' highlights."""

from django import template

register = template.Library()


@register.filter
def cells_of(cells, number: str) -> set[tuple[str, str]]:
    """From highlight_cells' (table number, row key, column key) triples, one table's
    (row key, column key) pairs — what the printed table's `highlights` takes:
    {% statement table highlights|cells_of:table.number as st %}."""
    return {(row, column) for n, row, column in cells or () if n == number}
