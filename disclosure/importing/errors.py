"""Import problems: each names the table or sheet, the row and the column, in Chinese."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _


def column_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26: the inverse of `column_letter`."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how a spreadsheet user names a column."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Location:
    """Where a cell is in the uploaded file: sheet (XLSX) or line (text), row, column."""

    sheet: str = ""
    row: int | None = None  # 1-based: the line of a text file, the row of a sheet
    column: int | None = None  # 0-based cell index
    page: int | None = None  # a PDF's page (1-based); `row` then counts rows on that page

    def describe(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"第 {self.page} 页")
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column is not None:
            parts.append(f"第 {column_letter(self.column)} 列")
        return "".join(parts)

    @classmethod
    def parse(cls, text: str) -> Location | None:
        """The location `describe` wrote (as stored with each amount), or None for text in
        another form. A PDF cell's text box after it is ignored."""
        m = _DESCRIBED.match(text)
        if m is None or not any(m.groups()):
            return None
        page, sheet, row, column = m.groups()
        return cls(
            sheet=sheet or "",
            row=int(row) if row else None,
            column=column_index(column) if column else None,
            page=int(page) if page else None,
        )

    def label(self) -> str:
        """`describe` in the reader's language (工作表“公开02”第 8 行第 E 列; sheet “公开02”,
        row 8, column E)."""
        parts = []
        if self.page is not None:
            parts.append(_("第 %(page)s 页") % {"page": self.page})
        if self.sheet:
            parts.append(_("工作表“%(sheet)s”") % {"sheet": self.sheet})
        if self.row is not None:
            parts.append(_("第 %(row)s 行") % {"row": self.row})
        if self.column is not None:
            parts.append(_("第 %(column)s 列") % {"column": column_letter(self.column)})
        # Chinese runs the parts together as `describe` does; other languages list them.
        return ("" if (get_language() or "zh").startswith("zh") else ", ").join(parts)


_DESCRIBED = re.compile(
    r"^(?:第 (\d+) 页)?"
    r"(?:工作表“(.*?)”(?=第 \d|\s|$))?"
    r"(?:第 (\d+) 行)?"
    r"(?:第 ([A-Z]+) 列)?"
    r"(?:\s|$)"
)


@dataclass(frozen=True)
class Problem:
    message: str
    table: str = ""  # "公开05"
    location: Location = Location()
    column_label: str = ""
    value: str = ""

    def __str__(self) -> str:
        where = " ".join(p for p in [self.table, self.location.describe()] if p)
        column = f"（{self.column_label}）" if self.column_label else ""
        value = f"：“{self.value}”" if self.value else ""
        prefix = f"{where}{column}" if where or column else ""
        return f"{prefix}{value} —— {self.message}" if prefix else self.message


class ImportRejected(Exception):
    """The file cannot be imported; nothing was written. Carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def single(cls, message: str, **kwargs) -> ImportRejected:
        return cls([Problem(message, **kwargs)])
