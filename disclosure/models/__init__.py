from disclosure.models.audit import AuditEvent
from disclosure.models.checks import CheckRun, Finding, FindingExplanation
from disclosure.models.classification import Catalogue, ClassificationCode
from disclosure.models.organisation import Department, FiscalYear
from disclosure.models.pdfs import PdfBuild, PdfState
from disclosure.models.performance import (
    Indicator,
    KeyTask,
    OverallPerformance,
    ProjectEvaluation,
    ProjectFund,
    YearlyGoal,
)
from disclosure.models.regions import Region, RegionLevel
from disclosure.models.statements import (
    Amount,
    Disclosure,
    DisclosureSummary,
    DisclosureTable,
    NarrativeSection,
    TableRow,
    TextFigure,
)

__all__ = [
    "Amount",
    "AuditEvent",
    "Catalogue",
    "CheckRun",
    "ClassificationCode",
    "Department",
    "Disclosure",
    "DisclosureSummary",
    "DisclosureTable",
    "Finding",
    "FindingExplanation",
    "FiscalYear",
    "Indicator",
    "KeyTask",
    "NarrativeSection",
    "OverallPerformance",
    "PdfBuild",
    "PdfState",
    "ProjectEvaluation",
    "ProjectFund",
    "Region",
    "RegionLevel",
    "TableRow",
    "TextFigure",
    "YearlyGoal",
]
