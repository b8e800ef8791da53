"""The permission registry: uniqueness per guard, search, categories, bulk registration."""

from __future__ import annotations

import pytest
from support import RBAC_SETTINGS, run_together

from nestauth_peewee import Permission, PermissionService, Role, RolePermission, RoleService, errors


@pytest.fixture
def permissions(db) -> PermissionService:
    return PermissionService(RBAC_SETTINGS)


def test_a_permission_is_unique_per_name_and_guard(permissions):
    read = permissions.create("posts.read", description="Read posts", category="posts")
    assert read.guard == "web"
    permissions.create("posts.read", guard="api")
    with pytest.raises(errors.PermissionAlreadyExists) as info:
        permissions.create("posts.read")
    assert info.value.code == "PERMISSION_ALREADY_EXISTS"
    assert Permission.select().count() == 2
    assert permissions.get_by_name("posts.read").id == read.id
    assert permissions.get_by_name("posts.read", guard="api").id != read.id


def test_an_unknown_guard_is_refused_and_named(permissions):
    with pytest.raises(errors.InvalidGuard) as info:
        permissions.create("posts.read", guard="admin")
    assert info.value.code == "INVALID_GUARD"
    assert "'admin'" in str(info.value) and "'web'" in str(info.value)
    with pytest.raises(errors.InvalidGuard):
        permissions.register(["posts.read"], guard="admin")
    with pytest.raises(errors.InvalidGuard):
        permissions.register([{"name": "posts.read", "guard": "nope"}])
    assert Permission.select().count() == 0


# Unknown and garbage ids and names: one test over tenants and permissions, in test_rbac_tenants.py.


def test_a_blank_permission_name_is_refused(permissions):
    with pytest.raises(errors.RequiredValueMissing):
        permissions.create("  ")


def test_update_renames_and_reports_the_changed_fields(permissions, event_log):
    p = permissions.create("posts.read")
    updated = permissions.update(p.id, name="posts.view", category="posts")
    assert (updated.name, updated.category, updated.guard) == ("posts.view", "posts", "web")
    assert event_log.of("permission-updated")[0]["changed"] == ["name", "category"]
    permissions.create("posts.write")
    with pytest.raises(errors.PermissionAlreadyExists):
        permissions.update(p.id, name="posts.write")


def test_deleting_a_permission_removes_it_from_roles_only(permissions, event_log):
    roles = RoleService(RBAC_SETTINGS)
    permissions.register(["posts.read", "posts.write"])
    editor = roles.create("editor", permissions=["posts.read", "posts.write"])
    write = permissions.get_by_name("posts.write")
    permissions.delete(write.id)
    assert roles.permissions_of(editor.id) == ["posts.read"]
    assert RolePermission.select().where(RolePermission.permission == write.id).count() == 0
    assert Role.select().count() == 1
    assert event_log.of("permission-deleted")[0]["snapshot"]["name"] == "posts.write"


def test_search_matches_name_or_description_with_literal_wildcards(permissions):
    permissions.register([
        {"name": "posts.read", "description": "Read any post", "category": "posts"},
        {"name": "posts.write", "category": "posts"},
        {"name": "admin_users", "description": "100% of users", "category": "users"},
        {"name": "users.read", "guard": "api", "category": "users"},
    ])
    assert [p.name for p in permissions.search("posts")] == ["posts.read", "posts.write"]
    assert [p.name for p in permissions.search("any post")] == ["posts.read"]
    assert [p.name for p in permissions.search("_")] == ["admin_users"]
    assert [p.name for p in permissions.search("%")] == ["admin_users"]
    # (names chosen to sort alike under every dialect's collation)
    assert [p.name for p in permissions.search(category="users")] == ["admin_users", "users.read"]
    assert [p.name for p in permissions.search(guard="api")] == ["users.read"]
    assert [p.name for p in permissions.search(limit=2, offset=1)] == ["posts.read", "posts.write"]
    assert permissions.categories() == ["posts", "users"]
    assert permissions.categories(guard="api") == ["users"]
    with pytest.raises(errors.InvalidValue):
        permissions.search(limit=0)


def test_registering_the_same_list_twice_creates_nothing_the_second_time(permissions, event_log):
    wanted = ["posts.read", {"name": "posts.write", "description": "Write", "category": "posts"},
              "posts.delete", "posts.read"]
    first = permissions.register(wanted)
    assert first.created == ["posts.read", "posts.write", "posts.delete"]
    assert first.existing == []
    assert first.changed
    assert sorted(p["permission"].name for p in event_log.of("permission-created")) == [
        "posts.delete", "posts.read", "posts.write"]
    event_log.clear()

    second = permissions.register(wanted)
    assert second.created == []
    assert second.existing == ["posts.read", "posts.write", "posts.delete"]
    assert not second.changed
    assert event_log == []
    assert Permission.select().count() == 3
    assert permissions.get_by_name("posts.write").category == "posts"


def test_registration_reports_a_mix_and_keeps_guards_apart(permissions):
    permissions.create("posts.read")
    result = permissions.register(["posts.read", "posts.write", {"name": "posts.read", "guard": "api"}])
    assert result.created == ["posts.write", "posts.read"]  # the second is the api one
    assert result.existing == ["posts.read"]
    assert {(p.name, p.guard) for p in Permission.select()} == {
        ("posts.read", "web"), ("posts.write", "web"), ("posts.read", "api")}


def test_registration_is_one_transaction(permissions):
    with pytest.raises(errors.ValueTooLong):
        permissions.register(["posts.read", "x" * 256, "posts.write"])
    assert Permission.select().count() == 0


def test_registration_refuses_malformed_items(permissions):
    with pytest.raises(errors.InvalidValue):
        permissions.register([{"name": "a", "colour": "red"}])
    with pytest.raises(errors.InvalidValue):
        permissions.register([42])
    with pytest.raises(errors.RequiredValueMissing):
        permissions.register([{"description": "no name"}])
    assert Permission.select().count() == 0


def test_concurrent_registrars_all_succeed_and_each_permission_is_created_once(db, dialect, permissions):
    names = [f"perm.{i:03d}" for i in range(40)]
    permissions.register(names[:5])  # some exist already

    results = run_together(db, 8, lambda i: PermissionService(RBAC_SETTINGS).register(
        names[::-1] if i % 2 else names))

    failures = [r for r in results if isinstance(r, BaseException)]
    assert failures == []
    created = [name for r in results for name in r.created]
    assert sorted(created) == names[5:]  # each missing one created by exactly one registrar
    for r in results:
        assert sorted(r.created + r.existing) == names
    assert Permission.select().count() == 40
