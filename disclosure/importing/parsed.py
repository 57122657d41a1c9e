"""What the parser reads out of a file, before anything touches the database."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from disclosure.importing.errors import Location

# Kept out of as_data and the digest: where things were, and what reading noticed.
NOT_CONTENT = frozenset({"location", "sources", "proof", "findings", "ignored_sheets"})

Cell = tuple[Decimal | None, str]  # (value, mark): (None, "—") is a printed dash


@dataclass
class ParsedRow:
    key: str
    position: int
    code: str = ""
    name: str = ""
    line_no: int | None = None
    is_total: bool = False
    side: int = 0
    amounts: dict[str, Cell] = field(default_factory=dict)
    # column key → where its amount was printed ("第 8 页第 5 行第 E 列 [x0,top,x1,bottom]");
    # provenance, not content: left out of the digest.
    sources: dict[str, str] = field(default_factory=dict, compare=False)
    location: Location = field(default=Location(), compare=False)


@dataclass
class ParsedTable:
    number: str
    state: str = "provided"  # provided | empty | not_provided | exempt
    statement: str = ""
    notes: str = ""
    unit: str = ""
    printed_department: str = ""
    printed_title: str = ""
    rows: list[ParsedRow] = field(default_factory=list)
    location: Location = field(default=Location(), compare=False)

    @property
    def has_amounts(self) -> bool:
        return any(value is not None for row in self.rows for value, _ in row.amounts.values())


@dataclass
class ParsedNarrative:
    table_number: str
    heading: str
    subheading: str
    body: str


@dataclass
class ParsedIndicator:
    level1: str = ""
    level2: str = ""
    level3: str = ""
    nature: str = ""
    target: str = ""
    unit: str = ""
    actual: str = ""
    weight: Decimal | None = None
    score: Decimal | None = None
    deviation: str = ""
    cells: list[str] = field(default_factory=list)


@dataclass
class ParsedGoal:
    year: str
    goal: str
    result: str


@dataclass
class ParsedTask:
    name: str
    level: str
    content: str
    approved_total: Decimal | None
    approved_fiscal: Decimal | None
    approved_other: Decimal | None
    actual: Decimal | None
    execution_rate: Decimal | None
    reason: str


@dataclass
class ParsedOverall:
    preparer: str = ""
    duties: str = ""
    overall_goal: str = ""
    other_matters: str = ""
    remarks: str = ""
    amount_unit: str = ""
    goals: list[ParsedGoal] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)
    indicators: list[ParsedIndicator] = field(default_factory=list)
    grid: list[list[str]] = field(default_factory=list)


@dataclass
class ParsedFund:
    source: str  # total | current | carryover | other
    label: str
    budget_initial: Decimal | None = None
    budget_full_year: Decimal | None = None
    executed: Decimal | None = None
    weight: Decimal | None = None
    execution_rate: Decimal | None = None
    score: Decimal | None = None


@dataclass
class ParsedProject:
    name: str = ""
    competent_department: str = ""
    implementing_unit: str = ""
    goal: str = ""
    goal_expected: str = ""
    goal_actual: str = ""
    total_weight: Decimal | None = None
    total_score: Decimal | None = None
    grade: str = ""
    other_matters: str = ""
    remarks: str = ""
    funds: list[ParsedFund] = field(default_factory=list)
    indicators: list[ParsedIndicator] = field(default_factory=list)
    grid: list[list[str]] = field(default_factory=list)


@dataclass
class ParsedDisclosure:
    layout: str
    tables: dict[str, ParsedTable] = field(default_factory=dict)
    narratives: list[ParsedNarrative] = field(default_factory=list)
    overall: ParsedOverall | None = None
    projects: list[ParsedProject] = field(default_factory=list)
    department_name: str = ""
    # The count-and-sum proof of the import (see parser._prove_nothing_lost); not content.
    proof: dict = field(default_factory=dict, compare=False)
    # What reading noticed without refusing (a 行次 that disagrees with its label); not content.
    findings: list[str] = field(default_factory=list, compare=False)
    # Sheets with no table and no amount (cover, 目录, notes), listed in the import result.
    ignored_sheets: list[str] = field(default_factory=list, compare=False)

    def as_data(self) -> dict:
        """Everything the file says, as plain data (locations left out)."""

        def plain(obj):
            if isinstance(obj, Decimal):
                return str(obj)
            if isinstance(obj, dict):
                return {k: plain(v) for k, v in obj.items() if k not in NOT_CONTENT}
            if isinstance(obj, list | tuple):
                return [plain(v) for v in obj]
            return obj

        return plain(asdict(self))

    def digest(self) -> str:
        """SHA-256 of the content: the same document in TSV or XLSX gives the same digest."""
        payload = json.dumps(self.as_data(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()
