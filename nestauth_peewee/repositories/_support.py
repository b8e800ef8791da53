"""Small query helpers shared by the repositories (private).

* :func:`ignore_duplicates` makes an INSERT skip rows a unique index already
  holds, in each dialect's own words (never ``INSERT IGNORE``, which on MySQL
  also swallows other errors);
* :func:`locked` adds ``FOR UPDATE`` where the dialect has it. On MySQL/MariaDB
  a locking read also sees rows committed after the transaction's snapshot,
  which a plain read under REPEATABLE READ does not;
* :func:`delete_batch` deletes at most ``limit`` matching rows in one statement
  (the batched clean-ups);
* :func:`save_fields` writes the given columns of a loaded row, and only those.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar, cast

import peewee

from ..db import database, dialect_of, traits_of
from ..fields import utcnow

__all__ = ["ignore_duplicates", "locked", "chunks", "supports_delete_returning", "delete_batch", "update_by_id",
           "save_fields"]

T = TypeVar("T")
Q = TypeVar("Q", bound=peewee.Select)
M = TypeVar("M", bound=peewee.Model)


def ignore_duplicates(query: peewee.Insert, model: type[peewee.Model]) -> peewee.Insert:
    """Make ``query`` skip rows that a unique index already holds (and nothing else)."""
    if traits_of(database).duplicate_key_update:
        # ON DUPLICATE KEY UPDATE <pk> = <pk>: a no-op on a duplicate, an error for anything else.
        first = model._meta.primary_key
        if isinstance(first, peewee.CompositeKey):
            first = model._meta.fields[first.field_names[0]]
        return query.on_conflict(update={first: first})
    return query.on_conflict(action="NOTHING")


def delete_batch(model: type[peewee.Model], condition: peewee.Expression, *, limit: int,
                 order_by: peewee.Field) -> int:
    """Delete up to ``limit`` rows of ``model`` matching ``condition``, in one statement.

    MySQL/MariaDB take ``DELETE ... ORDER BY ... LIMIT`` (they refuse a LIMIT in
    an ``IN`` subquery, and a subquery on the table being deleted from); the
    others delete the ids a limited subquery picks. ``order_by`` should be an
    indexed column of ``condition``, so MySQL walks that index rather than the table.
    """
    if traits_of(database).delete_order_limit:
        query = model.delete().where(condition).order_by(order_by).limit(limit)
    else:
        key = cast(peewee.Field, model._meta.primary_key)  # False only for a model without a key
        query = model.delete().where(key.in_(model.select(key).where(condition).limit(limit)))
    return query.execute()


def update_by_id(model: Any, row_id: object, values: dict[str, object]) -> int:
    """Set ``values`` (column name → value) and ``updated_at`` on one row; the number of rows changed."""
    fields = {getattr(model, name): value for name, value in values.items()}
    fields[model.updated_at] = utcnow()
    return model.update(fields).where(model.id == row_id).execute()


def save_fields(row: M, fields: dict[str, Any]) -> M:
    """Set ``fields`` (column name → value) on a loaded ``row`` and save those columns only
    (the model's ``save`` adds ``updated_at``); the row."""
    for name, value in fields.items():
        setattr(row, name, value)
    row.save(only=[getattr(type(row), name) for name in fields])
    return row


def locked(query: Q) -> Q:
    """``query ... FOR UPDATE`` where the Database has it (peewee's ``for_update`` trait:
    PostgreSQL and MySQL/MariaDB; SQLite locks the whole file)."""
    return query.for_update() if database.bound().for_update else query


def chunks(items: Sequence[T] | Iterable[T], size: int = 500) -> Iterator[list[T]]:
    """Split ``items`` into lists of at most ``size`` (keeps IN lists and bulk inserts bounded)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def supports_delete_returning(db: peewee.Database) -> bool:
    """Whether ``DELETE ... RETURNING`` works on ``db``: PostgreSQL, MariaDB, SQLite 3.35+.

    MySQL proper has no RETURNING. MariaDB is told apart from MySQL when the
    first connection opens, so this opens one if needed.
    """
    dialect = dialect_of(db)
    if dialect == "postgres":
        return True
    if dialect == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version_info >= (3, 35)
    if getattr(db, "server_version", None) is None:
        db.connect(reuse_if_open=True)
    return bool(getattr(db, "mariadb", False))
