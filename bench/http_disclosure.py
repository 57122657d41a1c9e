"""The seed's published disclosure page (every table) served by gunicorn, against /healthz.

    .venv/bin/python bench/http_disclosure.py [--cache locmem|redis] [--page-cache-seconds 300]
                                              [--seconds 10] [--rounds 3]

The seed (玉溪市信访局 2021, published, checks run) is imported into a throwaway SQLite
database in a temporary directory. gunicorn serves the portal with production settings
(DEBUG off, hashed static files) and 2 workers on 127.0.0.1; wrk (2 threads, 8
connections) loads /healthz and /disclosures/2021/yuxi-xinfang/ in turn, `--rounds` times,
so that background load slows both alike. `--cache redis` uses the Redis on 127.0.0.1:6379
(database 3, emptied first) as production does; `--page-cache-seconds 0` turns the page
cache off (the page is then rendered around the cached body fragment, as before the page
cache existed).

Target: throughput of the page ≥ 0.5 × throughput of /healthz on the same server.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _server import ROOT, Gunicorn, collectstatic, median, portal_env, wrk

PAGE = "/disclosures/2021/yuxi-xinfang/"
REDIS_URL = "redis://127.0.0.1:6379/3"

IMPORT = """
from django.core.management import call_command
from django.test import override_settings
from accounts.actors import system_actor
from disclosure.importing.services import workbook_import
from disclosure.synthetic import load_catalogues
call_command("migrate", verbosity=0)
load_catalogues(2021)
queued = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
with override_settings(TASKS=queued):
    workbook_import(actor=system_actor(), data=open(%r, "rb").read(),
                    department_code="yuxi-xinfang", year=2021, publish=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", choices=("locmem", "redis"), default="locmem")
    parser.add_argument("--page-cache-seconds", type=int, default=300)
    parser.add_argument("--generation-seconds", type=int, default=0)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="portal-http-"))
    try:
        env = portal_env(
            f"sqlite:///{scratch / 'bench.sqlite3'}",
            PORTAL_PAGE_CACHE_SECONDS=str(args.page_cache_seconds),
            PORTAL_PAGE_GENERATION_SECONDS=str(args.generation_seconds),
        )
        if args.cache == "redis":
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()
            env["REDIS_URL"] = REDIS_URL
        seed = ROOT / "disclosure" / "data" / "seeds" / "yuxi-xinfang-2021.txt"
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", IMPORT % str(seed)],
            cwd=ROOT,
            env={**env, "DJANGO_DEBUG": "true"},
            check=True,
        )
        collectstatic(env)
        with Gunicorn(env, workers=2) as server:
            status, seconds, size = server.get(PAGE)
            assert status == 200, status
            print(f"first request of the page: {seconds * 1000:.0f} ms, {size / 1024:.0f} KiB")
            health, page = [], []
            for _ in range(args.rounds):
                health.append(wrk(server.base, ["/healthz"], seconds=args.seconds))
                page.append(wrk(server.base, [PAGE], seconds=args.seconds))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(env.get("DJANGO_STATIC_ROOT", ""), ignore_errors=True)

    print(
        f"gunicorn, 2 workers; cache {args.cache}, page cache "
        f"{args.page_cache_seconds} s, generation trusted {args.generation_seconds} s; "
        f"wrk 2 threads, 8 connections, {args.seconds} s × {args.rounds} rounds; "
        f"{os.cpu_count()} CPUs"
    )
    print("| round | /healthz requests/s | page requests/s | ratio | page p50 | page p99 |")
    print("|---|---:|---:|---:|---:|---:|")
    for i, (h, p) in enumerate(zip(health, page, strict=True), 1):
        print(
            f"| {i} | {h.rate:.0f} | {p.rate:.0f} | {p.rate / h.rate:.2f} "
            f"| {p.p50_ms:.1f} ms | {p.p99_ms:.1f} ms |"
        )
    pairs = list(zip(health, page, strict=True))
    ratio = median([p.rate / h.rate for h, p in pairs])
    errors = sum(p.errors + p.non2xx + h.errors + h.non2xx for h, p in pairs)
    print(f"median ratio page / healthz throughput: {ratio:.2f} (errors and non-2xx: {errors})")


if __name__ == "__main__":
    main()
