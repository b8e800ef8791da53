"""Expiry clean-up: key-free, one statement per batch, exactly the dead rows."""

from __future__ import annotations

import pytest
from support import count_queries

from nestauth_peewee import CleanupCounts, ExpiryCleanup, errors
from nestauth_peewee.models import Otp, Session, TrustedDevice
from nestauth_peewee.services.otps import OtpService
from nestauth_peewee.services.sessions import SessionService
from nestauth_peewee.services.trusted_devices import TrustedDeviceService


@pytest.fixture
def dead_and_alive(settings, clock, make_user):
    """Three of each kind made ``clock`` ago-ish: some expire before ``now``, some after."""
    user = make_user()
    sessions, otps, devices = (SessionService(settings, clock=clock), OtpService(settings, clock=clock),
                               TrustedDeviceService(settings, clock=clock))
    for _ in range(3):
        sessions.create(user.id)
        devices.issue(user.id)
    otps.create(user.id, "email_verification")
    otps.create(user.id, "mfa")
    clock.advance(days=60)  # everything above has expired (sessions 30 d, OTPs 30 min, devices 7 d)
    kept_session = sessions.create(make_user().id).session.id  # (a login evicts its own user's dead ones)
    kept_otp = otps.create(user.id, "password_reset").otp.id
    kept_device = devices.issue(user.id).device.id
    revoked = devices.issue(user.id).device.id
    devices.revoke(user.id, revoked)
    return kept_session, kept_otp, kept_device


def test_it_needs_no_secret_key_and_deletes_exactly_the_dead_rows(db, clock, dead_and_alive):
    kept_session, kept_otp, kept_device = dead_and_alive
    counts = ExpiryCleanup(clock=clock).run(batch_size=2)
    assert counts == CleanupCounts(sessions=3, otps=2, trusted_devices=4)  # 3 expired + 1 revoked
    assert [s.id for s in Session.select()] == [kept_session]
    assert [o.id for o in Otp.select()] == [kept_otp]
    assert [d.id for d in TrustedDevice.select()] == [kept_device]
    assert ExpiryCleanup(clock=clock).run() == CleanupCounts(0, 0, 0)


def test_a_row_expiring_exactly_now_is_dead(db, clock, settings, make_user):
    issued = SessionService(settings, clock=clock).create(make_user().id)
    assert ExpiryCleanup().sessions(now=issued.session.expires_at) == 1


def test_each_batch_is_one_statement(db, clock, dead_and_alive):
    cleanup = ExpiryCleanup(clock=clock)
    for method, expected in ((cleanup.sessions, 3), (cleanup.otps, 2), (cleanup.trusted_devices, 4)):
        with count_queries(db) as queries:
            assert method(batch_size=2) == expected
        deletes = [q for q in queries if q.lstrip().upper().startswith("DELETE")]
        # ceil(expected / 2) full-or-short batches, plus one empty batch when the last was full
        assert len(deletes) == expected // 2 + 1, queries
        assert len(queries) == len(deletes), queries  # no SELECT of ids, no BEGIN/COMMIT
    assert not db.in_transaction()


@pytest.mark.parametrize("size", [0, -1, 1.5, True, "10"])
def test_a_bad_batch_size_is_a_typed_error(db, size):
    with pytest.raises(errors.InvalidValue, match="batch_size"):
        ExpiryCleanup().otps(batch_size=size)
