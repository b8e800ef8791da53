"""Staff (platform) access: global roles that apply in every tenant.

    from nestauth_peewee import init_database, create_tables, User
    from nestauth_peewee.services import PermissionService, RoleService, StaffAccessService

    init_database("sqlite:///:memory:")
    create_tables()
    PermissionService().register(["tenants.manage"])
    support = RoleService().create("support", is_system=True, permissions=["tenants.manage"])
    alice = User.create(email="alice@example.com")
    staff = StaffAccessService()
    staff.grant(alice.id, roles=[support.id])
    assert staff.is_staff(alice.id)
    staff.revoke(alice.id)

One row per user (``STAFF_ACCESS_ALREADY_EXISTS`` from the database). Staff
roles must be global (``INVALID_ROLE_SCOPE``). A deactivated staff access
keeps its roles but grants nothing until it is activated again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from .. import errors, events
from ..config import Settings
from ..models import Role, StaffAccess
from ..replicas import replica_ok
from ..repositories import staff_access as repo
from ..unit_of_work import emit, retry_on_conflict, transaction
from ..validation import ID, IDS, NAMES, SHORT_NAME, checked
from ._common import found
from ._rbac_common import replace_roles, roles_for_scope
from .memberships import resolve_role_names

__all__ = ["StaffAccessService"]


class StaffAccessService:
    """Policy for nest_auth_platform_accesses and their roles; one transaction per call."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = Settings.or_default(settings)

    @checked(user_id=ID, roles=IDS.optional)
    def grant(self, user_id: Any, roles: Iterable[Any] | None = None) -> StaffAccess:
        """Give the user (active) staff access; with ``roles``, replace its roles too."""
        return self._grant(user_id, roles)

    @retry_on_conflict
    def _grant(self, uid: uuid.UUID, roles: Iterable[Any] | None) -> StaffAccess:
        with transaction():
            earlier = repo.get(uid)
            try:
                access = repo.ensure(uid)
            except errors.ReferenceNotFound as exc:
                raise errors.UserNotFound(f"No user with id {uid}.", user_id=str(uid)) from exc
            if earlier is None or not earlier.is_active:
                emit(events.staff_access_changed, self, user_id=uid, change="granted")
            if roles is not None:
                replace_roles(self, repo, access, roles_for_scope(roles, None), tenant_id=None, scope="staff")
        return access

    @replica_ok
    @checked(user_id=ID)
    def get(self, user_id: Any) -> StaffAccess:
        uid = user_id
        return found(repo.get(uid), self._not_found(uid))

    @checked(user_id=ID)
    @retry_on_conflict
    def revoke(self, user_id: Any) -> None:
        """Remove the user's staff access and (by cascade) its roles."""
        uid = user_id
        with transaction():
            if not repo.delete(uid):
                raise self._not_found(uid)
            emit(events.staff_access_changed, self, user_id=uid, change="revoked")

    @checked(user_id=ID)
    def activate(self, user_id: Any) -> StaffAccess:
        return self._set_active(user_id, True)

    @checked(user_id=ID)
    def deactivate(self, user_id: Any) -> StaffAccess:
        """Suspend staff access, keeping its roles for a later :meth:`activate`."""
        return self._set_active(user_id, False)

    @checked(user_id=ID, roles=IDS)
    @retry_on_conflict
    def set_roles(self, user_id: Any, roles: Iterable[Any]) -> list[Role]:
        """Replace the staff roles (ids or Role rows, global only); returns them by name."""
        uid = user_id
        with transaction():
            access = self._locked(uid)
            return replace_roles(self, repo, access, roles_for_scope(roles, None), tenant_id=None, scope="staff")

    @checked(user_id=ID, names=NAMES, guard=SHORT_NAME.optional)
    @retry_on_conflict
    def set_roles_by_name(self, user_id: Any, names: str | Iterable[str], *,
                          guard: str | None = None) -> list[Role]:
        """Like :meth:`set_roles`, with names of global roles of ``guard``."""
        uid = user_id
        guard = self.settings.resolve_guard(guard)
        with transaction():
            access = self._locked(uid)
            return replace_roles(self, repo, access, resolve_role_names(names, guard, None), tenant_id=None,
                                 scope="staff")

    @replica_ok
    @checked(user_id=ID)
    def roles(self, user_id: Any) -> list[Role]:
        return repo.roles(self.get(user_id).id)

    @replica_ok
    @checked(user_id=ID)
    def is_staff(self, user_id: Any) -> bool:
        """True when the user has active staff access."""
        access = repo.get(user_id)
        return access is not None and bool(access.is_active)

    # --- helpers -----------------------------------------------------------------

    @retry_on_conflict
    def _set_active(self, user_id: Any, active: bool) -> StaffAccess:
        uid = user_id
        with transaction():
            access = self._locked(uid)
            if access.is_active != active:
                repo.set_active(access.id, active)
                access.is_active = active
                emit(events.staff_access_changed, self, user_id=uid, change="activated" if active else "deactivated")
        return access

    def _locked(self, uid: uuid.UUID) -> StaffAccess:
        return found(repo.get(uid, lock=True), self._not_found(uid))

    @staticmethod
    def _not_found(uid: uuid.UUID) -> errors.StaffAccessNotFound:
        return errors.StaffAccessNotFound(f"User {uid} has no staff access; grant it first.",
                                          user_id=str(uid))
