"""nestauth-peewee: the database layer of nest-auth for Python, on peewee.

Five lines from nothing to a working schema::

    from nestauth_peewee import init_database, create_tables
    init_database("sqlite:///nestauth.db")   # or postgresql://..., mysql://...
    create_tables()

Importing this package opens no connection; :func:`init_database` binds
every model to the Database it builds from a URL (or adopts).

What the root offers (``__all__``): binding and creating the schema, the
services and :class:`AuthServices`, the models an app extends or queries,
:class:`Settings`, and the ``errors``, ``events`` and ``audit`` modules. Everything else
(the database proxy, dialect helpers, constants) is imported from its own
module, e.g. ``from nestauth_peewee.db import database``.
"""

from __future__ import annotations

import warnings
from typing import Any

from . import audit, errors, events
from .config import Argon2Params, PasswordPolicy, Settings, ThrottlePolicy
from .db import DEFAULT_DATABASE_URL, database, dialect_of, get_database, init_database
from .models import (
    AccessKey,
    AdminUser,
    AuditEvent,
    AuthModel,
    BlockedEmailDomain,
    Identity,
    LoginThrottle,
    Membership,
    MembershipRole,
    MfaRecoveryCode,
    MfaSecret,
    NestAuthModels,
    Otp,
    Permission,
    Role,
    RolePermission,
    Session,
    StaffAccess,
    StaffAccessRole,
    Tenant,
    TrustedDevice,
    User,
)
from .passwords import PasswordHasher
from .schema import check_schema, create_tables, drop_tables, render_snapshot, sync_schema
from .services import (
    AccessKeyService,
    AdminSnapshot,
    AdminUserService,
    AuditService,
    AuthorizationService,
    AuthServices,
    BlockedDomainService,
    CleanupCounts,
    ContactChangeService,
    ExpiryCleanup,
    ImportResult,
    IssuedAccessKey,
    IssuedDevice,
    IssuedOtp,
    IssuedSession,
    MembershipService,
    MfaService,
    OtpService,
    Page,
    PasswordlessService,
    PasswordResetService,
    PendingChange,
    PermissionService,
    RegistrationResult,
    RoleService,
    SessionService,
    StaffAccessService,
    TenantService,
    TotpEnrolment,
    TrustedDeviceService,
    UserService,
    UserSnapshot,
)
from .services.otps import OTP_TYPES
from .version import __version__

__all__ = [
    "__version__",
    # bind and create
    "DEFAULT_DATABASE_URL",
    "init_database",
    "create_tables",
    "drop_tables",
    "sync_schema",
    "check_schema",
    "render_snapshot",
    # configuration, errors, events
    "Settings",
    "Argon2Params",
    "PasswordPolicy",
    "ThrottlePolicy",
    "PasswordHasher",
    "errors",
    "events",
    "audit",
    # the models an app extends or queries
    "AuthModel",
    "NestAuthModels",
    "User",
    "Session",
    "Identity",
    "AccessKey",
    "Otp",
    "MfaSecret",
    "MfaRecoveryCode",
    "TrustedDevice",
    "Tenant",
    "Role",
    "Permission",
    "RolePermission",
    "Membership",
    "MembershipRole",
    "StaffAccess",
    "StaffAccessRole",
    "AdminUser",
    "LoginThrottle",
    "BlockedEmailDomain",
    "AuditEvent",
    # every service from one Settings, and each service on its own
    "AuthServices",
    "UserService",
    "AdminUserService",
    "SessionService",
    "AccessKeyService",
    "OtpService",
    "PasswordResetService",
    "PasswordlessService",
    "ContactChangeService",
    "MfaService",
    "TrustedDeviceService",
    "TenantService",
    "MembershipService",
    "StaffAccessService",
    "RoleService",
    "PermissionService",
    "AuthorizationService",
    "BlockedDomainService",
    "AuditService",
    "ExpiryCleanup",
    # what the services return
    "AdminSnapshot",
    "CleanupCounts",
    "ImportResult",
    "IssuedAccessKey",
    "IssuedDevice",
    "IssuedOtp",
    "IssuedSession",
    "Page",
    "PendingChange",
    "RegistrationResult",
    "TotpEnrolment",
    "UserSnapshot",
]

# Importable from the root for 0.1 code, but not part of the advertised face:
# the database handle and constants live in their own modules.
_INTERNAL = (database, dialect_of, get_database, OTP_TYPES)

# 0.1 names, kept for one release.
_DEPRECATED = {
    "UserAccess": ("Membership", Membership),
    "UserAccessRole": ("MembershipRole", MembershipRole),
    "PlatformAccess": ("StaffAccess", StaffAccess),
    "PlatformAccessRole": ("StaffAccessRole", StaffAccessRole),
    "PasswordParams": ("Argon2Params", Argon2Params),
}


def __getattr__(name: str) -> Any:
    if name in _DEPRECATED:
        new, value = _DEPRECATED[name]
        warnings.warn(f"nestauth_peewee.{name} is deprecated; use {new} (removed in 0.3)",
                      DeprecationWarning, stacklevel=2)
        return value
    raise AttributeError(f"module 'nestauth_peewee' has no attribute {name!r}")
