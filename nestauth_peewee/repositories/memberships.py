"""Queries on ``nest_auth_user_accesses`` (tenant memberships).

    from nestauth_peewee.repositories import memberships as memberships_repo
    memberships_repo.ensure(user.id, None)     # the user's global membership
"""

from __future__ import annotations

import uuid

from ..models import UserAccess

__all__ = ["ensure"]


def ensure(user_id: uuid.UUID, tenant_id: uuid.UUID | None) -> UserAccess:
    """The user's membership of ``tenant_id`` (None: the global one), inserted if missing."""
    query = UserAccess.select().where(UserAccess.user == user_id)
    if tenant_id is None:
        query = query.where(UserAccess.tenant.is_null())
    else:
        query = query.where(UserAccess.tenant == tenant_id)
    found = query.first()
    if found is not None:
        return found
    return UserAccess.create(user=user_id, tenant=tenant_id)
