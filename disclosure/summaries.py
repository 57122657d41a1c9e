"""Each disclosure's stored summary (`DisclosureSummary`): how many of its layout's tables
are published — with content, empty with their statement, or recorded as exempt (涉密) —
and how many errors its latest check run found (none stored: never checked).

`summary_values` computes them from the records, in a constant number of queries for any
number of disclosures; `summaries_refresh` stores them. The content codec, `checks_run` and
publishing call `summaries_refresh` inside their own transactions, so a summary commits
together with what it summarises and no reader sees one without the other. The coverage
board reads the stored rows and computes the few that are missing (rows written before the
summary existed) with `summary_values`, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, OuterRef, Q, Subquery

from disclosure.layouts import get_layout
from disclosure.models import CheckRun, Disclosure, DisclosureSummary, DisclosureTable, Finding
from disclosure.models.checks import Severity
from disclosure.models.statements import TableState

BATCH = 500

FILLED = Q(state__in=[TableState.PROVIDED, TableState.EXEMPT]) | (
    Q(state=TableState.EMPTY) & ~Q(statement="")
)


def summary_values(disclosure_ids: Iterable[int]) -> dict[int, DisclosureSummary]:
    """Each disclosure's summary as computed now (unsaved), keyed by the disclosure's id."""
    ids = list(disclosure_ids)
    result: dict[int, DisclosureSummary] = {}
    for start in range(0, len(ids), BATCH):
        result.update(_batch(ids[start : start + BATCH]))
    return result


def _batch(ids: list[int]) -> dict[int, DisclosureSummary]:
    latest_run = (
        CheckRun.objects.filter(disclosure=OuterRef("pk")).order_by("-ran_at", "-id").values("pk")
    )
    disclosures = list(
        Disclosure.objects.filter(pk__in=ids)
        .annotate(run_id=Subquery(latest_run[:1]))
        .values_list("pk", "layout", "run_id")
    )
    filled = dict(
        DisclosureTable.objects.filter(FILLED, disclosure_id__in=ids)
        .values_list("disclosure_id")
        .annotate(n=Count("id"))
        .values_list("disclosure_id", "n")
    )
    runs = [run for _pk, _layout, run in disclosures if run is not None]
    errors = dict(
        Finding.objects.filter(run_id__in=runs, severity=Severity.ERROR)
        .values_list("run_id")
        .annotate(n=Count("id"))
        .values_list("run_id", "n")
    )
    return {
        pk: DisclosureSummary(
            disclosure_id=pk,
            tables=len(get_layout(layout).tables),
            filled_tables=filled.get(pk, 0),
            errors=None if run is None else errors.get(run, 0),
        )
        for pk, layout, run in disclosures
    }


def is_filled(state: str, statement: str) -> bool:
    """`FILLED` for a table in hand rather than in the database."""
    return state in (TableState.PROVIDED, TableState.EXEMPT) or (
        state == TableState.EMPTY and statement != ""
    )


def summaries_refresh(disclosure_ids: Iterable[int]) -> None:
    """Store the summaries of these disclosures as their records stand now."""
    _store(summary_values(disclosure_ids).values())


def summary_store(
    disclosure: Disclosure, *, tables: Iterable[tuple[str, str]], errors: int
) -> None:
    """Store one disclosure's summary from what the caller holds: its layout's tables as
    (state, statement), as stored, and the errors of the run it has just stored (the checks,
    which have both in hand; the same values `summary_values` would read back)."""
    _store(
        [
            DisclosureSummary(
                disclosure_id=disclosure.pk,
                tables=len(get_layout(disclosure.layout).tables),
                filled_tables=sum(1 for state, statement in tables if is_filled(state, statement)),
                errors=errors,
            )
        ]
    )


def _store(summaries: Iterable[DisclosureSummary]) -> None:
    DisclosureSummary.objects.bulk_create(
        summaries,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["disclosure"],
        update_fields=["tables", "filled_tables", "errors", "updated_at"],
    )
