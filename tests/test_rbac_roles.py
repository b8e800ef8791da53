"""Roles: naming, guard and scope rules, permission validation, uniqueness, cascades."""

from __future__ import annotations

import uuid

import pytest
from support import RBAC_SETTINGS, run_together

from nestauth_peewee import errors
from nestauth_peewee.models import MembershipRole, Permission, Role, RolePermission, StaffAccessRole, User
from nestauth_peewee.services import (
    MembershipService,
    PermissionService,
    RoleService,
    StaffAccessService,
    TenantService,
)


@pytest.fixture
def roles(db) -> RoleService:
    PermissionService(RBAC_SETTINGS).register(["posts.read", "posts.write", "posts.delete"])
    PermissionService(RBAC_SETTINGS).register(["api.read"], guard="api")
    return RoleService(RBAC_SETTINGS)


@pytest.fixture
def acme(db):
    return TenantService(RBAC_SETTINGS).create("Acme", "acme")


@pytest.fixture
def other(db):
    return TenantService(RBAC_SETTINGS).create("Other", "other")


def test_a_role_is_created_with_its_permissions(roles, acme, event_log):
    editor = roles.create("  editor ", tenant_id=acme.id, permissions=["posts.write", "posts.read", "posts.read"])
    assert (editor.name, editor.guard, editor.tenant_id, editor.is_system) == ("editor", "web", acme.id, False)
    assert roles.permissions_of(editor.id) == ["posts.read", "posts.write"]
    assert roles.get(editor.id).name == "editor"
    assert event_log.of("role-created")[0]["permissions"] == ["posts.read", "posts.write"]


def test_a_role_name_is_required_and_the_guard_must_be_configured(roles):
    with pytest.raises(errors.RequiredValueMissing):
        roles.create(" ")
    with pytest.raises(errors.InvalidGuard) as info:
        roles.create("editor", guard="mobile")
    assert "'mobile'" in str(info.value)
    assert Role.select().count() == 0


def test_a_system_role_cannot_belong_to_a_tenant(roles, acme):
    with pytest.raises(errors.InvalidRoleScope):
        roles.create("owner", tenant_id=acme.id, is_system=True)
    owner = roles.create("owner", is_system=True)
    assert owner.tenant_id is None and owner.is_system


def test_an_unknown_tenant_is_tenant_not_found(roles):
    missing = uuid.uuid4()
    with pytest.raises(errors.TenantNotFound) as info:
        roles.create("editor", tenant_id=missing)
    assert str(missing) in str(info.value)


def test_unknown_permission_names_are_listed_and_nothing_is_written(roles):
    with pytest.raises(errors.RolePermissionValidationFailed) as info:
        roles.create("editor", permissions=["posts.read", "posts.publish", "api.read", "ghost"])
    exc = info.value
    assert exc.code == "ROLE_PERMISSION_VALIDATION_FAILED"
    assert exc.missing == ["posts.publish", "api.read", "ghost"]
    assert "posts.publish" in str(exc) and "ghost" in str(exc)
    assert "api.read (registered for guard api)" in str(exc)
    assert Role.select().count() == 0
    # The api guard's role sees the api registry.
    api_role = roles.create("reader", guard="api", permissions=["api.read"])
    assert roles.permissions_of(api_role.id) == ["api.read"]


def test_one_role_per_name_guard_and_scope_global_included(roles, acme, other):
    roles.create("admin")
    with pytest.raises(errors.RoleAlreadyExists) as info:
        roles.create("admin")
    assert info.value.code == "ROLE_ALREADY_EXISTS"
    assert "'admin'" in str(info.value)
    roles.create("admin", guard="api")  # another guard is another role
    roles.create("editor", tenant_id=acme.id)
    roles.create("editor", tenant_id=other.id)  # another tenant is another scope
    with pytest.raises(errors.RoleAlreadyExists):
        roles.create("editor", tenant_id=acme.id)
    assert Role.select().count() == 4


def test_the_database_itself_refuses_a_second_global_role(roles):
    Role.create(name="admin", guard="web")
    with pytest.raises(errors.RoleAlreadyExists):
        Role.create(name="admin", guard="web")


def test_a_tenant_role_cannot_take_a_global_roles_name_nor_the_reverse(roles, acme):
    roles.create("admin", is_system=True)
    with pytest.raises(errors.RoleAlreadyExists) as info:
        roles.create("admin", tenant_id=acme.id)
    assert "global role" in str(info.value)
    roles.create("editor", tenant_id=acme.id)
    with pytest.raises(errors.RoleAlreadyExists) as info:
        roles.create("editor")
    assert "tenant role" in str(info.value)
    roles.create("admin", tenant_id=acme.id, guard="api")  # other guard: no clash


def test_update_renames_deactivates_and_replaces_permissions(roles, acme, event_log):
    editor = roles.create("editor", tenant_id=acme.id, permissions=["posts.read"])
    roles.create("viewer", tenant_id=acme.id)
    event_log.clear()
    updated = roles.update(editor.id, name="author", is_active=False, permissions=["posts.write", "posts.delete"])
    assert (updated.name, updated.is_active) == ("author", False)
    assert roles.permissions_of(editor.id) == ["posts.delete", "posts.write"]
    assert event_log.of("role-updated")[0]["changed"] == ["name", "is_active", "permissions"]
    with pytest.raises(errors.RoleAlreadyExists):
        roles.update(editor.id, name="viewer")
    with pytest.raises(errors.RolePermissionValidationFailed):
        roles.update(editor.id, permissions=["nope"])
    assert roles.permissions_of(editor.id) == ["posts.delete", "posts.write"]
    event_log.clear()
    roles.update(editor.id, name="author", permissions=["posts.write", "posts.delete"])
    assert event_log == []  # nothing changed, nothing sent
    roles.update(editor.id, permissions=[])
    assert roles.permissions_of(editor.id) == []


def test_unknown_role_ids_are_role_not_found(roles):
    missing = uuid.uuid4()
    for call in (roles.get, roles.delete, roles.permissions_of, lambda rid: roles.update(rid, name="x")):
        with pytest.raises(errors.RoleNotFound) as info:
            call(missing)
        assert str(missing) in str(info.value)
    with pytest.raises(errors.RoleNotFound) as info:
        roles.get_by_name("ghost")
    assert "'ghost'" in str(info.value)


def test_get_by_name_prefers_the_tenants_own_role_then_global(roles, acme):
    admin = roles.create("admin", is_system=True)
    editor = roles.create("editor", tenant_id=acme.id)
    assert roles.get_by_name("admin", tenant_id=acme.id).id == admin.id
    assert roles.get_by_name("editor", tenant_id=acme.id).id == editor.id
    with pytest.raises(errors.RoleNotFound):
        roles.get_by_name("editor")


def test_a_tenant_lists_its_own_roles_plus_the_system_ones(roles, acme, other):
    roles.create("owner", is_system=True)
    roles.create("helper")  # global but not a system role
    roles.create("editor", tenant_id=acme.id)
    roles.create("reader", tenant_id=acme.id, guard="api")
    roles.create("stranger", tenant_id=other.id)
    assert [r.name for r in roles.list_for_tenant(acme.id)] == ["editor", "owner", "reader"]
    assert [r.name for r in roles.list_for_tenant(acme.id, guard="web")] == ["editor", "owner"]
    assert [r.name for r in roles.list_roles()] == ["helper", "owner"]
    assert [r.name for r in roles.list_roles(system=True)] == ["owner"]
    assert [r.name for r in roles.list_roles(tenant_id=other.id)] == ["stranger"]
    with pytest.raises(errors.TenantNotFound):
        roles.list_for_tenant(uuid.uuid4())


def test_deleting_a_role_removes_its_links_and_keeps_the_permissions(roles, acme, event_log):
    editor = roles.create("editor", tenant_id=acme.id, permissions=["posts.read", "posts.write"])
    support = roles.create("support", is_system=True, permissions=["posts.read"])
    bob = User.create(email="bob@example.com")
    MembershipService(RBAC_SETTINGS).ensure(bob.id, acme.id)
    MembershipService(RBAC_SETTINGS).set_roles(bob.id, acme.id, [editor.id, support.id])
    StaffAccessService(RBAC_SETTINGS).grant(bob.id, roles=[support.id])

    roles.delete(support.id)
    assert RolePermission.select().where(RolePermission.role == support.id).count() == 0
    assert MembershipRole.select().where(MembershipRole.role == support.id).count() == 0
    assert StaffAccessRole.select().count() == 0
    assert [r.id for r in MembershipService(RBAC_SETTINGS).roles(bob.id, acme.id)] == [editor.id]
    assert Permission.select().count() == 4
    assert RolePermission.select().count() == 2
    snapshot = event_log.of("role-deleted")[0]["snapshot"]
    assert (snapshot["name"], snapshot["tenant_id"], snapshot["permissions"]) == ("support", None, ["posts.read"])


@pytest.mark.parametrize("scope", ["global", "tenant"])
def test_concurrent_creation_of_one_role_lets_exactly_one_win(db, dialect, roles, acme, scope):
    tenant_id = acme.id if scope == "tenant" else None
    results = run_together(db, 10, lambda i: RoleService(RBAC_SETTINGS).create(
        "moderator", tenant_id=tenant_id, permissions=["posts.read"]))
    winners = [r for r in results if isinstance(r, Role)]
    losers = [r for r in results if not isinstance(r, Role)]
    assert len(winners) == 1
    assert all(isinstance(r, errors.RoleAlreadyExists) for r in losers), losers
    assert all(r.code == "ROLE_ALREADY_EXISTS" for r in losers)
    assert Role.select().where(Role.name == "moderator").count() == 1
    assert roles.permissions_of(winners[0].id) == ["posts.read"]
