"""Memberships (user_accesses): a user in a tenant, or the user's global membership.

    from nestauth_peewee import init_database, create_tables, User
    from nestauth_peewee.services import MembershipService, RoleService, TenantService

    init_database("sqlite:///:memory:")
    create_tables()
    acme = TenantService().create("Acme", slug="acme")
    bob = User.create(email="bob@example.com")
    members = MembershipService()
    members.ensure(bob.id, acme.id)
    member = RoleService().create("member", tenant_id=acme.id)
    members.set_roles(bob.id, acme.id, [member.id])
    assert members.is_member(bob.id, acme.id)
    assert [t.slug for t in members.tenants_of(bob.id)] == ["acme"]

``tenant_id=None`` everywhere means the user's global (no-tenant) membership.
A membership's roles must be global or belong to its tenant
(``INVALID_ROLE_SCOPE``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from .. import errors
from ..config import Settings
from ..models import MEMBERSHIP_INACTIVE, Membership, Role, Tenant
from ..replicas import replica_ok
from ..repositories import memberships as repo
from ..repositories import roles as roles_repo
from ..unit_of_work import retry_on_conflict, transaction
from ..validation import FLAG, ID, IDS, NAMES, SHORT_NAME, checked
from ._common import found
from ._rbac_common import replace_roles, require_tenant, roles_for_scope

__all__ = ["MembershipService", "resolve_role_names"]


def _where(tenant_id: uuid.UUID | None) -> str:
    return "the global scope" if tenant_id is None else f"tenant {tenant_id}"


def resolve_role_names(names: str | Iterable[str], guard: str, tenant_id: uuid.UUID | None) -> list[uuid.UUID]:
    """Role ids for names as seen from a tenant (its own, then global); RoleNotFound lists the rest."""
    wanted = NAMES("role names", names)
    found = roles_repo.find_visible(wanted, guard, tenant_id)
    missing = [n for n in wanted if n not in found]
    if missing:
        raise errors.RoleNotFound(
            f"No role named {', '.join(repr(n) for n in missing)} for guard {guard!r} in {_where(tenant_id)}.",
            missing=missing, guard=guard,
        )
    return [found[n].id for n in wanted]


class MembershipService:
    """Policy for nest_auth_user_accesses and their roles; one transaction per call."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = Settings.or_default(settings)

    @checked(user_id=ID, tenant_id=ID.optional)
    def ensure(self, user_id: Any, tenant_id: Any = None) -> Membership:
        """The user's membership of the tenant (or the global one), created or reactivated."""
        return self._ensure(user_id, tenant_id)

    @retry_on_conflict
    def _ensure(self, uid: uuid.UUID, tid: uuid.UUID | None) -> Membership:
        with transaction():
            if tid is not None:
                require_tenant(tid)
            try:
                return repo.ensure(uid, tid)
            except errors.ReferenceNotFound as exc:
                raise errors.UserNotFound(f"No user with id {uid}.", user_id=str(uid)) from exc

    @replica_ok
    @checked(user_id=ID, tenant_id=ID.optional)
    def get(self, user_id: Any, tenant_id: Any = None) -> Membership:
        """The membership (active or not), or ``MEMBERSHIP_NOT_FOUND``."""
        uid, tid = self._ids(user_id, tenant_id)
        return found(repo.get(uid, tid), self._not_found(uid, tid))

    @checked(user_id=ID, tenant_id=ID.optional)
    @retry_on_conflict
    def deactivate(self, user_id: Any, tenant_id: Any = None) -> Membership:
        """Mark the membership inactive: its roles then grant nothing (``ensure`` reactivates it)."""
        uid, tid = self._ids(user_id, tenant_id)
        with transaction():
            access = self._locked(uid, tid)
            if access.status != MEMBERSHIP_INACTIVE:
                repo.set_status(access.id, MEMBERSHIP_INACTIVE)
                access.status = MEMBERSHIP_INACTIVE
        return access

    @checked(user_id=ID, tenant_id=ID.optional)
    @retry_on_conflict
    def delete(self, user_id: Any, tenant_id: Any = None) -> None:
        """Delete the membership and (by cascade) its role links."""
        uid, tid = self._ids(user_id, tenant_id)
        with transaction():
            if not repo.delete(uid, tid):
                raise self._not_found(uid, tid)

    @checked(user_id=ID, tenant_id=ID.optional, roles=IDS)
    @retry_on_conflict
    def set_roles(self, user_id: Any, tenant_id: Any, roles: Iterable[Any]) -> list[Role]:
        """Replace the membership's roles with ``roles`` (ids or Role rows); returns them by name."""
        uid, tid = self._ids(user_id, tenant_id)
        with transaction():
            access = self._locked(uid, tid)
            return replace_roles(self, repo, access, roles_for_scope(roles, tid), tenant_id=tid, scope="membership")

    @checked(user_id=ID, tenant_id=ID.optional, names=NAMES, guard=SHORT_NAME.optional)
    @retry_on_conflict
    def set_roles_by_name(self, user_id: Any, tenant_id: Any, names: str | Iterable[str], *,
                          guard: str | None = None) -> list[Role]:
        """Like :meth:`set_roles`, with role names of ``guard`` (the tenant's own, then global)."""
        uid, tid = self._ids(user_id, tenant_id)
        guard = self.settings.resolve_guard(guard)
        with transaction():
            access = self._locked(uid, tid)
            return replace_roles(self, repo, access, resolve_role_names(names, guard, tid), tenant_id=tid,
                                 scope="membership")

    @replica_ok
    @checked(user_id=ID, tenant_id=ID.optional)
    def roles(self, user_id: Any, tenant_id: Any = None) -> list[Role]:
        """The roles linked to the membership (active or not), by name."""
        return repo.roles(self.get(user_id, tenant_id).id)

    @replica_ok
    @checked(user_id=ID, include_inactive=FLAG)
    def tenants_of(self, user_id: Any, *, include_inactive: bool = False) -> list[Tenant]:
        """The user's tenants, by name: active memberships of active tenants unless ``include_inactive``."""
        return repo.tenants_of(user_id, include_inactive=include_inactive)

    @replica_ok
    @checked(user_id=ID, tenant_id=ID.optional)
    def is_member(self, user_id: Any, tenant_id: Any = None) -> bool:
        """True for an active membership (of an active tenant, when a tenant is named)."""
        return repo.is_member(user_id, tenant_id)

    # --- helpers -----------------------------------------------------------------

    @staticmethod
    def _ids(user_id: uuid.UUID, tenant_id: uuid.UUID | None) -> tuple[uuid.UUID, uuid.UUID | None]:
        return user_id, tenant_id

    def _locked(self, uid: uuid.UUID, tid: uuid.UUID | None) -> Membership:
        return found(repo.get(uid, tid, lock=True), self._not_found(uid, tid))

    @staticmethod
    def _not_found(uid: uuid.UUID, tid: uuid.UUID | None) -> errors.MembershipNotFound:
        return errors.MembershipNotFound(
            f"User {uid} has no membership in {_where(tid)}; create it with ensure() first.",
            user_id=str(uid), tenant_id=str(tid) if tid else None,
        )
