"""Reading what is stored, for assertions."""

from decimal import Decimal

from disclosure.models import Amount, Disclosure, TableRow


def amount(disclosure: Disclosure, number: str, key: str, column: str) -> Decimal | None:
    found = Amount.objects.filter(
        row__table__disclosure=disclosure, row__table__number=number, row__key=key, column=column
    ).first()
    return found.value if found else None


def mark(disclosure: Disclosure, number: str, key: str, column: str) -> str:
    found = Amount.objects.filter(
        row__table__disclosure=disclosure, row__table__number=number, row__key=key, column=column
    ).first()
    return found.mark if found else ""


def rows(disclosure: Disclosure, number: str) -> list[TableRow]:
    return list(
        TableRow.objects.filter(table__disclosure=disclosure, table__number=number).order_by(
            "side", "position"
        )
    )


def snapshot(disclosure: Disclosure) -> dict:
    """Every stored fact of a disclosure's content, ids left out: equal snapshots mean
    identical data."""
    tables = {}
    for table in disclosure.tables.order_by("number"):
        tables[table.number] = {
            "state": table.state,
            "statement": table.statement,
            "notes": table.notes,
            "unit": table.unit,
            "printed_department": table.printed_department,
            "rows": [
                (
                    r.side,
                    r.position,
                    r.key,
                    r.code,
                    r.name,
                    r.line_no,
                    r.is_total,
                    sorted((a.column, str(a.value), a.mark) for a in r.amounts.all()),
                )
                for r in table.rows.order_by("side", "position")
            ],
        }
    overall = getattr(disclosure, "overall_performance", None)
    return {
        "tables": tables,
        "narratives": list(
            disclosure.narratives.values_list("table_number", "heading", "subheading", "body")
        ),
        "overall": None
        if overall is None
        else {
            "duties": overall.duties,
            "goal": overall.overall_goal,
            "goals": list(overall.goals.values_list("year", "goal", "result")),
            "tasks": [
                tuple(str(v) for v in t)
                for t in overall.tasks.values_list(
                    "name", "level", "approved_total", "actual", "execution_rate", "reason"
                )
            ],
        },
        "projects": [
            {
                "name": p.name,
                "funds": [
                    tuple(str(v) for v in f)
                    for f in p.funds.order_by("source").values_list(
                        "source", "budget_initial", "budget_full_year", "executed", "weight"
                    )
                ],
                "total": (str(p.total_weight), str(p.total_score), p.grade),
            }
            for p in disclosure.projects.order_by("position")
        ],
        "indicators": [
            tuple(str(v) for v in i)
            for i in disclosure.indicators.order_by("project__position", "position").values_list(
                "project__position",
                "level1",
                "level2",
                "level3",
                "nature",
                "target",
                "unit",
                "actual",
                "weight",
                "score",
                "deviation",
            )
        ],
    }


def import_file(*, actor=None, **kwargs):
    """`workbook_import` as the command line does it (the system actor) unless an actor is
    given: the tests' way to put a document in the database."""
    from accounts.actors import system_actor
    from disclosure.importing.services import workbook_import

    return workbook_import(actor=actor or system_actor(), **kwargs)
