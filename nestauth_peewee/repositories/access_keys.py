"""Queries on nest_auth_access_keys. No hashing, no events, no transactions of its own.

    from nestauth_peewee.repositories import access_keys
    found = access_keys.get_with_user("nak_0123...")     # (AccessKey, User) or None; one query
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

from ..models import AccessKey, User
from ._prepared import Prepared

__all__ = ["insert", "get_for_user", "get_with_user", "mark_used", "update", "delete",
           "list_for_user", "deactivate_all_for_user", "rekey"]

UserId = uuid.UUID | str

_BY_PUBLIC_KEY_WITH_USER: Prepared[AccessKey] = Prepared(
    "access_key_with_user",
    lambda public_key: AccessKey.select(AccessKey, User)
    .join(User, on=(AccessKey.user == User.id))
    .where(AccessKey.public_key == public_key),
    args=(AccessKey.public_key,),
    models=(AccessKey, User),
    link="user",
)


def insert(**columns: Any) -> AccessKey:
    return AccessKey.create(**columns)


def get_for_user(key_id: uuid.UUID | str, user_id: UserId | None = None) -> AccessKey | None:
    query = AccessKey.select().where(AccessKey.id == key_id)
    if user_id is not None:
        query = query.where(AccessKey.user == user_id)
    return query.first()


def get_with_user(public_key: str) -> tuple[AccessKey, User] | None:
    """The key and its owner in one prebuilt query; ``key.user`` is set."""
    return cast("tuple[AccessKey, User] | None", _BY_PUBLIC_KEY_WITH_USER.first(public_key))


def mark_used(key_id: uuid.UUID, *, now: datetime, stale_at: datetime) -> bool:
    """Set ``last_used_at = now`` if it is unset or not after ``stale_at`` (a guarded write)."""
    count = (
        AccessKey.update({AccessKey.last_used_at: now})
        .where(
            (AccessKey.id == key_id)
            & (AccessKey.last_used_at.is_null() | (AccessKey.last_used_at <= stale_at))
        )
        .execute()
    )
    return count == 1


def update(key_id: uuid.UUID | str, *, now: datetime, **columns: Any) -> int:
    values = {getattr(AccessKey, name): value for name, value in columns.items()}
    values[AccessKey.updated_at] = now
    return AccessKey.update(values).where(AccessKey.id == key_id).execute()


def deactivate_all_for_user(user_id: UserId, *, now: datetime) -> int:
    """Switch off every active key of the user; how many were on."""
    return (AccessKey.update({AccessKey.is_active: False, AccessKey.updated_at: now})
            .where((AccessKey.user == user_id) & (AccessKey.is_active == True))  # noqa: E712
            .execute())


def rekey(key_id: uuid.UUID, old_hash: str, new_hash: str) -> bool:
    """Replace the secret's digest (made under a previous key) if it is still ``old_hash``."""
    return AccessKey.update({AccessKey.secret_hash: new_hash}).where(
        (AccessKey.id == key_id) & (AccessKey.secret_hash == old_hash)).execute() == 1


def delete(key_id: uuid.UUID | str) -> int:
    return AccessKey.delete().where(AccessKey.id == key_id).execute()


def list_for_user(user_id: UserId) -> list[AccessKey]:
    """A user's keys, newest first."""
    return list(
        AccessKey.select()
        .where(AccessKey.user == user_id)
        .order_by(AccessKey.created_at.desc(), AccessKey.id)
    )
