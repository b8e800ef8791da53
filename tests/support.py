"""Plain helpers for the tests (no fixtures here: those live in ``conftest.py``).

Import them by name: ``from support import CHEAP, KEY, count_queries``.

* Databases: ``DIALECTS``, ``require_dialect``, ``session_database``, ``bound``,
  ``empty_all_tables``, ``drop_everything`` (what the ``db``/``empty_db`` fixtures use,
  for the tests that pick their own targets).
* Settings and constants: ``KEY``, ``CHEAP`` / ``CHEAP_SETTINGS`` (cheap argon2id),
  ``KEYED_SETTINGS`` (cheap argon2id and ``KEY``), ``PASSWORD``, ``RBAC_SETTINGS`` (two guards), ``Clock`` (a settable clock).
* Events: ``Recorder``, the one recorder of :mod:`nestauth_peewee.events` signals, keyed by the
  signal names ``events.py`` gives them (``"user-created"``, ``"role-created"``, ...).
* Statements and threads: ``count_queries`` (every statement a Database runs inside a block),
  ``run_together`` (the same work in several threads at once, each on its own connection).
* State: ``table_state`` / ``row_counts`` (equal before and after means nothing was written);
  ``USER_OWNED`` and ``give_rows_everywhere`` (a user's row in every table that hangs off it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import peewee
import pytest

import nestauth_peewee
from nestauth_peewee import Argon2Params, Settings, create_tables, events, init_database, models
from nestauth_peewee.fields import utcnow
from nestauth_peewee.repositories._prepared import text_of

ROOT = Path(__file__).resolve().parent.parent  # the project

# --- databases ---------------------------------------------------------------------------------

DIALECTS = ("sqlite", "postgres", "mysql")  # the order tests run in (nestauth_peewee.db.DIALECTS is the docs' order)
_PREFIX = os.environ.get("NESTAUTH_TEST_DB_PREFIX", "")
SERVER_URLS = {
    "postgres": os.environ.get(
        "NESTAUTH_TEST_POSTGRES_URL", f"postgresql://postgres@127.0.0.1:5432/{_PREFIX}nestauth_test"
    ),
    "mysql": os.environ.get(
        "NESTAUTH_TEST_MYSQL_URL", f"mysql://root@127.0.0.1:3306/{_PREFIX}nestauth_test"
    ),
}
_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL", "mysql": "MariaDB/MySQL"}


def _required() -> set[str]:
    raw = os.environ.get("NESTAUTH_REQUIRE_DIALECTS", "").strip().lower()
    if raw == "all" or os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        return set(DIALECTS)
    return {d.strip() for d in raw.split(",") if d.strip()}


def with_database(url: str, name: str) -> str:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path="/" + name))


def scratch_url(url: str) -> str:
    """The scratch database beside the test database of ``url`` (what ``empty_db`` uses)."""
    name = urlparse(url).path.lstrip("/")
    return with_database(url, name + "_scratch")


def ensure_server_database(dialect: str, url: str) -> None:
    """Create the database named in ``url`` if the server does not have it yet."""
    name = urlparse(url).path.lstrip("/")
    if dialect == "postgres":
        admin = peewee.PostgresqlDatabase(None)
        parsed = urlparse(url)
        admin.init("postgres", host=parsed.hostname, port=parsed.port or 5432,
                   user=parsed.username, password=parsed.password, connect_timeout=5)
        with admin.connection_context():
            exists = admin.execute_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                admin.execute_sql(f'CREATE DATABASE "{name}"')
    else:
        parsed = urlparse(url)
        admin = peewee.MySQLDatabase(None)
        admin.init("mysql", host=parsed.hostname, port=parsed.port or 3306,
                   user=parsed.username, password=parsed.password or "", connect_timeout=5)
        with admin.connection_context():
            # utf8mb4 with the server's default collation for it, as a plain
            # `CREATE DATABASE app CHARACTER SET utf8mb4` gives an app: app tables
            # then match the nest-auth tables' default collation (see docs/schema.md).
            admin.execute_sql(f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4")
            admin.execute_sql(f"ALTER DATABASE `{name}` CHARACTER SET utf8mb4")


_availability: dict[str, str | None] = {}


def _unavailable_reason(dialect: str) -> str | None:
    """None when the dialect's server is usable, else why not (cached)."""
    if dialect == "sqlite":
        return None
    if dialect not in _availability:
        url = SERVER_URLS[dialect]
        try:
            ensure_server_database(dialect, url)
            ensure_server_database(dialect, scratch_url(url))
            _availability[dialect] = None
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            _availability[dialect] = f"{_NAMES[dialect]} not reachable at {url}: {first}"
    return _availability[dialect]


def require_dialect(dialect: str) -> None:
    """Skip (or, when the dialect is required, fail) if its server is unreachable."""
    reason = _unavailable_reason(dialect)
    if reason is None:
        return
    if dialect in _required():
        pytest.fail(f"{reason} (required: CI or NESTAUTH_REQUIRE_DIALECTS)", pytrace=False)
    pytest.skip(f"{reason}; set NESTAUTH_TEST_{dialect.upper()}_URL to test it")


def main_url(dialect: str, sqlite_dir: Path) -> str:
    """The URL of the test database of ``dialect`` (SQLite's lives in ``sqlite_dir``)."""
    if dialect == "sqlite":
        return f"sqlite:///{sqlite_dir / 'nestauth_test.db'}"
    return SERVER_URLS[dialect]


_session_dbs: dict[str, peewee.Database] = {}


def session_database(dialect: str, sqlite_dir: Path) -> peewee.Database:
    """One Database per dialect per session, with a freshly created schema: what ``db`` binds."""
    if dialect not in _session_dbs:
        db = init_database(main_url(dialect, sqlite_dir))
        with db.connection_context():
            drop_everything(db)
            create_tables()
        _session_dbs[dialect] = db
    return _session_dbs[dialect]


def drop_everything(db: peewee.Database) -> None:
    """Drop every table of ``db``'s database (a scratch or test database only)."""
    dialect = nestauth_peewee.dialect_of(db)
    if dialect == "postgres":
        db.execute_sql("DROP SCHEMA public CASCADE")
        db.execute_sql("CREATE SCHEMA public")
        return
    off, on, quote = {
        "mysql": ("SET FOREIGN_KEY_CHECKS = 0", "SET FOREIGN_KEY_CHECKS = 1", "`"),
        "sqlite": ("PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys = ON", '"'),
    }[dialect]
    db.execute_sql(off)
    try:
        for table in db.get_tables():
            db.execute_sql(f"DROP TABLE {quote}{table}{quote}")
    finally:
        db.execute_sql(on)


def empty_all_tables(db: peewee.Database) -> None:
    """Delete every row of every nest-auth table (children first)."""
    for model in reversed(peewee.sort_models(models.NestAuthModels)):
        model.delete().execute()


def _connect_alive(database: peewee.Database) -> None:
    """Connect ``database``, replacing a connection the server (or a pooler) dropped meanwhile.

    The session-wide databases outlive single tests, and a test may kill its backend
    (behind pgbouncer even another client's): the next test must start on a live one.
    """
    database.connect(reuse_if_open=True)
    conn = database.connection()
    if hasattr(conn, "get_transaction_status"):  # psycopg2
        dead = bool(conn.closed)
    else:
        dead = hasattr(conn, "open") and not conn.open  # PyMySQL
    if dead:
        try:
            database.close()
        except Exception:  # noqa: BLE001 - a dead connection may refuse even to close
            database._state.reset()  # peewee's per-thread connection state
        database.connect()


@contextlib.contextmanager
def bound(database: peewee.Database, cleanup: Callable[[peewee.Database], None]) -> Iterator[peewee.Database]:
    """Bind nest-auth to ``database`` and connect; afterwards roll back, ``cleanup`` and close."""
    nestauth_peewee.database.initialize(database)
    _connect_alive(database)
    try:
        yield database
    finally:
        if database.in_transaction():
            database.rollback()
        nestauth_peewee.database.initialize(database)  # a test may have bound another one
        _connect_alive(database)
        cleanup(database)
        database.close()


# --- settings and constants --------------------------------------------------------------------

KEY = "test-secret-key-0123456789-abcdefghijklmnop"
#: Cheap argon2id parameters for most tests; a few tests use the real defaults.
CHEAP = Argon2Params(memory_cost=1024, time_cost=1, parallelism=1)
CHEAP_SETTINGS = Settings(argon2=CHEAP)
#: Cheap argon2id and the test ``KEY``: for module-level helpers that sign tokens outside a fixture.
KEYED_SETTINGS = Settings(secret_key=KEY, argon2=CHEAP)
PASSWORD = "correct horse battery staple"
#: The tenancy/RBAC tests' settings: two guards.
RBAC_SETTINGS = Settings(guards=("web", "api"))


class Clock:
    """A settable clock for services: no sleeping in tests."""

    def __init__(self) -> None:
        self.now = utcnow().replace(microsecond=0)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


# --- events ------------------------------------------------------------------------------------

class Recorder(list[tuple[str, dict[str, Any]]]):
    """Every signal of :mod:`nestauth_peewee.events` sent while it listens, in order.

    Each entry is ``(signal name, payload)``, the name as ``events.py`` declares it
    (``"user-created"``, ``"role-created"``): a plain list, so ``recorder == []`` and
    ``recorder[0][1]`` read as they look.
    """

    def names(self) -> list[str]:
        return [name for name, _ in self]

    def of(self, name: str) -> list[dict[str, Any]]:
        if name not in events.signals:
            raise KeyError(f"no signal {name!r} in nestauth_peewee.events")
        return [payload for sent, payload in self if sent == name]

    @contextlib.contextmanager
    def listening(self) -> Iterator[Recorder]:
        receivers = []
        for name, signal in events.signals.items():
            def receive(sender: Any, _name: str = name, **payload: Any) -> None:
                self.append((_name, payload))

            signal.connect(receive, weak=False)
            receivers.append((signal, receive))
        try:
            yield self
        finally:
            for signal, receive in receivers:
                signal.disconnect(receive)


# --- statements and threads --------------------------------------------------------------------

@contextlib.contextmanager
def count_queries(db: peewee.Database) -> Iterator[list[str]]:
    """Record every statement ``db`` executes inside the block (through peewee's query hooks).

    A server-side prepared statement (PostgreSQL) counts as its ``EXECUTE``, recorded as the
    statement's text; its one-time ``PREPARE`` is not one of the operation's statements.
    """
    seen: list[str] = []

    def hook(event: peewee.QueryEvent) -> None:
        seen.append(text_of(event.sql))  # a prepared statement's EXECUTE as the SQL it runs

    db.query_hooks.append(hook)
    try:
        yield seen
    finally:
        db.query_hooks.remove(hook)


def run_together(db: peewee.Database, count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` for i in ``range(count)`` in threads released at once, each on its own connection.

    Returns, in the order of ``i``, what each call returned or the exception it raised;
    ``db`` is connected again in the calling thread afterwards.
    """
    barrier = threading.Barrier(count, timeout=60)
    results: list[Any] = [None] * count

    def worker(i: int) -> None:
        try:
            db.connect(reuse_if_open=True)
            barrier.wait()
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - returned so the assertion shows it
            results[i] = exc
        finally:
            if not db.is_closed():
                db.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(t.is_alive() for t in threads), "a worker thread hung"
    db.connect(reuse_if_open=True)
    return results


# --- state -------------------------------------------------------------------------------------

def table_state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every nest-auth table, sorted: equal states mean nothing was written."""
    state = {}
    for model in models.NestAuthModels:
        rows = model.select().tuples()
        state[model._meta.table_name] = sorted(rows, key=repr)
    return state


def row_counts() -> dict[str, int]:
    return {model._meta.table_name: model.select().count() for model in models.NestAuthModels}


#: The models whose rows belong to one user (a ``user`` foreign key): deleting the user deletes them.
USER_OWNED = tuple(model for model in models.NestAuthModels
                   if isinstance(model._meta.fields.get("user"), peewee.ForeignKeyField))


def give_rows_everywhere(user_id: Any, role: Any) -> None:
    """One row of ``user_id``'s in every table of :data:`USER_OWNED`, and the link rows that
    grant it ``role`` (a tenant's role): through a membership of that tenant and staff access."""
    later = utcnow() + dt.timedelta(days=1)
    unique = uuid.uuid4().hex
    models.Session.create(user=user_id, refresh_token_hash=unique * 2, expires_at=later)
    models.Identity.create(user=user_id, provider="github", provider_id=unique)
    models.AccessKey.create(user=user_id, name="ci", public_key=f"pk-{unique}", secret_hash="s" * 64)
    models.Otp.create(user=user_id, code_hash="c" * 64, type="mfa", expires_at=later)
    models.MfaSecret.create(user=user_id, secret="JBSWY3DPEHPK3PXP")
    models.MfaRecoveryCode.create(user=user_id, code_hash="r" * 64)
    models.TrustedDevice.create(user=user_id, token_hash="t" * 64, expires_at=later)
    membership = models.Membership.create(user=user_id, tenant=role.tenant_id)
    models.MembershipRole.create(membership=membership, role=role)
    staff = models.StaffAccess.create(user=user_id)
    models.StaffAccessRole.create(staff_access=staff, role=role)


def in_forked_child(work: Callable[[], int]) -> int:
    """``work()``'s number as a forked child computes it (the child leaves without cleaning up:
    what it inherited, pooled connections included, stays the parent's)."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        code = 1
        try:
            os.close(read)
            os.write(write, str(work()).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    answer = int(os.read(read, 64).decode() or 0)
    os.close(read)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return answer
