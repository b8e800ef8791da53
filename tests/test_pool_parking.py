"""The web pool's parking: a request's connection kept for its thread's next request, never hoarded."""

from __future__ import annotations

import threading
import time

import flask
import pytest
from _engines import skip_behind_pgbouncer
from support import in_forked_child

import nestauth_peewee
from nestauth_peewee import dialect_of
from nestauth_peewee.integrations._database import request_hooks, web_database
from nestauth_peewee.integrations.flask import NestAuth

SERVERS = pytest.mark.parametrize("dialect", ["postgres", "mysql"], indirect=True)


def _backend_sql(db):
    return "SELECT pg_backend_pid()" if dialect_of(db) == "postgres" else "SELECT CONNECTION_ID()"


@pytest.fixture
def pooled(db, db_url):
    made = []

    def make(**options):
        made.append(web_database(db_url, **options))
        return made[-1]

    yield make
    for p in made:
        p.close_all()
    nestauth_peewee.database.initialize(db)


@SERVERS
def test_a_thread_gets_its_parked_connection_back_without_the_pools_check_in(db, pooled):
    p = pooled(pool_size=4)
    open_db, release = request_hooks(p)
    backends = []
    for _ in range(5):
        assert open_db() is True
        backends.append(p.execute_sql(_backend_sql(db)).fetchone()[0])
        release()
        assert p.is_closed()  # this thread's view: handed back
    assert len(set(backends)) == 1
    assert p._connections == []  # never went through the pool's heap
    assert len(p._in_use) == 1  # still counted: parking holds no more than the pool's size


@SERVERS
def test_a_parked_connection_goes_to_a_thread_that_finds_the_pool_full(db, pooled):
    """Pool of one: another thread's request takes the parked connection at once, not after the timeout."""
    p = pooled(pool_size=1, pool_timeout=5)
    open_db, release = request_hooks(p)
    open_db()
    mine = p.execute_sql(_backend_sql(db)).fetchone()[0]
    release()
    seen = {}

    def other_thread():
        started = time.monotonic()
        open_db()
        seen["backend"] = p.execute_sql(_backend_sql(db)).fetchone()[0]
        release()
        seen["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join(10)
    assert seen["backend"] == mine and seen["seconds"] < 1
    open_db()  # and back: this thread's own entry was taken, so it takes the other thread's
    assert p.execute_sql(_backend_sql(db)).fetchone()[0] == mine
    release()


@SERVERS
def test_a_thread_waiting_for_a_connection_is_woken_when_one_is_parked(db, pooled):
    p = pooled(pool_size=1, pool_timeout=5)
    open_db, release = request_hooks(p)
    open_db()
    got = threading.Event()

    def waiter():
        open_db()
        got.set()
        release()

    worker = threading.Thread(target=waiter)
    worker.start()
    time.sleep(0.2)  # the waiter now waits on the pool's condition
    assert not got.is_set()
    started = time.monotonic()
    release()
    assert got.wait(5)
    assert time.monotonic() - started < 0.9  # woken, not its one-second re-check
    worker.join(5)


@SERVERS
def test_a_transaction_left_open_is_rolled_back_before_parking(db, pooled):
    p = pooled(pool_size=2)
    open_db, release = request_hooks(p)
    open_db()
    p.execute_sql("CREATE TEMPORARY TABLE parked_probe (n INT)")
    p.begin()
    p.execute_sql("INSERT INTO parked_probe VALUES (1)")
    release()
    open_db()
    assert p.execute_sql("SELECT count(*) FROM parked_probe").fetchone()[0] == 0
    release()


@SERVERS
def test_a_connection_parked_longer_than_the_ping_interval_is_checked_and_replaced_when_dead(
        db, db_url, pooled, monkeypatch):
    skip_behind_pgbouncer(db_url, "it kills its own server backend, which the pooler shares")
    import nestauth_peewee.db as db_module

    p = pooled(pool_size=2)
    open_db, release = request_hooks(p)
    open_db()
    backend = p.execute_sql(_backend_sql(db)).fetchone()[0]
    release()
    db.execute_sql("SELECT pg_terminate_backend(%s)" if dialect_of(db) == "postgres" else "KILL %s", (backend,))
    time.sleep(0.2)
    monkeypatch.setattr(db_module, "POOL_PING_AFTER", 0.0)  # parked "long ago": pinged, found dead
    open_db()
    assert p.execute_sql(_backend_sql(db)).fetchone()[0] != backend
    release()
    assert len(p._in_use) == 1  # the dead one left the pool's count


@SERVERS
def test_close_all_closes_the_parked_connections_too(db, pooled):
    p = pooled(pool_size=2)
    open_db, release = request_hooks(p)
    open_db()
    release()
    p.close_all()
    assert p._in_use == {} and p._parked == {}
    open_db()  # a new connection, not the closed one
    assert p.execute_sql("SELECT 1").fetchone()[0] == 1
    release()


@SERVERS
def test_a_forked_child_never_takes_its_parents_parked_connection(db, db_url, pooled):
    skip_behind_pgbouncer(db_url, "backend pids are the pooler's server sessions")
    p = pooled(pool_size=2)
    open_db, release = request_hooks(p)
    open_db()
    parent_backend = p.execute_sql(_backend_sql(db)).fetchone()[0]
    release()  # parked by this thread, which the child's only thread has the ident of
    def in_child():
        open_db()
        return p.execute_sql(_backend_sql(db)).fetchone()[0]

    child_backend = in_forked_child(in_child)
    assert child_backend and child_backend != parent_backend
    open_db()
    assert p.execute_sql(_backend_sql(db)).fetchone()[0] == parent_backend
    release()


@SERVERS
def test_flask_requests_on_one_thread_share_one_parked_connection(db, db_url):
    app = flask.Flask("t")
    app.config.update(NESTAUTH_DATABASE_URL=db_url, NESTAUTH_POOL_SIZE=3)
    ext = NestAuth(app)
    app.get("/backend")(lambda: {"backend": ext.db.execute_sql(_backend_sql(db)).fetchone()[0]})
    client = app.test_client()
    try:
        backends = {client.get("/backend").json["backend"] for _ in range(5)}
        assert len(backends) == 1 and ext.db.is_closed() and ext.db._connections == []
    finally:
        ext.db.close_all()
        nestauth_peewee.database.initialize(db)


@pytest.mark.parametrize("dialect", ["mysql"], indirect=True)  # PostgreSQL's pool asks the driver already
def test_a_mysql_check_in_sends_no_rollback_outside_a_transaction(db, db_url):
    p = web_database(db_url, pool_size=1)
    try:
        def rollbacks():
            return int(p.execute_sql("SHOW SESSION STATUS LIKE 'Com_rollback'").fetchone()[1])

        p.connect()
        before = rollbacks()
        for _ in range(3):
            p.close()  # the pool's own check-in (not parking)
            p.connect()
            p.execute_sql("SELECT 1")
        assert rollbacks() == before
        p.begin()  # a driver-level transaction (peewee's own atomic() would refuse the close)
        p.execute_sql("SELECT 1")
        p.close()
        p.connect()
        assert rollbacks() == before + 1  # that one is rolled back
    finally:
        p.close_all()
        nestauth_peewee.database.initialize(db)
