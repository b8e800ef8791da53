"""Tenants: slug rules, uniqueness, updates, unknown ids (permissions' too), events after commit,
cascading delete."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import RBAC_SETTINGS

from nestauth_peewee import errors
from nestauth_peewee.models import Membership, MembershipRole, Permission, Role, RolePermission, Tenant, User
from nestauth_peewee.services import MembershipService, PermissionService, RoleService, TenantService
from nestauth_peewee.services.tenants import SLUG_PATTERN
from nestauth_peewee.unit_of_work import transaction


@pytest.fixture
def tenants(db) -> TenantService:
    return TenantService(RBAC_SETTINGS)


def test_a_tenant_is_created_and_found_by_id_and_slug(tenants):
    acme = tenants.create("Acme Inc.", "acme", description="first", metadata={"plan": "pro"})
    assert tenants.get(acme.id).name == "Acme Inc."
    found = tenants.get_by_slug("acme")
    assert found.id == acme.id
    assert found.metadata == {"plan": "pro"}
    assert found.is_active is True


@pytest.mark.parametrize("slug", ["", "Acme", "acme inc", "acme/inc", "ünï", "acme.", None, 42, "a\x00b"])
def test_an_invalid_slug_is_refused_and_named(tenants, slug):
    with pytest.raises(errors.InvalidSlugFormat) as info:
        tenants.create("Acme", slug)
    assert info.value.code == "INVALID_SLUG_FORMAT"
    assert repr(slug) in str(info.value)
    assert Tenant.select().count() == 0


def test_a_duplicate_slug_is_tenant_already_exists(tenants):
    tenants.create("Acme", "acme")
    with pytest.raises(errors.TenantAlreadyExists) as info:
        tenants.create("Acme again", "acme")
    assert info.value.code == "TENANT_ALREADY_EXISTS"
    assert Tenant.select().count() == 1


def test_a_blank_tenant_name_is_refused(tenants):
    with pytest.raises(errors.RequiredValueMissing):
        tenants.create("   ", "acme")


def test_update_changes_only_the_given_fields_and_reports_them(tenants, event_log):
    acme = tenants.create("Acme", "acme", description="old")
    event_log.clear()
    updated = tenants.update(acme.id, name="Acme Corp", slug="acme-corp", description="old")
    assert (updated.name, updated.slug, updated.description) == ("Acme Corp", "acme-corp", "old")
    assert event_log.of("tenant-updated")[0]["changed"] == ["name", "slug"]
    tenants.update(acme.id, description=None)
    assert tenants.get(acme.id).description is None


def test_update_to_a_taken_slug_or_a_bad_one_fails(tenants):
    tenants.create("Acme", "acme")
    other = tenants.create("Other", "other")
    with pytest.raises(errors.TenantAlreadyExists):
        tenants.update(other.id, slug="acme")
    with pytest.raises(errors.InvalidSlugFormat):
        tenants.update(other.id, slug="Not OK")
    assert tenants.get(other.id).slug == "other"


def test_activate_and_deactivate(tenants, event_log):
    acme = tenants.create("Acme", "acme")
    assert tenants.deactivate(acme.id).is_active is False
    assert tenants.get(acme.id).is_active is False
    assert tenants.activate(acme.id).is_active is True
    assert [p["changed"] for p in event_log.of("tenant-updated")] == [["is_active"], ["is_active"]]


def test_list_filters_and_escapes_like_wildcards(tenants):
    tenants.create("Beta", "beta")
    tenants.create("Alpha", "alpha")
    tenants.create("Under_score", "under_score")
    off = tenants.create("Gamma", "gamma")
    tenants.deactivate(off.id)
    assert [t.slug for t in tenants.list_tenants()] == ["alpha", "beta", "gamma", "under_score"]
    assert [t.slug for t in tenants.list_tenants(active=True)] == ["alpha", "beta", "under_score"]
    assert [t.slug for t in tenants.list_tenants(search="_")] == ["under_score"]
    assert [t.slug for t in tenants.list_tenants(search="%")] == []
    assert [t.slug for t in tenants.list_tenants(limit=2, offset=1)] == ["beta", "gamma"]
    with pytest.raises(errors.InvalidValue):
        tenants.list_tenants(limit=1000)


@pytest.mark.parametrize(("service", "not_found", "by_name", "name"), [
    (TenantService, errors.TenantNotFound, "get_by_slug", "nobody"),
    (PermissionService, errors.PermissionNotFound, "get_by_name", "ghost.read"),
])
def test_unknown_and_garbage_ids_are_typed_errors_naming_the_value(db, service, not_found, by_name, name):
    """Tenants and permissions alike: an unknown id or name is the service's NotFound, a value that is
    no id at all is InvalidValue, and each message names what was asked for."""
    found = service(RBAC_SETTINGS)
    missing = uuid.uuid4()
    with pytest.raises(not_found) as info:
        found.get(missing)
    assert str(missing) in str(info.value)
    with pytest.raises(not_found):
        found.delete(missing)
    with pytest.raises(not_found) as info:
        getattr(found, by_name)(name)
    assert name in str(info.value)
    for garbage in ("not-a-uuid", 12):
        with pytest.raises(errors.InvalidValue) as info:
            found.get(garbage)
        assert str(garbage) in str(info.value)


def test_events_are_sent_after_commit_and_never_for_a_rollback(tenants, event_log):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction():
        tenants.create("Acme", "acme")
        assert event_log == []  # queued, not sent, inside the transaction
        raise Boom
    assert event_log == []
    assert Tenant.select().count() == 0

    with transaction():
        acme = tenants.create("Acme", "acme")
        assert event_log == []
    assert event_log.names() == ["tenant-created"]
    tenants.delete(acme.id)
    assert event_log.names() == ["tenant-created", "tenant-deleted"]
    assert event_log.of("tenant-deleted")[0]["snapshot"]["slug"] == "acme"


def test_deleting_a_tenant_cascades_its_memberships_and_roles_and_nothing_else(tenants):
    permissions = PermissionService(RBAC_SETTINGS)
    roles = RoleService(RBAC_SETTINGS)
    members = MembershipService(RBAC_SETTINGS)
    permissions.register(["posts.read", "posts.write"])
    acme = tenants.create("Acme", "acme")
    other = tenants.create("Other", "other")
    bob = User.create(email="bob@example.com")
    global_role = roles.create("viewer", is_system=True, permissions=["posts.read"])
    acme_role = roles.create("editor", tenant_id=acme.id, permissions=["posts.read", "posts.write"])
    other_role = roles.create("editor", tenant_id=other.id, permissions=["posts.write"])
    members.ensure(bob.id, acme.id)
    members.ensure(bob.id, other.id)
    members.ensure(bob.id)
    members.set_roles(bob.id, acme.id, [acme_role.id, global_role.id])
    members.set_roles(bob.id, other.id, [other_role.id])
    acme_access = members.get(bob.id, acme.id)

    tenants.delete(acme.id)

    assert Tenant.select().where(Tenant.id == acme.id).count() == 0
    assert Role.select().where(Role.tenant == acme.id).count() == 0
    assert Membership.select().where(Membership.tenant == acme.id).count() == 0
    assert MembershipRole.select().where(MembershipRole.membership == acme_access.id).count() == 0
    assert RolePermission.select().where(RolePermission.role == acme_role.id).count() == 0
    # Untouched: the user, the registry, global roles, the other tenant's rows, the global membership.
    assert User.select().count() == 1
    assert Permission.select().count() == 2
    assert {r.id for r in Role.select()} == {global_role.id, other_role.id}
    assert RolePermission.select().count() == 2
    assert Membership.select().count() == 2
    assert MembershipRole.select().count() == 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.one_of(st.none(), st.text(max_size=300)), slug=st.one_of(st.none(), st.text(max_size=300)))
def test_arbitrary_names_and_slugs_give_a_tenant_or_a_typed_error(tenants, name, slug):
    try:
        tenant = tenants.create(name, slug)
    except errors.NestAuthError:
        assert Tenant.select().count() == 0  # nothing half-written
        return
    assert tenant.slug == slug and SLUG_PATTERN.fullmatch(slug)
    tenants.delete(tenant.id)
