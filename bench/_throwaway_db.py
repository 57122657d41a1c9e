"""A throwaway database for a benchmark: never the portal's own.

BENCH_DATABASE_URL names one (e.g. an empty PostgreSQL database); without it a fresh SQLite
file in a temporary directory is used and removed afterwards.
"""

import atexit
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_with_empty_database() -> None:
    sys.path.insert(0, str(ROOT))
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        folder = tempfile.mkdtemp(prefix="portal-bench-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        url = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(fn, *, repeat: int = 1) -> list[float]:
    """Seconds each of `repeat` calls took."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def once(fn) -> float:
    """Seconds one call took."""
    return timed(fn)[0]


SEED = ROOT / "disclosure" / "data" / "seeds" / "yuxi-xinfang-2021.txt"


def publish_seed():
    """The seed imported and published (PDF builds left queued), with the 2021 catalogues."""
    from django.test import override_settings

    from accounts.actors import system_actor
    from disclosure.importing.services import workbook_import
    from disclosure.synthetic import load_catalogues

    load_catalogues(2021)
    queued = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=queued):
        return workbook_import(
            actor=system_actor(),
            data=SEED.read_bytes(),
            department_code="yuxi-xinfang",
            year=2021,
            publish=True,
        ).disclosure
