"""The database handle: URL (or Database) in, configured peewee Database out.

Importing the package opens nothing. An app binds the models once::

    from nestauth_peewee import init_database, create_tables

    db = init_database("postgresql://app@localhost/app")   # or mysql://, sqlite:///
    create_tables()

With no argument the URL comes from ``DATABASE_URL``, and without that from
the embedded default ``sqlite:///nestauth.db``.

What each dialect gets, so users need not remember it:

* SQLite: ``PRAGMA foreign_keys = ON`` on every connection (pooled ones
  too), so ``ON DELETE CASCADE`` really runs; WAL journal for files.
* MySQL/MariaDB: ``utf8mb4``, a strict SQL mode (overlong values are errors),
  the session time zone pinned to UTC (appended to an app's own ``SET``
  ``init_command``, never replacing it), ``DATETIME(6)`` so microseconds
  survive, and MariaDB detected from the server's version so JSON values are
  written the way MariaDB understands.
* PostgreSQL: nothing at connect time but a connect timeout, so a default
  pgbouncer in transaction mode accepts the connection; timestamps are UTC
  whatever the session's time zone. The request-path statements are prepared
  server-side once per connection (``prepare=False``, or ``?prepare=false`` in
  the URL, switches that off, as pgbouncer's transaction mode needs: see
  :func:`prepares`).

Every query the models run goes through :data:`database` (a proxy), which
turns driver exceptions into the library's typed errors (:mod:`.errors`).
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlparse

import peewee
from playhouse import db_url, pool

from . import errors
from .driver_errors import translate
from .replicas import DEFAULT_STICKY_SECONDS, routing

__all__ = [
    "database",
    "init_database",
    "get_database",
    "dialect_of",
    "normalize_dialect",
    "offline_database",
    "DIALECTS",
    "prepares",
    "PREPARE_OPTION",
    "DEFAULT_DATABASE_URL",
    "MYSQL_SQL_MODE",
]

#: The three dialects, in the order the docs list them.
DIALECTS: tuple[str, ...] = ("postgres", "mysql", "sqlite")

_DIALECT_ALIASES = {
    "postgres": "postgres",
    "postgresql": "postgres",
    "pg": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
    "sqlite3": "sqlite",
}

DEFAULT_DATABASE_URL = "sqlite:///nestauth.db"

#: Strict mode: overlong strings, bad dates and division by zero are errors.
MYSQL_SQL_MODE = (
    "STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"
)


class _TranslatingProxy(peewee.DatabaseProxy):
    """A DatabaseProxy whose query execution raises the library's errors."""

    def execute(self, query: Any, **context_options: Any) -> Any:
        db = self.bound()
        if routing.replicas:  # read replicas: see replicas.py
            db = routing.for_query(db, query)
        try:
            return db.execute(query, **context_options)
        except peewee.PeeweeException as exc:
            raise translate(exc) from exc

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        db = self.for_sql(sql)
        try:
            return db.execute_sql(sql, params)
        except peewee.PeeweeException as exc:
            raise translate(exc) from exc

    def for_sql(self, sql: str) -> peewee.Database:
        """The Database the SQL text ``sql`` runs on now (a write marks this context; see replicas.py)."""
        db = self.bound()
        return routing.for_sql(db, sql) if routing.replicas else db

    def for_read(self) -> peewee.Database:
        """The Database a plain read runs on now: the primary, or a replica (see replicas.py)."""
        db = self.bound()
        return routing.read_target(db) if routing.replicas else db

    def close(self) -> bool:
        """Close this thread's connection, and its replica connections."""
        closed = self.bound().close()
        if routing.replicas:
            routing.close_thread_connections()
        return closed

    def connect(self, reuse_if_open: bool = False) -> bool:
        try:
            return self.bound().connect(reuse_if_open=reuse_if_open)
        except peewee.PeeweeException as exc:
            raise translate(exc) from exc

    def bound(self) -> peewee.Database:
        """The Database bound now (the primary), or ConfigurationError when none is."""
        obj = self.obj
        if obj is None:
            raise errors.ConfigurationError(
                "No database is bound: call nestauth_peewee.init_database(URL) first."
            )
        return obj


#: The option (``init_database(..., prepare=False)``, ``?prepare=false``) that switches off
#: server-side prepared statements on PostgreSQL; read back with :func:`prepares`.
PREPARE_OPTION = "prepare"
_PREPARE_ATTRIBUTE = "nestauth_prepare"
_FALSE_WORDS = ("0", "false", "no", "off")


def prepares(db: Any) -> bool:
    """Whether nest-auth prepares its hot-path statements server-side on ``db`` (PostgreSQL only).

    On unless switched off with ``init_database(..., prepare=False)`` or a
    ``prepare=false`` URL parameter. Switch it off behind pgbouncer in
    transaction (or statement) pooling mode: there consecutive transactions
    may run in different server sessions, and an SQL-level ``PREPARE`` stays
    with the session it ran in.
    """
    while isinstance(db, peewee.DatabaseProxy):
        db = db.obj
    return bool(getattr(db, _PREPARE_ATTRIBUTE, True))


def _set_prepare(db: peewee.Database, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, str):
        value = value.strip().lower() not in _FALSE_WORDS
    setattr(db, _PREPARE_ATTRIBUTE, bool(value))


#: The late-bound database every nest-auth model uses.
database = _TranslatingProxy()
_init_lock = threading.Lock()


@dataclass(frozen=True)
class DialectTraits:
    """What nest-auth's queries and DDL need to know of a dialect beyond peewee's own traits.

    peewee's Database classes already declare ``param``, ``quote``, ``for_update`` and
    ``returning_clause``: read those from the Database. These are the rest, one row per dialect
    (:data:`TRAITS`); code asks a trait, never compares dialect names. Only the schema tooling
    keys its per-dialect output (snapshots, migration statements, catalog queries) by name.
    """

    name: str
    #: The database class (peewee's) whose instances, subclasses included, have these traits.
    database_class: type[peewee.Database]
    #: A skipped duplicate is ``ON DUPLICATE KEY UPDATE pk = pk`` (and an upsert names no conflict
    #: target), not ``ON CONFLICT (...) DO ...``.
    duplicate_key_update: bool = False
    #: ``DELETE ... ORDER BY ... LIMIT n`` is the batched delete (a LIMIT in an ``IN`` subquery on
    #: the same table is refused), rather than deleting the ids a limited subquery picks.
    delete_order_limit: bool = False
    #: DDL runs inside the transaction (a failed migration leaves nothing behind).
    transactional_ddl: bool = True
    #: ``DROP TABLE ... CASCADE`` (drops what depends on the table, as peewee's ``cascade=``).
    drop_cascade: bool = False
    #: A foreign key can be added by ``ALTER TABLE ... ADD`` (SQLite: only inline with the column).
    alter_add_foreign_key: bool = True
    #: ``DROP INDEX name ON table`` (index names are per table).
    drop_index_on_table: bool = False
    #: The outermost transaction is ``BEGIN IMMEDIATE``: the write lock taken at once, so a
    #: read-then-write transaction waits its turn instead of failing.
    begin_immediate: bool = False
    #: ``BEGIN`` can be refused by a pooler that closes the connection (pgbouncer in statement mode).
    checked_begin: bool = False
    #: The server default of "now", in UTC.
    now_sql: str = ""
    #: How a boolean server default is written (true, false).
    boolean_literals: tuple[str, str] = ("1", "0")
    #: A JSON object server default must be an expression: ``('{}')``.
    json_default_in_parens: bool = False
    #: The column type of a JSON field, where it is not peewee's.
    json_type: str | None = None
    #: The collation of an exact (case- and accent-sensitive) string column, where it needs one.
    exact_collation: str | None = None
    #: What CREATE TABLE appends (engine and character set).
    table_options: str = ""


#: One row per supported dialect, in the order of :data:`DIALECTS`.
TRAITS: dict[str, DialectTraits] = {
    "postgres": DialectTraits("postgres", peewee.PostgresqlDatabase, drop_cascade=True, checked_begin=True,
                              now_sql="(now() AT TIME ZONE 'utc')", boolean_literals=("true", "false"),
                              json_type="JSONB"),
    "mysql": DialectTraits("mysql", peewee.MySQLDatabase, duplicate_key_update=True, delete_order_limit=True,
                           transactional_ddl=False, drop_index_on_table=True, now_sql="(UTC_TIMESTAMP(6))",
                           json_default_in_parens=True, exact_collation="utf8mb4_bin",
                           table_options="ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"),
    "sqlite": DialectTraits("sqlite", peewee.SqliteDatabase, alter_add_foreign_key=False, begin_immediate=True,
                            now_sql="(strftime('%Y-%m-%d %H:%M:%f', 'now'))"),
}


def traits_of(db: Any) -> DialectTraits:
    """The :class:`DialectTraits` of a Database or proxy."""
    return TRAITS[dialect_of(db)]


def dialect_of(db: Any) -> str:
    """Return ``"postgres"``, ``"mysql"`` or ``"sqlite"`` for a Database or proxy."""
    while isinstance(db, peewee.DatabaseProxy):
        db = db.obj
    for traits in TRAITS.values():
        if isinstance(db, traits.database_class):
            return traits.name
    if db is None:
        raise errors.ConfigurationError(
            "No database is bound: call nestauth_peewee.init_database(URL) first."
        )
    raise errors.ConfigurationError(
        f"Unsupported database class {type(db).__name__}: use PostgreSQL, MySQL/MariaDB or SQLite."
    )


def _mariadb_aware(base: type[peewee.MySQLDatabase]) -> type[peewee.MySQLDatabase]:
    """A subclass of ``base`` that sets ``mariadb`` from the server's version string.

    peewee needs ``mariadb=True`` to write JSON values MariaDB understands, and
    cannot tell by itself. A plain subclass (no new attributes) keeps the
    instance layout, so an app's own instance can adopt it too.
    """

    def _set_server_version(self: peewee.MySQLDatabase, conn: Any) -> None:
        base._set_server_version(self, conn)  # type: ignore[attr-defined]  # peewee's private hook, extended
        version = getattr(conn, "server_version", None) or conn.get_server_info()
        if "mariadb" in str(version).lower():
            self.mariadb = True

    return type(f"MariaDBAware{base.__name__}", (base,), {
        "_set_server_version": _set_server_version,
        "__module__": __name__,
        "_nestauth_mariadb_aware": True,
    })


class _NestAuthPool:
    """peewee's pool with two shortcuts for web servers, which run each request on a pool thread.

    **No liveness round trip for a connection handed back moments ago.** peewee's
    PostgreSQL and MySQL pools ping every connection they hand out (``SELECT 1`` /
    ``ping``): one more round trip per request, as long as an auth lookup. A connection
    handed back less than :data:`POOL_PING_AFTER` seconds ago is only checked
    client-side (the driver's closed flag); one that sat idle longer is pinged as before.
    A server that went away in that moment fails the request's first statement
    (``DatabaseUnavailable``) and the broken connection is not put back. A check-in asks
    PyMySQL's own transaction flag instead of rolling back blindly (peewee's MySQL pool
    sends a ``ROLLBACK`` on every check-in when the driver has no ``in_transaction``).

    **Parking** (:meth:`park`, what the Flask extension and the Bottle plugin call when a
    request ends): the thread's connection is set aside for that thread's next request
    instead of going through the pool's check-in and check-out (their locks, heap and clock
    reads took 54-86 µs of a request's hooks, cold, against 15 µs in a tight loop:
    docs/performance.md). A parked connection still counts as in use;
    when every connection is in use, a thread that needs one takes another thread's parked
    connection (it is idle by definition), so parking never makes a request wait and the
    pool never holds more than ``max_connections``. The pool's other rules hold for a
    parked connection too: the ping after :data:`POOL_PING_AFTER`, ``stale_timeout``, and a
    forked child never reusing its parent's connections (see ``_connect``).
    """

    _checked_in: dict[int, float]
    _parked: dict[int, tuple[Any, float]]
    _inherited: list[Any]
    _pool_pid: int
    # peewee's pool state (playhouse.pool.PooledDatabase), declared for the type checker.
    _pool_lock: Any
    _pool_available: Any
    _connections: list[Any]
    _in_use: dict[Any, Any]
    _max_connections: int
    _stale_timeout: int
    _lock: Any
    _state: Any

    # --- parking: a request's connection kept for its thread's next request ----------------

    def park(self) -> bool:
        """End this thread's use of its connection, keeping it for the thread's next request.

        Returns whether a connection was open. Inside a transaction this raises as
        ``close()`` does; a connection the driver does not report open and idle goes
        back through the pool's check-in (rolled back, or closed when broken).
        """
        state = self._state
        if state.closed:
            return False
        conn = state.conn
        if state.transactions or not _driver_idle(conn):
            return bool(self.close())  # type: ignore[attr-defined]
        with self._lock:  # peewee's lock around the thread's connection state
            self._parked_connections()[threading.get_ident()] = (conn, time.monotonic())
            state.reset()
        if self._max_connections and len(self._in_use) >= self._max_connections:
            with self._pool_available:  # a thread may be waiting for a connection: it can take this one
                self._pool_available.notify()
        return True

    def resume(self) -> bool:
        """Open this thread's connection for a request (``connect(reuse_if_open=True)``'s
        answer): the connection it parked, when that is fit, else one from the pool."""
        state = self._state
        if not state.closed:
            return False
        conn = self._unpark(self._parked_connections().pop(threading.get_ident(), None))
        if conn is None:  # none parked, or not fit (closed, counted out): the pool's way
            return bool(self.connect())  # type: ignore[attr-defined]
        with self._lock:  # what peewee's connect() does with a connection, without the pool's check-out
            state.set_connection(conn)
            self._initialize_connection(conn)  # type: ignore[attr-defined]
        return True

    def _parked_connections(self) -> dict[int, tuple[Any, float]]:
        try:
            return self._parked
        except AttributeError:
            self._parked = {}
            _parking_pools.add(self)
            return self._parked

    def _checked_in_at(self) -> dict[int, float]:
        try:
            return self._checked_in
        except AttributeError:
            self._checked_in = {}
            return self._checked_in

    def _connect(self) -> Any:
        # After a fork (gunicorn --preload, multiprocessing) the child inherits the parent's
        # pooled connections: their sockets are shared with the parent. They are set aside,
        # never used and never closed here (closing would end the parent's server session), and
        # the child starts an empty pool of its own. peewee's pool keeps this state privately.
        pid = os.getpid()
        if getattr(self, "_pool_pid", pid) != pid:
            with self._pool_lock:
                inherited = getattr(self, "_inherited", [])
                inherited += [entry[-1] for entry in self._connections]
                inherited += [held.connection for held in self._in_use.values()]
                self._inherited = inherited
                self._connections, self._in_use = [], {}
                self._checked_in, self._parked = {}, {}
        self._pool_pid = pid
        parked = self._parked_connections()
        conn = self._unpark(parked.pop(threading.get_ident(), None))
        if conn is not None:
            return conn
        try:
            return super()._connect()  # type: ignore[misc]
        except pool.MaxConnectionsExceeded:
            while parked:  # every connection is in use: take one another thread parked
                try:
                    _, entry = parked.popitem()
                except KeyError:  # taken meanwhile
                    break
                conn = self._unpark(entry)
                if conn is not None:
                    return conn
            raise

    def _unpark(self, entry: tuple[Any, float] | None) -> Any:
        """The connection of a parked ``entry`` this thread now owns, if it is fit to use, else ``None``."""
        if entry is None:
            return None
        conn, parked_at = entry
        key = id(conn)
        held = self._in_use.get(key)
        if held is None or held.connection is not conn:  # closed meanwhile (close_all, close_stale)
            return None
        if time.monotonic() - parked_at < POOL_PING_AFTER:
            broken = not _driver_idle(conn)
        else:
            broken = super()._is_closed(conn)  # type: ignore[misc]  # the pool's ping
        if broken or (self._stale_timeout and self._is_stale(held.timestamp)):  # type: ignore[attr-defined]
            self._close(conn, close_conn=True)  # out of the pool's count; a waiting thread is woken
            return None
        self._in_use[key] = pool.PoolConnection(held.timestamp, conn, time.time())  # checked out now
        return conn

    # --- the pool's check-out and check-in -------------------------------------------------

    def _is_closed(self, conn: Any) -> bool:
        checked_in = self._checked_in_at().get(id(conn))
        if checked_in is not None and time.monotonic() - checked_in < POOL_PING_AFTER:
            closed = getattr(conn, "closed", None)  # psycopg2: 0 while open
            if closed is None:
                closed = not getattr(conn, "open", True)  # PyMySQL
            return bool(closed)
        return super()._is_closed(conn)  # type: ignore[misc]

    def _can_reuse(self, conn: Any) -> bool:
        if _is_pymysql(conn):  # its server_status: the flags of the server's last reply
            if not conn.open:
                return False
            if conn.server_status & _SERVER_STATUS_IN_TRANS:
                try:
                    conn.rollback()
                except Exception:
                    return False
            return True
        return bool(super()._can_reuse(conn))  # type: ignore[misc]

    def _close(self, conn: Any, close_conn: bool = False) -> None:
        super()._close(conn, close_conn)  # type: ignore[misc]
        if close_conn:
            self._checked_in_at().pop(id(conn), None)
        else:
            self._checked_in_at()[id(conn)] = time.monotonic()

    def close_all(self) -> None:
        """Close every connection of the pool, the parked ones included."""
        super().close_all()  # type: ignore[misc]
        self._parked_connections().clear()


def _is_pymysql(conn: Any) -> bool:
    return type(conn).__module__.startswith("pymysql")


def _driver_idle(conn: Any) -> bool:
    """Whether the driver reports ``conn`` open with no transaction, without a round trip."""
    status = getattr(conn, "get_transaction_status", None)
    if status is not None:  # psycopg2
        return not conn.closed and status() == _PSYCOPG2_IDLE
    if _is_pymysql(conn):
        return bool(conn.open) and not conn.server_status & _SERVER_STATUS_IN_TRANS
    return False  # another driver: the pool's own check-in decides


#: psycopg2's TRANSACTION_STATUS_IDLE.
_PSYCOPG2_IDLE = 0
_parking_pools: weakref.WeakSet[Any] = weakref.WeakSet()


def _forget_parked_after_fork() -> None:
    # A forked child shares its parent's sockets: what the parent parked is not the child's
    # (the pool's own fork check then sets those connections aside on the child's first connect).
    for parking in list(_parking_pools):
        parking._parked = {}


os.register_at_fork(after_in_child=_forget_parked_after_fork)

#: The MySQL protocol's "a transaction is open" status flag (SERVER_STATUS_IN_TRANS).
_SERVER_STATUS_IN_TRANS = 1

#: Seconds within which a pooled connection handed back is trusted without a ping.
POOL_PING_AFTER = 1.0

NestAuthPooledPostgresqlDatabase = type("NestAuthPooledPostgresqlDatabase",
                                        (_NestAuthPool, pool.PooledPostgresqlDatabase),
                                        {"__module__": __name__})
NestAuthMySQLDatabase = _mariadb_aware(peewee.MySQLDatabase)
NestAuthPooledMySQLDatabase = _mariadb_aware(type("PooledMySQLDatabase",
                                                  (_NestAuthPool, pool.PooledMySQLDatabase),
                                                  {"__module__": __name__}))
_mariadb_aware_classes: dict[type, type] = {}

_SCHEMES: dict[str, tuple[str, type, type]] = {
    "postgres": ("postgres", peewee.PostgresqlDatabase, NestAuthPooledPostgresqlDatabase),
    "postgresql": ("postgres", peewee.PostgresqlDatabase, NestAuthPooledPostgresqlDatabase),
    "mysql": ("mysql", NestAuthMySQLDatabase, NestAuthPooledMySQLDatabase),
    "mariadb": ("mysql", NestAuthMySQLDatabase, NestAuthPooledMySQLDatabase),
    "sqlite": ("sqlite", peewee.SqliteDatabase, pool.PooledSqliteDatabase),
}


def _database_from_url(url: str, *, pool_connections: bool | None, **options: Any) -> peewee.Database:
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    pooled = scheme.endswith("+pool")
    scheme = scheme.removesuffix("+pool")
    if scheme not in _SCHEMES:
        known = ", ".join(sorted(f"{s}://" for s in _SCHEMES))
        raise errors.ConfigurationError(
            f"Unknown database URL scheme {parsed.scheme!r} in {_redact(url)!r}; use one of {known}."
        )
    try:
        params = db_url.parseresult_to_dict(parsed, unquote_password=True, unquote_user=True)
    except (ValueError, TypeError) as exc:
        raise errors.ConfigurationError(f"Malformed database URL {_redact(url)!r}: {exc}") from exc
    dialect, plain_cls, pooled_cls = _SCHEMES[scheme]
    if not params.get("database"):
        raise errors.ConfigurationError(
            f"The database URL {_redact(url)!r} names no database "
            "(e.g. postgresql://user@host/dbname or sqlite:///file.db)."
        )
    if dialect == "sqlite" and params.get("host"):
        # sqlite://name.db means host "name.db": almost always a missing slash.
        raise errors.ConfigurationError(
            f"SQLite URLs need three slashes: sqlite:///relative.db or sqlite:////abs/path.db, "
            f"not {url!r}."
        )
    url_pool = params.pop("pool", None)  # ?pool=true|false, as the scheme's +pool
    if isinstance(url_pool, str):
        pooled = url_pool.strip().lower() not in _FALSE_WORDS
    params.update(options)
    prepare = params.pop(PREPARE_OPTION, None)
    use_pool = pooled if pool_connections is None else pool_connections
    if use_pool:
        params.setdefault("max_connections", 20)
        params.setdefault("stale_timeout", 300)
    else:
        params.pop("max_connections", None)
        params.pop("stale_timeout", None)
    cls = pooled_cls if use_pool else plain_cls
    try:
        db = cls(**params)
    except TypeError as exc:
        raise errors.ConfigurationError(f"Bad option in database URL {_redact(url)!r}: {exc}") from exc
    _set_prepare(db, prepare)
    return db


def _redact(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        netloc = parsed.netloc.replace(":" + parsed.password + "@", ":***@")
        return parsed._replace(netloc=netloc).geturl()
    return url


def normalize_dialect(name: str) -> str:
    """Return ``postgres``, ``mysql`` or ``sqlite`` for a dialect name or alias."""
    key = str(name).strip().lower()
    if key not in _DIALECT_ALIASES:
        raise errors.ConfigurationError(
            f"Unknown dialect {name!r}: use postgres, mysql (MariaDB too) or sqlite."
        )
    return _DIALECT_ALIASES[key]


def offline_database(dialect: str) -> peewee.Database:
    """A never-connected Database of ``dialect``, configured as :func:`init_database` would
    (DATETIME(6) on MySQL, ...): what the schema tooling renders DDL with."""
    classes: dict[str, type[peewee.Database]] = {
        "postgres": peewee.PostgresqlDatabase, "mysql": NestAuthMySQLDatabase,
        "sqlite": peewee.SqliteDatabase,
    }
    return _configure(classes[normalize_dialect(dialect)](None))


def _configure(db: peewee.Database) -> peewee.Database:
    """Apply the per-dialect settings to ``db`` (before it connects)."""
    dialect = dialect_of(db)
    if dialect == "sqlite":
        # The pragmas peewee runs on every new connection are only kept privately.
        # busy_timeout first: the journal-mode switch of a new file must wait for a
        # concurrent starter's lock too, not fail with "database is locked".
        pragmas = {"busy_timeout": 5000, **dict(db._pragmas or ())}  # type: ignore[attr-defined]
        pragmas["foreign_keys"] = 1
        if db.database not in (":memory:", "") and not str(db.database).startswith("file:"):
            pragmas.setdefault("journal_mode", "wal")
        db._pragmas = list(pragmas.items())  # type: ignore[attr-defined]
    elif dialect == "mysql":
        mysql_db = cast(peewee.MySQLDatabase, db)
        if not getattr(mysql_db, "_nestauth_mariadb_aware", False):
            # An app's own MySQLDatabase instance: give it MariaDB detection.
            base = type(mysql_db)
            if base not in _mariadb_aware_classes:
                _mariadb_aware_classes[base] = _mariadb_aware(base)
            mysql_db.__class__ = _mariadb_aware_classes[base]
        # The merged field types are private; the public field_types only feeds __init__.
        mysql_db._field_types["DATETIME"] = "DATETIME(6)"  # type: ignore[attr-defined]
        params = mysql_db.connect_params
        if "passwd" in params:  # what playhouse's URL parser gives; PyMySQL deprecates it
            params["password"] = params.pop("passwd")
        params["charset"] = "utf8mb4"
        params["sql_mode"] = MYSQL_SQL_MODE
        params["init_command"] = _mysql_init_command(params.get("init_command"))
        params.setdefault("connect_timeout", 10)
    elif dialect == "postgres":
        # No startup ``options`` (a default pgbouncer refuses them): nothing the library
        # stores or compares depends on the session time zone (see docs/scaling.md).
        db.connect_params.setdefault("connect_timeout", 10)
    return db


_MYSQL_UTC = "time_zone = '+00:00'"


def _mysql_init_command(own: Any) -> str:
    """The app's ``init_command`` with the library's UTC session time zone appended.

    PyMySQL runs ``init_command`` as one statement (no multi-statements), so
    the library's assignment joins the app's ``SET``; an app that sets
    ``time_zone`` itself keeps its own value.
    """
    if not own:
        return "SET " + _MYSQL_UTC
    text = str(own).strip().rstrip(";").strip()
    if ";" in text or not text[:4].upper() == "SET ":
        raise errors.ConfigurationError(
            f"init_command {text!r} cannot be combined with the library's {_MYSQL_UTC!r}: give one "
            "SET statement (e.g. \"SET SESSION wsrep_sync_wait = 1\"); the library appends its own."
        )
    if "time_zone" in text.lower():
        return text
    return f"{text}, {_MYSQL_UTC}"


def init_database(
    target: str | peewee.Database | None = None,
    *,
    pool: bool | None = None,
    prepare: bool | None = None,
    replicas: Sequence[str | peewee.Database] | None = None,
    sticky_seconds: float = DEFAULT_STICKY_SECONDS,
    **options: Any,
) -> peewee.Database:
    """Build (or adopt) a Database, configure it for its dialect, and bind the models.

    ``target`` is a URL (``postgresql://``, ``mysql://``, ``mariadb://``,
    ``sqlite:///``; add ``+pool`` to the scheme, ``?pool=true`` to the URL, or
    pass ``pool=True``, for a connection pool; ``pool=False`` wins over both), an existing :class:`peewee.Database`, or ``None`` to read
    ``DATABASE_URL`` (falling back to :data:`DEFAULT_DATABASE_URL`). Extra
    keyword arguments go to the Database constructor. No connection is opened.

    ``prepare=False`` (or ``prepare=false`` in the URL's query) stops the
    hot-path statements from being prepared server-side on PostgreSQL (see
    :func:`prepares`); it applies to a Database instance too. ``None`` keeps
    the URL's setting, else the default (on).

    An existing Database must not be connected yet: its connection settings
    are adjusted in place (a MySQLDatabase also learns to detect MariaDB).

    ``replicas`` (URLs or Databases of the same dialect, built like the
    primary: same ``pool`` and options) receive the read-only queries that may
    leave the primary; after a write this context reads the primary for
    ``sticky_seconds``. Which reads those are: :mod:`nestauth_peewee.replicas`
    and docs/scaling.md. Without ``replicas`` every query goes to the primary.
    """
    if target is None:
        target = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if isinstance(target, str):
        if prepare is not None:
            options[PREPARE_OPTION] = prepare
        db = _database_from_url(target.strip(), pool_connections=pool, **options)
    elif isinstance(target, peewee.Database):
        if options or pool is not None:
            raise errors.ConfigurationError(
                "Options and pool= apply to URLs only; configure your Database instance yourself."
            )
        db = target
        _set_prepare(db, prepare)
    else:
        raise errors.ConfigurationError(
            f"init_database() takes a URL or a peewee Database, not {type(target).__name__}."
        )
    readers = [_replica(r, db, pool, options) for r in (replicas or ())]
    with _init_lock:
        _configure(db)
        for reader in readers:
            _configure(reader)
        routing.configure(readers, sticky_seconds=sticky_seconds)
        database.initialize(db)
    return db


def _replica(target: str | peewee.Database, primary: peewee.Database, pool: bool | None,
             options: dict[str, Any]) -> peewee.Database:
    if isinstance(target, str):
        replica = _database_from_url(target.strip(), pool_connections=pool, **options)
    elif isinstance(target, peewee.Database):
        replica = target
    else:
        raise errors.ConfigurationError(f"A replica is a URL or a peewee Database, not {type(target).__name__}.")
    if replica is primary or dialect_of(replica) != dialect_of(primary):
        raise errors.ConfigurationError(
            f"A replica must be another database of the primary's dialect ({dialect_of(primary)})."
        )
    return replica


def get_database() -> peewee.Database:
    """Return the bound Database, or raise :class:`ConfigurationError`."""
    return database.bound()
