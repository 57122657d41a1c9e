"""Synthetic disclosures in the Yunnan 2021 layout: realistic codes, amounts that satisfy
every identity the checks know, and — on request — planted errors, each recorded with the
exact findings the checks must report for it.

For tests, demos and benchmarks. Rows are written with bulk_create: a thousand disclosures
take seconds, not minutes. Nothing here is ever shown as a real department's data: the
departments are named 合成部门 and their codes start with "syn".
"""

from __future__ import annotations

import csv
import hashlib
import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from disclosure.catalogues import catalogue_load, read_catalogue_file
from disclosure.layouts import get_layout
from disclosure.models import (
    Amount,
    Department,
    Disclosure,
    DisclosureTable,
    FiscalYear,
    Indicator,
    KeyTask,
    NarrativeSection,
    OverallPerformance,
    ProjectEvaluation,
    ProjectFund,
    TableRow,
)
from disclosure.models.classification import Level, level_of
from disclosure.models.statements import Status, TableState
from disclosure.money import ZERO, round_half_up, to_wan
from disclosure.pagecache import public_pages_changed

LAYOUT = "yunnan-2021"
CATALOGUES = Path(__file__).resolve().parent / "data" / "catalogues"
FUNCTIONAL_FILES = ("2021-functional-classes.csv", "2021-functional-seed-codes.csv")
ECONOMIC_FILE = "2021-economic.csv"
DASH = "—"
EMPTY_STATEMENT = "本单位本年度没有{fund}收入和支出，故本表无数据。"

# The kinds of error that can be planted, each with the findings it must produce.
PLANT_KINDS = ("hierarchy", "name", "unit", "sangong", "missing_table", "code_format", "score")

# Which 项 carry which money (as in a small administrative department's accounts).
PUBLIC_ITEMS = {"2010301", "2010350"}  # 行政运行, 事业运行: personnel and public costs
PROJECT_ITEMS = {"2010308"}  # 信访事务: project money, carried over between years
# 公用经费 spread over these economic codes (30217 公务接待, 30231 公务用车运行维护 are the
# 三公 items; 30299 takes the remainder).
PUBLIC_CODES = ("30201", "30205", "30206", "30207", "30211", "30213", "30216", "30226", "30228")
PERSONNEL_CODES = ("30101", "30102", "30103", "30107", "30108", "30109", "30110", "30113")


@dataclass
class Planted:
    """An error put into a disclosure on purpose and the findings it must produce, each as
    (rule, table number, row key, column key)."""

    disclosure_id: int
    kind: str
    findings: list[tuple[str, str, str, str]]


@dataclass
class Generated:
    disclosures: list[Disclosure] = field(default_factory=list)
    planted: list[Planted] = field(default_factory=list)


@dataclass
class Code:
    code: str
    name: str

    @property
    def level(self) -> int:
        return level_of(self.code)


def _read(name: str) -> list[Code]:
    with (CATALOGUES / name).open(encoding="utf-8") as fh:
        return [Code(r["code"], r["name"]) for r in csv.DictReader(fh)]


def functional_codes() -> list[Code]:
    """The 2021 functional codes the generator uses: the 类, 款 and 项 of the compiled
    catalogue (a small administrative department's), in catalogue order."""
    return _read(FUNCTIONAL_FILES[1])


def economic_codes() -> list[Code]:
    return _read(ECONOMIC_FILE)


def load_catalogues(year: int) -> None:
    """The compiled 2021 catalogues, loaded for `year` (idempotent)."""
    for kind, files in (("functional", FUNCTIONAL_FILES), ("economic", (ECONOMIC_FILE,))):
        entries = []
        for name in files:
            entries += read_catalogue_file((CATALOGUES / name).read_bytes(), kind=kind)
        catalogue_load(year=year, kind=kind, entries=entries, source="；".join(files))


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    """A random amount in 元 between low and high, to the cent."""
    return Decimal(rng.randrange(low * 100, high * 100)) / 100


def _hundreds(rng: random.Random, low: int, high: int) -> Decimal:
    """A random amount in whole hundreds of 元 (budgets are planned in round figures)."""
    return Decimal(rng.randrange(low // 100, high // 100) * 100)


def _split(rng: random.Random, amount: Decimal, parts: int) -> list[Decimal]:
    """`amount` cut into `parts` positive amounts to the cent that add up exactly."""
    weights = [rng.uniform(1, 4) for _ in range(parts)]
    scale = sum(weights)
    cuts = [round_half_up(amount * Decimal(w / scale)) for w in weights[:-1]]
    return [*cuts, amount - sum(cuts, ZERO)]


# ------------------------------------------------------------------ one disclosure's content
class Content:
    """Tables as rows of cells, before they are written: number → list of row dicts."""

    def __init__(self):
        self.tables: dict[str, dict] = {}

    def table(self, number: str, **attrs) -> dict:
        data = {"state": TableState.PROVIDED, "statement": "", "unit": "元", "rows": []}
        data.update(attrs)
        self.tables[number] = data
        return data

    def row(self, number: str, key: str, **attrs) -> dict:
        rows = self.tables[number]["rows"]
        side = attrs.get("side", 0)
        row = {
            "key": key,
            "code": "",
            "name": "",
            "side": side,
            "position": sum(1 for r in rows if r["side"] == side),
            "line_no": None,
            "is_total": False,
            "amounts": {},
        }
        row.update(attrs)
        rows.append(row)
        return row

    def find(self, number: str, key: str) -> dict:
        return next(r for r in self.tables[number]["rows"] if r["key"] == key)


def _set(row: dict, column: str, value: Decimal | None) -> None:
    """A cell: an amount, or blank when zero (as printed tables leave zero cells blank)."""
    if value is not None and value != 0:
        row["amounts"][column] = (value, "")


def _dash(row: dict, *columns: str) -> None:
    for c in columns:
        row["amounts"][c] = (None, DASH)


@dataclass
class Item:
    """One 项's money for the year (元)."""

    code: Code
    personnel: Decimal = ZERO
    public: Decimal = ZERO
    project: Decimal = ZERO
    other_income: Decimal = ZERO  # non-fiscal income, spent as project money in 公开03
    opening: Decimal = ZERO  # project carry-over at the start of the year
    closing: Decimal = ZERO  # … and at the end

    @property
    def basic(self) -> Decimal:
        return self.personnel + self.public

    @property
    def fiscal_spend(self) -> Decimal:
        return self.basic + self.project

    @property
    def project_income(self) -> Decimal:
        return self.project + self.closing - self.opening

    @property
    def fiscal_income(self) -> Decimal:
        return self.basic + self.project_income


def _items(rng: random.Random, codes: list[Code], carry: dict[str, Decimal]) -> list[Item]:
    items = []
    for code in codes:
        if code.level != Level.ITEM:
            continue
        item = Item(code)
        if code.code in PROJECT_ITEMS:
            item.project = _money(rng, 300_000, 1_500_000)
            item.opening = carry.get(code.code, _money(rng, 0, 200_000))
            item.closing = _money(rng, 0, 150_000)
        else:
            item.personnel = _money(rng, 20_000, 3_000_000)
            if code.code in PUBLIC_ITEMS:
                item.public = _money(rng, 150_000, 1_500_000)
        items.append(item)
    items[0].other_income = _money(rng, 100, 5_000)
    return items


def _tree(codes: list[Code], items: list[Item]):
    """Every code (类, 款, 项) with the items under it, in catalogue order."""
    for code in codes:
        under = [i for i in items if i.code.code.startswith(code.code)]
        if under:
            yield code, under


def build(
    rng: random.Random, *, name: str, year: int, carry: dict[str, Decimal]
) -> tuple[Content, dict]:
    """A clean disclosure's content, and the facts the narratives and planting need."""
    layout = get_layout(LAYOUT)
    codes = functional_codes()
    items = _items(rng, codes, carry)
    tree = list(_tree(codes, items))
    c = Content()

    def sums(under, attr):
        return sum((getattr(i, attr) for i in under), ZERO)

    # 公开02 收入决算表 and 公开03 支出决算表, 公开05 一般公共预算财政拨款收入支出决算表
    for number in ("02", "03", "05"):
        c.table(number)
    for number in ("02", "03", "05"):
        c.row(number, "total", name="合计", is_total=True)
    for code, _under in tree:
        for number in ("02", "03", "05"):
            c.row(number, code.code, code=code.code, name=code.name)
    for code_key, under in [("total", items)] + [(code.code, u) for code, u in tree]:
        fiscal = sums(under, "fiscal_income")
        other = sums(under, "other_income")
        r = c.find("02", code_key)
        _set(r, "total", fiscal + other)
        _set(r, "fiscal", fiscal)
        _set(r, "other", other)
        r = c.find("03", code_key)
        basic, project = sums(under, "basic"), sums(under, "project") + other
        _set(r, "total", basic + project)
        _set(r, "basic", basic)
        _set(r, "project", project)
        r = c.find("05", code_key)
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
    facts = {
        "income": sums(items, "fiscal_income"),
        "other": sums(items, "other_income"),
        "spend": sums(items, "fiscal_spend"),
        "basic": sums(items, "basic"),
        "personnel": sums(items, "personnel"),
        "public": sums(items, "public"),
        "project": sums(items, "project"),
        "opening": sums(items, "opening"),
        "closing": sums(items, "closing"),
        "carry": {i.code.code: i.closing for i in items if i.code.code in PROJECT_ITEMS},
        "items": items,
    }
    classes = {code.code: under for code, under in tree if code.level == Level.CLASS}

    # 公开01 收入支出决算总表
    c.table("01")
    spec01 = layout.table("01")
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
            r = c.row("01", line.key, name=line.label, line_no=line.no, side=side)
            if line.class_code in classes:
                under = classes[line.class_code]
                value = sums(under, "fiscal_spend") + sums(under, "other_income")
            else:
                value = (income01 if side == 0 else spend01).get(line.no)
            _set(r, "amount", value)

    # 公开04 财政拨款收入支出决算总表
    c.table("04")
    spec04 = layout.table("04")
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
            r = c.row("04", line.key, name=line.label, line_no=line.no, side=side)
            if side == 0:
                _set(r, "amount", income04.get(line.key))
                continue
            if line.class_code in classes:
                value = sums(classes[line.class_code], "fiscal_spend")
            else:
                value = spend04.get(line.key)
            _set(r, "total", value)
            _set(r, "general", value)

    # 公开06 一般公共预算财政拨款基本支出决算表
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
    c.table("06")
    blocks = {"301": 0, "303": 0, "302": 1, "307": 1, "310": 2, "312": 2, "399": 2}
    for code in economic:
        r = c.row("06", code.code, code=code.code, name=code.name, side=blocks[code.code[:3]])
        _set(r, "amount", amounts06.get(code.code))
    r = c.row("06", "personnel_total", name="人员经费合计", is_total=True, side=0)
    _set(r, "amount", amounts06["301"] + amounts06["303"])
    r = c.row("06", "public_total", name="公用经费合计", is_total=True, side=1)
    _set(r, "amount", amounts06["302"] + amounts06["307"] + amounts06["310"])

    # 公开07, 公开08: no such money — published empty with the statement.
    for number, fund in (("07", "政府性基金预算财政拨款"), ("08", "国有资本经营预算财政拨款")):
        c.table(number, state=TableState.EMPTY, statement=EMPTY_STATEMENT.format(fund=fund))
        c.row(number, "total", name="合计", is_total=True)

    # 公开09 “三公”经费、机关运行经费 (budget in column budget_1, final in actual_2)
    c.table("09")
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
    for line in layout.table("09").panels[0].lines:
        r = c.row("09", line.key, name=line.label, line_no=line.no)
        _dash(r, "budget_2", "actual_1")
        for column, values in (("budget_1", budget), ("actual_2", {**final, **counts})):
            value = values.get(line.key)
            if value:
                _set(r, column, value)
            else:
                _dash(r, column)
    facts.update(sangong=final, sangong_budget=budget)

    # 公开10–12: the texts and the performance tables (rows of their own, below).
    for number in ("10", "11", "12"):
        c.table(number, unit="" if number == "10" else "元")
    for number, data in c.tables.items():
        title = layout.table(number).title
        data["printed_title"] = f"{year}年度{title}" if number in ("10", "11", "12") else title
        data["printed_department"] = name
    return c, facts


# ------------------------------------------------------------------ planting errors
def plant(kind: str, c: Content, perf: dict, rng: random.Random) -> list[tuple[str, ...]]:
    """Put one error of `kind` into the content; return the findings it must produce."""
    if kind == "hierarchy":
        rows = [r for r in c.tables["03"]["rows"] if level_of(r["code"] or "x") == Level.ITEM]
        row = rng.choice(rows)
        delta = Decimal(rng.randrange(100, 100_000)) / 100
        for column in ("total", "basic"):
            value = row["amounts"].get(column, (ZERO, ""))[0] or ZERO
            row["amounts"][column] = (value + delta, "")
        parent = row["code"][:5]
        cells = c.find("03", parent)["amounts"]
        if cells.get("total") == cells.get("basic"):
            # Same amounts in both columns: the engine reports them as one finding.
            return [("inside.hierarchy", "03", parent, "total")]
        return [
            ("inside.hierarchy", "03", parent, "total"),
            ("inside.hierarchy", "03", parent, "basic"),
        ]
    if kind == "name":
        rows = [r for r in c.tables["03"]["rows"] if r["code"]]
        row = rng.choice(rows)
        row["name"] = row["name"] + "等"
        return [("catalogue.name", "03", row["key"], "name")]
    if kind == "unit":
        for row in c.tables["09"]["rows"]:
            value, mark = row["amounts"].get("budget_1", (None, ""))
            if value is not None and row["key"] not in {"vehicles_held", "receptions", "guests"}:
                row["amounts"]["budget_1"] = (value / 10000, mark)
        return [("units.scale", "09", "sangong_total", "budget_1")]
    if kind == "sangong":
        final = c.find("09", "hospitality")["amounts"]["actual_2"][0]
        row, other = c.find("06", "30217"), c.find("06", "30299")
        excess = final - row["amounts"]["amount"][0] + Decimal("100.00")
        row["amounts"]["amount"] = (row["amounts"]["amount"][0] + excess, "")
        other["amounts"]["amount"] = (other["amounts"]["amount"][0] - excess, "")
        return [("between.sangong_economic", "06", "30217", "amount")]
    if kind == "missing_table":
        c.tables["08"] = {
            "state": TableState.NOT_PROVIDED,
            "statement": "",
            "unit": "",
            "rows": [],
            "printed_title": "",
            "printed_department": "",
        }
        return [("structure.tables", "08", "", "")]
    if kind == "code_format":
        rows = c.tables["05"]["rows"]
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
            ("catalogue.code_format", "05", row["key"], "name"),
            ("catalogue.parent", "05", children[0]["key"], "name"),
        ]
    if kind == "score":
        project = perf["projects"][0]
        indicator = next(i for i in project["indicators"] if i["score"] == i["weight"])
        indicator["score"] += 1
        project["total_score"] += 1
        return [("performance.scores", "12", f"p0-i{indicator['position']}", "score")]
    raise ValueError(f"unknown kind of error {kind!r}")


# ------------------------------------------------------------------ texts and performance
def narratives(year: int, facts: dict) -> list[dict]:
    def wan(value: Decimal) -> str:
        return f"{to_wan(value)}"

    s = facts["sangong"]
    return [
        {
            "heading": "一、部门基本情况",
            "subheading": "(一) 部门整体收支情况",
            "body": (
                f"{year}年本年支出合计{wan(facts['spend'] + facts['other'])}万元，"
                f"其中基本支出{wan(facts['basic'])}万元、"
                f"项目支出{wan(facts['project'] + facts['other'])}万元。"
                f"年末结转和结余{wan(facts['closing'])}万元。"
            ),
        },
        {
            "heading": "一、部门基本情况",
            "subheading": "(二) 严控“三公经费”支出情况",
            "body": (
                f"{year}年“三公”经费支出{wan(s['sangong_total'])}万元，"
                f"其中公务接待费{wan(s['hospitality'])}万元，"
                f"公务用车运行维护费{wan(s['vehicle_running'])}万元；"
                f"因公出国（境）未产生费用。机关运行经费{wan(s['running'])}万元。"
            ),
        },
        {"heading": "二、其他需说明的情况", "subheading": "", "body": "无其他需要说明的情况。"},
    ]


def performance(rng: random.Random, name: str, facts: dict) -> dict:
    budget = _hundreds(rng, 200_000, 900_000)
    executed = budget - _hundreds(rng, 0, 20_000)
    rate = round_half_up(executed / budget * 100)
    fund_score = round_half_up(Decimal(10) * executed / budget)
    weights = [Decimal(30), Decimal(20), Decimal(20), Decimal(20)]
    scores = [Decimal(30), Decimal(20), Decimal(18), Decimal(20)]
    indicators = [
        {"position": i, "level1": l1, "level2": l2, "level3": l3, "weight": w, "score": s}
        for i, ((l1, l2, l3), w, s) in enumerate(
            zip(
                [
                    ("产出指标", "数量指标", "办理信访事项"),
                    ("产出指标", "时效指标", "按期办结率"),
                    ("效益指标", "社会效益", "群众合法权益得到维护"),
                    ("满意度指标", "服务对象满意度", "服务对象满意度"),
                ],
                weights,
                scores,
                strict=True,
            )
        )
    ]
    total_score = sum(scores, ZERO) + fund_score
    grade = next(
        g for floor, g in ((90, "优"), (80, "良"), (60, "中"), (0, "差")) if total_score >= floor
    )
    tasks = []
    for i, task in enumerate(("信息系统运行维护", "信访事项专项救助")):
        approved = _hundreds(rng, 100_000, 1_000_000) / 10000
        actual = approved
        tasks.append(
            {
                "position": i,
                "name": task,
                "level": "本级",
                "approved_total": approved,
                "approved_fiscal": approved,
                "actual": actual,
                "execution_rate": round_half_up(actual / approved * 100),
            }
        )
    return {
        "overall": {"preparer": name, "tasks": tasks},
        "projects": [
            {
                "name": "信访事项专项救助资金",
                "budget": budget,
                "executed": executed,
                "rate": rate,
                "fund_score": fund_score,
                "indicators": indicators,
                "total_weight": Decimal(100),
                "total_score": total_score,
                "grade": grade,
            }
        ],
    }


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
            digest = hashlib.sha256(f"{prefix}:{dept.code}:{fy.year}".encode()).hexdigest()
            disclosure = Disclosure(
                department=dept,
                year=fy,
                layout=LAYOUT,
                status=Status.PUBLISHED if publish else Status.DRAFT,
                published_at=now if publish else None,
                content_digest=digest,
                source_name="synthetic",
            )
            pending.append((disclosure, content, facts, perf, planted))
    Disclosure.objects.bulk_create([p[0] for p in pending])
    _write(pending)
    for disclosure, _content, _facts, _perf, planted in pending:
        result.disclosures.append(disclosure)
        if planted is not None:
            result.planted.append(Planted(disclosure.pk, planted[0], planted[1]))
    if publish:
        public_pages_changed()
    return result


def _write(pending) -> None:
    tables, rows, amounts = [], [], []
    narrative_rows, overalls, projects = [], [], []
    for disclosure, content, facts, perf, _planted in pending:
        for number, data in content.tables.items():
            tables.append(
                DisclosureTable(
                    disclosure=disclosure,
                    number=number,
                    state=data["state"],
                    statement=data["statement"],
                    unit=data["unit"],
                    printed_department=data.get("printed_department", ""),
                    printed_title=data.get("printed_title", ""),
                )
            )
        for i, n in enumerate(narratives(disclosure.year_id, facts)):
            narrative_rows.append(
                NarrativeSection(disclosure=disclosure, table_number="10", position=i, **n)
            )
        overalls.append(
            OverallPerformance(
                disclosure=disclosure,
                preparer=perf["overall"]["preparer"],
                duties="负责受理群众来信来访，协调处理信访事项。",
                overall_goal="依法维护群众合法权益，促进社会和谐稳定。",
                amount_unit="万元",
            )
        )
        for p_index, p in enumerate(perf["projects"]):
            projects.append(
                ProjectEvaluation(
                    disclosure=disclosure,
                    position=p_index,
                    name=p["name"],
                    competent_department=perf["overall"]["preparer"],
                    implementing_unit=perf["overall"]["preparer"],
                    goal="及时救助特殊困难信访群众。",
                    total_weight=p["total_weight"],
                    total_score=p["total_score"],
                    grade=p["grade"],
                )
            )
    tables = DisclosureTable.objects.bulk_create(tables)
    by_key = {(t.disclosure_id, t.number): t for t in tables}
    for disclosure, content, *_rest in pending:
        for number, data in content.tables.items():
            table = by_key[(disclosure.pk, number)]
            for r in data["rows"]:
                rows.append(
                    TableRow(
                        table=table,
                        position=r["position"],
                        side=r["side"],
                        key=r["key"],
                        code=r["code"],
                        name=r["name"],
                        line_no=r["line_no"],
                        is_total=r["is_total"],
                    )
                )
                amounts.append(r["amounts"])
    rows = TableRow.objects.bulk_create(rows, batch_size=5000)
    Amount.objects.bulk_create(
        [
            Amount(row=row, column=column, value=value, mark=mark)
            for row, cells in zip(rows, amounts, strict=True)
            for column, (value, mark) in cells.items()
        ],
        batch_size=5000,
    )
    NarrativeSection.objects.bulk_create(narrative_rows, batch_size=5000)
    overalls = OverallPerformance.objects.bulk_create(overalls, batch_size=5000)
    projects = ProjectEvaluation.objects.bulk_create(projects, batch_size=5000)
    tasks, funds, indicators = [], [], []
    by_disclosure = {p.disclosure_id: p for p in projects}
    for overall, (disclosure, _c, _f, perf, _planted) in zip(overalls, pending, strict=True):
        for t in perf["overall"]["tasks"]:
            tasks.append(KeyTask(overall=overall, **t))
        project = by_disclosure[disclosure.pk]
        p = perf["projects"][0]
        funds.append(
            ProjectFund(
                project=project,
                source="total",
                label="项目资金(元)",
                budget_initial=p["budget"],
                budget_full_year=p["budget"],
                executed=p["executed"],
                weight=Decimal(10),
                execution_rate=p["rate"],
                score=p["fund_score"],
            )
        )
        funds.append(
            ProjectFund(
                project=project,
                source="current",
                label="其中：当年财政拨款",
                budget_initial=p["budget"],
                budget_full_year=p["budget"],
                executed=p["executed"],
            )
        )
        for i in p["indicators"]:
            indicators.append(
                Indicator(
                    disclosure=disclosure,
                    project=project,
                    position=i["position"],
                    level1=i["level1"],
                    level2=i["level2"],
                    level3=i["level3"],
                    weight=i["weight"],
                    score=i["score"],
                )
            )
    KeyTask.objects.bulk_create(tasks, batch_size=5000)
    ProjectFund.objects.bulk_create(funds, batch_size=5000)
    Indicator.objects.bulk_create(indicators, batch_size=5000)


# ------------------------------------------------------------------ a whole province
SYNTHETIC_PROVINCE = ("990000", "合成省")  # 99: no real province has this code


@dataclass
class ProvinceGenerated:
    regions: int = 0
    departments: int = 0
    disclosures: int = 0
    skipped_regions: int = 0
    states: dict[str, int] = field(default_factory=dict)


def province_regions(*, cities: int, counties: int):
    """The synthetic province's tree: 990000 合成省, cities 99CC00 合成市CC, and `counties`
    counties 99CCNN spread evenly over the cities. Created where missing; returned from
    the top down (province, then each city followed by its counties)."""
    from disclosure.models import Region

    if not 1 <= cities <= 99 or counties < 0 or counties > cities * 99:
        raise ValueError("cities 1–99, counties 0–99 per city")
    code, name = SYNTHETIC_PROVINCE
    province, _created = Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": "province"}
    )
    tree = [province]
    for c in range(1, cities + 1):
        city, _created = Region.objects.get_or_create(
            code=f"99{c:02d}00",
            defaults={"name": f"合成市{c:02d}", "level": "city", "parent": province},
        )
        tree.append(city)
        share = counties // cities + (1 if c <= counties % cities else 0)
        for n in range(1, share + 1):
            county, _created = Region.objects.get_or_create(
                code=f"99{c:02d}{n:02d}",
                defaults={
                    "name": f"合成市{c:02d}县{n:02d}",
                    "level": "county",
                    "parent": city,
                },
            )
            tree.append(county)
    return tree


def generate_province(
    *,
    cities: int = 16,
    counties: int = 130,
    departments: int = 50,
    years: int = 3,
    seed: int = 1,
    first_year: int = 2021,
    late: float = 0.1,
    missing: float = 0.05,
    content: bool = True,
    progress=None,
) -> ProvinceGenerated:
    """A province for the region pages and the coverage board: every region of
    `province_regions` gets `departments` synthetic departments (本级) with `years` years
    each, published; then a share `late` is approved more than 20 days before publication,
    a share `missing` is left approved and unpublished, the rest published on time.

    Each region's departments come from one `generate` call with its own seed
    (seed × 1000 + the region's place in the tree), so a run that stopped half-way resumes:
    a region whose departments exist already is skipped.

    `content=False` writes no table content: each disclosure gets its layout's tables as
    records (state "provided") and no rows or amounts — what the region pages, the coverage
    board and search read, at a fraction of the time, for measuring those at full scale.
    Those disclosures' own pages show empty tables."""
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    from disclosure.coverage import State

    result = ProvinceGenerated()
    tree = province_regions(cities=cities, counties=counties)
    result.regions = len(tree)
    rng = random.Random(seed)
    for index, region in enumerate(tree):
        region_seed = seed * 1000 + index
        if Department.objects.filter(code__startswith=f"syn{region_seed}-").exists():
            result.skipped_regions += 1
            continue
        if content:
            generated = generate(
                departments=departments, years=years, seed=region_seed, first_year=first_year
            )
        else:
            generated = _generate_records(
                departments=departments,
                years=years,
                seed=region_seed,
                first_year=first_year,
                region=region,
            )
        Department.objects.filter(code__startswith=f"syn{region_seed}-").update(
            region=region, name=Concat(Value(region.name), F("name"))
        )
        changed = []
        for disclosure in generated.disclosures:
            draw = rng.random()
            published_on = timezone.localdate(disclosure.published_at)
            if draw < missing:
                disclosure.status = Status.APPROVED
                disclosure.published_at = None
                disclosure.approved_on = published_on - timedelta(days=rng.randint(1, 10))
                state = State.MISSING
            elif draw < missing + late:
                disclosure.approved_on = published_on - timedelta(days=rng.randint(21, 60))
                state = State.LATE
            else:
                disclosure.approved_on = published_on - timedelta(days=rng.randint(0, 20))
                state = State.ON_TIME
            result.states[state] = result.states.get(state, 0) + 1
            changed.append(disclosure)
        Disclosure.objects.bulk_update(
            changed, ["status", "published_at", "approved_on"], batch_size=500
        )
        result.departments += departments
        result.disclosures += len(generated.disclosures)
        if progress is not None:
            progress(index + 1, len(tree), region)
    public_pages_changed()
    return result


def _generate_records(
    *, departments: int, years: int, seed: int, first_year: int, region
) -> Generated:
    """Departments syn<seed>-NNNN of `region` with published disclosures whose tables are
    records only."""
    from disclosure.models import DisclosureTable

    now = timezone.now()
    years_ = [FiscalYear.objects.get_or_create(year=first_year + y)[0] for y in range(years)]
    prefix = f"syn{seed}"
    depts = Department.objects.bulk_create(
        [
            Department(code=f"{prefix}-{i + 1:04d}", name=f"合成部门{i + 1:04d}", region=region)
            for i in range(departments)
        ]
    )
    disclosures = Disclosure.objects.bulk_create(
        [
            Disclosure(
                department=dept,
                year=fy,
                layout=LAYOUT,
                status=Status.PUBLISHED,
                published_at=now,
                content_digest=hashlib.sha256(
                    f"{prefix}:{dept.code}:{fy.year}".encode()
                ).hexdigest(),
                source_name="synthetic (records only)",
            )
            for dept in depts
            for fy in years_
        ]
    )
    numbers = [t.number for t in get_layout(LAYOUT).tables]
    DisclosureTable.objects.bulk_create(
        [
            DisclosureTable(disclosure=d, number=n, state=TableState.PROVIDED)
            for d in disclosures
            for n in numbers
        ],
        batch_size=2000,
    )
    return Generated(disclosures=disclosures)
