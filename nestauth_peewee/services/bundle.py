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

from collections.abc import Callable
from typing import Generic, TypeVar, overload

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

S = TypeVar("S")


class _Keyed(Generic[S]):
    """A bundle attribute holding a service that needs the secret key, built on first use.

    The service gets the bundle's settings and, as keywords, the bundle's
    services named in ``uses``; it is then kept on the bundle, as
    :func:`functools.cached_property` keeps a value. Without a secret key
    nothing is kept: each read raises the service's ``ConfigurationError`` again.
    """

    def __init__(self, service: Callable[..., S], *uses: str) -> None:
        self.service, self.uses = service, uses

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, bundle: None, owner: type | None = None) -> _Keyed[S]: ...

    @overload
    def __get__(self, bundle: AuthServices, owner: type | None = None) -> S: ...

    def __get__(self, bundle: AuthServices | None, owner: type | None = None) -> _Keyed[S] | S:
        if bundle is None:
            return self
        built: S = self.service(bundle.settings, **{name: getattr(bundle, name) for name in self.uses})
        bundle.__dict__[self.name] = built  # read from the instance from now on
        return built


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
        if s.secret_key:  # a short key fails here, at start-up
            for name, attribute in vars(AuthServices).items():
                if isinstance(attribute, _Keyed):
                    getattr(self, name)

    sessions = _Keyed(SessionService)
    access_keys = _Keyed(AccessKeyService)
    otps = _Keyed(OtpService)
    password_resets = _Keyed(PasswordResetService, "users", "otps")
    passwordless = _Keyed(PasswordlessService, "users", "otps", "sessions")
    mfa = _Keyed(MfaService)
    trusted_devices = _Keyed(TrustedDeviceService)
    contact_changes = _Keyed(ContactChangeService, "users", "otps")
