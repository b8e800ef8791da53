"""Queries on nest_auth_roles and nest_auth_role_permissions."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, cast

from ..fields import utcnow
from ..models import Permission, Role, RolePermission
from ._support import chunks, locked, update_by_id

__all__ = ["insert", "get", "get_many", "find_in_scope", "find_visible", "claim_global_slot",
           "name_used_across_scopes", "list_roles", "list_for_tenant", "update", "delete",
           "permission_names", "replace_permissions"]


def insert(**values: Any) -> Role:
    return Role.create(**values)


def get(role_id: uuid.UUID, *, lock: bool = False) -> Role | None:
    query = Role.select().where(Role.id == role_id)
    if lock:
        query = locked(query)
    return query.first()


def get_many(role_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Role]:
    found: dict[uuid.UUID, Role] = {}
    for batch in chunks(dict.fromkeys(role_ids)):
        for role in Role.select().where(Role.id.in_(batch)):
            found[role.id] = role
    return found


def _scope(tenant_id: uuid.UUID | None) -> Any:
    return Role.tenant.is_null() if tenant_id is None else (Role.tenant == tenant_id)


def find_in_scope(name: str, guard: str, tenant_id: uuid.UUID | None) -> Role | None:
    """The role called ``name`` for ``guard`` in exactly this scope (a tenant, or global)."""
    return Role.get_or_none((Role.name == name) & (Role.guard == guard) & _scope(tenant_id))


def find_visible(names: Iterable[str], guard: str, tenant_id: uuid.UUID | None) -> dict[str, Role]:
    """Roles by name as seen from a tenant: its own roles and the global ones (own first)."""
    found: dict[str, Role] = {}
    scope = Role.tenant.is_null() if tenant_id is None else (Role.tenant.is_null() | (Role.tenant == tenant_id))
    for batch in chunks(dict.fromkeys(names)):
        query = Role.select().where((Role.guard == guard) & Role.name.in_(batch) & scope)
        for role in query:
            if role.name not in found or role.tenant_id is not None:
                found[role.name] = role
    return found


def claim_global_slot(name: str, guard: str) -> None:
    """Write, and free again, the global (name, guard) key of the scope index.

    "A tenant role may not take a global role's name, nor the reverse" spans
    rows no unique index covers (the index is per scope). So the global slot
    of ``nest_auth_roles_scope_idx`` doubles as the name's claim: a global
    role holds it, and a tenant role's writer inserts and deletes a
    placeholder global row in its own transaction. Every writer of one name
    then writes one unique key, which every engine orders: a second writer
    waits (or, on Galera, fails certification and is retried), and a held
    slot - a global role exists - is ``RoleAlreadyExists`` at the insert.
    The placeholder is never visible to other transactions.
    """
    placeholder = uuid.uuid4()
    now = utcnow()
    Role.insert(id=placeholder, name=name, guard=guard, tenant=None, is_system=False, is_active=False,
                created_at=now, updated_at=now).execute()
    Role.delete().where(Role.id == placeholder).execute()


def name_used_across_scopes(name: str, guard: str, tenant_id: uuid.UUID | None,
                            exclude: uuid.UUID | None = None) -> bool:
    """For a tenant role: does a global role use the name? For a global one: does any tenant's?

    A locking read: on MySQL/MariaDB it sees rows committed after the
    transaction's snapshot (REPEATABLE READ), e.g. by a writer it waited for.
    """
    other = Role.tenant.is_null() if tenant_id is not None else Role.tenant.is_null(False)
    query = Role.select(Role.id).where((Role.name == name) & (Role.guard == guard) & other)
    if exclude is not None:
        query = query.where(Role.id != exclude)
    return locked(query).first() is not None


def list_roles(*, tenant_id: uuid.UUID | None = None, global_only: bool = False,
               guard: str | None = None, system: bool | None = None) -> list[Role]:
    """Roles ordered by name; filtered by tenant, global scope, guard or the system flag."""
    query = Role.select()
    if global_only:
        query = query.where(Role.tenant.is_null())
    elif tenant_id is not None:
        query = query.where(Role.tenant == tenant_id)
    if guard is not None:
        query = query.where(Role.guard == guard)
    if system is not None:
        query = query.where(Role.is_system == system)
    return list(query.order_by(Role.name, Role.guard, Role.id))


def list_for_tenant(tenant_id: uuid.UUID, *, guard: str | None = None) -> list[Role]:
    """A tenant's own roles plus the system roles, ordered by name."""
    query = Role.select().where((Role.tenant == tenant_id) | (Role.is_system == True))  # noqa: E712
    if guard is not None:
        query = query.where(Role.guard == guard)
    return list(query.order_by(Role.name, Role.guard, Role.id))


def update(role_id: uuid.UUID, **values: Any) -> int:
    return update_by_id(Role, role_id, values)


def delete(role_id: uuid.UUID) -> int:
    """Delete one role; the database cascades its permission links and membership/staff links."""
    return Role.delete().where(Role.id == role_id).execute()


def permission_names(role_id: uuid.UUID) -> list[str]:
    query = (Permission.select(Permission.name)
             .join(RolePermission, on=(RolePermission.permission == Permission.id))
             .where(RolePermission.role == role_id))
    return sorted(row[0] for row in cast("Iterable[tuple[str]]", query.tuples()))


def replace_permissions(role_id: uuid.UUID, permission_ids: Iterable[uuid.UUID]) -> None:
    """Make the role grant exactly ``permission_ids`` (lock the role row first when racing)."""
    wanted = set(permission_ids)
    rows = cast("Iterable[tuple[uuid.UUID]]", RolePermission.select(RolePermission.permission)
                .where(RolePermission.role == role_id).tuples())
    current = {row[0] for row in rows}
    stale = current - wanted
    if stale:
        for batch in chunks(sorted(stale, key=str)):
            RolePermission.delete().where((RolePermission.role == role_id)
                                          & RolePermission.permission.in_(batch)).execute()
    new = sorted(wanted - current, key=str)
    now = utcnow()
    for batch in chunks(new, 100):
        RolePermission.insert_many(
            [{"id": uuid.uuid4(), "role": role_id, "permission": pid, "created_at": now} for pid in batch]
        ).execute()
