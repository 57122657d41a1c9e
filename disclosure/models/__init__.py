from disclosure.models.audit import AuditEvent
from disclosure.models.classification import Catalogue, ClassificationCode
from disclosure.models.organisation import Department, FiscalYear
from disclosure.models.performance import (
    Indicator,
    KeyTask,
    OverallPerformance,
    ProjectEvaluation,
    ProjectFund,
    YearlyGoal,
)
from disclosure.models.statements import (
    Amount,
    Disclosure,
    DisclosureTable,
    NarrativeSection,
    TableRow,
)

__all__ = [
    "Amount",
    "AuditEvent",
    "Catalogue",
    "ClassificationCode",
    "Department",
    "Disclosure",
    "DisclosureTable",
    "FiscalYear",
    "Indicator",
    "KeyTask",
    "NarrativeSection",
    "OverallPerformance",
    "ProjectEvaluation",
    "ProjectFund",
    "TableRow",
    "YearlyGoal",
]
