"""The default region for data migrations, built from the historical Region model (the
live model must not be used inside migrations)."""

from django.conf import settings


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    return "city" if code.endswith("00") else "county"


def create(Region):
    """PORTAL_DEFAULT_REGION with its ancestors, created where missing; the last step."""
    parent = None
    for code, name in settings.PORTAL_DEFAULT_REGION:
        parent, _created = Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": _level(code), "parent": parent}
        )
    return parent
