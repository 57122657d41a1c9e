"""Tiny helpers that read settings from the environment and reject bad values."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envchoice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name, "").strip() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def envregionpath(name: str, default: str) -> tuple[tuple[str, str], ...]:
    """A region and its ancestors, from the top: "530000:云南省/530400:玉溪市"."""
    raw = os.environ.get(name, "").strip() or default
    steps = []
    for step in raw.split("/"):
        code, sep, label = step.strip().partition(":")
        code, label = code.strip(), label.strip()
        if not sep or not label or len(code) != 6 or not code.isdigit():
            raise ImproperlyConfigured(
                f"{name} must be code:name steps joined by / (530000:云南省/530400:玉溪市), "
                f"not {raw!r}"
            )
        steps.append((code, label))
    if len(steps) > 3:
        raise ImproperlyConfigured(f"{name} has more than three levels: {raw!r}")
    return tuple(steps)
