"""Money in one place: parsing printed amounts, Excel numbers, rounding and formatting.

Amounts are `Decimal` to the cent everywhere. Rounding (half-up) happens only when a value
is presented in another unit (万元); stored values are what the document printed.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
TEN_THOUSAND = Decimal(10000)
ZERO = Decimal(0)

# Printed in a cell to say "nothing here": kept as a mark, never read as zero.
DASHES = frozenset({"—", "——", "-", "--", "－", "―", "–", "/", "／"})

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_SPACES = re.compile(r"[^\S\n]+")  # whitespace other than a line break (\u3000 and NBSP too)
_NEEDS_CLEANING = re.compile(r"^\s|\s$|\s\s|[^\S ]")  # anything clean_text would change


class AmountError(ValueError):
    """A cell that should hold an amount holds something else."""


def clean_text(value: str) -> str:
    """A cell's text as a reader sees it: each run of spaces (ideographic and non-breaking
    ones too) folded to one, and the cell trimmed. A line break inside a cell is a paragraph
    break and is kept (blank lines and the spaces around a break are dropped), so a text
    cell written with paragraphs reads back with the same paragraphs."""
    if not _NEEDS_CLEANING.search(value):
        return value  # most cells: one line, single spaces, nothing to trim
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def parse_amount(text: str) -> tuple[Decimal | None, str]:
    """Read a printed amount.

    Returns (value, mark): ("9,733,858.45") → (Decimal("9733858.45"), ""),
    ("—") → (None, "—"), ("") → (None, ""). Raises AmountError for anything else,
    including amounts with more than two decimals (a table in 元 never has them).
    """
    raw = text.strip().replace("\u3000", "").replace(" ", "").replace("\u00a0", "")
    if raw == "":
        return None, ""
    if raw in DASHES:
        return None, raw
    raw = unicodedata.normalize("NFKC", raw)  # full-width digits, commas, points, brackets
    negative = False
    if raw.startswith("(") and raw.endswith(")"):
        negative, raw = True, raw[1:-1]
    raw = raw.replace("，", ",").replace("．", ".")
    if not _NUMBER.match(raw):
        raise AmountError(f"“{text.strip()}”不是金额")
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid numbers
        raise AmountError(f"“{text.strip()}”不是金额") from None
    if value != value.quantize(CENT):
        raise AmountError(f"“{text.strip()}”超过两位小数")
    value = value.quantize(CENT)
    return (-value if negative else value), ""


_AMOUNT_LOOK = re.compile(r"^[+-]?((\d{1,3}(,\d{3})+)(\.\d+)?|\d+\.\d+)$")


def looks_like_amount(text: str) -> bool:
    """A cell a reader takes for an amount: digits with decimals or thousands separators
    ("2,940.05", "0.95", "1,200"), full-width forms too. Bare integers are left out: they
    are codes, 行次 and 栏次 as often as amounts, and count only where a column reads them."""
    if not text or len(text) > 40:
        return False
    raw = unicodedata.normalize("NFKC", text).replace(" ", "").replace("，", ",")
    if raw.startswith("(") and raw.endswith(")"):
        raw = raw[1:-1]
    return bool(_AMOUNT_LOOK.match(raw))


def is_number(text: str) -> bool:
    try:
        value, _mark = parse_amount(text.rstrip("%％"))
    except AmountError:
        return False
    return value is not None


def decimal_from_excel(number: float | int) -> Decimal:
    """An Excel number as an exact decimal.

    Excel stores binary floats: 9733858.45 is stored as 9733858.4499999992549…; `repr`
    gives the shortest string that reads back to the same float, which is what was typed.
    """
    if isinstance(number, bool):
        raise AmountError("逻辑值不是金额")
    if isinstance(number, int):
        return Decimal(number)
    value = Decimal(repr(number))
    # A formula's result carries binary noise (0.1 + 0.2 = 0.30000000000000004): snap to
    # the cent when the noise is far below a cent; otherwise keep every digit, and the
    # parser will refuse an amount with more than two decimals.
    cents = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if value != cents and abs(value - cents) < Decimal("0.000001"):
        return cents
    return value


def excel_cell_text(number: float | int) -> str:
    """A numeric cell written as text the parsers read: 2010301.0 → "2010301"."""
    value = decimal_from_excel(number)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def round_half_up(value: Decimal, places: Decimal = CENT) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def to_wan(value: Decimal) -> Decimal:
    """元 → 万元, rounded half-up to two places (as printed tables in 万元 are)."""
    return round_half_up(value / TEN_THOUSAND)


def format_amount(value: Decimal | None, *, places: int = 2) -> str:
    """Thousands separators, fixed places: Decimal("9733858.45") → "9,733,858.45"."""
    if value is None:
        return ""
    quant = Decimal(1).scaleb(-places)
    return f"{round_half_up(value, quant):,.{places}f}"


def parse_decimal(text: str) -> Decimal | None:
    """A score, weight or rate ("10", "100.00", "98.9%"); None when the cell is not one."""
    raw = text.strip().rstrip("%％")
    if not raw or raw in DASHES:
        return None
    raw = unicodedata.normalize("NFKC", raw).replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
