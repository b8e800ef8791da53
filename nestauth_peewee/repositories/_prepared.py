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
from ..driver_errors import translate

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
        self._read: Callable[[tuple], tuple[peewee.Model, ...]] | None = None
        self._last: tuple[Callable[[], Any], str] = (lambda: None, "")

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

    def _reader(self) -> Callable[[tuple], tuple[peewee.Model, ...]]:
        if self._read is None:
            self._read = _row_reader(self._models)
        return self._read

    def first(self, *values: Any) -> tuple[peewee.Model, ...] | None:
        """Run the query (exactly one statement); the first row as model instances."""
        db = database._bound()
        last_db, sql = self._last
        if last_db() is not db:
            sql = self.sql_for(db)
            self._last = (weakref.ref(db), sql)
        params = [field.db_value(value) for field, value in zip(self._params, values, strict=True)]
        try:  # the bound Database directly: what the proxy does, minus a second dispatch
            row = db.execute_sql(sql, params).fetchone()
        except peewee.PeeweeException as exc:
            raise translate(exc) from exc
        return None if row is None else self._reader()(row)

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


def _row_reader(models: Sequence[type[peewee.Model]]) -> Callable[[tuple], tuple[peewee.Model, ...]]:
    """A function turning one row (all columns of ``models``, in order) into model instances.

    It is generated once per query, with one expression per column, because on
    SQLite converting the row costs as much as running the query: a generic
    loop over the fields was a third slower. Text columns are taken as the
    driver returns them (str on every dialect); every other column goes
    through its field's ``python_value``, as peewee's own row reader does.
    Only field names (identifiers) and positions are written into the source;
    models and converters are passed in as default arguments.
    """
    args: dict[str, Any] = {"_new": object.__new__, "_set": set}
    body, results, column = [], [], 0
    for m, model in enumerate(models):
        args[f"_m{m}"] = model
        items = []
        for field in model._meta.sorted_fields:
            if not field.name.isidentifier():
                raise RuntimeError(f"unexpected field name {field.name!r}")
            if isinstance(field, peewee._StringField):
                items.append(f"{field.name!r}: row[{column}]")
            else:
                args[f"_c{column}"] = field.python_value
                items.append(f"{field.name!r}: (None if row[{column}] is None else _c{column}(row[{column}]))")
            column += 1
        body += [f"    i{m} = _new(_m{m})", f"    i{m}.__data__ = {{{', '.join(items)}}}",
                 f"    i{m}._dirty = _set()", f"    i{m}.__rel__ = {{}}"]
        results.append(f"i{m}")
    signature = ", ".join(f"{name}={name}" for name in args)
    source = "\n".join([f"def read(row, *, {signature}):", *body, f"    return ({', '.join(results)},)"])
    namespace: dict[str, Any] = dict(args)
    exec(compile(source, f"<row reader of {'+'.join(m.__name__ for m in models)}>", "exec"), namespace)
    return namespace["read"]


def loaded(model: type[peewee.Model], data: dict[str, Any]) -> peewee.Model:
    """A clean instance holding ``data`` (what peewee's own row reader builds, minus __init__)."""
    instance = model.__new__(model)
    instance.__data__ = data
    instance._dirty = set()
    instance.__rel__ = {}
    return instance
