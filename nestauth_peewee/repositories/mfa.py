"""Queries for MFA: TOTP devices (nest_auth_mfa_secrets), the MFA switch of users, recovery codes.

No hashing, no events, no transactions of its own::

    from nestauth_peewee.repositories import mfa
    devices = mfa.devices_for_user(user_id, verified_only=True)
    mfa.accept_code(device.id, now=now, last_used_at=now, step_start=start)   # replay-safe
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..models import MfaRecoveryCode, MfaSecret, User

__all__ = ["insert_device", "get_device", "devices_for_user", "count_verified", "accept_code",
           "delete_device", "set_mfa_enabled", "reseal_device", "user_exists", "user_is_active",
           "replace_recovery_codes", "delete_recovery_codes", "count_unused_recovery_codes",
           "spend_recovery_code"]


def insert_device(**columns: Any) -> MfaSecret:
    return MfaSecret.create(**columns)


def get_device(device_id: uuid.UUID, user_id: uuid.UUID) -> MfaSecret | None:
    return MfaSecret.get_or_none((MfaSecret.id == device_id) & (MfaSecret.user == user_id))


def devices_for_user(user_id: uuid.UUID, *, verified_only: bool = False,
                     active_owner: bool = False) -> list[MfaSecret]:
    """The user's devices, oldest first (``active_owner``: none if the user is deactivated)."""
    query = MfaSecret.select().where(MfaSecret.user == user_id)
    if active_owner:
        query = query.join(User, on=(MfaSecret.user == User.id)).where(User.is_active == True)  # noqa: E712
    if verified_only:
        query = query.where(MfaSecret.verified == True)  # noqa: E712 - peewee expression
    return list(query.order_by(MfaSecret.created_at, MfaSecret.id))


def count_verified(user_id: uuid.UUID) -> int:
    return (
        MfaSecret.select()
        .where((MfaSecret.user == user_id) & (MfaSecret.verified == True))  # noqa: E712
        .count()
    )


def accept_code(device_id: uuid.UUID, *, now: datetime, last_used_at: datetime, step_start: datetime,
                verify: bool = False) -> bool:
    """Record a code of the time step starting at ``step_start`` as used.

    Refused (False) when a code of that step or a later one was already
    accepted, which is what makes a TOTP code single-use; with ``verify`` the
    device is also marked verified.
    """
    values: dict[Any, Any] = {MfaSecret.last_used_at: last_used_at, MfaSecret.updated_at: now}
    if verify:
        values[MfaSecret.verified] = True
    count = (
        MfaSecret.update(values)
        .where(
            (MfaSecret.id == device_id)
            & (MfaSecret.last_used_at.is_null() | (MfaSecret.last_used_at < step_start))
        )
        .execute()
    )
    return count == 1


def delete_device(device_id: uuid.UUID) -> int:
    return MfaSecret.delete().where(MfaSecret.id == device_id).execute()


def set_mfa_enabled(user_id: uuid.UUID, enabled: bool, *, now: datetime) -> int:
    return User.update({User.is_mfa_enabled: enabled, User.updated_at: now}).where(User.id == user_id).execute()


def reseal_device(device_id: uuid.UUID, old_secret: str, new_secret: str) -> bool:
    """Replace a device's stored secret (re-encrypted under the current key) if still ``old_secret``."""
    return MfaSecret.update({MfaSecret.secret: new_secret}).where(
        (MfaSecret.id == device_id) & (MfaSecret.secret == old_secret)).execute() == 1


def user_exists(user_id: uuid.UUID) -> bool:
    return User.select(User.id).where(User.id == user_id).exists()


def user_is_active(user_id: uuid.UUID) -> bool:
    """True if the user exists and is active."""
    return User.select(User.id).where((User.id == user_id) & (User.is_active == True)).exists()  # noqa: E712


# --- recovery codes (nest_auth_mfa_recovery_codes) -------------------------------------


def replace_recovery_codes(user_id: uuid.UUID, digests: list[str], *, now: datetime) -> None:
    """Drop every code of the user (used or not) and store ``digests`` as fresh, unused ones."""
    MfaRecoveryCode.delete().where(MfaRecoveryCode.user == user_id).execute()
    if digests:
        MfaRecoveryCode.insert_many(
            [{"id": uuid.uuid4(), "user": user_id, "code_hash": d, "created_at": now} for d in digests]
        ).execute()


def delete_recovery_codes(user_id: uuid.UUID) -> int:
    return MfaRecoveryCode.delete().where(MfaRecoveryCode.user == user_id).execute()


def count_unused_recovery_codes(user_id: uuid.UUID) -> int:
    return (
        MfaRecoveryCode.select()
        .where((MfaRecoveryCode.user == user_id) & MfaRecoveryCode.used_at.is_null())
        .count()
    )


def spend_recovery_code(user_id: uuid.UUID, code_hashes: Sequence[str], *, now: datetime) -> bool:
    """Mark the active user's unused code with one of these digests used; False if there is none.

    ``code_hashes`` are the digests of one presented code under each accepted
    key (the current key first); a code matches under at most one of them.
    One conditional UPDATE (``used_at IS NULL``, the owner active): of two
    concurrent uses of one code, the database lets exactly one change the row,
    and a deactivated user's codes match nothing.
    """
    if not code_hashes:
        return False
    active_owner = User.select(User.id).where((User.id == user_id) & (User.is_active == True))  # noqa: E712
    count = (
        MfaRecoveryCode.update({MfaRecoveryCode.used_at: now})
        .where(
            (MfaRecoveryCode.user == user_id)
            & MfaRecoveryCode.code_hash.in_(list(code_hashes))
            & MfaRecoveryCode.used_at.is_null()
            & MfaRecoveryCode.user.in_(active_owner)
        )
        .execute()
    )
    return count >= 1
