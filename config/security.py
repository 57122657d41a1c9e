"""Response headers and request limits every page gets, whatever view answered.

- A strict Content-Security-Policy on every HTML response: scripts, styles, images and
  fonts from the portal itself only, no inline script or style, no plugins, no framing,
  forms posting back to the portal. A view that needs another policy sets its own header
  (the API documentation, `disclosure/api/views.py`), which is then kept.
- The admin alone may use inline styles (`style-src 'unsafe-inline'`): Django's and
  django-import-export's admin templates carry a few `<style>` blocks and `style`
  attributes. Its scripts are as strict as everywhere else.
- Permissions-Policy: the portal uses no camera, microphone, location, payment or sensors.
- Staff pages (the workspace, the admin, signing in) and every page served to a signed-in
  user may show drafts or personal data: `Cache-Control: private, no-store`, so no
  browser or shared cache keeps them.
- A request body larger than PORTAL_MAX_REQUEST_BYTES is refused with 413 before any of
  it is read, so an upload of any size is not first written to a temporary file; the
  reverse proxy's `client_max_body_size` is the first line, this the second.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
ADMIN_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)

STAFF_PREFIXES = ("/workspace/", "/admin/", "/accounts/")


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class SecurityHeadersMiddleware:
    """See the module's docstring. Goes right after Django's SecurityMiddleware, before
    anything reads the request body (sessions, CSRF)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.PORTAL_MAX_REQUEST_BYTES
        if _content_length(request) > limit:
            response = HttpResponse(
                _("请求过大：超过 %(size)s MB 的上限，未被接收。") % {"size": limit // 2**20},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
            # The unread body must not be taken for the next request on this connection.
            response["Connection"] = "close"
        else:
            response = self.get_response(request)
        self._headers(request, response)
        return response

    def _headers(self, request: HttpRequest, response: HttpResponse) -> None:
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if response.get("Content-Type", "").startswith("text/html"):
            policy = ADMIN_CSP if request.path.startswith("/admin/") else CSP
            response.headers.setdefault("Content-Security-Policy", policy)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith(STAFF_PREFIXES):
            add_never_cache_headers(response)  # private, no-store, no-cache, max-age=0
