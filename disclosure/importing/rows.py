"""Reading one printed row of an amount table into its parsed row: by code (one column or
split 类|款|项), by economic code in side-by-side blocks, or by line label (行次 optional).
A mixin of `parser.LayoutParser`, which supplies the region, the amounts and the problems."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from disclosure.content import ParsedRow, ParsedTable
from disclosure.importing.sources import Row
from disclosure.layouts import label_key, squash
from disclosure.money import AmountError, looks_like_amount, parse_amount

if TYPE_CHECKING:
    from disclosure.importing.parser import Region

CODE_RE = re.compile(r"^\d{2,9}$")
TOTAL_LABELS = {"合计", "总计"}


class RowReaders:
    def _code_row(self, region: Region, table: ParsedTable, row: Row) -> bool:
        spec = region.spec
        parts = [row.cell(i) for i in spec.code_cols]
        if len(parts) == 3 and any(parts):
            # 类 | 款 | 项 in three columns; a blank 类 or 款 cell repeats the one above.
            context = self._code_context.setdefault(id(region), ["", ""])
            if not parts[1] and parts[2]:
                parts[1] = context[1]
            if not parts[0] and parts[1]:
                parts[0] = context[0]
            context[0], context[1] = parts[0], parts[1] or context[1]
        code = "".join(parts)
        name = row.cell(spec.name_col)
        at = self.columns_at(region, 0, spec.first_amount_col, len(spec.columns))
        first = min(at)
        label_cells = [squash(row.cell(i)) for i in range(first)]
        is_total = any(cell in TOTAL_LABELS for cell in label_cells)
        is_code = bool(CODE_RE.match(code)) and all(not p or p.isdigit() for p in parts)
        cells = [row.cell(i) for i in at]
        if is_total and not is_code and any(cells) and not any(map(_reads_as_amount, cells)):
            # "合计" under a header group (年初结转和结余/合计 …) is a header, not the total.
            return False
        if not (is_code or is_total):
            # A row printed without code or label still counts when every amount cell
            # reads as an amount and the row is not the 栏次 line (1, 2, 3, …).
            if any(label_cells) or not any(cells) or _is_lanci_line(cells):
                return False
            try:
                for text in cells:
                    parse_amount(text)
            except AmountError:
                return False
        amounts, sources = {}, {}
        for index, col in zip(at, spec.columns, strict=True):
            value, mark = self._amount(region, row, index, col.header)
            if value is not None or mark:
                amounts[col.key] = (value, mark)
                sources[col.key] = self._where(region, row, index)
        self._check_extra_cells(region, row, first, frozenset(at))
        position = len(table.rows)
        if is_total:
            key, label = (
                "total",
                next(
                    (row.cell(i) for i in range(first) if squash(row.cell(i)) in TOTAL_LABELS),
                    "合计",
                ),
            )
            name = name if name and squash(name) not in TOTAL_LABELS else label
            code = ""
        elif is_code:
            key = code
        else:
            key = f"#{position + 1}"
        table.rows.append(
            ParsedRow(
                key=key,
                position=position,
                code=code,
                name=name,
                is_total=is_total,
                amounts=amounts,
                sources=sources,
                location=region.location(row),
            )
        )
        return True

    def _economic_row(self, region: Region, table: ParsedTable, row: Row) -> bool:
        spec = region.spec
        summaries = {squash(s.label): s for s in spec.summary_lines}
        found = False
        for block in range(spec.blocks):
            base = block * spec.block_width
            # The code fills every cell before the name: one cell (30101) or 类 | 款 (301 | 01).
            code_cells = [row.cell(base + i) for i in range(spec.block_width - 2)]
            code = "".join(code_cells) if all(map(str.isdigit, filter(None, code_cells))) else ""
            code = code or code_cells[0]
            name = row.cell(base + spec.block_width - 2)
            amount_index = base + spec.block_width - 1
            summary = summaries.get(squash(code))
            if summary is None and not CODE_RE.match(code):
                continue
            found = True
            value, mark = self._amount(region, row, amount_index, spec.columns[0].header)
            amounts = {spec.columns[0].key: (value, mark)} if value is not None or mark else {}
            sources = {spec.columns[0].key: self._where(region, row, amount_index)}
            sources = sources if amounts else {}
            side_rows = [r for r in table.rows if r.side == block]
            table.rows.append(
                ParsedRow(
                    key=summary.key if summary else code,
                    position=len(side_rows),
                    code="" if summary else code,
                    name=code if summary else name,
                    is_total=summary is not None,
                    side=block,
                    amounts=amounts,
                    sources=sources,
                    location=region.location(row),
                )
            )
        if found:
            self._check_extra_cells(region, row, spec.blocks * spec.block_width)
        return found

    def _line_row(self, region: Region, table: ParsedTable, row: Row) -> bool:
        spec = region.spec
        found = False
        for side, panel in enumerate(spec.panels):
            label = row.cell(panel.label_col) if panel.label_col >= 0 else ""
            used = self._lines_used.setdefault((id(region), side), [])
            at = self.columns_at(region, side, panel.first_amount_col, len(panel.columns))
            if panel.label_col < 0:
                # A panel without a label column has one line: the first row whose every
                # filled cell is an amount.
                cells = [row.cell(i) for i in at]
                if used or not any(map(looks_like_amount, cells)):
                    continue
                if not all(_reads_as_amount(c) for c in cells if c):
                    continue
                line = panel.lines[0]
                label = line.label
            elif panel.lineno_col < 0:
                line = (
                    panel.line_by_label(label, used[-1] if used else -1, frozenset(used))
                    if label
                    else None
                )
                if line is None:
                    continue
            else:
                lineno_text = row.cell(panel.lineno_col)
                if "栏次" in squash(label) or "栏次" in squash(lineno_text):
                    continue
                line = self._line_by_label_or_number(region, panel, row, label, used)
                if line is None:
                    continue
            found = True
            used.append(line.no)
            amounts, sources = {}, {}
            for index, col in zip(at, panel.columns, strict=True):
                value, mark = self._amount(region, row, index, f"{panel.title}/{col.header}")
                if value is not None or mark:
                    amounts[col.key] = (value, mark)
                    sources[col.key] = self._where(region, row, index)
            table.rows.append(
                ParsedRow(
                    key=line.key,
                    position=len([r for r in table.rows if r.side == side]),
                    name=label,
                    line_no=line.no,
                    is_total=line.total,
                    side=side,
                    amounts=amounts,
                    sources=sources,
                    location=region.location(row),
                )
            )
        if found:
            last = spec.panels[-1]
            if region.positions:  # the panels placed by their header
                at = frozenset(i for cols in region.positions for i in cols)
                self._check_extra_cells(region, row, min(region.positions[-1]), at)
            else:
                self._check_extra_cells(region, row, last.first_amount_col + len(last.columns))
        return found

    def _line_by_label_or_number(self, region, panel, row: Row, label: str, used: list[int]):
        """The line a row prints: its label decides (numbering and spacing aside); the 行次
        is optional and a 行次 that disagrees with the declaration is a finding, never a
        reason to put the amounts on another line. A row without a known label (a blank
        line, a label the layout does not print) is placed by its 行次."""
        lineno_text = row.cell(panel.lineno_col)
        by_label = (
            panel.line_by_label(label, used[-1] if used else -1, frozenset(used)) if label else None
        )
        by_number = panel.line(int(lineno_text)) if lineno_text.isdigit() else None
        where = region.location(row, panel.lineno_col).describe()
        if by_label is not None:
            if lineno_text and (by_number is None or by_number.no != by_label.no):
                self.findings.append(
                    f"{region.spec.label} {where}：“{label}”印的行次是 {lineno_text}，"
                    f"表式中它是第 {by_label.no} 行；已按项目名称存放"
                )
            return by_label
        if by_number is not None:
            if label and by_number.label and label_key(label) != label_key(by_number.label):
                self.findings.append(
                    f"{region.spec.label} {where}：行次 {lineno_text} 在表式中是"
                    f"“{by_number.label}”，这里印的是“{label}”"
                )
            return by_number
        if lineno_text.isdigit():
            self.problem(
                region,
                f"行次 {lineno_text} 不在表式的“{panel.title or '本表'}”栏中",
                row,
                column=panel.lineno_col,
                value=lineno_text,
            )
        return None

    # ---------------------------------------------------------------- text tables


def _reads_as_amount(text: str) -> bool:
    try:
        value, mark = parse_amount(text)
    except AmountError:
        return False
    return value is not None or bool(mark)


def _is_lanci_line(cells: list[str]) -> bool:
    numbers = [c for c in cells if c]
    return bool(numbers) and all(c.isdigit() for c in numbers) and numbers[0] == "1"
