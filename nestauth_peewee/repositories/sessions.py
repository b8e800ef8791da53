"""Queries on ``nest_auth_sessions``.

    from nestauth_peewee.repositories import sessions as sessions_repo
    sessions_repo.delete_for_user(user.id)    # revoke every session of a user
"""

from __future__ import annotations

import uuid

from ..models import Session

__all__ = ["delete_for_user"]


def delete_for_user(user_id: uuid.UUID) -> int:
    """Delete every session of the user; returns how many there were."""
    return Session.delete().where(Session.user == user_id).execute()
