"""Password reset: a code to the account, then a new password, all or nothing."""

from __future__ import annotations

import re

import pytest
from support import CHEAP, PASSWORD

from nestauth_peewee import AuthServices, errors
from nestauth_peewee.models import Otp, Session, TrustedDevice
from nestauth_peewee.repositories import sessions as sessions_repo
from nestauth_peewee.services.password_reset import PasswordResetService
from nestauth_peewee.services.sessions import SessionService
from nestauth_peewee.services.trusted_devices import TrustedDeviceService

OLD, NEW = PASSWORD, "a brand new passphrase 2"  # bob's password (the bob fixture), and the one a reset sets

pytestmark = pytest.mark.settings(argon2=CHEAP, phone_login=True)


@pytest.fixture
def resets(settings, users, clock) -> PasswordResetService:
    return PasswordResetService(settings, users=users, clock=clock)


def _names(recorded):
    return [name for name, _ in recorded]


def test_request_sends_the_code_to_listeners_and_announces_the_reset(resets, bob, recorded):
    recorded.clear()
    issued = resets.request(email="  BOB@example.com ")
    assert issued is not None and issued.otp.type == "password_reset"
    assert _names(recorded) == ["otp-requested", "password-reset-requested"]
    otp_payload, reset_payload = recorded[0][1], recorded[1][1]
    assert otp_payload["code"] == issued.code and otp_payload["type"] == "password_reset"
    assert otp_payload["email"] == "bob@example.com"
    assert reset_payload["user_id"] == bob.id and reset_payload["expires_at"] == issued.otp.expires_at
    assert "code" not in reset_payload and "password_hash" not in repr(reset_payload["user"])


@pytest.mark.parametrize("who", ["unknown", "inactive"])
def test_request_for_an_unknown_or_inactive_account_sends_nothing(resets, users, bob, recorded, who):
    if who == "inactive":
        users.deactivate(bob.id)
        email = "bob@example.com"
    else:
        email = "nobody@example.com"
    recorded.clear()
    assert resets.request(email=email) is None
    assert recorded == []
    assert Otp.select().count() == 0


def test_reset_sets_the_password_revokes_sessions_and_uses_the_code_up(resets, users, bob, settings, clock,
                                                                       recorded):
    sessions = SessionService(settings, clock=clock)
    sessions.create(bob.id)
    sessions.create(bob.id)
    users.update(bob.id, must_change_password=True)
    issued = resets.request(email="bob@example.com")
    recorded.clear()

    user = resets.reset(email="bob@example.com", code=issued.code, new_password=NEW)

    assert user.id == bob.id and user.must_change_password is False
    assert users.authenticate(email="bob@example.com", password=NEW).id == bob.id
    with pytest.raises(errors.InvalidCredentials):
        users.authenticate(email="bob@example.com", password=OLD)
    assert Session.select().where(Session.user == bob.id).count() == 0
    assert _names(recorded) == ["password-reset"]
    assert recorded[0][1]["sessions_revoked"] == 2 and recorded[0][1]["user_id"] == bob.id
    assert NEW not in repr(recorded) and user.password_hash not in repr(recorded)
    with pytest.raises(errors.VerificationCodeInvalid):  # used up
        resets.reset(email="bob@example.com", code=issued.code, new_password="yet another passphrase 3")


def test_reset_by_phone(resets, users, bob):
    issued = resets.request(phone="+1 (555) 0100")
    resets.reset(phone="+15550100", code=issued.code, new_password=NEW)
    assert users.authenticate(phone="+15550100", password=NEW).id == bob.id


def test_wrong_codes_spend_attempts_even_though_the_reset_fails(resets, users, bob, settings):
    issued = resets.request(email="bob@example.com")
    wrong = f"{(int(issued.code) + 1) % 10**6:06d}"
    for _ in range(settings.otp_max_attempts):
        with pytest.raises(errors.VerificationCodeInvalid):
            resets.reset(email="bob@example.com", code=wrong, new_password=NEW)
    assert Otp.get().attempts == settings.otp_max_attempts  # committed, not rolled back with the reset
    with pytest.raises(errors.VerificationCodeInvalid):  # no attempt left, even for the right code
        resets.reset(email="bob@example.com", code=issued.code, new_password=NEW)
    assert users.authenticate(email="bob@example.com", password=OLD).id == bob.id


def test_a_refused_password_leaves_the_code_usable(resets, users, bob):
    issued = resets.request(email="bob@example.com")
    with pytest.raises(errors.PasswordPolicyViolation):
        resets.reset(email="bob@example.com", code=issued.code, new_password="short")
    with pytest.raises(errors.InvalidValue):
        resets.reset(email="bob@example.com", code=issued.code, new_password=None)  # type: ignore[arg-type]
    assert Otp.get().attempts == 0
    resets.reset(email="bob@example.com", code=issued.code, new_password=NEW)
    assert users.authenticate(email="bob@example.com", password=NEW).id == bob.id


def test_an_expired_code_is_refused_as_expired(resets, bob, clock, settings):
    issued = resets.request(email="bob@example.com")
    clock.advance(seconds=settings.otp_validity.total_seconds() + 1)
    with pytest.raises(errors.VerificationCodeExpired):
        resets.reset(email="bob@example.com", code=issued.code, new_password=NEW)
    assert Otp.select().count() == 0  # the expired code is gone for good


@pytest.mark.parametrize("who", ["unknown", "inactive"])
def test_reset_for_an_unknown_or_inactive_account_looks_like_a_wrong_code(resets, users, bob, who):
    issued = resets.request(email="bob@example.com")
    if who == "inactive":
        users.deactivate(bob.id)
        email = "bob@example.com"
    else:
        email = "nobody@example.com"
    with pytest.raises(errors.VerificationCodeInvalid) as caught:
        resets.reset(email=email, code=issued.code, new_password=NEW)
    assert caught.value.code == "VERIFICATION_CODE_INVALID"


def test_giving_neither_email_nor_phone_is_a_typed_error(resets, bob):
    with pytest.raises(errors.EmailOrPhoneRequired):
        resets.request()
    with pytest.raises(errors.EmailOrPhoneRequired):
        resets.reset(code="123456", new_password=NEW)


def test_check_does_not_use_the_code_up(resets, users, bob):
    issued = resets.request(email="bob@example.com")
    resets.check(email="bob@example.com", code=issued.code)
    resets.check(email="bob@example.com", code=issued.code)
    resets.reset(email="bob@example.com", code=issued.code, new_password=NEW)
    with pytest.raises(errors.VerificationCodeInvalid):
        resets.check(email="bob@example.com", code=issued.code)


def test_a_failure_after_the_code_matched_leaves_code_and_password_as_they_were(
        resets, users, bob, monkeypatch, recorded):
    issued = resets.request(email="bob@example.com")
    recorded.clear()

    def broken(user_id):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(sessions_repo, "delete_for_user", broken)
    with pytest.raises(RuntimeError):
        resets.reset(email="bob@example.com", code=issued.code, new_password=NEW)
    assert recorded == []
    assert users.authenticate(email="bob@example.com", password=OLD).id == bob.id
    monkeypatch.undo()
    resets.reset(email="bob@example.com", code=issued.code, new_password=NEW)  # the code survived
    assert users.authenticate(email="bob@example.com", password=NEW).id == bob.id


def test_the_bundle_builds_it_on_its_own_users_and_otps(settings, db):
    auth = AuthServices(settings)
    assert auth.password_resets.users is auth.users and auth.password_resets.otps is auth.otps


# --- recovery reveals nothing (0.2) ---------------------------------------------------------

def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.mark.parametrize("who", ["unknown", "inactive", "known"])
def test_a_wrong_code_with_a_refused_password_is_a_wrong_code_for_everyone(resets, users, bob, who,
                                                                           monkeypatch):
    """The code is checked before the policy and before any hashing (issue 15)."""
    issued = resets.request(email="bob@example.com")
    email = "nobody@example.com" if who == "unknown" else "bob@example.com"
    if who == "inactive":
        users.deactivate(bob.id)
    hashed = []
    monkeypatch.setattr(users.hasher, "hash", lambda password: hashed.append(password) or "x")
    for new_password in ("short", NEW):
        with pytest.raises(errors.VerificationCodeInvalid) as caught:
            resets.reset(email=email, code=_wrong(issued.code), new_password=new_password)
        assert caught.value.code == "VERIFICATION_CODE_INVALID"
        with pytest.raises(errors.VerificationCodeInvalid):
            resets.check(email=email, code=_wrong(issued.code))
    assert hashed == []


def test_a_refused_password_after_the_right_code_spends_no_attempt(resets, bob, settings):
    issued = resets.request(email="bob@example.com")
    for _ in range(settings.otp_max_attempts + 2):
        with pytest.raises(errors.PasswordPolicyViolation):
            resets.reset(email="bob@example.com", code=issued.code, new_password="short")
    assert Otp.get().attempts == 0
    resets.reset(email="bob@example.com", code=issued.code, new_password=NEW)


def _shapes(statements: list[str]) -> list[str]:
    return [re.sub(r"SAVEPOINT \S+", "SAVEPOINT", sql.split(" WHERE ")[0]) for sql in statements]


def test_unknown_inactive_and_known_accounts_run_the_same_statements(resets, users, bob, db):
    """Equivalent work: the dummy paths issue what a known account without a pending code issues."""
    from support import count_queries

    carol = users.create(email="carol@example.com", password=OLD)
    users.deactivate(carol.id)
    runs = {}
    for email in ("nobody@example.com", "carol@example.com", "bob@example.com"):
        with count_queries(db) as seen:
            with pytest.raises(errors.VerificationCodeInvalid):
                resets.check(email=email, code="123456")
            with pytest.raises(errors.VerificationCodeInvalid):
                resets.reset(email=email, code="123456", new_password=NEW)
        runs[email] = _shapes(seen)
    assert runs["nobody@example.com"] == runs["carol@example.com"] == runs["bob@example.com"]
    assert any("nest_auth_otps" in sql for sql in runs["nobody@example.com"])

    requests = {}
    for email in ("nobody@example.com", "carol@example.com", "bob@example.com"):
        with count_queries(db) as seen:
            resets.request(email=email)
        requests[email] = _shapes(seen)
    assert requests["nobody@example.com"] == requests["carol@example.com"]
    known = [sql for sql in requests["bob@example.com"]  # all but the INSERT of the code itself
             if not (sql.startswith("INSERT") and "nest_auth_otps" in sql.split("(")[0])]
    assert requests["nobody@example.com"] == known


def test_request_in_background_answers_at_once_and_does_the_work_on_a_worker(resets, bob, recorded):
    recorded.clear()
    future = resets.request_in_background(email="bob@example.com")
    issued = future.result(timeout=30)
    assert issued is not None and issued.otp.user_id == bob.id
    assert [name for name, _ in recorded] == ["otp-requested", "password-reset-requested"]
    assert resets.request_in_background(email="nobody@example.com").result(timeout=30) is None
    with pytest.raises(errors.EmailOrPhoneRequired):
        resets.request_in_background()
    with pytest.raises(errors.InvalidEmail):
        resets.request_in_background(email="not an address")


def test_a_reset_revokes_trusted_devices_too(resets, bob, settings, clock):
    from nestauth_peewee.services.trusted_devices import TrustedDeviceService

    devices = TrustedDeviceService(settings, clock=clock)
    remembered = devices.issue(bob.id)
    issued = resets.request(email="bob@example.com")
    resets.reset(email="bob@example.com", code=issued.code, new_password=NEW)
    assert not devices.is_trusted(bob.id, remembered.token)


def test_a_reset_revokes_trusted_devices_at_the_service_clock(resets, bob, settings, clock):
    clock.advance(days=3)  # the service's clock, not the wall clock, marks the revocation
    TrustedDeviceService(settings, clock=clock).issue(bob.id)
    issued = resets.request(email="bob@example.com")
    resets.reset(email="bob@example.com", code=issued.code, new_password=NEW)
    (device,) = TrustedDevice.select().where(TrustedDevice.user == bob.id)
    assert device.revoked_at == clock.now
