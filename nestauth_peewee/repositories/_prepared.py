"""Hot-path SELECTs whose SQL is built once per Database and then reused.

Building the SQL string is most of what a peewee query costs on a fast lookup
(see the platform notes); the request-path lookups (API key, refresh token)
build theirs once per bound Database and pass only parameters afterwards. Rows
come back as model instances, converted by the models' own fields::

    by_id = PreparedSelect(
        lambda: Session.select(*Session._meta.sorted_fields).where(Session.id == _SAMPLE_UUID),
        models=(Session,), params=(Session.id,),
    )
    found = by_id.first(session_id)      # (Session,) or None: one query
    session = by_id.get(session_id)      # the same, for a single model: Session or None

:class:`PerDatabase` caches any other SQL text (a write, a per-dialect
statement) the same way: built by a function of the Database on first use.
"""

from __future__ import annotations

import threading
import uuid
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import peewee

from ..db import database

__all__ = ["PreparedSelect", "PerDatabase", "SAMPLE_UUID", "loaded"]

#: A placeholder value for building a query whose parameter is a UUID.
SAMPLE_UUID = uuid.UUID(int=0)


class PreparedSelect:
    """A SELECT of all columns of ``models`` (in order), parameterised by ``params``' fields."""

    def __init__(
        self,
        build: Callable[[], peewee.Select],
        *,
        models: Sequence[type[peewee.Model]],
        params: Sequence[peewee.Field],
    ) -> None:
        self._build = build
        self._models = tuple(models)
        self._params = tuple(params)
        self._sql: weakref.WeakKeyDictionary[peewee.Database, str] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self._readers: tuple[tuple[type[peewee.Model], int, int, tuple], ...] | None = None

    def sql_for(self, db: peewee.Database) -> str:
        """The SQL text for ``db`` (built on first use)."""
        sql = self._sql.get(db)
        if sql is None:
            with self._lock:
                query = self._build()
                sql, sample = query.sql()
                if len(sample) != len(self._params):
                    raise RuntimeError(
                        f"prepared query has {len(sample)} parameters, {len(self._params)} declared"
                    )
                self._sql[db] = sql
        return sql

    def _rows_reader(self) -> tuple[tuple[type[peewee.Model], int, int, tuple], ...]:
        # Per model: (model, first column, end column, ((field name, converter or None), ...)).
        # Text columns come back from every driver as str: their python_value is skipped.
        if self._readers is None:
            readers, offset = [], 0
            for model in self._models:
                fields = model._meta.sorted_fields
                converters = tuple(
                    (f.name, None if isinstance(f, peewee._StringField) else f.python_value) for f in fields
                )
                readers.append((model, offset, offset + len(fields), converters))
                offset += len(fields)
            self._readers = tuple(readers)
        return self._readers

    def _execute(self, values: tuple[Any, ...]) -> tuple | None:
        db = database._bound()
        params = [field.db_value(value) for field, value in zip(self._params, values, strict=True)]
        return database.execute_sql(self.sql_for(db), params).fetchone()

    def first(self, *values: Any) -> tuple[peewee.Model, ...] | None:
        """Run the query (exactly one statement); the first row as model instances."""
        row = self._execute(values)
        if row is None:
            return None
        return tuple(
            loaded(model, {
                name: (value if convert is None or value is None else convert(value))
                for (name, convert), value in zip(converters, row[start:end], strict=True)
            })
            for model, start, end, converters in self._rows_reader()
        )

    def get(self, *values: Any) -> peewee.Model | None:
        """:meth:`first` for a query of one model: the instance, or None."""
        found = self.first(*values)
        return None if found is None else found[0]


class PerDatabase:
    """SQL text built by ``build(db)`` once per Database (weakly keyed), then reused."""

    def __init__(self, build: Callable[[peewee.Database], str]) -> None:
        self._build = build
        self._sql: weakref.WeakKeyDictionary[peewee.Database, str] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def __call__(self) -> str:
        """The text for the bound Database."""
        db = database._bound()
        sql = self._sql.get(db)
        if sql is None:
            with self._lock:
                sql = self._sql[db] = self._build(db)
        return sql


def loaded(model: type[peewee.Model], data: dict[str, Any]) -> peewee.Model:
    """A clean instance holding ``data`` (what peewee's own row reader builds, minus __init__)."""
    instance = model.__new__(model)
    instance.__data__ = data
    instance._dirty = set()
    instance.__rel__ = {}
    return instance
