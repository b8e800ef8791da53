"""Services: the policy layer (normalise, hash, validate, one transaction, events)."""

from .authorization import AuthorizationService
from .memberships import MembershipService
from .permissions import PermissionService, RegistrationResult
from .roles import RoleService
from .staff import StaffAccessService
from .tenants import TenantService

__all__ = [
    "AuthorizationService",
    "MembershipService",
    "PermissionService",
    "RegistrationResult",
    "RoleService",
    "StaffAccessService",
    "TenantService",
]
