"""No secret the library handles is readable from a dump; deleting a user cascades to all of them."""

from __future__ import annotations

import re
import uuid

import argon2
import pyotp
import pytest
from support import KEY

from nestauth_peewee.config import Settings
from nestauth_peewee.db import dialect_of
from nestauth_peewee.models import AccessKey, MfaSecret, Otp, Session, TrustedDevice, User
from nestauth_peewee.schema.catalog import read_catalog
from nestauth_peewee.services.access_keys import AccessKeyService, IssuedAccessKey
from nestauth_peewee.services.mfa import MfaService
from nestauth_peewee.services.otps import IssuedOtp, OtpService
from nestauth_peewee.services.sessions import SessionService
from nestauth_peewee.services.trusted_devices import IssuedDevice, TrustedDeviceService

PASSWORD = "correct horse battery staple ✓"
_CAST = {"postgres": "CAST({} AS TEXT)", "mysql": "CAST({} AS CHAR)", "sqlite": "CAST({} AS TEXT)"}


def _quote(db, name: str) -> str:
    return db.quote[0] + name + db.quote[1]


def dump_as_text(db) -> str:
    """Every column of every row of every table, cast to text by the database itself."""
    dialect = dialect_of(db)
    lines = []
    for table, info in sorted(read_catalog(db).items()):
        columns = ", ".join(_CAST[dialect].format(_quote(db, c)) for c in info.columns)
        for row in db.execute_sql(f"SELECT {columns} FROM {_quote(db, table)}").fetchall():
            lines.append(table + ": " + " | ".join("" if v is None else str(v) for v in row))
    return "\n".join(lines)


def exercise_everything(user: User, clock) -> list[str]:
    """Use every service for ``user``; returns every plaintext secret that was handed out."""
    settings = Settings(secret_key=KEY, recovery_code_count=10)
    sessions = SessionService(settings, clock=clock)
    keys = AccessKeyService(settings, clock=clock)
    otps = OtpService(settings, clock=clock)
    mfa = MfaService(settings, clock=clock)
    devices = TrustedDeviceService(settings, clock=clock)
    plaintexts = [PASSWORD]

    first = sessions.create(user.id, user_agent="pytest")
    second = sessions.refresh(first.refresh_token)
    sessions.create(user.id)
    plaintexts += [first.refresh_token, second.refresh_token]

    key = keys.create(user.id, "deploy")
    keys.verify(key.api_key)
    plaintexts.append(key.api_key)

    kept = otps.create(user.id, "password_reset")  # left in the table
    used = otps.create(user.id, "email_verification")
    otps.verify(user.id, "email_verification", used.code)
    link = otps.create(user.id, "magic_link_login", length=32, alphabet="alphanumeric")
    plaintexts += [kept.code, used.code, link.code]

    enrolment = mfa.add_totp_device(user.id, device_name="phone")
    mfa.confirm_totp_device(user.id, enrolment.device.id, pyotp.TOTP(enrolment.secret).at(clock.now))
    mfa.enable(user.id)
    codes = mfa.generate_recovery_codes(user.id)
    mfa.use_recovery_code(user.id, codes[0])
    plaintexts += [enrolment.secret, *codes, *(c.replace("-", "") for c in codes)]

    device = devices.issue(user.id, user_agent="Firefox")
    devices.validate(user.id, device.token)
    plaintexts.append(device.token)

    # Tokens carry a row id (stored, by design) before the dot: the secret is what follows it.
    return plaintexts + [p.split(".", 1)[1] for p in plaintexts if "." in p]


def _user(clock, email: str) -> User:
    hasher = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return User.create(email=email, password_hash=hasher.hash(PASSWORD),
                       created_at=clock.now, updated_at=clock.now)


def test_a_dump_of_every_table_contains_none_of_the_plaintext_secrets(db, clock):
    user = _user(clock, "dump@example.com")
    plaintexts = exercise_everything(user, clock)
    dump = dump_as_text(db)
    for table in ("nest_auth_sessions", "nest_auth_access_keys", "nest_auth_otps",
                  "nest_auth_mfa_secrets", "nest_auth_mfa_recovery_codes", "nest_auth_trusted_devices",
                  "nest_auth_users"):
        assert f"{table}: " in dump  # the dump really covers the rows written
    assert "enc1:" in dump and "$argon2id$" in dump
    # A secret counts as leaked when it stands as a token of its own (a column value, a JSON
    # string): a six-digit code will sooner or later occur inside some hex digest by chance.
    leaked = [p for p in plaintexts
              if re.search(rf"(?<![0-9a-z]){re.escape(p)}(?![0-9a-z])", dump, re.IGNORECASE)]
    assert leaked == []


def test_deleting_a_user_removes_its_sessions_keys_codes_devices_by_cascade(db, clock):
    doomed = _user(clock, "doomed@example.com")
    survivor = _user(clock, "survivor@example.com")
    exercise_everything(doomed, clock)
    exercise_everything(survivor, clock)
    children = (Session, AccessKey, Otp, MfaSecret, TrustedDevice)
    before = {m: m.select().where(m.user == survivor.id).count() for m in children}
    assert all(before.values())

    assert User.delete().where(User.id == doomed.id).execute() == 1  # one statement

    for model in children:
        assert model.select().where(model.user == doomed.id).count() == 0, model.__name__
        assert model.select().where(model.user == survivor.id).count() == before[model]
    assert doomed.email not in dump_as_text(db)


@pytest.mark.parametrize("missing", [None, ""])
def test_every_secret_service_refuses_to_start_without_a_secret_key(missing):
    from nestauth_peewee import errors

    for service in (SessionService, AccessKeyService, OtpService, MfaService, TrustedDeviceService):
        with pytest.raises(errors.ConfigurationError):
            service(Settings(secret_key=missing))


def test_an_issued_secret_is_named_by_its_row_and_masked_in_the_repr():
    device_id, otp_id = uuid.uuid4(), uuid.uuid4()
    issued = [
        (IssuedAccessKey(AccessKey(public_key="nak_0123"), "nak_0123.s3cret"),
         "IssuedAccessKey(key='nak_0123', api_key='***')"),
        (IssuedDevice(TrustedDevice(id=device_id), "t0ken"), f"IssuedDevice(device={device_id}, token='***')"),
        (IssuedOtp(Otp(id=otp_id, type="mfa"), "123456"), f"IssuedOtp(otp={otp_id}, type='mfa', code='***')"),
    ]
    for result, shown in issued:
        assert repr(result) == shown
