"""Queries on ``nest_auth_identities`` (OAuth, email and phone identities).

    from nestauth_peewee.repositories import identities as identities_repo

    identities_repo.insert(user_id, "github", "583231")
    identities_repo.get("github", "583231")          # the Identity, with .user_id
"""

from __future__ import annotations

import uuid
from typing import Any

from ..fields import utcnow
from ..models import Identity, User

__all__ = ["get", "find_user", "for_user", "insert", "set_provider_id", "delete"]


def get(provider: str, provider_id: str) -> Identity | None:
    """The identity for (provider, provider id), compared exactly.

    The columns use a binary collation on MySQL, which still ignores trailing
    spaces (PAD SPACE); provider ids are not trimmed, so recheck in Python.
    """
    found = Identity.get_or_none((Identity.provider == provider) & (Identity.provider_id == provider_id))
    if found is None or found.provider != provider or found.provider_id != provider_id:
        return None
    return found


def find_user(provider: str, provider_id: str) -> User | None:
    """The user linked to (provider, provider id), in one query."""
    rows = (
        User.select(User, Identity.provider, Identity.provider_id)
        .join(Identity, on=(Identity.user == User.id))
        .where((Identity.provider == provider) & (Identity.provider_id == provider_id))
        .objects()
    )
    for user in rows:
        # .objects() puts the selected Identity columns on the User row, as attributes.
        if user.provider == provider and user.provider_id == provider_id:  # type: ignore[attr-defined]
            return user
    return None


def for_user(user_id: uuid.UUID, provider: str | None = None) -> list[Identity]:
    query = Identity.select().where(Identity.user == user_id)
    if provider is not None:
        query = query.where(Identity.provider == provider)
    return list(query.order_by(Identity.created_at, Identity.id))


def insert(user_id: uuid.UUID, provider: str, provider_id: str, metadata: Any = None) -> Identity:
    return Identity.create(
        user=user_id, provider=provider, provider_id=provider_id,
        metadata={} if metadata is None else metadata,
    )


def set_provider_id(user_id: uuid.UUID, provider: str, provider_id: str) -> int:
    """Point the user's identity of ``provider`` at a new provider id; returns rows changed."""
    return (
        Identity.update(provider_id=provider_id, updated_at=utcnow())
        .where((Identity.user == user_id) & (Identity.provider == provider))
        .execute()
    )


def delete(user_id: uuid.UUID, provider: str, provider_id: str | None = None) -> int:
    """Remove the user's identities of ``provider`` (only ``provider_id`` when given)."""
    query = Identity.delete().where((Identity.user == user_id) & (Identity.provider == provider))
    if provider_id is not None:
        query = query.where(Identity.provider_id == provider_id)
    return query.execute()
