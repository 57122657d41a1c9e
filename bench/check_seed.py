"""Checking the seed disclosure, timed against merely loading its rows.

    .venv/bin/python bench/check_seed.py [--repeat 200]

Reference (measured in the same run): load_cells — the one query that reads every row and
amount of the disclosure. Then: load_context (everything the rules read), run_checks (that
load plus every rule, in memory) and checks_run (the same, plus storing the run and its
findings).
"""

import argparse
import statistics
from pathlib import Path

from _throwaway_db import ROOT, django_with_empty_database, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    django_with_empty_database()

    from accounts.actors import system_actor
    from disclosure.checks.engine import run_checks
    from disclosure.checks.loader import load_cells, load_context
    from disclosure.checks.services import checks_run
    from disclosure.importing.services import workbook_import
    from disclosure.synthetic import load_catalogues

    load_catalogues(2021)
    seed = Path(ROOT, "disclosure", "data", "seeds", "yuxi-xinfang-2021.txt")
    disclosure = workbook_import(
        actor=system_actor(), data=seed.read_bytes(), department_code="yuxi-xinfang", year=2021
    ).disclosure
    cells = load_cells(disclosure.pk)
    rows = sum(len(r) for r in cells.values())
    amounts = sum(len(row.cells) for r in cells.values() for row in r)

    load = statistics.median(timed(lambda: load_cells(disclosure.pk), repeat=args.repeat))
    context = statistics.median(timed(lambda: load_context(disclosure), repeat=args.repeat))
    check = statistics.median(timed(lambda: run_checks(disclosure), repeat=args.repeat))
    store = statistics.median(
        timed(lambda: checks_run(disclosure=disclosure), repeat=max(args.repeat // 4, 1))
    )
    findings = len(run_checks(disclosure).issues)
    print(f"seed: {rows} rows, {amounts} cells, {findings} findings; median of {args.repeat} runs")
    print(f"  load rows (reference)     {load * 1000:8.2f} ms   1.0×")
    print(f"  load_context              {context * 1000:8.2f} ms  {context / load:5.1f}×")
    print(f"  run_checks                {check * 1000:8.2f} ms  {check / load:5.1f}×")
    print(f"  checks_run (and store)    {store * 1000:8.2f} ms  {store / load:5.1f}×")


if __name__ == "__main__":
    main()
