"""Synthetic disclosures in the Yunnan 2021 layout: realistic codes, amounts that satisfy
every identity the checks know, and — on request — planted errors, each recorded with the
exact findings the checks must report for it.

For tests, demos and benchmarks. Rows are written with bulk_create: a thousand disclosures
take seconds, not minutes. Nothing here is ever shown as a real department's data: the
departments are named 合成部门 and their codes start with "syn".
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from disclosure.content import (
    DisclosureContent,
    ParsedFund,
    ParsedIndicator,
    ParsedNarrative,
    ParsedOverall,
    ParsedProject,
    ParsedRow,
    ParsedTable,
    ParsedTask,
    content_write,
)
from disclosure.layouts import get_layout
from disclosure.models import (
    Department,
    Disclosure,
    FiscalYear,
)
from disclosure.models.classification import Level, level_of
from disclosure.models.statements import Status, TableState
from disclosure.money import ZERO, round_half_up
from disclosure.pagecache import public_pages_changed
from disclosure.synthetic_parts import (
    EMPTY_STATEMENT,
    LAYOUT,
    PERSONNEL_CODES,
    PLANT_KINDS,
    PROJECT_ITEMS,
    PUBLIC_CODES,
    Content,
    Generated,
    Planted,
    _dash,
    _hundreds,
    _items,
    _money,
    _set,
    _split,
    _tree,
    economic_codes,
    functional_codes,
    load_catalogues,
    narratives,
    performance,
)

# The generated layout's tables, by the role or kind each declares (never by number).
_TABLES = get_layout(LAYOUT).tables
_BY_ROLE = {t.role: t.number for t in _TABLES if t.role}
SUMMARY, INCOME, SPEND, FISCAL, GENERAL = (
    _BY_ROLE[role] for role in ("summary", "income", "spend", "fiscal_summary", "general")
)
ECONOMIC, FUND, CAPITAL, SANGONG = (
    _BY_ROLE[role] for role in ("basic_economic", "fund", "capital", "sangong")
)
TEXTS = tuple(t.number for t in _TABLES if not t.is_amount_table)  # 说明 and 绩效 tables
(NARRATIVE,) = (t.number for t in _TABLES if t.kind == "narrative")
(PROJECTS,) = (t.number for t in _TABLES if t.kind == "performance_project")

__all__ = ["LAYOUT", "PLANT_KINDS", "Generated", "build", "generate", "load_catalogues", "plant"]


def _sums(under, attr: str) -> Decimal:
    return sum((getattr(i, attr) for i in under), ZERO)


def build(
    rng: random.Random, *, name: str, year: int, carry: dict[str, Decimal]
) -> tuple[Content, dict]:
    """A clean disclosure's content, and the facts the narratives and planting need."""
    layout = get_layout(LAYOUT)
    codes = functional_codes()
    items = _items(rng, codes, carry)
    tree = list(_tree(codes, items))
    c = Content()
    _build_by_code(c, items, tree)
    facts = {
        "income": _sums(items, "fiscal_income"),
        "other": _sums(items, "other_income"),
        "spend": _sums(items, "fiscal_spend"),
        "basic": _sums(items, "basic"),
        "personnel": _sums(items, "personnel"),
        "public": _sums(items, "public"),
        "project": _sums(items, "project"),
        "opening": _sums(items, "opening"),
        "closing": _sums(items, "closing"),
        "carry": {i.code.code: i.closing for i in items if i.code.code in PROJECT_ITEMS},
        "items": items,
    }
    classes = {code.code: under for code, under in tree if code.level == Level.CLASS}
    _build_summary(c, layout, facts, classes)
    _build_fiscal_summary(c, layout, facts, classes)
    hospitality, vehicles = _build_basic_economic(c, rng, facts)

    # 公开07, 公开08: no such money — published empty with the statement.
    for number, fund in ((FUND, "政府性基金预算财政拨款"), (CAPITAL, "国有资本经营预算财政拨款")):
        c.table(number, state=TableState.EMPTY, statement=EMPTY_STATEMENT.format(fund=fund))
        c.row(number, "total", name="合计", is_total=True)
    _build_sangong(c, rng, layout, facts, hospitality, vehicles)

    # 公开10–12: the texts and the performance tables (rows of their own, below).
    for number in TEXTS:
        c.table(number, unit="" if number == NARRATIVE else "元")
    for number, data in c.tables.items():
        title = layout.table(number).title
        data["printed_title"] = f"{year}年度{title}" if number in TEXTS else title
        data["printed_department"] = name
    return c, facts


def _build_by_code(c: Content, items, tree) -> None:
    """公开02 收入决算表, 公开03 支出决算表 and 公开05 一般公共预算财政拨款收入支出决算表."""
    sums = _sums
    for number in (INCOME, SPEND, GENERAL):
        c.table(number)
    for number in (INCOME, SPEND, GENERAL):
        c.row(number, "total", name="合计", is_total=True)
    for code, _under in tree:
        for number in (INCOME, SPEND, GENERAL):
            c.row(number, code.code, code=code.code, name=code.name)
    for code_key, under in [("total", items)] + [(code.code, u) for code, u in tree]:
        fiscal = sums(under, "fiscal_income")
        other = sums(under, "other_income")
        r = c.find(INCOME, code_key)
        _set(r, "total", fiscal + other)
        _set(r, "fiscal", fiscal)
        _set(r, "other", other)
        r = c.find(SPEND, code_key)
        basic, project = sums(under, "basic"), sums(under, "project") + other
        _set(r, "total", basic + project)
        _set(r, "basic", basic)
        _set(r, "project", project)
        r = c.find(GENERAL, code_key)
        opening, closing = sums(under, "opening"), sums(under, "closing")
        values = {
            "open_total": opening,
            "open_project": opening,
            "income_total": fiscal,
            "income_basic": sums(under, "basic"),
            "income_project": sums(under, "project_income"),
            "spend_total": sums(under, "fiscal_spend"),
            "spend_basic": sums(under, "basic"),
            "spend_personnel": sums(under, "personnel"),
            "spend_public": sums(under, "public"),
            "spend_project": sums(under, "project"),
            "close_total": closing,
            "close_project": closing,
        }
        for column, value in values.items():
            _set(r, column, value)


def _build_summary(c: Content, layout, facts: dict, classes: dict) -> None:
    """公开01 收入支出决算总表."""
    sums = _sums
    c.table(SUMMARY)
    spec01 = layout.table(SUMMARY)
    income01 = {
        1: facts["income"],
        8: facts["other"],
        27: facts["income"] + facts["other"],
        29: facts["opening"],
        30: facts["income"] + facts["other"] + facts["opening"],
    }
    spend01 = {
        57: facts["spend"] + facts["other"],
        59: facts["closing"],
        60: facts["spend"] + facts["other"] + facts["closing"],
    }
    for side, panel in enumerate(spec01.panels):
        for line in panel.lines:
            if not line.label:
                continue
            r = c.row(SUMMARY, line.key, name=line.label, line_no=line.no, side=side)
            if line.class_code in classes:
                under = classes[line.class_code]
                value = sums(under, "fiscal_spend") + sums(under, "other_income")
            else:
                value = (income01 if side == 0 else spend01).get(line.no)
            _set(r, "amount", value)


def _build_fiscal_summary(c: Content, layout, facts: dict, classes: dict) -> None:
    """公开04 财政拨款收入支出决算总表."""
    sums = _sums
    c.table(FISCAL)
    spec04 = layout.table(FISCAL)
    income04 = {
        "income_general": facts["income"],
        "income_total": facts["income"],
        "opening_total": facts["opening"],
        "opening_general": facts["opening"],
        "income_grand_total": facts["income"] + facts["opening"],
    }
    spend04 = {
        "spend_total": facts["spend"],
        "closing_total": facts["closing"],
        "spend_grand_total": facts["spend"] + facts["closing"],
    }
    for side, panel in enumerate(spec04.panels):
        for line in panel.lines:
            if not line.label:
                continue
            r = c.row(FISCAL, line.key, name=line.label, line_no=line.no, side=side)
            if side == 0:
                _set(r, "amount", income04.get(line.key))
                continue
            if line.class_code in classes:
                value = sums(classes[line.class_code], "fiscal_spend")
            else:
                value = spend04.get(line.key)
            _set(r, "total", value)
            _set(r, "general", value)


def _build_basic_economic(c: Content, rng: random.Random, facts: dict):
    """公开06 一般公共预算财政拨款基本支出决算表; returns the 三公 amounts it spent
    (公务接待费, 公务用车运行维护费)."""
    economic = economic_codes()
    amounts06 = {}
    for code, part in zip(
        PERSONNEL_CODES,
        _split(rng, round_half_up(facts["personnel"] * Decimal("0.97")), len(PERSONNEL_CODES)),
        strict=True,
    ):
        amounts06[code] = part
    amounts06["30305"] = facts["personnel"] - sum(amounts06.values(), ZERO)
    hospitality = _money(rng, 2_000, 30_000)
    vehicles = _money(rng, 5_000, 60_000)
    public = facts["public"] - hospitality - vehicles
    spread = _split(rng, round_half_up(public * Decimal("0.7")), len(PUBLIC_CODES))
    amounts06.update(zip(PUBLIC_CODES, spread, strict=True))
    amounts06["30217"], amounts06["30231"] = hospitality, vehicles
    amounts06["30299"] = public - sum(spread, ZERO)
    for cls in ("301", "302", "303", "307", "310", "312", "399"):
        amounts06[cls] = sum(
            (v for k, v in amounts06.items() if len(k) == 5 and k.startswith(cls)), ZERO
        )
    c.table(ECONOMIC)
    blocks = {"301": 0, "303": 0, "302": 1, "307": 1, "310": 2, "312": 2, "399": 2}
    for code in economic:
        r = c.row(ECONOMIC, code.code, code=code.code, name=code.name, side=blocks[code.code[:3]])
        _set(r, "amount", amounts06.get(code.code))
    r = c.row(ECONOMIC, "personnel_total", name="人员经费合计", is_total=True, side=0)
    _set(r, "amount", amounts06["301"] + amounts06["303"])
    r = c.row(ECONOMIC, "public_total", name="公用经费合计", is_total=True, side=1)
    _set(r, "amount", amounts06["302"] + amounts06["307"] + amounts06["310"])
    return hospitality, vehicles


def _build_sangong(c: Content, rng, layout, facts: dict, hospitality, vehicles) -> None:
    """公开09 “三公”经费、机关运行经费 (budget in column budget_1, final in actual_2)."""
    c.table(SANGONG)
    project_hospitality = _money(rng, 0, 3_000)
    final = {
        "vehicle_running": vehicles,
        "hospitality": hospitality + project_hospitality,
        "hospitality_domestic": hospitality + project_hospitality,
    }
    final["vehicles"] = final["vehicle_running"]
    final["sangong_total"] = final["vehicles"] + final["hospitality"]
    final["running"] = final["running_admin"] = facts["public"]
    budget = {
        "vehicle_running": _hundreds(rng, int(vehicles) + 100, int(vehicles) * 2 + 1_000),
        "hospitality": _hundreds(rng, int(final["hospitality"]) + 100, 60_000),
    }
    budget["hospitality_domestic"] = budget["hospitality"]
    budget["vehicles"] = budget["vehicle_running"]
    budget["sangong_total"] = budget["vehicles"] + budget["hospitality"]
    counts = {
        "vehicles_held": Decimal(rng.randint(1, 4)),
        "receptions": Decimal(rng.randint(5, 40)),
        "guests": Decimal(rng.randint(30, 300)),
    }
    for line in layout.table(SANGONG).panels[0].lines:
        r = c.row(SANGONG, line.key, name=line.label, line_no=line.no)
        _dash(r, "budget_2", "actual_1")
        for column, values in (("budget_1", budget), ("actual_2", {**final, **counts})):
            value = values.get(line.key)
            if value:
                _set(r, column, value)
            else:
                _dash(r, column)
    facts.update(sangong=final, sangong_budget=budget)


# ------------------------------------------------------------------ planting errors
def plant(kind: str, c: Content, perf: dict, rng: random.Random) -> list[tuple[str, ...]]:
    """Put one error of `kind` into the content; return the findings it must produce."""
    if kind == "hierarchy":
        rows = [r for r in c.tables[SPEND]["rows"] if level_of(r["code"] or "x") == Level.ITEM]
        row = rng.choice(rows)
        delta = Decimal(rng.randrange(100, 100_000)) / 100
        for column in ("total", "basic"):
            value = row["amounts"].get(column, (ZERO, ""))[0] or ZERO
            row["amounts"][column] = (value + delta, "")
        parent = row["code"][:5]
        cells = c.find(SPEND, parent)["amounts"]
        if cells.get("total") == cells.get("basic"):
            # Same amounts in both columns: the engine reports them as one finding.
            return [("inside.hierarchy", SPEND, parent, "total")]
        return [
            ("inside.hierarchy", SPEND, parent, "total"),
            ("inside.hierarchy", SPEND, parent, "basic"),
        ]
    if kind == "name":
        rows = [r for r in c.tables[SPEND]["rows"] if r["code"]]
        row = rng.choice(rows)
        row["name"] = row["name"] + "等"
        return [("catalogue.name", SPEND, row["key"], "name")]
    if kind == "unit":
        for row in c.tables[SANGONG]["rows"]:
            value, mark = row["amounts"].get("budget_1", (None, ""))
            if value is not None and row["key"] not in {"vehicles_held", "receptions", "guests"}:
                row["amounts"]["budget_1"] = (value / 10000, mark)
        return [("units.scale", SANGONG, "sangong_total", "budget_1")]
    if kind == "sangong":
        final = c.find(SANGONG, "hospitality")["amounts"]["actual_2"][0]
        row, other = c.find(ECONOMIC, "30217"), c.find(ECONOMIC, "30299")
        excess = final - row["amounts"]["amount"][0] + Decimal("100.00")
        row["amounts"]["amount"] = (row["amounts"]["amount"][0] + excess, "")
        other["amounts"]["amount"] = (other["amounts"]["amount"][0] - excess, "")
        return [("between.sangong_economic", ECONOMIC, "30217", "amount")]
    if kind == "missing_table":
        c.tables[CAPITAL] = {
            "state": TableState.NOT_PROVIDED,
            "statement": "",
            "unit": "",
            "rows": [],
            "printed_title": "",
            "printed_department": "",
        }
        return [("structure.tables", CAPITAL, "", "")]
    if kind == "code_format":
        rows = c.tables[GENERAL]["rows"]
        sections = [
            r
            for r in rows
            if level_of(r["code"] or "x") == Level.SECTION
            and any(x["code"].startswith(r["code"]) and len(x["code"]) == 7 for x in rows)
        ]
        row = rng.choice(sections)
        children = [x for x in rows if len(x["code"]) == 7 and x["code"].startswith(row["code"])]
        row["code"] = row["key"] = row["code"][:4]
        return [
            ("catalogue.code_format", GENERAL, row["key"], "name"),
            ("catalogue.parent", GENERAL, children[0]["key"], "name"),
        ]
    if kind == "score":
        project = perf["projects"][0]
        indicator = next(i for i in project["indicators"] if i["score"] == i["weight"])
        indicator["score"] += 1
        project["total_score"] += 1
        return [("performance.scores", PROJECTS, f"p0-i{indicator['position']}", "score")]
    raise ValueError(f"unknown kind of error {kind!r}")


# ------------------------------------------------------------------ writing
@transaction.atomic
def generate(
    *,
    departments: int,
    years: int = 1,
    seed: int = 0,
    errors: float = 0.0,
    first_year: int = 2021,
    kinds: tuple[str, ...] | None = None,
    publish: bool = True,
) -> Generated:
    """Create `departments` × `years` disclosures (department codes syn<seed>-0001 …).

    With `errors` (0–1), that share of disclosures gets one planted error, of a kind drawn
    at random — or, when `kinds` is given, taken in turn from it. Returns the disclosures and
    what was planted where.
    """
    rng = random.Random(seed)
    now = timezone.now()
    years_ = [FiscalYear.objects.get_or_create(year=first_year + y)[0] for y in range(years)]
    prefix = f"syn{seed}"
    if Department.objects.filter(code__startswith=f"{prefix}-").exists():
        raise ValueError(f"departments {prefix}-… exist already: choose another seed")
    depts = Department.objects.bulk_create(
        [
            Department(code=f"{prefix}-{i + 1:04d}", name=f"合成部门{i + 1:04d}")
            for i in range(departments)
        ]
    )
    result = Generated()
    pending = []
    kind_cycle = 0
    for dept in depts:
        carry: dict[str, Decimal] = {}
        for fy in years_:
            content, facts = build(rng, name=dept.name, year=fy.year, carry=carry)
            carry = facts["carry"]
            perf = performance(rng, dept.name, facts)
            planted = None
            if errors and rng.random() < errors:
                if kinds:
                    kind = kinds[kind_cycle % len(kinds)]
                    kind_cycle += 1
                else:
                    kind = rng.choice(PLANT_KINDS)
                planted = (kind, plant(kind, content, perf, rng))
            value = _as_content(fy.year, content, facts, perf)
            disclosure = Disclosure(
                department=dept,
                year=fy,
                layout=LAYOUT,
                status=Status.PUBLISHED if publish else Status.DRAFT,
                published_at=now if publish else None,
                content_digest=value.digest(),
                source_name="synthetic",
            )
            pending.append((disclosure, value, planted))
    Disclosure.objects.bulk_create([p[0] for p in pending])
    content_write([(disclosure, value) for disclosure, value, _planted in pending])
    for disclosure, _value, planted in pending:
        result.disclosures.append(disclosure)
        if planted is not None:
            result.planted.append(Planted(disclosure.pk, planted[0], planted[1]))
    if publish:
        public_pages_changed()
    return result


def _as_content(year: int, content: Content, facts: dict, perf: dict) -> DisclosureContent:
    """The generated tables, texts and performance self-evaluations as one content value."""
    tables = {
        number: ParsedTable(
            number=number,
            state=data["state"],
            statement=data["statement"],
            unit=data["unit"],
            printed_department=data.get("printed_department", ""),
            printed_title=data.get("printed_title", ""),
            rows=[
                ParsedRow(
                    key=r["key"],
                    position=r["position"],
                    code=r["code"],
                    name=r["name"],
                    line_no=r["line_no"],
                    is_total=r["is_total"],
                    side=r["side"],
                    amounts=dict(r["amounts"]),
                )
                for r in data["rows"]
            ],
        )
        for number, data in content.tables.items()
    }
    overall, projects = _performance_content(perf)
    return DisclosureContent(
        layout=LAYOUT,
        tables=tables,
        narratives=[ParsedNarrative(table_number=NARRATIVE, **n) for n in narratives(year, facts)],
        overall=overall,
        projects=projects,
    )


def _performance_content(perf: dict) -> tuple[ParsedOverall, list[ParsedProject]]:
    """公开11 and 公开12 of the generated performance self-evaluations."""
    preparer = perf["overall"]["preparer"]
    overall = ParsedOverall(
        preparer=preparer,
        duties="负责受理群众来信来访，协调处理信访事项。",
        overall_goal="依法维护群众合法权益，促进社会和谐稳定。",
        amount_unit="万元",
        tasks=[
            ParsedTask(
                name=t["name"],
                level=t["level"],
                content="",
                approved_total=t["approved_total"],
                approved_fiscal=t["approved_fiscal"],
                approved_other=None,
                actual=t["actual"],
                execution_rate=t["execution_rate"],
                reason="",
            )
            for t in perf["overall"]["tasks"]
        ],
    )
    projects = [
        ParsedProject(
            name=p["name"],
            competent_department=preparer,
            implementing_unit=preparer,
            goal="及时救助特殊困难信访群众。",
            total_weight=p["total_weight"],
            total_score=p["total_score"],
            grade=p["grade"],
            funds=[
                ParsedFund(
                    source="total",
                    label="项目资金(元)",
                    budget_initial=p["budget"],
                    budget_full_year=p["budget"],
                    executed=p["executed"],
                    weight=Decimal(10),
                    execution_rate=p["rate"],
                    score=p["fund_score"],
                ),
                ParsedFund(
                    source="current",
                    label="其中：当年财政拨款",
                    budget_initial=p["budget"],
                    budget_full_year=p["budget"],
                    executed=p["executed"],
                ),
            ],
            indicators=[
                ParsedIndicator(
                    level1=i["level1"],
                    level2=i["level2"],
                    level3=i["level3"],
                    weight=i["weight"],
                    score=i["score"],
                )
                for i in sorted(p["indicators"], key=lambda i: i["position"])
            ],
        )
        for p in perf["projects"]
    ]
    return overall, projects
