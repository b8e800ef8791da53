"""Fifty threads register the same email (or phone) at once: the database lets one win.

Each thread uses its own connection (peewee keeps connection state per thread)
and closes it at the end. The barrier releases every thread together so the
inserts really overlap; uniqueness comes from the unique indexes, not from a
check in Python, so the losers get the typed conflict error.
"""

from __future__ import annotations

from collections import Counter

import pytest
import support
from support import run_together

from nestauth_peewee import Identity, Membership, User, UserService, errors

THREADS = 50


def _race(db, register) -> Counter:
    def outcome(result: object) -> str:
        if not isinstance(result, BaseException):
            return "ok"
        if isinstance(result, errors.NestAuthError):
            return result.code
        return f"untyped {type(result).__name__}: {result}"  # shown by the assertion

    return Counter(outcome(result) for result in run_together(db, THREADS, register))


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
