"""Every service, built once from one :class:`~nestauth_peewee.config.Settings`.

    from nestauth_peewee import AuthServices
    from nestauth_peewee.config import Settings

    auth = AuthServices(Settings.from_env())
    user = auth.users.register(email="bob@example.com", password="correct horse battery staple")
    issued = auth.sessions.create(user.id)
    auth.authorization.has_permission(user.id, "reports.read")

The services are thread-safe and hold no connection, so one bundle serves a
whole app; the Flask extension and the Bottle plugin each build one. The
services that need the app's secret key (sessions, API keys, OTPs, password
resets, passwordless login, MFA, trusted devices, contact changes) are built at once when a key is configured, so a
short key fails at start-up; without a key the other services work and those
raise :class:`~nestauth_peewee.errors.ConfigurationError` when first used.
"""

from __future__ import annotations

from functools import cached_property

from ..config import Settings
from .access_keys import AccessKeyService
from .admin_users import AdminUserService
from .audit import AuditService
from .authorization import AuthorizationService
from .blocked_domains import BlockedDomainService
from .contact_changes import ContactChangeService
from .memberships import MembershipService
from .mfa import MfaService
from .otps import OtpService
from .password_reset import PasswordResetService
from .passwordless import PasswordlessService
from .permissions import PermissionService
from .roles import RoleService
from .sessions import SessionService
from .staff_access import StaffAccessService
from .tenants import TenantService
from .trusted_devices import TrustedDeviceService
from .users import UserService

__all__ = ["AuthServices", "SERVICE_NAMES"]

#: The attribute names of the services in a bundle.
SERVICE_NAMES = ("users", "admins", "tenants", "memberships", "staff", "roles", "permissions", "authorization",
                 "blocked_domains", "audit", "sessions", "access_keys", "otps", "password_resets", "passwordless",
                 "mfa", "trusted_devices", "contact_changes")
_KEYED = ("sessions", "access_keys", "otps", "password_resets", "passwordless", "mfa", "trusted_devices",
          "contact_changes")


class AuthServices:
    """The nest-auth services sharing one Settings (``settings=None``: :meth:`Settings.from_env`)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = Settings.or_default(settings)
        s = self.settings
        self.users = UserService(s)
        self.admins = AdminUserService(s)
        self.tenants = TenantService(s)
        self.memberships = MembershipService(s)
        self.staff = StaffAccessService(s)
        self.roles = RoleService(s)
        self.permissions = PermissionService(s)
        self.authorization = AuthorizationService(s)
        self.blocked_domains = BlockedDomainService(s)
        self.audit = AuditService(s)
        if s.secret_key:
            for name in _KEYED:  # a short key fails here, at start-up
                getattr(self, name)

    @cached_property
    def sessions(self) -> SessionService:
        return SessionService(self.settings)

    @cached_property
    def access_keys(self) -> AccessKeyService:
        return AccessKeyService(self.settings)

    @cached_property
    def otps(self) -> OtpService:
        return OtpService(self.settings)

    @cached_property
    def password_resets(self) -> PasswordResetService:
        return PasswordResetService(self.settings, users=self.users, otps=self.otps)

    @cached_property
    def passwordless(self) -> PasswordlessService:
        return PasswordlessService(self.settings, users=self.users, otps=self.otps, sessions=self.sessions)

    @cached_property
    def contact_changes(self) -> ContactChangeService:
        return ContactChangeService(self.settings, users=self.users, otps=self.otps)

    @cached_property
    def mfa(self) -> MfaService:
        return MfaService(self.settings)

    @cached_property
    def trusted_devices(self) -> TrustedDeviceService:
        return TrustedDeviceService(self.settings)
