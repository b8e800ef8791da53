"""Queries for MFA: TOTP devices (nest_auth_mfa_secrets) and the MFA columns of users.

No hashing, no events, no transactions of its own::

    from nestauth_peewee.repositories import mfa
    devices = mfa.devices_for_user(user_id, verified_only=True)
    mfa.accept_code(device.id, now=now, last_used_at=now, step_start=start)   # replay-safe
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ..models import MfaSecret, User

__all__ = [
    "insert_device",
    "get_device",
    "devices_for_user",
    "count_verified",
    "accept_code",
    "delete_device",
    "set_mfa_enabled",
    "recovery_codes",
    "recovery_codes_if_active",
    "reseal_device",
    "set_recovery_codes",
    "swap_recovery_codes",
]


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


def set_mfa_enabled(user_id: uuid.UUID, enabled: bool, *, now: datetime,
                    clear_recovery_codes: bool = False) -> int:
    values: dict[Any, Any] = {User.is_mfa_enabled: enabled, User.updated_at: now}
    if clear_recovery_codes:
        values[User.mfa_recovery_code] = None
    return User.update(values).where(User.id == user_id).execute()


def reseal_device(device_id: uuid.UUID, old_secret: str, new_secret: str) -> bool:
    """Replace a device's stored secret (re-encrypted under the current key) if still ``old_secret``."""
    return MfaSecret.update({MfaSecret.secret: new_secret}).where(
        (MfaSecret.id == device_id) & (MfaSecret.secret == old_secret)).execute() == 1


def recovery_codes_if_active(user_id: uuid.UUID) -> tuple[bool, str | None]:
    """(the user exists and is active, the stored digests) in one query."""
    row = User.select(User.id, User.is_active, User.mfa_recovery_code).where(User.id == user_id).first()
    if row is None or not row.is_active:
        return False, None
    return True, row.mfa_recovery_code


def recovery_codes(user_id: uuid.UUID) -> tuple[bool, str | None]:
    """``(user exists, stored recovery-code column)``."""
    row = User.select(User.id, User.mfa_recovery_code).where(User.id == user_id).first()
    return (row is not None, row.mfa_recovery_code if row is not None else None)


def set_recovery_codes(user_id: uuid.UUID, value: str | None, *, now: datetime) -> int:
    return (
        User.update({User.mfa_recovery_code: value, User.updated_at: now})
        .where(User.id == user_id)
        .execute()
    )


def swap_recovery_codes(user_id: uuid.UUID, old: str | None, new: str | None, *, now: datetime) -> bool:
    """Compare-and-swap the recovery-code column; False if it changed meanwhile."""
    guard = User.mfa_recovery_code.is_null() if old is None else (User.mfa_recovery_code == old)
    count = (
        User.update({User.mfa_recovery_code: new, User.updated_at: now})
        .where((User.id == user_id) & guard)
        .execute()
    )
    return count == 1
