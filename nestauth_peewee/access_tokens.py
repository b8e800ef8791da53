"""Access tokens: short-lived signed JWTs bound to a session, checked without a query.

    from nestauth_peewee import access_tokens as at

    token, expires_at = at.issue(app_key, user_id=user.id, session_id=session.id,
                                 now=now, lifetime=timedelta(minutes=15))
    claims = at.verify(token, [app_key, *previous_keys], now=now)   # AccessClaims or InvalidAccessToken

A token is a JWT (RFC 7519) signed with HS256 through PyJWT. The signing key
is never the app key itself: it is ``secrets.derive_key(app_key,
"access-token")``, an HMAC-SHA256 of a purpose label under the app key, so a
token's signature says nothing about the key that guards refresh tokens, API
keys and codes. The header carries ``kid``, a short keyed fingerprint of that
signing key, so that during a key rotation verification goes straight to the
key that signed the token (the current key or one of the previous ones).

Claims: ``sub`` (user id, 32 hex), ``sid`` (session id, 32 hex), ``iat`` and
``exp`` (seconds since the epoch), ``ver`` (the token format version, 1) and
``typ`` = ``"access"``. Only HS256 is accepted (PyJWT refuses ``alg: none``
and every other algorithm before it looks at the signature). Times are checked
against the caller's clock, not PyJWT's, so a service's injected clock rules.

Nothing here touches the database: the session row is only read by the strict
check (:meth:`SessionService.authenticate_access_token
<nestauth_peewee.services.sessions.SessionService.authenticate_access_token>`).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from . import errors
from .secrets import derive_key, short_digest

__all__ = ["ALGORITHM", "TOKEN_VERSION", "MAX_TOKEN_LENGTH", "AccessClaims", "signing_key", "key_id",
           "issue", "verify"]

ALGORITHM = "HS256"
#: The ``ver`` claim of the tokens this version issues; verification refuses any other.
TOKEN_VERSION = 1
#: A presented token longer than this is refused unread (issued ones are about 330 characters).
MAX_TOKEN_LENGTH = 1024
_PURPOSE = "access-token"
_TYPE = "access"


@dataclass(frozen=True)
class AccessClaims:
    """What a verified access token says: whose session, since when, until when."""

    user_id: uuid.UUID
    session_id: uuid.UUID
    issued_at: datetime
    expires_at: datetime
    version: int


@functools.lru_cache(maxsize=16)
def signing_key(app_key: bytes) -> bytes:
    """The HS256 key for access tokens: a purpose-labelled HMAC sub-key of one app key."""
    return derive_key(app_key, _PURPOSE)


@functools.lru_cache(maxsize=16)
def key_id(app_key: bytes) -> str:
    """The ``kid`` header of tokens signed under ``app_key`` (96 bits, reveals nothing of the key)."""
    return short_digest(signing_key(app_key), "access-token-kid")


def issue(app_key: bytes, *, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime,
          lifetime: timedelta) -> tuple[str, datetime]:
    """``(token, expires_at)`` for the session, signed under the (current) ``app_key``."""
    issued = int(now.timestamp())
    expires = issued + max(1, int(lifetime.total_seconds()))
    payload = {"sub": user_id.hex, "sid": session_id.hex, "iat": issued, "exp": expires,
               "ver": TOKEN_VERSION, "typ": _TYPE}
    token = jwt.encode(payload, signing_key(app_key), algorithm=ALGORITHM,
                       headers={"kid": key_id(app_key)})
    return token, datetime.fromtimestamp(expires, UTC)


def verify(token: Any, app_keys: Sequence[bytes], *, now: datetime, leeway: timedelta = timedelta(0)
           ) -> AccessClaims:
    """The claims of a valid, unexpired token signed under one of ``app_keys`` (current first).

    Raises :class:`~nestauth_peewee.errors.AccessTokenExpired` for a good token past
    its ``exp`` and :class:`~nestauth_peewee.errors.InvalidAccessToken` for
    anything else (malformed, wrong key, wrong algorithm, wrong version, issued in the
    future); no query either way.
    """
    if (not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH
            or not token.isascii()):
        raise errors.InvalidAccessToken()
    candidates = list(app_keys)
    if len(candidates) > 1:  # a rotation: the kid header names the signing key (a hint, not trusted)
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.InvalidTokenError:
            raise errors.InvalidAccessToken() from None
        candidates = [k for k in candidates if key_id(k) == kid] or candidates
    payload: dict[str, Any] | None = None
    for key in candidates:
        try:
            payload = jwt.decode(
                token, signing_key(key), algorithms=[ALGORITHM],
                # Times are ours to check (the caller's clock); the claims must be there.
                options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                         "require": ["sub", "sid", "iat", "exp", "ver"]},
            )
            break
        except jwt.InvalidTokenError:
            continue
    if payload is None:
        raise errors.InvalidAccessToken()
    claims = _claims(payload)
    slack = leeway.total_seconds()
    stamp = now.timestamp()
    if claims.issued_at.timestamp() > stamp + slack:
        raise errors.InvalidAccessToken()
    if claims.expires_at.timestamp() <= stamp - slack:
        raise errors.AccessTokenExpired()
    return claims


def _claims(payload: dict[str, Any]) -> AccessClaims:
    sub, sid, iat, exp, ver = (payload.get(k) for k in ("sub", "sid", "iat", "exp", "ver"))
    if (payload.get("typ") != _TYPE or ver != TOKEN_VERSION or not isinstance(sub, str)
            or not isinstance(sid, str) or len(sub) != 32 or len(sid) != 32
            or type(iat) is not int or type(exp) is not int or exp <= iat):
        raise errors.InvalidAccessToken()
    try:
        return AccessClaims(user_id=uuid.UUID(hex=sub), session_id=uuid.UUID(hex=sid),
                            issued_at=datetime.fromtimestamp(iat, UTC),
                            expires_at=datetime.fromtimestamp(exp, UTC), version=ver)
    except (ValueError, OverflowError, OSError):
        raise errors.InvalidAccessToken() from None
