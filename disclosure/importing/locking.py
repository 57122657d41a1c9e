"""Two uploads racing to create the first version of one department-year.

Both find no version, both insert version 1: on PostgreSQL the second insert waits for
the first transaction and then breaks the unique constraint (IntegrityError); on SQLite the
second writer finds the database locked (OperationalError). Either would end the request
in a 500. `first_version_race` turns both into the importer's own refusal, in Chinese, and
leaves one version: the one that committed first.

The import service wraps the rows it creates for a department-year that had none (the
department when it is new, the first Disclosure) in it:

    with first_version_race(department=name, year=year):
        disclosure.save()

It opens a savepoint, so the failed insert does not poison the surrounding transaction
before the refusal rolls all of it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, OperationalError, transaction

from disclosure.importing.errors import ImportRejected


def race_refusal(department: str, year: int) -> ImportRejected:
    return ImportRejected.single(
        f"{department} {year}年度的决算刚刚由另一次上传创建，本次上传未导入，数据库未作改动；"
        "请刷新后查看那一版，如需以本文件为准，再上传一次即可覆盖草稿。"
    )


@contextmanager
def first_version_race(*, department: str, year: int) -> Iterator[None]:
    """Refuse, with `race_refusal`, an insert that lost the race for a department-year."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise race_refusal(department, year) from None
    except OperationalError as exc:
        if "locked" not in str(exc).lower():
            raise
        raise race_refusal(department, year) from None
