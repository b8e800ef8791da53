"""Queries on nest_auth_trusted_devices. No hashing, no events, no transactions of its own.

    from nestauth_peewee.repositories import trusted_devices
    device = trusted_devices.get(device_id)
    trusted_devices.revoke_all(user_id, now=now)       # sets revoked_at; returns the count
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ..models import TrustedDevice, User
from ._support import delete_batch

__all__ = ["insert", "get", "get_if_owner_active", "rekey", "mark_used", "revoke", "revoke_all", "list_active", "delete_dead_batch"]


def insert(**columns: Any) -> TrustedDevice:
    return TrustedDevice.create(**columns)


def get(device_id: uuid.UUID) -> TrustedDevice | None:
    return TrustedDevice.get_or_none(TrustedDevice.id == device_id)


def get_if_owner_active(device_id: uuid.UUID) -> TrustedDevice | None:
    """The device, if its user is active (one query, the user joined)."""
    return (TrustedDevice.select(TrustedDevice).join(User, on=(TrustedDevice.user == User.id))
            .where((TrustedDevice.id == device_id) & (User.is_active == True))  # noqa: E712
            .first())


def rekey(device_id: uuid.UUID, old_hash: str, new_hash: str) -> bool:
    """Replace the token digest (made under a previous key) if it is still ``old_hash``."""
    return TrustedDevice.update({TrustedDevice.token_hash: new_hash}).where(
        (TrustedDevice.id == device_id) & (TrustedDevice.token_hash == old_hash)).execute() == 1


def mark_used(device_id: uuid.UUID, *, now: datetime) -> None:
    TrustedDevice.update({TrustedDevice.last_used_at: now}).where(TrustedDevice.id == device_id).execute()


def revoke(device_id: uuid.UUID, user_id: uuid.UUID, *, now: datetime) -> int:
    """Set ``revoked_at`` on one unrevoked device of the user."""
    return (
        TrustedDevice.update({TrustedDevice.revoked_at: now})
        .where(
            (TrustedDevice.id == device_id)
            & (TrustedDevice.user == user_id)
            & TrustedDevice.revoked_at.is_null()
        )
        .execute()
    )


def revoke_all(user_id: uuid.UUID, *, now: datetime) -> int:
    return (
        TrustedDevice.update({TrustedDevice.revoked_at: now})
        .where((TrustedDevice.user == user_id) & TrustedDevice.revoked_at.is_null())
        .execute()
    )


def list_active(user_id: uuid.UUID, *, now: datetime) -> list[TrustedDevice]:
    """Unrevoked, unexpired devices of the user, newest first."""
    return list(
        TrustedDevice.select()
        .where(
            (TrustedDevice.user == user_id)
            & TrustedDevice.revoked_at.is_null()
            & (TrustedDevice.expires_at > now)
        )
        .order_by(TrustedDevice.created_at.desc(), TrustedDevice.id)
    )


def delete_dead_batch(*, now: datetime, limit: int) -> int:
    """Delete up to ``limit`` expired or revoked devices in one statement; how many went."""
    dead = (TrustedDevice.expires_at <= now) | TrustedDevice.revoked_at.is_null(False)
    return delete_batch(TrustedDevice, dead, limit=limit, order_by=TrustedDevice.expires_at)
