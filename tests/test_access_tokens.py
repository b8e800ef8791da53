"""Access tokens: issued with every session and refresh, checked without a query, strict mode, rotation."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta

import jwt
import pytest
from support import KEY, count_queries

from nestauth_peewee import access_tokens, errors
from nestauth_peewee.config import Settings
from nestauth_peewee.services.sessions import IssuedSession, SessionService

OTHER_KEY = b"another-app-key-of-at-least-thirty-two-bytes"


@pytest.fixture
def service(settings, clock) -> SessionService:
    return SessionService(settings, clock=clock)


def _segments(token: str) -> tuple[dict, dict]:
    def part(text: str) -> dict:
        return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))

    header, payload, _sig = token.split(".")
    return part(header), part(payload)


def test_create_and_refresh_issue_an_access_token_bound_to_the_session(service, make_user, clock):
    user = make_user()
    issued = service.create(user.id)
    assert issued.access_token and issued.access_token_expires_at == clock.now + timedelta(minutes=15)
    header, claims = _segments(issued.access_token)
    assert header["alg"] == "HS256" and header["kid"] == access_tokens.key_id(KEY.encode())
    assert claims == {"sub": user.id.hex, "sid": issued.session.id.hex, "iat": int(clock.now.timestamp()),
                      "exp": int(clock.now.timestamp()) + 900, "ver": 1, "typ": "access"}

    clock.advance(minutes=1)
    again = service.refresh(issued.refresh_token)
    assert again.access_token != issued.access_token
    checked = service.check_access_token(again.access_token)
    assert (checked.user_id, checked.session_id) == (user.id, issued.session.id)
    assert "***" in repr(again) and again.access_token not in repr(again)


def test_the_default_check_sends_no_query(service, make_user, db):
    issued = service.create(make_user().id)
    with count_queries(db) as queries:
        claims = service.check_access_token(issued.access_token)
    assert queries == [] and claims.session_id == issued.session.id


def test_the_signing_key_is_derived_not_the_app_key(service, make_user):
    token = service.create(make_user().id).access_token
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, KEY.encode(), algorithms=["HS256"])
    assert jwt.decode(token, access_tokens.signing_key(KEY.encode()), algorithms=["HS256"],
                      options={"verify_exp": False})["sid"]


def test_expiry_is_checked_with_the_services_clock(service, make_user, clock):
    issued = service.create(make_user().id)
    clock.advance(minutes=14, seconds=59)
    service.check_access_token(issued.access_token)
    clock.advance(seconds=1)
    with pytest.raises(errors.AccessTokenExpired) as refused:
        service.check_access_token(issued.access_token)
    assert refused.value.code == "ACCESS_TOKEN_EXPIRED"
    assert isinstance(refused.value, errors.InvalidAccessToken)


def test_the_lifetime_comes_from_the_settings(make_user, clock):
    service = SessionService(Settings(secret_key=KEY, access_token_validity=timedelta(minutes=2)), clock=clock)
    issued = service.create(make_user().id)
    assert issued.access_token_expires_at == clock.now + timedelta(minutes=2)


@pytest.mark.parametrize("validity", [timedelta(0), timedelta(seconds=-5), 900])
def test_a_zero_negative_or_untyped_access_token_lifetime_is_refused_at_start_up(validity):
    with pytest.raises(errors.ConfigurationError, match="access_token_validity"):
        SessionService(Settings(secret_key=KEY, access_token_validity=validity))


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # the HS512 forgery
@pytest.mark.parametrize("forge", ["other-key", "alg-none", "hs512", "no-sid", "wrong-version", "future",
                                   "bytes", "huge", "garbage", "refresh-token", "typ"])
def test_forged_and_malformed_tokens_are_refused_alike(service, make_user, clock, forge):
    issued = service.create(make_user().id)
    _header, claims = _segments(issued.access_token)
    real_key = access_tokens.signing_key(KEY.encode())
    token: object
    if forge == "other-key":
        token = access_tokens.issue(OTHER_KEY, user_id=uuid.uuid4(), session_id=issued.session.id,
                                    now=clock.now, lifetime=timedelta(minutes=5))[0]
    elif forge == "alg-none":
        token = jwt.encode(claims, None, algorithm="none")
    elif forge == "hs512":
        token = jwt.encode(claims, real_key, algorithm="HS512")
    elif forge == "no-sid":
        token = jwt.encode({k: v for k, v in claims.items() if k != "sid"}, real_key, algorithm="HS256")
    elif forge == "wrong-version":
        token = jwt.encode({**claims, "ver": 2}, real_key, algorithm="HS256")
    elif forge == "typ":
        token = jwt.encode({**claims, "typ": "refresh"}, real_key, algorithm="HS256")
    elif forge == "future":
        token = jwt.encode({**claims, "iat": claims["iat"] + 3600, "exp": claims["exp"] + 3600}, real_key,
                           algorithm="HS256")
    elif forge == "bytes":
        token = issued.access_token.encode()
    elif forge == "huge":
        token = issued.access_token + "A" * 2000
    elif forge == "garbage":
        token = "not.a.jwt\x00\ud800"
    else:
        token = issued.refresh_token
    with pytest.raises(errors.InvalidAccessToken) as refused:
        service.check_access_token(token)  # type: ignore[arg-type]
    assert refused.value.code == "INVALID_ACCESS_TOKEN"


def test_strict_mode_sees_a_revocation_at_once_the_default_when_the_token_expires(service, make_user, clock, db):
    user = make_user()
    issued = service.create(user.id)
    with count_queries(db) as queries:
        session = service.authenticate_access_token(issued.access_token)
    assert len(queries) == 1 and session.id == issued.session.id and session.user.id == user.id

    service.revoke(issued.session.id)
    service.check_access_token(issued.access_token)  # the default mode: alive until exp
    with pytest.raises(errors.InvalidAccessToken):
        service.authenticate_access_token(issued.access_token)
    clock.advance(minutes=15)
    with pytest.raises(errors.AccessTokenExpired):
        service.check_access_token(issued.access_token)


def test_strict_mode_refuses_a_deactivated_user(service, make_user):
    user = make_user()
    issued = service.create(user.id)
    type(user).update(is_active=False).where(type(user).id == user.id).execute()
    with pytest.raises(errors.InvalidAccessToken):
        service.authenticate_access_token(issued.access_token)


def test_verification_tries_every_key_given_current_first(clock):
    sid, uid = uuid.uuid4(), uuid.uuid4()
    old_token = access_tokens.issue(OTHER_KEY, user_id=uid, session_id=sid, now=clock.now,
                                    lifetime=timedelta(minutes=15))[0]
    new_key = KEY.encode()
    with pytest.raises(errors.InvalidAccessToken):
        access_tokens.verify(old_token, [new_key], now=clock.now)
    claims = access_tokens.verify(old_token, [new_key, OTHER_KEY], now=clock.now)
    assert (claims.user_id, claims.session_id) == (uid, sid)
    # A token whose kid names no key is still tried against each (kid is a hint, not trusted).
    header, payload = _segments(old_token)
    relabelled = jwt.encode(payload, access_tokens.signing_key(OTHER_KEY), algorithm="HS256",
                            headers={"kid": "unknown"})
    assert access_tokens.verify(relabelled, [new_key, OTHER_KEY], now=clock.now).session_id == sid


def test_session_get_is_one_query_and_hides_other_users_sessions(service, make_user, db):
    user, other = make_user(), make_user()
    issued = service.create(user.id)
    with count_queries(db) as queries:
        assert service.get(issued.session.id).user.id == user.id
    assert len(queries) == 1
    with pytest.raises(errors.SessionNotFound):
        service.get(issued.session.id, user_id=other.id)
    service.revoke(issued.session.id)
    with pytest.raises(errors.SessionNotFound):
        service.get(issued.session.id)


def test_issued_session_built_by_hand_still_works(service, make_user):
    issued = service.create(make_user().id)
    legacy = IssuedSession(issued.session, issued.refresh_token)
    assert legacy.access_token == "" and legacy.access_token_expires_at is None


def test_an_access_token_signed_before_a_key_rotation_still_verifies(db):
    from nestauth_peewee import SessionService, Settings, User
    from nestauth_peewee.errors import NestAuthError

    old_key = "access-token-rotation-old-key-" + "9f3Kq" * 8
    new_key = "access-token-rotation-new-key-" + "Zr8Wm" * 8
    user = User.create(email="rotate@example.com")
    issued = SessionService(Settings(secret_key=old_key)).create(user.id)

    rotated = SessionService(Settings(secret_key=new_key, secret_key_fallbacks=(old_key,)))
    assert rotated.check_access_token(issued.access_token).session_id == issued.session.id
    retired = SessionService(Settings(secret_key=new_key))
    with pytest.raises(NestAuthError):
        retired.check_access_token(issued.access_token)
