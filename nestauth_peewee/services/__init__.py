"""Services: the policy layer (normalise, hash, validate, one transaction, events).

Every service is importable from here (and from the package root)::

    from nestauth_peewee.services import UserService, SessionService
"""

from .access_keys import AccessKeyService, IssuedAccessKey
from .admin_users import AdminSnapshot, AdminUserService
from .audit import AuditService
from .authorization import AuthorizationService
from .blocked_domains import BlockedDomainService, ImportResult
from .bundle import AuthServices
from .cleanup import CleanupCounts, ExpiryCleanup
from .contact_changes import ContactChangeService, PendingChange
from .memberships import MembershipService
from .mfa import MfaService, TotpEnrolment
from .otps import IssuedOtp, OtpService
from .password_reset import PasswordResetService
from .passwordless import PasswordlessService
from .permissions import PermissionService, RegistrationResult
from .roles import RoleService
from .sessions import IssuedSession, SessionService
from .staff_access import StaffAccessService
from .tenants import TenantService
from .throttling import Throttle
from .trusted_devices import IssuedDevice, TrustedDeviceService
from .users import Page, UserService, UserSnapshot

__all__ = [
    "AccessKeyService",
    "AdminSnapshot",
    "AdminUserService",
    "AuditService",
    "AuthServices",
    "AuthorizationService",
    "BlockedDomainService",
    "CleanupCounts",
    "ContactChangeService",
    "ExpiryCleanup",
    "IssuedAccessKey",
    "IssuedDevice",
    "IssuedOtp",
    "ImportResult",
    "IssuedSession",
    "MembershipService",
    "MfaService",
    "OtpService",
    "Page",
    "PasswordResetService",
    "PasswordlessService",
    "PendingChange",
    "PermissionService",
    "RegistrationResult",
    "RoleService",
    "SessionService",
    "StaffAccessService",
    "TenantService",
    "TotpEnrolment",
    "TrustedDeviceService",
    "Throttle",
    "UserService",
    "UserSnapshot",
]
