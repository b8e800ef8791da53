"""The permission-check queries: one SQL statement each, built once per dialect.

What a user holds, in a tenant or globally (``tenant_id=None``):

* the **active** roles of the guard linked to the user's **active** membership
  of that scope (status ``'active'``; for a tenant, the tenant must be active
  too), limited to roles of that tenant or global roles;
* plus, when ``include_staff`` is set, the active global roles of the guard
  linked to the user's **active** staff access, whatever the tenant.

:func:`permission_names` returns the distinct names of the permissions (of the
same guard) those roles grant; :func:`role_names` the names of the roles. This
sits on the hot path of every request: each variant is one prepared statement
(:class:`._prepared.Prepared`), built by peewee once per Database and, on
PostgreSQL, planned once per connection (the UNION of joins costs more to plan
than to run). :func:`statement` gives a variant's statement (the benchmark
runs the same SQL on the bare driver).
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

import peewee

# who holds roles (memberships, staff access), then what roles grant
from ..models import MEMBERSHIP_ACTIVE, Membership, MembershipRole, StaffAccess, StaffAccessRole
from ..models.rbac import Permission, Role, RolePermission, Tenant
from ._prepared import Prepared

__all__ = ["permission_names", "role_names", "statement"]

Scope = Literal["tenant", "global", "staff"]
Kind = Literal["permissions", "roles"]


def _held(scope: Scope, include_staff: bool, user: Any, tenant: Any, guard: Any) -> peewee.SelectBase:
    """(role_id, role_name) of every role the user holds in ``scope``: a UNION ALL of its sources."""
    branches: list[peewee.SelectBase] = []
    picked = (Role.id.alias("role_id"), Role.name.alias("role_name"))
    if scope in ("tenant", "global"):
        query = (Membership.select(*picked)
                 .join(MembershipRole, on=(MembershipRole.membership == Membership.id))
                 .join(Role, on=(Role.id == MembershipRole.role)))
        if scope == "tenant":
            query = query.join(Tenant, on=((Tenant.id == Membership.tenant) & (Tenant.is_active == True)))  # noqa: E712
            where = (Membership.tenant == tenant) & (Role.tenant.is_null() | (Role.tenant == Membership.tenant))
        else:
            where = Membership.tenant.is_null() & Role.tenant.is_null()
        branches.append(query.where(
            (Membership.user == user) & where & (Membership.status == MEMBERSHIP_ACTIVE)
            & (Role.is_active == True) & (Role.guard == guard)))  # noqa: E712
    if scope == "staff" or include_staff:
        branches.append(
            StaffAccess.select(*picked)
            .join(StaffAccessRole, on=(StaffAccessRole.staff_access == StaffAccess.id))
            .join(Role, on=(Role.id == StaffAccessRole.role))
            .where((StaffAccess.user == user) & (StaffAccess.is_active == True)  # noqa: E712
                   & (Role.is_active == True) & (Role.guard == guard) & Role.tenant.is_null()))  # noqa: E712
    held = branches[0]
    for branch in branches[1:]:
        held = held.union_all(branch)
    return held


def _build(kind: Kind, scope: Scope, include_staff: bool) -> Prepared[Any]:
    def build(user: Any, *rest: Any) -> peewee.Node:
        tenant, guard = rest if scope == "tenant" else (None, rest[0])
        held = _held(scope, include_staff, user, tenant, guard).alias("held")
        if kind == "roles":
            return peewee.Select((held,), (held.c.role_name,)).distinct()
        return (Permission.select(Permission.name).distinct()
                .from_(held)
                .join(RolePermission, on=(RolePermission.role == held.c.role_id))
                .join(Permission, on=(Permission.id == RolePermission.permission))
                .where(Permission.guard == guard))

    args: tuple[peewee.Field, ...] = (Membership.user,) + ((Membership.tenant,) if scope == "tenant" else ()) + (Role.guard,)
    return Prepared(f"authz_{kind}_{scope}{'_staff' if include_staff and scope != 'staff' else ''}", build, args=args)


_STATEMENTS: dict[tuple[Kind, Scope, bool], Prepared[Any]] = {}
for _kind in ("permissions", "roles"):
    for _scope in ("tenant", "global"):
        for _staff in (True, False):
            _STATEMENTS[(_kind, _scope, _staff)] = _build(_kind, _scope, _staff)
    _STATEMENTS[(_kind, "staff", True)] = _STATEMENTS[(_kind, "staff", False)] = _build(_kind, "staff", False)


def statement(kind: Kind, scope: Scope, include_staff: bool) -> Prepared[Any]:
    """The prepared statement of one variant (``scope="staff"``: staff access only)."""
    return _STATEMENTS[(kind, scope, include_staff)]


def _run(kind: Kind, user_id: uuid.UUID, tenant_id: uuid.UUID | None, guard: str, *,
         include_staff: bool, staff_only: bool) -> list[str]:
    scope: Scope = "staff" if staff_only else ("global" if tenant_id is None else "tenant")
    args = (user_id, tenant_id, guard) if scope == "tenant" else (user_id, guard)
    rows = _STATEMENTS[(kind, scope, include_staff)].rows(*args)
    # Sorted in Python so the order is the same on every dialect (collations differ).
    return sorted(row[0] for row in rows)


def permission_names(user_id: uuid.UUID, tenant_id: uuid.UUID | None, guard: str, *,
                     include_staff: bool = True, staff_only: bool = False) -> list[str]:
    """Distinct, sorted permission names the user holds (one query)."""
    return _run("permissions", user_id, tenant_id, guard, include_staff=include_staff,
                staff_only=staff_only)


def role_names(user_id: uuid.UUID, tenant_id: uuid.UUID | None, guard: str, *,
               include_staff: bool = True, staff_only: bool = False) -> list[str]:
    """Distinct, sorted names of the active roles the user holds (one query)."""
    return _run("roles", user_id, tenant_id, guard, include_staff=include_staff, staff_only=staff_only)
