"""Checks shared by the tenancy and RBAC services (private)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from types import ModuleType
from typing import Any

import peewee

from .. import errors, events
from ..models import Role
from ..repositories import roles as roles_repo
from ..repositories import tenants as tenants_repo
from ..unit_of_work import emit
from ..validation import as_uuid

__all__ = ["require_tenant", "roles_for_scope", "replace_roles"]


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


def replace_roles(sender: Any, repo: ModuleType, access: Any, role_ids: list[uuid.UUID], *,
                  tenant_id: uuid.UUID | None, scope: str) -> list[Role]:
    """Link exactly ``role_ids`` to ``access`` (through ``repo``: memberships or staff access);
    its roles by name. Emits ``roles_changed`` (an audit row) with the names added and removed,
    when anything changed."""
    before = {role.id: role.name for role in repo.roles(access.id)}
    repo.replace_roles(access.id, role_ids)
    after: list[Role] = repo.roles(access.id)
    added = sorted(role.name for role in after if role.id not in before)
    removed = sorted(name for rid, name in before.items() if rid not in {role.id for role in after})
    if added or removed:
        emit(events.roles_changed, sender, user_id=access.user_id, tenant_id=tenant_id, scope=scope,
             added=added, removed=removed)
    return after
