"""Tenancy and RBAC tables: tenants, memberships, staff access, roles, permissions.

Two uniqueness rules must also hold for rows with no tenant (a global
membership, a global role), which a unique index over the nullable
``tenant_id`` cannot enforce because NULLs compare distinct. Both tables carry
a generated ``tenant_key`` column (``COALESCE(tenant_id, '')``) and the unique
index goes over it, so the database itself refuses a second global row on
PostgreSQL, MySQL/MariaDB and SQLite, for hand-written SQL too.
"""

from __future__ import annotations

import uuid

import peewee

from .. import errors
from ..fields import BooleanField, CharField, JSONField, TenantKeyField, TextField
from .accounts import owner
from .base import AuthModel, Entity, Record, named_index

__all__ = [
    "Tenant",
    "Role",
    "Permission",
    "RolePermission",
    "Membership",
    "StaffAccess",
    "MembershipRole",
    "StaffAccessRole",
    "DEFAULT_GUARD",
    "MEMBERSHIP_ACTIVE",
    "MEMBERSHIP_INACTIVE",
    "MEMBERSHIP_STATUSES",
]

#: The guard a role or permission gets when none is named.
DEFAULT_GUARD = "web"
#: A membership's ``status`` values: only an active membership grants its roles.
MEMBERSHIP_ACTIVE = "active"
MEMBERSHIP_INACTIVE = "inactive"
MEMBERSHIP_STATUSES = (MEMBERSHIP_ACTIVE, MEMBERSHIP_INACTIVE)


class Tenant(Entity):
    """nest_auth_tenants: an organisation / workspace."""

    name = CharField(max_length=255)
    slug = CharField(max_length=255, null=True, exact=True)
    description = CharField(max_length=255, null=True)
    metadata = JSONField(null=True, default=dict, server_default="{}")
    is_active = BooleanField(default=True, server_default=True)

    class Meta:
        table_name = "nest_auth_tenants"


named_index(Tenant, Tenant.slug, name="nest_auth_tenants_slug_idx", unique=True,
            error=errors.TenantAlreadyExists)


class Role(Entity):
    """nest_auth_roles: a named set of permissions, global (no tenant) or per tenant."""

    name = CharField(max_length=255, exact=True)
    guard = CharField(max_length=64, default=DEFAULT_GUARD, server_default=DEFAULT_GUARD, exact=True)
    tenant = peewee.ForeignKeyField(Tenant, column_name="tenant_id", null=True,
                                    on_delete="CASCADE", backref="roles")
    tenant_id: uuid.UUID | None  # the foreign key's raw value (peewee's object-id accessor)
    is_system = BooleanField(default=False, server_default=False)
    is_active = BooleanField(default=True, server_default=True)
    tenant_key = TenantKeyField()

    class Meta:
        table_name = "nest_auth_roles"


named_index(Role, Role.name, Role.guard, Role.tenant_key, name="nest_auth_roles_scope_idx",
            unique=True, error=errors.RoleAlreadyExists)


class Permission(Entity):
    """nest_auth_permissions: the registry of permission names per guard."""

    name = CharField(max_length=255, exact=True)
    guard = CharField(max_length=64, default=DEFAULT_GUARD, server_default=DEFAULT_GUARD,
                      index=True, exact=True)
    description = TextField(null=True)
    category = CharField(max_length=255, null=True)

    class Meta:
        table_name = "nest_auth_permissions"


# Leads with name, so it also serves lookups by name alone.
named_index(Permission, Permission.name, Permission.guard, name="nest_auth_permissions_ng_idx",
            unique=True, error=errors.PermissionAlreadyExists)


class RolePermission(Record):
    """nest_auth_role_permissions: which permissions a role grants."""

    role = peewee.ForeignKeyField(Role, column_name="role_id", on_delete="CASCADE",
                                  backref="role_permissions", index=False)
    permission = peewee.ForeignKeyField(Permission, column_name="permission_id",
                                        on_delete="CASCADE", backref="role_permissions")

    class Meta:
        table_name = "nest_auth_role_permissions"


named_index(RolePermission, RolePermission.role, RolePermission.permission,
            name="nest_auth_role_permissions_rp_idx", unique=True,
            error=errors.RolePermissionAlreadyExists)


class Membership(Entity):
    """nest_auth_user_accesses: a user's membership of a tenant (or the global one)."""

    user = owner("memberships", index=False)  # led by both unique indexes
    tenant = peewee.ForeignKeyField(Tenant, column_name="tenant_id", null=True,
                                    on_delete="CASCADE", backref="memberships")
    is_default = BooleanField(default=False, server_default=False)
    status = CharField(max_length=32, default=MEMBERSHIP_ACTIVE, server_default=MEMBERSHIP_ACTIVE)
    metadata = JSONField(null=True, default=dict, server_default="{}")
    tenant_key = TenantKeyField()

    class Meta:
        table_name = "nest_auth_user_accesses"


named_index(Membership, Membership.user, Membership.tenant, name="nest_auth_user_access_ut_idx",
            unique=True, error=errors.MembershipAlreadyExists)
named_index(Membership, Membership.user, Membership.tenant_key,
            name="nest_auth_user_access_scope_idx", unique=True,
            error=errors.MembershipAlreadyExists)


class StaffAccess(Entity):
    """nest_auth_platform_accesses: staff access across every tenant (one per user)."""

    user = owner("staff_access", index=False)  # led by nest_auth_platform_accesses_user_idx
    is_active = BooleanField(default=True, server_default=True)

    class Meta:
        table_name = "nest_auth_platform_accesses"


named_index(StaffAccess, StaffAccess.user, name="nest_auth_platform_accesses_user_idx",
            unique=True, error=errors.StaffAccessAlreadyExists)


def _role_link(holder: type[Entity], column: str, *, role_backref: str
               ) -> tuple[peewee.ForeignKeyField, peewee.ForeignKeyField]:
    """The two columns of a table linking roles to a role holder: the holder's, then ``role_id``.

    Both cascade on delete. The holder's column leads the composite primary key, so only
    ``role_id`` gets an index of its own; the holder's side of the link is ``role_links``.
    """
    return (
        peewee.ForeignKeyField(holder, column_name=column, on_delete="CASCADE", backref="role_links",
                               index=False),
        peewee.ForeignKeyField(Role, column_name="role_id", on_delete="CASCADE", backref=role_backref),
    )


class MembershipRole(AuthModel):
    """nest_auth_user_access_roles: roles held through a membership."""

    membership, role = _role_link(Membership, "user_access_id", role_backref="membership_links")

    class Meta:
        table_name = "nest_auth_user_access_roles"
        primary_key = peewee.CompositeKey("membership", "role")


class StaffAccessRole(AuthModel):
    """nest_auth_platform_access_roles: roles held through staff access."""

    staff_access, role = _role_link(StaffAccess, "platform_access_id", role_backref="staff_links")

    class Meta:
        table_name = "nest_auth_platform_access_roles"
        primary_key = peewee.CompositeKey("staff_access", "role")
