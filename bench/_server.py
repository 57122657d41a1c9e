"""Serving the portal for a load benchmark: gunicorn on 127.0.0.1, wrk against it.

Every load goes to 127.0.0.1 only and is bounded in time (`wrk -d`) and connections.
wrk is Debian's package (`apt-get install wrk`).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

_WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "seconds": %%f, "p50": %%d, "p90": %%d, "p99": %%d, '
    .. '"errors": %%d, "non2xx": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50),
    latency:percentile(90), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def portal_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off) for a server on 127.0.0.1 speaking plain HTTP."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PORTAL_", "REDIS_URL", "DATABASE_URL"))
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="benchmark-only-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def collectstatic(env: dict[str, str]) -> str:
    """Collect the static files (hashed names, as in production) into a temporary folder."""
    folder = tempfile.mkdtemp(prefix="portal-static-")
    env["DJANGO_STATIC_ROOT"] = folder
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return folder


class Gunicorn:
    """`gunicorn config.wsgi` on a free port of 127.0.0.1, stopped on exit."""

    def __init__(self, env: dict[str, str], *, workers: int = 2):
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                f"--workers={self.workers}",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz")[0] == 200:
                    return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def get(self, path: str) -> tuple[int, float, int]:
        """One request: status, seconds, bytes."""
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(self.base + path, timeout=120) as response:
                body = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            body, status = error.read(), error.code
        return status, time.perf_counter() - start, len(body)


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: int
    non2xx: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def wrk(
    base: str, paths: list[str], *, seconds: int = 10, connections: int = 8, threads: int = 2
) -> Load:
    """wrk against `base`, cycling through `paths`; latencies in milliseconds."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    folder = Path(tempfile.mkdtemp(prefix="portal-wrk-"))
    try:
        script = folder / "paths.lua"
        script.write_text(_WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout=30s",
                "-s",
                str(script),
                base + paths[0],
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    line = next(line for line in out.splitlines() if line.startswith("WRKJSON "))
    data = json.loads(line.removeprefix("WRKJSON "))
    return Load(
        requests=data["requests"],
        seconds=data["seconds"],
        p50_ms=data["p50"] / 1000,
        p90_ms=data["p90"] / 1000,
        p99_ms=data["p99"] / 1000,
        errors=data["errors"],
        non2xx=data["non2xx"],
    )


def median(values: list[float]) -> float:
    return statistics.median(values)
