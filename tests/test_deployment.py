"""The production story, tested where it can be here: gunicorn serving the portal with
production settings, the shared Redis cache and S3 object storage chosen by environment
variables, PDFs stored in and served from a bucket (S3 mocked in-process by moto)."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import cache
from moto import mock_aws

from disclosure import pdf

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "disclosure" / "data" / "seeds" / "yuxi-xinfang-2021.txt"
DETAIL = "/disclosures/2021/yuxi-xinfang/"


def production_env(folder: Path, **extra: str) -> dict[str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PORTAL_", "DATABASE_URL", "AWS_"))
    }
    return {
        **clean,
        "DATABASE_URL": f"sqlite:///{folder / 'portal.sqlite3'}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "test-only-" + "s" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "PORTAL_TASKS_BACKEND": "database",
        # Its own keys, should REDIS_URL point at the Redis these tests use too.
        "PORTAL_CACHE_PREFIX": f"gunicorn-test-{os.getpid()}",
        **extra,
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """gunicorn (2 workers) on a free port of 127.0.0.1, production settings, the seed
    published in its own SQLite database; PDFs queued for a worker, none running."""
    folder = tmp_path_factory.mktemp("served")
    env = production_env(folder)
    manage(env, "migrate", "-v0")
    manage(env, "import_disclosure", str(SEED), "--department", "yuxi-xinfang", "--year", "2021")
    manage(env, "shell", "-c", PUBLISH)
    # The portal's own files only: compressing the API documentation's scripts takes 15 s.
    ignored = ["drf_spectacular_sidecar", "admin", "rest_framework", "import_export"]
    manage(env, "collectstatic", "--noinput", "-v0", *(f"--ignore={i}" for i in ignored))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--workers=2",
            f"--bind=127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if fetch(base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer within 30 s")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


# Published through the workflow's service, as a reviewer would (the import is a draft).
PUBLISH = """
from datetime import date
from accounts.models import User
from disclosure.models import Disclosure
from disclosure.workflow import disclosure_publish
d = Disclosure.objects.get()
Disclosure.objects.filter(pk=d.pk).update(status="approved", approved_on=date(2022, 6, 1))
reviewer = User.objects.create_user("reviewer", role="reviewer")
disclosure_publish(disclosure=Disclosure.objects.get(pk=d.pk), user=reviewer)
"""


def test_gunicorn_answers_healthz(gunicorn):
    status, headers, body = fetch(gunicorn + "/healthz")
    assert (status, body) == (200, "ok")
    assert "no-cache" in headers["Cache-Control"]


def test_gunicorn_serves_the_published_page_the_same_from_every_worker(gunicorn):
    pages = [fetch(gunicorn + DETAIL) for _ in range(6)]
    assert {status for status, _, _ in pages} == {200}
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert len({token.sub("", body) for _, _, body in pages}) == 1
    body = pages[0][2]
    assert "玉溪市信访局" in body and "9,733,858.45" in body and "27,204.60" in body
    assert all("csrftoken=" in headers.get("Set-Cookie", "") for _, headers, _ in pages)
    assert pages[0][1]["X-Frame-Options"] == "DENY"


def test_gunicorn_serves_hashed_static_files_through_whitenoise(gunicorn):
    page = fetch(gunicorn + DETAIL)[2]
    css = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', page).group(1)
    status, headers, _ = fetch(gunicorn + css)
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert "max-age=315360000" in headers["Cache-Control"]  # hashed names are immutable


def test_a_pdf_not_yet_built_by_the_worker_is_a_clear_404(gunicorn):
    status, _, body = fetch(gunicorn + DETAIL + "pdf/")
    assert status == 404
    assert "尚未生成" in body


# ---------------------------------------------------------------- settings from the environment
SHOW = "from django.conf import settings; print(settings.{})"


def test_redis_url_selects_the_shared_redis_cache(tmp_path):
    env = production_env(tmp_path, REDIS_URL="redis://127.0.0.1:6379/7")
    shown = manage(env, "shell", "-c", SHOW.format("CACHES['default']"))
    assert "'BACKEND': 'config.redis_cache.PooledRedisCache'" in shown
    assert "'LOCATION': 'redis://127.0.0.1:6379/7'" in shown
    local = manage(
        production_env(tmp_path, REDIS_URL=""), "shell", "-c", SHOW.format("CACHES['default']")
    )
    assert "LocMemCache" in local


ROUND_TRIP = """
import boto3
from moto import mock_aws
with mock_aws():
    boto3.client("s3", region_name="cn-north-1").create_bucket(
        Bucket="portal-pdfs", CreateBucketConfiguration={"LocationConstraint": "cn-north-1"})
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    name = default_storage.save("pdfs/2021/x/v1/full.pdf", ContentFile(b"%PDF-1.7 x"))
    keys = [o["Key"] for o in boto3.client("s3", region_name="cn-north-1").list_objects_v2(
        Bucket="portal-pdfs")["Contents"]]
    print(type(default_storage._wrapped).__name__, name, keys,
          default_storage.open(name).read())
"""


def test_a_bucket_in_the_environment_puts_generated_files_in_object_storage(tmp_path):
    env = production_env(
        tmp_path,
        PORTAL_S3_BUCKET="portal-pdfs",
        PORTAL_S3_PREFIX="portal",
        PORTAL_S3_REGION="cn-north-1",
        PORTAL_S3_ACCESS_KEY_ID="test-key",
        PORTAL_S3_SECRET_ACCESS_KEY="test-secret",
    )
    shown = manage(env, "shell", "-c", ROUND_TRIP)
    assert shown.split("\n")[-2] == (
        "S3Storage pdfs/2021/x/v1/full.pdf ['portal/pdfs/2021/x/v1/full.pdf'] b'%PDF-1.7 x'"
    )


@pytest.mark.django_db
def test_a_pdf_in_the_bucket_downloads_from_the_public_address(client, settings, seed_disclosure):
    cache.clear()
    with mock_aws():
        import boto3

        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="portal-pdfs")
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "portal-pdfs",
                    "region_name": "us-east-1",
                    "access_key": "test-key",
                    "secret_key": "test-secret",
                    "file_overwrite": True,
                },
            },
        }
        pdf._store(pdf.pdf_name(seed_disclosure), b"%PDF-1.7 first")
        pdf._store(pdf.pdf_name(seed_disclosure), b"%PDF-1.7 rebuilt")  # replaced, not added
        listed = boto3.client("s3", region_name="us-east-1").list_objects_v2(Bucket="portal-pdfs")
        response = client.get(DETAIL + "pdf/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.7 rebuilt"
    assert [o["Key"] for o in listed["Contents"]] == ["pdfs/2021/yuxi-xinfang/v1/full.pdf"]
    assert response["Content-Type"] == "application/pdf"
