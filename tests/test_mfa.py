"""MFA: TOTP devices, the enable/disable rule, recovery codes, trusted devices."""

from __future__ import annotations

import datetime as dt
import uuid

import pyotp
import pytest
from support import KEY, count_queries, run_together

from nestauth_peewee import errors
from nestauth_peewee.config import Settings
from nestauth_peewee.models import MfaRecoveryCode, MfaSecret, TrustedDevice, User
from nestauth_peewee.services import _recovery
from nestauth_peewee.services.mfa import MfaService
from nestauth_peewee.services.trusted_devices import TrustedDeviceService


@pytest.fixture
def mfa(settings, clock) -> MfaService:
    return MfaService(settings, clock=clock, issuer="Acme")


@pytest.fixture
def devices(settings, clock) -> TrustedDeviceService:
    return TrustedDeviceService(settings, clock=clock)


def _code(secret: str, when: dt.datetime, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(when, counter_offset=steps)


def _enrolled(mfa: MfaService, user: User, clock) -> str:
    enrolment = mfa.add_totp_device(user.id, device_name="phone")
    mfa.confirm_totp_device(user.id, enrolment.device.id, _code(enrolment.secret, clock.now))
    clock.advance(seconds=60)  # past the step whose code confirmed the device
    return enrolment.secret


# --- TOTP devices ------------------------------------------------------------------


def test_a_new_device_is_unverified_and_its_secret_is_encrypted_at_rest(mfa, make_user):
    user = make_user(email="ada@example.com")
    enrolment = mfa.add_totp_device(user.id, device_name="phone")
    row = MfaSecret.get_by_id(enrolment.device.id)
    assert row.verified is False
    assert enrolment.secret not in row.secret and row.secret.startswith("enc1:")
    assert enrolment.provisioning_uri.startswith("otpauth://totp/Acme:ada%40example.com?secret=")
    assert "***" in repr(enrolment)


def test_confirming_with_a_valid_code_verifies_the_device(mfa, make_user, clock):
    user = make_user()
    enrolment = mfa.add_totp_device(user.id)
    with pytest.raises(errors.MfaCodeInvalid):
        mfa.confirm_totp_device(user.id, enrolment.device.id, _code(enrolment.secret, clock.now, 5))
    device = mfa.confirm_totp_device(user.id, enrolment.device.id, _code(enrolment.secret, clock.now))
    assert device.verified is True and device.last_used_at == clock.now
    with pytest.raises(errors.MfaDeviceNotFound):
        mfa.confirm_totp_device(make_user().id, enrolment.device.id, "123456")


def test_verify_accepts_the_neighbouring_steps_and_each_code_only_once(mfa, make_user, clock):
    user = make_user()
    secret = _enrolled(mfa, user, clock)
    previous = _code(secret, clock.now, -1)
    mfa.verify_totp(user.id, previous)
    with pytest.raises(errors.MfaCodeInvalid) as info:
        mfa.verify_totp(user.id, previous)  # replay
    assert info.value.code == "MFA_CODE_INVALID"
    clock.advance(seconds=30)
    mfa.verify_totp(user.id, _code(secret, clock.now, +1))  # the next step (clock skew)
    clock.advance(seconds=30)
    with pytest.raises(errors.MfaCodeInvalid):
        mfa.verify_totp(user.id, _code(secret, clock.now))  # that step's code was just used
    clock.advance(seconds=30)
    device = mfa.verify_totp(user.id, _code(secret, clock.now))
    assert device.user_id == user.id
    with pytest.raises(errors.MfaCodeInvalid):
        mfa.verify_totp(user.id, _code(secret, clock.now, 3))


def test_unverified_devices_do_not_count_at_login(mfa, make_user, clock):
    user = make_user()
    enrolment = mfa.add_totp_device(user.id)
    with pytest.raises(errors.MfaCodeInvalid):
        mfa.verify_totp(user.id, _code(enrolment.secret, clock.now))


@pytest.mark.parametrize("bad", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "9" * 10_000, None, 123456])
def test_malformed_totp_codes_are_refused_before_any_query(mfa, make_user, clock, db, bad):
    user = make_user()
    _enrolled(mfa, user, clock)
    with count_queries(db) as queries, pytest.raises(errors.MfaCodeInvalid):
        mfa.verify_totp(user.id, bad)
    assert queries == []


def test_a_plaintext_secret_written_by_another_tool_still_works(make_user, clock, settings):
    plain = MfaService(settings, clock=clock, encrypt_secrets=False)
    user = make_user()
    enrolment = plain.add_totp_device(user.id)
    assert MfaSecret.get_by_id(enrolment.device.id).secret == enrolment.secret
    encrypted = MfaService(settings, clock=clock)
    encrypted.confirm_totp_device(user.id, enrolment.device.id, _code(enrolment.secret, clock.now))


def test_an_encrypted_secret_is_bound_to_its_row_and_key(mfa, make_user, clock):
    alice, bob = make_user(), make_user()
    a = mfa.add_totp_device(alice.id)
    b = mfa.add_totp_device(bob.id)
    # Copying alice's ciphertext onto bob's device does not give bob alice's secret.
    MfaSecret.update(secret=MfaSecret.get_by_id(a.device.id).secret).where(
        MfaSecret.id == b.device.id).execute()
    with pytest.raises(errors.MfaCodeInvalid):
        mfa.confirm_totp_device(bob.id, b.device.id, _code(a.secret, clock.now))
    other_key = MfaService(Settings(secret_key="another-key-" + "x" * 40), clock=clock)
    with pytest.raises(errors.MfaCodeInvalid):
        other_key.confirm_totp_device(alice.id, a.device.id, _code(a.secret, clock.now))


def test_two_concurrent_logins_with_one_code_only_one_succeeds(mfa, make_user, clock, db, dialect):
    user = make_user()
    secret = _enrolled(mfa, user, clock)
    code = _code(secret, clock.now)
    db.close()
    results = run_together(db, 2, lambda i: mfa.verify_totp(user.id, code))
    assert sorted(type(r).__name__ for r in results) == ["MfaCodeInvalid", "MfaSecret"]


# --- enabling and disabling ------------------------------------------------------------


def test_enabling_mfa_needs_a_verified_method(mfa, make_user, clock, recorded):
    user = make_user()
    mfa.add_totp_device(user.id)
    with pytest.raises(errors.MfaMethodRequired) as info:
        mfa.enable(user.id)
    assert info.value.code == "MFA_METHOD_REQUIRED"
    _enrolled(mfa, user, clock)
    assert mfa.enable(user.id) is True
    assert mfa.enable(user.id) is False
    assert User.get_by_id(user.id).is_mfa_enabled is True
    assert [n for n, _ in recorded if n.startswith("mfa")] == ["mfa-enabled"]


def test_a_verified_email_counts_as_a_method_when_otp_methods_are_allowed(settings, clock, make_user):
    user = make_user(email_verified_at=clock.now)
    with pytest.raises(errors.MfaMethodRequired):
        MfaService(settings, clock=clock).enable(user.id)
    assert MfaService(settings, clock=clock, otp_methods=True).enable(user.id) is True


def test_the_last_verified_device_of_an_enabled_user_cannot_be_removed(mfa, make_user, clock):
    user = make_user()
    _enrolled(mfa, user, clock)
    mfa.enable(user.id)
    (device,) = mfa.list_devices(user.id)
    with pytest.raises(errors.MfaMethodRequired):
        mfa.remove_device(user.id, device.id)
    mfa.disable(user.id)
    mfa.remove_device(user.id, device.id)
    assert mfa.list_devices(user.id) == []
    with pytest.raises(errors.MfaDeviceNotFound):
        mfa.remove_device(user.id, device.id)


def test_disabling_mfa_drops_recovery_codes_and_revokes_trusted_devices(mfa, devices, make_user, clock,
                                                                        recorded):
    user = make_user()
    _enrolled(mfa, user, clock)
    mfa.enable(user.id)
    mfa.generate_recovery_codes(user.id)
    issued = devices.issue(user.id)
    assert mfa.disable(user.id) is True
    assert mfa.disable(user.id) is False
    assert mfa.recovery_codes_left(user.id) == 0
    assert not devices.is_trusted(user.id, issued.token)
    assert TrustedDevice.get_by_id(issued.device.id).revoked_at == clock.now
    assert [n for n, _ in recorded if n.startswith("mfa")] == ["mfa-enabled", "mfa-disabled"]


# --- recovery codes --------------------------------------------------------------------


def test_recovery_codes_are_returned_once_and_only_keyed_digests_are_stored(mfa, make_user):
    user = make_user()
    codes = mfa.generate_recovery_codes(user.id)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(len(c) == 34 and c.count("-") == 6 for c in codes)
    rows = list(MfaRecoveryCode.select().where(MfaRecoveryCode.user == user.id))
    assert len(rows) == 10 and all(r.used_at is None and len(r.code_hash) == 16 for r in rows)
    for code in codes:
        assert all(code not in r.code_hash and code.replace("-", "") not in r.code_hash for r in rows)
    assert User.get_by_id(user.id).mfa_recovery_code is None  # 0.1's packed column is retired


def test_each_recovery_code_works_once(mfa, make_user, recorded, clock):
    user = make_user()
    codes = mfa.generate_recovery_codes(user.id)
    assert mfa.use_recovery_code(user.id, codes[3].lower().replace("-", " ")) == 9
    with pytest.raises(errors.RecoveryCodeInvalid) as info:
        mfa.use_recovery_code(user.id, codes[3])
    assert info.value.code == "MFA_RECOVERY_CODE_INVALID"
    for left, code in zip(range(8, -1, -1), codes[:3] + codes[4:], strict=True):
        assert mfa.use_recovery_code(user.id, code) == left
    rows = list(MfaRecoveryCode.select().where(MfaRecoveryCode.user == user.id))
    assert len(rows) == 10 and all(r.used_at == clock.now for r in rows)  # spent rows stay, marked
    assert mfa.recovery_codes_left(user.id) == 0
    used = [p for n, p in recorded if n == "recovery-code-used"]
    assert [p["remaining"] for p in used] == list(range(9, -1, -1))


def test_regenerating_replaces_every_code(mfa, make_user):
    user = make_user()
    old = mfa.generate_recovery_codes(user.id)
    mfa.use_recovery_code(user.id, old[0])
    new = mfa.generate_recovery_codes(user.id)
    assert mfa.recovery_codes_left(user.id) == 10
    assert MfaRecoveryCode.select().where(MfaRecoveryCode.user == user.id).count() == 10
    with pytest.raises(errors.RecoveryCodeInvalid):
        mfa.use_recovery_code(user.id, old[1])
    assert mfa.use_recovery_code(user.id, new[1]) == 9


def test_recovery_codes_left_of_an_unknown_user_is_refused(mfa):
    with pytest.raises(errors.ReferenceNotFound):
        mfa.recovery_codes_left(uuid.uuid4())


def test_recovery_codes_are_bound_to_their_user(mfa, make_user):
    alice, bob = make_user(), make_user()
    codes = mfa.generate_recovery_codes(alice.id)
    mfa.generate_recovery_codes(bob.id)
    for row in MfaRecoveryCode.select().where(MfaRecoveryCode.user == alice.id):
        MfaRecoveryCode.create(user=bob.id, code_hash=row.code_hash)  # alice's digests copied to bob
    with pytest.raises(errors.RecoveryCodeInvalid):
        mfa.use_recovery_code(bob.id, codes[0])


def test_the_packed_column_of_0_1_is_not_read(mfa, make_user):
    # Migration 003 moves packed codes into rows; a value written there later is ignored.
    user = make_user()
    code = mfa.generate_recovery_codes(user.id)[0]
    digests = [r.code_hash for r in MfaRecoveryCode.select().where(MfaRecoveryCode.user == user.id)]
    MfaRecoveryCode.delete().execute()
    User.update(mfa_recovery_code="r1:" + ",".join(digests)).where(User.id == user.id).execute()
    assert mfa.recovery_codes_left(user.id) == 0
    with pytest.raises(errors.RecoveryCodeInvalid):
        mfa.use_recovery_code(user.id, code)


def test_concurrent_uses_of_one_recovery_code_let_exactly_one_win(db, mfa, make_user):
    user = make_user()
    codes = mfa.generate_recovery_codes(user.id)
    results = run_together(db, 8, lambda i: mfa.use_recovery_code(user.id, codes[0]))
    assert sorted(type(r).__name__ for r in results) == ["RecoveryCodeInvalid"] * 7 + ["int"]
    assert [r for r in results if isinstance(r, int)] == [9]
    assert mfa.recovery_codes_left(user.id) == 9


def test_concurrent_uses_of_different_recovery_codes_all_succeed(db, mfa, make_user):
    user = make_user()
    codes = mfa.generate_recovery_codes(user.id)
    results = run_together(db, 6, lambda i: mfa.use_recovery_code(user.id, codes[i]))
    assert all(isinstance(r, int) for r in results), results
    assert mfa.recovery_codes_left(user.id) == 4


@pytest.mark.parametrize("bad", ["", "ABCD", "I" * 28, "A" * 27, "A" * 29, "x" * 100_000, None, 7])
def test_malformed_recovery_codes_are_refused_before_any_query(mfa, make_user, db, bad):
    user = make_user()
    mfa.generate_recovery_codes(user.id)
    with count_queries(db) as queries, pytest.raises(errors.RecoveryCodeInvalid):
        mfa.use_recovery_code(user.id, bad)
    assert queries == []


def test_more_recovery_codes_than_a_rollback_can_pack_is_a_configuration_error():
    assert _recovery.MAX_CODES == 14
    with pytest.raises(errors.ConfigurationError, match="recovery_code_count"):
        MfaService(Settings(secret_key=KEY, recovery_code_count=15))
    with pytest.raises(errors.ConfigurationError, match="NESTAUTH_SECRET_KEY"):
        MfaService(Settings())


def test_fourteen_codes(make_user, clock):
    mfa = MfaService(Settings(secret_key=KEY, recovery_code_count=14), clock=clock)
    user = make_user()
    codes = mfa.generate_recovery_codes(user.id)
    assert mfa.recovery_codes_left(user.id) == 14
    assert mfa.use_recovery_code(user.id, codes[-1]) == 13


# --- trusted devices -------------------------------------------------------------------


def test_a_trusted_device_token_validates_until_expiry(devices, make_user, clock):
    user = make_user()
    issued = devices.issue(user.id, user_agent="Firefox", ip_address="198.51.100.7")
    row = TrustedDevice.get_by_id(issued.device.id)
    assert issued.token.split(".")[1] not in row.token_hash
    device = devices.validate(user.id, issued.token)
    assert device.id == issued.device.id and device.last_used_at == clock.now
    assert TrustedDevice.get_by_id(issued.device.id).last_used_at == clock.now
    assert not devices.is_trusted(make_user().id, issued.token)  # not someone else's
    clock.advance(days=7)
    with pytest.raises(errors.TrustedDeviceInvalid) as info:
        devices.validate(user.id, issued.token)
    assert info.value.code == "TRUSTED_DEVICE_INVALID"


def test_revoking_sets_revoked_at_one_or_all(devices, make_user, clock):
    user = make_user()
    a, b, c = (devices.issue(user.id) for _ in range(3))
    devices.revoke(user.id, a.device.id)
    assert TrustedDevice.get_by_id(a.device.id).revoked_at == clock.now
    with pytest.raises(errors.TrustedDeviceNotFound):
        devices.revoke(user.id, a.device.id)
    assert not devices.is_trusted(user.id, a.token)
    assert {d.id for d in devices.list_active(user.id)} == {b.device.id, c.device.id}
    assert devices.revoke_all(user.id) == 2
    assert not devices.is_trusted(user.id, b.token) and not devices.is_trusted(user.id, c.token)


@pytest.mark.parametrize("bad", ["", "x", uuid.uuid4().hex, uuid.uuid4().hex + "." + "a" * 42, "y" * 10**6, None])
def test_malformed_device_tokens_are_refused_before_any_query(devices, make_user, db, bad):
    user = make_user()
    with count_queries(db) as queries:
        assert devices.is_trusted(user.id, bad) is False
    assert queries == []


def test_cleanup_removes_expired_and_revoked_devices(devices, make_user, clock):
    user = make_user()
    revoked = devices.issue(user.id)
    devices.revoke(user.id, revoked.device.id)
    for _ in range(3):
        devices.issue(user.id)
    clock.advance(days=5)
    live = devices.issue(user.id)
    clock.advance(days=3)
    assert devices.cleanup(batch_size=2) == 4
    assert [d.id for d in TrustedDevice.select()] == [live.device.id]


def test_the_enrolment_is_a_qr_code_of_the_provisioning_uri(mfa, make_user):
    import segno

    enrolment = mfa.add_totp_device(make_user(email="qr@example.com").id)
    expected = segno.make(enrolment.provisioning_uri, error="m", micro=False)
    assert enrolment.qr_svg(scale=3) == expected.svg_inline(scale=3, title="TOTP enrolment")
    assert enrolment.qr_svg().startswith("<svg") and "TOTP enrolment" in enrolment.qr_svg()
    png = enrolment.qr_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert enrolment.qr_data_uri().startswith("data:image/png;base64,")
    other = segno.make(enrolment.provisioning_uri.replace("secret=", "secret=A"), error="m", micro=False)
    assert enrolment.qr_svg(scale=3) != other.svg_inline(scale=3, title="TOTP enrolment")
