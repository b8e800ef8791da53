"""UserService on every dialect: create, login, read, update, verify, passwords, delete, events."""

from __future__ import annotations

import uuid
from datetime import timedelta

import argon2
import pytest
from support import CHEAP_SETTINGS, PASSWORD, USER_OWNED, give_rows_everywhere, row_counts, table_state

from nestauth_peewee import (
    Argon2Params,
    Identity,
    Membership,
    MembershipRole,
    Permission,
    Role,
    RolePermission,
    Session,
    Settings,
    StaffAccessRole,
    Tenant,
    User,
    UserService,
    errors,
)
from nestauth_peewee.fields import utcnow
from nestauth_peewee.repositories import memberships as memberships_repo
from nestauth_peewee.unit_of_work import transaction


def _seed_people(users):
    ann = users.create(email="ann@example.com", email_verified=True)
    ben = users.create(email="ben_1@example.com", phone="5550101")
    cat = users.create(email="cat%@example.com", is_active=False, phone="5550102", phone_verified=True)
    acme = Tenant.create(name="Acme", slug="acme")
    admin_role = Role.create(name="admin", tenant=acme)
    membership = memberships_repo.ensure(ben.id, acme.id)
    MembershipRole.create(membership=membership, role=admin_role)
    memberships_repo.ensure(cat.id, acme.id)
    return ann, ben, cat, acme


def _add_session(user_id):
    return Session.create(user=user_id, refresh_token_hash=uuid.uuid4().hex,
                          expires_at=utcnow() + timedelta(days=1))


class TestCreate:
    """register / create: hashing, identities, memberships, duplicates, nothing half-written."""

    def test_register_stores_an_argon2id_hash_never_the_password(self, users):
        user = users.register(email="bob@example.com", password=PASSWORD)
        row = User.get_by_id(user.id)
        assert row.password_hash.startswith("$argon2id$v=19$")
        assert PASSWORD not in row.password_hash
        assert argon2.extract_parameters(row.password_hash).type is argon2.Type.ID

    def test_register_links_the_email_identity_and_a_global_membership_in_one_go(self, users, recorder):
        user = users.register(email="Bob@Example.COM ", password=PASSWORD)
        identity = Identity.get(Identity.user == user.id)
        assert (identity.provider, identity.provider_id) == ("email", "bob@example.com")
        membership = Membership.get(Membership.user == user.id)
        assert membership.tenant_id is None and membership.status == "active"
        assert recorder.names() == ["user-created"]
        payload = recorder.of("user-created")[0]
        assert payload["user"].email == "bob@example.com" and payload["user_id"] == user.id

    def test_register_with_a_tenant_makes_the_membership_for_that_tenant(self, users):
        tenant = Tenant.create(name="Acme", slug="acme")
        user = users.register(email="bob@example.com", password=PASSWORD, tenant_id=str(tenant.id))
        assert [m.tenant_id for m in Membership.select().where(Membership.user == user.id)] == [tenant.id]

    def test_phone_login_links_a_phone_identity(self, db):
        service = UserService(Settings(argon2=CHEAP_SETTINGS.argon2, phone_login=True))
        user = service.register(phone="+1 (555) 010-9999", password=PASSWORD)
        assert user.phone == "+15550109999" and user.email is None
        assert [(i.provider, i.provider_id) for i in service.identities(user)] == [("phone", "+15550109999")]

    def test_without_phone_login_no_phone_identity_is_made(self, users):
        user = users.register(email="bob@example.com", phone="5550100", password=PASSWORD)
        assert [i.provider for i in users.identities(user)] == ["email"]

    def test_create_needs_an_email_or_a_phone(self, users):
        for kwargs in ({}, {"email": "  ", "phone": " - "}, {"email": None, "password": PASSWORD}):
            with pytest.raises(errors.EmailOrPhoneRequired) as info:
                users.create(**kwargs)
            assert info.value.code == "EMAIL_OR_PHONE_REQUIRED"
        assert User.select().count() == 0

    def test_create_can_set_flags_and_verification(self, users):
        user = users.create(email="ops@example.com", password=PASSWORD, email_verified=True,
                            must_change_password=True, is_active=False, metadata={"plan": "pro"})
        row = User.get_by_id(user.id)
        assert row.email_verified_at is not None and row.phone_verified_at is None
        assert row.must_change_password and not row.is_active and row.metadata == {"plan": "pro"}

    def test_a_passwordless_account_has_no_hash(self, users):
        user = users.register(email="otp-only@example.com")
        assert User.get_by_id(user.id).password_hash is None
        with pytest.raises(errors.InvalidCredentials):
            users.authenticate(email="otp-only@example.com", password="")

    def test_mixed_case_and_padded_emails_are_one_account_for_create_lookup_and_login(self, users):
        user = users.register(email="Bob@Example.COM ", password=PASSWORD)
        assert user.email == "bob@example.com"
        with pytest.raises(errors.EmailAlreadyExists) as info:
            users.register(email="bob@example.com", password=PASSWORD)
        assert info.value.code == "EMAIL_ALREADY_EXISTS"
        assert users.get_by_email("bob@example.com").id == user.id
        assert users.get_by_email("  BOB@example.com").id == user.id
        assert users.authenticate(email="bob@example.com", password=PASSWORD).id == user.id
        assert users.authenticate(email="Bob@Example.COM ", password=PASSWORD).id == user.id
        assert User.select().count() == 1

    def test_a_duplicate_phone_is_phone_already_exists(self, users):
        users.register(phone="+44 20 7946 0958")
        with pytest.raises(errors.PhoneAlreadyExists) as info:
            users.register(phone="+44-20-7946-0958", email="other@example.com")
        assert info.value.code == "PHONE_ALREADY_EXISTS"
        assert users.get_by_phone("+44 (20) 7946.0958").phone == "+442079460958"
        assert User.select().count() == 1

    def test_a_duplicate_leaves_nothing_half_written_and_emits_nothing(self, users, recorder):
        users.register(email="bob@example.com", password=PASSWORD)
        before = table_state()
        recorder.clear()
        with pytest.raises(errors.EmailAlreadyExists):
            users.register(email="BOB@example.com", phone="5550100", password=PASSWORD)
        assert table_state() == before
        assert recorder == []
        # The connection is usable afterwards (PostgreSQL aborted the transaction, it was rolled back).
        users.register(email="carol@example.com", password=PASSWORD)
        assert User.select().count() == 2

    def test_a_duplicate_inside_an_app_transaction_rolls_back_only_its_savepoint(self, users, recorder):
        with transaction():
            users.register(email="ann@example.com")
            with pytest.raises(errors.EmailAlreadyExists):
                users.register(email="ann@example.com")
            users.register(email="ben@example.com")
            assert recorder == []  # nothing before the outer commit
        assert sorted(u.email for u in User.select()) == ["ann@example.com", "ben@example.com"]
        assert recorder.names() == ["user-created", "user-created"]

    def test_an_exception_after_the_user_row_was_written_leaves_no_row_and_no_event(self, users, recorder, monkeypatch):
        def explode(user_id, tenant_id):
            assert User.select().where(User.id == user_id).exists()  # the row was written
            raise RuntimeError("boom after the insert")

        monkeypatch.setattr(memberships_repo, "ensure", explode)
        with pytest.raises(RuntimeError):
            users.register(email="bob@example.com", password=PASSWORD)
        assert row_counts() == dict.fromkeys(row_counts(), 0)
        assert recorder == []

    def test_an_unknown_tenant_is_a_typed_error_and_leaves_no_user(self, users, recorder):
        with pytest.raises(errors.ReferenceNotFound):
            users.register(email="bob@example.com", tenant_id=uuid.uuid4())
        assert User.select().count() == 0 and Identity.select().count() == 0
        assert recorder == []


class TestAuthenticate:
    """authenticate: wrong passwords, unknown accounts, inactive accounts, hash upgrades."""

    def test_login_with_a_wrong_password_or_unknown_account_is_invalid_credentials(self, users):
        users.register(email="bob@example.com", password=PASSWORD)
        for email, password in (("bob@example.com", "wrong password"), ("nobody@example.com", PASSWORD)):
            with pytest.raises(errors.InvalidCredentials) as info:
                users.authenticate(email=email, password=password)
            assert info.value.code == "INVALID_CREDENTIALS"

    def test_login_for_an_unknown_account_runs_the_dummy_verification(self, users, monkeypatch):
        calls = []
        monkeypatch.setattr(users.hasher, "dummy_verify", lambda password: calls.append(password))
        with pytest.raises(errors.InvalidCredentials):
            users.authenticate(email="nobody@example.com", password="guess")
        assert calls == ["guess"]

    def test_login_by_phone(self, users):
        user = users.register(phone="+1 555 010 9999", password=PASSWORD)
        assert users.authenticate(phone="+1-555-010-9999", password=PASSWORD).id == user.id

    def test_login_to_a_deactivated_account_is_account_inactive(self, users):
        user = users.register(email="bob@example.com", password=PASSWORD)
        users.deactivate(user.id)
        with pytest.raises(errors.AccountInactive):
            users.authenticate(email="bob@example.com", password=PASSWORD)
        with pytest.raises(errors.InvalidCredentials):  # a wrong password says nothing about the state
            users.authenticate(email="bob@example.com", password="wrong password")

    def test_login_with_changed_parameters_upgrades_the_stored_hash(self, db, recorder):
        old = UserService(CHEAP_SETTINGS)
        user = old.register(email="bob@example.com", password=PASSWORD)
        stored = User.get_by_id(user.id).password_hash
        recorder.clear()
        stronger = UserService(Settings(argon2=Argon2Params(memory_cost=2048, time_cost=2, parallelism=1)))
        stronger.authenticate(email="bob@example.com", password=PASSWORD)
        upgraded = User.get_by_id(user.id).password_hash
        assert upgraded != stored
        assert upgraded.startswith("$argon2id$v=19$m=2048,t=2,p=1$")
        assert recorder == []  # a rehash is not an event
        stronger.authenticate(email="bob@example.com", password=PASSWORD)
        assert User.get_by_id(user.id).password_hash == upgraded  # stable once current

    def test_login_with_the_real_default_parameters_upgrades_a_cheap_hash(self, db):
        user = UserService(CHEAP_SETTINGS).register(email="bob@example.com", password=PASSWORD)
        UserService().authenticate(email="bob@example.com", password=PASSWORD)
        params = argon2.extract_parameters(User.get_by_id(user.id).password_hash)
        assert (params.memory_cost, params.time_cost, params.parallelism) == (65536, 3, 4)

    def test_a_wrong_password_never_upgrades_the_hash(self, db):
        UserService(CHEAP_SETTINGS).register(email="bob@example.com", password=PASSWORD)
        stored = User.get(User.email == "bob@example.com").password_hash
        stronger = UserService(Settings(argon2=Argon2Params(memory_cost=2048, time_cost=1, parallelism=1)))
        with pytest.raises(errors.InvalidCredentials):
            stronger.authenticate(email="bob@example.com", password="wrong")
        assert User.get(User.email == "bob@example.com").password_hash == stored

    def test_a_garbage_stored_hash_fails_login_without_raising_anything_else(self, users):
        user = users.register(email="bob@example.com", password=PASSWORD)
        User.update(password_hash="not-a-hash").where(User.id == user.id).execute()
        with pytest.raises(errors.InvalidCredentials):
            users.authenticate(email="bob@example.com", password=PASSWORD)

    def test_an_accented_lookalike_email_never_finds_or_logs_into_another_account(self, db, users):
        bob = users.register(email="bob@example.com", password=PASSWORD)
        with pytest.raises(errors.UserNotFound):
            users.get_by_email("böb@example.com")
        with pytest.raises(errors.InvalidCredentials):
            users.authenticate(email="BÖB@example.com", password=PASSWORD)
        # Identifier columns compare exactly on every dialect (utf8mb4_bin on MySQL).
        assert users.register(email="böb@example.com", password=PASSWORD).id != bob.id


class TestGet:
    """get / get_by_email / get_by_phone."""

    def test_get_unknown_ids_emails_and_phones_is_user_not_found(self, users):
        for call in (lambda: users.get(uuid.uuid4()), lambda: users.get_by_email("x@example.com"),
                     lambda: users.get_by_phone("5550100"), lambda: users.get_by_email("  ")):
            with pytest.raises(errors.UserNotFound) as info:
                call()
            assert info.value.code == "USER_NOT_FOUND"

    def test_get_with_a_garbage_id_says_it_must_be_a_uuid(self, users):
        with pytest.raises(errors.InvalidValue, match="UUID"):
            users.get("not-a-uuid")


class TestList:
    """list: filters, search, pagination."""

    def test_list_filters_by_state_verification_tenant_and_role(self, users):
        ann, ben, cat, acme = _seed_people(users)

        def emails(**filters):
            return sorted(u.email for u in users.list(**filters).items)

        assert emails() == ["ann@example.com", "ben_1@example.com", "cat%@example.com"]
        assert emails(is_active=False) == ["cat%@example.com"]
        assert emails(email_verified=True) == ["ann@example.com"]
        assert emails(phone_verified=True) == ["cat%@example.com"]
        assert emails(verified=True) == ["ann@example.com", "cat%@example.com"]
        assert emails(verified=False) == ["ben_1@example.com"]
        assert emails(tenant_id=acme.id) == ["ben_1@example.com", "cat%@example.com"]
        assert emails(role="admin") == ["ben_1@example.com"]
        assert emails(role="admin", tenant_id=str(acme.id)) == ["ben_1@example.com"]
        assert emails(role="nobody") == []

    def test_list_search_treats_like_wildcards_literally(self, users):
        _seed_people(users)

        def emails(search):
            return sorted(u.email for u in users.list(search=search).items)

        assert emails("%") == ["cat%@example.com"]
        assert emails("_") == ["ben_1@example.com"]
        assert emails("N_1") == ["ben_1@example.com"]
        assert emails("!") == []
        assert emails("\\") == []
        assert emails("555010") == ["ben_1@example.com", "cat%@example.com"]
        assert emails("EXAMPLE") == ["ann@example.com", "ben_1@example.com", "cat%@example.com"]

    def test_list_paginates_with_a_total(self, users):
        for i in range(7):
            users.create(email=f"user{i}@example.com")
        first = users.list(limit=3)
        last = users.list(page=3, limit=3)
        assert (first.total, first.pages, len(first.items), len(last.items)) == (7, 3, 3, 1)
        seen = {u.id for p in (1, 2, 3) for u in users.list(page=p, limit=3).items}
        assert len(seen) == 7

    @pytest.mark.parametrize("args", [{"limit": 101}, {"limit": 0}, {"page": 0}, {"page": "2"}, {"limit": True}])
    def test_list_refuses_bad_pagination(self, users, args):
        with pytest.raises(errors.InvalidValue):
            users.list(**args)


class TestUpdate:
    """update: contacts, identities, verification cleared, what it refuses."""

    def test_changing_the_email_relinks_the_identity_and_clears_verification(self, users, recorder):
        user = users.create(email="bob@example.com", email_verified=True)
        recorder.clear()
        users.update(user.id, email=" Robert@Example.com ")
        row = User.get_by_id(user.id)
        assert row.email == "robert@example.com" and row.email_verified_at is None
        assert [(i.provider, i.provider_id) for i in users.identities(user)] == [("email", "robert@example.com")]
        assert recorder.of("user-updated")[0]["changed"] == ["email", "email_verified_at"]

    def test_changing_the_phone_clears_its_verification(self, users):
        user = users.create(email="bob@example.com", phone="5550100", phone_verified=True)
        users.update(user, phone="5550199")
        row = User.get_by_id(user.id)
        assert row.phone == "5550199" and row.phone_verified_at is None

    def test_an_update_to_the_same_normalised_value_changes_nothing_and_emits_nothing(self, users, recorder):
        user = users.create(email="bob@example.com", email_verified=True)
        recorder.clear()
        users.update(user.id, email="BOB@example.com ")
        assert User.get_by_id(user.id).email_verified_at is not None
        assert recorder == []

    def test_an_update_to_a_taken_email_is_email_already_exists_and_changes_nothing(self, users, recorder):
        users.create(email="ann@example.com")
        ben = users.create(email="ben@example.com", metadata={"a": 1})
        before = table_state()
        recorder.clear()
        with pytest.raises(errors.EmailAlreadyExists):
            users.update(ben.id, email="ANN@example.com", metadata={"a": 2})
        assert table_state() == before and recorder == []

    def test_removing_the_email_of_a_phone_user_removes_the_email_identity(self, users):
        user = users.create(email="bob@example.com", phone="5550100")
        users.update(user.id, email="")
        assert User.get_by_id(user.id).email is None
        assert users.identities(user) == []
        with pytest.raises(errors.EmailOrPhoneRequired):
            users.update(user.id, phone=None)

    def test_update_never_sets_a_password_and_names_what_it_accepts(self, users):
        user = users.create(email="bob@example.com")
        with pytest.raises(errors.InvalidValue, match="change_password"):
            users.update(user.id, password="new secret value")
        with pytest.raises(errors.InvalidValue, match="accepts"):
            users.update(user.id, is_mfa_enabled=True)

    def test_update_of_an_unknown_user_is_user_not_found(self, users):
        with pytest.raises(errors.UserNotFound):
            users.update(uuid.uuid4(), metadata={})


class TestVerify:
    """verify_email / verify_phone and their undoing."""

    def test_verify_and_unverify_email_and_phone(self, users, recorder):
        user = users.create(email="bob@example.com", phone="5550100")
        users.verify_email(user.id)
        users.verify_email(user.id)  # idempotent: keeps the first timestamp, one event
        users.verify_phone(user.id)
        row = User.get_by_id(user.id)
        assert row.email_verified_at is not None and row.phone_verified_at is not None
        users.unverify_email(user.id)
        users.unverify_phone(user.id)
        row = User.get_by_id(user.id)
        assert row.email_verified_at is None and row.phone_verified_at is None
        changed = [p["changed"] for p in recorder.of("user-updated")]
        assert changed == [["email_verified_at"], ["phone_verified_at"], ["email_verified_at"], ["phone_verified_at"]]

    def test_verifying_a_missing_contact_says_so(self, users):
        user = users.create(email="bob@example.com")
        with pytest.raises(errors.UserHasNoPhone):
            users.verify_phone(user.id)


class TestActivate:
    """deactivate / activate."""

    def test_deactivate_revokes_every_session_and_activate_restores_login(self, users, recorder):
        user = users.register(email="bob@example.com", password=PASSWORD)
        other = users.register(email="other@example.com", password=PASSWORD)
        for _ in range(3):
            _add_session(user.id)
        _add_session(other.id)
        users.deactivate(user.id)
        assert Session.select().where(Session.user == user.id).count() == 0
        assert Session.select().count() == 1
        assert not User.get_by_id(user.id).is_active
        payload = recorder.of("user-updated")[-1]
        assert payload["changed"] == ["is_active"] and payload["sessions_revoked"] == 3
        users.activate(user.id)
        assert users.authenticate(email="bob@example.com", password=PASSWORD).is_active


class TestPasswords:
    """change_password / set_password and the password policy."""

    def test_change_password_checks_the_current_one_and_revokes_sessions(self, users, recorder):
        user = users.register(email="bob@example.com", password=PASSWORD)
        User.update(must_change_password=True).where(User.id == user.id).execute()
        _add_session(user.id)
        with pytest.raises(errors.CurrentPasswordIncorrect) as info:
            users.change_password(user.id, "not my password", "a brand new passphrase")
        assert info.value.code == "CURRENT_PASSWORD_INCORRECT"
        with pytest.raises(errors.NewPasswordSameAsCurrent) as info:
            users.change_password(user.id, PASSWORD, PASSWORD)
        assert info.value.code == "NEW_PASSWORD_SAME_AS_CURRENT"
        with pytest.raises(errors.PasswordPolicyViolation):
            users.change_password(user.id, PASSWORD, "short")
        assert Session.select().count() == 1 and recorder.of("password-changed") == []

        users.change_password(user.id, PASSWORD, "a brand new passphrase")
        row = User.get_by_id(user.id)
        assert not row.must_change_password
        assert Session.select().count() == 0
        assert recorder.of("password-changed")[0]["sessions_revoked"] == 1
        assert users.authenticate(email="bob@example.com", password="a brand new passphrase").id == user.id
        with pytest.raises(errors.InvalidCredentials):
            users.authenticate(email="bob@example.com", password=PASSWORD)

    def test_change_password_without_a_password_yet_is_current_password_incorrect(self, users):
        user = users.register(email="bob@example.com")
        with pytest.raises(errors.CurrentPasswordIncorrect):
            users.change_password(user.id, "", "a brand new passphrase")

    def test_set_password_needs_no_current_password(self, users):
        user = users.register(email="bob@example.com")
        _add_session(user.id)
        users.set_password(user.id, "a brand new passphrase", must_change_password=True)
        assert User.get_by_id(user.id).must_change_password
        assert Session.select().count() == 0
        assert users.authenticate(email="bob@example.com", password="a brand new passphrase")

    def test_register_refuses_a_password_outside_the_policy_with_what_to_fix(self, users):
        with pytest.raises(errors.PasswordPolicyViolation, match="at least 8"):
            users.register(email="bob@example.com", password="1234567")
        with pytest.raises(errors.PasswordPolicyViolation, match="email"):
            users.register(email="bobsmith@example.com", password="bobsmith-is-great")
        assert User.select().count() == 0


class TestDelete:
    """delete: every row that hung off the user goes, a snapshot is sent."""

    def test_deleting_a_user_removes_every_row_that_hung_off_it_and_sends_a_snapshot(self, users, recorder):
        user = users.register(email="bob@example.com", phone="5550100", password=PASSWORD,
                              metadata={"name": "Bob"})
        keep = users.register(email="keep@example.com", password=PASSWORD)
        tenant = Tenant.create(name="Acme", slug="acme")
        role = Role.create(name="editor", tenant=tenant)
        permission = Permission.create(name="posts.edit")
        RolePermission.create(role=role, permission=permission)
        users.link_identity(user.id, "github", "583231")
        give_rows_everywhere(user.id, role)
        recorder.clear()

        snapshot = users.delete(user.id)

        for model in USER_OWNED:
            assert model.select().where(model.user == user.id).count() == 0, model.__name__
        assert MembershipRole.select().count() == 0 and StaffAccessRole.select().count() == 0
        assert User.select().where(User.id == user.id).count() == 0
        assert users.get(keep.id)  # the other user is untouched
        assert (Tenant.select().count(), Role.select().count(), RolePermission.select().count()) == (1, 1, 1)

        assert recorder.names() == ["user-deleted"]
        payload = recorder.of("user-deleted")[0]
        assert payload["user_id"] == user.id
        assert payload["snapshot"]["email"] == "bob@example.com"
        assert payload["snapshot"]["metadata"] == {"name": "Bob"}
        assert "password_hash" not in payload["snapshot"]
        assert snapshot.email == "bob@example.com"

    def test_deleting_an_unknown_user_is_user_not_found(self, users, recorder):
        with pytest.raises(errors.UserNotFound):
            users.delete(uuid.uuid4())
        assert recorder == []


class TestIdentities:
    """link_identity / unlink_identity / get_by_identity."""

    def test_link_find_and_unlink_a_provider_identity(self, users, recorder):
        user = users.register(email="bob@example.com")
        recorder.clear()
        identity = users.link_identity(user.id, "GitHub", "583231", metadata={"login": "bob"})
        assert identity.provider == "github"
        assert users.link_identity(user.id, "github", "583231").id == identity.id  # idempotent
        assert users.get_by_identity("github", "583231").id == user.id
        assert users.unlink_identity(user.id, "github") == 1
        with pytest.raises(errors.UserNotFound):
            users.get_by_identity("github", "583231")
        with pytest.raises(errors.IdentityNotFound):
            users.unlink_identity(user.id, "github")
        assert recorder.names() == ["identity-linked", "identity-unlinked"]

    def test_one_provider_account_links_to_one_user_only(self, users, recorder):
        bob = users.register(email="bob@example.com")
        eve = users.register(email="eve@example.com")
        users.link_identity(bob.id, "google", "1122")
        recorder.clear()
        with pytest.raises(errors.IdentityAlreadyLinked) as info:
            users.link_identity(eve.id, "google", "1122")
        assert info.value.code == "IDENTITY_ALREADY_LINKED"
        assert recorder == []
        assert users.get_by_identity("google", "1122").id == bob.id

    def test_provider_ids_are_compared_exactly(self, users):
        bob = users.register(email="bob@example.com")
        users.link_identity(bob.id, "okta", "AbC123")
        with pytest.raises(errors.UserNotFound):
            users.get_by_identity("okta", "abc123")

    def test_the_email_identity_cannot_be_linked_or_unlinked_by_hand(self, users):
        bob = users.register(email="bob@example.com")
        with pytest.raises(errors.InvalidValue, match="update"):
            users.link_identity(bob.id, "email", "other@example.com")
        with pytest.raises(errors.InvalidValue):
            users.unlink_identity(bob.id, "email")

    def test_linking_to_an_unknown_user_is_user_not_found(self, users):
        with pytest.raises(errors.UserNotFound):
            users.link_identity(uuid.uuid4(), "github", "1")


class TestEvents:
    """What every user event carries and never carries."""

    def test_no_event_payload_carries_a_password_or_a_hash(self, users, recorder):
        user = users.register(email="bob@example.com", password=PASSWORD)
        users.update(user.id, metadata={"k": "v"}, email="robert@example.com")
        users.verify_email(user.id)
        users.change_password(user.id, PASSWORD, "second passphrase here")
        users.set_password(user.id, "third passphrase here")
        users.link_identity(user.id, "github", "42")
        users.unlink_identity(user.id, "github")
        users.deactivate(user.id)
        users.delete(user.id)
        assert {"user-created", "user-updated", "password-changed", "identity-linked", "identity-unlinked",
                "user-deleted"} <= set(recorder.names())
        text = repr(recorder)
        for secret in (PASSWORD, "second passphrase here", "third passphrase here", "$argon2"):
            assert secret not in text
