"""Inserting many rows of one model as one prepared statement per batch (`executemany`),
without a model instance each: what an import writes most (a table's rows and amounts, the
checks' findings) goes in several times faster than through `bulk_create`, prepared the
same way. The content codec (`content.py`) and the checks' store (`checks/services.py`)
are its only callers; no other module writes SQL.
"""

from __future__ import annotations

from django.db import connections, models, router
from django.db.backends.base.operations import BaseDatabaseOperations

BATCH = 5000


# The exact classes of value a field of each kind prepares as itself (the field's
# `get_db_prep_save` returns them unchanged), so `insert_records` hands them on directly.
_PLAIN_TYPES = {
    **dict.fromkeys(("CharField", "TextField"), (str, type(None))),
    **dict.fromkeys(
        (
            "IntegerField",
            "SmallIntegerField",
            "BigIntegerField",
            "PositiveIntegerField",
            "PositiveSmallIntegerField",
            "AutoField",
            "BigAutoField",
        ),
        (int, type(None)),
    ),
    "BooleanField": (bool,),
}


def _plain_types(field: models.Field, connection) -> tuple[type, ...]:
    """The classes of value `field` sends to this database unchanged. A foreign key's are
    those of the key it points at; integers only where the database takes them as they are
    (PostgreSQL's backend wraps them in sized integer types)."""
    target = getattr(field, "target_field", None)
    kind = target.get_internal_type() if field.is_relation and target else field.get_internal_type()
    types = _PLAIN_TYPES.get(kind, ())
    wraps_integers = (
        type(connection.ops).adapt_integerfield_value
        is not BaseDatabaseOperations.adapt_integerfield_value
    )
    if int in types and wraps_integers:
        return (type(None),)
    return types


def insert_records(model: type[models.Model], names: tuple[str, ...], records) -> None:
    """Insert `records` (tuples of values in the order of `names`) as one prepared statement
    run per batch, without a model instance each: every value is prepared by its model
    field exactly as `bulk_create` prepares it (money as Decimal to the cent), text cut to
    the field's length (as the codec cuts it). No ids come back: a caller that needs them reads
    them by a unique key (as the codec's `_write_rows` does)."""
    fields = [model._meta.get_field(name) for name in names]
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    params = _prepared(fields, records, connection)
    with connection.cursor() as cursor:
        for start in range(0, len(params), BATCH):
            cursor.executemany(sql, params[start : start + BATCH])


def _prepared(fields: list[models.Field], records, connection) -> list[list]:
    """Each record's values as `bulk_create` would send them: prepared by their fields,
    text cut to the field's length."""
    limits = [getattr(f, "max_length", None) for f in fields]
    plain = [_plain_types(f, connection) for f in fields]
    return [
        [
            # A value its field would hand on unchanged (an int for an integer column, a
            # str for a text column, None) is not sent through the field's preparation.
            (v if v.__class__ in types else f.get_db_prep_save(v, connection))
            if not (limit and v.__class__ is str and len(v) > limit)
            else f.get_db_prep_save(v[:limit], connection)
            for f, limit, types, v in zip(fields, limits, plain, record, strict=True)
        ]
        for record in records
    ]
