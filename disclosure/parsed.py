"""The parts of a disclosure's content as plain values (`content.DisclosureContent` holds
them): a table's rows and their amounts as printed, the 说明, the figures read from them,
and the performance self-evaluations. `location`, `sources` and `regions` say where a
part was read; they are not content (see `content.NOT_CONTENT`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from disclosure.importing.errors import Location

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
    # A PDF's page → the box (x0, top, x1, bottom, in points) its rows were read from;
    # provenance, not content: left out of the digest.
    regions: dict[int, tuple[float, float, float, float]] = field(
        default_factory=dict, compare=False
    )

    @property
    def has_amounts(self) -> bool:
        return any(value is not None for row in self.rows for value, _ in row.amounts.values())


@dataclass
class ParsedNarrative:
    """A text section, in the order the document gives it."""

    table_number: str
    heading: str
    subheading: str
    body: str


@dataclass
class ParsedTextFigure:
    """A figure printed only in a 说明, as `disclosure.textfigures` reads it: the value in
    the declared unit (None: the phrase is there, the number could not be read — `note`
    says why), as printed, and where: the section's key, the text's position, its heading
    and the sentence."""

    key: str
    label: str
    unit: str
    value: Decimal | None
    printed: str
    section: str
    narrative_position: int
    heading: str
    sentence: str
    note: str = ""


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
