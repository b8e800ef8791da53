"""Login throttling (0.2): stored in the database, per normalised identifier (known or not) and
per user for codes; back off, then lock; success resets; concurrent failures all count."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from click.testing import CliRunner
from support import CHEAP, KEY, Clock, run_together

from nestauth_peewee import errors
from nestauth_peewee.cli import main
from nestauth_peewee.config import Settings, ThrottlePolicy
from nestauth_peewee.models import LoginThrottle
from nestauth_peewee.services.admin_users import AdminUserService
from nestauth_peewee.services.cleanup import ExpiryCleanup
from nestauth_peewee.services.mfa import MfaService
from nestauth_peewee.services.otps import OtpService
from nestauth_peewee.services.throttling import Throttle
from nestauth_peewee.services.users import UserService

PASSWORD = "the right passphrase 42"


@pytest.fixture
def settings() -> Settings:
    return Settings(secret_key=KEY, argon2=CHEAP)


@pytest.fixture
def users(settings, clock, db) -> UserService:
    service = UserService(settings)
    service.throttle = Throttle(settings, clock=clock)
    return service


@pytest.fixture
def bob(users):
    return users.create(email="bob@example.com", password=PASSWORD)


def _fail(users: UserService, email: str = "bob@example.com") -> None:
    with pytest.raises(errors.InvalidCredentials):
        users.authenticate(email=email, password="a wrong guess")


def _locked(users: UserService, email: str = "bob@example.com", password: str = PASSWORD) -> int:
    with pytest.raises(errors.AccountLocked) as caught:
        users.authenticate(email=email, password=password)
    assert caught.value.code == "ACCOUNT_LOCKED"
    return caught.value.retry_after


def test_the_defaults_are_the_documented_ones():
    policy = Settings().login_throttle
    assert policy is not None and (policy.free_failures, policy.lock_after) == (5, 10)
    assert policy.lock_duration == dt.timedelta(minutes=15) and policy.forget_after == dt.timedelta(hours=24)
    codes = Settings().code_throttle
    assert codes is not None and (codes.free_failures, codes.lock_after) == (10, 20)


def test_consecutive_failures_back_off_then_lock_even_the_right_password(users, bob, clock):
    for _ in range(5):
        _fail(users)
    assert _locked(users) == 1  # the right password too: refused before it is checked
    waits = []
    for _ in range(4):  # failures 6..9 double the wait: 1 s (after the 5th), 2, 4, 8, 16
        clock.advance(seconds=30)
        _fail(users)
        waits.append(_locked(users))
    assert waits == [2, 4, 8, 16]
    clock.advance(seconds=30)
    _fail(users)  # the 10th: locked for 15 minutes
    assert _locked(users) == 15 * 60
    clock.advance(minutes=15, seconds=1)
    assert users.authenticate(email="bob@example.com", password=PASSWORD).id == bob.id
    assert LoginThrottle.select().count() == 0  # a success starts the count again


def test_a_success_resets_the_count(users, bob, clock):
    for _ in range(4):
        _fail(users)
    users.authenticate(email=" BOB@example.com", password=PASSWORD)  # normalised identifier
    for _ in range(4):
        _fail(users)
    assert LoginThrottle.get().failures == 4


def test_unknown_addresses_are_throttled_alike_and_stored_only_as_a_digest(users, bob, monkeypatch):
    calls = []
    original = users.hasher.dummy_verify
    monkeypatch.setattr(users.hasher, "dummy_verify", lambda p: calls.append(p) or original(p))
    for _ in range(5):
        _fail(users, "nobody@example.com")
    assert len(calls) == 5  # every unknown-email failure still costs one dummy hash
    _locked(users, "nobody@example.com")
    (row,) = LoginThrottle.select()
    assert row.scope == "login" and len(row.subject) == 64 and "nobody" not in row.subject
    for column in LoginThrottle._meta.sorted_fields:
        assert "nobody" not in str(getattr(row, column.name))
    assert users.authenticate(email="bob@example.com", password=PASSWORD).id == bob.id  # others unaffected


def test_throttling_needs_the_key_and_can_be_switched_off(db, clock):
    assert not UserService(Settings(argon2=CHEAP)).throttle.enabled
    off = UserService(Settings(secret_key=KEY, argon2=CHEAP, login_throttle=None))
    off.create(email="free@example.com", password=PASSWORD)
    for _ in range(12):
        _fail(off, "free@example.com")
    assert LoginThrottle.select().count() == 0


def test_twenty_concurrent_failures_count_twenty(db, dialect):
    """Real connections, one per thread: the upsert's failures = failures + 1 loses nothing."""
    settings = Settings(secret_key=KEY, argon2=CHEAP,
                        login_throttle=ThrottlePolicy(free_failures=1000, lock_after=1000))
    users = UserService(settings)
    users.create(email="target@example.com", password=PASSWORD)
    db.close()
    results = run_together(db, 20, lambda i: users.authenticate(email="target@example.com", password="wrong"))
    failures = [r for r in results if isinstance(r, BaseException) and not isinstance(r, errors.InvalidCredentials)]
    assert failures == []
    assert LoginThrottle.get().failures == 20


def test_an_admin_can_unlock_by_service_and_cli(users, bob, clock, settings, db, db_url, monkeypatch):
    for _ in range(10):
        clock.advance(seconds=60)
        _fail(users)
    _locked(users)
    assert users.unlock(email="bob@example.com") == 1
    assert users.authenticate(email="bob@example.com", password=PASSWORD).id == bob.id
    for _ in range(10):
        clock.advance(seconds=60)
        _fail(users)
    monkeypatch.setenv("NESTAUTH_SECRET_KEY", KEY)
    # The CLI gets the URL the test runs on (behind pgbouncer or on a Galera node it is not the
    # default server's): it must remove the counter this test made.
    result = CliRunner().invoke(main, ["users", "unlock", "bob@example.com", "--database", db_url])
    assert result.exit_code == 0, result.output
    assert "1 failure counter(s) removed" in result.output
    assert users.authenticate(email="bob@example.com", password=PASSWORD).id == bob.id


def test_admin_logins_are_throttled_and_unlocked(settings, clock, db, db_url, monkeypatch):
    admins = AdminUserService(settings)
    admins.throttle = Throttle(settings, clock=clock)
    admins.create(email="root@example.com", password=PASSWORD)
    for _ in range(10):
        clock.advance(seconds=60)
        with pytest.raises(errors.InvalidCredentials):
            admins.authenticate(email="root@example.com", password="wrong")
    with pytest.raises(errors.AccountLocked):
        admins.authenticate(email="root@example.com", password=PASSWORD)
    assert LoginThrottle.get().scope == "admin_login"
    monkeypatch.setenv("NESTAUTH_SECRET_KEY", KEY)
    result = CliRunner().invoke(main, ["admins", "unlock", "Root@Example.com", "--database", db_url])
    assert result.exit_code == 0 and "unlocked" in result.output, result.output
    assert admins.authenticate(email="root@example.com", password=PASSWORD)


@pytest.fixture
def strict(settings) -> Settings:
    return Settings(secret_key=KEY, argon2=CHEAP, code_throttle=ThrottlePolicy(free_failures=2, lock_after=3))


def test_otp_attempts_are_throttled_per_user_across_codes(strict, bob, clock, users):
    otps = OtpService(strict, clock=clock)
    for _ in range(2):  # new codes do not start the count again
        otps.create(bob.id, "passwordless_login")
        with pytest.raises(errors.VerificationCodeInvalid):
            otps.verify(bob.id, "passwordless_login", "000000")
    live = otps.create(bob.id, "passwordless_login")
    with pytest.raises(errors.AccountLocked):
        otps.verify(bob.id, "passwordless_login", live.code)
    clock.advance(seconds=2)
    otps.verify(bob.id, "passwordless_login", live.code)
    assert LoginThrottle.select().count() == 0
    users._code_throttle = Throttle(strict, codes=True, clock=clock)
    for _ in range(3):
        otps.create(bob.id, "passwordless_login")
        with pytest.raises((errors.VerificationCodeInvalid, errors.AccountLocked)):
            otps.verify(bob.id, "passwordless_login", "000000")
        clock.advance(seconds=1)
    assert users.unlock(user_id=bob.id) == 1


def test_totp_and_recovery_codes_are_throttled_per_user(strict, bob, clock):
    mfa = MfaService(strict, clock=clock)
    enrolment = mfa.add_totp_device(bob.id)
    mfa.confirm_totp_device(bob.id, enrolment.device.id, pyotp.TOTP(enrolment.secret).at(clock.now))
    codes = mfa.generate_recovery_codes(bob.id)
    clock.advance(seconds=60)
    wrong = f"{(int(pyotp.TOTP(enrolment.secret).at(clock.now)) + 500_000) % 10**6:06d}"
    for _ in range(2):
        with pytest.raises(errors.MfaCodeInvalid):
            mfa.verify_totp(bob.id, wrong)
    with pytest.raises(errors.AccountLocked):
        mfa.verify_totp(bob.id, pyotp.TOTP(enrolment.secret).at(clock.now))
    for _ in range(2):
        with pytest.raises(errors.RecoveryCodeInvalid):
            mfa.use_recovery_code(bob.id, "ABCD-EFGH-JKMN-PQRS-TUVW-XYZ2-3456")
    with pytest.raises(errors.AccountLocked):
        mfa.use_recovery_code(bob.id, codes[0])
    assert {row.scope for row in LoginThrottle.select()} == {"totp", "recovery_code"}


def test_forgotten_counters_are_removed_by_the_cleanup(users, bob, clock):
    _fail(users)
    _fail(users, "nobody@example.com")
    assert ExpiryCleanup(clock=clock).login_throttles() == 0
    later = Clock()
    later.now = clock.now + dt.timedelta(hours=24, seconds=1)
    assert ExpiryCleanup(clock=later).run().login_throttles == 2
    assert LoginThrottle.select().count() == 0


def test_reset_requests_are_counted_per_address_alike_until_a_reset_succeeds(strict, bob, clock, users):
    from nestauth_peewee.services.password_reset import PasswordResetService

    resets = PasswordResetService(strict, users=users, clock=clock)
    for email in ("bob@example.com", "nobody@example.com"):
        for _ in range(2):
            resets.request(email=email)
        with pytest.raises(errors.AccountLocked):  # the same answer for both addresses
            resets.request(email=email)
    clock.advance(seconds=5)
    issued = resets.request(email="bob@example.com")
    resets.reset(email="bob@example.com", code=issued.code, new_password="a brand new passphrase 2")
    scopes = sorted(row.scope for row in LoginThrottle.select())
    assert scopes == ["reset_request"]  # only nobody's counter is left


def test_passwordless_requests_are_counted_per_address_alike_until_a_sign_in_succeeds(strict, bob, clock,
                                                                                    users):
    from nestauth_peewee.services.passwordless import PasswordlessService

    login = PasswordlessService(strict, users=users, clock=clock)
    for email in ("bob@example.com", "nobody@example.com"):
        login.request_code(email=email)
        login.request_link(email=email)  # codes and links share the count
        with pytest.raises(errors.AccountLocked):  # the same answer for both addresses
            login.request_code(email=email)
    clock.advance(seconds=5)
    issued = login.request_code(email="bob@example.com")
    login.sign_in_with_code(email="bob@example.com", code=issued.code)
    scopes = sorted(row.scope for row in LoginThrottle.select())
    assert scopes == ["sign_in_request"]  # only nobody's counter is left
    assert users.unlock(email="nobody@example.com") == 1  # an admin's unlock clears it too
    assert LoginThrottle.select().count() == 0


def test_a_lock_is_an_http_429_with_the_seconds_to_wait():
    from nestauth_peewee.integrations.http import error_body, status_for

    locked = errors.AccountLocked(retry_after=90)
    assert status_for(locked) == 429
    assert error_body(locked) == {"error": "ACCOUNT_LOCKED", "message": locked.message, "retry_after": 90}
