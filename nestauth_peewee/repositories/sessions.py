"""Queries on nest_auth_sessions. No hashing, no events, no transactions of its own.

    from nestauth_peewee.repositories import sessions
    found = sessions.get_with_user(session_id)          # (Session, User) or None; one query
    swapped = sessions.swap_token(session_id, old_digest, new_digest, now=now, expires_at=later)
    sessions.delete_for_user(user_id)                    # revoke everything; returns the count
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from ..fields import utcnow
from ..models import Session, User
from ._prepared import SAMPLE_UUID, PreparedSelect

__all__ = [
    "insert",
    "get",
    "get_with_user",
    "swap_token",
    "touch",
    "list_for_user",
    "ids_for_user",
    "ids_beyond_newest",
    "delete",
    "delete_ids",
    "delete_for_user",
    "delete_expired_for_user",
    "expired_ids",
]

UserId = uuid.UUID | str

_BY_ID_WITH_USER = PreparedSelect(
    lambda: Session.select(*Session._meta.sorted_fields, *User._meta.sorted_fields)
    .join(User, on=(Session.user == User.id))
    .where(Session.id == SAMPLE_UUID),
    models=(Session, User),
    params=(Session.id,),
)


def insert(*, session_id: uuid.UUID, user_id: UserId, refresh_token_hash: str, expires_at: datetime,
           now: datetime, **columns: Any) -> Session:
    """Insert a session row (``columns``: user_agent, device_name, ip_address, data)."""
    return Session.create(
        id=session_id, user=user_id, refresh_token_hash=refresh_token_hash, expires_at=expires_at,
        last_active=now, created_at=now, updated_at=now, **columns,
    )


def get(session_id: uuid.UUID | str) -> Session | None:
    return Session.get_or_none(Session.id == session_id)


def get_with_user(session_id: uuid.UUID) -> tuple[Session, User] | None:
    """The session and its user in one prebuilt query; ``session.user`` is set."""
    row = _BY_ID_WITH_USER.first(session_id)
    if row is None:
        return None
    session, user = row
    session.user = user
    session._dirty.clear()
    return session, user  # type: ignore[return-value]


def swap_token(session_id: uuid.UUID, old_hash: str, new_hash: str, *, now: datetime,
               expires_at: datetime, **columns: Any) -> bool:
    """Compare-and-swap the refresh-token digest; True only if ``old_hash`` was still current."""
    updates = {
        Session.refresh_token_hash: new_hash, Session.expires_at: expires_at,
        Session.last_active: now, Session.updated_at: now,
    }
    updates.update({getattr(Session, name): value for name, value in columns.items()})
    count = (
        Session.update(updates)
        .where((Session.id == session_id) & (Session.refresh_token_hash == old_hash))
        .execute()
    )
    return count == 1


def touch(session_id: uuid.UUID | str, now: datetime) -> bool:
    """Set ``last_active``; False if the session does not exist."""
    count = (
        Session.update({Session.last_active: now, Session.updated_at: now})
        .where(Session.id == session_id)
        .execute()
    )
    return count == 1


def list_for_user(user_id: UserId, *, now: datetime) -> list[Session]:
    """Unexpired sessions of a user, most recently active first."""
    return list(
        Session.select()
        .where((Session.user == user_id) & ((Session.expires_at.is_null()) | (Session.expires_at > now)))
        .order_by(Session.last_active.desc(nulls="LAST"), Session.created_at.desc())
    )


def ids_for_user(user_id: UserId, *, except_id: uuid.UUID | str | None = None) -> list[uuid.UUID]:
    query = Session.select(Session.id).where(Session.user == user_id)
    if except_id is not None:
        query = query.where(Session.id != except_id)
    return [row.id for row in query]


def ids_beyond_newest(user_id: UserId, keep: int) -> list[uuid.UUID]:
    """Ids of the user's sessions other than the ``keep`` most recently active ones."""
    query = (
        Session.select(Session.id)
        .where(Session.user == user_id)
        .order_by(Session.last_active.desc(nulls="LAST"), Session.created_at.desc())
    )
    return [row.id for row in query][max(keep, 0):]


def delete(session_id: uuid.UUID | str, *, user_id: UserId | None = None) -> int:
    query = Session.delete().where(Session.id == session_id)
    if user_id is not None:
        query = query.where(Session.user == user_id)
    return query.execute()


def delete_ids(ids: Sequence[uuid.UUID] | Iterable[uuid.UUID]) -> int:
    ids = list(ids)
    if not ids:
        return 0
    return Session.delete().where(Session.id.in_(ids)).execute()


def delete_for_user(user_id: UserId) -> int:
    """Delete every session of the user (revoke all); returns how many there were."""
    return Session.delete().where(Session.user == user_id).execute()


def delete_expired_for_user(user_id: UserId, *, now: datetime | None = None) -> int:
    now = now or utcnow()
    return Session.delete().where((Session.user == user_id) & (Session.expires_at <= now)).execute()


def expired_ids(*, now: datetime, limit: int) -> list[uuid.UUID]:
    """Up to ``limit`` ids of expired sessions (for batched clean-up)."""
    query = Session.select(Session.id).where(Session.expires_at <= now).limit(limit)
    return [row.id for row in query]
