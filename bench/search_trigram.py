"""Content search on PostgreSQL with and without the trigram indexes (migration 0007).

    .venv/bin/python bench/search_trigram.py [--departments 40] [--copies 150]

Its own database (default postgres://postgres@127.0.0.1:5432/portal_search_bench,
`--database-url` to change), created when missing and filled afresh each run: the seed
(published) and `--departments` synthetic disclosures, then every table row copied
`--copies` times with a numbered name and an amount, so that the search reads well over a
million rows (a province's worth; no other part of the portal is meaningful on this data).
Times the search (`selectors.disclosure_search`) and its row match (`rows_matching`),
best of 5, with the planner free to use the trigram indexes and with bitmap scans — the
only way a GIN index is read — turned off.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from scale_postgres import django_setup, ensure_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_search_bench"
QUERIES = ["信访事务", "2010308", "三公", "不存在的科目"]


def fill(departments: int, copies: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from accounts.actors import system_actor
    from disclosure.importing.services import workbook_import

    call_command("flush", interactive=False, verbosity=0)
    seed = ROOT / "disclosure" / "data" / "seeds" / "yuxi-xinfang-2021.txt"
    workbook_import(
        actor=system_actor(),
        data=seed.read_bytes(),
        department_code="yuxi-xinfang",
        year=2021,
        publish=True,
    )
    call_command("generate_synthetic", departments=departments, years=1, seed=1, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO disclosure_tablerow"
            " (table_id, position, side, key, code, name, line_no, is_total)"
            " SELECT table_id, position + 1000 * g, side, key || '-' || g, code, name || g,"
            " line_no, is_total FROM disclosure_tablerow, generate_series(1, %s) g",
            [copies],
        )
        cursor.execute(
            'INSERT INTO disclosure_amount (row_id, "column", value, mark, source)'
            " SELECT id, 'total', 1, '', '' FROM disclosure_tablerow WHERE key LIKE '%%-%%'"
        )
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM disclosure_tablerow")
        print(f"{cursor.fetchone()[0]:,} table rows")


def best_ms(run, repeat: int = 5) -> float:
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def measure() -> None:
    from django.db import connection

    from disclosure.selectors import disclosure_search, rows_matching

    print("| query | search, indexes | search, no index | row match, indexes | no index |")
    print("|---|---:|---:|---:|---:|")
    for q in QUERIES:
        line = []
        for what in ("search", "rows"):
            for bitmap in ("on", "off"):
                with connection.cursor() as cursor:
                    cursor.execute(f"SET enable_bitmapscan = {bitmap}")
                if what == "search":
                    ms = best_ms(lambda q=q: list(disclosure_search(q=q)))
                else:
                    ms = best_ms(lambda q=q: rows_matching(q).count())
                line.append(f"{ms:,.0f} ms")
        print(f"| {q} | " + " | ".join(line) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--departments", type=int, default=40)
    parser.add_argument("--copies", type=int, default=150)
    args = parser.parse_args()
    ensure_database(args.database_url)
    django_setup(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fill(args.departments, args.copies)
    measure()


if __name__ == "__main__":
    main()
