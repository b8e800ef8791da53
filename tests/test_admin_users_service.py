"""AdminUserService on every dialect: create, login, token version, last-admin rule, events."""

from __future__ import annotations

import uuid

import argon2
import pytest
from support import CHEAP_SETTINGS, PASSWORD, run_together

from nestauth_peewee import AdminUser, AdminUserService, Argon2Params, Settings, errors


def test_create_stores_a_lower_cased_email_and_an_argon2id_hash(admins, recorder):
    admin = admins.create(email=" Root@Example.COM", password=PASSWORD, name="Root")
    row = AdminUser.get_by_id(admin.id)
    assert row.email == "root@example.com"
    assert argon2.extract_parameters(row.password_hash).type is argon2.Type.ID
    assert PASSWORD not in row.password_hash
    assert recorder.names() == ["admin-created"]
    assert recorder.of("admin-created")[0]["admin"].email == "root@example.com"


def test_admin_emails_are_unique_whatever_their_case(admins):
    admins.create(email="root@example.com", password=PASSWORD)
    with pytest.raises(errors.AdminEmailAlreadyExists) as info:
        admins.create(email="ROOT@example.com", password=PASSWORD)
    assert info.value.code == "ADMIN_EMAIL_ALREADY_EXISTS"
    assert AdminUser.select().count() == 1


@pytest.mark.parametrize(("email", "password", "error"), [
    ("root@example.com", "short", errors.PasswordPolicyViolation),
    ("not-an-email", PASSWORD, errors.InvalidEmail),
    ("", PASSWORD, errors.InvalidEmail),
    (None, PASSWORD, errors.InvalidEmail),
])
def test_create_refuses_bad_input_with_typed_errors(admins, email, password, error):
    with pytest.raises(error):
        admins.create(email=email, password=password)
    assert AdminUser.select().count() == 0


def test_authenticate_sets_last_login_and_refuses_wrong_or_unknown(admins, monkeypatch):
    admin = admins.create(email="root@example.com", password=PASSWORD)
    assert AdminUser.get_by_id(admin.id).last_login_at is None
    assert admins.authenticate(email="ROOT@example.com", password=PASSWORD).id == admin.id
    assert AdminUser.get_by_id(admin.id).last_login_at is not None
    with pytest.raises(errors.InvalidCredentials):
        admins.authenticate(email="root@example.com", password="wrong password")
    dummy_calls = []
    monkeypatch.setattr(admins.hasher, "dummy_verify", dummy_calls.append)
    with pytest.raises(errors.InvalidCredentials):
        admins.authenticate(email="ghost@example.com", password="guess")
    assert dummy_calls == ["guess"]


def test_admin_login_upgrades_a_hash_made_with_other_parameters(db):
    AdminUserService(CHEAP_SETTINGS).create(email="root@example.com", password=PASSWORD)
    stronger = AdminUserService(Settings(argon2=Argon2Params(memory_cost=2048, time_cost=2, parallelism=1)))
    stronger.authenticate(email="root@example.com", password=PASSWORD)
    stored = AdminUser.get(AdminUser.email == "root@example.com").password_hash
    assert stored.startswith("$argon2id$v=19$m=2048,t=2,p=1$")


def test_password_changes_and_revoke_all_bump_the_token_version(admins, recorder):
    admin = admins.create(email="root@example.com", password=PASSWORD)
    assert admin.token_version == 0
    with pytest.raises(errors.CurrentPasswordIncorrect):
        admins.change_password(admin.id, "wrong", "another admin passphrase")
    with pytest.raises(errors.NewPasswordSameAsCurrent):
        admins.change_password(admin.id, PASSWORD, PASSWORD)
    assert admins.change_password(admin.id, PASSWORD, "another admin passphrase").token_version == 1
    assert admins.set_password(admin.id, "a third admin passphrase").token_version == 2
    assert admins.revoke_all_sessions(admin.id).token_version == 3
    assert AdminUser.get_by_id(admin.id).token_version == 3
    assert admins.authenticate(email="root@example.com", password="a third admin passphrase")
    text = repr(recorder)
    assert "$argon2" not in text and "passphrase" not in text and PASSWORD not in text


def test_update_changes_name_email_and_metadata_only(admins, recorder):
    admin = admins.create(email="root@example.com", password=PASSWORD)
    recorder.clear()
    admins.update(admin.id, name="Ops", email="OPS@example.com", metadata={"team": "infra"})
    row = AdminUser.get_by_id(admin.id)
    assert (row.name, row.email, row.metadata) == ("Ops", "ops@example.com", {"team": "infra"})
    assert recorder.of("admin-updated")[0]["changed"] == ["email", "metadata", "name"]
    with pytest.raises(errors.InvalidValue, match="password"):
        admins.update(admin.id, password_hash="x")


def test_the_last_admin_cannot_be_deleted(admins, recorder):
    first = admins.create(email="a@example.com", password=PASSWORD)
    second = admins.create(email="b@example.com", password=PASSWORD)
    recorder.clear()
    snapshot = admins.delete(first.id)
    assert snapshot.email == "a@example.com"
    with pytest.raises(errors.LastAdminUser) as info:
        admins.delete(second.id)
    assert info.value.code == "LAST_ADMIN_USER"
    assert [a.email for a in AdminUser.select()] == ["b@example.com"]
    assert recorder.names() == ["admin-deleted"]
    with pytest.raises(errors.AdminUserNotFound):
        admins.delete(uuid.uuid4())


def test_two_concurrent_deletes_of_the_last_two_admins_leave_one(db, admins):
    ids = [admins.create(email=f"{n}@example.com", password=PASSWORD).id for n in ("a", "b")]

    def outcome(result: object) -> str:
        if isinstance(result, errors.NestAuthError):
            return result.code
        return repr(result) if isinstance(result, BaseException) else "deleted"

    outcomes = [outcome(result) for result in run_together(db, 2, lambda i: admins.delete(ids[i]))]
    assert sorted(outcomes) == ["LAST_ADMIN_USER", "deleted"]
    assert AdminUser.select().count() == 1


def test_list_pages_admins(admins):
    for n in range(3):
        admins.create(email=f"admin{n}@example.com", password=PASSWORD)
    page = admins.list(limit=2)
    assert (page.total, len(page.items), page.pages) == (3, 2, 2)
    assert admins.get_by_email("ADMIN0@example.com").email == "admin0@example.com"
    with pytest.raises(errors.AdminUserNotFound):
        admins.get_by_email("nobody@example.com")
