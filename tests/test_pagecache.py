"""Whole public pages from the cache: anonymous readers only, each with their own CSRF
token, replaced as soon as anything is published."""

import re
import time
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from disclosure.checks.services import checks_run
from disclosure.models.statements import Status
from disclosure.pagecache import CSRF_HOLE, GENERATION_KEY, _lifetime, public_pages_changed
from disclosure.workflow import disclosure_publish
from tests.helpers import import_file

pytestmark = pytest.mark.django_db

DETAIL = "/disclosures/2021/yuxi-xinfang/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 300
    cache.clear()
    # A generation an hour old: pages stored under it live the full 300 s (see below).
    cache.set(GENERATION_KEY, f"settled:{time.time() - 3600}", timeout=None)
    yield
    cache.clear()


def queries_for(client, url: str, **extra) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_second_anonymous_reader_gets_the_page_without_a_query(seed_disclosure):
    first, page = queries_for(Client(), DETAIL)
    second, again = queries_for(Client(), DETAIL)
    assert first > 10
    assert second == 0
    assert "9,733,858.45" in again and "27,204.60" in again
    assert TOKEN.sub("", again) == TOKEN.sub("", page)


def test_each_reader_gets_a_csrf_token_of_their_own_that_works(seed_disclosure):
    Client().get(DETAIL)  # stores the page
    reader = Client(enforce_csrf_checks=True)
    response = reader.get(DETAIL)
    token = TOKEN.search(response.content.decode()).group(1)
    assert CSRF_HOLE.decode() not in response.content.decode()
    assert "csrftoken" in response.cookies  # a first visit still gets its cookie
    other = TOKEN.search(Client().get(DETAIL).content.decode()).group(1)
    assert token != other
    switched = reader.post(
        "/i18n/setlang/", {"language": "en", "next": DETAIL, "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302
    assert "Revenue by function" in reader.get(DETAIL).content.decode()


def test_english_and_chinese_readers_get_their_own_pages(client, seed_disclosure):
    queries_for(client, DETAIL)
    client.cookies["django_language"] = "en"
    _, english = queries_for(client, DETAIL)
    assert 'lang="en"' in english
    del client.cookies["django_language"]
    _, chinese = queries_for(client, DETAIL)
    assert 'lang="zh-CN"' in chinese and "公开02 收入决算表" in chinese


def test_a_publication_through_the_workflow_shows_at_once(
    client, seed_draft, reviewer, django_capture_on_commit_callbacks
):
    assert "还没有公开的决算。" in queries_for(client, "/")[1]
    assert queries_for(client, "/")[0] == 0  # stored
    seed_draft.status = Status.APPROVED
    seed_draft.approved_on = date(2022, 6, 1)
    seed_draft.save()
    with django_capture_on_commit_callbacks(execute=True):
        disclosure_publish(disclosure=seed_draft, user=reviewer)
    count, page = queries_for(client, "/")
    assert count > 0
    assert 'href="/disclosures/2021/yuxi-xinfang/"' in page


def test_a_backfilled_year_shows_on_the_department_page_at_once(
    client, seed_disclosure, seed_bytes, django_capture_on_commit_callbacks
):
    assert "2022" not in queries_for(client, "/departments/yuxi-xinfang/")[1]
    with django_capture_on_commit_callbacks(execute=True):
        import_file(data=seed_bytes, department_code="yuxi-xinfang", year=2022, publish=True)
    assert "2022" in queries_for(client, "/departments/yuxi-xinfang/")[1]


def test_checking_a_published_disclosure_again_replaces_its_page(
    seed_disclosure, django_capture_on_commit_callbacks
):
    before = cache.get(GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        checks_run(disclosure=seed_disclosure)
    assert cache.get(GENERATION_KEY) == before  # not while the transaction is open
    for callback in callbacks:
        callback()
    assert cache.get(GENERATION_KEY) != before


def test_signed_in_staff_always_get_a_fresh_page(client, seed_disclosure, reviewer):
    queries_for(Client(), DETAIL)  # stored for anonymous readers
    client.force_login(reviewer)
    count, page = queries_for(client, DETAIL)
    assert count > 0  # rendered (around the cached body fragment)
    assert "退出" in page and "工作人员登录" not in page
    _, anonymous = queries_for(Client(), DETAIL)
    assert "工作人员登录" in anonymous and "退出" not in anonymous


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        (DETAIL + "?unit=wan", True),
        ("/disclosures/?q=信访&year=2021", True),
        ("/boards/2021/?sort=-running_costs", True),
        (DETAIL + "?utm_source=weibo", False),
        ("/disclosures/?per_page=1000", False),
    ],
)
def test_only_the_parameters_a_page_declares_are_served_from_the_cache(
    seed_disclosure, url, stored
):
    queries_for(Client(), url)
    assert (queries_for(Client(), url)[0] == 0) is stored


def test_pages_that_are_not_found_are_never_stored(client, seed_disclosure):
    for _ in range(2):
        assert client.get("/disclosures/2021/nobody/").status_code == 404
    with CaptureQueriesContext(connection) as ctx:
        client.get("/disclosures/2021/nobody/")
    assert len(ctx.captured_queries) > 0


def test_the_page_cache_can_be_turned_off(settings, seed_disclosure):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    queries_for(Client(), DETAIL)
    assert queries_for(Client(), DETAIL)[0] > 0


def test_right_after_a_publication_pages_live_only_moments(settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 300
    public_pages_changed()
    assert _lifetime(cache.get(GENERATION_KEY)) == 1
    assert _lifetime(f"x:{time.time() - 100}") == 100
    assert _lifetime(f"x:{time.time() - 3600}") == 300


def test_a_process_may_trust_the_generation_it_read_for_a_while(settings, seed_disclosure):
    settings.PORTAL_PAGE_GENERATION_SECONDS = 60
    queries_for(Client(), DETAIL)
    # Another process publishes: this one keeps its pages until it reads the generation again.
    cache.set(GENERATION_KEY, f"elsewhere:{time.time() - 3600}", timeout=None)
    assert queries_for(Client(), DETAIL)[0] == 0
    public_pages_changed()  # a publication in this process shows here at once
    assert queries_for(Client(), DETAIL)[0] > 0
