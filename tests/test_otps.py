"""One-time codes: HMAC at rest, replace-on-create, expiry and the attempt limit on every path."""

from __future__ import annotations

import uuid

import pytest
from support import KEY, count_queries, run_together

from nestauth_peewee import errors
from nestauth_peewee import secrets as tokens
from nestauth_peewee.config import Settings
from nestauth_peewee.models import Otp
from nestauth_peewee.services.otps import OtpService

PATHS = ["verify", "check"]


@pytest.fixture
def service(settings, clock) -> OtpService:
    return OtpService(settings, clock=clock)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**len(code):0{len(code)}d}"


def _present(service: OtpService, path: str, user_id, otp_type: str, code: str) -> None:
    getattr(service, path)(user_id, otp_type, code)


def test_create_stores_an_hmac_not_the_code_and_sends_the_code_to_listeners(service, make_user, recorded):
    user = make_user()
    issued = service.create(user.id, "email_verification")
    assert len(issued.code) == 6 and issued.code.isdigit()
    row = Otp.get_by_id(issued.otp.id)
    assert issued.code not in row.code_hash
    # Not a bare hash of the code: without the app key, the million candidates do not help.
    import hashlib
    assert row.code_hash != hashlib.sha256(issued.code.encode()).hexdigest()
    assert row.code_hash == tokens.keyed_digest(KEY.encode(), "otp", user.id.hex, "email_verification",
                                                issued.code)
    (name, payload), = recorded
    assert name == "otp-requested"
    assert payload["code"] == issued.code and payload["email"] == user.email
    assert "***" in repr(issued)


def test_a_new_code_replaces_earlier_codes_of_the_same_type_only(service, make_user):
    user = make_user()
    first = service.create(user.id, "password_reset")
    other_type = service.create(user.id, "email_verification")
    second = service.create(user.id, "password_reset")
    assert Otp.select().where(Otp.type == "password_reset").count() == 1
    if first.code != second.code:
        with pytest.raises(errors.VerificationCodeInvalid):
            service.verify(user.id, "password_reset", first.code)
    service.verify(user.id, "password_reset", second.code)
    service.verify(user.id, "email_verification", other_type.code)
    assert Otp.select().count() == 0


@pytest.mark.parametrize("path", PATHS)
def test_a_right_code_succeeds_and_verify_consumes_it(service, make_user, path):
    user = make_user()
    issued = service.create(user.id, "passwordless_login")
    _present(service, path, user.id, "passwordless_login", " " + issued.code + " ")
    if path == "check":
        _present(service, path, user.id, "passwordless_login", issued.code)
        assert Otp.get_by_id(issued.otp.id).attempts == 0
        service.verify(user.id, "passwordless_login", issued.code)
    with pytest.raises(errors.VerificationCodeInvalid):
        service.verify(user.id, "passwordless_login", issued.code)


def _refused_wrong_codes(service, path, user, times):
    """Issue an MFA code to ``user`` and present a wrong one ``times`` times along ``path``."""
    issued = service.create(user.id, "mfa")
    for _ in range(times):
        with pytest.raises(errors.VerificationCodeInvalid):
            _present(service, path, user.id, "mfa", _wrong(issued.code))
    return issued


@pytest.mark.parametrize("path", PATHS)
def test_a_code_is_dead_after_five_wrong_attempts_whatever_the_path(service, make_user, path):
    user = make_user()
    issued = _refused_wrong_codes(service, path, user, 5)
    for other_path in PATHS:
        with pytest.raises(errors.VerificationCodeInvalid) as info:
            _present(service, other_path, user.id, "mfa", issued.code)
        assert info.value.code == "VERIFICATION_CODE_INVALID"


@pytest.mark.parametrize("path", PATHS)
def test_the_fifth_attempt_may_still_be_the_right_one(service, make_user, path):
    user = make_user()
    issued = _refused_wrong_codes(service, path, user, 4)
    _present(service, path, user.id, "mfa", issued.code)


@pytest.mark.parametrize("path", PATHS)
def test_a_code_is_dead_after_expiry_whatever_the_path(service, make_user, clock, path):
    user = make_user()
    issued = service.create(user.id, "password_reset")
    clock.advance(minutes=30)
    with pytest.raises(errors.VerificationCodeExpired) as info:
        _present(service, path, user.id, "password_reset", issued.code)
    assert info.value.code == "VERIFICATION_CODE_EXPIRED"
    assert Otp.select().count() == 0
    clock.advance(minutes=-10)  # even if the clock goes back, the code is gone
    for other_path in PATHS:
        with pytest.raises(errors.VerificationCodeInvalid):
            _present(service, other_path, user.id, "password_reset", issued.code)


def test_codes_are_bound_to_their_user_and_type(service, make_user):
    alice, bob = make_user(), make_user()
    code = service.create(alice.id, "mfa").code
    with pytest.raises(errors.VerificationCodeInvalid):
        service.verify(bob.id, "mfa", code)
    with pytest.raises(errors.VerificationCodeInvalid):
        service.verify(alice.id, "password_reset", code)
    service.verify(alice.id, "mfa", code)


@pytest.mark.parametrize("bad", ["", "12", "12345!", "12345I", "0O0O0O" + "l", "1" * 65, "١٢٣٤٥٦", "12 34 56", "x" * 10_000, None, 123456])
def test_malformed_codes_are_refused_before_any_query(service, make_user, db, bad):
    user = make_user()
    service.create(user.id, "mfa")
    with count_queries(db) as queries, pytest.raises(errors.VerificationCodeInvalid):
        service.verify(user.id, "mfa", bad)
    assert queries == []
    assert Otp.get().attempts == 0


def test_alphanumeric_codes_avoid_look_alikes_and_match_case_insensitively(service, make_user):
    user = make_user()
    issued = service.create(user.id, "magic_link_login", length=32, alphabet="alphanumeric")
    assert len(issued.code) == 32 and not set(issued.code) & set("ILO01")
    service.verify(user.id, "magic_link_login", issued.code.lower())


def test_bad_arguments_and_unknown_users_are_typed_errors(service, make_user):
    user = make_user()
    with pytest.raises(errors.InvalidValue):
        service.create(user.id, "Not A Type")
    with pytest.raises(errors.InvalidValue):
        service.create(user.id, "mfa", length=3)
    with pytest.raises(errors.InvalidValue):
        service.create(user.id, "mfa", alphabet="emoji")
    with pytest.raises(errors.ReferenceNotFound):
        service.create(uuid.uuid4(), "mfa")


def test_cleanup_removes_expired_codes_in_batches(service, make_user, clock):
    users = [make_user() for _ in range(5)]
    for user in users:
        service.create(user.id, "mfa")
    clock.advance(minutes=20)
    fresh = service.create(users[0].id, "email_verification")
    clock.advance(minutes=11)
    assert service.cleanup_expired(batch_size=2) == 5
    assert [o.id for o in Otp.select()] == [fresh.otp.id]


def test_attempt_limit_follows_the_settings(make_user, clock):
    service = OtpService(Settings(secret_key=KEY, otp_max_attempts=2), clock=clock)
    user = make_user()
    issued = service.create(user.id, "mfa")
    for _ in range(2):
        with pytest.raises(errors.VerificationCodeInvalid):
            service.verify(user.id, "mfa", _wrong(issued.code))
    with pytest.raises(errors.VerificationCodeInvalid):
        service.verify(user.id, "mfa", issued.code)


def test_concurrent_guesses_never_get_more_than_the_attempt_limit(service, make_user, db):
    """Eight threads guess at once (one of them right): at most five comparisons ever happen."""
    user = make_user()
    issued = service.create(user.id, "mfa")
    guesses = [_wrong(issued.code)] * 7 + [issued.code]
    db.close()

    def outcome(result: object) -> str:
        if isinstance(result, errors.VerificationCodeInvalid):
            return "invalid"
        return repr(result) if isinstance(result, BaseException) else "ok"

    results = run_together(db, len(guesses), lambda i: service.verify(user.id, "mfa", guesses[i]))
    outcomes = [outcome(result) for result in results]
    assert set(outcomes) <= {"invalid", "ok"}, outcomes
    assert len(outcomes) == 8 and outcomes.count("ok") <= 1
    remaining = Otp.get_or_none(Otp.id == issued.otp.id)
    assert remaining is None or remaining.attempts <= 5
    with pytest.raises(errors.VerificationCodeInvalid):
        service.verify(user.id, "mfa", issued.code)  # used or dead, never still usable
