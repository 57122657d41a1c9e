"""The wording of the 说明 as a reviewer reads it: the year, the department's name, template
placeholders left in, and the direction words (大于 / 小于 / 持平) against the figures they
describe. Headings are read too: a part's heading prints the department and the year."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disclosure.checks.engine import ERROR, WARNING, NotChecked, rule
from disclosure.checks.loader import Context, TableData
from disclosure.checks.meanings import PLACEHOLDER_PATTERN
from disclosure.checks.narrative import text_table
from disclosure.checks.sentences import Statement, paragraphs, sentence_place, sentences
from disclosure.checks.text import Text, bound_texts, texts
from disclosure.layouts import squash

YEAR_OF_ACCOUNTS = re.compile(r"((?:19|20)\d{2})\s*年度")
AS_OF = re.compile(r"截[至止]\s*((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日")
COMPARING = ("相比", "比", "较", "同比", "上年", "持平")
PLACEHOLDER = re.compile(PLACEHOLDER_PATTERN)
PART_NAME = re.compile(r"^第[一二三四五六七八九十]+部分(.+?)(?:(?:19|20)\d{2}\s*年度|概况)")
TITLE_NAME = re.compile(r"^(.+?)(?:19|20)\d{2}\s*年度")
DIRECTION = re.compile(
    r"决算数?\s*(大于|高于|超过|小于|低于|等于)\s*(?:年初)?预算数?"
    r"|决算数?\s*与\s*(?:年初)?预算数?\s*(基本持平|持平|相等|一致)"
)
# 基本持平: within this share of the budget.
ROUGHLY = Decimal("0.01")


def home(ctx: Context, text: Text) -> TableData | None:
    """Where a finding about a text is shown: the table it explains, else the table it is
    stored in (公开10), else the first table the disclosure publishes (a heading of 概况
    or 名词解释 explains none)."""
    stored = ctx.tables.get(text.narrative.table_number)
    if text.table is not None or (stored is not None and stored.present):
        return text.table or stored
    return next((t for t in ctx.tables.values() if t.present), None)


def parts(text: Text) -> Iterator[tuple[str, str]]:
    """(what, words) of a text a reader sees: its heading, subheading and body."""
    n = text.narrative
    yield _("标题"), n.heading
    if n.subheading:
        yield _("小标题"), n.subheading
    yield _("正文"), n.body


CLAUSE_OR_SENTENCE = re.compile(r"[，,；;：:。！？!?\n]")


def _clause(words: str, start: int, end: int) -> str:
    """The clause around a match, no further than its sentence."""
    before = [m.end() for m in CLAUSE_OR_SENTENCE.finditer(words, 0, start)]
    after = CLAUSE_OR_SENTENCE.search(words, end)
    return words[before[-1] if before else 0 : after.start() if after else len(words)]


@rule(
    "wording.years",
    gettext_lazy("说明中的“YYYY年度”“截至YYYY年12月31日”与公开年度一致"),
    severity=ERROR,
    reads=("text",),
)
def years(ctx, out):
    """Every "YYYY年度" a text prints (headings included) is the disclosure's year, or the
    year before in a comparison ("与2023年度相比", "比2023年度增加"); every "截至YYYY年12月
    31日" is the disclosure's year. A heading repeated over sections is reported once."""
    out.cannot(_("说明中没有“YYYY年度”或“截至YYYY年12月31日”字样。"))
    seen = set()
    for text in texts(ctx):
        table = home(ctx, text)
        for what, words in parts(text):
            if table is None or not words or (words, what) in seen:
                continue
            seen.add((words, what))
            for m in YEAR_OF_ACCOUNTS.finditer(words):
                out.checked()
                year = int(m.group(1))
                clause = _clause(words, m.start(), m.end())
                if year == ctx.year or (
                    year == ctx.year - 1 and any(w in clause for w in COMPARING)
                ):
                    continue
                _flag_year(out, table, text, what, clause, m.group(0), ctx.year)
            for m in AS_OF.finditer(words):
                out.checked()
                if int(m.group(1)) != ctx.year:
                    clause = _clause(words, m.start(), m.end())
                    _flag_year(out, table, text, what, clause, m.group(0), ctx.year)


def _flag_year(out, table, text: Text, what: str, clause: str, printed: str, year: int):
    out.flag(
        table,
        row_key=text.key,
        row_text=text.where,
        column=f"year-{printed}",
        column_text=what,
        template=_("{where}的{what}“{clause}”写的是“{printed}”，本公开是 {year} 年度。"),
        where=text.where,
        what=what,
        clause=clause.strip(),
        printed=printed,
        year=year,
    )


@rule(
    "wording.placeholders",
    gettext_lazy("说明的标题和正文没有遗留模板占位符（XX、××、某某）"),
    severity=WARNING,
    reads=("text",),
)
def placeholders(ctx, out):
    """No heading, and no text outside the narrative tables (narrative.placeholders reads
    those), keeps a template's placeholder: "上海市XX局", "××", "某某"."""
    seen = set()
    for text in texts(ctx):
        table = home(ctx, text)
        covered = text_table(ctx, text.narrative.table_number) is not None
        for what, words in parts(text):
            if table is None or not words or (covered and what == _("正文")):
                continue
            if (words, what) in seen:
                continue
            seen.add((words, what))
            out.checked()
            m = PLACEHOLDER.search(words)
            if m is None:
                continue
            out.flag(
                table,
                row_key=text.key,
                row_text=text.where,
                column=f"mark-{what}",
                column_text=what,
                template=_("{where}的{what}留有模板占位符“{mark}”：“{clause}”。"),
                where=text.where,
                what=what,
                mark=m.group(0),
                clause=_clause(words, m.start(), m.end()).strip(),
            )


@rule(
    "wording.department",
    gettext_lazy("各部分标题所印的部门名称与本公开的部门一致"),
    severity=WARNING,
    reads=("text",),
)
def department(ctx, out):
    """A part's heading ("第三部分上海市普陀区财政局2024年度部门决算情况说明") and the
    document's title on its cover ("上海市普陀区财政局 2024年度部门决算", the body of a
    section the layout declares `title`) print the department's name as registered."""
    out.cannot(_("说明中没有印部门名称的部分标题（“第N部分……”）或封面。"))
    name = squash(ctx.department_name)
    seen = set()
    for text in texts(ctx):
        heading = text.narrative.heading
        m = PART_NAME.match(squash(heading))
        title = text.section is not None and text.section.title and m is None
        if title:
            m = TITLE_NAME.match(squash(text.narrative.body))
        table = home(ctx, text)
        if m is None or table is None or (heading, m.group(1)) in seen:
            continue
        seen.add((heading, m.group(1)))
        out.checked()
        if m.group(1) == name:
            continue
        template = (
            _("{where}印的部门是“{printed}”，本公开的部门是“{name}”。")
            if title
            else _("标题“{heading}”印的部门是“{printed}”，本公开的部门是“{name}”。")
        )
        out.flag(
            table,
            row_key=text.key,
            row_text=text.where,
            column="department",
            column_text=_("正文") if title else _("标题"),
            template=template,
            where=text.where,
            heading=heading,
            printed=m.group(1),
            name=ctx.department_name,
        )


@rule(
    "wording.directions",
    gettext_lazy("“决算数大于/小于/等于预算数”与所述数字相符，并说明主要原因"),
    severity=ERROR,
    reads=("text",),
)
def directions(ctx, out):
    """Where a section says 决算数大于 / 小于 / 等于 / 与预算数基本持平, the budget and the
    final it has just stated (the latest budget of the paragraph and that item's final)
    agree with the word (基本持平: within 1% of the budget); 大于 or 小于 is followed by its
    主要原因 in the same or the next sentence (a warning when missing)."""
    for text, readings in bound_texts(ctx):
        for i, reading in enumerate(readings):
            for m in DIRECTION.finditer(reading.text):
                pair = _budget_and_final(readings, i, m.start())
                if pair is None:
                    out.cannot(_("“{w}”之前没有可对照的预算数和决算数。").format(w=m.group(0)))
                    continue
                out.checked()
                word = m.group(1) or m.group(2)
                _judge(out, text, reading.text, m.group(0), word, *pair)
                following = "".join(r.text for r in readings[i : i + 2])
                if word in ("大于", "高于", "超过", "小于", "低于") and "原因" not in following:
                    out.flag(
                        text.table,
                        **sentence_place(text, i, f"reason-{i}"),
                        severity=WARNING,
                        template=_("{where}：“{sentence}”没有说明主要原因。"),
                        where=text.where,
                        sentence=reading.text.strip(),
                    )


def _budget_and_final(readings, i: int, before: int) -> tuple[Statement, Statement] | None:
    """The latest budget stated in the paragraph up to here, and the final of its item."""
    stated = []
    for n in range(i, -1, -1):
        reading = readings[n]
        if reading.paragraph != readings[i].paragraph:
            break
        limit = before if n == i else len(reading.text)
        stated = [s for s in reading.statements if s.start < limit and not s.change] + stated
    budgets = [s for s in stated if s.budget and s.subject is not None]
    if not budgets:
        return None
    budget = budgets[-1]
    finals = [
        s for s in stated if not s.budget and s.subject is not None and s.subject == budget.subject
    ]
    return (budget, finals[-1]) if finals else None


def _judge(out, text: Text, sentence: str, said: str, word: str, budget, final) -> None:
    b, f = _yuan(budget), _yuan(final)
    holds = {
        "大于": f > b,
        "高于": f > b,
        "超过": f > b,
        "小于": f < b,
        "低于": f < b,
        "等于": f == b,
        "相等": f == b,
        "一致": f == b,
        "持平": f == b,
        "基本持平": abs(f - b) <= abs(b) * ROUGHLY,
    }[word]
    if holds:
        return
    out.flag(
        text.table,
        row_key=text.key,
        row_text=text.where,
        column=f"direction-{final.start}",
        column_text=_("方向"),
        expected=b,
        actual=f,
        difference=f - b,
        unit="元",
        template=_("{where}：“{sentence}”说“{said}”，而所述决算数为 {final}，预算数为 {budget}。"),
        where=text.where,
        sentence=sentence.strip(),
        said=said,
        final=final.text,
        budget=budget.text,
    )


def _yuan(statement: Statement) -> Decimal:
    return statement.value * 10000 if statement.unit == "万元" else statement.value


AMOUNT_IN_TEXT = re.compile(r"(?<![\d.,])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万元|元)")
# In a text that speaks 万元, an amount in 元 under this looks like 万元 with the wrong unit
# (the seed's "公车维护费支出1.93元"); in a text that speaks 元, one in 万元 over the other
# bound looks like 元.
SMALL_YUAN = Decimal(10_000)
LARGE_WAN = Decimal(10_000)
UNITS_ELSEWHERE = gettext_lazy("说明的金额都已逐项与表对照（含单位），没有其他需要检查单位的说明。")


@rule(
    "wording.units",
    gettext_lazy("说明中的金额单位前后一致（元、万元不混淆）"),
    severity=WARNING,
    reads=("text",),
)
def units(ctx, out):
    """In a text whose amounts are mostly in 万元, an amount in 元 under 10,000 is
    reported (its unit is likely 万元), and the reverse: in a text mostly in 元, an amount
    in 万元 of 10,000 or more. Texts compared with the tables amount by amount (text.amounts,
    narrative.amounts) are left to those rules, which name the unit in their finding."""
    out.cannot(str(UNITS_ELSEWHERE))
    for text in texts(ctx):
        section = text.section
        if section is not None and (section.figures or section.item_column):
            continue
        if text_table(ctx, text.narrative.table_number) is not None:
            continue
        table = home(ctx, text)
        found = [
            (m, Decimal(m.group(1).replace(",", "")))
            for m in AMOUNT_IN_TEXT.finditer(text.narrative.body)
        ]
        wan = sum(1 for m, _v in found if m.group(2) == "万元")
        if table is None or len(found) < 2:
            continue
        out.checked()
        speaks = "万元" if wan * 2 > len(found) else "元"
        for m, value in found:
            odd = (speaks == "万元" and m.group(2) == "元" and value < SMALL_YUAN) or (
                speaks == "元" and m.group(2) == "万元" and value >= LARGE_WAN
            )
            if odd:
                out.flag(
                    table,
                    row_key=text.key,
                    row_text=text.where,
                    column=f"unit-{m.start()}",
                    column_text=_("正文"),
                    template=_(
                        "{where}的金额都以{speaks}表述，“{clause}”中的“{printed}”单位可能有误。"
                    ),
                    where=text.where,
                    speaks=_("万元") if speaks == "万元" else _("元"),
                    clause=_clause(text.narrative.body, m.start(), m.end()).strip(),
                    printed=m.group(0),
                )


NOTHING_SAID = re.compile(r"无|没有|不涉及|未发生|未产生")
NO_AMOUNT_TABLE = gettext_lazy("没有说明金额表的说明节。")


@rule(
    "wording.empty_tables",
    gettext_lazy("说明与所说明的表是否有数据、是否公开相符"),
    severity=WARNING,
    reads=("text",),
)
def empty_tables(ctx, out):
    """A section bound to a table published empty says that there was nothing ("本年度无
    政府性基金预算财政拨款收入和支出"); a section does not speak of a table the document
    omits (not provided)."""
    out.cannot(str(NO_AMOUNT_TABLE))
    for text in texts(ctx):
        table = text.table
        if table is None or not table.spec.is_amount_table or not text.narrative.body.strip():
            continue
        out.checked()
        if table.state == "not_provided":
            said = _("{where}说明的是{name}，而本公开没有提供{name}。")
        elif table.state == "empty" and not NOTHING_SAID.search(text.narrative.body):
            said = _("{name}公开为空表，{where}却没有说明本年度无此项收支。")
        else:
            continue
        out.flag(
            home(ctx, text) if table.state == "not_provided" else table,
            row_key=text.key,
            row_text=text.where,
            column="state",
            column_text=_("正文"),
            template=said,
            where=text.where,
            name=table.label,
        )


# A total stated as nothing: "收入支出总计0万元", "合计为0元".
ZERO_TOTAL = re.compile(r"(总计|合计|总额)[^，。；：,;:\d]{0,12}?(?<![\d.,])0(?:\.0+)?\s*(万元|元)")


def _spent(table: TableData | None) -> bool:
    """Whether a table prints any amount other than nothing."""
    return (
        table is not None
        and table.present
        and any(value for row in table.rows for value, _mark in row.cells.values())
    )


@rule(
    "wording.zero_totals",
    gettext_lazy("有收支的部门，说明中没有写成“总计0万元”的总数"),
    severity=ERROR,
    reads=("text",),
)
def zero_totals(ctx, out):
    """No text, in any section, states a total of nothing ("收入支出总计0万元") when the
    table it explains prints money — or, for a text explaining no table, when the
    department's tables print money: a template's figure left in. A section of a table
    published empty may say its total is nothing."""
    out.cannot(_("没有说明正文。"))
    spent = any(_spent(t) for t in ctx.tables.values() if t.spec.is_amount_table)
    for text in texts(ctx):
        body = text.narrative.body
        table = home(ctx, text)
        own = text.table if text.table and text.table.spec.is_amount_table else None
        if body.strip():
            out.checked()
        for m in ZERO_TOTAL.finditer(body):
            if table is None or not (_spent(own) if own else spent):
                continue
            out.flag(
                table,
                row_key=text.key,
                row_text=text.where,
                column=f"zero-{m.start()}",
                column_text=_("正文"),
                template=_("{where}：“{clause}”写的总数为 0，而{name}列有收支金额。"),
                where=text.where,
                clause=_clause(body, m.start(), m.end()).strip(),
                name=own.label if own else _("本公开的各表"),
            )


NO_DATA_ONLY = re.compile(r"(?:故|因此|所以)?本表(?:无数据|没有数据|为空表?)")
EMPTY_EXAMPLE = gettext_lazy("如“本单位本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。”")


@rule(
    "wording.empty_statement",
    gettext_lazy("空表的说明写明本表无数据及其原因"),
    severity=WARNING,
    reads=("layout",),
)
def empty_statement(ctx, out):
    """A table published empty says, in its own statement, that it has no data and why:
    the department had no such money ("上海市普陀区财政局无政府性基金预算财政拨款支出，
    故本表无数据。"). "本表无数据。" alone, or words that say neither, are reported (a
    missing statement is structure.tables_present's)."""
    out.cannot(_("没有附说明的空表。"))
    for table in ctx.tables.values():
        said = table.statement.strip()
        if table.state != "empty" or not said:
            continue
        out.checked()
        if NOTHING_SAID.search(NO_DATA_ONLY.sub("", said)):
            continue
        out.flag(
            table,
            column="statement",
            column_text=_("空表说明"),
            template=_(
                "{table}的空表说明“{said}”没有写明本单位没有哪项收支、故本表无数据（{example}）。"
            ),
            said=said,
            example=str(EMPTY_EXAMPLE),
        )


CHANGE = re.compile(r"(增加|减少|增长|下降)\s*了?\s*\d")
ON_LAST_YEAR = ("相比", "比", "较", "同比", "上年")
REASON = re.compile(r"原因|主要是|由于")


@rule(
    "wording.change_reasons",
    gettext_lazy("表式要求说明原因的说明节，所述与上年相比的增减写明主要原因"),
    severity=WARNING,
    reads=("text",),
)
def change_reasons(ctx, out):
    """In a section the form asks for the reason of a change (layouts' `change_reason`:
    "……增加（减少）XXX万元，增长（下降）XX%。主要原因：……"), each sentence stating a
    change on last year is followed in its paragraph, or by the next sentence, by its
    主要原因 ("主要原因", "主要是", "由于")."""
    if not any(s.change_reason for s in ctx.layout.sections):
        raise NotChecked(_("本表式没有要求说明变动原因的说明节。"))
    out.cannot(_("说明中没有与上年相比的增减表述。"))
    for text in texts(ctx):
        if text.section is None or not text.section.change_reason:
            continue
        table = home(ctx, text)
        said = [sentences(p) for p in paragraphs(text.narrative.body)]
        for p, group in enumerate(said):
            following = said[p + 1][:1] if p + 1 < len(said) else []
            for i, sentence in enumerate(group):
                if not CHANGE.search(sentence) or not any(w in sentence for w in ON_LAST_YEAR):
                    continue
                out.checked()
                if table is None or REASON.search("".join(group[i:] + following)):
                    continue
                out.flag(
                    table,
                    row_key=text.key,
                    row_text=text.where,
                    column=f"change-reason-{p}-{i}",
                    column_text=_("第 {n} 段").format(n=p + 1),
                    template=_("{where}：“{sentence}”说明了与上年相比的增减，没有说明主要原因。"),
                    where=text.where,
                    sentence=sentence.strip(),
                )
