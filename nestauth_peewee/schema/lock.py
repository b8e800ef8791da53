"""One database-wide lock for every schema change: create, sync, migrate, roll back.

Several processes start at once (``gunicorn -w 4`` workers creating tables,
replicas running ``nestauth migrate`` at deploy). Each takes this lock for its
whole run and then looks at the schema again, so exactly one does the work
and the others find nothing left to do::

    from nestauth_peewee.schema.lock import schema_lock

    with schema_lock(db):          # waits (at most `timeout` seconds) for the other runs
        ...                        # re-read the catalog here, then change it

Per dialect:

* PostgreSQL: ``pg_advisory_xact_lock`` inside a transaction that spans the
  run (PostgreSQL DDL is transactional, so the whole run commits or rolls back
  as one). Transaction-scoped, so it holds behind pgbouncer in transaction mode.
* SQLite: ``BEGIN IMMEDIATE`` for the run: one writer at a time, retried until
  ``timeout``.
* MySQL/MariaDB: every DDL statement commits on its own, so no transaction can
  span the run. On one server the lock is ``GET_LOCK`` (held by the session,
  gone when it dies; named after the database, since lock names are
  server-wide). On a Galera cluster (``wsrep_on``) ``GET_LOCK`` and row
  locks are local to one node, so the lock is also a *lease row* in the
  library's migration history table (``nestauth_migrate_history``, ``id = -1``), inserted (and committed) to take
  the lock and deleted to release it: two nodes inserting that one primary key
  conflict (at certification on Galera), so one wins, and between runs the
  history holds migrations only (``pw_migrate`` reads every row of it).
  ``GET_LOCK`` is taken first on the node, which makes waiters on one server
  block instead of polling and tells them whether a holder on their own node is still alive (a dead one's lease is taken over
  at once). A holder that died on another node blocks the others until its
  lease (:data:`LEASE_SECONDS`) runs out. The history table is created when
  missing; ``nestauth`` never lists the lock row as a migration.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import peewee
from peewee_migrate.models import MigrateHistory

from .. import errors
from ..db import dialect_of

__all__ = ["HISTORY_TABLE", "LOCK_ROW_ID", "LEASE_SECONDS", "DEFAULT_TIMEOUT", "schema_lock", "ensure_history_table"]

#: The history table of the library's migrations; on MySQL/MariaDB it also holds the lock row.
HISTORY_TABLE = "nestauth_migrate_history"
#: The id of the lock row in :data:`HISTORY_TABLE` (migrations get positive ids).
LOCK_ROW_ID = -1
#: How long a MySQL/MariaDB holder's claim lasts if it dies without releasing it.
LEASE_SECONDS = 900
#: How long a run waits for the lock by default.
DEFAULT_TIMEOUT = 600.0

_PG_KEY = "nestauth_peewee:schema"
_MYSQL_LOCK_PREFIX = "nestauth_peewee.schema:"
_HELD = "(nestauth schema lock: held by "
_POLL = 0.25


def _real(db: Any) -> peewee.Database:
    while isinstance(db, peewee.DatabaseProxy):
        db = db.obj
    if not isinstance(db, peewee.Database):
        raise errors.ConfigurationError("No database is bound: call nestauth_peewee.init_database(URL) first.")
    return db


@contextmanager
def schema_lock(db: Any, *, timeout: float = DEFAULT_TIMEOUT) -> Iterator[None]:
    """Hold the database-wide schema lock for the block (see the module docstring).

    Raises :class:`~nestauth_peewee.errors.MigrationError` when it cannot be
    had within ``timeout`` seconds, naming the holder where the dialect knows it.
    """
    database = _real(db)
    dialect = dialect_of(database)
    database.connect(reuse_if_open=True)
    if dialect == "postgres":
        with database.atomic():
            before = _scalar(database, "SELECT current_setting('lock_timeout')")
            database.execute_sql("SELECT set_config('lock_timeout', %s, true)", (f"{int(timeout * 1000)}ms",))
            try:
                database.execute_sql("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (_PG_KEY,))
            except peewee.OperationalError as exc:
                if getattr(_driver_error(exc), "pgcode", None) != "55P03":  # lock_not_available
                    raise
                raise errors.MigrationError(
                    f"Another process has held the schema lock for over {timeout:g} s "
                    "(a long migration, or a stuck session: see pg_locks where locktype = 'advisory')."
                ) from exc
            database.execute_sql("SELECT set_config('lock_timeout', %s, true)", (before,))
            yield
    elif dialect == "sqlite":
        with _sqlite_immediate(database, timeout):
            yield
    elif _is_galera(database):
        with _mysql_lease(database, timeout):
            yield
    else:
        with _mysql_get_lock(database, timeout):
            yield


def _is_galera(db: peewee.Database) -> bool:
    row = db.execute_sql("SHOW VARIABLES LIKE 'wsrep_on'").fetchone()
    return row is not None and str(row[1]).upper() == "ON"


@contextmanager
def _mysql_get_lock(db: peewee.Database, timeout: float) -> Iterator[None]:
    # The node-local lock: waiters on this server block here, and it dies with its session.
    name = _mysql_lock_name(db)
    if _scalar(db, "SELECT GET_LOCK(%s, %s)", (name, max(int(timeout), 0))) != 1:
        holder = _scalar(db, "SELECT IS_USED_LOCK(%s)", (name,))
        raise errors.MigrationError(
            f"Another process (connection {holder}) has held the schema lock for over {timeout:g} s "
            "(a long migration, or a stuck session: see SHOW PROCESSLIST)."
        )
    try:
        yield
    finally:
        db.execute_sql("SELECT RELEASE_LOCK(%s)", (name,))


def _mysql_lock_name(db: peewee.Database) -> str:
    """The ``GET_LOCK`` name of this database's schema: lock names are server-wide, so two
    databases on one server (two apps, parallel test runs) must not wait for each other.
    At most 64 characters, MySQL's limit: a long database name goes in as a digest."""
    schema = str(_scalar(db, "SELECT DATABASE()"))
    if len(_MYSQL_LOCK_PREFIX) + len(schema) > 64:
        schema = hashlib.sha256(schema.encode()).hexdigest()[: 64 - len(_MYSQL_LOCK_PREFIX)]
    return _MYSQL_LOCK_PREFIX + schema


@contextmanager
def _sqlite_immediate(db: peewee.Database, timeout: float) -> Iterator[None]:
    deadline = time.monotonic() + timeout
    with ExitStack() as stack:
        while True:
            try:
                stack.enter_context(db.atomic(lock_type="IMMEDIATE"))
                break
            except peewee.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise errors.MigrationError(
                        f"Another process has held the SQLite database's write lock for over {timeout:g} s."
                    ) from exc
        yield


def _scalar(db: peewee.Database, sql: str, params: tuple[Any, ...] = ()) -> Any:
    row = db.execute_sql(sql, params).fetchone()
    return row[0] if row else None


def _q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def ensure_history_table(db: peewee.Database, table: str = HISTORY_TABLE) -> type[MigrateHistory]:
    """A model of a peewee-migrate history ``table`` on ``db``, its table created when missing."""

    class NestAuthMigrateHistory(MigrateHistory):
        class Meta:
            table_name = table

    NestAuthMigrateHistory._meta.set_database(db)
    NestAuthMigrateHistory.create_table(safe=True)
    return NestAuthMigrateHistory


def _driver_error(exc: BaseException) -> BaseException:
    # peewee raises its own class while handling the driver's exception.
    if exc.args and isinstance(exc.args[0], BaseException):
        return exc.args[0]
    return exc.__cause__ or exc.__context__ or exc


def _is_deadlock(exc: BaseException) -> bool:
    orig = _driver_error(exc)
    return bool(orig.args) and orig.args[0] in (1213, 1205)  # deadlock / certification conflict, lock wait


@contextmanager
def _mysql_lease(db: peewee.Database, timeout: float) -> Iterator[None]:
    deadline = time.monotonic() + timeout
    ensure_history_table(db)
    table = _q(HISTORY_TABLE)
    with _mysql_get_lock(db, timeout):
        node = str(_scalar(db, "SELECT CONCAT(@@hostname, ':', @@port)"))
        token = f"{_HELD}{node}#{_scalar(db, 'SELECT CONNECTION_ID()')} {uuid.uuid4().hex[:12]})"
        expiry = f"UTC_TIMESTAMP(6) + INTERVAL {LEASE_SECONDS} SECOND"
        while True:
            holder = None
            try:
                # The row exists only while the lock is held: two nodes inserting the same
                # primary key conflict (duplicate key, or a certification conflict on Galera).
                db.execute_sql(f"INSERT INTO {table} (id, name, migrated_at) VALUES (%s, %s, {expiry})",
                               (LOCK_ROW_ID, token))
                break
            except (peewee.IntegrityError, peewee.OperationalError) as exc:
                if isinstance(exc, peewee.OperationalError) and not _is_deadlock(exc):
                    raise
            row = db.execute_sql(f"SELECT name, migrated_at < UTC_TIMESTAMP(6) FROM {table} "
                                 f"WHERE id = {LOCK_ROW_ID}").fetchone()
            if row is not None:
                holder, expired = row
                # A claim made on this node while we hold this node's GET_LOCK: its owner died.
                if expired or str(holder).startswith(f"{_HELD}{node}#"):
                    cursor = db.execute_sql(f"UPDATE {table} SET name = %s, migrated_at = {expiry} "
                                            f"WHERE id = {LOCK_ROW_ID} AND name = %s", (token, holder))
                    if cursor.rowcount == 1:
                        break
            if time.monotonic() > deadline:
                raise errors.MigrationError(
                    f"The schema lock is held by another process {str(holder).removeprefix(_HELD).rstrip(')')} "
                    f"(waited {timeout:g} s). If that process died, its claim expires {LEASE_SECONDS} s after "
                    f"it was taken; or clear it: DELETE FROM {HISTORY_TABLE} WHERE id = {LOCK_ROW_ID}."
                )
            time.sleep(_POLL)
        try:
            yield
        finally:
            db.execute_sql(f"DELETE FROM {table} WHERE id = {LOCK_ROW_ID} AND name = %s", (token,))
