"""Queries on nest_auth_sessions. No hashing, no events, no transactions of its own.

    from nestauth_peewee.repositories import sessions
    found = sessions.get_with_user(session_id)          # (Session, User) or None; one query
    swapped = sessions.swap_token(session_id, old_digest, new_digest, now=now, expires_at=later)
    sessions.delete_for_user(user_id)                    # revoke everything; returns the count

The request-path statements are written once per Database and reused:

* :func:`insert_for_user` inserts a session only if its user exists, locking
  the user row on PostgreSQL and MySQL/MariaDB (``INSERT ... SELECT ... FROM
  users ... FOR UPDATE``): one statement that checks, locks and writes;
* :func:`evict` deletes a user's expired sessions and those beyond the
  newest ``keep``, returning the deleted ids (``DELETE ... RETURNING``);
* :func:`delete_for_user_returning` (revoke all) and
  :func:`delete_expired_batch` (clean-up) are one statement each.

Where ``DELETE ... RETURNING`` is missing (MySQL proper, SQLite before 3.35)
the ids are read first with a locking SELECT: two statements, which the
service must then run in a transaction (:func:`one_statement_deletes`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

import peewee

from ..db import database
from ..fields import utcnow
from ..models import Session, User
from ._prepared import Prepared, loaded
from ._support import delete_batch, locked, supports_delete_returning

__all__ = [
    "insert",
    "get",
    "get_with_user",
    "swap_token",
    "touch",
    "mark_active",
    "mark_authenticated",
    "list_for_user",
    "ids_for_user",
    "ids_beyond_newest",
    "delete",
    "delete_ids",
    "delete_for_user",
    "delete_expired_for_user",
    "insert_for_user",
    "evict",
    "delete_for_user_returning",
    "delete_expired_batch",
    "one_statement_deletes",
    "CLEANUP_BATCH_SIZE",
]

UserId = uuid.UUID | str

_BY_ID_WITH_USER: Prepared[Session] = Prepared(
    "session_with_user",
    lambda sid: Session.select(Session, User).join(User, on=(Session.user == User.id)).where(Session.id == sid),
    args=(Session.id,),
    models=(Session, User),
    link="user",
)


def insert(*, session_id: uuid.UUID, user_id: UserId, refresh_token_hash: str, expires_at: datetime,
           now: datetime, **columns: Any) -> Session:
    """Insert a session row (``columns``: user_agent, device_name, ip_address, data)."""
    return Session.create(
        id=session_id, user=user_id, refresh_token_hash=refresh_token_hash, expires_at=expires_at,
        last_active=now, created_at=now, updated_at=now, authenticated_at=now, **columns,
    )


def get(session_id: uuid.UUID | str) -> Session | None:
    return Session.get_or_none(Session.id == session_id)


def get_with_user(session_id: uuid.UUID) -> tuple[Session, User] | None:
    """The session and its user in one prebuilt query; ``session.user`` is set."""
    return cast("tuple[Session, User] | None", _BY_ID_WITH_USER.first(session_id))


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


def mark_active(session_id: uuid.UUID, *, now: datetime, stale_at: datetime) -> bool:
    """Set ``last_active`` to ``now`` if it is older than ``stale_at`` (one conditional UPDATE).

    The request path calls this only when the row it already read is stale,
    so a busy session writes at most once per resolution period.
    """
    count = (
        Session.update({Session.last_active: now})
        .where((Session.id == session_id)
               & (Session.last_active.is_null() | (Session.last_active <= stale_at)))
        .execute()
    )
    return count == 1


def mark_authenticated(session_id: uuid.UUID, *, now: datetime, mfa: bool) -> bool:
    """A step-up: ``authenticated_at`` (``mfa``: ``mfa_authenticated_at``) = now; False if gone."""
    column = Session.mfa_authenticated_at if mfa else Session.authenticated_at
    return Session.update({column: now, Session.updated_at: now}).where(Session.id == session_id).execute() == 1


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


# --- statements built once per Database ----------------------------------------------------

_INSERT_FIELDS = (Session.id, Session.user, Session.data, Session.refresh_token_hash, Session.expires_at,
                  Session.user_agent, Session.device_name, Session.ip_address, Session.last_active,
                  Session.created_at, Session.updated_at, Session.authenticated_at,
                  Session.mfa_authenticated_at)
#: How many sessions to keep (an OFFSET): a plain integer argument.
_KEEP = peewee.IntegerField()
_KEEP.name = "keep"


def _insert_for_user(sid: Any, data: Any, token_hash: Any, expires_at: Any, user_agent: Any,
                     device_name: Any, ip_address: Any, now: Any, mfa_at: Any, uid: Any) -> peewee.Insert:
    """INSERT ... SELECT from the user row (locked where the dialect can): checks, locks, writes."""
    values = (peewee.Value(sid), User.id, peewee.Value(data), peewee.Value(token_hash),
              peewee.Value(expires_at), peewee.Value(user_agent), peewee.Value(device_name),
              peewee.Value(ip_address), peewee.Value(now), peewee.Value(now), peewee.Value(now),
              peewee.Value(now), peewee.Value(mfa_at))
    return Session.insert_from(locked(User.select(*values).where(User.id == uid)), list(_INSERT_FIELDS))


_INSERT: Prepared[Session] = Prepared("sessions_insert_for_user", _insert_for_user, args=(
    Session.id, (Session.data, Session.data.json_text), Session.refresh_token_hash, Session.expires_at,
    Session.user_agent, Session.device_name, Session.ip_address, Session.last_active,
    Session.mfa_authenticated_at, User.id))


def _evict_where(uid: Any, sid: Any, now: Any, keep: Any | None) -> peewee.Expression:
    """A user's sessions but one that expired, or (with ``keep``) lie beyond the newest ``keep``."""
    gone = Session.expires_at <= now
    if keep is not None:
        newest_first = (Session.last_active.desc(nulls="LAST"), Session.created_at.desc())
        beyond = (Session.select(Session.id)
                  .where((Session.user == uid) & (Session.id != sid)
                         & (Session.expires_at.is_null() | (Session.expires_at > now)))
                  .order_by(*newest_first).offset(keep).alias("beyond"))
        # The derived table lets MySQL/MariaDB read the table a DELETE is changing.
        gone = gone | Session.id.in_(peewee.Select((beyond,), (beyond.c.id,)))
    return (Session.user == uid) & (Session.id != sid) & gone


def _evict_statement(limited: bool, returning: bool) -> Prepared[Session]:
    def build(uid: Any, sid: Any, now: Any, keep: Any = None) -> peewee.Node:
        where = _evict_where(uid, sid, now, keep)
        if returning:
            return Session.delete().where(where).returning(Session.id, Session.expires_at)
        return locked(Session.select(Session.id, Session.expires_at).where(where))

    args: tuple[Any, ...] = (User.id, Session.id, Session.expires_at) + ((_KEEP,) if limited else ())
    name = f"sessions_evict_{'newest' if limited else 'expired'}{'' if returning else '_select'}"
    return Prepared(name, build, args=args)


_EVICT = {(limited, returning): _evict_statement(limited, returning)
          for limited in (True, False) for returning in (True, False)}
_DELETE_FOR_USER: Prepared[Session] = Prepared(
    "sessions_delete_for_user",
    lambda uid: Session.delete().where(Session.user == uid).returning(Session.id), args=(User.id,))
_DELETE_FOR_USER_EXCEPT: Prepared[Session] = Prepared(
    "sessions_delete_for_user_except",
    lambda uid, sid: Session.delete().where((Session.user == uid) & (Session.id != sid)).returning(Session.id),
    args=(User.id, Session.id))


#: Rows per clean-up statement, per dialect: measured to keep every batch well under a second
#: on a loaded 2-core machine with 1M expired rows beside 1M live ones (docs/performance.md).
#: MariaDB pays random page reads per row once the table outgrows its buffer pool.
CLEANUP_BATCH_SIZE = {"postgres": 5000, "mysql": 1000, "sqlite": 2000}


def one_statement_deletes() -> bool:
    """True when :func:`evict` and :func:`delete_for_user_returning` are one statement here."""
    return supports_delete_returning(database.bound())


def insert_for_user(*, session_id: uuid.UUID, user_id: uuid.UUID, refresh_token_hash: str,
                    expires_at: datetime, now: datetime, data: Any = None, user_agent: str | None = None,
                    device_name: str | None = None, ip_address: str | None = None,
                    mfa_authenticated: bool = False) -> Session | None:
    """Insert a session if the user exists (locking the user row); the new row, or None.

    ``authenticated_at`` is ``now`` (``mfa_authenticated``: ``mfa_authenticated_at`` too).
    One ``INSERT ... SELECT`` statement. The lock (none on SQLite, whose
    writers are serialised anyway) makes concurrent creations for one user
    run one after the other, so a per-user limit enforced afterwards holds.
    """
    values = {
        "id": session_id, "user": user_id, "data": data if data is not None else {},
        "refresh_token_hash": refresh_token_hash, "expires_at": expires_at, "user_agent": user_agent,
        "device_name": device_name, "ip_address": ip_address, "last_active": now, "created_at": now,
        "updated_at": now, "authenticated_at": now, "mfa_authenticated_at": now if mfa_authenticated else None,
    }
    cursor = _INSERT.execute(session_id, values["data"], refresh_token_hash, expires_at, user_agent,
                             device_name, ip_address, now, values["mfa_authenticated_at"], user_id)
    if cursor.rowcount != 1:
        return None
    row = {field.name: values.get(field.name) for field in Session._meta.sorted_fields}
    row["user"] = user_id
    return loaded(Session, row)


def evict(user_id: uuid.UUID, keep_id: uuid.UUID, *, now: datetime, keep: int | None
          ) -> tuple[list[uuid.UUID], int]:
    """Delete the user's sessions other than ``keep_id`` that expired, or lie beyond the newest ``keep``.

    Returns (ids evicted while still live, how many expired ones were removed).
    ``keep=None``: expired ones only. One statement where the dialect has
    ``DELETE ... RETURNING``, else a locking SELECT and a DELETE.
    """
    args: tuple[Any, ...] = (user_id, keep_id, now) + (() if keep is None else (max(keep, 0),))
    returning = one_statement_deletes()
    rows = _EVICT[(keep is not None, returning)].rows(*args)
    if not returning:
        delete_ids([Session.id.python_value(r[0]) for r in rows])
    evicted, expired = [], 0
    to_time = Session.expires_at.python_value
    for raw_id, raw_expiry in rows:
        expiry = to_time(raw_expiry)
        if expiry is not None and expiry <= now:
            expired += 1
        else:
            evicted.append(Session.id.python_value(raw_id))
    return evicted, expired


def delete_for_user_returning(user_id: uuid.UUID, *, except_id: uuid.UUID | None = None
                              ) -> list[uuid.UUID]:
    """Delete the user's sessions (but ``except_id``); the deleted ids (one statement where possible)."""
    if not one_statement_deletes():
        ids = ids_for_user(user_id, except_id=except_id)
        delete_ids(ids)
        return ids
    if except_id is None:
        rows = _DELETE_FOR_USER.rows(user_id)
    else:
        rows = _DELETE_FOR_USER_EXCEPT.rows(user_id, except_id)
    to_id = Session.id.python_value
    return [to_id(row[0]) for row in rows]


def delete_expired_batch(*, now: datetime, limit: int) -> int:
    """Delete up to ``limit`` expired sessions in one statement; how many went."""
    return delete_batch(Session, Session.expires_at <= now, limit=limit, order_by=Session.expires_at)
