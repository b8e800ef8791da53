"""Checks shared by the tenancy and RBAC services (private)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import peewee

from .. import errors
from ..repositories import roles as roles_repo
from ..repositories import tenants as tenants_repo
from ..validation import as_uuid

__all__ = ["require_tenant", "roles_for_scope"]


def require_tenant(tenant_id: Any) -> uuid.UUID:
    """The tenant's id, or TenantNotFound naming it."""
    tid = as_uuid("tenant_id", tenant_id)
    if not tenants_repo.exists(tid):
        raise errors.TenantNotFound(f"No tenant with id {tid}.", tenant_id=str(tid))
    return tid


def roles_for_scope(roles: Iterable[Any], tenant_id: uuid.UUID | None) -> list[uuid.UUID]:
    """Resolve role ids (or Role rows) for a membership of ``tenant_id`` (``None``: global / staff).

    Every role must exist (RoleNotFound lists the unknown ids) and be global
    or belong to that tenant (InvalidRoleScope lists the others).
    """
    if isinstance(roles, (str, uuid.UUID, peewee.Model)):
        roles = [roles]
    ids = list(dict.fromkeys(as_uuid("role id", r) for r in roles))
    found = roles_repo.get_many(ids)
    missing = [str(rid) for rid in ids if rid not in found]
    if missing:
        raise errors.RoleNotFound(f"No role with id {', '.join(missing)}.", missing=missing)
    foreign = [found[rid] for rid in ids if found[rid].tenant_id not in (None, tenant_id)]
    if foreign:
        where = f"tenant {tenant_id}" if tenant_id is not None else "global (no-tenant) or staff access"
        names = ", ".join(f"{r.name!r} ({r.id})" for r in foreign)
        raise errors.InvalidRoleScope(
            f"Roles {names} belong to another tenant and cannot be used for {where}; "
            "use global roles or roles of this tenant.",
            roles=[str(r.id) for r in foreign],
        )
    return ids
