"""Insert and update many rows with one prepared statement each, for the largest imports.

``bulk_create`` and ``bulk_update`` build every value through the ORM's compiler (and
``bulk_update`` a ``CASE WHEN`` per row and field), which for tens of thousands of ties costs
far more than the database's own work. These send plain ``executemany`` statements instead,
through Django's connection (so on SQLite and PostgreSQL alike, inside the caller's
transaction). Values must already be what the column stores: ids, numbers and text as they
are, dates and times through ``prepared`` (the field's own conversion, once per value).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model


def _column(model: type[Model], name: str) -> str:
    return str(connection.ops.quote_name(model._meta.get_field(name).column))


def prepared(model: type[Model], name: str, value: Any) -> Any:
    """``value`` as the database takes it for ``model.name`` (dates, times, time zones)."""
    if value is None:
        return None
    field = model._meta.get_field(name)
    return field.get_db_prep_save(value, connection)


def insert_many(model: type[Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """``INSERT`` one row per item of ``rows`` (values in the order of ``names``)."""
    rows = list(rows)
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(_column(model, n) for n in names)
    marks = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def update_many(model: type[Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """``UPDATE`` rows by primary key: each item is the new values (in the order of ``names``)
    followed by the row's id."""
    rows = list(rows)
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{_column(model, n)} = %s" for n in names)
    key = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {key} = %s", rows)
