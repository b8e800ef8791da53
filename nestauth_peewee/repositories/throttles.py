"""Queries on nest_auth_login_throttles. No policy, no hashing, no transactions of its own.

    from nestauth_peewee.repositories import throttles
    row = throttles.get("login", subject)                 # LoginThrottle or None
    count = throttles.add_failure("login", subject, now=now, forget_at=later)   # atomic
    throttles.lock("login", subject, until=when, expires_at=later)
    throttles.delete("login", subject)                    # success, or an admin's unlock

:func:`add_failure` is one atomic statement however many run at once: an
upsert whose update half is ``failures = failures + 1`` (``ON CONFLICT ... DO
UPDATE`` on PostgreSQL and SQLite, ``ON DUPLICATE KEY UPDATE`` on
MySQL/MariaDB), so twenty concurrent failures count twenty. A row whose
``expires_at`` has passed starts again from one.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import peewee

from ..db import database, traits_of
from ..models import LoginThrottle
from ._support import delete_batch

__all__ = ["get", "add_failure", "lock", "delete", "delete_scope_subjects", "delete_expired_batch"]

T = LoginThrottle


def get(scope: str, subject: str) -> LoginThrottle | None:
    return T.get_or_none((T.scope == scope) & (T.subject == subject))


def add_failure(scope: str, subject: str, *, now: datetime, forget_at: datetime) -> int:
    """Count one failure for (scope, subject) atomically; the consecutive failures counted now.

    Run it in a transaction: the count read back is this statement's (the row
    stays locked until commit on PostgreSQL and MySQL/MariaDB).
    """
    stale = T.expires_at <= now
    # MySQL evaluates ON DUPLICATE KEY UPDATE assignments left to right, each seeing the ones
    # before: everything that reads expires_at comes before expires_at itself is set.
    update = {
        T.failures: peewee.Case(None, [(stale, 1)], T.failures + 1),
        T.locked_until: peewee.Case(None, [(stale, None)], T.locked_until),
        T.updated_at: now,
        T.expires_at: peewee.Case(None, [((T.locked_until.is_null()) | (T.locked_until < forget_at), forget_at)],
                                  T.locked_until),
    }
    query = T.insert(id=uuid.uuid4(), scope=scope, subject=subject, failures=1, locked_until=None,
                     expires_at=forget_at, created_at=now, updated_at=now)
    if traits_of(database).duplicate_key_update:
        query = query.on_conflict(update=update)
    else:
        query = query.on_conflict(conflict_target=[T.scope, T.subject], update=update)
    query.execute()
    row = T.select(T.failures).where((T.scope == scope) & (T.subject == subject)).first()
    return row.failures if row is not None else 1


def lock(scope: str, subject: str, *, until: datetime, expires_at: datetime) -> int:
    """Refuse attempts until ``until`` (never shortening a longer lock already set)."""
    return (
        T.update({T.locked_until: until, T.expires_at: expires_at})
        .where((T.scope == scope) & (T.subject == subject)
               & (T.locked_until.is_null() | (T.locked_until < until)))
        .execute()
    )


def delete(scope: str, subject: str) -> int:
    return T.delete().where((T.scope == scope) & (T.subject == subject)).execute()


def delete_scope_subjects(pairs: list[tuple[str, str]]) -> int:
    """Delete the rows of several (scope, subject) pairs; how many there were."""
    total = 0
    for scope, subject in pairs:
        total += delete(scope, subject)
    return total


def delete_expired_batch(*, now: datetime, limit: int) -> int:
    """Delete up to ``limit`` forgotten rows in one statement; how many went."""
    return delete_batch(T, T.expires_at <= now, limit=limit, order_by=T.expires_at)
