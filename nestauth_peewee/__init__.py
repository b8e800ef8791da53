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
from .db import DEFAULT_DATABASE_URL, database, dialect_of, get_database, init_database
from .models import (
    AccessKey,
    AdminUser,
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
from .schema import create_tables, drop_tables, sync_schema
from .services.access_keys import AccessKeyService, IssuedAccessKey
from .services.mfa import MfaService, TotpEnrolment
from .services.otps import OTP_TYPES, IssuedOtp, OtpService
from .services.sessions import IssuedSession, SessionService
from .services.trusted_devices import IssuedDevice, TrustedDeviceService

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_DATABASE_URL",
    "AccessKey",
    "AdminUser",
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
    "create_tables",
    "database",
    "dialect_of",
    "drop_tables",
    "errors",
    "get_database",
    "init_database",
    "sync_schema",
    # sessions, API keys, OTPs, MFA, trusted devices
    "AccessKeyService",
    "IssuedAccessKey",
    "IssuedDevice",
    "IssuedOtp",
    "IssuedSession",
    "MfaService",
    "OTP_TYPES",
    "OtpService",
    "SessionService",
    "TotpEnrolment",
    "TrustedDeviceService",
]
