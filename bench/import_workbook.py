"""Importing a department's workbook, against openpyxl merely reading the same file.

    .venv/bin/python bench/import_workbook.py [--repeat 15]

The workbook is the seed disclosure (玉溪市信访局 2021) in the published layout, as the
portal exports it (`/data/2021/yuxi-xinfang.xlsx`, which `import_disclosure` reads back to
identical data): the file a department uploads. Measured in one process on a throwaway
SQLite database, interleaved so that background load slows both alike:

- reference: `openpyxl.load_workbook(read_only=True, data_only=True)` and every cell of
  every sheet read (`iter_rows(values_only=True)`) — the least any importer must do;
- import: `workbook_import` of the file as a new department's draft — read, find the
  tables, parse every cell to Decimal, validate, write the rows in one transaction, audit
  row, and the reconciliation checks stored (what an upload does);
- of which parsing (`parse_file`: read + find + parse, nothing written);
- where an import's time goes: each stage timed inside `workbook_import` (reading the
  file, finding and parsing the tables, the content digest, writing the rows, loading what
  the checks read and running them;
  the rest is the department, year, version and audit rows and the transaction).

Target: import ≤ 3 × reference.

`--clock cpu` measures the CPU time of this process (`time.process_time`) instead of
elapsed time: on a machine shared with other work, elapsed times swing with the load while
CPU time does not. CPU time leaves out waiting (SQLite's commit to disk), so report which
clock a number was taken with.
"""

import argparse
import io
import statistics
import time

from _throwaway_db import django_with_empty_database, publish_seed

CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = time.perf_counter


def once(fn) -> float:
    """Seconds one call took, on the chosen clock."""
    start = clock()
    fn()
    return clock() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall")
    args = parser.parse_args()
    global clock
    clock = CLOCKS[args.clock]
    django_with_empty_database()

    import openpyxl

    from accounts.actors import system_actor
    from disclosure.importing.services import parse_file, workbook_import
    from disclosure.opendata.workbook import disclosure_workbook

    seeded = publish_seed()
    data = disclosure_workbook(seeded)

    def read_only() -> None:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for sheet in book.worksheets:
            for _row in sheet.iter_rows(values_only=True):
                pass
        book.close()

    counter = iter(range(1_000_000))

    def full_import() -> None:
        workbook_import(
            actor=system_actor(),
            data=data,
            filename="yuxi-xinfang.xlsx",
            department_code=f"bench-{next(counter)}",
            department_name="基准测试局",
            year=2021,
        )

    def parse_only() -> None:
        parse_file(data=data)

    for fn in (read_only, full_import, parse_only):
        fn()  # warm: modules imported, layout read
    measured: dict[str, list[float]] = {"reference": [], "import": [], "parse": []}
    for _ in range(args.repeat):
        measured["reference"].append(once(read_only))
        measured["import"].append(once(full_import))
        measured["parse"].append(once(parse_only))

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    cells = sum(1 for ws in book.worksheets for row in ws.iter_rows() for _c in row)
    ref = statistics.median(measured["reference"])
    print(
        f"workbook: {len(data) / 1024:.0f} KiB, {len(book.worksheets)} sheets, {cells} cells; "
        f"median of {args.repeat} runs each, {args.clock} clock"
    )
    print("| measurement | median | min | max | ratio to reference |")
    print("|---|---:|---:|---:|---:|")
    for label, key in [
        ("reference: openpyxl reads every cell", "reference"),
        ("import (parse, write, audit, checks)", "import"),
        ("of which parse_file (nothing written)", "parse"),
    ]:
        times = measured[key]
        med = statistics.median(times)
        print(
            f"| {label} | {med * 1000:.0f} ms | {min(times) * 1000:.0f} ms "
            f"| {max(times) * 1000:.0f} ms | {med / ref:.2f}× |"
        )
    pairs = [i / r for i, r in zip(measured["import"], measured["reference"], strict=True)]
    print(
        f"import / reference per repetition: median {statistics.median(pairs):.2f}, "
        f"min {min(pairs):.2f}, max {max(pairs):.2f}"
    )
    stages(full_import, ref, args.repeat)


def stages(full_import, ref: float, repeat: int) -> None:
    """Time each stage of `workbook_import` by wrapping the functions it calls."""
    from disclosure.content import DisclosureContent
    from disclosure.importing import reader, services

    spent: dict[str, list[float]] = {}

    def timer(owner, name: str, label: str) -> None:
        inner = getattr(owner, name)

        def timed_call(*args, **kwargs):
            start = clock()
            try:
                return inner(*args, **kwargs)
            finally:
                spent.setdefault(label, []).append(clock() - start)

        setattr(owner, name, timed_call)

    timer(reader, "read_sheets", "read the file (openpyxl and the importer's limits)")
    timer(reader, "parse_sheets", "find and parse the tables")
    timer(DisclosureContent, "digest", "content digest")
    timer(services, "content_write", "write tables, rows, amounts, texts")
    timer(services, "load_context", "load what the checks read (the content as written)")
    timer(services, "checks_run", "run and store the checks")
    totals = [once(full_import) for _ in range(repeat)]
    total = statistics.median(totals)
    print("\nwhere an import's time goes (medians):")
    print("| stage | time | share | ratio to reference |")
    print("|---|---:|---:|---:|")
    rest = total
    for label, times in spent.items():
        med = statistics.median(times)
        rest -= med
        print(f"| {label} | {med * 1000:.1f} ms | {med / total:.0%} | {med / ref:.2f}× |")
    print(
        f"| the rest (department, version, audit, transaction) | {rest * 1000:.1f} ms "
        f"| {rest / total:.0%} | {rest / ref:.2f}× |"
    )


if __name__ == "__main__":
    main()
