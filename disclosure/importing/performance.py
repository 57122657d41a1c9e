"""Reading the text tables: 公开10's narrative grid and the performance tables 11 and 12.

These grids come out of published documents with merged cells flattened and columns often
shifted. Every row is kept as printed (`grid`, and `cells` on each indicator); the named
fields are read with the rules below, which are written down so a reviewer can follow them:

* 一级/二级指标 are the first two cells, carried down from the row above when blank
  (merged cells), and only while the 一级指标 stays the same.
* 三级指标 is the first filled cell from the third on that is neither a number, nor a
  nature sign (≥ ≤ = …), nor a standard 二级指标 name; when there is none before the first
  number, the second cell was the 三级指标 (the row lost a cell).
* After it: the nature sign if one is there (or the empty cell standing for it), then
  指标值, 度量单位 (a repeated unit, printed under 年度指标值 and 度量单位, is read once),
  实际完成值, and for projects 分值 and 得分. The last filled non-numeric cell after those is
  the 偏差原因分析及改进措施.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from disclosure.content import (
    ParsedFund,
    ParsedGoal,
    ParsedIndicator,
    ParsedNarrative,
    ParsedOverall,
    ParsedProject,
    ParsedTask,
)
from disclosure.importing.sources import Row
from disclosure.money import DASHES, AmountError, is_number, parse_amount, parse_decimal

if TYPE_CHECKING:
    from disclosure.importing.parser import LayoutParser, Region

NATURE_SIGNS = {"≥", "≤", "=", "＝", ">", "<", "＞", "＜", "≧", "≦", "定性", "定量"}
LEVEL2_NAMES = {
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "满意度指标",
    "产出指标",
    "效益指标",
}
# Header words: a row whose only texts are these is a header fragment, not an indicator.
HEADER_WORDS = {
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "年度指标值",
    "度量单位",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
    "绩效指标",
}
HTML_P_RE = re.compile(r"</?p\s*>", re.IGNORECASE)
SECTION_RE = re.compile(r"^[一二三四五六七八九十]+、")
REMARK_RE = re.compile(r"^备注\s*[:：]")
NUMBERED_RE = re.compile(r"^\d{1,2}\s*[.、．]")


def strip_paragraphs(text: str) -> str:
    """'<p>a</p> <p>b</p>' → 'a\\nb': the copy keeps the document's paragraph tags."""
    if "<p" not in text.lower():
        return text.strip()
    parts = [part.strip() for part in HTML_P_RE.split(text)]
    return "\n".join(part for part in parts if part)


def _content_rows(parser: LayoutParser, region: Region) -> list[Row]:
    """The region's rows without the title, mark, department and unit lines; a workbook's
    numbers and dates read as their number formats display them (200,000.00, 95.00%)."""
    from disclosure.importing.parser import DEPARTMENT_RE, UNIT_RE, title_key

    rows = []
    for row in region.rows:
        if row.is_blank:
            continue
        texts = [t for _, t in row.filled]
        if len(texts) == 1 and (
            title_key(texts[0]) == title_key(region.spec.title)
            or parser.mark_re.fullmatch(texts[0].replace(" ", ""))
            or UNIT_RE.search(texts[0])
            or DEPARTMENT_RE.match(texts[0])
        ):
            continue
        rows.append(row.displayed())  # a workbook's numbers as Excel shows them
    return rows


def _grid(rows: list[Row]) -> list[list[str]]:
    grid = []
    for row in rows:
        cells = list(row.cells)
        while cells and not cells[-1]:
            cells.pop()
        grid.append(cells)
    return grid


# ---------------------------------------------------------------------- 公开10
def read_narrative(parser: LayoutParser, region: Region) -> list[ParsedNarrative]:
    sections: list[ParsedNarrative] = []
    heading = ""
    for row in _content_rows(parser, region):
        first = row.cell(0)
        texts = [t for _, t in row.filled]
        if len(texts) == 1 and REMARK_RE.match(texts[0]):
            sections.append(ParsedNarrative(region.spec.number, "备注", "", texts[0]))
            continue
        if first:
            heading = first
        sub = row.cell(1)
        body_cells = [t for i, t in row.filled if i >= 2]
        sections.append(
            ParsedNarrative(
                region.spec.number,
                heading,
                sub,
                "\n".join(strip_paragraphs(t) for t in body_cells),
            )
        )
    return sections


# ---------------------------------------------------------------------- indicators
def _is_value(text: str) -> bool:
    return is_number(text) or text in DASHES


def read_indicator(
    cells: list[str], previous: ParsedIndicator | None, *, scored: bool
) -> ParsedIndicator | None:
    """One indicator row read by the rules in this module's docstring; None for a row
    with no indicator name (a header fragment)."""
    cells = list(cells)
    while cells and not cells[-1]:
        cells.pop()
    get = lambda i: cells[i] if 0 <= i < len(cells) else ""  # noqa: E731

    level1 = get(0) or (previous.level1 if previous else "")
    same_group = not get(0)
    level2 = get(1)

    name_at = None
    for i in range(2, len(cells)):
        text = cells[i]
        if not text:
            continue
        if _is_value(text):
            break
        if text in NATURE_SIGNS or text in LEVEL2_NAMES or text in HEADER_WORDS:
            continue
        name_at = i
        break
    if name_at is None and get(1) and get(1) not in LEVEL2_NAMES | HEADER_WORDS:
        name_at, level2 = 1, ""
    if not level2 and same_group and previous:
        level2 = previous.level2
    if name_at is None:
        return None

    j = name_at + 1
    nature = ""
    if get(j) in NATURE_SIGNS:
        nature, j = get(j), j + 1
    elif get(j) == "" and get(j + 1):
        j += 1
    target, unit = get(j), get(j + 1)
    j += 2
    if get(j) == unit and unit:
        j += 1
    actual = get(j)
    j += 1
    weight = score = None
    if scored:
        weight, score = parse_decimal(get(j)), parse_decimal(get(j + 1))
        j += 2
    deviation = ""
    for text in reversed(cells[j:]):
        if text and not _is_value(text):
            deviation = text
            break
    return ParsedIndicator(
        level1=level1,
        level2=level2,
        level3=get(name_at),
        nature=nature,
        target=target,
        unit=unit,
        actual=actual,
        weight=weight,
        score=score,
        deviation=deviation,
        cells=cells,
    )


def _money(parser: LayoutParser, region: Region, row: Row, index: int, label: str):
    text = row.cell(index)
    try:
        value, _ = parse_amount(text)
    except AmountError as exc:
        parser.problem(region, str(exc), row, column=index, column_label=label, value=text)
        return None
    return value


# ---------------------------------------------------------------------- 公开11
def read_overall(parser: LayoutParser, region: Region) -> ParsedOverall:
    rows = _content_rows(parser, region)
    result = ParsedOverall(grid=_grid(rows))
    mode = ""
    previous: ParsedIndicator | None = None
    remarks: list[str] = []
    for row in rows:
        first, second = row.cell(0), row.cell(1)
        texts = [t for _, t in row.filled]
        joined = " ".join(texts)
        if any(t.startswith(("编制单位", "部门名称")) for t in texts):
            for t in texts:
                if t.startswith("编制单位"):
                    result.preparer = re.split(r"[:：]", t, maxsplit=1)[-1].strip()
            continue
        if REMARK_RE.match(joined) or (remarks and len(texts) == 1 and NUMBERED_RE.match(joined)):
            remarks.append(joined)
            continue
        if second == "部门职责" or first == "部门职责":
            result.duties = strip_paragraphs(" ".join(t for i, t in row.filled if i >= 2))
            continue
        if second == "总体绩效目标" or first == "总体绩效目标":
            result.overall_goal = strip_paragraphs(" ".join(t for i, t in row.filled if i >= 2))
            continue
        if first.startswith(("其他需说明事项", "其他需要说明事项")):
            result.other_matters = " ".join(texts[1:])
            continue
        if SECTION_RE.match(first) and len(texts) == 1:
            mode = {"一": "goals", "二": "tasks", "三": "indicators"}.get(first[0], "")
            continue
        if mode == "goals":
            if re.fullmatch(r"\d{4}", first):
                rest = [t for i, t in row.filled if i >= 2]
                result.goals.append(
                    ParsedGoal(first, strip_paragraphs(second), strip_paragraphs(" ".join(rest)))
                )
        elif mode == "tasks":
            if "任务名称" in texts or "总额" in texts:
                if any("万元" in t for t in texts):
                    result.amount_unit = "万元"
                continue
            result.tasks.append(
                ParsedTask(
                    name=first,
                    level=second,
                    content=row.cell(2),
                    approved_total=_money(parser, region, row, 3, "批复金额/总额"),
                    approved_fiscal=_money(parser, region, row, 4, "批复金额/财政拨款"),
                    approved_other=_money(parser, region, row, 5, "批复金额/其他资金"),
                    actual=_money(parser, region, row, 6, "实际支出金额"),
                    execution_rate=parse_decimal(row.cell(7)),
                    reason=row.cell(8),
                )
            )
        elif mode == "indicators":
            if first == "一级指标":
                continue
            indicator = read_indicator(row.cells, previous, scored=False)
            if indicator is not None:
                result.indicators.append(indicator)
                previous = indicator
    result.remarks = "\n".join(remarks)
    return result


# ---------------------------------------------------------------------- 公开12
FUND_LABELS = [
    ("current", ("其中：当年财政拨款", "其中:当年财政拨款", "当年财政拨款")),
    ("carryover", ("上年结转资金", "上年结转")),
    ("other", ("其他资金",)),
    ("total", ("项目资金",)),
]
FUND_FIELDS = (
    "budget_initial",
    "budget_full_year",
    "executed",
    "weight",
    "execution_rate",
    "score",
)
FUND_HEADER_WORDS = {"年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"}


def _fund_source(text: str) -> str:
    for source, labels in FUND_LABELS:
        if any(text.startswith(label) for label in labels):
            return source
    return ""


def _read_fund(
    parser: LayoutParser, region: Region, row, fund_at: int, funds: dict, fund_slots: list[int]
) -> list[int]:
    """One funding line of a project (项目资金, 当年财政拨款, 上年结转, 其他) into `funds`;
    returns the value columns that later lines printed without their own columns use."""
    source = _fund_source(row.cell(fund_at))
    if source in funds:
        return fund_slots
    texts = [t for _, t in row.filled]
    slots = [i for i in range(fund_at + 1, len(row.cells)) if _is_value(row.cells[i])]
    if source == "total" and fund_at == 0:
        fund_slots = slots
    elif fund_slots and fund_at == 0:
        slots = fund_slots
    fields = FUND_FIELDS
    if any(t in FUND_HEADER_WORDS for t in texts):
        # The values follow header words on the same row: they are the last ones.
        fields = FUND_FIELDS[max(0, len(FUND_FIELDS) - len(slots)) :]
    fund = ParsedFund(source=source, label=row.cell(fund_at))
    for name, index in zip(fields, slots, strict=False):
        text = row.cell(index)
        if name in {"weight", "execution_rate", "score"}:
            setattr(fund, name, parse_decimal(text))
        else:
            setattr(fund, name, _money(parser, region, row, index, name))
    funds[source] = fund
    return fund_slots


def read_project(parser: LayoutParser, region: Region) -> ParsedProject:
    rows = _content_rows(parser, region)
    result = ParsedProject(grid=_grid(rows))
    in_indicators = False
    previous: ParsedIndicator | None = None
    remarks: list[str] = []
    funds: dict[str, ParsedFund] = {}
    fund_slots: list[int] = []
    for row in rows:
        texts = [t for _, t in row.filled]
        first = row.cell(0)
        joined = " ".join(texts)
        if not result.name and (first.startswith(("项目名称", "编制单位")) and len(texts) > 1):
            labels = {"项目名称", "主管部门", "实施单位"}
            values = [t for t in texts[1:] if t not in labels]
            result.name, result.competent_department, result.implementing_unit = [
                *values,
                "",
                "",
                "",
            ][:3]
            continue
        if REMARK_RE.match(joined) or (remarks and len(texts) == 1 and NUMBERED_RE.match(joined)):
            remarks.append(joined)
            continue
        if "总分" in texts[:3]:
            numbers = [t for t in texts if is_number(t)]
            grades = [t for t in texts if t in {"优", "良", "中", "差"}]
            result.total_weight = parse_decimal(numbers[0]) if numbers else None
            result.total_score = parse_decimal(numbers[1]) if len(numbers) > 1 else None
            result.grade = grades[0] if grades else ""
            in_indicators = False
            continue
        other_at = next(
            (
                n
                for n, t in enumerate(texts)
                if t.startswith(("其他需要说明事项", "其他需说明事项"))
            ),
            None,
        )
        if other_at is not None:
            rest = [t for t in texts[other_at + 1 :] if t != "总分"]
            result.other_matters = " ".join(rest)
            in_indicators = False
            if "总分" not in texts:
                continue
        if first == "一级指标":
            in_indicators = True
            continue
        if in_indicators:
            indicator = read_indicator(row.cells, previous, scored=True)
            if indicator is not None:
                result.indicators.append(indicator)
                previous = indicator
            continue
        long_texts = [t for t in texts if len(t) > 40]
        if long_texts:
            body = "\n".join(strip_paragraphs(t) for t in long_texts)
            labels = [t for t in texts if t not in long_texts]
            if "实际完成情况" in labels:
                result.goal_actual = body
            elif "预期目标" in labels:
                result.goal_expected = body
            else:
                result.goal = body.removeprefix("年度总体目标").strip()
            continue
        fund_at = next((i for i, t in row.filled if _fund_source(t)), None)
        if fund_at is not None:
            fund_slots = _read_fund(parser, region, row, fund_at, funds, fund_slots)
    result.funds = [funds[s] for s, _ in FUND_LABELS if s in funds]
    result.remarks = "\n".join(remarks)
    return result
