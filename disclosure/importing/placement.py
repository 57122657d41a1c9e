"""Where a table's header places its amount columns, for the parser (`LayoutParser`): the
header read by `headers.match_columns`, what it places, what it says about a heading it
read by position, and what it refuses."""

from __future__ import annotations

from dataclasses import replace

from disclosure.importing.errors import column_letter
from disclosure.importing.headers import HeaderMatch, header_rows, match_columns
from disclosure.layouts import Column, TableSpec
from disclosure.money import AmountError, parse_amount


class HeaderPlacement:
    """The parser's header placement (a mixin of `LayoutParser`, which holds the layout,
    the problems and the findings)."""

    def _place_by_header(self, region) -> None:
        """Where the printed header names the declared columns, its positions decide (a
        codes table's columns, or a lines table's panels, each panel's title printed as
        the group above its columns). A declared column it does not name is placed by
        position under a heading worded otherwise, and the import says so, when it fits
        there exactly; else the file is refused naming the heading (headers.py). A
        printed column the layout does not declare is refused when amounts stand under it
        (a remark column of text is left aside); a declared column printed twice is
        refused."""
        spec = region.spec
        sets = _column_sets(spec)
        band = header_rows(region.rows, self._is_meta_row)
        labels = {i for p in spec.panels for i in (p.label_col, p.lineno_col) if i >= 0}
        match = match_columns(band, sets, _positional(spec), frozenset(labels))
        if match is None:
            return
        if match.few:
            named, row, index = match.few
            where = region.location(row, index).describe()
            self.findings.append(
                f"{spec.label} {where}：表头只认出表式 {len(_flat(sets))} 个栏目中的 "
                f"{len(named)} 个（“{'”“'.join(col.header for col in named)}”），"
                "不足以按表头定位，已按表式的位置读取金额"
            )
            return
        if match.shifted:  # not this grid's header: what it prints twice does not matter
            self._refuse_or_note_header(region, match)
            return
        for col, row, index in match.twice:
            self.problem(
                region,
                f"栏目“{col.header}”在表头中出现了两次，无法判断金额属于哪一栏",
                row,
                column=index,
                value=row.cell(index),
            )
        if match.refused:
            self._refuse_or_note_header(region, match)
            return
        for col, row, index, text in match.by_position:
            where = region.location(row, index).describe()
            self.findings.append(
                f"{spec.label} {where}：表头“{text}”不是表式中的栏目名，"
                f"按它的位置当作栏目“{col.header}”读取"
            )
        skipped = {index for _, _, index in match.twice}
        below = region.rows[region.rows.index(band[-1]) + 1 :]
        for row, index, text in match.unknown:
            under = [r for r in below if _reads_as_number(r.cell(index))]
            if under and index not in labels:
                self.problem(
                    region,
                    f"表头“{text}”不是表式“{self.layout.name}”中{spec.label}的栏目，"
                    f"而它下面有金额（如第 {under[0].number} 行的“{under[0].cell(index)}”）："
                    "请按表式的栏目填写",
                    row,
                    column=index,
                    value=text,
                )
            skipped.add(index)
        region.positions, taken = [], 0
        for cols in sets:
            region.positions.append(match.positions[taken : taken + len(cols)])
            taken += len(cols)
        region.skipped = frozenset(skipped - labels)
        first = min(match.positions)
        if spec.kind == "codes" and spec.positions == "by_width" and first >= 2:
            # The name sits just before the amounts, the code fills what is left.
            region.spec = replace(
                spec, first_amount_col=first, name_col=first - 1, code_cols=tuple(range(first - 1))
            )

    def _refuse_or_note_header(self, region, match: HeaderMatch) -> None:
        """A header that cannot place the declared columns is refused naming what it could
        not place; one shifted against its own 栏次 line, whose 栏次 agree with the
        layout's positions, leaves those positions to read the table, and says so."""
        spec = region.spec
        if match.shifted:
            col, row, index, lanci_cell, agrees = match.shifted
            shifted = (
                f"表头“{row.cell(index)}”与栏次行错位（它是栏次 {col.lanci}，"
                f"栏次 {col.lanci} 却印在第 {column_letter(lanci_cell)} 列）"
            )
            if agrees:
                where = region.location(row, index).describe()
                self.findings.append(
                    f"{spec.label} {where}：{shifted}；栏次与表式的位置一致，已按表式的位置读取金额"
                )
            else:
                self.problem(
                    region,
                    f"{shifted}，栏次也与表式“{self.layout.name}”的位置不符："
                    "无法判断金额属于哪一栏",
                    row,
                    column=index,
                    value=row.cell(index),
                )
            return
        for row, index, text, missing in match.unplaced:
            names = "”“".join(col.header for col in missing)
            self.problem(
                region,
                f"表头“{text}”不是表式“{self.layout.name}”中{spec.label}的栏目，"
                f"也无法按位置当作表头中找不到的栏目“{names}”（位置或个数对不上）："
                "请按表式的栏目填写表头",
                row,
                column=index,
                value=text,
            )
        for col, row in match.missing:
            self.problem(
                region,
                f"表头中找不到栏目“{col.header}”，它的位置上也没有别的表头："
                "无法判断它的金额在哪一列，请按表式的栏目填写表头",
                row,
            )


def _positional(spec: TableSpec) -> list[list[int]]:
    """Where the positional rule reads each column of each column set (`_column_sets`)."""
    if spec.kind == "codes":
        return [list(range(spec.first_amount_col, spec.first_amount_col + len(spec.columns)))]
    if spec.kind != "lines":
        return []
    return [
        list(range(p.first_amount_col, p.first_amount_col + len(p.columns))) for p in spec.panels
    ]


def _flat(sets: list[tuple[Column, ...]]) -> list[Column]:
    return [col for cols in sets for col in cols]


def _column_sets(spec: TableSpec) -> list[tuple[Column, ...]]:
    """The amount columns a header can place, one tuple per column set, keyed apart (a
    panel's columns may share keys with another's) and under their panel's title."""
    if spec.kind == "codes":
        return [tuple(replace(col, key=f"0/{col.key}") for col in spec.columns)]
    if spec.kind != "lines":
        return []  # economic blocks are read by position
    return [
        tuple(
            replace(col, key=f"{n}/{col.key}", group=(panel.title, *col.group))
            if panel.title
            else replace(col, key=f"{n}/{col.key}")
            for col in panel.columns
        )
        for n, panel in enumerate(spec.panels)
    ]


def _reads_as_number(text: str) -> bool:
    """A cell that reads as an amount (a bare integer too: in a column it is one)."""
    try:
        return parse_amount(text)[0] is not None
    except AmountError:
        return False
