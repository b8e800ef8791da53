"""Effective permissions: which roles count, in which scope, in exactly one query."""

from __future__ import annotations

import uuid

import pytest
from support import RBAC_SETTINGS

from nestauth_peewee import (
    AuthorizationService,
    MembershipRole,
    MembershipService,
    PermissionService,
    RoleService,
    StaffAccessService,
    TenantService,
    User,
    errors,
)


@pytest.fixture
def world(db):
    """Bob: editor in Acme, viewer in Other, 'member' on his global membership.

    Alice: staff with the global 'support' role, no memberships.
    """
    PermissionService(RBAC_SETTINGS).register(
        ["posts.read", "posts.write", "posts.delete", "billing.read", "tenants.manage", "profile.edit"])
    PermissionService(RBAC_SETTINGS).register(["api.read", "posts.read"], guard="api")
    tenants, roles = TenantService(RBAC_SETTINGS), RoleService(RBAC_SETTINGS)
    members, staff = MembershipService(RBAC_SETTINGS), StaffAccessService(RBAC_SETTINGS)
    w = type("World", (), {})()
    w.acme, w.other = tenants.create("Acme", "acme"), tenants.create("Other", "other")
    w.bob = User.create(email="bob@example.com")
    w.alice = User.create(email="alice@example.com")
    w.editor = roles.create("editor", tenant_id=w.acme.id, permissions=["posts.read", "posts.write"])
    w.billing = roles.create("billing", tenant_id=w.acme.id, permissions=["billing.read", "posts.read"])
    w.viewer = roles.create("viewer", tenant_id=w.other.id, permissions=["posts.read"])
    w.member = roles.create("member", permissions=["profile.edit"])
    w.support = roles.create("support", is_system=True, permissions=["tenants.manage", "posts.delete"])
    w.api_reader = roles.create("api-reader", tenant_id=w.acme.id, guard="api",
                                permissions=["api.read", "posts.read"])
    members.ensure(w.bob.id, w.acme.id)
    members.ensure(w.bob.id, w.other.id)
    members.ensure(w.bob.id)
    members.set_roles(w.bob.id, w.acme.id, [w.editor.id, w.billing.id, w.api_reader.id])
    members.set_roles(w.bob.id, w.other.id, [w.viewer.id])
    members.set_roles(w.bob.id, None, [w.member.id])
    staff.grant(w.alice.id, roles=[w.support.id])
    w.auth = AuthorizationService(RBAC_SETTINGS)
    return w


def test_each_tenant_sees_only_its_own_permissions(world):
    auth, bob = world.auth, world.bob.id
    assert auth.effective_permissions(bob, world.acme.id) == ["billing.read", "posts.read", "posts.write"]
    assert auth.effective_permissions(bob, world.other.id) == ["posts.read"]
    assert auth.effective_permissions(bob) == ["profile.edit"]  # global membership only
    assert auth.effective_permissions(bob, world.acme.id, guard="api") == ["api.read", "posts.read"]
    assert auth.effective_permissions(bob, world.other.id, guard="api") == []
    assert auth.role_names(bob, world.acme.id) == ["billing", "editor"]
    assert auth.role_names(bob, world.acme.id, guard="api") == ["api-reader"]


def test_an_inactive_role_contributes_nothing(world):
    RoleService(RBAC_SETTINGS).update(world.editor.id, is_active=False)
    assert world.auth.effective_permissions(world.bob.id, world.acme.id) == ["billing.read", "posts.read"]
    assert world.auth.role_names(world.bob.id, world.acme.id) == ["billing"]
    RoleService(RBAC_SETTINGS).update(world.support.id, is_active=False)
    assert world.auth.effective_permissions(world.alice.id, world.acme.id) == []


def test_an_inactive_membership_or_tenant_contributes_nothing(world):
    MembershipService(RBAC_SETTINGS).deactivate(world.bob.id, world.acme.id)
    assert world.auth.effective_permissions(world.bob.id, world.acme.id) == []
    assert world.auth.effective_permissions(world.bob.id, world.other.id) == ["posts.read"]
    MembershipService(RBAC_SETTINGS).ensure(world.bob.id, world.acme.id)  # reactivated, roles kept
    assert world.auth.effective_permissions(world.bob.id, world.acme.id) == [
        "billing.read", "posts.read", "posts.write"]
    TenantService(RBAC_SETTINGS).deactivate(world.acme.id)
    assert world.auth.effective_permissions(world.bob.id, world.acme.id) == []
    MembershipService(RBAC_SETTINGS).deactivate(world.bob.id)
    assert world.auth.effective_permissions(world.bob.id) == []


def test_staff_permissions_apply_in_every_tenant_only_through_active_staff_access(world):
    auth, alice, bob = world.auth, world.alice.id, world.bob.id
    expected = ["posts.delete", "tenants.manage"]
    assert auth.effective_permissions(alice, world.acme.id) == expected
    assert auth.effective_permissions(alice, world.other.id) == expected
    assert auth.effective_permissions(alice) == expected
    assert auth.staff_permissions(alice) == expected
    assert auth.effective_permissions(alice, world.acme.id, include_staff=False) == []
    assert auth.role_names(alice, world.other.id) == ["support"]
    # Bob's global membership role is not staff access: it does not reach into tenants.
    assert "profile.edit" not in auth.effective_permissions(bob, world.acme.id)
    assert auth.staff_permissions(bob) == []
    # Staff plus membership: the union, once each.
    StaffAccessService(RBAC_SETTINGS).grant(bob, roles=[world.support.id])
    assert auth.effective_permissions(bob, world.other.id) == ["posts.delete", "posts.read", "tenants.manage"]
    StaffAccessService(RBAC_SETTINGS).deactivate(alice)
    assert auth.effective_permissions(alice, world.acme.id) == []
    assert auth.staff_permissions(alice) == []


def test_a_role_linked_outside_its_tenant_grants_nothing(db, world):
    # Bypass the service's scope check, as hand-written SQL could.
    access = MembershipService(RBAC_SETTINGS).get(world.bob.id, world.other.id)
    MembershipRole.create(membership=access.id, role=world.editor.id)
    assert world.auth.effective_permissions(world.bob.id, world.other.id) == ["posts.read"]


def test_effective_permissions_is_exactly_one_query(world, queries):
    User.select().count()
    assert len(queries) == 1  # the counter sees model queries too
    auth = world.auth
    for user, tenant in [(world.bob.id, world.acme.id), (world.bob.id, None), (world.alice.id, world.other.id)]:
        queries.clear()
        auth.effective_permissions(user, tenant)
        assert len(queries) == 1, queries
    queries.clear()
    auth.effective_permissions(world.bob.id, world.acme.id, include_staff=False)
    auth.staff_permissions(world.alice.id)
    auth.has_permission(world.bob.id, ["posts.read", "posts.write"], world.acme.id)
    auth.role_names(world.bob.id, world.acme.id)
    auth.has_role(world.bob.id, "editor", world.acme.id)
    assert len(queries) == 5, queries


def test_the_sql_is_built_once_per_dialect_and_reused(world, queries):
    world.auth.effective_permissions(world.bob.id, world.acme.id)
    world.auth.effective_permissions(world.alice.id, world.other.id)
    first, second = queries
    assert first is second  # the same cached string object, not an equal rebuilt one


@pytest.mark.parametrize(("check", "one", "both", "mixed"), [
    ("has_permission", "posts.write", ["posts.read", "posts.write"], ["posts.read", "posts.delete"]),
    ("has_role", "editor", ["editor", "billing"], ["editor", "viewer"]),
])
def test_all_held_by_default_or_any_when_asked(world, check, one, both, mixed):
    has, bob, acme = getattr(world.auth, check), world.bob.id, world.acme.id
    assert has(bob, one, acme)
    assert has(bob, both, acme)
    assert not has(bob, mixed, acme)
    assert has(bob, mixed, acme, require="any")


def test_has_permission_all_and_any(world):
    auth, bob, acme = world.auth, world.bob.id, world.acme.id
    assert not auth.has_permission(bob, ["posts.delete"], acme, require="any")
    assert not auth.has_permission(bob, "posts.write", world.other.id)
    assert auth.has_permission(bob, [], acme) and not auth.has_permission(bob, [], acme, require="any")
    assert auth.has_permission(world.alice.id, "tenants.manage", acme)
    with pytest.raises(errors.InvalidValue):
        auth.has_permission(bob, "posts.read", acme, require="most")
    with pytest.raises(errors.InvalidValue):
        auth.has_permission(bob, [1, 2], acme)


def test_has_role(world):
    auth, bob, acme = world.auth, world.bob.id, world.acme.id
    assert auth.has_role(bob, "viewer", world.other.id)
    assert auth.has_role(bob, "member")
    assert not auth.has_role(bob, "member", acme)
    assert auth.has_role(world.alice.id, "support", world.other.id)
    assert not auth.has_role(world.alice.id, "support", world.other.id, include_staff=False)


def test_bad_input_is_a_typed_error_and_unknown_ids_hold_nothing(world):
    auth = world.auth
    with pytest.raises(errors.InvalidGuard) as info:
        auth.effective_permissions(world.bob.id, world.acme.id, guard="mobile")
    assert "'mobile'" in str(info.value)
    with pytest.raises(errors.InvalidValue) as info:
        auth.effective_permissions("not-a-user", world.acme.id)
    assert "not-a-user" in str(info.value)
    with pytest.raises(errors.InvalidValue):
        auth.has_role(world.bob.id, "editor", tenant_id="acme")
    assert auth.effective_permissions(uuid.uuid4(), world.acme.id) == []
    assert auth.effective_permissions(world.bob.id, uuid.uuid4()) == []
    assert auth.effective_permissions(str(world.bob.id), str(world.acme.id)) == [
        "billing.read", "posts.read", "posts.write"]
    assert auth.effective_permissions(world.bob, world.acme) == ["billing.read", "posts.read", "posts.write"]
