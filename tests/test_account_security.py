"""Account security (0.2): a credential change ends every trust; a deactivated user is refused
everywhere; values stored under a previous secret key keep working and are re-keyed when used."""

from __future__ import annotations

import pyotp
import pytest
from support import CHEAP, KEY

from nestauth_peewee import errors
from nestauth_peewee.config import Settings
from nestauth_peewee.models import AccessKey, MfaSecret, Otp, Session, TrustedDevice
from nestauth_peewee.services.access_keys import AccessKeyService
from nestauth_peewee.services.mfa import MfaService
from nestauth_peewee.services.otps import OtpService
from nestauth_peewee.services.password_reset import PasswordResetService
from nestauth_peewee.services.sessions import SessionService
from nestauth_peewee.services.trusted_devices import TrustedDeviceService
from nestauth_peewee.services.users import UserService

OLD_PASSWORD, NEW_PASSWORD = "the old passphrase 1", "a brand new passphrase 2"
PREVIOUS_KEY = "the-previous-app-key-0123456789-abcdefghijkl"


@pytest.fixture
def settings() -> Settings:
    return Settings(secret_key=KEY, argon2=CHEAP)


@pytest.fixture
def users(settings) -> UserService:
    return UserService(settings)


@pytest.fixture
def bob(users, db):
    return users.create(email="bob@example.com", password=OLD_PASSWORD)


def _trust(settings, clock, user_id) -> tuple[SessionService, TrustedDeviceService, str, str]:
    sessions, devices = SessionService(settings, clock=clock), TrustedDeviceService(settings, clock=clock)
    return sessions, devices, sessions.create(user_id).refresh_token, devices.issue(user_id).token


@pytest.mark.parametrize("change", ["change_password", "set_password", "reset", "deactivate"])
def test_every_credential_change_revokes_sessions_and_trusted_devices(users, bob, settings, clock, change,
                                                                      recorded):
    sessions, devices, refresh, remembered = _trust(settings, clock, bob.id)
    if change == "change_password":
        users.change_password(bob.id, OLD_PASSWORD, NEW_PASSWORD)
    elif change == "set_password":
        users.set_password(bob.id, NEW_PASSWORD)
    elif change == "reset":
        resets = PasswordResetService(settings, users=users, clock=clock)
        resets.reset(email="bob@example.com", code=resets.request(email="bob@example.com").code,
                     new_password=NEW_PASSWORD)
    else:
        users.deactivate(bob.id)
    assert Session.select().where(Session.user == bob.id).count() == 0
    assert not devices.is_trusted(bob.id, remembered)
    assert TrustedDevice.get().revoked_at is not None
    payload = recorded[-1][1]
    assert payload["sessions_revoked"] == 1 and payload["trusted_devices_revoked"] == 1
    with pytest.raises(errors.InvalidRefreshToken):
        sessions.refresh(refresh)


def test_the_revocation_rolls_back_with_the_password_change(users, bob, settings, clock, monkeypatch):
    from nestauth_peewee.repositories import trusted_devices as devices_repo

    _sessions, devices, _refresh, remembered = _trust(settings, clock, bob.id)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(devices_repo, "revoke_all", broken)
    with pytest.raises(RuntimeError):
        users.change_password(bob.id, OLD_PASSWORD, NEW_PASSWORD)
    monkeypatch.undo()
    assert users.authenticate(email="bob@example.com", password=OLD_PASSWORD).id == bob.id
    assert Session.select().count() == 1 and devices.is_trusted(bob.id, remembered)


@pytest.mark.parametrize("deactivates", [True, False])
def test_whether_a_reset_deactivates_api_keys_is_a_setting(users, bob, clock, deactivates):
    settings = Settings(secret_key=KEY, argon2=CHEAP, reset_deactivates_access_keys=deactivates)
    assert Settings().reset_deactivates_access_keys is True  # the documented default
    keys = AccessKeyService(settings, clock=clock)
    issued = keys.create(bob.id, "CI")
    resets = PasswordResetService(settings, users=users, clock=clock)
    resets.reset(email="bob@example.com", code=resets.request(email="bob@example.com").code,
                 new_password=NEW_PASSWORD)
    assert AccessKey.get().is_active is (not deactivates)
    if deactivates:
        with pytest.raises(errors.InactiveAccessKey):
            keys.verify(issued.api_key)
    else:
        assert keys.verify(issued.api_key).id == issued.key.id


def test_a_deactivated_user_is_refused_by_every_second_factor_and_key(users, bob, settings, clock, db):
    from support import count_queries

    keys = AccessKeyService(settings, clock=clock)
    otps = OtpService(settings, clock=clock)
    mfa = MfaService(settings, clock=clock)
    devices = TrustedDeviceService(settings, clock=clock)
    api_key = keys.create(bob.id, "CI").api_key
    code = otps.create(bob.id, "passwordless_login").code
    enrolment = mfa.add_totp_device(bob.id)
    mfa.confirm_totp_device(bob.id, enrolment.device.id, pyotp.TOTP(enrolment.secret).at(clock.now))
    clock.advance(seconds=60)
    recovery = mfa.generate_recovery_codes(bob.id)
    unconfirmed = mfa.add_totp_device(bob.id)
    remembered = devices.issue(bob.id).token
    users.deactivate(bob.id)

    with count_queries(db) as queries, pytest.raises(errors.InactiveAccessKey):
        keys.verify(api_key)
    assert len(queries) == 1  # the owner's is_active comes with the key
    with pytest.raises(errors.AccountInactive):
        otps.create(bob.id, "passwordless_login")
    with pytest.raises(errors.VerificationCodeInvalid):
        otps.verify(bob.id, "passwordless_login", code)
    assert Otp.get().attempts == 0  # refused before any attempt is spent
    with pytest.raises(errors.MfaCodeInvalid):
        mfa.verify_totp(bob.id, pyotp.TOTP(enrolment.secret).at(clock.now))
    with pytest.raises(errors.MfaCodeInvalid):
        mfa.confirm_totp_device(bob.id, unconfirmed.device.id, pyotp.TOTP(unconfirmed.secret).at(clock.now))
    with pytest.raises(errors.RecoveryCodeInvalid):
        mfa.use_recovery_code(bob.id, recovery[0])
    for refused in (lambda: mfa.add_totp_device(bob.id), lambda: mfa.generate_recovery_codes(bob.id),
                    lambda: devices.issue(bob.id)):
        with pytest.raises(errors.AccountInactive):
            refused()
    assert not devices.is_trusted(bob.id, remembered)

    users.activate(bob.id)  # everything but what deactivation revoked works again
    assert keys.verify(api_key).user.id == bob.id
    otps.verify(bob.id, "passwordless_login", code)
    assert mfa.use_recovery_code(bob.id, recovery[0]) == len(recovery) - 1
    assert not devices.is_trusted(bob.id, remembered)


# --- key rotation ---------------------------------------------------------------------------

def _old(**extra):
    return Settings(secret_key=PREVIOUS_KEY, argon2=CHEAP, **extra)


def _rotated(**extra):
    return Settings(secret_key=KEY, secret_key_fallbacks=(PREVIOUS_KEY,), argon2=CHEAP, **extra)


def test_values_stored_under_a_previous_key_keep_working_and_are_rekeyed(bob, clock):
    old = _old()
    sessions_then = SessionService(old, clock=clock)
    refresh = sessions_then.create(bob.id).refresh_token
    api_key = AccessKeyService(old, clock=clock).create(bob.id, "CI").api_key
    remembered = TrustedDeviceService(old, clock=clock).issue(bob.id).token
    code = OtpService(old, clock=clock).create(bob.id, "email_verification").code
    mfa_then = MfaService(old, clock=clock)
    enrolment = mfa_then.add_totp_device(bob.id)
    mfa_then.confirm_totp_device(bob.id, enrolment.device.id, pyotp.TOTP(enrolment.secret).at(clock.now))
    recovery = mfa_then.generate_recovery_codes(bob.id)
    before = {
        "key": AccessKey.get().secret_hash, "device": TrustedDevice.get().token_hash,
        "otp": Otp.get().code_hash, "totp": MfaSecret.get().secret, "session": Session.get().refresh_token_hash,
    }

    rotated = _rotated()
    without_old = Settings(secret_key=KEY, argon2=CHEAP)
    with pytest.raises(errors.InvalidAccessKey):  # no fallback: the old key's digests are dead
        AccessKeyService(without_old, clock=clock).verify(api_key)

    keys = AccessKeyService(rotated, clock=clock)
    assert keys.verify(api_key).user.id == bob.id
    assert AccessKey.get().secret_hash != before["key"]
    assert AccessKeyService(without_old, clock=clock).verify(api_key)  # re-keyed: the current key alone

    devices = TrustedDeviceService(rotated, clock=clock)
    assert devices.is_trusted(bob.id, remembered)
    assert TrustedDevice.get().token_hash != before["device"]
    assert TrustedDeviceService(without_old, clock=clock).is_trusted(bob.id, remembered)

    otps = OtpService(rotated, clock=clock)
    otps.check(bob.id, "email_verification", code)
    assert Otp.get().code_hash != before["otp"]
    OtpService(without_old, clock=clock).verify(bob.id, "email_verification", code)

    clock.advance(seconds=60)
    mfa = MfaService(rotated, clock=clock)
    assert mfa.verify_totp(bob.id, pyotp.TOTP(enrolment.secret).at(clock.now)).id == enrolment.device.id
    assert MfaSecret.get().secret != before["totp"] and MfaSecret.get().secret.startswith("enc1:")
    clock.advance(seconds=60)
    MfaService(without_old, clock=clock).verify_totp(bob.id, pyotp.TOTP(enrolment.secret).at(clock.now))
    assert mfa.use_recovery_code(bob.id, recovery[0]) == len(recovery) - 1

    sessions = SessionService(rotated, clock=clock)
    assert sessions.authenticate(refresh).id == Session.get().id
    again = sessions.refresh(refresh)
    assert Session.get().refresh_token_hash != before["session"]
    assert SessionService(without_old, clock=clock).authenticate(again.refresh_token)


def test_a_previous_key_is_never_used_for_new_values(bob, clock):
    rotated = _rotated()
    issued = AccessKeyService(rotated, clock=clock).create(bob.id, "CI")
    assert AccessKeyService(Settings(secret_key=KEY), clock=clock).verify(issued.api_key)
    with pytest.raises(errors.InvalidAccessKey):
        AccessKeyService(_old(), clock=clock).verify(issued.api_key)
