"""Benchmark: building the seed disclosure's full PDF, against WeasyPrint alone.

Measures, several times each, with the median reported:

- build: what publication does for the full PDF — read the disclosure, build the rows
  (`selectors.disclosure_tables`), render the print HTML, WeasyPrint, store the file;
- weasyprint: `weasyprint.HTML(string=html).write_pdf()` on the very same HTML;
- all PDFs: the whole publication build (the full PDF and one per table);
- rows and HTML: the build without WeasyPrint.

The ratio build / weasyprint is the cost of everything that is not WeasyPrint. The seed is
imported into a throwaway SQLite database in a temporary directory; nothing else is touched.

    .venv/bin/python bench/pdf_build.py [--repeat 7] [--fonttools]

`--fonttools` also times one render with WeasyPrint's fontTools subsetter instead of
HarfBuzz (what happens when libharfbuzz-subset0 is missing).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "disclosure" / "data" / "seeds" / "yuxi-xinfang-2021.txt"


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--fonttools", action="store_true")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="pdf-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(scratch / "media")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    import weasyprint
    from django.core.management import call_command
    from django.test import override_settings
    from pypdf import PdfReader
    from weasyprint.text import ffi

    from accounts.actors import system_actor
    from disclosure import pdf, selectors
    from disclosure.importing.services import workbook_import
    from disclosure.models import Disclosure

    call_command("migrate", verbosity=0)
    queued = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=queued):
        disclosure = workbook_import(
            actor=system_actor(),
            data=SEED.read_bytes(),
            department_code="yuxi-xinfang",
            year=2021,
            publish=True,
        ).disclosure

    def build_full() -> None:
        d = Disclosure.objects.select_related("department", "year").get(pk=disclosure.pk)
        views = selectors.disclosure_tables(d)
        pdf._store(pdf.pdf_name(d), pdf.html_to_pdf(pdf.disclosure_html(d, views=views)))

    html = pdf.disclosure_html(disclosure)

    def rows_and_html() -> None:
        d = Disclosure.objects.select_related("department", "year").get(pk=disclosure.pk)
        pdf.disclosure_html(d, views=selectors.disclosure_tables(d))

    def weasyprint_alone() -> None:
        weasyprint.HTML(string=html).write_pdf()

    start = time.perf_counter()
    build_full()  # cold: fonts found and loaded for the first time in this process
    cold = time.perf_counter() - start

    # Interleaved, so that a busy machine slows both alike.
    build, alone = [], []
    for _ in range(args.repeat):
        build += timed(build_full, 1)
        alone += timed(weasyprint_alone, 1)
    everything = timed(lambda: pdf.disclosure_pdf_build(disclosure=disclosure), 3)
    html_only = timed(rows_and_html, args.repeat)

    full = (scratch / "media" / pdf.pdf_name(disclosure)).read_bytes()
    pages = len(PdfReader(str(scratch / "media" / pdf.pdf_name(disclosure))).pages)
    med_build, med_alone = statistics.median(build), statistics.median(alone)

    print(f"WeasyPrint {weasyprint.__version__}, Python {platform.python_version()}, ", end="")
    print(f"HarfBuzz subsetting: {'yes' if ffi.harfbuzz_subset else 'no'}")
    print(f"Full PDF: {pages} pages, {len(full) / 1024:.0f} KiB; {args.repeat} repetitions")
    print()
    print("| measurement | median | min | max |")
    print("|---|---:|---:|---:|")
    for label, times in [
        ("build of the full PDF (rows + HTML + WeasyPrint + storage)", build),
        ("WeasyPrint alone on the same HTML", alone),
        ("rows and print HTML only (no WeasyPrint)", html_only),
        ("all PDFs of the disclosure (full + one per table), 3 runs", everything),
    ]:
        print(
            f"| {label} | {statistics.median(times):.2f} s | {min(times):.2f} s "
            f"| {max(times):.2f} s |"
        )
    print()
    print(f"cold first build: {cold:.2f} s")
    print(f"ratio build / WeasyPrint alone (medians): {med_build / med_alone:.3f}")
    ratios = [b / a for b, a in zip(build, alone, strict=True)]
    print(f"ratio per repetition: median {statistics.median(ratios):.3f}, ", end="")
    print(f"min {min(ratios):.3f}, max {max(ratios):.3f}")

    if args.fonttools:
        from weasyprint.pdf import fonts

        saved, fonts.harfbuzz_subset = fonts.harfbuzz_subset, None
        try:
            slow = timed(weasyprint_alone, 1)[0]
        finally:
            fonts.harfbuzz_subset = saved
        print(f"WeasyPrint alone with fontTools subsetting: {slow:.2f} s ", end="")
        print(f"({slow / med_alone:.0f}× the HarfBuzz median)")


if __name__ == "__main__":
    main()
