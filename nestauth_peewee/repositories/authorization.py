"""The permission-check queries: one SQL statement each, built once per dialect.

What a user holds, in a tenant or globally (``tenant_id=None``):

* the **active** roles of the guard linked to the user's **active** membership
  of that scope (status ``'active'``; for a tenant, the tenant must be active
  too), limited to roles of that tenant or global roles;
* plus, when ``include_staff`` is set, the active global roles of the guard
  linked to the user's **active** staff access, whatever the tenant.

:func:`permission_names` returns the distinct names of the permissions (of the
same guard) those roles grant; :func:`role_names` the names of the roles. This
sits on the hot path of every request, so the SQL text is rendered once per
(dialect, variant) and reused with ``execute_sql`` (see platform-notes: peewee
spends more time building SQL than the server spends running it).
"""

from __future__ import annotations

import uuid
from typing import Literal

from ..db import database, dialect_of
from ..models import (
    MEMBERSHIP_ACTIVE,
    AuthModel,
    Membership,
    MembershipRole,
    Permission,
    Role,
    RolePermission,
    StaffAccess,
    StaffAccessRole,
    Tenant,
)

__all__ = ["permission_names", "role_names", "render_sql"]

Scope = Literal["tenant", "global", "staff"]
Kind = Literal["permissions", "roles"]

_cache: dict[tuple[str, Kind, Scope, bool], str] = {}


def render_sql(dialect: str, kind: Kind, scope: Scope, include_staff: bool) -> str:
    """The SQL for one variant (``scope="staff"``: staff access only). Cached."""
    key = (dialect, kind, scope, include_staff)
    sql = _cache.get(key)
    if sql is None:
        sql = _cache[key] = _build(dialect, kind, scope, include_staff)
    return sql


def _build(dialect: str, kind: Kind, scope: Scope, include_staff: bool) -> str:
    q = "`" if dialect == "mysql" else '"'
    ph = "?" if dialect == "sqlite" else "%s"

    def t(model: type[AuthModel]) -> str:
        return q + model._meta.table_name + q

    def c(alias: str, column: str) -> str:
        return f"{alias}.{q}{column}{q}"

    branches: list[str] = []
    if scope in ("tenant", "global"):
        tenant_join = ""
        if scope == "tenant":
            ua_scope = f"{c('ua', 'tenant_id')} = {ph}"
            role_scope = f"({c('r', 'tenant_id')} IS NULL OR {c('r', 'tenant_id')} = {c('ua', 'tenant_id')})"
            tenant_join = (f" JOIN {t(Tenant)} t ON {c('t', 'id')} = {c('ua', 'tenant_id')}"
                           f" AND {c('t', 'is_active')} = TRUE")
        else:
            ua_scope = f"{c('ua', 'tenant_id')} IS NULL"
            role_scope = f"{c('r', 'tenant_id')} IS NULL"
        branches.append(
            f"SELECT {c('r', 'id')} AS role_id, {c('r', 'name')} AS role_name"
            f" FROM {t(Membership)} ua"
            f" JOIN {t(MembershipRole)} uar ON {c('uar', 'user_access_id')} = {c('ua', 'id')}"
            f" JOIN {t(Role)} r ON {c('r', 'id')} = {c('uar', 'role_id')}"
            f"{tenant_join}"
            f" WHERE {c('ua', 'user_id')} = {ph} AND {ua_scope} AND {c('ua', 'status')} = '{MEMBERSHIP_ACTIVE}'"
            f" AND {c('r', 'is_active')} = TRUE AND {c('r', 'guard')} = {ph} AND {role_scope}"
        )
    if scope == "staff" or include_staff:
        branches.append(
            f"SELECT {c('r', 'id')} AS role_id, {c('r', 'name')} AS role_name"
            f" FROM {t(StaffAccess)} pa"
            f" JOIN {t(StaffAccessRole)} par ON {c('par', 'platform_access_id')} = {c('pa', 'id')}"
            f" JOIN {t(Role)} r ON {c('r', 'id')} = {c('par', 'role_id')}"
            f" WHERE {c('pa', 'user_id')} = {ph} AND {c('pa', 'is_active')} = TRUE"
            f" AND {c('r', 'is_active')} = TRUE AND {c('r', 'guard')} = {ph}"
            f" AND {c('r', 'tenant_id')} IS NULL"
        )
    held = " UNION ALL ".join(branches)
    if kind == "roles":
        return f"SELECT DISTINCT held.role_name FROM ({held}) held"
    return (
        f"SELECT DISTINCT {c('p', 'name')} FROM ({held}) held"
        f" JOIN {t(RolePermission)} rp ON {c('rp', 'role_id')} = held.role_id"
        f" JOIN {t(Permission)} p ON {c('p', 'id')} = {c('rp', 'permission_id')}"
        f" WHERE {c('p', 'guard')} = {ph}"
    )


def _params(kind: Kind, scope: Scope, include_staff: bool, user: str, tenant: str | None,
            guard: str) -> tuple[str, ...]:
    params: list[str] = []
    if scope == "tenant":
        params += [user, tenant, guard]  # type: ignore[list-item]
    elif scope == "global":
        params += [user, guard]
    if scope == "staff" or include_staff:
        params += [user, guard]
    if kind == "permissions":
        params.append(guard)
    return tuple(params)


def _run(kind: Kind, user_id: uuid.UUID, tenant_id: uuid.UUID | None, guard: str, *,
         include_staff: bool, staff_only: bool) -> list[str]:
    scope: Scope = "staff" if staff_only else ("global" if tenant_id is None else "tenant")
    sql = render_sql(dialect_of(database), kind, scope, include_staff)
    # UUIDs as 32 hex digits: what MySQL/SQLite store, and a valid uuid literal on PostgreSQL.
    params = _params(kind, scope, include_staff, user_id.hex,
                     tenant_id.hex if tenant_id is not None else None, guard)
    cursor = database.execute_sql(sql, params)
    # Sorted in Python so the order is the same on every dialect (collations differ).
    return sorted(row[0] for row in cursor.fetchall())


def permission_names(user_id: uuid.UUID, tenant_id: uuid.UUID | None, guard: str, *,
                     include_staff: bool = True, staff_only: bool = False) -> list[str]:
    """Distinct, sorted permission names the user holds (one query)."""
    return _run("permissions", user_id, tenant_id, guard, include_staff=include_staff,
                staff_only=staff_only)


def role_names(user_id: uuid.UUID, tenant_id: uuid.UUID | None, guard: str, *,
               include_staff: bool = True, staff_only: bool = False) -> list[str]:
    """Distinct, sorted names of the active roles the user holds (one query)."""
    return _run("roles", user_id, tenant_id, guard, include_staff=include_staff, staff_only=staff_only)
