"""The building blocks of synthetic disclosures: the catalogue codes they use, random
amounts, and the table-by-table content being built (`Content`), before `synthetic.build`
assembles a disclosure from them."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from disclosure.catalogues import catalogue_load, read_catalogue_file
from disclosure.models import (
    Disclosure,
)
from disclosure.models.classification import Level, level_of
from disclosure.models.statements import TableState
from disclosure.money import ZERO, round_half_up, to_wan

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
