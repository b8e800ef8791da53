"""Fixtures shared by the session / API key / OTP / MFA tests (import them with ``*``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator

import peewee
import pytest

from nestauth_peewee import events, init_database
from nestauth_peewee.config import Settings
from nestauth_peewee.fields import utcnow
from nestauth_peewee.models import User
from nestauth_peewee.repositories._prepared import text_of

__all__ = ["Clock", "clock", "settings", "make_user", "recorded", "count_queries", "run_together", "KEY",
           "prepare"]

KEY = "test-secret-key-0123456789-abcdefghijklmnop"


class Clock:
    """A settable clock for services: no sleeping in tests."""

    def __init__(self) -> None:
        self.now = utcnow().replace(microsecond=0)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings() -> Settings:
    return Settings(secret_key=KEY)


@pytest.fixture
def make_user(db: peewee.Database):
    counter = iter(range(1, 10_000))

    def make(**columns: object) -> User:
        columns.setdefault("email", f"user{next(counter)}@example.com")
        return User.create(**columns)

    return make


@pytest.fixture
def recorded() -> Iterator[list[tuple[str, dict]]]:
    """Every signal sent during the test, as (signal name, payload)."""
    seen: list[tuple[str, dict]] = []
    receivers = []
    for name in dir(events):
        signal = getattr(events, name)
        if hasattr(signal, "connect") and hasattr(signal, "name") and name != "signals":
            def receiver(sender, _name=signal.name, **payload):
                seen.append((_name, payload))
            signal.connect(receiver, weak=False)
            receivers.append((signal, receiver))
    try:
        yield seen
    finally:
        for signal, receiver in receivers:
            signal.disconnect(receiver)


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


def run_together(db, count: int, work) -> list[object]:
    """Run ``work(i)`` in ``count`` threads released at once, each on its own connection."""
    barrier = threading.Barrier(count, timeout=30)
    results: list[object] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        db.connect(reuse_if_open=True)
        try:
            barrier.wait()
            outcome: object = work(i)
        except Exception as exc:  # noqa: BLE001 - recorded so the assertion shows it
            outcome = exc
        finally:
            db.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(t.is_alive() for t in threads)
    db.connect(reuse_if_open=True)
    return results


@pytest.fixture(params=["prepared", "text"])
def prepare(request: pytest.FixtureRequest, db: peewee.Database) -> Iterator[bool]:
    """Run a test with server-side preparation on (the default) and off (PostgreSQL's switch)."""
    on = request.param == "prepared"
    init_database(db, prepare=on)
    yield on
    init_database(db, prepare=True)
