"""The nest-auth models, and :data:`NestAuthModels`, the ordered bundle.

An app adds its own models to the bundle when creating or migrating::

    from nestauth_peewee import NestAuthModels, create_tables
    create_tables([*NestAuthModels, AppUser])
"""

from __future__ import annotations

import peewee

from .accounts import AccessKey, AdminUser, Identity, MfaSecret, Otp, Session, TrustedDevice, User
from .base import AuthModel, Entity, Record, named_index
from .rbac import (
    DEFAULT_GUARD,
    Permission,
    PlatformAccess,
    PlatformAccessRole,
    Role,
    RolePermission,
    Tenant,
    UserAccess,
    UserAccessRole,
)

__all__ = [
    "AccessKey",
    "AdminUser",
    "AuthModel",
    "DEFAULT_GUARD",
    "Entity",
    "Identity",
    "MfaSecret",
    "NestAuthModels",
    "Otp",
    "Permission",
    "PlatformAccess",
    "PlatformAccessRole",
    "Record",
    "Role",
    "RolePermission",
    "Session",
    "Tenant",
    "TrustedDevice",
    "User",
    "UserAccess",
    "UserAccessRole",
    "named_index",
]

#: Every nest-auth model in dependency order (parents before children).
NestAuthModels: tuple[type[peewee.Model], ...] = (
    User,
    Session,
    Identity,
    AccessKey,
    Otp,
    MfaSecret,
    TrustedDevice,
    Tenant,
    Role,
    Permission,
    RolePermission,
    UserAccess,
    PlatformAccess,
    UserAccessRole,
    PlatformAccessRole,
    AdminUser,
)
