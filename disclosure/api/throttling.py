from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from config.client_ip import client_ip


class ApiRateThrottle(SimpleRateThrottle):
    """Requests per client address, at the rate `PORTAL_API_RATE` sets (e.g. 120/minute).

    The client address is REMOTE_ADDR, or the X-Forwarded-For entry added by the last of
    `PORTAL_TRUSTED_PROXIES` trusted proxies (config.client_ip, shared with the sign-in
    lockout). The rate is read on each request (not once at import), so a changed setting
    takes effect at once.
    """

    scope = "api"

    def get_ident(self, request) -> str:
        return client_ip(request)

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
