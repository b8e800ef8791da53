"""Permission checks: what a user may do in a tenant, globally, or as staff.

    from nestauth_peewee import init_database, create_tables, User
    from nestauth_peewee.services import (
        AuthorizationService, MembershipService, PermissionService, RoleService, TenantService)

    init_database("sqlite:///:memory:")
    create_tables()
    PermissionService().register(["posts.read", "posts.write"])
    acme = TenantService().create("Acme", slug="acme")
    editor = RoleService().create("editor", tenant_id=acme.id, permissions=["posts.read", "posts.write"])
    bob = User.create(email="bob@example.com")
    MembershipService().ensure(bob.id, acme.id)
    MembershipService().set_roles(bob.id, acme.id, [editor.id])

    auth = AuthorizationService()
    assert auth.effective_permissions(bob.id, acme.id) == ["posts.read", "posts.write"]
    assert auth.has_permission(bob.id, "posts.write", acme.id)
    assert not auth.has_permission(bob.id, "posts.write")          # not globally
    assert auth.has_role(bob.id, "editor", acme.id)

Each call runs exactly one SQL statement (built once per dialect, see
:mod:`nestauth_peewee.repositories.authorization`). What counts:

* the **active** roles of the guard on the user's **active** membership of the
  tenant (an inactive tenant grants nothing), restricted to that tenant's roles
  and global roles; ``tenant_id=None`` means the user's global membership;
* plus (``include_staff=True``, the default) the active global roles on the
  user's **active** staff access, in every tenant.

Roles on a user's global membership do not apply inside tenants; only staff
access crosses tenants. An unknown user or tenant simply holds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from ..config import Settings
from ..replicas import replica_ok
from ..repositories import authorization as repo
from ..validation import FLAG, ID, NAMES, SHORT_NAME, checked, choice

__all__ = ["AuthorizationService"]

Require = Literal["all", "any"]


#: ``require=``: every name ("all") or at least one ("any").
REQUIRE = choice("all", "any")


def _decide(held: list[str], wanted: list[str], require: Require) -> bool:
    have = set(held)
    if require == "all":
        return all(name in have for name in wanted)
    return any(name in have for name in wanted)


class AuthorizationService:
    """Read-only permission and role checks (no transaction, one query per call)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = Settings.or_default(settings)

    @replica_ok
    @checked(user_id=ID, tenant_id=ID.optional, guard=SHORT_NAME.optional, include_staff=FLAG)
    def effective_permissions(self, user_id: Any, tenant_id: Any = None, *, guard: str | None = None,
                              include_staff: bool = True) -> list[str]:
        """Distinct, sorted permission names the user holds in the tenant (or globally)."""
        return repo.permission_names(user_id, tenant_id, self.settings.resolve_guard(guard),
                                     include_staff=include_staff)

    @replica_ok
    @checked(user_id=ID, guard=SHORT_NAME.optional)
    def staff_permissions(self, user_id: Any, *, guard: str | None = None) -> list[str]:
        """Distinct, sorted permission names granted through staff access only."""
        return repo.permission_names(user_id, None, self.settings.resolve_guard(guard), staff_only=True)

    @replica_ok
    @checked(user_id=ID, permissions=NAMES, tenant_id=ID.optional, require=REQUIRE,
             guard=SHORT_NAME.optional, include_staff=FLAG)
    def has_permission(self, user_id: Any, permissions: str | Iterable[str], tenant_id: Any = None, *,
                       require: Require = "all", guard: str | None = None,
                       include_staff: bool = True) -> bool:
        """Whether the user holds all (``require="all"``) or any of ``permissions``.

        As with :func:`all` / :func:`any`, an empty list is true for ``"all"``
        and false for ``"any"``.
        """
        held = self.effective_permissions(user_id, tenant_id, guard=guard, include_staff=include_staff)
        return _decide(held, list(permissions), require)

    @replica_ok
    @checked(user_id=ID, tenant_id=ID.optional, guard=SHORT_NAME.optional, include_staff=FLAG)
    def role_names(self, user_id: Any, tenant_id: Any = None, *, guard: str | None = None,
                   include_staff: bool = True) -> list[str]:
        """Distinct, sorted names of the active roles the user holds in the tenant (or globally)."""
        return repo.role_names(user_id, tenant_id, self.settings.resolve_guard(guard), include_staff=include_staff)

    @replica_ok
    @checked(user_id=ID, roles=NAMES, tenant_id=ID.optional, require=REQUIRE, guard=SHORT_NAME.optional,
             include_staff=FLAG)
    def has_role(self, user_id: Any, roles: str | Iterable[str], tenant_id: Any = None, *,
                 require: Require = "all", guard: str | None = None, include_staff: bool = True) -> bool:
        """Whether the user holds all (or any) of the named active roles."""
        held = self.role_names(user_id, tenant_id, guard=guard, include_staff=include_staff)
        return _decide(held, list(roles), require)
