"""Placing amount columns by their printed header text (group and leaf), not by position.

The header rows above a table's first data row are read as a grid: a group heading spans
the cells to its right up to the next heading of its row, never past a heading of the row
above (a merged cell reads as its text followed by blanks, in a workbook and in a PDF
alike). Each column's leaf is the lowest text printed in it; its groups are the headings
spanning it. Texts are compared normalised: full-width forms folded, spaces, line breaks
and quote styles dropped; a heading the layout lists among a column's `aliases` counts as
its declared wording. 栏次 and 行次 words and dashes are never headings; a number (1, 2 …)
is a 栏次 marker only on a 栏次 line — a row whose cells are all such markers (code parts
类/款/项 beside them) with its numbers running 1, 2, 3 … — and a heading anywhere else.

What the header decides, from what it names (`match_columns`):
- nothing declared (no header rows, as in a flat workbook or a PDF page continuing a
  table): None, the layout's positional rule reads the table, as there is no printed
  heading to disagree with;
- every declared column: the printed positions decide;
- fewer than half the declared columns: too little to be the table's header (a row label
  such as 合计 may read like a heading in a table with no header rows): the positional
  rule reads the table, and the import says so (`few`);
- at least half: the header is the table's header. The declared columns it does not
  name are placed by position among the printed headings it does not know, when they fit
  exactly (as many, in declared order, between the named neighbours), and each
  such placement is reported (`by_position`); when they do not fit, the headings and
  columns that could not be placed are reported (`unplaced`, `missing`) and the file is
  refused. One exception: a header whose 栏次 line numbers a named column under another
  cell than its heading is shifted against its own grid (a copied text whose merged cells
  lost their spans); when the 栏次 line agrees with the layout's positions, those decide
  (`shifted`) and the import says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from disclosure.layouts import Column, heading_key
from disclosure.money import looks_like_amount

MAX_HEADER_ROWS = 8
_CODE_RE = re.compile(r"^\d{3,9}$")
_NUMBER_RE = re.compile(r"^\d{1,2}$")
_MARK_RE = re.compile(r"^(栏次|行次|[-—]+)$")  # never a heading, in any row
# What a 栏次 line prints beside its numbers: the words and the code column's parts.
_LANCI_LINE_RE = re.compile(r"^(栏次|行次|项次|次|类|款|项|类款项|[-—]+)$")
_SENTENCE_RE = re.compile(r"^(注|说明|备注)\s*[:：]")


@lru_cache(maxsize=4096)
def header_key(text: str) -> str:
    """A heading as a reader compares it (`layouts.heading_key`), cached."""
    return heading_key(text)


@dataclass
class HeaderMatch:
    """Where each declared column is printed, and what else the header shows."""

    # One cell index per declared column, in declared order; None: the positional rule
    # reads the table (a shifted header, or one that could not be placed).
    positions: list[int] | None
    # Columns whose heading the layout does not declare: (row, cell index, text).
    unknown: list[tuple[object, int, str]] = field(default_factory=list)
    # A declared column printed twice: (column, row, cell index of the second one).
    twice: list[tuple[Column, object, int]] = field(default_factory=list)
    # A declared column taken by position under a heading worded otherwise:
    # (column, row, cell index, printed heading).
    by_position: list[tuple[Column, object, int, str]] = field(default_factory=list)
    # Printed headings that are no declared column and cannot stand for a missing one:
    # (row, cell index, text, the declared columns not found around it).
    unplaced: list[tuple[object, int, str, tuple[Column, ...]]] = field(default_factory=list)
    # Declared columns with no printed heading where they could be: (column, last row).
    missing: list[tuple[Column, object]] = field(default_factory=list)
    # A header shifted against its 栏次 line: (column, row, cell index of its heading,
    # cell index of its 栏次 number, whether the 栏次 line agrees with the layout).
    shifted: tuple[Column, object, int, int, bool] | None = None
    # A header naming fewer than half the declared columns: (those it names, the row and
    # cell index of the first); the positional rule reads the table.
    few: tuple[list[Column], object, int] | None = None

    @property
    def refused(self) -> bool:
        """Some declared column could not be placed: the file is refused."""
        return bool(self.unplaced or self.missing)


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


def is_lanci_line(texts: list[str]) -> bool:
    """A 栏次 line: every cell a marker (a number, 栏次/行次, a dash, a code part beside
    them), its numbers running 1, 2, 3 … left to right, with a number or a 栏次 word."""
    keys = [header_key(t) for t in texts]
    keys = [k for k in keys if k]
    numbers = [int(k) for k in keys if _NUMBER_RE.match(k)]
    words = [k for k in keys if not _NUMBER_RE.match(k)]
    if not all(_LANCI_LINE_RE.match(k) for k in words):
        return False
    if not numbers:
        return any(k in {"栏次", "行次"} for k in words)
    return numbers == list(range(1, len(numbers) + 1))


def _headings(row) -> list[tuple[int, str]]:
    """The row's headings (cell index, compared text): 栏次 lines and markers left out."""
    if is_lanci_line([t for _, t in row.filled]):
        return []
    filled = [(c, header_key(t)) for c, t in row.filled]
    return [(c, t) for c, t in filled if t and not _MARK_RE.match(t)]


def _lanci_cells(band: list) -> dict[str, int]:
    """Where the band's 栏次 line prints each number: "3" → cell index."""
    at: dict[str, int] = {}
    for row in band:
        if is_lanci_line([t for _, t in row.filled]):
            for c, text in row.filled:
                key = header_key(text)
                if _NUMBER_RE.match(key):
                    at.setdefault(str(int(key)), c)
    return at


def _column_texts(band: list) -> dict[int, list[str]]:
    """Each printed column's headings, outermost first: those spanning it, down to its own
    lowest heading (its leaf). A column with no heading of its own is the continuation of
    a merged cell, not a column."""
    width = max((len(row.cells) for row in band), default=0)
    chains: dict[int, list[tuple[str, bool]]] = {c: [] for c in range(width)}
    bounds: set[int] = {0, width}  # where a heading of a row above starts
    for row in band:
        filled = _headings(row)
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


@cache
def _wordings(col: Column) -> tuple[frozenset[str], frozenset[str]]:
    """The leaf and nearest-group texts that name the column, its aliases included
    (worked out once per declared column)."""
    leaf = {header_key(col.label)}
    group = {header_key(col.group[-1])} if col.group else set()
    aliases = {header_key(a) for a in col.aliases}
    (group if col.named_by_group else leaf).update(aliases)
    return frozenset(leaf), frozenset(group)


def _candidates(columns: tuple[Column, ...], chain: list[str]) -> list[Column]:
    if not chain:
        return []
    leaf, groups = chain[-1], chain[:-1]
    found = []
    for col in columns:
        leaves, nearest = _wordings(col)
        if leaf in leaves and (not nearest or nearest & set(groups)):
            found.append(col)
    if len(found) > 1:  # the same leaf under several groups: all its groups must be printed
        found = [col for col in found if all(header_key(g) in groups for g in col.group)]
    return found


def match_columns(
    band: list,
    column_sets: list[tuple[Column, ...]],
    fallback: list[list[int]],
    labels: frozenset[int] = frozenset(),
) -> HeaderMatch | None:
    """Where the header prints the declared columns (`column_sets`: a codes table's
    columns, or each panel's), or None when it names none of them; what it decides is in
    the module docstring. `fallback` is where the positional rule reads each column;
    `labels` are printed columns of row labels and 行次, which are never amount columns."""
    columns = tuple(col for cols in column_sets for col in cols)
    if not band or not columns:
        return None
    texts = _column_texts(band)
    own_leaf = {}  # a column's own lowest heading as printed, and its row
    for row in band:
        for c, _text in _headings(row):
            if c in texts:
                own_leaf[c] = (row, row.cells[c])
    positions: dict[str, int] = {}
    match = HeaderMatch(positions=None)
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
    if not positions:
        return None  # no header of this table: the positional rule, nothing to say
    if len(positions) * 2 < len(columns):
        # Too few to be this table's header (a row label such as 合计 above the first
        # amount, in a table with no header rows): the positional rule, and a note.
        c = min(positions.values())
        row, _ = own_leaf[c]
        named = [col for col in columns if col.key in positions]
        match.few = (named, row, c)
        return match
    if len(positions) < len(columns):
        shifted = _shifted(band, columns, positions, [p for ps in fallback for p in ps])
        if shifted:
            col, lanci_cell, agrees = shifted
            row, _ = own_leaf[positions[col.key]]
            match.shifted = (col, row, positions[col.key], lanci_cell, agrees)
            return match
        free = [c for c in unmatched if c not in labels]
        if not _fit(match, band, column_sets, fallback, positions, free, own_leaf, labels):
            return match
        unmatched = [c for c in unmatched if c not in positions.values()]
    match.positions = [positions[col.key] for col in columns]
    first = min(match.positions)
    for c in unmatched:
        if c > first:
            row, text = own_leaf[c]
            match.unknown.append((row, c, text))
    return match


def _shifted(band, columns, positions, fallback) -> tuple[Column, int, bool] | None:
    """The first named column whose 栏次 number the 栏次 line prints under another cell
    than its heading, where that number is, and whether the 栏次 line puts every column
    where the positional rule reads it."""
    lanci = _lanci_cells(band)
    if not lanci:
        return None
    for col in columns:
        if col.key in positions and col.lanci in lanci and lanci[col.lanci] != positions[col.key]:
            agrees = all(
                lanci[c.lanci] == at
                for c, at in zip(columns, fallback, strict=True)
                if c.lanci in lanci
            )
            return col, lanci[col.lanci], agrees
    return None


def _fit(match, band, column_sets, fallback, positions, free, own_leaf, labels) -> bool:
    """Place each run of declared columns the header does not name on the printed
    headings it does not know between the run's named neighbours (left of a set's first
    named column: from where the positional rule starts the set). True when every run
    fits exactly (as many unknown headings as unnamed columns, nothing else between);
    else what could not be placed is in `match` and nothing is placed."""
    placed: dict[str, int] = {}
    failed: list[tuple[tuple[Column, ...], list[int], int]] = []
    named = sorted(positions.values())
    for cols, where in zip(column_sets, fallback, strict=True):
        n = 0
        while n < len(cols):
            if cols[n].key in positions:
                n += 1
                continue
            end = n
            while end < len(cols) and cols[end].key not in positions:
                end += 1
            run = tuple(cols[n:end])
            before = positions[cols[n - 1].key] if n > 0 else min(where) - 1
            after = positions[cols[end].key] if end < len(cols) else None
            if after is None:  # up to the next column the header names, or the edge
                after = next((c for c in named if c > before), None)
            between = [
                c
                for c in sorted(own_leaf)
                if c > before and (after is None or c < after) and c not in labels
            ]
            if after is not None and after <= before:
                between = []  # named neighbours out of order: no room in between
            if between and len(between) == len(run) and all(c in free for c in between):
                for col, c in zip(run, between, strict=True):
                    placed[col.key] = c
                    row, text = own_leaf[c]
                    match.by_position.append((col, row, c, text))
            else:
                failed.append((run, [c for c in between if c in free], min(where)))
            n = end
    # What could not be placed: the unknown headings where a run should be, else every
    # unknown heading from where its set starts; a run with none is missing.
    for run, unknown, start in failed:
        unknown = unknown or [c for c in free if c >= start and c not in placed.values()]
        for c in unknown:
            row, text = own_leaf[c]
            if all(c != u[1] for u in match.unplaced):
                match.unplaced.append((row, c, text, tuple(run)))
        if not unknown:
            match.missing.extend((col, band[-1]) for col in run)
    if match.unplaced or match.missing:
        match.by_position.clear()
        return False
    positions.update(placed)
    return True
