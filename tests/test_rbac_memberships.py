"""Memberships (user_accesses) and staff access (platform_accesses)."""

from __future__ import annotations

import uuid

import pytest
from support import RBAC_SETTINGS, run_together

from nestauth_peewee import (
    Membership,
    MembershipRole,
    MembershipService,
    PermissionService,
    RoleService,
    StaffAccess,
    StaffAccessRole,
    StaffAccessService,
    TenantService,
    User,
    errors,
)
from nestauth_peewee.models import MEMBERSHIP_INACTIVE
from nestauth_peewee.repositories import memberships as memberships_repo


@pytest.fixture
def members(db) -> MembershipService:
    return MembershipService(RBAC_SETTINGS)


@pytest.fixture
def staff(db) -> StaffAccessService:
    return StaffAccessService(RBAC_SETTINGS)


@pytest.fixture
def world(db):
    """Two tenants, a user, global and tenant roles."""
    PermissionService(RBAC_SETTINGS).register(["posts.read"])
    tenants, roles = TenantService(RBAC_SETTINGS), RoleService(RBAC_SETTINGS)
    acme, other = tenants.create("Acme", "acme"), tenants.create("Other", "other")
    w = type("World", (), {})()
    w.acme, w.other = acme, other
    w.bob = User.create(email="bob@example.com")
    w.owner = roles.create("owner", is_system=True)
    w.editor = roles.create("editor", tenant_id=acme.id)
    w.viewer = roles.create("viewer", tenant_id=acme.id)
    w.stranger = roles.create("stranger", tenant_id=other.id)
    w.api_reader = roles.create("reader", tenant_id=acme.id, guard="api")
    return w


def test_ensure_creates_once_and_reactivates(members, world):
    first = members.ensure(world.bob.id, world.acme.id)
    assert (first.status, first.tenant_id, first.is_default) == ("active", world.acme.id, False)
    assert members.ensure(world.bob.id, world.acme.id).id == first.id
    members.deactivate(world.bob.id, world.acme.id)
    assert members.get(world.bob.id, world.acme.id).status == "inactive"
    again = members.ensure(world.bob.id, world.acme.id)
    assert (again.id, again.status) == (first.id, "active")
    assert Membership.select().count() == 1


def test_a_user_has_at_most_one_global_membership_on_every_dialect(members, world):
    first = members.ensure(world.bob.id)
    assert first.tenant_id is None
    assert members.ensure(world.bob.id).id == first.id
    with pytest.raises(errors.MembershipAlreadyExists):
        Membership.create(user=world.bob.id, tenant=None)  # the database refuses it too
    Membership.create(user=world.bob.id, tenant=world.acme.id)
    with pytest.raises(errors.MembershipAlreadyExists):
        Membership.create(user=world.bob.id, tenant=world.acme.id)


def test_the_repository_ensure_is_insert_or_reactivate(db, world):
    access = memberships_repo.ensure(world.bob.id, world.acme.id)
    memberships_repo.set_status(access.id, MEMBERSHIP_INACTIVE)
    again = memberships_repo.ensure(world.bob.id, world.acme.id)
    assert (again.id, again.status) == (access.id, "active")
    assert Membership.get_by_id(access.id).status == "active"


def test_ensure_with_unknown_ids_names_them(members, world):
    missing = uuid.uuid4()
    with pytest.raises(errors.TenantNotFound) as info:
        members.ensure(world.bob.id, missing)
    assert str(missing) in str(info.value)
    with pytest.raises(errors.UserNotFound) as info:
        members.ensure(missing, world.acme.id)
    assert str(missing) in str(info.value)
    with pytest.raises(errors.InvalidValue) as info:
        members.ensure("bob", world.acme.id)
    assert "'bob'" in str(info.value)
    assert Membership.select().count() == 0


def test_deactivate_and_delete_need_an_existing_membership(members, world):
    for call in (members.get, members.deactivate, members.delete, members.roles):
        with pytest.raises(errors.MembershipNotFound) as info:
            call(world.bob.id, world.acme.id)
        assert info.value.code == "MEMBERSHIP_NOT_FOUND"
    members.ensure(world.bob.id, world.acme.id)
    members.set_roles(world.bob.id, world.acme.id, [world.editor.id])
    members.delete(world.bob.id, world.acme.id)
    assert Membership.select().count() == 0
    assert MembershipRole.select().count() == 0


def test_set_roles_replaces_the_membership_roles(members, world):
    members.ensure(world.bob.id, world.acme.id)
    got = members.set_roles(world.bob.id, world.acme.id, [world.editor.id, world.owner, str(world.viewer.id)])
    assert [r.name for r in got] == ["editor", "owner", "viewer"]
    got = members.set_roles(world.bob.id, world.acme.id, [world.viewer.id])
    assert [r.name for r in got] == ["viewer"]
    assert [r.name for r in members.roles(world.bob.id, world.acme.id)] == ["viewer"]
    assert members.set_roles(world.bob.id, world.acme.id, []) == []
    assert MembershipRole.select().count() == 0


def test_a_membership_takes_only_global_roles_or_roles_of_its_tenant(members, world):
    members.ensure(world.bob.id, world.acme.id)
    members.ensure(world.bob.id)
    with pytest.raises(errors.InvalidRoleScope) as info:
        members.set_roles(world.bob.id, world.acme.id, [world.editor.id, world.stranger.id])
    assert "stranger" in str(info.value)
    with pytest.raises(errors.InvalidRoleScope):
        members.set_roles(world.bob.id, None, [world.editor.id])  # global membership, tenant role
    missing = uuid.uuid4()
    with pytest.raises(errors.RoleNotFound) as info:
        members.set_roles(world.bob.id, world.acme.id, [world.editor.id, missing])
    assert str(missing) in str(info.value)
    assert MembershipRole.select().count() == 0


def test_set_roles_by_name_resolves_tenant_then_global_names(members, world):
    members.ensure(world.bob.id, world.acme.id)
    got = members.set_roles_by_name(world.bob.id, world.acme.id, ["editor", "owner"])
    assert [r.id for r in got] == [world.editor.id, world.owner.id]
    got = members.set_roles_by_name(world.bob.id, world.acme.id, "reader", guard="api")
    assert [r.id for r in got] == [world.api_reader.id]
    with pytest.raises(errors.RoleNotFound) as info:
        members.set_roles_by_name(world.bob.id, world.acme.id, ["editor", "stranger", "ghost"])
    assert info.value.details["missing"] == ["stranger", "ghost"]
    with pytest.raises(errors.InvalidGuard):
        members.set_roles_by_name(world.bob.id, world.acme.id, ["editor"], guard="nope")


def test_tenants_of_and_is_member_count_only_active_memberships_of_active_tenants(members, world):
    members.ensure(world.bob.id, world.acme.id)
    members.ensure(world.bob.id, world.other.id)
    members.ensure(world.bob.id)
    assert [t.slug for t in members.tenants_of(world.bob.id)] == ["acme", "other"]
    assert members.is_member(world.bob.id, world.acme.id)
    assert members.is_member(world.bob.id)

    members.deactivate(world.bob.id, world.acme.id)
    TenantService(RBAC_SETTINGS).deactivate(world.other.id)
    assert members.tenants_of(world.bob.id) == []
    assert [t.slug for t in members.tenants_of(world.bob.id, include_inactive=True)] == ["acme", "other"]
    assert not members.is_member(world.bob.id, world.acme.id)
    assert not members.is_member(world.bob.id, world.other.id)
    assert not members.is_member(uuid.uuid4(), world.acme.id)


def test_staff_access_is_granted_once_and_takes_global_roles_only(staff, world):
    access = staff.grant(world.bob.id, roles=[world.owner.id])
    assert access.is_active and staff.is_staff(world.bob.id)
    assert staff.grant(world.bob.id).id == access.id  # idempotent, keeps the roles
    assert [r.name for r in staff.roles(world.bob.id)] == ["owner"]
    with pytest.raises(errors.StaffAccessAlreadyExists):
        StaffAccess.create(user=world.bob.id)
    with pytest.raises(errors.InvalidRoleScope):
        staff.set_roles(world.bob.id, [world.editor.id])
    assert [r.name for r in staff.set_roles_by_name(world.bob.id, [])] == []
    assert [r.name for r in staff.set_roles_by_name(world.bob.id, ["owner"])] == ["owner"]
    with pytest.raises(errors.RoleNotFound):
        staff.set_roles_by_name(world.bob.id, ["editor"])  # a tenant role is not visible globally


def test_staff_access_can_be_suspended_resumed_and_revoked(staff, world):
    staff.grant(world.bob.id, roles=[world.owner.id])
    assert staff.deactivate(world.bob.id).is_active is False
    assert not staff.is_staff(world.bob.id)
    assert [r.name for r in staff.roles(world.bob.id)] == ["owner"]
    assert staff.activate(world.bob.id).is_active is True
    staff.revoke(world.bob.id)
    assert StaffAccess.select().count() == 0 and StaffAccessRole.select().count() == 0
    assert not staff.is_staff(world.bob.id)
    for call in (staff.get, staff.revoke, staff.activate, staff.deactivate, staff.roles):
        with pytest.raises(errors.StaffAccessNotFound):
            call(world.bob.id)
    missing = uuid.uuid4()
    with pytest.raises(errors.UserNotFound) as info:
        staff.grant(missing)
    assert str(missing) in str(info.value)


def test_concurrent_ensure_of_one_membership_yields_one_row(db, dialect, world):
    members = MembershipService(RBAC_SETTINGS)
    members.ensure(world.bob.id)  # one already there, inactive
    members.deactivate(world.bob.id)

    def work(i: int):
        return members.ensure(world.bob.id, world.acme.id if i % 2 else None).id

    results = run_together(db, 10, work)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert len(set(results[1::2])) == 1 and len(set(results[0::2])) == 1
    assert Membership.select().count() == 2
    assert {a.status for a in Membership.select()} == {"active"}
