"""The client's address, as every part of the portal that keys on it must read it.

Behind the documented reverse proxy every request comes from 127.0.0.1; the client is the
entry the last of `PORTAL_TRUSTED_PROXIES` proxies appended to X-Forwarded-For. Entries to
the left of it were written by the client and are not trusted. The sign-in lockout
(django-axes) and the API's rate limit both read it here.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent `request` (REMOTE_ADDR without trusted proxies,
    or when the forwarded entry is not an address)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.PORTAL_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    entries = [entry.strip() for entry in forwarded.split(",")]
    candidate = entries[-min(proxies, len(entries))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
