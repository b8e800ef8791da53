"""Regression tests pinning every example of issue 14 (the input boundary), on all three dialects.

Each call below escaped as a raw driver or Python exception, or changed a
value silently, before the validation layer; now each is a typed refusal that
writes nothing (or, for the documented clip and the explicit "no limit", does
exactly what the docs say).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import peewee
import pytest
from support import CHEAP

from nestauth_peewee import NestAuthModels, Settings, errors
from nestauth_peewee.services.bundle import AuthServices

KEY = "boundary-secret-key-" + "k" * 32
SETTINGS = Settings(secret_key=KEY, argon2=CHEAP)


@pytest.fixture
def auth(db: peewee.Database) -> AuthServices:
    return AuthServices(SETTINGS)


@pytest.fixture
def user_id(auth: AuthServices) -> Any:
    return auth.users.create(email="bob@example.com").id


def _rows() -> dict[str, int]:
    return {model._meta.table_name: model.select().count() for model in NestAuthModels}


Call = Callable[[AuthServices, Any], Any]

REFUSED: list[tuple[str, Call, type[errors.NestAuthError]]] = [
    # lone surrogates reached the driver as UnicodeEncodeError
    ("tenant name surrogate", lambda a, u: a.tenants.create("a\ud800b", slug="x1"), errors.InvalidValue),
    ("role name surrogate", lambda a, u: a.roles.create("a\ud800b"), errors.InvalidValue),
    ("role permission surrogate", lambda a, u: a.roles.create("r", permissions=["a\ud800"]), errors.InvalidValue),
    ("role get_by_name surrogate", lambda a, u: a.roles.get_by_name("a\ud800b"), errors.InvalidValue),
    ("permission register surrogate", lambda a, u: a.permissions.register(["a\ud800"]), errors.InvalidValue),
    ("permission description surrogate",
     lambda a, u: a.permissions.create("p", description="a\ud800"), errors.InvalidValue),
    ("permission search surrogate", lambda a, u: a.permissions.search("a\ud800"), errors.InvalidValue),
    ("access key name surrogate", lambda a, u: a.access_keys.create(u, "a\ud800"), errors.InvalidValue),
    ("access key description surrogate",
     lambda a, u: a.access_keys.create(u, "ci", description="a\ud800"), errors.InvalidValue),
    ("tenant search surrogate", lambda a, u: a.tenants.list_tenants(search="a\ud800"), errors.InvalidValue),
    ("session user agent surrogate", lambda a, u: a.sessions.create(u, user_agent="a\ud800"), errors.InvalidValue),
    ("session device name surrogate", lambda a, u: a.sessions.create(u, device_name="a\ud800"),
     errors.InvalidValue),
    # NUL: psycopg2's ValueError on PostgreSQL
    ("role name NUL", lambda a, u: a.roles.create("a\x00b"), errors.InvalidValue),
    # wrong types: AttributeError, TypeError, raw SQL errors, OverflowError
    ("access key name int", lambda a, u: a.access_keys.create(u, 12345), errors.InvalidValue),
    ("session ip int", lambda a, u: a.sessions.create(u, ip_address=12345), errors.InvalidValue),
    ("session user agent int", lambda a, u: a.sessions.create(u, user_agent=5), errors.InvalidValue),
    ("has_permission int", lambda a, u: a.authorization.has_permission(u, 12345), errors.InvalidValue),
    ("has_role int", lambda a, u: a.authorization.has_role(u, 12345), errors.InvalidValue),
    ("permission search int", lambda a, u: a.permissions.search(12345), errors.InvalidValue),
    ("tenant search bytes", lambda a, u: a.tenants.list_tenants(search=b"x"), errors.InvalidValue),
    ("role permissions 0", lambda a, u: a.roles.create("r", permissions=0), errors.InvalidValue),
    ("otp length ''", lambda a, u: a.otps.create(u, "email_verification", length=""), errors.InvalidValue),
    ("otp validity ' '", lambda a, u: a.otps.create(u, "email_verification", validity=" "), errors.InvalidValue),
    ("session revoke list", lambda a, u: a.sessions.revoke([u, u]), errors.InvalidValue),
    ("tenant offset 2**63", lambda a, u: a.tenants.list_tenants(offset=2**63), errors.InvalidValue),
    # silent changes
    ("tenant description 0", lambda a, u: a.tenants.create("Acme", "acme", description=0), errors.InvalidValue),
    ("tenant description bytes", lambda a, u: a.tenants.create("Acme", "acme", description=b"x"),
     errors.InvalidValue),
    ("tenant description list", lambda a, u: a.tenants.create("Acme", "acme", description=["x"]),
     errors.InvalidValue),
    ("tenant description dict", lambda a, u: a.tenants.create("Acme", "acme", description={"x": 1}),
     errors.InvalidValue),
    ("otp validity zero", lambda a, u: a.otps.create(u, "email_verification", validity=timedelta(0)),
     errors.InvalidValue),
    ("otp validity negative",
     lambda a, u: a.otps.create(u, "email_verification", validity=timedelta(minutes=-5)), errors.InvalidValue),
]


@pytest.mark.parametrize(("call", "error"), [(c, e) for _, c, e in REFUSED], ids=[n for n, _, _ in REFUSED])
def test_hostile_input_is_a_typed_refusal_that_writes_nothing(auth, user_id, call: Call,
                                                              error: type[errors.NestAuthError]) -> None:
    before = _rows()
    with pytest.raises(error) as info:
        call(auth, user_id)
    assert isinstance(info.value, errors.NestAuthError)
    assert _rows() == before


def test_a_refusal_names_the_field(auth) -> None:
    with pytest.raises(errors.InvalidValue) as info:
        auth.tenants.create("Acme", "acme", description=0)
    assert info.value.details["field"] == "description"
    with pytest.raises(errors.InvalidValue) as info:
        auth.tenants.list_tenants(offset=2**63)
    assert info.value.details["field"] == "offset"


def test_a_long_user_agent_is_clipped_to_512_characters_and_stored_so(auth, user_id) -> None:
    agent = "Mozilla/5.0 " + "é" * 600
    issued = auth.sessions.create(user_id, user_agent=agent)
    stored = auth.sessions.list_active(user_id)[0]
    assert stored.user_agent == issued.session.user_agent == agent[:512]


def test_an_overlong_device_name_is_refused_not_cut(auth, user_id) -> None:
    with pytest.raises(errors.ValueTooLong):
        auth.sessions.create(user_id, device_name="x" * 256)


@pytest.mark.parametrize("limit", [0, -1])
def test_a_session_limit_of_zero_or_less_is_a_configuration_error(limit: int) -> None:
    with pytest.raises(errors.ConfigurationError, match="max_sessions_per_user"):
        Settings(secret_key=KEY, max_sessions_per_user=limit)


def test_no_session_limit_is_spelled_none(db, user_id) -> None:
    auth = AuthServices(Settings(secret_key=KEY, argon2=CHEAP, max_sessions_per_user=None))
    for _ in range(12):
        auth.sessions.create(user_id)
    assert len(auth.sessions.list_active(user_id)) == 12


@pytest.mark.parametrize("overrides", [
    {"otp_length": 3}, {"otp_length": 65}, {"otp_length": "6"}, {"otp_validity": timedelta(0)},
    {"refresh_token_validity": timedelta(seconds=-1)}, {"trusted_device_validity": 7},
    {"otp_max_attempts": 0}, {"recovery_code_count": 15}, {"guards": ()}, {"guards": "web"},
])
def test_impossible_settings_fail_at_start_up(overrides: dict[str, Any]) -> None:
    with pytest.raises(errors.ConfigurationError, match=next(iter(overrides))):
        Settings(secret_key=KEY, **overrides)
