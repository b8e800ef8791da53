"""Fixtures that run each test on real databases: SQLite, PostgreSQL, MariaDB/MySQL.

Which servers: ``NESTAUTH_TEST_POSTGRES_URL`` / ``NESTAUTH_TEST_MYSQL_URL``
(defaults: the local servers, databases ``<prefix>nestauth_test`` where the
prefix is ``NESTAUTH_TEST_DB_PREFIX``, empty by default). The test databases
are created when missing.

A server that cannot be reached is skipped with the reason, unless the
dialect is required: ``NESTAUTH_REQUIRE_DIALECTS=postgres,mysql`` (or
``all``), or ``CI`` set to a true value, which requires all three. Then an
unreachable server fails the test.

Fixtures:

* ``dialect``: parametrises a test over the three dialects.
* ``db``: the nest-auth schema, created once per session per dialect, bound
  and connected; every table is emptied after the test.
* ``empty_db``: a scratch database with no tables at all, for tests that
  build a schema themselves (sync, snapshots, migrations).
* ``db_url`` / ``empty_db_url``: the URLs of those two databases.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import peewee
import pytest

import nestauth_peewee
from nestauth_peewee import NestAuthModels, create_tables, init_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))

DIALECTS = ("sqlite", "postgres", "mysql")  # the order tests run in (nestauth_peewee.db.DIALECTS is the docs' order)
_PREFIX = os.environ.get("NESTAUTH_TEST_DB_PREFIX", "")
_SERVER_URLS = {
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


def _with_database(url: str, name: str) -> str:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path="/" + name))


def _scratch_url(url: str) -> str:
    name = urlparse(url).path.lstrip("/")
    return _with_database(url, name + "_scratch")


def _ensure_server_database(dialect: str, url: str) -> None:
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
        url = _SERVER_URLS[dialect]
        try:
            _ensure_server_database(dialect, url)
            _ensure_server_database(dialect, _scratch_url(url))
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


@pytest.fixture(params=DIALECTS)
def dialect(request: pytest.FixtureRequest) -> str:
    require_dialect(request.param)
    return request.param


@pytest.fixture(scope="session")
def _sqlite_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sqlite")


def _main_url(dialect: str, sqlite_dir: Path) -> str:
    if dialect == "sqlite":
        return f"sqlite:///{sqlite_dir / 'nestauth_test.db'}"
    return _SERVER_URLS[dialect]


_session_dbs: dict[str, peewee.Database] = {}


def _session_db(dialect: str, sqlite_dir: Path) -> peewee.Database:
    """One Database per dialect per session, with a freshly created schema."""
    if dialect not in _session_dbs:
        db = init_database(_main_url(dialect, sqlite_dir))
        with db.connection_context():
            _drop_everything(db)
            create_tables()
        _session_dbs[dialect] = db
    return _session_dbs[dialect]


def _drop_everything(db: peewee.Database) -> None:
    dialect = nestauth_peewee.dialect_of(db)
    if dialect == "postgres":
        db.execute_sql("DROP SCHEMA public CASCADE")
        db.execute_sql("CREATE SCHEMA public")
    elif dialect == "mysql":
        db.execute_sql("SET FOREIGN_KEY_CHECKS = 0")
        try:
            for table in db.get_tables():
                db.execute_sql(f"DROP TABLE `{table}`")
        finally:
            db.execute_sql("SET FOREIGN_KEY_CHECKS = 1")
    else:
        db.execute_sql("PRAGMA foreign_keys = OFF")
        try:
            for table in db.get_tables():
                db.execute_sql(f'DROP TABLE "{table}"')
        finally:
            db.execute_sql("PRAGMA foreign_keys = ON")


def empty_all_tables(db: peewee.Database) -> None:
    """Delete every row of every nest-auth table (children first)."""
    for model in reversed(peewee.sort_models(NestAuthModels)):
        model.delete().execute()


@pytest.fixture
def db_url(dialect: str, _sqlite_dir: Path) -> str:
    return _main_url(dialect, _sqlite_dir)


@contextmanager
def bound(database: peewee.Database, cleanup: Callable[[peewee.Database], None]) -> Iterator[peewee.Database]:
    """Bind nest-auth to ``database`` and connect; afterwards roll back, ``cleanup`` and close."""
    nestauth_peewee.database.initialize(database)
    database.connect(reuse_if_open=True)
    try:
        yield database
    finally:
        if database.in_transaction():
            database.rollback()
        nestauth_peewee.database.initialize(database)  # a test may have bound another one
        database.connect(reuse_if_open=True)
        cleanup(database)
        database.close()


@pytest.fixture
def db(dialect: str, _sqlite_dir: Path) -> Iterator[peewee.Database]:
    with bound(_session_db(dialect, _sqlite_dir), empty_all_tables) as database:
        yield database


@pytest.fixture
def empty_db_url(dialect: str, tmp_path: Path) -> str:
    if dialect == "sqlite":
        return f"sqlite:///{tmp_path / f'scratch-{uuid.uuid4().hex[:8]}.db'}"
    return _scratch_url(_SERVER_URLS[dialect])


@pytest.fixture
def empty_db(dialect: str, empty_db_url: str) -> Iterator[peewee.Database]:
    database = init_database(empty_db_url)
    database.connect(reuse_if_open=True)
    _drop_everything(database)
    with bound(database, _drop_everything):
        yield database


def session_database(dialect: str, sqlite_dir: Path) -> peewee.Database:
    """What the ``db`` fixture binds for ``dialect``, for fixtures that choose their own targets."""
    return _session_db(dialect, sqlite_dir)


def drop_everything(db: peewee.Database) -> None:
    """Drop every table of ``db``'s database (a scratch or test database only)."""
    _drop_everything(db)
