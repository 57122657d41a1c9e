"""Importing a published PDF, against pdfplumber's own table extraction of the same pages.

    .venv/bin/python bench/import_pdf.py [--repeat 5] [--file PATH]

The document is the real 2024 final accounts of 上海市普陀区财政局 (25 pages, ONLYOFFICE),
from `shared/real/` beside the repository. Measured in one process on a throwaway SQLite
database, interleaved so that background load slows both alike:

- reference: `pdfplumber.open`, and on every page `find_tables()` and each table's
  `extract()` — the least any reader of the document's tables must do;
- import: `workbook_import` of the file as a new department's draft, layout detected —
  the reference's work, plus the text outside the tables read line by line (titles, units,
  statements, the 说明 and 名词解释), parsing, the count-and-sum proof, writing, checks;
- of which reading (`read_document`: nothing written).

Target: import ≤ 1.5 × reference.
"""

import argparse
import io
import statistics
from pathlib import Path

from _throwaway_db import ROOT, django_with_empty_database, once


def _document(path: str | None) -> Path:
    if path:
        return Path(path)
    name = "shanghai-putuo-caizhengju-2024-final-accounts.pdf"
    for parent in ROOT.parents:
        if (parent / "shared" / "real" / name).is_file():
            return parent / "shared" / "real" / name
    raise SystemExit("shared/real/ not found beside the repository; pass --file")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--file")
    args = parser.parse_args()
    django_with_empty_database()

    import pdfplumber

    from accounts.actors import system_actor
    from disclosure.importing.reader import read_document
    from disclosure.importing.services import workbook_import

    data = _document(args.file).read_bytes()

    def reference() -> None:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                for table in page.find_tables():
                    table.extract()

    counter = iter(range(1_000_000))

    def full_import() -> None:
        workbook_import(
            actor=system_actor(),
            data=data,
            filename="document.pdf",
            department_code=f"bench-{next(counter)}",
            department_name="基准测试局",
            year=2024,
            layout=None,
        )

    def read_only() -> None:
        read_document(data)

    for fn in (reference, full_import, read_only):
        fn()  # warm: modules imported, layouts read
    measured: dict[str, list[float]] = {"reference": [], "import": [], "read": []}
    for _ in range(args.repeat):
        measured["reference"].append(once(reference))
        measured["import"].append(once(full_import))
        measured["read"].append(once(read_only))

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
    ref = statistics.median(measured["reference"])
    print(f"PDF: {len(data) / 1024:.0f} KiB, {pages} pages; median of {args.repeat} runs each")
    print("| measurement | median | min | max | ratio to reference |")
    print("|---|---:|---:|---:|---:|")
    for label, key in [
        ("reference: pdfplumber finds and extracts every table", "reference"),
        ("import (read, parse, prove, write, audit, checks)", "import"),
        ("of which read_document (nothing written)", "read"),
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


if __name__ == "__main__":
    main()
