"""Passwordless login by code and by magic link: password reset's rules, ending in a session."""

from __future__ import annotations

import re

import pytest
from support import CHEAP, count_queries, run_together

from nestauth_peewee import errors
from nestauth_peewee.models import Otp, Session
from nestauth_peewee.services.passwordless import PasswordlessService
from nestauth_peewee.services.sessions import SessionService

pytestmark = pytest.mark.settings(argon2=CHEAP, phone_login=True)


@pytest.fixture
def login(settings, users, clock) -> PasswordlessService:
    return PasswordlessService(settings, users=users, clock=clock)


def test_a_code_sent_to_the_account_signs_in_once(login, bob, recorded, settings, clock):
    recorded.clear()
    issued = login.request_code(email=" BOB@example.com")
    assert issued is not None and issued.otp.type == "passwordless_login"
    assert [(n, p["code"]) for n, p in recorded if n == "otp-requested"] == [("otp-requested", issued.code)]
    session = login.sign_in_with_code(email="bob@example.com", code=issued.code, user_agent="ua/1",
                                      ip_address="192.0.2.7")
    row = Session.get_by_id(session.session.id)
    assert row.user_id == bob.id and row.data == {"auth_method": "passwordless_code"}
    assert row.user_agent == "ua/1" and row.ip_address == "192.0.2.7"
    assert SessionService(settings, clock=clock).authenticate(session.refresh_token).id == row.id
    assert ("passwordless-login", {"user_id": bob.id, "method": "passwordless_code",
                                   "session_id": row.id}) in recorded
    with pytest.raises(errors.VerificationCodeInvalid):  # single use
        login.sign_in_with_code(email="bob@example.com", code=issued.code)
    assert Session.select().count() == 1


def test_by_phone_too(login, bob):
    issued = login.request_code(phone="+15550100")
    assert issued is not None
    assert login.sign_in_with_code(phone="+1 (555) 0100", code=issued.code).session.user_id == bob.id


@pytest.mark.parametrize("who", ["unknown", "inactive"])
def test_unknown_and_inactive_accounts_get_nothing_and_the_same_refusal(login, users, bob, recorded, who):
    email = "nobody@example.com" if who == "unknown" else "bob@example.com"
    issued = login.request_code(email="bob@example.com") if who == "inactive" else None
    if who == "inactive":
        users.deactivate(bob.id)
    recorded.clear()
    assert login.request_code(email=email) is None
    assert login.request_link(email=email) is None
    assert recorded == []
    with pytest.raises(errors.VerificationCodeInvalid) as info:
        login.sign_in_with_code(email=email, code=issued.code if issued else "123456")
    assert info.value.code == "VERIFICATION_CODE_INVALID"
    assert Session.select().count() == 0


def test_wrong_codes_spend_attempts_that_survive_the_refusal(login, bob, settings):
    issued = login.request_code(email="bob@example.com")
    wrong = "000000" if issued.code != "000000" else "111111"
    for _ in range(settings.otp_max_attempts):
        with pytest.raises(errors.VerificationCodeInvalid):
            login.sign_in_with_code(email="bob@example.com", code=wrong)
    with pytest.raises(errors.VerificationCodeInvalid):  # no attempt left: the right code is dead too
        login.sign_in_with_code(email="bob@example.com", code=issued.code)
    assert Otp.select().count() == 0 and Session.select().count() == 0


def test_an_expired_code_is_refused_and_a_new_request_kills_the_old_code(login, bob, clock, settings):
    first = login.request_code(email="bob@example.com")
    second = login.request_code(email="bob@example.com")
    with pytest.raises(errors.VerificationCodeInvalid):
        login.sign_in_with_code(email="bob@example.com", code=first.code)
    clock.advance(seconds=settings.otp_validity.total_seconds() + 1)
    with pytest.raises(errors.VerificationCodeExpired):
        login.sign_in_with_code(email="bob@example.com", code=second.code)
    assert Session.select().count() == 0


def test_a_magic_link_signs_in_once(login, bob, recorded, clock, settings):
    recorded.clear()
    token = login.request_link(email="bob@example.com")
    assert token is not None and token.startswith(bob.id.hex + ".") and len(token) == 81
    (payload,) = [p for n, p in recorded if n == "magic-link-requested"]
    assert payload["token"] == token and payload["email"] == "bob@example.com"
    assert Otp.get().type == "magic_link_login" and token.split(".")[1] not in Otp.get().code_hash
    session = login.sign_in_with_link(token, device_name="laptop")
    assert Session.get_by_id(session.session.id).data == {"auth_method": "magic_link"}
    with pytest.raises(errors.VerificationCodeInvalid):
        login.sign_in_with_link(token)
    expired = login.request_link(email="bob@example.com")
    clock.advance(seconds=settings.otp_validity.total_seconds() + 1)
    with pytest.raises(errors.VerificationCodeExpired):
        login.sign_in_with_link(expired)


def test_a_link_of_a_deactivated_user_is_refused(login, users, bob):
    token = login.request_link(email="bob@example.com")
    users.deactivate(bob.id)
    with pytest.raises(errors.VerificationCodeInvalid):
        login.sign_in_with_link(token)


@pytest.mark.parametrize("bad", ["", "x" * 81, "0" * 32 + "." + "A" * 47, "0" * 32 + "." + "a" * 48,
                                 "0" * 32 + "." + "I" * 48, None, 7, "x" * 100_000])
def test_malformed_link_tokens_are_refused_before_any_query(login, db, bad):
    with count_queries(db) as queries, pytest.raises(errors.VerificationCodeInvalid):
        login.sign_in_with_link(bad)
    assert queries == []


def test_a_forged_secret_for_a_real_user_spends_an_attempt(login, bob, settings):
    token = login.request_link(email="bob@example.com")
    forged = token.split(".")[0] + "." + ("A" * 48 if not token.endswith("A" * 48) else "B" * 48)
    for _ in range(settings.otp_max_attempts):
        with pytest.raises(errors.VerificationCodeInvalid):
            login.sign_in_with_link(forged)
    with pytest.raises(errors.VerificationCodeInvalid):
        login.sign_in_with_link(token)


def test_two_concurrent_sign_ins_with_one_code_give_one_session(login, bob, db):
    issued = login.request_code(email="bob@example.com")
    results = run_together(db, 4, lambda i: login.sign_in_with_code(email="bob@example.com", code=issued.code))
    assert sorted(type(r).__name__ for r in results) == ["IssuedSession"] + ["VerificationCodeInvalid"] * 3
    assert Session.select().count() == 1


def _shapes(statements: list[str]) -> list[str]:
    return [re.sub(r"SAVEPOINT \S+", "SAVEPOINT", sql.split(" WHERE ")[0]) for sql in statements]


@pytest.mark.parametrize("request_", ["request_code", "request_link"])
def test_unknown_inactive_and_known_accounts_do_the_same_database_work(login, users, bob, db, request_):
    carol = users.create(email="carol@example.com")
    users.deactivate(carol.id)
    runs = {}
    for email in ("nobody@example.com", "carol@example.com", "bob@example.com"):
        with count_queries(db) as seen:
            answer = getattr(login, request_)(email=email)
        assert (answer is None) == (email != "bob@example.com")
        runs[email] = _shapes(seen)
    assert runs["nobody@example.com"] == runs["carol@example.com"]
    known = [sql for sql in runs["bob@example.com"]  # all but the INSERT of the code itself
             if not (sql.startswith("INSERT") and "nest_auth_otps" in sql.split("(")[0])]
    assert runs["nobody@example.com"] == known
    assert any("nest_auth_otps" in sql for sql in runs["nobody@example.com"])
