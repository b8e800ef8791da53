"""Hot-path SELECTs whose SQL is built once per Database and then reused.

Building the SQL string is most of what a peewee query costs on a fast lookup
(see the platform notes); the request-path lookups (API key, refresh token)
build theirs once per bound Database and pass only parameters afterwards. Rows
come back as model instances, converted by the models' own fields::

    by_id = PreparedSelect(
        lambda: Session.select(*Session._meta.sorted_fields).where(Session.id == SAMPLE_UUID),
        models=(Session,), params=(Session.id,),
    )
    found = by_id.first(session_id)      # (Session,) or None: one query
    session = by_id.get(session_id)      # the same, for a single model: Session or None

:class:`PerDatabase` caches any other SQL text (a write, a per-dialect
statement) the same way: built by a function of the Database on first use.
"""

from __future__ import annotations

import logging
import threading
import uuid
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import peewee

from .. import fields
from ..db import database
from ..driver_errors import translate

if TYPE_CHECKING:
    from ..models import AuthModel

__all__ = ["PreparedSelect", "PerDatabase", "SAMPLE_UUID", "loaded", "run"]

_peewee_log = logging.getLogger("peewee")

#: A placeholder value for building a query whose parameter is a UUID.
SAMPLE_UUID = uuid.UUID(int=0)

M = TypeVar("M", bound="AuthModel")


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
        self._read: tuple[Callable[[tuple], tuple[peewee.Model, ...]], Callable[[tuple], Any] | None] | None = None
        self._last: tuple[Callable[[], Any], str] = (lambda: None, "")
        self._bind = _binder(self._params)

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

    def _readers(self) -> tuple[Callable[[tuple], tuple[peewee.Model, ...]], Callable[[tuple], Any] | None]:
        if self._read is None:
            one = _row_reader(self._models, single=True) if len(self._models) == 1 else None
            self._read = (_row_reader(self._models), one)
        return self._read

    def _row(self, values: tuple) -> tuple | None:
        db = database.for_read()  # the primary, or a replica when routing allows it
        last_db, sql = self._last
        if last_db() is not db:
            sql = self.sql_for(db)
            self._last = (weakref.ref(db), sql)
        return run(db, sql, self._bind(values)).fetchone()

    def first(self, *values: Any) -> tuple[peewee.Model, ...] | None:
        """Run the query (exactly one statement); the first row as model instances."""
        row = self._row(values)
        return None if row is None else self._readers()[0](row)

    def get(self, *values: Any) -> peewee.Model | None:
        """:meth:`first` for a query of one model: the instance, or None."""
        read_one = self._readers()[1]
        if read_one is None:
            raise TypeError("get() reads a query of one model; use first()")
        row = self._row(values)
        return None if row is None else read_one(row)


def run(db: peewee.Database, sql: str, params: list[Any]) -> Any:
    """Execute ``sql`` on the bound Database ``db``: its cursor, driver errors translated.

    Unless someone watches the SQL (peewee's ``query_hooks`` or its logger at
    DEBUG), this skips ``execute_sql``'s logging and timing wrapper and runs the
    statement on ``db.cursor()`` directly: the same cursor, connection and
    autoconnect, about half a microsecond less per call, which on SQLite is a
    tenth of a lookup.
    """
    try:
        if db.query_hooks or _peewee_log.isEnabledFor(logging.DEBUG):
            return db.execute_sql(sql, params)
        try:
            cursor = db.cursor()
            cursor.execute(sql, params)
        except Exception:
            # The driver's error as peewee's, as execute_sql does (its private wrapper).
            with peewee.__exception_wrapper__:  # type: ignore[attr-defined]
                raise
        return cursor
    except peewee.PeeweeException as exc:
        raise translate(exc) from exc


def _binder(params: Sequence[peewee.Field]) -> Callable[[tuple], list[Any]]:
    """A function turning the call's values into driver parameters (``db_value`` of each field)."""
    converters = tuple(field.db_value for field in params)
    if len(converters) == 1:
        (convert,) = converters

        def bind_one(values: tuple) -> list[Any]:
            (value,) = values  # a wrong count fails here, as zip(strict=True) does below
            return [convert(value)]

        return bind_one

    def bind(values: tuple) -> list[Any]:
        return [convert(value) for convert, value in zip(converters, values, strict=True)]

    return bind


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


def _row_reader(models: Sequence[type[peewee.Model]], *, single: bool = False) -> Callable[[tuple], Any]:
    """A function turning one row (all columns of ``models``, in order) into model instances.

    It is generated once per query, with one expression per column, because on
    SQLite converting the row costs as much as running the query: a generic
    loop over the fields was a third slower. Text columns are taken as the
    driver returns them (str on every dialect); UUID, timestamp and boolean
    columns call their converter function directly (what the field's
    ``python_value`` calls, minus a method call per column); every other column
    goes through its field's ``python_value``, as peewee's own row reader does.
    Only field names (identifiers) and positions are written into the source;
    models and converters are passed in as default arguments. With ``single``
    (one model) it returns the instance rather than a 1-tuple.
    """
    if single and len(models) != 1:
        raise RuntimeError("a single-instance reader reads one model")
    args: dict[str, Any] = {"_new": object.__new__, "_set": set}
    body, results, column = [], [], 0
    for m, model in enumerate(models):
        args[f"_m{m}"] = model
        items = []
        for field in model._meta.sorted_fields:
            if not field.name.isidentifier():
                raise RuntimeError(f"unexpected field name {field.name!r}")
            value = f"row[{column}]"
            if isinstance(field, peewee._StringField):
                items.append(f"{field.name!r}: {value}")
            else:
                args[f"_c{column}"] = _converter(field)
                guarded = f"(None if {value} is None else _c{column}({value}))"
                items.append(f"{field.name!r}: {guarded if field.null else f'_c{column}({value})'}")
            column += 1
        body += [f"    i{m} = _new(_m{m})", f"    i{m}.__data__ = {{{', '.join(items)}}}",
                 f"    i{m}._dirty = _set()", f"    i{m}.__rel__ = {{}}"]
        results.append(f"i{m}")
    result = results[0] if single else f"({', '.join(results)},)"
    signature = ", ".join(f"{name}={name}" for name in args)
    source = "\n".join([f"def read(row, *, {signature}):", *body, f"    return {result}"])
    namespace: dict[str, Any] = dict(args)
    exec(compile(source, f"<row reader of {'+'.join(m.__name__ for m in models)}>", "exec"), namespace)
    return namespace["read"]


def _converter(field: peewee.Field) -> Callable[[Any], Any]:
    """What turns a non-NULL driver value of ``field`` into its Python value.

    The reader checks for NULL only in NULL-able columns, so a converter used
    for a NOT NULL column never sees None (prepared selects use inner joins
    only); ``bool`` is used for NOT NULL booleans alone.
    """
    if type(field).python_value is fields.UUIDField.python_value:
        return fields.uuid_from_db
    if type(field).python_value is fields.DateTimeField.python_value:
        return fields.datetime_from_db
    if isinstance(field, peewee.BooleanField) and type(field).python_value is peewee.BooleanField.python_value:
        return bool if not field.null else field.python_value
    return field.python_value


def loaded(model: type[M], data: dict[str, Any]) -> M:
    """A clean instance holding ``data`` (what peewee's own row reader builds, minus __init__)."""
    instance = model.__new__(model)
    instance.__data__ = data
    instance._dirty = set()
    instance.__rel__ = {}
    return instance
