"""The stored summary of each disclosure (disclosure/summaries.py): the migration that
introduced it summarises every disclosure that already existed."""

from datetime import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("disclosure", "0007_search_trigram_indexes")]
AFTER = [("disclosure", "0008_disclosure_summaries")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_summarises_every_disclosure_that_already_exists(city):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        Department = apps.get_model("disclosure", "Department")
        Disclosure = apps.get_model("disclosure", "Disclosure")
        DisclosureTable = apps.get_model("disclosure", "DisclosureTable")
        CheckRun = apps.get_model("disclosure", "CheckRun")
        Finding = apps.get_model("disclosure", "Finding")
        FiscalYear = apps.get_model("disclosure", "FiscalYear")
        year = FiscalYear.objects.create(year=2021)
        department = Department.objects.create(code="yuxi-a", name="玉溪市甲局", region_id=city.pk)
        published_at = timezone.make_aware(datetime(2022, 6, 1, 12))

        def disclosure(version, states):
            d = Disclosure.objects.create(
                department=department,
                year=year,
                version=version,
                layout="yunnan-2021",
                status="published",
                published_at=published_at,
            )
            DisclosureTable.objects.bulk_create(
                DisclosureTable(disclosure=d, number=f"{i + 1:02d}", state=state, statement=said)
                for i, (state, said) in enumerate(states)
            )
            return d

        # Eleven tables with content, one empty without its statement; checked, one error.
        first = disclosure(1, [("provided", "")] * 11 + [("empty", "")])
        old_run = CheckRun.objects.create(disclosure=first)
        Finding.objects.create(run=old_run, disclosure=first, position=0, severity="error")
        CheckRun.objects.create(disclosure=first)  # the latest run: clean
        # Every table accounted for (one exempt, one empty with its statement); never checked.
        second = disclosure(2, [("provided", "")] * 10 + [("exempt", ""), ("empty", "不涉及。")])

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        Summary = executor.loader.project_state(AFTER).apps.get_model(
            "disclosure", "DisclosureSummary"
        )
        summaries = {
            s.disclosure_id: (s.tables, s.filled_tables, s.errors) for s in Summary.objects.all()
        }
        assert summaries == {first.pk: (12, 11, 0), second.pk: (12, 12, None)}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.parametrize("state", ["provided", "empty", "not_provided", "exempt"])
@pytest.mark.parametrize("statement", ["", "本部门无政府性基金收支。"])
def test_a_table_in_hand_counts_as_filled_exactly_when_the_database_counts_it(state, statement):
    from disclosure.models import DisclosureTable
    from disclosure.summaries import FILLED, is_filled

    table = DisclosureTable(state=state, statement=statement)
    assert is_filled(state, statement) is _matches(FILLED, table)


def _matches(q, obj) -> bool:
    """Whether `obj` satisfies the Q object `q` (its children: field lookups `x` and
    `x__in`, AND/OR, negation), evaluated on the instance."""
    results = []
    for child in q.children:
        if hasattr(child, "children"):
            results.append(_matches(child, obj))
            continue
        lookup, value = child
        name, _, op = lookup.partition("__")
        have = getattr(obj, name)
        results.append(have in value if op == "in" else have == value)
    result = all(results) if q.connector == "AND" else any(results)
    return not result if q.negated else result


@pytest.mark.django_db
@pytest.mark.parametrize("source", ["seed", "pdf"])
def test_the_summary_the_checks_store_is_the_one_read_back_from_the_records(source, seed_bytes):
    from disclosure.models import DisclosureSummary, DisclosureTable
    from disclosure.summaries import summary_values
    from tests.helpers import import_file, import_real
    from tests.test_import_pdf import CAIZHENGJU

    if source == "seed":
        disclosure = import_file(
            data=seed_bytes, department_code="yuxi-b", department_name="玉溪市乙局", year=2021
        ).disclosure
    else:
        disclosure = import_real(CAIZHENGJU)
    # One table empty with its statement and one empty without: both kinds are counted.
    tables = list(DisclosureTable.objects.filter(disclosure=disclosure).order_by("number"))
    assert len(tables) >= 2
    DisclosureTable.objects.filter(pk=tables[0].pk).update(state="empty", statement="无数据。")
    DisclosureTable.objects.filter(pk=tables[1].pk).update(state="empty", statement="")
    from disclosure.checks.services import checks_run

    run = checks_run(disclosure=disclosure)
    stored = DisclosureSummary.objects.get(disclosure=disclosure)
    computed = summary_values([disclosure.pk])[disclosure.pk]
    assert (stored.tables, stored.filled_tables, stored.errors) == (
        computed.tables,
        computed.filled_tables,
        computed.errors,
    )
    assert stored.errors == run.findings.filter(severity="error").count() > 0
