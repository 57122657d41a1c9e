"""Search on PostgreSQL: the pg_trgm extension and trigram GIN indexes on what the public
search matches by substring (department names, table row names), so a query of three or more
characters finds its rows through an index instead of reading every row of every table.

Each index is on exactly the expression the search's case-insensitive match compares
(`UPPER(… ::text) LIKE UPPER('%q%')`, row names with their curly quotes removed), or the
planner could not use it. On SQLite every operation here does nothing: the search there is
the same substring match, by scanning."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "department_name_trgm": (
        "disclosure_department",
        "UPPER((name)::text)",
    ),
    "table_row_name_trgm": (
        "disclosure_tablerow",
        "UPPER((REPLACE(REPLACE(name, '“', ''), '”', ''))::text)",
    ),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0006_departments_to_default_region"),
    ]

    operations = [
        # Django's extension operation is itself a no-op on any other database.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
