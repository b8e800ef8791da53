"""Queries on nest_auth_user_accesses (memberships) and their role links.

A membership ties a user to a tenant, or to no tenant (the user's global
membership); the database allows one of each per user. :func:`ensure` is the
insert-or-reactivate used by registration and by the membership service.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import peewee

from ..models import MEMBERSHIP_ACTIVE, Membership, MembershipRole, Role, Tenant
from . import role_holders
from ._support import locked

__all__ = ["ensure", "get", "set_status", "delete", "roles", "replace_roles", "tenants_of", "is_member"]

def _where(user_id: uuid.UUID, tenant_id: uuid.UUID | None) -> peewee.Expression:
    scope = Membership.tenant.is_null() if tenant_id is None else (Membership.tenant == tenant_id)
    return (Membership.user == user_id) & scope


def get(user_id: uuid.UUID, tenant_id: uuid.UUID | None = None, *, lock: bool = False) -> Membership | None:
    """The user's membership of ``tenant_id`` (``None``: the global one), whatever its status."""
    query = Membership.select().where(_where(user_id, tenant_id))
    if lock:
        query = locked(query)
    return query.first()


def ensure(user_id: uuid.UUID, tenant_id: uuid.UUID | None = None) -> Membership:
    """Return the user's membership of ``tenant_id``, inserting it or reactivating it as needed.

    Safe when two callers race (see :func:`.role_holders.ensure_active`); an
    unknown user or tenant id is a :class:`~nestauth_peewee.errors.ReferenceNotFound`.
    """
    return role_holders.ensure_active(Membership, _where(user_id, tenant_id),
                                      {"user": user_id, "tenant": tenant_id},
                                      Membership.status, MEMBERSHIP_ACTIVE, "membership")


def set_status(access_id: uuid.UUID, status: str) -> int:
    return role_holders.set_flag(Membership, access_id, Membership.status, status)


def delete(user_id: uuid.UUID, tenant_id: uuid.UUID | None = None) -> int:
    """Delete the membership; the database cascades its role links."""
    return Membership.delete().where(_where(user_id, tenant_id)).execute()


def roles(access_id: uuid.UUID) -> list[Role]:
    """The roles linked to a membership (active or not), ordered by name."""
    return role_holders.roles(MembershipRole, MembershipRole.membership, access_id)


def replace_roles(access_id: uuid.UUID, role_ids: Iterable[uuid.UUID]) -> None:
    """Link exactly ``role_ids`` to the membership (lock the membership row first when racing)."""
    role_holders.replace_roles(MembershipRole, MembershipRole.membership, access_id, role_ids)


def tenants_of(user_id: uuid.UUID, *, include_inactive: bool = False) -> list[Tenant]:
    """The tenants the user belongs to, ordered by name.

    By default only active memberships of active tenants; ``include_inactive``
    lists every membership row's tenant.
    """
    query = (Tenant.select().join(Membership, on=(Membership.tenant == Tenant.id))
             .where(Membership.user == user_id))
    if not include_inactive:
        query = query.where((Membership.status == MEMBERSHIP_ACTIVE) & (Tenant.is_active == True))  # noqa: E712
    return list(query.order_by(Tenant.name, Tenant.id))


def is_member(user_id: uuid.UUID, tenant_id: uuid.UUID | None = None) -> bool:
    """True when the membership exists and is active (and, for a tenant, the tenant is active)."""
    query = Membership.select(Membership.id).where(_where(user_id, tenant_id) & (Membership.status == MEMBERSHIP_ACTIVE))
    if tenant_id is not None:
        query = (query.join(Tenant, on=(Tenant.id == Membership.tenant))
                 .where(Tenant.is_active == True))  # noqa: E712
    return query.exists()
