"""Reading what is stored, for assertions."""

from decimal import Decimal

from disclosure.content import content_read
from disclosure.models import Amount, Disclosure, TableRow


def amount(disclosure: Disclosure, number: str, key: str, column: str) -> Decimal | None:
    found = Amount.objects.filter(
        row__table__disclosure=disclosure, row__table__number=number, row__key=key, column=column
    ).first()
    return found.value if found else None


def mark(disclosure: Disclosure, number: str, key: str, column: str) -> str:
    found = Amount.objects.filter(
        row__table__disclosure=disclosure, row__table__number=number, row__key=key, column=column
    ).first()
    return found.mark if found else ""


def rows(disclosure: Disclosure, number: str) -> list[TableRow]:
    return list(
        TableRow.objects.filter(table__disclosure=disclosure, table__number=number).order_by(
            "side", "position"
        )
    )


def snapshot(disclosure: Disclosure) -> dict:
    """Every stored fact of a disclosure's content, as the codec reads it back (ids left
    out): equal snapshots mean identical data."""
    return content_read(disclosure).as_data()


def import_file(*, actor=None, **kwargs):
    """`workbook_import` as the command line does it (the system actor) unless an actor is
    given: the tests' way to put a document in the database."""
    from accounts.actors import system_actor
    from disclosure.importing.services import workbook_import

    return workbook_import(actor=actor or system_actor(), **kwargs)


def import_real(name: str, *, publish: bool = False, code: str = "", department_name=""):
    """One of the real published PDFs (shared/real) imported as its department would
    upload it: layout detected, through the one import service, under its department's
    code and name unless others are given. Returns the disclosure."""
    from tests.test_import_pdf import CAIZHENGJU, SHEHUI, TEMPLATE, _shared

    departments = {
        CAIZHENGJU: ("pt-czj", "上海市普陀区财政局"),
        SHEHUI: ("pt-shgzb", "中共上海市普陀区委社会工作部"),
        TEMPLATE: ("pt-template", "模板局"),
    }
    own_code, own_name = departments.get(name, ("pt-czj", ""))
    return import_file(
        data=(_shared("real") / name).read_bytes(),
        department_code=code or own_code,
        department_name=department_name or own_name or code or own_code,
        year=2024,
        layout=None,
        publish=publish,
    ).disclosure
