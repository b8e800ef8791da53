"""Queries on nest_auth_user_accesses (memberships) and their role links.

A membership ties a user to a tenant, or to no tenant (the user's global
membership); the database allows one of each per user. :func:`ensure` is the
insert-or-reactivate used by registration and by the membership service.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import cast

import peewee

from .. import errors
from ..fields import utcnow
from ..models import Role, Tenant, UserAccess, UserAccessRole
from ._support import chunks, ignore_duplicates, locked

__all__ = [
    "ACTIVE",
    "INACTIVE",
    "ensure",
    "get",
    "set_status",
    "delete",
    "roles",
    "replace_roles",
    "tenants_of",
    "is_member",
]

ACTIVE = "active"
INACTIVE = "inactive"


def _where(user_id: uuid.UUID, tenant_id: uuid.UUID | None) -> peewee.Expression:
    scope = UserAccess.tenant.is_null() if tenant_id is None else (UserAccess.tenant == tenant_id)
    return (UserAccess.user == user_id) & scope


def get(user_id: uuid.UUID, tenant_id: uuid.UUID | None = None, *, lock: bool = False) -> UserAccess | None:
    """The user's membership of ``tenant_id`` (``None``: the global one), whatever its status."""
    query = UserAccess.select().where(_where(user_id, tenant_id))
    if lock:
        query = locked(query)
    return query.first()


def ensure(user_id: uuid.UUID, tenant_id: uuid.UUID | None = None) -> UserAccess:
    """Return the user's membership of ``tenant_id``, inserting it or reactivating it as needed.

    Safe when two callers race: the loser's insert is skipped by the unique
    index and it reads the winner's row. An unknown user or tenant id is a
    :class:`~nestauth_peewee.errors.ReferenceNotFound` (foreign key).
    """
    access = get(user_id, tenant_id)
    if access is None:
        ignore_duplicates(
            UserAccess.insert(id=uuid.uuid4(), user=user_id, tenant=tenant_id, status=ACTIVE), UserAccess
        ).execute()
        access = get(user_id, tenant_id, lock=True)
        if access is None:  # the racer we lost to deleted it again
            raise errors.ConflictError("The membership changed concurrently; retry the operation.")
    if access.status != ACTIVE:
        set_status(access.id, ACTIVE)
        access.status = ACTIVE
    return access


def set_status(access_id: uuid.UUID, status: str) -> int:
    return (UserAccess.update({UserAccess.status: status, UserAccess.updated_at: utcnow()})
            .where(UserAccess.id == access_id).execute())


def delete(user_id: uuid.UUID, tenant_id: uuid.UUID | None = None) -> int:
    """Delete the membership; the database cascades its role links."""
    return UserAccess.delete().where(_where(user_id, tenant_id)).execute()


def roles(access_id: uuid.UUID) -> list[Role]:
    """The roles linked to a membership (active or not), ordered by name."""
    query = (Role.select().join(UserAccessRole, on=(UserAccessRole.role == Role.id))
             .where(UserAccessRole.user_access == access_id))
    return list(query.order_by(Role.name, Role.id))


def replace_roles(access_id: uuid.UUID, role_ids: Iterable[uuid.UUID]) -> None:
    """Link exactly ``role_ids`` to the membership (lock the membership row first when racing)."""
    wanted = set(role_ids)
    rows = cast("Iterable[tuple[uuid.UUID]]", UserAccessRole.select(UserAccessRole.role)
                .where(UserAccessRole.user_access == access_id).tuples())
    current = {row[0] for row in rows}
    for batch in chunks(sorted(current - wanted, key=str)):
        UserAccessRole.delete().where((UserAccessRole.user_access == access_id)
                                      & UserAccessRole.role.in_(batch)).execute()
    for batch in chunks(sorted(wanted - current, key=str), 100):
        UserAccessRole.insert_many([{"user_access": access_id, "role": rid} for rid in batch]).execute()


def tenants_of(user_id: uuid.UUID, *, include_inactive: bool = False) -> list[Tenant]:
    """The tenants the user belongs to, ordered by name.

    By default only active memberships of active tenants; ``include_inactive``
    lists every membership row's tenant.
    """
    query = (Tenant.select().join(UserAccess, on=(UserAccess.tenant == Tenant.id))
             .where(UserAccess.user == user_id))
    if not include_inactive:
        query = query.where((UserAccess.status == ACTIVE) & (Tenant.is_active == True))  # noqa: E712
    return list(query.order_by(Tenant.name, Tenant.id))


def is_member(user_id: uuid.UUID, tenant_id: uuid.UUID | None = None) -> bool:
    """True when the membership exists and is active (and, for a tenant, the tenant is active)."""
    query = UserAccess.select(UserAccess.id).where(_where(user_id, tenant_id) & (UserAccess.status == ACTIVE))
    if tenant_id is not None:
        query = (query.join(Tenant, on=(Tenant.id == UserAccess.tenant))
                 .where(Tenant.is_active == True))  # noqa: E712
    return query.exists()
