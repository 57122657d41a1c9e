"""Whole public pages from the cache, for anonymous readers.

A published version never changes (a correction is a new version), so every anonymous
reader of a public page gets the same HTML until something is published. On release day
the public arrives all at once; serving the stored page costs about as much as `/healthz`,
while rendering a disclosure costs tens of milliseconds and a dozen queries.

Contract:
- Only anonymous GET/HEAD requests whose query string uses the parameters the view
  declares are served from the cache; signed-in staff, pending messages and any other
  query always get a fresh render. Only 200 responses that set no cookie are stored.
- The page's CSRF token (the language switch is a POST form) is cut out before storing
  and each reader's own token is put back when serving, so the form keeps working and a
  first visit still receives its CSRF cookie.
- Every stored page carries the publication generation it was rendered under.
  `public_pages_changed()` starts a new generation — called by every service that changes
  what the public sees (publishing, back-filled imports, synthetic data, check runs of a
  published version) — so no reader gets an older page after a publication, in any process
  that shares the cache (set `REDIS_URL` when several processes serve).
- The generation starts inside the publishing transaction, so a reader could still render
  the state before the commit under the new generation. A page therefore lives no longer
  than its generation had existed when it was rendered (at least a second, at most
  `PORTAL_PAGE_CACHE_SECONDS`): right after a publication pages live for moments, and a
  page of the old state outlives the commit by about as long as the commit took.
  Anything changed outside those services (an administrator renaming a department) shows
  within `PORTAL_PAGE_CACHE_SECONDS`.
- Each process also keeps the pages it served lately (`LOCAL_PAGES` of them), checked
  against the shared generation on every request: a hit then costs one small read from
  the shared cache instead of moving the whole page out of Redis and unpickling it.
  `PORTAL_PAGE_GENERATION_SECONDS` (default 0) lets a process trust the generation it read
  for that many seconds, saving that read too: other processes then see a publication
  up to that late (the publishing process at once).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

GENERATION_KEY = "public-pages:generation"
CSRF_HOLE = b"--portal-csrf-token--"
_CSRF_VALUE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
LOCAL_PAGES = 100


@dataclass(frozen=True, slots=True)
class StoredPage:
    generation: str
    content: bytes
    content_type: str
    has_csrf: bool


class _RecentPages:
    """The pages this process served lately, each until it expires, at most `size`."""

    def __init__(self, size: int):
        self.size = size
        self.pages: OrderedDict[str, tuple[float, StoredPage]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, generation: str) -> StoredPage | None:
        with self.lock:
            entry = self.pages.get(key)
            if entry is None:
                return None
            expires, page = entry
            if page.generation != generation or expires < time.monotonic():
                del self.pages[key]
                return None
            self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: StoredPage) -> None:
        with self.lock:
            self.pages[key] = (time.monotonic() + _lifetime(page.generation), page)
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


_recent = _RecentPages(LOCAL_PAGES)


_trusted: tuple[str, float] = ("", 0.0)  # the generation last read, and until when to trust it


def public_pages_changed() -> None:
    """Start a new generation of public pages: every page stored before is ignored."""
    global _trusted
    generation = _new_generation()
    cache.set(GENERATION_KEY, generation, timeout=None)
    _trusted = (generation, time.monotonic() + settings.PORTAL_PAGE_GENERATION_SECONDS)


def _new_generation() -> str:
    return f"{uuid.uuid4().hex}:{time.time():.3f}"


def _generation() -> str:
    global _trusted
    now = time.monotonic()
    if settings.PORTAL_PAGE_GENERATION_SECONDS and now < _trusted[1]:
        return _trusted[0]
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    _trusted = (generation, now + settings.PORTAL_PAGE_GENERATION_SECONDS)
    return generation


def _lifetime(generation: str) -> int:
    """Seconds a page rendered now may live: no longer than its generation has existed."""
    age = time.time() - float(generation.rpartition(":")[2] or 0)
    return max(1, min(settings.PORTAL_PAGE_CACHE_SECONDS, int(age)))


def _cacheable(request: HttpRequest, params: frozenset[str]) -> bool:
    return (
        settings.PORTAL_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and set(request.GET).issubset(params)
        and not request.user.is_authenticated
        and not len(get_messages(request))
    )


def _page_key(request: HttpRequest) -> str:
    # The full path: the page repeats it (the language switch returns to it).
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public-page:{get_language()}:{path}"


def public_page(*params: str) -> Callable:
    """Serve the decorated public view from the cache; `params` are the query parameters
    the page may vary by (any other parameter bypasses the cache)."""
    allowed = frozenset(params)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _cacheable(request, allowed):
                return view(request, *args, **kwargs)
            key = _page_key(request)
            generation = _generation()
            stored = _recent.get(key, generation)
            if stored is None:
                stored = cache.get(key)
                if stored is not None and stored.generation == generation:
                    _recent.put(key, stored)
                else:
                    stored = None
            if stored is not None:
                return _serve(request, stored)
            response = view(request, *args, **kwargs)
            _store(key, generation, response)
            return response

        return wrapped

    return decorator


def _serve(request: HttpRequest, page: StoredPage) -> HttpResponse:
    content = page.content
    if page.has_csrf:
        content = content.replace(CSRF_HOLE, get_token(request).encode())
    return HttpResponse(content, content_type=page.content_type)


def _store(key: str, generation: str, response: HttpResponse) -> None:
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or "no-store" in response.get("Cache-Control", "")
        or "private" in response.get("Cache-Control", "")
    ):
        return
    content, holes = _CSRF_VALUE.subn(rb"\g<1>" + CSRF_HOLE + rb"\g<2>", response.content)
    page = StoredPage(generation, content, response["Content-Type"], bool(holes))
    cache.set(key, page, _lifetime(generation))
    _recent.put(key, page)
