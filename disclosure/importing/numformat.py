"""What Excel displays for a numeric cell: its value rendered through the cell's number
format (thousands separators, decimals, percent, dates), so a text cell of a workbook reads
as the same text as the document printed ("200,000.00", "95.00%", "2021年12月31日").

The common formats are rendered exactly, in `Decimal` (half away from zero, as Excel
rounds); a format this module does not know (fractions, scientific notation, conditions)
returns None and the caller keeps the plain number.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from disclosure.money import decimal_from_excel

_BRACKETS_RE = re.compile(r"\[(?!h\]|m\]|s\])[^\]]*\]", re.IGNORECASE)  # [Red], [$-804]
_UNSUPPORTED_RE = re.compile(r"[Ee][+-]|\?/|#/|\[[<>=]")
_DATE_TOKEN_RE = re.compile(
    r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|\.0+", re.IGNORECASE
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _literal_split(section: str) -> list[tuple[bool, str]]:
    """The format as (is_literal, text) parts: quoted text, \\x escapes, _x spaces and *x
    fills are literal (a fill shows nothing)."""
    parts: list[tuple[bool, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            parts.append((True, section[i + 1 : end]))
            i = end + 1
        elif ch == "\\" and i + 1 < len(section):
            parts.append((True, section[i + 1]))
            i += 2
        elif ch == "_" and i + 1 < len(section):
            parts.append((True, " "))
            i += 2
        elif ch == "*" and i + 1 < len(section):
            i += 2
        else:
            parts.append((False, ch))
            i += 1
    return parts


def _sections(number_format: str) -> list[str]:
    sections, current, quoted = [], "", False
    for ch in number_format:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            sections.append(current)
            current = ""
        else:
            current += ch
    sections.append(current)
    return sections


def excel_display(value, number_format: str) -> str | None:
    """The text Excel shows for a number or a date in this format; None for General, for
    text formats and for formats it does not render."""
    fmt = (number_format or "").strip()
    if not fmt or fmt.lower() == "general" or fmt == "@":
        return None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return _date_text(value, _BRACKETS_RE.sub("", _sections(fmt)[0]))
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if _UNSUPPORTED_RE.search(fmt):
        return None
    number = decimal_from_excel(value)
    sections = [_BRACKETS_RE.sub("", s) for s in _sections(fmt)]
    section = sections[0]
    if number < 0 and len(sections) > 1:
        section, number = sections[1], -number  # the negative section prints its own sign
    elif number == 0 and len(sections) > 2:
        section = sections[2]
    return _number_text(number, section)


def _number_text(number: Decimal, section: str) -> str | None:
    parts = _literal_split(section)
    code = "".join(text for literal, text in parts if not literal)
    if re.search(r"[ymdhs]", code, re.IGNORECASE):
        return None  # a date format on a plain number: leave it to the caller
    digits = [i for i, (literal, t) in enumerate(parts) if not literal and t in "0#?"]
    if not digits:
        return "".join(t for _, t in parts) or None  # a format of text only ("-")
    first, last = digits[0], digits[-1]
    body = "".join(t for literal, t in parts[first : last + 1] if not literal)
    number = number * Decimal(100) ** code.count("%")
    end = last + 1
    while end < len(parts) and parts[end] == (False, ","):
        end += 1  # each comma after the last digit scales by 1,000
    number = number / Decimal(1000) ** (end - last - 1)
    integer, point, fraction = body.partition(".")
    decimals = sum(1 for t in fraction if t in "0#?")
    rounded = abs(number).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    whole, _, cents = f"{rounded:f}".partition(".")
    zeros = integer.count("0")
    whole = "" if whole == "0" and not zeros else whole.rjust(zeros, "0")
    if "," in integer and whole:
        whole = f"{int(whole):,}"
    cents = cents.rstrip("0").ljust(fraction.count("0"), "0") if decimals else ""
    sign = "-" if number < 0 and rounded else ""
    before = "".join(t for literal, t in parts[:first] if literal or t != ",")
    after = "".join(t for _, t in parts[end:])
    return f"{sign}{before}{whole}{point}{cents}{after}"


def _date_tokens(section: str) -> list[tuple[bool, str]]:
    """(is_field, text): date and time fields (yyyy, m, dd, hh, ss …) and literal text."""
    tokens: list[tuple[bool, str]] = []
    for literal, text in _literal_split(section):
        if literal:
            tokens.append((False, text))
            continue
        if tokens and tokens[-1][0] is None:
            tokens[-1] = (None, tokens[-1][1] + text)
        else:
            tokens.append((None, text))
    result: list[tuple[bool, str]] = []
    for kind, text in tokens:
        if kind is False:
            result.append((False, text))
            continue
        pos = 0
        for match in _DATE_TOKEN_RE.finditer(text):
            result.append((False, text[pos : match.start()]))
            result.append((True, match.group(0).lower()))
            pos = match.end()
        result.append((False, text[pos:]))
    return [(field, text) for field, text in result if text]


def _date_text(value, section: str) -> str | None:
    tokens = _date_tokens(section)
    fields = [i for i, (field, _) in enumerate(tokens) if field]
    if not fields:
        return None
    if isinstance(value, dt.time):
        value = dt.datetime.combine(dt.date(1899, 12, 30), value)
    elif not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    out = []
    for n, (field, text) in enumerate(tokens):
        if not field:
            out.append(text)
            continue
        at = fields.index(n)
        before = tokens[fields[at - 1]][1] if at else ""
        after = tokens[fields[at + 1]][1] if at + 1 < len(fields) else ""
        if text in {"m", "mm"} and (before.startswith("h") or after.startswith("s")):
            out.append(f"{value.minute:0{len(text)}d}")  # minutes, not the month
        else:
            out.append(_date_part(value, text))
    return "".join(out)


def _date_part(value: dt.datetime, token: str) -> str:
    if token.startswith("."):
        return "." + f"{value.microsecond:06d}"[: len(token) - 1]
    hour = value.hour
    return {
        "yyyy": f"{value.year:04d}",
        "yy": f"{value.year % 100:02d}",
        "mmmm": value.strftime("%B"),
        "mmm": value.strftime("%b"),
        "mm": f"{value.month:02d}",
        "m": str(value.month),
        "dddd": _WEEKDAYS[value.weekday()],
        "ddd": _WEEKDAYS[value.weekday()][:3],
        "dd": f"{value.day:02d}",
        "d": str(value.day),
        "hh": f"{hour:02d}",
        "h": str(hour),
        "ss": f"{value.second:02d}",
        "s": str(value.second),
        "am/pm": "AM" if hour < 12 else "PM",
    }.get(token, token)
