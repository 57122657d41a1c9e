"""A province by region in PostgreSQL: region pages, the coverage board and region search.

    .venv/bin/python bench/scale_regions.py setup [--departments 50] [--counties 130]
    .venv/bin/python bench/scale_regions.py pages

Its own database (default postgres://postgres@127.0.0.1:5432/portal_regions_bench,
`--database-url` to change), created when missing. `setup` builds the synthetic province
(`generate_synthetic --province`: 合成省, 16 cities, the counties, `--departments` per
region, 3 years; resumable region by region). `--records-only` gives each disclosure its
tables as records without rows or amounts: the pages measured here read no amounts, and
the full content takes hours to write on a small machine.

`pages` serves the portal with gunicorn (2 workers, production settings, each worker's own
memory cache: no Redis) and loads it with wrk on 127.0.0.1, interleaving /healthz with each
page so that background load slows both alike. Target: p50 of each page ≤ 3 × the p50 of
/healthz under the same load. Also reported: the first, uncached request of each page.
"""

from __future__ import annotations

import argparse
import shutil
import time
from urllib.parse import quote

from _server import Gunicorn, collectstatic, median, portal_env, wrk
from scale_postgres import django_setup, ensure_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_regions_bench"
FIRST_YEAR = 2021


def setup(args) -> None:
    ensure_database(args.database_url)
    django_setup(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from disclosure.models import Department, Disclosure, Region

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command(
        "generate_synthetic",
        province=True,
        departments=args.departments,
        counties=args.counties,
        cities=args.cities,
        years=args.years,
        seed=1,
        records_only=args.records_only,
    )
    # Fresh statistics: right after a bulk load the planner still believes the tables are
    # nearly empty (autovacuum's analyze comes later, if at all) and joins by nested loops.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"{time.perf_counter() - start:.0f} s: {Region.objects.count()} regions, "
        f"{Department.objects.count()} departments, "
        f"{Disclosure.objects.current().count()} published disclosures"
    )


def pages(args) -> None:
    django_setup(args.database_url)
    from disclosure.models import Region

    counties = list(
        Region.objects.filter(level="county", code__startswith="99").values_list("code", flat=True)
    )
    cities = list(
        Region.objects.filter(level="city", code__startswith="99").values_list("code", flat=True)
    )
    years = range(FIRST_YEAR, FIRST_YEAR + args.years)
    targets = {
        "region": [
            "/regions/990000/",
            *(f"/regions/{c}/" for c in counties[:: max(1, len(counties) // 10)]),
        ],
        "coverage": [
            *(f"/coverage/{y}/?region=990000" for y in years),
            *(f"/coverage/{years[-1]}/?region={c}" for c in cities[:5]),
        ],
        "search": [
            *(f"/disclosures/?region={c}" for c in cities[:5]),
            f"/disclosures/?region=990000&q={quote('合成')}",
            *(f"/disclosures/?region={c}&year={years[-1]}" for c in counties[:4]),
        ],
    }
    env = portal_env(args.database_url)
    static = collectstatic(env)
    try:
        with Gunicorn(env, workers=2) as server:
            print("first request of each page (empty cache):")
            for name, paths in targets.items():
                status, seconds, size = server.get(paths[0])
                print(f"  {name:<8} {paths[0]:<36} {status}  {seconds * 1000:7.1f} ms  {size} B")
            # Without a shared cache each worker starts its own page generation, and a page
            # lives no longer than its generation has existed (disclosure/pagecache.py):
            # let the generations age, as on any day after a publication, then store every
            # page in both workers before each load.
            time.sleep(args.settle)
            rounds: dict[str, list] = {name: [] for name in ("healthz", *targets)}
            for _ in range(args.rounds):
                for name, paths in targets.items():
                    for path in paths:
                        for _worker in range(3):
                            server.get(path)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["setup", "pages"])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--departments", type=int, default=50, help="per region")
    parser.add_argument("--cities", type=int, default=16)
    parser.add_argument("--counties", type=int, default=130)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument(
        "--records-only", action="store_true", help="tables as records, no amounts (fast)"
    )
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--settle", type=int, default=120, help="seconds for the page generations to age"
    )
    args = parser.parse_args()
    {"setup": setup, "pages": pages}[args.command](args)


if __name__ == "__main__":
    main()
