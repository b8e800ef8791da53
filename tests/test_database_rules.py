"""Rules the database itself enforces, on every dialect: cascades, uniqueness, defaults, types."""

from __future__ import annotations

import datetime as dt
import uuid

import peewee
import pytest
from support import USER_OWNED, give_rows_everywhere

import nestauth_peewee
from nestauth_peewee import errors, models

LATER = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def raw(db, sql, *params):
    """Run hand-written SQL (placeholders written as ?) through the library's proxy."""
    return nestauth_peewee.database.execute_sql(sql.replace("?", db.param), params)


def new_id():
    return uuid.uuid4().hex


def make_user_graph(email="owner@example.com"):
    """A user with one row in every table that hangs off it, plus link rows to a tenant's role."""
    user = models.User.create(email=email)
    tenant = models.Tenant.create(name="Acme", slug=f"acme-{uuid.uuid4().hex[:6]}")
    role = models.Role.create(name="editor", tenant=tenant)
    give_rows_everywhere(user.id, role)
    return user, tenant, role


def test_deleting_a_user_removes_every_row_that_hangs_off_it(db):
    user, _, _ = make_user_graph()
    other, _, _ = make_user_graph("other@example.com")
    # One statement; the database's cascades do the rest.
    raw(db, "DELETE FROM nest_auth_users WHERE id = ?", models.User.id.db_value(user.id))
    for model in USER_OWNED:
        assert model.select().where(model.user == user.id).count() == 0, model.__name__
    assert models.MembershipRole.select().count() == 1  # the other user's link row stays
    assert models.StaffAccessRole.select().count() == 1
    assert models.Session.select().where(models.Session.user == other.id).count() == 1


def test_deleting_a_tenant_removes_its_roles_memberships_and_links(db):
    user, tenant, role = make_user_graph()
    global_role = models.Role.create(name="viewer")
    tenant.delete_instance()
    assert models.Role.select().where(models.Role.id == role.id).count() == 0
    assert models.Role.select().where(models.Role.id == global_role.id).count() == 1
    assert models.Membership.select().where(models.Membership.tenant == tenant.id).count() == 0
    assert models.MembershipRole.select().count() == 0
    assert models.StaffAccessRole.select().count() == 0  # it pointed at the tenant's role
    assert models.StaffAccess.select().count() == 1  # staff access itself is the user's


def test_deleting_a_role_or_permission_removes_its_grants(db):
    role = models.Role.create(name="admin")
    read = models.Permission.create(name="posts.read")
    write = models.Permission.create(name="posts.write")
    models.RolePermission.create(role=role, permission=read)
    models.RolePermission.create(role=role, permission=write)
    write.delete_instance()
    assert [rp.permission_id for rp in models.RolePermission.select()] == [read.id]
    role.delete_instance()
    assert models.RolePermission.select().count() == 0
    assert models.Permission.select().count() == 1


def test_one_membership_per_user_and_tenant_even_in_raw_sql(db):
    user = models.User.create(email="m@example.com")
    tenant = models.Tenant.create(name="T", slug="t")
    insert = "INSERT INTO nest_auth_user_accesses (id, user_id, tenant_id) VALUES (?, ?, ?)"
    raw(db, insert, new_id(), user.id.hex, tenant.id.hex)
    with pytest.raises(errors.MembershipAlreadyExists):
        raw(db, insert, new_id(), user.id.hex, tenant.id.hex)
    assert models.Membership.select().count() == 1


def test_at_most_one_global_membership_per_user_even_in_raw_sql(db):
    user = models.User.create(email="g@example.com")
    other = models.User.create(email="h@example.com")
    insert = "INSERT INTO nest_auth_user_accesses (id, user_id) VALUES (?, ?)"
    raw(db, insert, new_id(), user.id.hex)
    with pytest.raises(errors.MembershipAlreadyExists):
        raw(db, insert, new_id(), user.id.hex)
    raw(db, insert, new_id(), other.id.hex)  # another user's global row is fine
    tenant = models.Tenant.create(name="T", slug="t2")
    raw(db, "INSERT INTO nest_auth_user_accesses (id, user_id, tenant_id) VALUES (?, ?, ?)",
        new_id(), user.id.hex, tenant.id.hex)  # and so is a tenant row next to the global one
    assert models.Membership.select().where(models.Membership.user == user.id).count() == 2


def test_one_role_per_name_guard_and_tenant_including_global_roles_in_raw_sql(db):
    tenant = models.Tenant.create(name="T", slug="t3")
    insert_global = "INSERT INTO nest_auth_roles (id, name) VALUES (?, ?)"
    raw(db, insert_global, new_id(), "admin")
    with pytest.raises(errors.RoleAlreadyExists):
        raw(db, insert_global, new_id(), "admin")
    raw(db, "INSERT INTO nest_auth_roles (id, name, guard) VALUES (?, ?, ?)", new_id(), "admin", "api")
    insert_tenant = "INSERT INTO nest_auth_roles (id, name, tenant_id) VALUES (?, ?, ?)"
    raw(db, insert_tenant, new_id(), "admin", tenant.id.hex)
    with pytest.raises(errors.RoleAlreadyExists):
        raw(db, insert_tenant, new_id(), "admin", tenant.id.hex)
    assert models.Role.select().count() == 3


def test_unique_violations_through_the_models_are_typed(db):
    models.User.create(email="dup@example.com", phone="+15550100")
    with pytest.raises(errors.EmailAlreadyExists) as caught:
        models.User.create(email="dup@example.com")
    assert caught.value.code == "EMAIL_ALREADY_EXISTS"
    assert isinstance(caught.value, peewee.IntegrityError)  # plain peewee code still catches it
    with pytest.raises(errors.PhoneAlreadyExists):
        models.User.create(phone="+15550100")
    with pytest.raises(errors.AdminEmailAlreadyExists):
        models.AdminUser.create(email="a@example.com", password_hash="x")
        models.AdminUser.create(email="a@example.com", password_hash="x")
    with pytest.raises(errors.TenantAlreadyExists):
        models.Tenant.create(name="A", slug="same")
        models.Tenant.create(name="B", slug="same")
    assert models.User.select().count() == 1


def test_a_reference_to_a_missing_row_is_typed(db):
    with pytest.raises(errors.ReferenceNotFound):
        models.Session.create(user=uuid.uuid4(), expires_at=LATER)
    assert models.Session.select().count() == 0


def test_a_raw_insert_gets_the_same_row_shape_as_the_models(db):
    user_id = new_id()
    raw(db, "INSERT INTO nest_auth_users (id, email) VALUES (?, ?)", user_id, "raw@example.com")
    row = models.User.get_by_id(user_id)
    assert row.is_active is True
    assert row.must_change_password is False
    assert row.is_mfa_enabled is False
    assert row.metadata == {}
    now = dt.datetime.now(dt.UTC)
    for stamp in (row.created_at, row.updated_at):
        assert stamp.tzinfo is not None
        assert abs((now - stamp).total_seconds()) < 30, "server default is the current UTC time"
    raw(db, "INSERT INTO nest_auth_roles (id, name) VALUES (?, ?)", new_id(), "raw-role")
    role = models.Role.get(models.Role.name == "raw-role")
    assert (role.guard, role.is_system, role.is_active, role.tenant_id) == ("web", False, True, None)


def test_server_side_timestamps_are_utc_whatever_the_session_time_zone(db, dialect):
    if dialect == "postgres":
        raw(db, "SET TIME ZONE 'America/New_York'")
    elif dialect == "mysql":
        raw(db, "SET time_zone = '+05:00'")
    try:
        raw(db, "INSERT INTO nest_auth_tenants (id, name) VALUES (?, ?)", new_id(), "tz")
        created = models.Tenant.get(models.Tenant.name == "tz").created_at
    finally:
        if dialect == "postgres":
            raw(db, "SET TIME ZONE 'UTC'")
        elif dialect == "mysql":
            raw(db, "SET time_zone = '+00:00'")
    assert abs((dt.datetime.now(dt.UTC) - created).total_seconds()) < 30


JSON_VALUES = [
    {},
    {"a": 1, "b": [1, 2.5, None, True, False], "nested": {"deep": {"x": "y"}}},
    {"unicode": "Grüße 👋 日本語", "quote": "it's \"quoted\"", "empty": ""},
    [1, "two", {"three": 3}],
    {"big": 2**53, "neg": -1.25e-7},
]


@pytest.mark.parametrize("value", JSON_VALUES, ids=range(len(JSON_VALUES)))
def test_json_round_trips_exactly(db, value):
    user = models.User.create(email="j@example.com", metadata=value)
    assert models.User.get_by_id(user.id).metadata == value


def test_non_json_values_are_a_typed_error_and_nothing_is_written(db):
    for bad in ({"when": dt.datetime.now()}, {"x": float("nan")}, {"s": {1, 2}}, {"nul": "a\x00b"}):
        with pytest.raises(errors.InvalidValue):
            models.User.create(email="bad@example.com", metadata=bad)
    assert models.User.select().count() == 0


def test_datetimes_round_trip_as_the_same_utc_instant_with_microseconds(db):
    plus_two = dt.timezone(dt.timedelta(hours=2))
    aware = dt.datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=plus_two)
    naive_utc = dt.datetime(2031, 5, 6, 5, 8, 9, 654321)
    user = models.User.create(email="t@example.com", email_verified_at=aware, phone_verified_at=naive_utc)
    back = models.User.get_by_id(user.id)
    assert back.email_verified_at == aware
    assert back.email_verified_at.utcoffset() == dt.timedelta(0)
    assert back.email_verified_at.microsecond == 123456
    assert back.phone_verified_at == naive_utc.replace(tzinfo=dt.UTC)
    # Comparisons in SQL see the same instants.
    assert models.User.select().where(models.User.email_verified_at < back.phone_verified_at).count() == 1


@pytest.mark.parametrize("field,value,error", [
    ("email", "x" * 256, errors.ValueTooLong),
    ("phone", "1" * 33, errors.ValueTooLong),
    ("email", "nul\x00byte@example.com", errors.InvalidValue),
    ("mfa_recovery_code", "y" * 300, errors.ValueTooLong),
], ids=["email-256", "phone-33", "email-nul", "recovery-300"])
def test_overlong_or_nul_strings_are_typed_errors_never_truncated(db, field, value, error):
    with pytest.raises(error) as caught:
        models.User.create(**{"email": "ok@example.com", field: value})
    assert field in str(caught.value)
    assert models.User.select().count() == 0


@pytest.mark.parametrize("dialect", ["postgres", "mysql"], indirect=True)
def test_an_overlong_value_in_raw_sql_is_refused_by_the_server(db):
    # SQLite does not enforce VARCHAR lengths at all; there the models' check is the guard.
    with pytest.raises(errors.ValueTooLong):
        raw(db, "INSERT INTO nest_auth_users (id, email) VALUES (?, ?)", new_id(), "x" * 300)


def test_garbage_ids_are_typed_errors(db):
    with pytest.raises(errors.InvalidValue):
        models.User.get_or_none(models.User.id == "not-a-uuid")
    with pytest.raises(errors.InvalidValue):
        models.Session.create(user="12345", expires_at=LATER)


def test_generated_tenant_key_is_never_written_by_save(db):
    tenant = models.Tenant.create(name="T", slug="gk")
    membership = models.Membership.create(user=models.User.create(email="k@example.com"), tenant=tenant)
    loaded = models.Membership.get_by_id(membership.id)
    assert loaded.tenant_key  # read back from the database
    loaded.status = "inactive"
    loaded.save()  # would fail on every dialect if tenant_key were written
    assert models.Membership.get_by_id(membership.id).status == "inactive"


def test_updated_at_moves_on_save_and_created_at_does_not(db):
    user = models.User.create(email="u@example.com")
    first = models.User.get_by_id(user.id)
    first.phone = "+15550111"
    first.save()
    again = models.User.get_by_id(user.id)
    assert again.created_at == first.created_at
    assert again.updated_at >= first.created_at


def test_the_app_user_profile_cascades_with_the_auth_user(db):
    from app_models import AppUser

    nestauth_peewee.create_tables([AppUser])
    try:
        user = models.User.create(email="profile@example.com")
        AppUser.create(user=user, display_name="Pat")
        assert AppUser.get_by_id(user.id).display_name == "Pat"
        user.delete_instance()
        assert AppUser.select().count() == 0
    finally:
        AppUser.drop_table()


def test_identifiers_compare_exactly_on_every_dialect(db):
    """Binary collation on MySQL: no case- or accent-folding collisions, as on PG and SQLite."""
    models.User.create(email="bob@example.com")
    models.User.create(email="böb@example.com")  # a different mailbox, not a duplicate
    user = models.User.get(models.User.email == "bob@example.com")
    models.Identity.create(user=user, provider="github", provider_id="AbC")
    models.Identity.create(user=user, provider="github", provider_id="abc")  # case-sensitive subjects
    assert models.Identity.select().where(models.Identity.provider_id == "abc").count() == 1
    models.Role.create(name="Admin")
    models.Role.create(name="admin")
    assert models.User.select().where(models.User.email == "BOB@example.com").count() == 0
