"""Hot-path statements: built once per Database by peewee, run server-side prepared on PostgreSQL.

One mechanism for every statement on the request path. A :class:`Prepared`
is written as an ordinary peewee query whose arguments are the parameters of
a function; it is rendered once per bound Database (that Database's own
``param`` and ``quote``), and each call only binds values::

    by_email = Prepared("users_by_email", lambda email: User.select().where(User.email == email),
                        args=(User.email,), models=(User,))
    user = by_email.get("bob@example.com")          # User or None: one statement

``build`` is called with one sample value per argument (unique values of the
arguments' types); the sample's positions in the rendered parameters are the
argument's slots, every other parameter is a constant of the statement (a
status, ``TRUE``). Call values go through each argument's ``db_value`` (or
the converter given with it), as a peewee query would convert them.

**Server-side preparation (PostgreSQL, psycopg2).** Sent as text, PostgreSQL
parses and plans a statement on every call, which on the permission query
costs more than running it (docs/performance.md). On a psycopg2 connection
each statement is therefore ``PREPARE``\\d once per connection (under the name
``nestauth_<name>``) and then sent as ``EXECUTE nestauth_<name> (values)``.
Preparation is on by default and switched off per Database with
``init_database(..., prepare=False)`` or ``?prepare=false`` in the URL
(:func:`~nestauth_peewee.db.prepares`): needed behind pgbouncer in transaction
mode, where consecutive transactions may meet different server sessions.

A statement the server forgot (``DISCARD ALL``, ``DEALLOCATE``, a pooler that
reset the session) fails with SQLSTATE 26000. Outside a transaction it is
prepared again and re-run at once: the caller never sees it. Inside a
transaction PostgreSQL has already aborted the transaction, which nothing can
resume: the statement cache of the connection is dropped and the error is a
:class:`~nestauth_peewee.errors.TransactionConflict` (retryable: the next try
prepares afresh, and the services that retry conflicts do so by themselves).
MySQL/MariaDB (PyMySQL has no server-side statements) and SQLite (whose
driver keeps its own statement cache) run the text.

Rows come back as model instances, read by a function generated once per
statement (:func:`row_reader`: measured faster than a loop by more than 10% on
SQLite's quickest lookup), converters computed once.

When someone watches the SQL (peewee's ``query_hooks``, or its logger at
DEBUG) the statement goes through ``Database.execute_sql``, so the hook sees
the ``EXECUTE`` (or the text) with its parameters; otherwise it runs on
``db.cursor()`` directly, skipping that wrapper's timing and logging.
"""

from __future__ import annotations

import datetime as _dt
import logging
import threading
import uuid
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import peewee

from .. import errors, fields
from ..db import database, dialect_of, prepares
from ..driver_errors import translate
from ..replicas import routing

if TYPE_CHECKING:
    from ..models import AuthModel

__all__ = ["Prepared", "loaded", "run", "text_of"]

_peewee_log = logging.getLogger("peewee")

M = TypeVar("M", bound="AuthModel")
T = TypeVar("T", bound=peewee.Model)

#: SQLSTATE of "prepared statement ... does not exist".
_FORGOTTEN = "26000"

Arg = peewee.Field | tuple[peewee.Field, Callable[[Any], Any]]

_registry: weakref.WeakValueDictionary[str, Prepared[Any]] = weakref.WeakValueDictionary()
_names_lock = threading.Lock()


class Prepared(Generic[M]):
    """One statement, built by ``build(*samples)`` once per Database and run prepared where possible.

    ``args`` are the statement's arguments, in call order: a field (values go
    through its ``db_value``) or ``(field, converter)``. ``models`` are the
    models whose columns the statement selects, in order (for :meth:`first`
    and :meth:`get`); a write or a raw read leaves it empty and uses
    :meth:`execute` / :meth:`rows`. ``M`` is the type :meth:`get` returns.
    ``link`` names the first model's foreign key to the second: the row's
    second instance is set on it, as a peewee join would (``session.user``),
    and nothing is left dirty.
    """

    def __init__(self, name: str, build: Callable[..., peewee.Node], *, args: Sequence[Arg],
                 models: Sequence[type[peewee.Model]] = (), link: str | None = None) -> None:
        if not name.replace("_", "").isalnum():
            raise ValueError(f"statement names are identifiers, not {name!r}")
        with _names_lock:
            if name in _registry:
                raise ValueError(f"a prepared statement named {name!r} exists already")
            _registry[name] = self
        self.name = name
        self._build = build
        self._args = tuple(a if isinstance(a, tuple) else (a, a.db_value) for a in args)
        self._models = tuple(models)
        if link is not None and (len(self._models) != 2
                                 or not isinstance(self._models[0]._meta.fields.get(link), peewee.ForeignKeyField)):
            raise ValueError(f"{name}: link names a foreign key of the first of two models, not {link!r}")
        self._link = link
        self._per_db: weakref.WeakKeyDictionary[peewee.Database, _Statement] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self._last: tuple[Callable[[], Any], _Statement | None] = (lambda: None, None)
        self._reader: Callable[[tuple], tuple[peewee.Model, ...]] | None = None

    # --- building ----------------------------------------------------------------------

    def statement(self, db: peewee.Database | None = None) -> _Statement:
        """The statement for ``db`` (default: the bound Database), built on first use."""
        db = database.bound() if db is None else db
        last_db, stmt = self._last
        if stmt is not None and last_db() is db:
            return stmt
        stmt = self._per_db.get(db)
        if stmt is None:
            with self._lock:
                stmt = self._per_db.get(db)
                if stmt is None:
                    stmt = self._per_db[db] = _Statement.build(self, db)
        self._last = (weakref.ref(db), stmt)
        return stmt

    def sql_and_params(self, *values: Any) -> tuple[str, list[Any]]:
        """The statement's text for the bound Database and the parameters for ``values``."""
        stmt = self.statement()
        return stmt.sql, stmt.bind(values)

    # --- running -----------------------------------------------------------------------

    def execute(self, *values: Any) -> Any:
        """Run the statement once (one round trip); the driver's cursor."""
        return self._run(values)

    def rows(self, *values: Any) -> list[tuple]:
        """Every row, as the driver returns them."""
        return self._run(values).fetchall()

    def first(self, *values: Any) -> tuple[peewee.Model, ...] | None:
        """The first row as instances of ``models``, or None."""
        row = self._run(values).fetchone()
        return None if row is None else (self._reader or self._read())(row)

    def get(self, *values: Any) -> M | None:
        """:meth:`first` for a statement of one model: the instance, or None."""
        if len(self._models) != 1:
            raise TypeError("get() reads a statement of one model; use first()")
        row = self._run(values).fetchone()
        return None if row is None else (self._reader or self._read())(row)[0]  # type: ignore[return-value]

    def _run(self, values: tuple[Any, ...]) -> Any:
        db = database.bound()
        last_db, stmt = self._last
        if stmt is None or last_db() is not db:
            stmt = self.statement(db)
        if routing.replicas:
            # The primary, or a replica when the statement is a plain read and routing allows it;
            # a write marks this context for read-your-writes (see replicas.py).
            db = database.for_sql(stmt.sql)
        return stmt.run(db, values)

    def _read(self) -> Callable[[tuple], tuple[peewee.Model, ...]]:
        if self._reader is None:
            if not self._models:
                raise TypeError(f"{self.name} selects no models: use rows() or execute()")
            self._reader = row_reader(self._models, link=self._link)
        return self._reader


class _Statement:
    """A :class:`Prepared` rendered for one Database: text, parameter template, how to run it."""

    __slots__ = ("sql", "template", "slots", "converters", "prepare_sql", "execute_sql", "pg_name",
                 "single", "fixed")

    def __init__(self) -> None:
        self.sql = ""
        self.template: list[Any] = []
        self.slots: tuple[tuple[int, int], ...] = ()
        self.converters: tuple[Callable[[Any], Any], ...] = ()
        self.prepare_sql: str | None = None
        self.execute_sql = ""
        self.pg_name = ""
        self.single: tuple[int, Callable[[Any], Any]] | None = None
        self.fixed: tuple[Any, ...] = ()  # constants sent with each EXECUTE (those not written inline)

    @classmethod
    def build(cls, owner: Prepared, db: peewee.Database) -> _Statement:
        samples = [_sample(field, k) for k, (field, _) in enumerate(owner._args)]
        query = owner._build(*samples)
        sql, params = db.get_sql_context().sql(query).query()
        stmt = cls()
        stmt.sql, stmt.template = sql, list(params)
        slots = []
        for k, ((field, _), sample) in enumerate(zip(owner._args, samples, strict=True)):
            converted = field.db_value(sample)
            found = [i for i, p in enumerate(params) if p is sample or (type(p) is type(converted) and p == converted)]
            if not found:
                raise RuntimeError(f"{owner.name}: argument {k} ({field.name}) is not in the statement")
            slots += [(i, k) for i in found]
        stmt.slots = tuple(sorted(slots))
        stmt.converters = tuple(convert for _, convert in owner._args)
        if len(stmt.slots) == 1 and len(params) == 1:
            stmt.single = (stmt.slots[0][1], stmt.converters[stmt.slots[0][1]])
        if dialect_of(db) == "postgres":  # used while prepares(db) holds
            stmt._prepare_for_postgres(owner, db, params)
        return stmt

    def _prepare_for_postgres(self, owner: Prepared, db: peewee.Database, params: Sequence[Any]) -> None:
        # $n placeholders in place of psycopg2's %s: peewee writes every value as a parameter,
        # so a '%' anywhere else means text this cannot rewrite safely; such SQL stays text.
        pieces = self.sql.split("%s")
        if len(pieces) != len(params) + 1 or any("%" in piece for piece in pieces):
            return
        # Argument k is $k+1 wherever it stands (the server receives it once); a constant of
        # the statement (a status, TRUE) is written into the body as the driver's own literal
        # for it, so the planner sees it as it would in the text. A constant without a simple
        # literal is sent with each EXECUTE, after the arguments.
        arguments = dict(self.slots)
        places: list[str] = []
        fixed: list[Any] = []
        for position, value in enumerate(params):
            if position in arguments:
                places.append(f"${arguments[position] + 1}")
                continue
            literal = _literal(value)
            if literal is None:
                fixed.append(value)
                places.append(f"${len(owner._args) + len(fixed)}")
            else:
                places.append(literal)
        body = "".join(piece + (places[k] if k < len(places) else "") for k, piece in enumerate(pieces))
        # The arguments' types from their fields (an INSERT ... SELECT list infers none);
        # the constants' from where they stand.
        ctx = db.get_sql_context()
        types = [db.get_sql_context().sql(field.ddl_datatype(ctx)).query()[0] for field, _ in owner._args]
        types += ["unknown"] * len(fixed)
        self.fixed = tuple(fixed)
        self.pg_name = "nestauth_" + owner.name
        declared = f" ({', '.join(types)})" if types else ""
        self.prepare_sql = f"PREPARE {self.pg_name}{declared} AS {body}"
        self.execute_sql = (f"EXECUTE {self.pg_name} ({', '.join(['%s'] * len(types))})" if types
                            else f"EXECUTE {self.pg_name}")

    def execute_params(self, values: tuple) -> list[Any]:
        """The parameters of ``EXECUTE`` for ``values``: each argument once, then the fixed constants."""
        if len(values) != len(self.converters):
            raise TypeError(f"expected {len(self.converters)} values, got {len(values)}")
        if len(values) == 1 and not self.fixed:
            return [self.converters[0](values[0])]
        params = [convert(value) for convert, value in zip(self.converters, values, strict=True)]
        if self.fixed:
            params += self.fixed
        return params

    def bind(self, values: tuple) -> list[Any]:
        single = self.single
        if single is not None:
            (value,) = values  # a wrong count fails here, as the general path does below
            return [single[1](value)]
        if len(values) != len(self.converters):
            raise TypeError(f"expected {len(self.converters)} values, got {len(values)}")
        params = list(self.template)
        converted = [convert(value) for convert, value in zip(self.converters, values, strict=True)]
        for position, k in self.slots:
            params[position] = converted[k]
        return params

    def run(self, db: peewee.Database, values: tuple) -> Any:
        """Run on ``db`` (a bound Database, not the proxy) with the call's ``values``; the cursor."""
        if self.prepare_sql is None or not prepares(db):
            return run(db, self.sql, self.bind(values))
        params = self.execute_params(values)
        try:
            cursor = db.cursor()
            conn = cursor.connection
            known = _known_on(conn)
            if known is None:  # not psycopg2 (psycopg 3 prepares by itself): the text
                return run(db, self.sql, self.bind(values))
            if self.pg_name not in known:
                self._prepare(cursor, known)
            try:
                return self._execute(db, cursor, params)
            except peewee.PeeweeException as exc:
                if _pgcode(exc) != _FORGOTTEN:
                    raise
                known.clear()  # the server lost every statement of this session, not just this one
                if conn.get_transaction_status() != _idle():
                    raise errors.TransactionConflict(
                        detail="the server no longer had a prepared statement; the transaction "
                               "was aborted and the next attempt prepares it again") from exc
                self._prepare(cursor, known)
                return self._execute(db, cursor, params)
        except peewee.PeeweeException as exc:
            raise translate(exc) from exc

    def _prepare(self, cursor: Any, known: set[str]) -> None:
        assert self.prepare_sql is not None
        if _peewee_log.isEnabledFor(logging.DEBUG):
            _peewee_log.debug((self.prepare_sql, None))
        with peewee.__exception_wrapper__:  # type: ignore[attr-defined]  # peewee's driver-error mapping
            cursor.execute(self.prepare_sql)
        known.add(self.pg_name)

    def _execute(self, db: peewee.Database, cursor: Any, params: list[Any]) -> Any:
        if db.query_hooks or _peewee_log.isEnabledFor(logging.DEBUG):
            return db.execute_sql(self.execute_sql, params)
        try:
            cursor.execute(self.execute_sql, params)
        except Exception:
            with peewee.__exception_wrapper__:  # type: ignore[attr-defined]  # peewee's driver-error mapping
                raise
        return cursor


# --- per-connection state -------------------------------------------------------------------

# id(connection) -> (weak reference to it, names prepared on it). A plain dict read on every
# call (a WeakKeyDictionary builds a weak reference per lookup); an entry leaves when its
# connection is collected, and the identity check guards against a reused id meanwhile.
_known: dict[int, tuple[weakref.ref[Any], set[str]]] = {}
_known_lock = threading.Lock()
_psycopg2_connection: Any = None


def _known_on(conn: Any) -> set[str] | None:
    """The names prepared on this psycopg2 connection so far (None: not a psycopg2 connection)."""
    entry = _known.get(id(conn))
    if entry is not None and entry[0]() is conn:
        return entry[1]
    global _psycopg2_connection
    if _psycopg2_connection is None:
        try:
            import psycopg2.extensions  # type: ignore[import-untyped]
        except ImportError:  # pragma: no cover - psycopg2 is a dependency
            return None
        _psycopg2_connection = psycopg2.extensions.connection
    if not isinstance(conn, _psycopg2_connection):
        return None
    key = id(conn)

    def forget(ref: weakref.ref[Any], key: int = key) -> None:
        with _known_lock:
            if _known.get(key, (None,))[0] is ref:
                del _known[key]

    with _known_lock:
        entry = _known.get(key)
        if entry is None or entry[0]() is not conn:
            entry = _known[key] = (weakref.ref(conn, forget), set())
        return entry[1]


def _pgcode(exc: BaseException) -> str | None:
    """The SQLSTATE of the driver error under a peewee exception."""
    for candidate in (*exc.args[:1], exc.__cause__, exc.__context__):
        code = getattr(candidate, "pgcode", None)
        if code is not None:
            return code
    return None


def _idle() -> int:
    import psycopg2.extensions

    return psycopg2.extensions.TRANSACTION_STATUS_IDLE


def text_of(sql: str) -> str:
    """The statement behind ``EXECUTE nestauth_<name> (...)`` for the bound Database; other SQL as is.

    For whoever reads what a query hook saw (tests, logs).
    """
    if sql.startswith("EXECUTE nestauth_"):
        owner = _registry.get(sql[len("EXECUTE nestauth_"):].split(" ", 1)[0])
        if owner is not None:
            return owner.statement().sql
    return sql


# --- helpers ----------------------------------------------------------------------------------

def _literal(value: Any) -> str | None:
    """The driver's SQL literal for a statement constant, if it is a simple one (else None)."""
    if value.__class__ not in (bool, int, str):
        return None
    if value.__class__ is str and not (value.isascii() and value.isprintable()):
        return None
    import psycopg2.extensions

    return str(psycopg2.extensions.adapt(value).getquoted().decode("ascii"))


def _sample(field: peewee.Field, k: int) -> Any:
    """A value of ``field``'s type that no constant of a statement equals."""
    target = field.rel_field if isinstance(field, peewee.ForeignKeyField) else field
    if isinstance(target, peewee.UUIDField):
        return uuid.uuid4()
    if isinstance(target, peewee.DateTimeField):
        return _dt.datetime(1001, 1, 1, tzinfo=_dt.UTC) + _dt.timedelta(seconds=k, microseconds=uuid.uuid4().int % 10**6)
    if isinstance(target, peewee.IntegerField):
        return -(2**31) + 7 + k
    if isinstance(target, peewee.JSONField):
        return {"nestauth-sample": uuid.uuid4().hex}
    if isinstance(target, (peewee.CharField, peewee.TextField)):
        return f"~{k}~{uuid.uuid4().hex[:10]}"
    raise TypeError(f"no sample value for {type(field).__name__} {field.name}")


def run(db: peewee.Database, sql: str, params: list[Any]) -> Any:
    """Execute ``sql`` as text on the bound Database ``db``: its cursor, driver errors translated.

    Unless someone watches the SQL (peewee's ``query_hooks`` or its logger at
    DEBUG), this skips ``execute_sql``'s logging and timing wrapper and runs the
    statement on ``db.cursor()`` directly: the same cursor, connection and
    autoconnect.
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


def row_reader(models: Sequence[type[peewee.Model]], *,
               link: str | None = None) -> Callable[[tuple], tuple[peewee.Model, ...]]:
    """A function turning one row (all columns of ``models``, in order) into model instances.

    With ``link`` (a foreign key of the first model to the second), the second
    instance is the first's related object, as peewee's join reader sets it
    (``__rel__``; the key's value is already the column read).

    **Generated on purpose** (the one generated piece of the read path): a
    function with one dict literal per model, text columns taken as the driver
    returns them (str on every dialect), every other column through its
    converter (:func:`_converter`: UUID and timestamp functions called
    directly, the field's ``python_value`` otherwise), NULL staying None. A
    value the driver already returns as its Python type (psycopg2's UUIDs,
    booleans and parsed JSON; a naive UTC timestamp, made aware in place)
    skips the call: the converter would return it unchanged, and the type
    test is cheaper than the call (docs/performance.md, 2026-12-01 second
    round). A plain loop over (name, converter) pairs, peewee's own way,
    measured 2-3 µs slower per row (``dict(zip(...))`` alone costs three times
    a literal): on SQLite's get-user-by-email, about 20 µs in all, that is
    more than 10%. Only field names (checked to be identifiers) and column
    positions are written into the source; models, classes and converters are
    passed in as default arguments. Instances are built by the model's own
    constructor (``__no_default__``, as peewee's row reader does), so no
    private attribute is set here.
    """
    args: dict[str, Any] = {"_UUID": uuid.UUID, "_DT": _dt.datetime, "_comb": _dt.datetime.combine,
                            "_UTC": _dt.UTC}
    instances, column = [], 0
    for m, model in enumerate(models):
        args[f"_m{m}"] = model
        items = []
        for field in model._meta.sorted_fields:
            if not field.name.isidentifier():
                raise RuntimeError(f"unexpected field name {field.name!r}")
            items.append(f"{field.name!r}: {_expression(field, column, args)}")
            column += 1
        instances.append(f"_loaded(_m{m}, {{{', '.join(items)}}})")
    args["_loaded"] = loaded
    signature = ", ".join(f"{name}={name}" for name in args)
    if link is None:
        body = f"    return ({', '.join(instances)},)\n"
    else:
        if not link.isidentifier():
            raise RuntimeError(f"unexpected field name {link!r}")
        body = (f"    first, second = {instances[0]}, {instances[1]}\n"
                f"    first.__rel__[{link!r}] = second\n"
                f"    return first, second\n")
    source = f"def read(row, *, {signature}):\n{body}"
    namespace: dict[str, Any] = dict(args)
    exec(compile(source, f"<row reader of {'+'.join(m.__name__ for m in models)}>", "exec"), namespace)
    return namespace["read"]


def _expression(field: peewee.Field, column: int, args: dict[str, Any]) -> str:
    """The reader's expression for ``field``'s value in ``row[column]`` (its converter put in ``args``)."""
    value = f"row[{column}]"
    convert = _converter(field)
    if convert is None:
        return value
    name = f"_c{column}"
    args[name] = convert
    if convert is fields.uuid_from_db:  # returns a UUID (and None) as it is
        return f"(v if (v := {value}).__class__ is _UUID else {name}(v))"
    if convert is fields.datetime_from_db:  # a naive datetime is UTC: made aware as that function does
        return f"(_comb(v.date(), v.time(), _UTC) if (v := {value}).__class__ is _DT and v.tzinfo is None else {name}(v))"
    if convert is bool:
        return f"(v if (v := {value}).__class__ is bool else (None if v is None else {name}(v)))"
    if _returns_parsed_json(field):  # a JSON column's python_value returns a parsed value unchanged
        return f"(v if (v := {value}).__class__ is dict or v.__class__ is list else (None if v is None else {name}(v)))"
    return f"(None if (v := {value}) is None else {name}(v))"


def _returns_parsed_json(field: peewee.Field) -> bool:
    target = field.rel_field if isinstance(field, peewee.ForeignKeyField) else field
    return type(target).python_value is fields.JSONField.python_value


def _converter(field: peewee.Field) -> Callable[[Any], Any] | None:
    """What turns a non-NULL driver value of ``field`` into its Python value (None: nothing)."""
    python_value = type(field).python_value
    if isinstance(field, (peewee.CharField, peewee.TextField)) and python_value is peewee.Field.python_value:
        return None  # the driver hands text over as str on every dialect
    if python_value is fields.UUIDField.python_value:
        return fields.uuid_from_db
    if python_value is fields.DateTimeField.python_value:
        return fields.datetime_from_db
    if isinstance(field, peewee.BooleanField) and python_value is peewee.BooleanField.python_value:
        return bool  # what that python_value does to a non-NULL value
    if isinstance(field, peewee.ForeignKeyField):
        return _converter(field.rel_field)
    return field.python_value


def loaded(model: type[T], data: dict[str, Any]) -> T:
    """A clean instance holding ``data``, as peewee's row reader builds one (nothing dirty)."""
    instance = model(__no_default__=1)
    instance.__data__ = data
    return instance
