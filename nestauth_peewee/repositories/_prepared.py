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
"""

from __future__ import annotations

import threading
import uuid
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import peewee

from ..db import database

__all__ = ["PreparedSelect", "SAMPLE_UUID"]

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

    def first(self, *values: Any) -> tuple[peewee.Model, ...] | None:
        """Run the query (exactly one statement); the first row as model instances."""
        db = database._bound()
        params = [field.db_value(value) for field, value in zip(self._params, values, strict=True)]
        cursor = database.execute_sql(self.sql_for(db), params)
        row = cursor.fetchone()
        if row is None:
            return None
        instances = []
        offset = 0
        for model in self._models:
            fields = model._meta.sorted_fields
            data = {
                field.name: field.python_value(row[offset + i]) for i, field in enumerate(fields)
            }
            offset += len(fields)
            instances.append(_loaded(model, data))
        return tuple(instances)


def _loaded(model: type[peewee.Model], data: dict[str, Any]) -> peewee.Model:
    """A clean instance holding ``data`` (what peewee's own row reader builds, minus __init__)."""
    instance = model.__new__(model)
    instance.__data__ = data
    instance._dirty = set()
    instance.__rel__ = {}
    return instance
