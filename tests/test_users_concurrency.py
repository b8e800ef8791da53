"""Fifty threads register the same email (or phone) at once: the database lets one win.

Each thread uses its own connection (peewee keeps connection state per thread)
and closes it at the end. The barrier releases every thread together so the
inserts really overlap; uniqueness comes from the unique indexes, not from a
check in Python, so the losers get the typed conflict error.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
import support

from nestauth_peewee import Identity, Membership, User, UserService, errors

THREADS = 50


def _race(db, register) -> Counter:
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        db.connect(reuse_if_open=True)
        try:
            barrier.wait(timeout=60)
            try:
                register(i)
                outcome = "ok"
            except errors.NestAuthError as exc:
                outcome = exc.code
            except Exception as exc:  # noqa: BLE001 - recorded so the assertion shows it
                outcome = f"untyped {type(exc).__name__}: {exc}"
            with lock:
                outcomes.append(outcome)
        finally:
            db.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return Counter(outcomes)


@pytest.fixture
def racing_users(db):
    return UserService(support.CHEAP_SETTINGS)


def test_fifty_concurrent_registrations_of_one_email_let_exactly_one_win(db, racing_users):
    outcomes = _race(
        db, lambda i: racing_users.register(email=" Race@Example.com" if i % 2 else "race@example.com",
                                            password=support.PASSWORD)
    )
    assert outcomes == Counter({"ok": 1, "EMAIL_ALREADY_EXISTS": THREADS - 1})
    assert User.select().count() == 1
    assert Identity.select().count() == 1
    assert Membership.select().count() == 1


def test_fifty_concurrent_registrations_of_one_phone_let_exactly_one_win(db, racing_users):
    outcomes = _race(
        db, lambda i: racing_users.register(phone="+1 (555) 010-9999" if i % 2 else "+15550109999",
                                            email=f"racer{i}@example.com")
    )
    assert outcomes == Counter({"ok": 1, "PHONE_ALREADY_EXISTS": THREADS - 1})
    assert User.select().count() == 1
    assert Identity.select().count() == 1
    assert Membership.select().count() == 1


def test_concurrent_read_then_write_operations_on_one_user_all_succeed(db, racing_users):
    # Each update reads the row, then writes it. On SQLite a deferred transaction
    # doing that fails with "database is locked" when another writer committed in
    # between; transaction() begins IMMEDIATE there, so every caller waits its turn.
    user = racing_users.register(email="busy@example.com")
    outcomes = _race(db, lambda i: racing_users.update(user.id, metadata={"writer": i}))
    assert outcomes == Counter({"ok": THREADS})
    assert User.get_by_id(user.id).metadata["writer"] in range(THREADS)
