"""Every fixture of the test suite, run on real databases: SQLite, PostgreSQL, MariaDB/MySQL.

This is the one home of the fixtures; plain helpers (constants, the event ``Recorder``,
``count_queries``, ``run_together``, the database plumbing) live in ``support.py`` and are
imported by name (``from support import CHEAP, KEY``). No test module defines a shared
fixture again or imports one.

Which servers: ``NESTAUTH_TEST_POSTGRES_URL`` / ``NESTAUTH_TEST_MYSQL_URL``
(defaults: the local servers, databases ``<prefix>nestauth_test`` where the
prefix is ``NESTAUTH_TEST_DB_PREFIX``, empty by default). The test databases
are created when missing.

A server that cannot be reached is skipped with the reason, unless the
dialect is required: ``NESTAUTH_REQUIRE_DIALECTS=postgres,mysql`` (or
``all``), or ``CI`` set to a true value, which requires all three. Then an
unreachable server fails the test.

Databases:

* ``dialect``: parametrises a test over the three dialects.
* ``db``: the nest-auth schema, created once per session per dialect, bound
  and connected; every table is emptied after the test.
* ``empty_db``: a scratch database with no tables at all, for tests that
  build a schema themselves (sync, snapshots, migrations).
* ``db_url`` / ``empty_db_url``: the URLs of those two databases.
* ``prepare``: runs a test with server-side preparation on and off.

Services and data:

* ``settings`` (``Settings(secret_key=KEY)``), ``clock`` (a settable ``support.Clock``).
* ``users`` / ``admins``: ``UserService`` / ``AdminUserService`` with cheap argon2.
* A module or test marked ``@pytest.mark.settings(**fields)`` gets those fields in ``settings``,
  and ``users`` built from that ``settings`` (``test_password_reset.py``, ``test_passwordless.py``).
* ``make_user``: ``make_user(**columns)`` inserts a ``User`` row (a fresh email unless given).
* ``bob``: ``bob@example.com`` with the phone ``+1 555 0100`` and the password ``PASSWORD``, created
  through ``users`` (the password reset and passwordless tests; a module that wants another bob
  still defines its own).

Observing:

* ``recorder``: a ``support.Recorder`` of every event sent during the test, keyed by the
  signal names of ``events.py`` (``"user-created"``). ``recorded`` and ``event_log`` are
  older names of the same fixture.
* ``queries``: every statement the bound Database runs during the test (``count_queries``).
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest
from support import (  # noqa: F401 - DIALECTS, bound, ... stay importable from conftest for older tests
    CHEAP_SETTINGS,
    DIALECTS,
    KEY,
    PASSWORD,
    ROOT,
    SERVER_URLS,
    Clock,
    Recorder,
    bound,
    count_queries,
    drop_everything,
    empty_all_tables,
    main_url,
    require_dialect,
    scratch_url,
    session_database,
)

from nestauth_peewee import AdminUserService, Settings, UserService, init_database
from nestauth_peewee.db import prepares
from nestauth_peewee.models import User

sys.path.insert(0, str(ROOT / "examples"))

_drop_everything = drop_everything  # the older private name, for tests written before support.py


# --- databases ---------------------------------------------------------------------------------

@pytest.fixture(params=DIALECTS)
def dialect(request: pytest.FixtureRequest) -> str:
    require_dialect(request.param)
    return request.param


@pytest.fixture(scope="session")
def _sqlite_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sqlite")


@pytest.fixture
def db_url(dialect: str, _sqlite_dir: Path) -> str:
    return main_url(dialect, _sqlite_dir)


@pytest.fixture
def db(dialect: str, _sqlite_dir: Path) -> Iterator[peewee.Database]:
    with bound(session_database(dialect, _sqlite_dir), empty_all_tables) as database:
        yield database


@pytest.fixture
def empty_db_url(dialect: str, tmp_path: Path) -> str:
    if dialect == "sqlite":
        return f"sqlite:///{tmp_path / f'scratch-{uuid.uuid4().hex[:8]}.db'}"
    return scratch_url(SERVER_URLS[dialect])


@pytest.fixture
def empty_db(dialect: str, empty_db_url: str) -> Iterator[peewee.Database]:
    database = init_database(empty_db_url)
    database.connect(reuse_if_open=True)
    drop_everything(database)
    with bound(database, drop_everything):
        yield database


@pytest.fixture(params=["prepared", "text"])
def prepare(request: pytest.FixtureRequest, db: peewee.Database) -> Iterator[bool]:
    """Run a test with server-side preparation on (the default) and off (PostgreSQL's switch)."""
    on = request.param == "prepared"
    before = prepares(db)
    if on and not before:
        pytest.skip("server-side preparation is switched off for this server (prepare=false, e.g. "
                    "behind pgbouncer in transaction mode)")
    init_database(db, prepare=on)
    try:
        yield on
    finally:
        init_database(db, prepare=before)


# --- services and data -------------------------------------------------------------------------

@pytest.fixture
def clock() -> Clock:
    return Clock()


def _marked_settings(request: pytest.FixtureRequest) -> dict[str, object] | None:
    marker = request.node.get_closest_marker("settings")
    return None if marker is None else dict(marker.kwargs)


@pytest.fixture
def settings(request: pytest.FixtureRequest) -> Settings:
    """``Settings(secret_key=KEY)``, plus the fields of a ``@pytest.mark.settings(...)`` on the test or module."""
    return Settings(secret_key=KEY, **(_marked_settings(request) or {}))


@pytest.fixture
def users(request: pytest.FixtureRequest, db: peewee.Database) -> UserService:
    """Cheap argon2, no key; under ``@pytest.mark.settings(...)`` built from the ``settings`` fixture."""
    if _marked_settings(request) is None:
        return UserService(CHEAP_SETTINGS)
    return UserService(request.getfixturevalue("settings"))


@pytest.fixture
def admins(db: peewee.Database) -> AdminUserService:
    return AdminUserService(CHEAP_SETTINGS)


@pytest.fixture
def make_user(db: peewee.Database):
    counter = iter(range(1, 10_000))

    def make(**columns: object) -> User:
        columns.setdefault("email", f"user{next(counter)}@example.com")
        return User.create(**columns)

    return make


@pytest.fixture
def bob(users: UserService) -> User:
    """``bob@example.com``, phone ``+1 555 0100``, password ``PASSWORD``, made by ``users``: the account
    the code flows send their codes to (with ``phone_login=True`` settings, found by the phone too)."""
    return users.create(email="bob@example.com", phone="+1 555 0100", password=PASSWORD)


# --- observing ---------------------------------------------------------------------------------

@pytest.fixture
def recorder() -> Iterator[Recorder]:
    with Recorder().listening() as sent:
        yield sent


@pytest.fixture
def recorded(recorder: Recorder) -> Recorder:
    """The ``recorder`` under the name the session and key tests use."""
    return recorder


@pytest.fixture
def event_log(recorder: Recorder) -> Recorder:
    """The ``recorder`` under the name the tenancy/RBAC tests use."""
    return recorder


@pytest.fixture
def queries(db: peewee.Database) -> Iterator[list[str]]:
    """Every statement sent through the bound Database during the test (model queries and raw SQL)."""
    with count_queries(db) as seen:
        yield seen
