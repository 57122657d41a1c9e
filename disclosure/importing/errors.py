"""Import problems: each names the table or sheet, the row and the column, in Chinese."""

from __future__ import annotations

from dataclasses import dataclass


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
