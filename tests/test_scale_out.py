"""Smoke tests on the scale-out engines that `.ci/scale-out up` starts (see tests/_engines.py).

pgbouncer in transaction mode with a default configuration, a PostgreSQL streaming
replica, a three-node Galera cluster. Outside CI these skip unless the variables are
set. The concurrency tests run through each engine from .ci/run; the race tests
across Galera nodes live with the invariants they prove.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import peewee
import psycopg2
import pytest
import support
from _engines import engine_url, engine_urls
from support import KEYED_SETTINGS, drop_everything

import nestauth_peewee
from nestauth_peewee import (
    AccessKeyService,
    AuthorizationService,
    MembershipService,
    RoleService,
    SessionService,
    TenantService,
    UserService,
    create_tables,
    errors,
    init_database,
)
from nestauth_peewee.replicas import DEFAULT_STICKY_SECONDS, primary_reads, replica_reads, routing


def _fresh_schema(url: str) -> peewee.Database:
    """Bind ``url`` with a freshly created nest-auth schema (its tables dropped first)."""
    db = init_database(url)
    with db.connection_context():
        drop_everything(db)
        create_tables()
    return db


@pytest.fixture
def bound_db(request) -> Iterator[peewee.Database]:
    """``init_database(url)`` with a fresh schema, the previous binding restored afterwards."""
    previous = nestauth_peewee.database.obj
    db = _fresh_schema(engine_url(request.param))
    db.connect(reuse_if_open=True)
    try:
        yield db
    finally:
        routing.configure((), sticky_seconds=DEFAULT_STICKY_SECONDS)
        db.close()
        nestauth_peewee.database.initialize(previous)


def _full_round(email: str) -> None:
    """The main operations once: sign-up, login, session rotation, API key, roles and a check."""
    users, sessions = UserService(KEYED_SETTINGS), SessionService(KEYED_SETTINGS)
    user = users.register(email=email, password=support.PASSWORD)
    assert users.authenticate(email=email, password=support.PASSWORD).id == user.id
    issued = sessions.create(user.id)
    rotated = sessions.refresh(issued.refresh_token)
    with pytest.raises(errors.InvalidRefreshToken):
        sessions.refresh(issued.refresh_token)  # the replay: reuse detected, session revoked
    with pytest.raises(errors.InvalidRefreshToken):
        sessions.authenticate(rotated.refresh_token)
    key = AccessKeyService(KEYED_SETTINGS).create(user.id, "ci")
    assert AccessKeyService(KEYED_SETTINGS).verify(key.api_key).id == key.key.id
    tenant = TenantService().create("Acme", "acme")
    RoleService().create("admin", permissions=[])  # the advisory lock is transaction-scoped
    role = RoleService().create("editor", tenant_id=tenant.id, permissions=[])
    MembershipService().ensure(user.id, tenant.id)
    MembershipService().set_roles(user.id, tenant.id, [role.id])
    assert AuthorizationService().has_role(user.id, "editor", tenant.id)


# --- pgbouncer -----------------------------------------------------------------------


def _pgbouncer() -> str:
    return engine_url("pgbouncer")


def test_a_default_pgbouncer_refuses_startup_options_and_the_library_sends_none():
    url = _pgbouncer()
    with pytest.raises(psycopg2.OperationalError, match="unsupported startup parameter: options"):
        psycopg2.connect(url, options="-c timezone=UTC", connect_timeout=5).close()
    previous = nestauth_peewee.database.obj
    db = init_database(url)
    try:
        assert "options" not in db.connect_params
        with db.connection_context():
            assert db.execute_sql("SELECT 1").fetchone() == (1,)
    finally:
        nestauth_peewee.database.initialize(previous)


@pytest.mark.parametrize("bound_db", [pytest.param("pgbouncer", id="pgbouncer")], indirect=True)
def test_everything_works_through_pgbouncer_in_transaction_mode(bound_db):
    # .ci/scale-out runs the server in Asia/Kathmandu: nothing here may assume UTC sessions.
    assert bound_db.execute_sql("SHOW TimeZone").fetchone()[0] != "UTC"
    _full_round("bouncer@example.com")


def test_statement_pooling_is_refused_with_a_clear_typed_error():
    # The statement-mode alias points at the same database as the transaction-mode one.
    schema = _fresh_schema(_pgbouncer())
    schema.close()
    previous = nestauth_peewee.database.obj
    db = init_database(engine_url("pgbouncer_statement"))
    try:
        with pytest.raises(errors.TransactionsRefused) as caught:
            UserService(KEYED_SETTINGS).register(email="statement@example.com", password=support.PASSWORD)
        assert "pool_mode = transaction" in str(caught.value)
        assert caught.value.code == "TRANSACTIONS_REFUSED"
    finally:
        db.close()
        nestauth_peewee.database.initialize(previous)


# --- the streaming replica -----------------------------------------------------------


class _Replay:
    """Pause and resume WAL replay on the replica: a replica lag of any length, on demand."""

    def __init__(self, primary_url: str, replica_url: str) -> None:
        self.primary = psycopg2.connect(primary_url, connect_timeout=5)
        self.replica = psycopg2.connect(replica_url, connect_timeout=5)
        self.primary.autocommit = self.replica.autocommit = True

    def _one(self, conn, sql: str, *params):
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def pause(self) -> None:
        self.caught_up()
        self._one(self.replica, "SELECT pg_wal_replay_pause()")

    def resume(self) -> None:
        self._one(self.replica, "SELECT pg_wal_replay_resume()")

    def caught_up(self, timeout: float = 20.0) -> None:
        target = self._one(self.primary, "SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + timeout
        while not self._one(self.replica, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", target):
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.01)

    def close(self) -> None:
        self.resume()
        self.primary.close()
        self.replica.close()


@pytest.fixture
def streaming() -> Iterator[tuple[peewee.Database, _Replay]]:
    primary_url, replica_url = engine_url("pg_primary"), engine_url("pg_replica")
    previous = nestauth_peewee.database.obj
    db = _fresh_schema(primary_url)
    init_database(db, replicas=[replica_url], sticky_seconds=60)
    replay = _Replay(primary_url, replica_url)
    try:
        yield db, replay
    finally:
        replay.close()
        nestauth_peewee.database.close()
        routing.configure((), sticky_seconds=DEFAULT_STICKY_SECONDS)
        nestauth_peewee.database.initialize(previous)


def _in_another_thread(fn):
    """``fn()``'s result (or exception) in a fresh thread: a context that wrote nothing."""
    box: list = []

    def run() -> None:
        try:
            box.append(("ok", fn()))
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            box.append(("raised", exc))
        finally:
            nestauth_peewee.database.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    return box[0]


def test_a_lagging_streaming_replica_serves_marked_reads_and_credential_checks_stay_safe(streaming):
    _db, replay = streaming
    users, sessions = UserService(KEYED_SETTINGS), SessionService(KEYED_SETTINGS)
    owner = users.register(email="owner@example.com", password=support.PASSWORD)
    issued = sessions.create(owner.id)
    replay.pause()
    fresh = users.register(email="fresh@example.com", password=support.PASSWORD)
    sessions.revoke(issued.session.id)

    # This context wrote: it reads the primary (read-your-writes).
    assert users.lookup(email="fresh@example.com").id == fresh.id
    # A context that wrote nothing reads the (paused) replica for a marked lookup...
    assert _in_another_thread(lambda: users.lookup(email="fresh@example.com")) == ("ok", None)
    # ...but never for a read the caller pins, nor for a login.
    with_pin = _in_another_thread(lambda: _pinned(lambda: users.lookup(email="fresh@example.com")))
    assert with_pin[1].id == fresh.id
    login = _in_another_thread(lambda: users.authenticate(email="fresh@example.com", password=support.PASSWORD))
    assert login[1].id == fresh.id
    # The revoked session: refused by default, accepted only when the app opted in.
    refused = _in_another_thread(lambda: sessions.authenticate(issued.refresh_token))
    assert refused[0] == "raised" and isinstance(refused[1], errors.InvalidRefreshToken)
    stale = _in_another_thread(lambda: _opted_in(lambda: sessions.authenticate(issued.refresh_token)))
    assert stale[0] == "ok" and stale[1].id == issued.session.id

    replay.resume()
    replay.caught_up()
    assert _in_another_thread(lambda: users.lookup(email="fresh@example.com"))[1].id == fresh.id
    refused = _in_another_thread(lambda: _opted_in(lambda: sessions.authenticate(issued.refresh_token)))
    assert refused[0] == "raised" and isinstance(refused[1], errors.InvalidRefreshToken)


def _pinned(fn):
    with primary_reads():
        return fn()


def _opted_in(fn):
    with replica_reads(auth_checks=True):
        return fn()


# --- Galera --------------------------------------------------------------------------


def test_galera_nodes_keep_the_apps_init_command_and_read_their_writes_with_wsrep_sync_wait():
    first, second, _third = engine_urls("galera")
    previous = nestauth_peewee.database.obj
    node1 = _fresh_schema(first)
    node2 = init_database(second, init_command="SET SESSION wsrep_sync_wait = 1")
    try:
        with node2.connection_context():
            row = node2.execute_sql("SELECT @@SESSION.wsrep_sync_wait, @@SESSION.time_zone").fetchone()
            assert row == (1, "+00:00")
        users = UserService(KEYED_SETTINGS)
        misses = 0
        for i in range(30):
            nestauth_peewee.database.initialize(node1)
            made = users.register(email=f"galera{i}@example.com", password=support.PASSWORD)
            nestauth_peewee.database.initialize(node2)
            found = users.lookup(email=f"galera{i}@example.com")
            misses += found is None or found.id != made.id
        assert misses == 0
        nestauth_peewee.database.initialize(node1)
        _full_round("galera-round@example.com")
    finally:
        node1.close()
        node2.close()
        nestauth_peewee.database.initialize(previous)
