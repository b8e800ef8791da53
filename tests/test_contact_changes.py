"""Verified contact changes and recent authentication (issue 18, item 4), on every dialect."""

from __future__ import annotations

from datetime import timedelta

import pytest
from support import CHEAP, KEY, run_together

from nestauth_peewee import errors
from nestauth_peewee.config import Settings
from nestauth_peewee.fields import utcnow
from nestauth_peewee.models import Identity, Otp, Session, User
from nestauth_peewee.services.blocked_domains import BlockedDomainService
from nestauth_peewee.services.bundle import AuthServices


@pytest.fixture
def auth(db) -> AuthServices:
    return AuthServices(Settings(secret_key=KEY, argon2=CHEAP, phone_login=True))


@pytest.fixture
def bob(auth):
    return auth.users.create(email="bob@example.com", phone="+15550100", password="a long passphrase",
                             email_verified=True)


def _code_sent(recorded, otp_type):
    sent = [p for n, p in recorded if n == "otp-requested" and p["type"] == otp_type]
    assert len(sent) == 1
    return sent[0]


def _age(session_id, **delta) -> None:
    """Move the session's proofs into the past (no sleeping)."""
    then = utcnow() - timedelta(**delta)
    Session.update(authenticated_at=then, mfa_authenticated_at=then).where(Session.id == session_id).execute()


# --- the email change ------------------------------------------------------------------------------


def test_a_new_email_counts_only_once_the_code_sent_to_it_comes_back(auth, bob, recorded):
    recorded.clear()
    issued = auth.contact_changes.request_email_change(bob.id, " New@Example.org ")
    sent = _code_sent(recorded, "email_change")
    assert sent["email"] == "new@example.org" and sent["phone"] is None and sent["code"] == issued.code
    (notice,) = [p for n, p in recorded if n == "contact-change-requested"]
    assert notice["old_value"] == "bob@example.com" and notice["new_value"] == "new@example.org"
    assert notice["user"].email == "bob@example.com" and issued.code not in repr(notice)
    row = Otp.get(Otp.user == bob.id, Otp.type == "email_change")
    assert row.target == "new@example.org" and issued.code not in row.code_hash  # an HMAC, never the code

    # Meanwhile the account keeps its old address for everything.
    assert auth.users.get(bob.id).email == "bob@example.com"
    assert auth.users.authenticate(email="bob@example.com", password="a long passphrase").id == bob.id
    assert auth.users.lookup(email="new@example.org") is None
    assert [(p.kind, p.value) for p in auth.contact_changes.pending(bob.id)] == [("email", "new@example.org")]

    recorded.clear()
    user = auth.contact_changes.confirm_email_change(bob.id, issued.code)
    stored = User.get_by_id(bob.id)
    assert user.email == stored.email == "new@example.org" and stored.email_verified_at is not None
    assert Identity.get(Identity.user == bob.id, Identity.provider == "email").provider_id == "new@example.org"
    assert auth.users.authenticate(email="new@example.org", password="a long passphrase").id == bob.id
    names = [n for n, _ in recorded]
    assert names == ["contact-changed", "user-updated"]
    assert recorded[0][1]["old_value"] == "bob@example.com" and recorded[0][1]["new_value"] == "new@example.org"
    assert auth.contact_changes.pending(bob.id) == []
    with pytest.raises(errors.VerificationCodeInvalid):  # single use
        auth.contact_changes.confirm_email_change(bob.id, issued.code)


def test_wrong_codes_are_counted_and_an_expired_one_is_refused(auth, bob, clock):
    issued = auth.contact_changes.request_email_change(bob.id, "new@example.org")
    wrong = "000000" if issued.code != "000000" else "111111"
    for _ in range(auth.settings.otp_max_attempts):
        with pytest.raises(errors.VerificationCodeInvalid):
            auth.contact_changes.confirm_email_change(bob.id, wrong)
    with pytest.raises(errors.VerificationCodeInvalid):  # no attempt left: even the right code is dead
        auth.contact_changes.confirm_email_change(bob.id, issued.code)
    assert User.get_by_id(bob.id).email == "bob@example.com"

    again = auth.contact_changes.request_email_change(bob.id, "new@example.org")
    Otp.update(expires_at=utcnow() - timedelta(seconds=1)).where(Otp.id == again.otp.id).execute()
    with pytest.raises(errors.VerificationCodeExpired):
        auth.contact_changes.confirm_email_change(bob.id, again.code)
    assert auth.contact_changes.pending(bob.id) == []


def test_a_newer_request_replaces_the_older_and_cancel_drops_it(auth, bob):
    first = auth.contact_changes.request_email_change(bob.id, "one@example.org")
    second = auth.contact_changes.request_email_change(bob.id, "two@example.org")
    with pytest.raises(errors.VerificationCodeInvalid):
        auth.contact_changes.confirm_email_change(bob.id, first.code)
    assert auth.contact_changes.cancel(bob.id, "email") is True
    assert auth.contact_changes.cancel(bob.id, "email") is False
    with pytest.raises(errors.VerificationCodeInvalid):
        auth.contact_changes.confirm_email_change(bob.id, second.code)
    assert User.get_by_id(bob.id).email == "bob@example.com"


def test_codes_sent_to_one_address_are_counted_across_accounts_until_a_change_to_it_is_confirmed(db, bob):
    from nestauth_peewee.config import ThrottlePolicy
    from nestauth_peewee.models import LoginThrottle

    strict = AuthServices(Settings(secret_key=KEY, argon2=CHEAP, phone_login=True,
                                   code_throttle=ThrottlePolicy(free_failures=2, lock_after=3)))
    eve = strict.users.create(email="eve@example.com", password="another long passphrase")
    strict.contact_changes.request_email_change(bob.id, "victim@example.com")
    strict.contact_changes.request_email_change(eve.id, "victim@example.com")  # another account: the same count
    with pytest.raises(errors.AccountLocked):  # no third code to that address for a while
        strict.contact_changes.request_email_change(eve.id, "victim@example.com")
    strict.contact_changes.request_email_change(bob.id, "bob.new@example.com")  # other addresses are not held up
    assert LoginThrottle.select().where(LoginThrottle.scope == "contact_change_request").count() == 2
    issued = strict.contact_changes.request_email_change(bob.id, "bob.newer@example.com")
    strict.contact_changes.confirm_email_change(bob.id, issued.code)
    assert LoginThrottle.select().where(LoginThrottle.scope == "contact_change_request").count() == 2  # newer's gone
    assert strict.users.unlock(email="victim@example.com") == 1  # an admin's unlock frees the address
    strict.contact_changes.request_email_change(eve.id, "victim@example.com")


def test_setting_the_contact_directly_drops_its_pending_change(auth, bob):
    email = auth.contact_changes.request_email_change(bob.id, "asked@example.com")
    phone = auth.contact_changes.request_phone_change(bob.id, "+15550177")
    auth.users.update(bob.id, email="set.by.admin@example.com")  # newer than the request: it wins
    with pytest.raises(errors.VerificationCodeInvalid):
        auth.contact_changes.confirm_email_change(bob.id, email.code)
    assert User.get_by_id(bob.id).email == "set.by.admin@example.com"
    assert [c.kind for c in auth.contact_changes.pending(bob.id)] == ["phone"]  # the other contact's stays
    auth.contact_changes.confirm_phone_change(bob.id, phone.code)


def test_the_code_is_bound_to_the_address_it_was_sent_to(auth, bob):
    issued = auth.contact_changes.request_email_change(bob.id, "new@example.org")
    Otp.update(target="intruder@example.org").where(Otp.id == issued.otp.id).execute()
    with pytest.raises(errors.VerificationCodeInvalid):
        auth.contact_changes.confirm_email_change(bob.id, issued.code)
    assert User.get_by_id(bob.id).email == "bob@example.com"


def test_blocked_domains_are_checked_at_request_and_again_at_confirmation(auth, bob):
    blocked = BlockedDomainService(auth.settings)
    blocked.add("spam.example")
    with pytest.raises(errors.EmailDomainBlocked):
        auth.contact_changes.request_email_change(bob.id, "me@mail.spam.example")
    issued = auth.contact_changes.request_email_change(bob.id, "me@later.example")
    blocked.add("later.example")
    with pytest.raises(errors.EmailDomainBlocked):
        auth.contact_changes.confirm_email_change(bob.id, issued.code)
    assert User.get_by_id(bob.id).email == "bob@example.com"
    assert Otp.get_by_id(issued.otp.id).attempts == 0  # nothing half-written: not even the attempt


def test_an_address_taken_meanwhile_is_a_typed_error_and_changes_nothing(auth, bob):
    auth.users.create(email="taken@example.org")
    with pytest.raises(errors.EmailAlreadyExists):  # what UserService.update reveals too
        auth.contact_changes.request_email_change(bob.id, "taken@example.org")
    issued = auth.contact_changes.request_email_change(bob.id, "free@example.org")
    auth.users.register(email="free@example.org")  # a concurrent sign-up wins the address
    with pytest.raises(errors.EmailAlreadyExists):
        auth.contact_changes.confirm_email_change(bob.id, issued.code)
    stored = User.get_by_id(bob.id)
    assert stored.email == "bob@example.com" and stored.email_verified_at is not None
    assert Identity.get(Identity.user == bob.id, Identity.provider == "email").provider_id == "bob@example.com"
    with pytest.raises(errors.InvalidValue):
        auth.contact_changes.request_email_change(bob.id, "BOB@example.com")  # already its own


def test_a_deactivated_account_can_neither_request_nor_confirm(auth, bob):
    issued = auth.contact_changes.request_email_change(bob.id, "new@example.org")
    auth.users.deactivate(bob.id)
    with pytest.raises(errors.VerificationCodeInvalid):
        auth.contact_changes.confirm_email_change(bob.id, issued.code)
    with pytest.raises(errors.AccountInactive):
        auth.contact_changes.request_email_change(bob.id, "other@example.org")
    assert User.get_by_id(bob.id).email == "bob@example.com"


def test_two_concurrent_confirmations_of_one_code_change_the_address_once(auth, bob, db, recorded):
    issued = auth.contact_changes.request_email_change(bob.id, "new@example.org")
    recorded.clear()
    results = run_together(db, 3, lambda i: auth.contact_changes.confirm_email_change(bob.id, issued.code))
    wins = [r for r in results if isinstance(r, User)]
    assert len(wins) == 1, results
    assert all(isinstance(r, errors.VerificationCodeInvalid) for r in results if r not in wins), results
    assert [n for n, _ in recorded].count("contact-changed") == 1


def test_a_phone_change_works_the_same_way(auth, bob, recorded):
    recorded.clear()
    issued = auth.contact_changes.request_phone_change(bob.id, "+1 (555) 0199")
    sent = _code_sent(recorded, "phone_change")
    assert sent["phone"] == "+15550199" and sent["email"] is None
    assert auth.users.get_by_phone("+15550100").id == bob.id
    user = auth.contact_changes.confirm_phone_change(bob.id, issued.code)
    assert user.phone == "+15550199" and User.get_by_id(bob.id).phone_verified_at is not None
    assert Identity.get(Identity.user == bob.id, Identity.provider == "phone").provider_id == "+15550199"
    with pytest.raises(errors.VerificationCodeInvalid):  # an email_change confirmation is not a phone's
        auth.contact_changes.confirm_email_change(bob.id, issued.code)


# --- recent authentication -----------------------------------------------------------------------


def test_sessions_record_when_they_were_authenticated_and_refresh_keeps_it(auth, bob):
    plain = auth.sessions.create(bob.id)
    strong = auth.sessions.create(bob.id, mfa_authenticated=True)
    row = Session.get_by_id(plain.session.id)
    assert row.authenticated_at is not None and row.mfa_authenticated_at is None
    assert Session.get_by_id(strong.session.id).mfa_authenticated_at is not None
    _age(strong.session.id, hours=1)
    before = Session.get_by_id(strong.session.id)
    auth.sessions.refresh(strong.refresh_token)
    after = Session.get_by_id(strong.session.id)
    assert (after.authenticated_at, after.mfa_authenticated_at) == (before.authenticated_at,
                                                                    before.mfa_authenticated_at)


def test_require_recent_refuses_an_old_sign_in_until_a_step_up(auth, bob):
    issued = auth.sessions.create(bob.id)
    sid = issued.session.id
    assert auth.sessions.require_recent(sid).id == sid
    with pytest.raises(errors.ReauthenticationRequired) as refused:
        auth.sessions.require_recent(sid, mfa=True)
    assert refused.value.details["needs"] == "mfa"
    _age(sid, minutes=20)
    with pytest.raises(errors.ReauthenticationRequired) as refused:
        auth.sessions.require_recent(sid)
    assert refused.value.code == "REAUTHENTICATION_REQUIRED" and refused.value.details["needs"] == "password"
    assert auth.sessions.require_recent(sid, within=timedelta(hours=1)).id == sid

    with pytest.raises(errors.InvalidCredentials):
        auth.users.reauthenticate(sid, "not the password")
    with pytest.raises(errors.ReauthenticationRequired):
        auth.sessions.require_recent(sid)
    stepped = auth.users.reauthenticate(issued.session, "a long passphrase")
    assert stepped.authenticated_at == Session.get_by_id(sid).authenticated_at
    assert auth.sessions.require_recent(sid).id == sid

    other = auth.users.create(email="eve@example.com")
    with pytest.raises(errors.SessionNotFound):
        auth.sessions.require_recent(sid, user_id=other.id)


def test_an_mfa_step_up_records_the_mfa_pass(auth, bob):
    import pyotp

    enrolment = auth.mfa.add_totp_device(bob.id)
    auth.mfa.confirm_totp_device(bob.id, enrolment.device.id, pyotp.TOTP(enrolment.secret).now())
    auth.mfa.enable(bob.id)
    sid = auth.sessions.create(bob.id).session.id
    with pytest.raises(errors.MfaCodeInvalid):
        auth.mfa.reauthenticate(sid, "000000" if pyotp.TOTP(enrolment.secret).now() != "000000" else "111111")
    with pytest.raises(errors.ReauthenticationRequired) as refused:  # MFA is on: disabling needs it fresh
        auth.mfa.disable(bob.id, session=sid)
    assert refused.value.details["needs"] == "mfa"
    Session.update(mfa_authenticated_at=utcnow() - timedelta(hours=1)).where(Session.id == sid).execute()
    auth.sessions.mark_authenticated(sid, mfa=True)  # e.g. after a recovery code
    assert auth.sessions.require_recent(sid, mfa=True).id == sid
    assert auth.mfa.disable(bob.id, session=sid) is True


def test_the_sensitive_changes_check_the_session_they_are_given(auth, bob):
    sid = auth.sessions.create(bob.id).session.id
    _age(sid, minutes=20)
    with pytest.raises(errors.ReauthenticationRequired):
        auth.contact_changes.request_email_change(bob.id, "new@example.org", session=sid)
    with pytest.raises(errors.ReauthenticationRequired):
        auth.contact_changes.request_phone_change(bob.id, "+15550199", session=sid)
    with pytest.raises(errors.ReauthenticationRequired):
        auth.users.change_password(bob.id, "a long passphrase", "another long passphrase", session=sid)
    with pytest.raises(errors.ReauthenticationRequired):
        auth.mfa.add_totp_device(bob.id, session=sid)
    assert Otp.select().count() == 0 and auth.mfa.list_devices(bob.id) == []
    other = auth.users.create(email="eve@example.com")
    with pytest.raises(errors.SessionNotFound):  # someone else's session proves nothing
        auth.contact_changes.request_email_change(other.id, "x@example.org", session=sid)

    auth.users.reauthenticate(sid, "a long passphrase")
    assert auth.contact_changes.request_email_change(bob.id, "new@example.org", session=sid).code
    auth.users.change_password(bob.id, "a long passphrase", "another long passphrase", session=sid)
    assert Session.select().count() == 0  # a password change still ends every session
