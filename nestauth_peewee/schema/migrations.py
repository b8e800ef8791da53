"""Path 2 of the setup guide: the library's versioned migrations, run with peewee-migrate.

The migrations ship inside the package (``nestauth_peewee/migrations/``, their
only home) and record what ran in their own
history table, ``nestauth_migrate_history``, so they never mix with an
application's own peewee-migrate history::

    from nestauth_peewee import init_database
    from nestauth_peewee.schema.migrations import migrate, migration_status, rollback

    db = init_database("postgresql://app@localhost/app")
    migrate(db)                       # ['001_initial'] the first time, [] afterwards
    migration_status(db).pending      # []
    rollback(db)                      # undo the newest migration

From a shell: ``nestauth migrate``, ``nestauth rollback``, ``nestauth migrations``;
or, in a checkout, ``pw_migrate migrate --database URL --directory nestauth_peewee/migrations``.

``migrate`` and ``rollback`` hold the database-wide schema lock (:mod:`.lock`)
for their whole run and read the history once they hold it: of several
replicas migrating at deploy, one applies the migrations and the others find
nothing pending. On PostgreSQL and SQLite the run is one transaction, so a
failed migration leaves nothing of the run behind; MySQL/MariaDB commit each
DDL statement, so every migration first checks the objects it touches and
stops before its first statement when the schema is not the expected one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import peewee
from peewee_migrate import Router
from peewee_migrate.models import MIGRATE_TABLE, MigrateHistory

from .. import errors
from ..db import get_database, traits_of
from ..driver_errors import translate
from .lock import DEFAULT_TIMEOUT, HISTORY_TABLE, LOCK_ROW_ID, ensure_history_table, schema_lock

__all__ = [
    "MIGRATIONS_DIR",
    "HISTORY_TABLE",
    "MigrationStatus",
    "migration_names",
    "history_table_for",
    "migration_status",
    "migrate",
    "rollback",
]

#: Where the library's migration files live (package data, with conf.py and schema_state.json).
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# HISTORY_TABLE (from .lock): the history table of the library's migrations (peewee-migrate's
# default is ``migratehistory``); on MySQL/MariaDB it also holds the schema lock's row.

_FILE_RE = re.compile(r"^\d{3}_[^.]+\.py$")  # the mask peewee-migrate's Router uses
_logger = logging.getLogger("nestauth_peewee.migrations")
_logger.addHandler(logging.NullHandler())


def migration_names(directory: Path | str | None = None) -> list[str]:
    """The migration names found in ``directory`` (default: the library's), in order."""
    folder = Path(directory) if directory is not None else MIGRATIONS_DIR
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.iterdir() if _FILE_RE.match(p.name))


class _Router(Router):
    """A peewee-migrate Router whose history model is its own class.

    peewee-migrate's Router rebinds the shared ``MigrateHistory`` class to its
    table; two routers in one process (the library's and an app's) would then
    read each other's history.
    """

    database: peewee.Database  # _router() passes a bound Database, never a Proxy

    @cached_property
    def model(self) -> type[MigrateHistory]:
        return ensure_history_table(self.database, self.migrate_table)

    @property
    def done(self) -> list[str]:
        """The recorded migrations, oldest first (never the schema lock's row)."""
        model = self.model
        return [row.name for row in model.select().where(model.id != LOCK_ROW_ID).order_by(model.id)]


@dataclass
class MigrationStatus:
    """Which migrations a database has run, which are pending, which it has but we do not ship."""

    done: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    #: Every recorded name, oldest first (``done`` and ``unknown`` together).
    history: list[str] = field(default_factory=list)


def _real(db: Any) -> peewee.Database:
    if db is None:
        db = get_database()
    while isinstance(db, peewee.DatabaseProxy):
        db = db.obj
    if not isinstance(db, peewee.Database):
        raise errors.ConfigurationError(f"Expected a peewee Database, not {type(db).__name__}.")
    return db


def history_table_for(directory: Path | str | None = None, history_table: str | None = None) -> str:
    """The history table a directory's migrations record into.

    The library's own directory always uses :data:`HISTORY_TABLE`. Another
    directory (an app's) uses ``history_table`` if given, else the
    ``MIGRATE_TABLE`` of its ``conf.py`` (as ``pw_migrate`` does), else
    peewee-migrate's default ``migratehistory``; so ``pw_migrate`` and
    ``nestauth migrate --directory`` share one history.
    """
    if history_table:
        return history_table
    if directory is None:
        return HISTORY_TABLE
    conf = Path(directory) / "conf.py"
    if conf.is_file():
        scope: dict[str, Any] = {}
        exec(compile(conf.read_text(encoding="utf-8"), str(conf), "exec", dont_inherit=True), scope)
        if scope.get("MIGRATE_TABLE"):
            return str(scope["MIGRATE_TABLE"])
    return MIGRATE_TABLE


def _router(db: peewee.Database, directory: Path | str | None, history_table: str | None) -> _Router:
    folder = Path(directory) if directory is not None else MIGRATIONS_DIR
    if not folder.is_dir():
        raise errors.ConfigurationError(f"No migrations directory at {folder}.")
    table = history_table_for(directory, history_table)
    return _Router(db, migrate_dir=folder, migrate_table=table, logger=_logger)


@contextmanager
def _session(db: peewee.Database) -> Iterator[None]:
    """Connect if needed; on SQLite, turn foreign-key enforcement off while migrating.

    A SQLite table rebuild drops and recreates a table; with enforcement on,
    dropping a parent table would cascade into its children.
    """
    opened = db.connect(reuse_if_open=True)
    restore = False
    try:
        if isinstance(db, peewee.SqliteDatabase):  # the foreign_keys pragma is SQLite's own
            if db.in_transaction():
                raise errors.ConfigurationError(
                    "Run SQLite migrations outside a transaction (foreign keys must be switched off)."
                )
            restore = bool(cast(peewee.SqliteDatabase, db).pragma("foreign_keys"))
            cast(peewee.SqliteDatabase, db).pragma("foreign_keys", 0)
        yield
    finally:
        if restore:  # only ever set on SQLite
            cast(peewee.SqliteDatabase, db).pragma("foreign_keys", 1)
        if opened:
            db.close()


def _failure(name: str, db: peewee.Database, exc: BaseException, action: str,
             router: _Router) -> errors.MigrationError:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if not traits_of(db).transactional_ddl:
        recorded = name in router.done  # read again: did another process finish it meanwhile?
        if recorded == (action == "Migration"):
            done = "applied" if recorded else "rolled back"
            return errors.MigrationError(
                f"{action} of {name} failed ({text}), but {name} has meanwhile been {done} and recorded "
                "by another process that did not take the schema lock (pw_migrate, or an older "
                "nestauth-peewee): the schema is complete, nothing to repair. Run the command again.",
                migration=name)
    if text.startswith("nestauth migration"):
        return errors.MigrationError(text, migration=name)
    hint = translate(exc)
    if isinstance(hint, errors.ForeignKeyRefused):
        text += f" ({hint})"
    if not traits_of(db).transactional_ddl:
        after = ("MySQL/MariaDB cannot roll DDL back: the migration is half-applied, the statements "
                 "before the failure stay; compare the schema with the migration file and repair it by hand.")
    else:
        after = "Nothing of this run was applied (its transaction was rolled back)."
    return errors.MigrationError(f"{action} of {name} failed: {text}. {after}", migration=name)


def _run_each(router: _Router, database: peewee.Database, names: list[str], action: str,
              **options: bool) -> list[str]:
    """Run (or undo) ``names`` one by one; a failure is one typed error naming the migration."""
    migrator = router.migrator
    done: list[str] = []
    for name in names:
        try:
            router.run_one(name, migrator, **options)
        except Exception as exc:  # noqa: BLE001 - reported as one typed error
            raise _failure(name, database, exc, action, router) from exc
        done.append(name)
    return done


def migration_status(db: peewee.Database | None = None, *, directory: Path | str | None = None,
                     history_table: str | None = None) -> MigrationStatus:
    """Compare the history table with the migration files."""
    database = _real(db)
    with _session(database):
        router = _router(database, directory, history_table)
        done, shipped = router.done, router.todo
        return MigrationStatus(done=[n for n in done if n in shipped],
                               pending=[n for n in shipped if n not in done],
                               unknown=[n for n in done if n not in shipped], history=list(done))


def migrate(db: peewee.Database | None = None, *, to: str | None = None, fake: bool = False,
            directory: Path | str | None = None, history_table: str | None = None,
            lock_timeout: float = DEFAULT_TIMEOUT) -> list[str]:
    """Run the pending migrations (up to and including ``to``); return the names run.

    ``fake=True`` records them as applied without running them: for a database
    whose schema was built by :func:`create_tables` at this library version.
    ``directory`` runs another migrations directory (an app's own) on the same
    configured database; see :func:`history_table_for`. Raises
    :class:`~nestauth_peewee.errors.MigrationError` when one fails. Holds the
    schema lock for the run; a process that waited for another's run returns ``[]``.
    """
    database = _real(db)
    with _session(database), schema_lock(database, timeout=lock_timeout):
        router = _router(database, directory, history_table)
        pending = router.diff
        if to is not None:
            if to not in router.todo:
                raise errors.ConfigurationError(
                    f"No migration named {to!r}; known: {', '.join(router.todo) or 'none'}."
                )
            pending = pending[: pending.index(to) + 1] if to in pending else []
        return _run_each(router, database, pending, "Migration", fake=fake, force=fake)


def rollback(db: peewee.Database | None = None, *, count: int = 1, directory: Path | str | None = None,
             history_table: str | None = None, lock_timeout: float = DEFAULT_TIMEOUT) -> list[str]:
    """Undo the newest ``count`` migrations, newest first; return their names (under the schema lock)."""
    if count < 1:
        raise errors.ConfigurationError("count must be at least 1.")
    database = _real(db)
    with _session(database), schema_lock(database, timeout=lock_timeout):
        router = _router(database, directory, history_table)
        done, shipped = router.done, set(router.todo)
        if count > len(done):
            raise errors.MigrationError(
                f"Cannot roll back {count} migration(s): only {len(done)} applied ({', '.join(done) or 'none'})."
            )
        targets = list(reversed(done))[:count]
        foreign = [n for n in targets if n not in shipped]
        if foreign:
            raise errors.MigrationError(
                f"The database has migration(s) {', '.join(foreign)} that this version of nestauth-peewee "
                "does not ship; roll back with the version that applied them.",
                migration=foreign[0],
            )
        return _run_each(router, database, targets, "Rollback", fake=False, downgrade=True)
