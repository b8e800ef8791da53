"""Queries on nest_auth_otps. No hashing, no events, no transactions of its own.

    from nestauth_peewee.repositories import otps
    otp = otps.latest(user_id, "password_reset")
    if otps.claim_attempt(otp.id, max_attempts=5):   # atomic: at most 5 claims ever succeed
        ...
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..models import Otp

__all__ = [
    "insert",
    "latest",
    "claim_attempt",
    "release_attempt",
    "delete",
    "delete_ids",
    "delete_for_user_type",
    "expired_ids",
]


def insert(**columns: Any) -> Otp:
    return Otp.create(**columns)


def latest(user_id: uuid.UUID, otp_type: str) -> Otp | None:
    """The newest code of this type for the user (normally the only one)."""
    return (
        Otp.select()
        .where((Otp.user == user_id) & (Otp.type == otp_type))
        .order_by(Otp.created_at.desc(), Otp.id)
        .first()
    )


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


def delete_ids(ids: Sequence[uuid.UUID]) -> int:
    if not ids:
        return 0
    return Otp.delete().where(Otp.id.in_(list(ids))).execute()


def delete_for_user_type(user_id: uuid.UUID, otp_type: str) -> int:
    return Otp.delete().where((Otp.user == user_id) & (Otp.type == otp_type)).execute()


def expired_ids(*, now: datetime, limit: int) -> list[uuid.UUID]:
    return [row.id for row in Otp.select(Otp.id).where(Otp.expires_at <= now).limit(limit)]
