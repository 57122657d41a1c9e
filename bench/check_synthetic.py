"""Checking 1,000 synthetic disclosures, timed against merely loading their rows.

    .venv/bin/python bench/check_synthetic.py [--departments 1000] [--errors 0.1]

Reference (measured in the same run): load_cells for every disclosure, one by one — the
one query reading a disclosure's rows and amounts. Then load_context (everything the rules
read: rows, states, texts, performance tables, last year's tables), run_checks for every
disclosure (its context loaded, the year's catalogue read once for the batch), then
checks_run (the same, plus storing each run and its findings).
"""

import argparse

from _throwaway_db import django_with_empty_database, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=1000)
    parser.add_argument("--errors", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()
    django_with_empty_database()

    from disclosure.checks.engine import run_checks
    from disclosure.checks.loader import load_cells, load_context
    from disclosure.checks.services import checks_run
    from disclosure.synthetic import generate, load_catalogues

    load_catalogues(2021)
    result = {}
    (generated,) = timed(
        lambda: result.update(
            g=generate(departments=args.departments, seed=args.seed, errors=args.errors)
        )
    )
    disclosures = result["g"].disclosures
    planted = {p.disclosure_id: sorted(p.findings) for p in result["g"].planted}
    n = len(disclosures)

    (load,) = timed(lambda: [load_cells(d.pk) for d in disclosures])
    catalogues = {}
    (context,) = timed(lambda: [load_context(d, catalogues=catalogues) for d in disclosures])
    reports = {}

    def check_all():
        for d in disclosures:
            reports[d.pk] = run_checks(d, context=load_context(d, catalogues=catalogues))

    (check,) = timed(check_all)
    (store,) = timed(lambda: [checks_run(disclosure=d, catalogues=catalogues) for d in disclosures])
    found = sum(
        sorted(
            (i.rule, i.table, i.row_key, i.column_key)
            for i in reports[d.pk].issues
            if i.severity != "info"
        )
        == planted.get(d.pk, [])
        for d in disclosures
    )
    print(
        f"{n} synthetic disclosures generated in {generated:.1f} s; "
        f"{len(planted)} with a planted error; checks agree with the plan on {found}/{n}"
    )
    for name, seconds in (
        ("load rows (reference)", load),
        ("load_context", context),
        ("run_checks", check),
        ("checks_run (and store)", store),
    ):
        each = seconds / n * 1000
        print(f"  {name:<24} {seconds:7.2f} s  {each:7.2f} ms each  {seconds / load:5.1f}×")


if __name__ == "__main__":
    main()
