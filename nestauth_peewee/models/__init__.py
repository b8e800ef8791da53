"""The nest-auth models, and :data:`NestAuthModels`, the ordered bundle.

An app adds its own models to the bundle when creating or migrating::

    from nestauth_peewee import NestAuthModels, create_tables
    create_tables([*NestAuthModels, AppUser])
"""

from __future__ import annotations

from collections.abc import Iterable

import peewee

from .accounts import (
    AccessKey,
    AdminUser,
    Identity,
    LoginThrottle,
    MfaRecoveryCode,
    MfaSecret,
    Otp,
    Session,
    TrustedDevice,
    User,
)
from .audit import OUTCOME_FAILURE, OUTCOME_SUCCESS, AuditEvent
from .base import AuthModel, Entity, Record, named_index
from .rbac import (
    DEFAULT_GUARD,
    MEMBERSHIP_ACTIVE,
    MEMBERSHIP_INACTIVE,
    MEMBERSHIP_STATUSES,
    Membership,
    MembershipRole,
    Permission,
    Role,
    RolePermission,
    StaffAccess,
    StaffAccessRole,
    Tenant,
)
from .screening import SOURCE_IMPORT, SOURCE_MANUAL, BlockedEmailDomain

__all__ = [
    "AccessKey",
    "AdminUser",
    "AuditEvent",
    "AuthModel",
    "BlockedEmailDomain",
    "DEFAULT_GUARD",
    "MEMBERSHIP_ACTIVE",
    "MEMBERSHIP_INACTIVE",
    "MEMBERSHIP_STATUSES",
    "Entity",
    "Identity",
    "LoginThrottle",
    "MfaRecoveryCode",
    "MfaSecret",
    "NestAuthModels",
    "OUTCOME_FAILURE",
    "OUTCOME_SUCCESS",
    "Otp",
    "Permission",
    "StaffAccess",
    "StaffAccessRole",
    "Record",
    "Role",
    "RolePermission",
    "SOURCE_IMPORT",
    "SOURCE_MANUAL",
    "Session",
    "Tenant",
    "TrustedDevice",
    "User",
    "Membership",
    "MembershipRole",
    "named_index",
    "dependency_order",
]

#: Every nest-auth model in dependency order (parents before children).
NestAuthModels: tuple[type[peewee.Model], ...] = (
    User,
    Session,
    Identity,
    AccessKey,
    Otp,
    MfaSecret,
    MfaRecoveryCode,
    TrustedDevice,
    Tenant,
    Role,
    Permission,
    RolePermission,
    Membership,
    StaffAccess,
    MembershipRole,
    StaffAccessRole,
    AdminUser,
    LoginThrottle,
    BlockedEmailDomain,
    AuditEvent,
)


def dependency_order(models: Iterable[type[peewee.Model]]) -> list[type[peewee.Model]]:
    """``models`` with every table after the tables it references.

    Ties go by table name, so the order depends on the schema alone, never on
    what the Python classes are called (peewee's own ``sort_models`` sorts by
    class name; a renamed class would reorder generated migrations).
    """
    wanted = set(models)
    seen: set[type[peewee.Model]] = set()
    ordered: list[type[peewee.Model]] = []

    def visit(model: type[peewee.Model]) -> None:
        if model in wanted and model not in seen:
            seen.add(model)
            for foreign_key, parent in model._meta.refs.items():
                if not foreign_key.deferred:
                    visit(parent)
            ordered.append(model)

    for model in sorted(wanted, key=lambda m: m._meta.table_name):
        visit(model)
    return ordered
