"""Placing amount columns by their printed header text (group and leaf), not by position.

The header rows above a table's first data row are read as a grid: a group heading spans
the cells to its right up to the next heading of its row, never past a heading of the row
above (a merged cell reads as its text followed by blanks, in a workbook and in a PDF
alike). Each column's leaf is the lowest text printed in it; its groups are the headings
spanning it. Texts are compared normalised: full-width forms folded, spaces, line breaks
and quote styles dropped; 栏次 lines (1, 2, 3 …) are not headings.

A header is recognised when every declared column is found in it: the printed positions
then decide. When some declared column is not found (no header rows, as in a flat
workbook or a PDF page continuing a table, or a header worded otherwise) the layout's
positional rule stays: `match_columns` returns None and the parser reads by position.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from disclosure.layouts import Column, squash
from disclosure.money import looks_like_amount

MAX_HEADER_ROWS = 8
_CODE_RE = re.compile(r"^\d{3,9}$")
_LANCI_RE = re.compile(r"^(\d{1,2}|栏次|行次|[-—]+)$")
_SENTENCE_RE = re.compile(r"^(注|说明|备注)\s*[:：]")


@lru_cache(maxsize=4096)
def header_key(text: str) -> str:
    """A heading as a reader compares it: full-width folded, no spaces, line breaks or
    quote styles."""
    return squash(unicodedata.normalize("NFKC", squash(text)))


@dataclass
class HeaderMatch:
    """Where each declared column is printed, and what else the header shows."""

    positions: list[int]  # one cell index per declared column, in declared order
    # Columns whose heading the layout does not declare: (row, cell index, text).
    unknown: list[tuple[object, int, str]] = field(default_factory=list)
    # A declared column printed twice: (column, row, cell index of the second one).
    twice: list[tuple[Column, object, int]] = field(default_factory=list)


def header_rows(rows: list, is_meta) -> list:
    """The rows between a table's title and its first data row (an amount, or a code)."""
    band = []
    for row in rows:
        if row.is_blank or is_meta(row):
            continue
        texts = [text for _, text in row.filled]
        if any(looks_like_amount(t) or _CODE_RE.match(t) for t in texts):
            break
        if any(_SENTENCE_RE.match(t) for t in texts):
            break
        band.append(row)
        if len(band) >= MAX_HEADER_ROWS:
            break
    return band


def _column_texts(band: list) -> dict[int, list[str]]:
    """Each printed column's headings, outermost first: those spanning it, down to its own
    lowest heading (its leaf). A column with no heading of its own is the continuation of
    a merged cell, not a column."""
    width = max((len(row.cells) for row in band), default=0)
    chains: dict[int, list[tuple[str, bool]]] = {c: [] for c in range(width)}
    bounds: set[int] = {0, width}  # where a heading of a row above starts
    for row in band:
        filled = [(c, header_key(t)) for c, t in row.filled]
        filled = [(c, t) for c, t in filled if t and not _LANCI_RE.match(t)]
        starts = [c for c, _ in filled]
        for n, (c, text) in enumerate(filled):
            stop = starts[n + 1] if n + 1 < len(starts) else width
            stop = min([stop, *(b for b in bounds if b > c)])
            for col in range(c, stop):
                chains[col].append((text, col == c))
        bounds.update(starts)
    texts = {}
    for c, chain in chains.items():
        own = [i for i, (_, is_own) in enumerate(chain) if is_own]
        if own:
            texts[c] = [text for text, _ in chain[: own[-1] + 1]]
    return texts


def _candidates(columns: tuple[Column, ...], chain: list[str]) -> list[Column]:
    if not chain:
        return []
    leaf, groups = chain[-1], chain[:-1]
    found = [
        col
        for col in columns
        if header_key(col.label) == leaf and (not col.group or header_key(col.group[-1]) in groups)
    ]
    if len(found) > 1:  # the same leaf under several groups: all its groups must be printed
        found = [col for col in found if all(header_key(g) in groups for g in col.group)]
    return found


def match_columns(band: list, columns: tuple[Column, ...]) -> HeaderMatch | None:
    """The printed position of every declared column, or None when the header does not
    show them all (the positional rule then applies)."""
    if not band or not columns:
        return None
    texts = _column_texts(band)
    own_leaf = {}  # a column's own lowest heading as printed, and its row
    for row in band:
        for c, text in row.filled:
            if c in texts and header_key(text) and not _LANCI_RE.match(header_key(text)):
                own_leaf[c] = (row, text)
    positions: dict[str, int] = {}
    match = HeaderMatch(positions=[])
    unmatched: list[int] = []
    for c in sorted(texts):
        found = _candidates(columns, texts[c])
        if len(found) != 1:
            unmatched.append(c)
            continue
        col = found[0]
        if col.key in positions:
            match.twice.append((col, own_leaf[c][0], c))
            continue
        positions[col.key] = c
    if len(positions) < len(columns):
        return None
    match.positions = [positions[col.key] for col in columns]
    first = min(match.positions)
    for c in unmatched:
        if c > first:
            row, text = own_leaf[c]
            match.unknown.append((row, c, text))
    return match
