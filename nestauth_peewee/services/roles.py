"""Roles: global (system) or per tenant, each granting permissions of its guard.

    from nestauth_peewee import init_database, create_tables
    from nestauth_peewee.services.permissions import PermissionService
    from nestauth_peewee.services.roles import RoleService

    init_database("sqlite:///:memory:")
    create_tables()
    PermissionService().register(["posts.read", "posts.write"])
    roles = RoleService()
    editor = roles.create("editor", permissions=["posts.read", "posts.write"])
    assert roles.permissions_of(editor.id) == ["posts.read", "posts.write"]

Rules: a name is required; the guard must be configured (``INVALID_GUARD``);
system roles have no tenant; one role per (name, guard, scope), global roles
included (``ROLE_ALREADY_EXISTS``, enforced by the database); a tenant role
may not take a global role's name, nor a global role a tenant role's name
(every writer of a name writes its global slot in the scope index, so creates
and renames of one name in two scopes collide on one unique key, on one server
or across Galera nodes, and the loser is retried and refused);
permission names must be registered for the role's guard
(``ROLE_PERMISSION_VALIDATION_FAILED`` lists the missing ones). A role's guard
and tenant are fixed once created. Events ``role_created``
(``permissions=[names]``), ``role_updated`` (``changed=[...]``) and
``role_deleted`` (``snapshot=dict``) are sent after commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from .. import errors, events
from ..models import Permission, Role
from ..replicas import replica_ok
from ..repositories import permissions as permissions_repo
from ..repositories import roles as repo
from ..unit_of_work import emit, retry_on_conflict, transaction
from ..validation import FLAG, ID, NAME, NAMES, SHORT_NAME, UNSET, Unset, checked
from ._common import found, given
from ._rbac_common import RowService, require_tenant

__all__ = ["RoleService"]


def _scope_text(tenant_id: uuid.UUID | None) -> str:
    return "the global scope" if tenant_id is None else f"tenant {tenant_id}"


class RoleService(RowService[Role]):
    """Policy for nest_auth_roles; one transaction per call, events after commit."""

    _repo = repo
    _noun = "role"
    _not_found = errors.RoleNotFound
    _created, _updated, _deleted = events.role_created, events.role_updated, events.role_deleted

    @checked(name=NAME, guard=SHORT_NAME.optional, tenant_id=ID.optional, is_system=FLAG, is_active=FLAG,
             permissions=NAMES.optional)
    def create(self, name: str, *, guard: str | None = None, tenant_id: Any = None,
               is_system: bool = False, is_active: bool = True,
               permissions: Iterable[str] | None = None) -> Role:
        """Create a role (global when ``tenant_id`` is None) granting ``permissions`` (names)."""
        guard = self.settings.resolve_guard(guard)
        names = list(permissions or ())
        if is_system and tenant_id is not None:
            raise errors.InvalidRoleScope(
                f"System role {name!r} cannot belong to a tenant; create it with tenant_id=None."
            )
        return self._create(name, guard, tenant_id, is_system, is_active, names)

    @retry_on_conflict
    def _create(self, name: str, guard: str, tenant_id: Any, is_system: bool, is_active: bool,
                names: list[str]) -> Role:
        with transaction():
            tid = require_tenant(tenant_id) if tenant_id is not None else None
            granted = self._resolve_permissions(names, guard)
            self._claim_name(name, guard, tid)
            try:
                role = repo.insert(name=name, guard=guard, tenant=tid, is_system=is_system,
                                   is_active=is_active)
            except errors.RoleAlreadyExists as exc:
                raise errors.RoleAlreadyExists(
                    f"A role named {name!r} for guard {guard!r} already exists in {_scope_text(tid)}.",
                    name=name, guard=guard, tenant_id=str(tid) if tid else None,
                ) from exc
            self._refuse_tenant_namesakes(name, guard, tid)
            repo.replace_permissions(role.id, [p.id for p in granted])
            emit(events.role_created, role=role, permissions=sorted(p.name for p in granted))
        return role

    @replica_ok
    @checked(role_id=ID)
    def get(self, role_id: Any) -> Role:
        return self._get(role_id)

    @replica_ok
    @checked(name=NAME, guard=SHORT_NAME.optional, tenant_id=ID.optional)
    def get_by_name(self, name: str, *, guard: str | None = None, tenant_id: Any = None) -> Role:
        """The role called ``name`` as a tenant sees it (its own first, then global), or global."""
        guard = self.settings.resolve_guard(guard)
        tid = tenant_id
        return found(repo.find_visible([name], guard, tid).get(name), errors.RoleNotFound,
                     f"No role {name!r} for guard {guard!r} in {_scope_text(tid)}.", name=name, guard=guard)

    @replica_ok
    @checked(tenant_id=ID.optional, guard=SHORT_NAME.optional, system=FLAG.optional)
    def list_roles(self, *, tenant_id: Any = None, guard: str | None = None,
                   system: bool | None = None) -> list[Role]:
        """Global roles (``tenant_id=None``) or one tenant's own roles, ordered by name."""
        if guard is not None:
            guard = self.settings.resolve_guard(guard)
        if tenant_id is None:
            return repo.list_roles(global_only=True, guard=guard, system=system)
        return repo.list_roles(tenant_id=require_tenant(tenant_id), guard=guard, system=system)

    @replica_ok
    @checked(tenant_id=ID, guard=SHORT_NAME.optional)
    def list_for_tenant(self, tenant_id: Any, *, guard: str | None = None) -> list[Role]:
        """The roles a tenant can use: its own plus the system roles, ordered by name."""
        if guard is not None:
            guard = self.settings.resolve_guard(guard)
        return repo.list_for_tenant(require_tenant(tenant_id), guard=guard)

    @replica_ok
    @checked(role_id=ID)
    def permissions_of(self, role_id: Any) -> list[str]:
        """The sorted names of the permissions the role grants."""
        return repo.permission_names(self.get(role_id).id)

    @checked(role_id=ID, name=NAME, is_active=FLAG, permissions=NAMES)
    def update(self, role_id: Any, *, name: str | Unset = UNSET, is_active: bool | Unset = UNSET,
               permissions: Iterable[str] | Unset = UNSET) -> Role:
        """Rename, (de)activate, or replace the permissions (names) of a role."""
        wanted = None if isinstance(permissions, Unset) else list(permissions)
        return self._update(role_id, given(name=name, is_active=is_active), wanted)

    @retry_on_conflict
    def _update(self, rid: uuid.UUID, values: dict[str, Any], permissions: list[str] | None) -> Role:
        with transaction():
            role = repo.get(rid, lock=True)
            if role is None:
                raise errors.RoleNotFound(f"No role with id {rid}.", role_id=str(rid))
            changed = [k for k, v in values.items() if getattr(role, k) != v]
            if "name" in changed:
                self._claim_name(values["name"], role.guard, role.tenant_id)
            if changed:
                try:
                    repo.update(role.id, **{k: values[k] for k in changed})
                except errors.RoleAlreadyExists as exc:
                    raise errors.RoleAlreadyExists(
                        f"A role named {values['name']!r} for guard {role.guard!r} already exists in "
                        f"{_scope_text(role.tenant_id)}.", name=values["name"], guard=role.guard,
                    ) from exc
            if "name" in changed:
                self._refuse_tenant_namesakes(values["name"], role.guard, role.tenant_id)
            if permissions is not None:
                granted = self._resolve_permissions(permissions, role.guard)
                before = repo.permission_names(role.id)
                repo.replace_permissions(role.id, [p.id for p in granted])
                if sorted(p.name for p in granted) != before:
                    changed.append("permissions")
            if changed:
                role = repo.get(role.id)
                emit(events.role_updated, role=role, changed=changed)
        return role  # type: ignore[return-value]

    @checked(role_id=ID)
    @retry_on_conflict
    def delete(self, role_id: Any) -> None:
        """Delete a role; the database removes its permission, membership and staff links."""
        self._delete(role_id)

    # --- helpers -----------------------------------------------------------------

    def _snapshot(self, role: Role) -> dict[str, Any]:
        """What ``role_deleted`` carries: the columns (``tenant`` as ``tenant_id``, not the generated
        ``tenant_key``) and the names of the role's permissions."""
        snapshot = {k: v for k, v in role.__data__.items() if k not in ("tenant", "tenant_key")}
        snapshot["tenant_id"] = role.tenant_id
        snapshot["permissions"] = repo.permission_names(role.id)
        return snapshot

    # The cross-scope name rule, in two halves around the role's own write. Both halves make
    # every writer of a (name, guard) write the global slot of the scope index (see
    # repositories.roles.claim_global_slot), so two writers in different scopes always collide
    # on one unique key - on one server and across Galera nodes alike.

    def _claim_name(self, name: str, guard: str, tenant_id: uuid.UUID | None) -> None:
        """Before a tenant role takes ``name``: take and free the global slot (held: refused)."""
        if tenant_id is None:
            return  # a global role's own insert or rename writes the slot
        try:
            repo.claim_global_slot(name, guard)
        except errors.RoleAlreadyExists as exc:
            raise self._cross_scope(name, guard, "a global role") from exc

    def _refuse_tenant_namesakes(self, name: str, guard: str, tenant_id: uuid.UUID | None) -> None:
        """After a global role took ``name`` (the slot is now ours): no tenant role may have it."""
        if tenant_id is None and repo.name_used_across_scopes(name, guard, None):
            raise self._cross_scope(name, guard, "a tenant role")

    @staticmethod
    def _cross_scope(name: str, guard: str, holder: str) -> errors.RoleAlreadyExists:
        return errors.RoleAlreadyExists(
            f"Cannot use this role name: {holder} already uses the name {name!r} for guard {guard!r}; "
            "choose another name.", name=name, guard=guard)

    def _resolve_permissions(self, names: list[str], guard: str) -> list[Permission]:
        if not names:
            return []
        found = permissions_repo.find_by_names(names, guard)
        missing = [n for n in names if n not in found]
        if missing:
            elsewhere = permissions_repo.guards_of(missing)
            parts = [f"{n} (registered for guard {', '.join(elsewhere[n])})" if n in elsewhere else n
                     for n in missing]
            raise errors.RolePermissionValidationFailed(
                f"Permissions not registered for guard {guard!r}: {', '.join(parts)}. "
                "Register them first (PermissionService.register) or fix the names.",
                missing=missing, guard=guard, other_guards=elsewhere,
            )
        return [found[n] for n in names]
