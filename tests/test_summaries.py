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
