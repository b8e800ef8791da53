"""Rules the database itself enforces, on every dialect: cascades, uniqueness, defaults, types."""

from __future__ import annotations

import datetime as dt
import uuid

import peewee
import pytest

import nestauth_peewee
from nestauth_peewee import (
    AccessKey,
    AdminUser,
    Identity,
    Membership,
    MembershipRole,
    MfaSecret,
    Otp,
    Permission,
    Role,
    RolePermission,
    Session,
    StaffAccess,
    StaffAccessRole,
    Tenant,
    TrustedDevice,
    User,
    errors,
)

LATER = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def raw(db, sql, *params):
    """Run hand-written SQL (placeholders written as ?) through the library's proxy."""
    return nestauth_peewee.database.execute_sql(sql.replace("?", db.param), params)


def new_id():
    return uuid.uuid4().hex


def make_user_graph(email="owner@example.com"):
    """A user with one row in every table that hangs off it, plus link rows."""
    user = User.create(email=email)
    tenant = Tenant.create(name="Acme", slug=f"acme-{uuid.uuid4().hex[:6]}")
    role = Role.create(name="editor", tenant=tenant)
    Session.create(user=user, refresh_token_hash=uuid.uuid4().hex * 2, expires_at=LATER)
    Identity.create(user=user, provider="github", provider_id=email)
    AccessKey.create(user=user, name="ci", public_key=f"pk-{email}", secret_hash="s" * 64)
    Otp.create(user=user, code_hash="c" * 64, type="mfa", expires_at=LATER)
    MfaSecret.create(user=user, secret="JBSWY3DPEHPK3PXP")
    TrustedDevice.create(user=user, token_hash="t" * 64, expires_at=LATER)
    membership = Membership.create(user=user, tenant=tenant)
    MembershipRole.create(membership=membership, role=role)
    staff = StaffAccess.create(user=user)
    StaffAccessRole.create(staff_access=staff, role=role)
    return user, tenant, role


USER_OWNED = [Session, Identity, AccessKey, Otp, MfaSecret, TrustedDevice, Membership, StaffAccess,
              MembershipRole, StaffAccessRole]


def test_deleting_a_user_removes_every_row_that_hangs_off_it(db):
    user, _, _ = make_user_graph()
    other, _, _ = make_user_graph("other@example.com")
    # One statement; the database's cascades do the rest.
    raw(db, "DELETE FROM nest_auth_users WHERE id = ?", User.id.db_value(user.id))
    for model in USER_OWNED:
        owner_column = "user" if hasattr(model, "user") else None
        if owner_column:
            assert model.select().where(model.user == user.id).count() == 0, model.__name__
    assert MembershipRole.select().count() == 1  # the other user's link row stays
    assert StaffAccessRole.select().count() == 1
    assert Session.select().where(Session.user == other.id).count() == 1


def test_deleting_a_tenant_removes_its_roles_memberships_and_links(db):
    user, tenant, role = make_user_graph()
    global_role = Role.create(name="viewer")
    tenant.delete_instance()
    assert Role.select().where(Role.id == role.id).count() == 0
    assert Role.select().where(Role.id == global_role.id).count() == 1
    assert Membership.select().where(Membership.tenant == tenant.id).count() == 0
    assert MembershipRole.select().count() == 0
    assert StaffAccessRole.select().count() == 0  # it pointed at the tenant's role
    assert StaffAccess.select().count() == 1  # staff access itself is the user's


def test_deleting_a_role_or_permission_removes_its_grants(db):
    role = Role.create(name="admin")
    read = Permission.create(name="posts.read")
    write = Permission.create(name="posts.write")
    RolePermission.create(role=role, permission=read)
    RolePermission.create(role=role, permission=write)
    write.delete_instance()
    assert [rp.permission_id for rp in RolePermission.select()] == [read.id]
    role.delete_instance()
    assert RolePermission.select().count() == 0
    assert Permission.select().count() == 1


def test_one_membership_per_user_and_tenant_even_in_raw_sql(db):
    user = User.create(email="m@example.com")
    tenant = Tenant.create(name="T", slug="t")
    insert = "INSERT INTO nest_auth_user_accesses (id, user_id, tenant_id) VALUES (?, ?, ?)"
    raw(db, insert, new_id(), user.id.hex, tenant.id.hex)
    with pytest.raises(errors.MembershipAlreadyExists):
        raw(db, insert, new_id(), user.id.hex, tenant.id.hex)
    assert Membership.select().count() == 1


def test_at_most_one_global_membership_per_user_even_in_raw_sql(db):
    user = User.create(email="g@example.com")
    other = User.create(email="h@example.com")
    insert = "INSERT INTO nest_auth_user_accesses (id, user_id) VALUES (?, ?)"
    raw(db, insert, new_id(), user.id.hex)
    with pytest.raises(errors.MembershipAlreadyExists):
        raw(db, insert, new_id(), user.id.hex)
    raw(db, insert, new_id(), other.id.hex)  # another user's global row is fine
    tenant = Tenant.create(name="T", slug="t2")
    raw(db, "INSERT INTO nest_auth_user_accesses (id, user_id, tenant_id) VALUES (?, ?, ?)",
        new_id(), user.id.hex, tenant.id.hex)  # and so is a tenant row next to the global one
    assert Membership.select().where(Membership.user == user.id).count() == 2


def test_one_role_per_name_guard_and_tenant_including_global_roles_in_raw_sql(db):
    tenant = Tenant.create(name="T", slug="t3")
    insert_global = "INSERT INTO nest_auth_roles (id, name) VALUES (?, ?)"
    raw(db, insert_global, new_id(), "admin")
    with pytest.raises(errors.RoleAlreadyExists):
        raw(db, insert_global, new_id(), "admin")
    raw(db, "INSERT INTO nest_auth_roles (id, name, guard) VALUES (?, ?, ?)", new_id(), "admin", "api")
    insert_tenant = "INSERT INTO nest_auth_roles (id, name, tenant_id) VALUES (?, ?, ?)"
    raw(db, insert_tenant, new_id(), "admin", tenant.id.hex)
    with pytest.raises(errors.RoleAlreadyExists):
        raw(db, insert_tenant, new_id(), "admin", tenant.id.hex)
    assert Role.select().count() == 3


def test_unique_violations_through_the_models_are_typed(db):
    User.create(email="dup@example.com", phone="+15550100")
    with pytest.raises(errors.EmailAlreadyExists) as caught:
        User.create(email="dup@example.com")
    assert caught.value.code == "EMAIL_ALREADY_EXISTS"
    assert isinstance(caught.value, peewee.IntegrityError)  # plain peewee code still catches it
    with pytest.raises(errors.PhoneAlreadyExists):
        User.create(phone="+15550100")
    with pytest.raises(errors.AdminEmailAlreadyExists):
        AdminUser.create(email="a@example.com", password_hash="x")
        AdminUser.create(email="a@example.com", password_hash="x")
    with pytest.raises(errors.TenantAlreadyExists):
        Tenant.create(name="A", slug="same")
        Tenant.create(name="B", slug="same")
    assert User.select().count() == 1


def test_a_reference_to_a_missing_row_is_typed(db):
    with pytest.raises(errors.ReferenceNotFound):
        Session.create(user=uuid.uuid4(), expires_at=LATER)
    assert Session.select().count() == 0


def test_a_raw_insert_gets_the_same_row_shape_as_the_models(db):
    user_id = new_id()
    raw(db, "INSERT INTO nest_auth_users (id, email) VALUES (?, ?)", user_id, "raw@example.com")
    row = User.get_by_id(user_id)
    assert row.is_active is True
    assert row.must_change_password is False
    assert row.is_mfa_enabled is False
    assert row.metadata == {}
    now = dt.datetime.now(dt.UTC)
    for stamp in (row.created_at, row.updated_at):
        assert stamp.tzinfo is not None
        assert abs((now - stamp).total_seconds()) < 30, "server default is the current UTC time"
    raw(db, "INSERT INTO nest_auth_roles (id, name) VALUES (?, ?)", new_id(), "raw-role")
    role = Role.get(Role.name == "raw-role")
    assert (role.guard, role.is_system, role.is_active, role.tenant_id) == ("web", False, True, None)


def test_server_side_timestamps_are_utc_whatever_the_session_time_zone(db, dialect):
    if dialect == "postgres":
        raw(db, "SET TIME ZONE 'America/New_York'")
    elif dialect == "mysql":
        raw(db, "SET time_zone = '+05:00'")
    try:
        raw(db, "INSERT INTO nest_auth_tenants (id, name) VALUES (?, ?)", new_id(), "tz")
        created = Tenant.get(Tenant.name == "tz").created_at
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
    user = User.create(email="j@example.com", metadata=value)
    assert User.get_by_id(user.id).metadata == value


def test_non_json_values_are_a_typed_error_and_nothing_is_written(db):
    for bad in ({"when": dt.datetime.now()}, {"x": float("nan")}, {"s": {1, 2}}, {"nul": "a\x00b"}):
        with pytest.raises(errors.InvalidValue):
            User.create(email="bad@example.com", metadata=bad)
    assert User.select().count() == 0


def test_datetimes_round_trip_as_the_same_utc_instant_with_microseconds(db):
    plus_two = dt.timezone(dt.timedelta(hours=2))
    aware = dt.datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=plus_two)
    naive_utc = dt.datetime(2031, 5, 6, 5, 8, 9, 654321)
    user = User.create(email="t@example.com", email_verified_at=aware, phone_verified_at=naive_utc)
    back = User.get_by_id(user.id)
    assert back.email_verified_at == aware
    assert back.email_verified_at.utcoffset() == dt.timedelta(0)
    assert back.email_verified_at.microsecond == 123456
    assert back.phone_verified_at == naive_utc.replace(tzinfo=dt.UTC)
    # Comparisons in SQL see the same instants.
    assert User.select().where(User.email_verified_at < back.phone_verified_at).count() == 1


@pytest.mark.parametrize("field,value,error", [
    ("email", "x" * 256, errors.ValueTooLong),
    ("phone", "1" * 33, errors.ValueTooLong),
    ("email", "nul\x00byte@example.com", errors.InvalidValue),
    ("mfa_recovery_code", "y" * 300, errors.ValueTooLong),
], ids=["email-256", "phone-33", "email-nul", "recovery-300"])
def test_overlong_or_nul_strings_are_typed_errors_never_truncated(db, field, value, error):
    with pytest.raises(error) as caught:
        User.create(**{"email": "ok@example.com", field: value})
    assert field in str(caught.value)
    assert User.select().count() == 0


@pytest.mark.parametrize("dialect", ["postgres", "mysql"], indirect=True)
def test_an_overlong_value_in_raw_sql_is_refused_by_the_server(db):
    # SQLite does not enforce VARCHAR lengths at all; there the models' check is the guard.
    with pytest.raises(errors.ValueTooLong):
        raw(db, "INSERT INTO nest_auth_users (id, email) VALUES (?, ?)", new_id(), "x" * 300)


def test_garbage_ids_are_typed_errors(db):
    with pytest.raises(errors.InvalidValue):
        User.get_or_none(User.id == "not-a-uuid")
    with pytest.raises(errors.InvalidValue):
        Session.create(user="12345", expires_at=LATER)


def test_generated_tenant_key_is_never_written_by_save(db):
    tenant = Tenant.create(name="T", slug="gk")
    membership = Membership.create(user=User.create(email="k@example.com"), tenant=tenant)
    loaded = Membership.get_by_id(membership.id)
    assert loaded.tenant_key  # read back from the database
    loaded.status = "inactive"
    loaded.save()  # would fail on every dialect if tenant_key were written
    assert Membership.get_by_id(membership.id).status == "inactive"


def test_updated_at_moves_on_save_and_created_at_does_not(db):
    user = User.create(email="u@example.com")
    first = User.get_by_id(user.id)
    first.phone = "+15550111"
    first.save()
    again = User.get_by_id(user.id)
    assert again.created_at == first.created_at
    assert again.updated_at >= first.created_at


def test_the_app_user_profile_cascades_with_the_auth_user(db):
    from app_models import AppUser

    nestauth_peewee.create_tables([AppUser])
    try:
        user = User.create(email="profile@example.com")
        AppUser.create(user=user, display_name="Pat")
        assert AppUser.get_by_id(user.id).display_name == "Pat"
        user.delete_instance()
        assert AppUser.select().count() == 0
    finally:
        AppUser.drop_table()


def test_identifiers_compare_exactly_on_every_dialect(db):
    """Binary collation on MySQL: no case- or accent-folding collisions, as on PG and SQLite."""
    User.create(email="bob@example.com")
    User.create(email="böb@example.com")  # a different mailbox, not a duplicate
    user = User.get(User.email == "bob@example.com")
    Identity.create(user=user, provider="github", provider_id="AbC")
    Identity.create(user=user, provider="github", provider_id="abc")  # case-sensitive subjects
    assert Identity.select().where(Identity.provider_id == "abc").count() == 1
    Role.create(name="Admin")
    Role.create(name="admin")
    assert User.select().where(User.email == "BOB@example.com").count() == 0
