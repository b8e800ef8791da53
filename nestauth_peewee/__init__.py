"""nestauth-peewee: the database layer of nest-auth for Python, on peewee.

Five lines from nothing to a working schema::

    from nestauth_peewee import init_database, create_tables
    init_database("sqlite:///nestauth.db")   # or postgresql://..., mysql://...
    create_tables()

Importing this package opens no connection; :func:`init_database` binds
every model to the Database it builds from a URL (or adopts).
"""

from __future__ import annotations

from . import errors
from ._version import __version__
from .config import PasswordParams, PasswordPolicy, Settings
from .db import DEFAULT_DATABASE_URL, database, dialect_of, get_database, init_database
from .models import (
    AccessKey,
    AdminUser,
    AuthModel,
    Identity,
    MfaSecret,
    NestAuthModels,
    Otp,
    Permission,
    PlatformAccess,
    PlatformAccessRole,
    Role,
    RolePermission,
    Session,
    Tenant,
    TrustedDevice,
    User,
    UserAccess,
    UserAccessRole,
)
from .passwords import PasswordHasher
from .schema import check_schema, create_tables, drop_tables, render_snapshot, sync_schema
from .services import (
    AuthorizationService,
    MembershipService,
    PermissionService,
    RegistrationResult,
    RoleService,
    StaffAccessService,
    TenantService,
)
from .services.access_keys import AccessKeyService, IssuedAccessKey
from .services.admin_users import AdminSnapshot, AdminUserService
from .services.bundle import AuthServices
from .services.cleanup import CleanupCounts, ExpiryCleanup
from .services.mfa import MfaService, TotpEnrolment
from .services.otps import OTP_TYPES, IssuedOtp, OtpService
from .services.password_reset import PasswordResetService
from .services.sessions import IssuedSession, SessionService
from .services.trusted_devices import IssuedDevice, TrustedDeviceService
from .services.users import Page, UserService, UserSnapshot

__all__ = [
    "DEFAULT_DATABASE_URL",
    "AccessKey",
    "AdminUser",
    "AuthModel",
    "Identity",
    "MfaSecret",
    "NestAuthModels",
    "Otp",
    "Permission",
    "PlatformAccess",
    "PlatformAccessRole",
    "Role",
    "RolePermission",
    "Session",
    "Tenant",
    "TrustedDevice",
    "User",
    "UserAccess",
    "UserAccessRole",
    "__version__",
    "check_schema",
    "create_tables",
    "database",
    "dialect_of",
    "drop_tables",
    "errors",
    "get_database",
    "init_database",
    "render_snapshot",
    "sync_schema",
    # users and admin users
    "AdminSnapshot",
    "AdminUserService",
    "Page",
    "PasswordHasher",
    "PasswordParams",
    "PasswordPolicy",
    "Settings",
    "UserService",
    "UserSnapshot",
    # tenancy and RBAC services
    "AuthorizationService",
    "MembershipService",
    "PermissionService",
    "RegistrationResult",
    "RoleService",
    "StaffAccessService",
    "TenantService",
    # sessions, API keys, OTPs, MFA, trusted devices
    "AccessKeyService",
    "IssuedAccessKey",
    "IssuedDevice",
    "IssuedOtp",
    "IssuedSession",
    "MfaService",
    "OTP_TYPES",
    "OtpService",
    "PasswordResetService",
    "SessionService",
    "TotpEnrolment",
    "TrustedDeviceService",
    # every service from one Settings (the Flask extension and Bottle plugin use it)
    "AuthServices",
    "ExpiryCleanup",
    "CleanupCounts",
]
