"""Province scale in PostgreSQL: 1,000 departments × 10 years, and release day.

    .venv/bin/python bench/scale_postgres.py setup    # once: database, data (about 5 min)
    .venv/bin/python bench/scale_postgres.py pages    # home, search, board vs /healthz
    .venv/bin/python bench/scale_postgres.py package  # the year's open-data package
    .venv/bin/python bench/scale_postgres.py release  # publish 200 at once, PDFs included

Its own database, never the portal's nor the tests' (default
postgres://postgres@127.0.0.1:5432/portal_bench, `--database-url` to change), created when
missing. `setup` fills it with synthetic disclosures (`disclosure.synthetic.generate`, in
chunks of 100 departments) plus 200 approved, unpublished disclosures for release day; it
skips what is there already.

`pages` serves the portal with gunicorn (2 workers, production settings, the Redis cache on
127.0.0.1:6379, database 2) and loads it with wrk on 127.0.0.1, interleaving /healthz with
each page so that background load slows both alike. Target: p50 of each page ≤ 3 × the p50
of /healthz under the same load. Also reported: the first, uncached request of each page.

`package` times the latest year's open-data package: the first request queues its build
(the year is too large to build in a request), the build runs (timed here, as a worker
would run it), then the package is served from storage.

`release` resets the 200 release-day disclosures to approved, starts two `db_worker`s
(niced; PDFs queued in the database) and the server, loads the portal with wrk before and
while the 200 are published one after another through `disclosure_publish`, then sends
steady light traffic (one request at a time, the new pages included) until every PDF is
built, and loads it with wrk once more. Reported: the publishing time, the time until the
last PDF, the latency and failures of each phase.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

from _server import ROOT, Gunicorn, collectstatic, median, portal_env, wrk

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
REDIS_URL = "redis://127.0.0.1:6379/2"
CHUNK = 100
RELEASE_SEED = 9999
FIRST_YEAR = 2021


def django_setup(url: str, **env: str) -> None:
    os.environ.update(DATABASE_URL=url, DJANGO_LOG_LEVEL="WARNING", **env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


# ------------------------------------------------------------------ setup
def setup(args) -> None:
    ensure_database(args.database_url)
    django_setup(args.database_url)
    from django.core.management import call_command
    from django.utils import timezone

    from disclosure.models import Department, Disclosure
    from disclosure.models.statements import Status
    from disclosure.synthetic import generate, load_catalogues

    call_command("migrate", verbosity=0)
    years = list(range(FIRST_YEAR, FIRST_YEAR + args.years))
    for year in years:
        load_catalogues(year)
    for chunk in range(args.departments // CHUNK):
        seed = chunk + 1
        if Department.objects.filter(code__startswith=f"syn{seed}-").exists():
            continue
        start = time.perf_counter()
        generate(departments=CHUNK, years=args.years, seed=seed)
        print(f"chunk {seed}: {CHUNK} × {args.years} in {time.perf_counter() - start:.0f} s")
    if not Department.objects.filter(code__startswith=f"syn{RELEASE_SEED}-").exists():
        generated = generate(
            departments=args.release,
            years=1,
            seed=RELEASE_SEED,
            first_year=years[-1],
            publish=False,
        )
        Disclosure.objects.filter(pk__in=[d.pk for d in generated.disclosures]).update(
            status=Status.APPROVED, approved_on=timezone.localdate()
        )
    print(
        f"{Disclosure.objects.current().count()} published disclosures, "
        f"{Department.objects.count()} departments; release day: "
        f"{_release_queryset().filter(status=Status.APPROVED).count()} approved"
    )


def _release_queryset():
    from disclosure.models import Disclosure

    return Disclosure.objects.filter(department__code__startswith=f"syn{RELEASE_SEED}-")


# ------------------------------------------------------------------ pages
def _flush_cache(*, settled: bool) -> None:
    """Empty the benchmark's Redis database. `settled`: as on any day after the last
    publication, the page generation is an hour old, so stored pages live their full time
    (right after a publication they live for moments: see disclosure/pagecache.py)."""
    import redis
    from django.core.cache import cache

    from disclosure.pagecache import GENERATION_KEY

    redis.Redis.from_url(REDIS_URL).flushdb()
    if settled:
        cache.set(GENERATION_KEY, f"settled:{time.time() - 3600}", timeout=None)


def pages(args) -> None:
    django_setup(args.database_url, REDIS_URL=REDIS_URL)
    from disclosure.models import Disclosure

    latest = Disclosure.objects.current().order_by("-year_id").values_list("year_id", flat=True)
    year = latest.first()
    targets = {
        "home": ["/"],
        "search": [
            *(f"/disclosures/?q={quote(q)}" for q in ("合成", "部门00", "0123", "部门05", "局")),
            *(f"/disclosures/?year={y}" for y in range(FIRST_YEAR, year + 1)),
        ],
        "board": [f"/boards/{y}/" for y in range(FIRST_YEAR, year + 1)],
    }
    env = portal_env(args.database_url, REDIS_URL=REDIS_URL)
    static = collectstatic(env)
    try:
        with Gunicorn(env, workers=2) as server:
            _flush_cache(settled=False)
            print("first request of each page (empty cache):")
            for name, paths in targets.items():
                status, seconds, size = server.get(paths[0])
                print(f"  {name:<7} {paths[0]:<36} {status}  {seconds * 1000:7.1f} ms  {size} B")
            _flush_cache(settled=True)
            for paths in targets.values():  # every page once (and into the cache)
                for path in paths:
                    server.get(path)
            rounds: dict[str, list] = {name: [] for name in ("healthz", *targets)}
            for _ in range(args.rounds):
                for name, paths in targets.items():
                    rounds["healthz"].append(wrk(server.base, ["/healthz"], seconds=args.seconds))
                    rounds[name].append(wrk(server.base, paths, seconds=args.seconds))
    finally:
        shutil.rmtree(static, ignore_errors=True)
    health = median([r.p50_ms for r in rounds["healthz"]])
    print(f"\nwrk: 2 threads, 8 connections, {args.seconds} s × {args.rounds} rounds per page")
    print("| page | p50 | p99 | requests/s | non-2xx | p50 / healthz p50 |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, loads in rounds.items():
        p50 = median([r.p50_ms for r in loads])
        print(
            f"| {name} | {p50:.2f} ms | {median([r.p99_ms for r in loads]):.2f} ms "
            f"| {median([r.rate for r in loads]):.0f} | {sum(r.non2xx for r in loads)} "
            f"| {p50 / health:.2f} |"
        )


# ------------------------------------------------------------------ the year's package
def year_package(args) -> None:
    """The latest year's open-data package: queued by the first request, built by a worker
    (timed here, in this process), then served from storage."""
    media = Path(tempfile.mkdtemp(prefix="portal-package-media-"))
    extra = {
        "REDIS_URL": REDIS_URL,
        "PORTAL_TASKS_BACKEND": "database",
        "DJANGO_MEDIA_ROOT": str(media),
    }
    django_setup(args.database_url, **extra)
    from django_tasks_db.models import DBTaskResult

    from disclosure.models import Disclosure
    from disclosure.opendata.prebuilt import year_files_build

    year = Disclosure.objects.current().order_by("-year_id").values_list("year_id", flat=True)[0]
    count = Disclosure.objects.current().for_year(year).count()
    url = f"/data/{year}/fiscal-data-package.zip"
    env = portal_env(args.database_url, **extra)
    static = collectstatic(env)
    try:
        _flush_cache(settled=True)
        DBTaskResult.objects.all().delete()
        with Gunicorn(env, workers=2) as server:
            status, seconds, _size = server.get(url)
            queued = DBTaskResult.objects.count()
            print(
                f"{year}: {count} disclosures; first request: {status} in {seconds:.2f} s; "
                f"builds queued: {queued}"
            )
            start = time.perf_counter()
            year_files_build(year=year)
            built = time.perf_counter() - start
            status, seconds, size = server.get(url)
            print(f"  build (what the worker does): {built:.1f} s")
            print(f"  then {status} in {seconds * 1000:.0f} ms, {size / 1e6:.1f} MB")
    finally:
        shutil.rmtree(static, ignore_errors=True)
        shutil.rmtree(media, ignore_errors=True)


# ------------------------------------------------------------------ release day
class Probe(threading.Thread):
    """Steady, light traffic while the workers build: one request after another (a pause
    of `pause` s between them), latencies and failures kept per window of `window` s."""

    def __init__(self, server: Gunicorn, paths: list[str], *, window: float = 60, pause=0.02):
        super().__init__(daemon=True)
        self.server, self.paths, self.window, self.pause = server, paths, window, pause
        self.windows: list[tuple[list[float], int]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        i = 0
        while not self.stopped.is_set():
            times, failures = [], 0
            end = time.monotonic() + self.window
            while time.monotonic() < end and not self.stopped.is_set():
                path = self.paths[i % len(self.paths)]
                i += 1
                try:
                    status, seconds, _ = self.server.get(path)
                except OSError:
                    status, seconds = 0, 0.0
                times.append(seconds)
                failures += status != 200
                time.sleep(self.pause)
            self.windows.append((times, failures))


def release(args) -> None:
    media = Path(tempfile.mkdtemp(prefix="portal-release-media-"))
    extra = {
        "REDIS_URL": REDIS_URL,
        "PORTAL_TASKS_BACKEND": "database",
        "DJANGO_MEDIA_ROOT": str(media),
    }
    django_setup(args.database_url, **extra)
    from django_tasks_db.models import DBTaskResult

    from accounts.models import User
    from disclosure.models import Disclosure
    from disclosure.models.statements import Status
    from disclosure.pdf import pdf_exists
    from disclosure.workflow import disclosure_publish

    release_qs = _release_queryset()
    release_qs.update(status=Status.APPROVED, published_at=None)
    DBTaskResult.objects.all().delete()
    reviewer, _ = User.objects.get_or_create(
        username="bench-reviewer", defaults={"role": "reviewer"}
    )
    disclosures = list(release_qs.select_related("department", "year").order_by("pk"))
    year = disclosures[0].year_id
    published_before = Disclosure.objects.current().for_year(year).order_by("pk")[:20]
    existing = [
        "/",
        f"/disclosures/?q={quote('合成')}",
        f"/boards/{year}/",
        *(f"/disclosures/{year}/{d.department.code}/" for d in published_before),
    ]
    new = [f"/disclosures/{year}/{d.department.code}/" for d in disclosures[:20]]
    env = portal_env(args.database_url, **extra)
    static = collectstatic(env)
    workers = [
        subprocess.Popen(
            # Niced, as batch work beside a web server should be on a shared host.
            ["nice", "-n", "10", sys.executable, "manage.py", "db_worker", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(args.workers)
    ]
    loads = []
    try:
        _flush_cache(settled=True)
        with Gunicorn(env, workers=2) as server:
            loads.append(("before (wrk)", wrk(server.base, existing, seconds=args.seconds)))
            during: dict = {}
            loader = threading.Thread(
                target=lambda: during.update(load=wrk(server.base, existing, seconds=args.seconds))
            )
            loader.start()
            start = time.perf_counter()
            for d in disclosures:
                disclosure_publish(disclosure=d, user=reviewer)
            published = time.perf_counter() - start
            loader.join()
            loads.append(("while publishing (wrk)", during["load"]))
            probe = Probe(server, existing + new)
            probe.start()
            deadline = time.monotonic() + args.max_minutes * 60
            while time.monotonic() < deadline:
                if not DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists():
                    break
                time.sleep(5)
            built = time.perf_counter() - start
            probe.stopped.set()
            probe.join()
            loads.append(("after (wrk)", wrk(server.base, existing + new, seconds=args.seconds)))
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=120)
        shutil.rmtree(static, ignore_errors=True)
    failed = DBTaskResult.objects.filter(status="FAILED").count()
    left = DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).count()
    done = Disclosure.objects.filter(pk__in=[d.pk for d in disclosures], status="published")
    with_pdf = sum(1 for d in done.select_related("department", "year") if pdf_exists(d))
    shutil.rmtree(media, ignore_errors=True)
    print(
        f"published {done.count()} disclosures in {published:.1f} s "
        f"({published / len(disclosures) * 1000:.0f} ms each); PDF builds: "
        f"{with_pdf} full PDFs stored, {failed} failed, {left} not done, "
        f"{built:.0f} s after the first publication, {args.workers} niced db_workers"
    )
    print("\nsaturating load (wrk 2 threads, 8 connections):")
    print("| when | requests | p50 | p99 | requests/s | errors | non-2xx |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, load in loads:
        print(
            f"| {label} | {load.requests} | {load.p50_ms:.1f} ms | {load.p99_ms:.1f} ms "
            f"| {load.rate:.0f} | {load.errors} | {load.non2xx} |"
        )
    print("\nsteady probe while the workers build (one request at a time, new pages included):")
    print("| minute | requests | p50 | p99 | slowest | failed |")
    print("|---|---:|---:|---:|---:|---:|")
    for i, (times, failures) in enumerate(probe.windows, 1):
        if not times:
            continue
        ordered = sorted(times)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(
            f"| {i} | {len(times)} | {median(times) * 1000:.1f} ms | {p99 * 1000:.1f} ms "
            f"| {ordered[-1] * 1000:.0f} ms | {failures} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("setup", "pages", "package", "release"))
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--departments", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--release", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="db_workers on release day")
    parser.add_argument("--max-minutes", type=int, default=60)
    args = parser.parse_args()
    steps = {"setup": setup, "pages": pages, "package": year_package, "release": release}
    steps[args.step](args)


if __name__ == "__main__":
    main()
