"""Queries on nest_auth_otps. No hashing, no events, no transactions of its own.

    from nestauth_peewee.repositories import otps
    otp = otps.latest(user_id, "password_reset")
    if otps.claim_attempt(otp.id, max_attempts=5):   # atomic: at most 5 claims ever succeed
        ...
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ..models import Otp, User
from ._support import delete_batch

__all__ = ["insert", "latest", "rekey", "claim_attempt", "release_attempt", "delete",
           "delete_for_user_type", "delete_expired_batch"]


def insert(**columns: Any) -> Otp:
    return Otp.create(**columns)


def latest(user_id: uuid.UUID, otp_type: str) -> tuple[Otp, bool] | None:
    """The newest code of this type for the user (normally the only one) and whether its
    owner is active (joined in the same query)."""
    otp = (
        Otp.select(Otp, User.is_active.alias("owner_is_active"))
        .join(User, on=(Otp.user == User.id))
        .where((Otp.user == user_id) & (Otp.type == otp_type))
        .order_by(Otp.created_at.desc(), Otp.id)
        .objects()
        .first()
    )
    if otp is None:
        return None
    active = bool(otp.__data__.pop("owner_is_active", getattr(otp, "owner_is_active", False)))
    return otp, active


def rekey(otp_id: uuid.UUID, old_hash: str, new_hash: str) -> bool:
    """Replace the code's digest (made under a previous key) if it is still ``old_hash``."""
    return Otp.update({Otp.code_hash: new_hash}).where(
        (Otp.id == otp_id) & (Otp.code_hash == old_hash)).execute() == 1


def claim_attempt(otp_id: uuid.UUID, *, max_attempts: int, now: datetime) -> bool:
    """Count one attempt, atomically, unless ``max_attempts`` were already counted."""
    count = (
        Otp.update({Otp.attempts: Otp.attempts + 1, Otp.updated_at: now})
        .where((Otp.id == otp_id) & (Otp.attempts < max_attempts))
        .execute()
    )
    return count == 1


def release_attempt(otp_id: uuid.UUID) -> None:
    """Give back an attempt claimed by a successful non-consuming check."""
    Otp.update({Otp.attempts: Otp.attempts - 1}).where((Otp.id == otp_id) & (Otp.attempts > 0)).execute()


def delete(otp_id: uuid.UUID) -> int:
    return Otp.delete().where(Otp.id == otp_id).execute()


def delete_for_user_type(user_id: uuid.UUID, otp_type: str) -> int:
    return Otp.delete().where((Otp.user == user_id) & (Otp.type == otp_type)).execute()


def delete_expired_batch(*, now: datetime, limit: int) -> int:
    """Delete up to ``limit`` expired codes in one statement; how many went."""
    return delete_batch(Otp, Otp.expires_at <= now, limit=limit, order_by=Otp.expires_at)
