"""Query parameters as the views may use them: a value that is not what the page asks for
is ignored, never passed on to the database (where it could answer with a 500).

`?year=abc`, `?year=²` or `?year=99999999999999999999999` mean "no year"; a search text
loses its control characters (PostgreSQL refuses a NUL in a query) and is cut to length.
"""

from __future__ import annotations

import re
import unicodedata

_YEAR = re.compile(r"[0-9]{4}")
_ID = re.compile(r"[0-9]{1,18}")  # fits a 64-bit primary key


def year_param(raw: str | None) -> int | None:
    """A four-digit year (ASCII digits only: "²".isdigit() is true), or None."""
    text = (raw or "").strip()
    return int(text) if _YEAR.fullmatch(text) else None


def id_param(raw: str | None) -> int | None:
    """A database id written in ASCII digits that fits the column, or None."""
    text = (raw or "").strip()
    return int(text) if _ID.fullmatch(text) else None


def text_param(raw: str | None, *, max_length: int) -> str:
    """Search text without control or unpaired-surrogate characters, trimmed and cut."""
    text = "".join(c for c in raw or "" if unicodedata.category(c) not in ("Cc", "Cs"))
    return text.strip()[:max_length]
