"""Tokens, keyed digests and format checks for every secret the library issues.

Nothing here touches the database. Every token comes from the :mod:`secrets`
CSPRNG with at least 128 bits of entropy; what is stored is an HMAC-SHA256 of
it under the app's secret key (with a purpose label, so a digest made for one
kind of token never verifies another); comparisons are constant-time::

    from nestauth_peewee import secrets as ns

    key = b"an app secret key of at least 32 bytes....."
    token, secret = ns.new_id_token(session_id)         # "<32 hex>.<43 url-safe chars>"
    stored = ns.keyed_digest(key, "refresh", session_id.hex, secret)
    parsed = ns.parse_id_token(token)                   # (UUID, secret) or None if malformed
    assert ns.digests_equal(ns.keyed_digest(key, "refresh", parsed[0].hex, parsed[1]), stored)

Formats (documented in docs/secrets.md):

* id token (refresh tokens, trusted-device tokens): ``<row id, 32 lower-case
  hex>.<secret, 43 base64url chars = 256 bits>``, 76 characters;
* API key: ``nak_<public, 24 lower-case hex = 96 bits>.<secret, 43 base64url
  chars>``, 72 characters;
* codes (OTPs, recovery codes): characters drawn uniformly from an alphabet.

A presented value that is not a ``str`` of exactly the expected shape parses to
``None`` before anything else happens, so callers can raise the same
"invalid" error for malformed and wrong values without a query.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets as _csprng
import uuid
from typing import Any

__all__ = [
    "SECRET_BYTES",
    "NUMERIC",
    "UNAMBIGUOUS",
    "ACCESS_KEY_PREFIX",
    "new_secret",
    "new_id_token",
    "parse_id_token",
    "new_access_key",
    "parse_access_key",
    "random_code",
    "keyed_digest",
    "short_digest",
    "digests_equal",
    "derive_key",
    "encrypt",
    "decrypt",
    "KeyRing",
]

#: Bytes of randomness in every secret part (256 bits; ASVS asks for at least 128).
SECRET_BYTES = 32
_SECRET_CHARS = 43  # len(base64url(32 bytes)) without padding
_SECRET = r"[A-Za-z0-9_-]{43}"

#: Digits only: the usual OTP alphabet.
NUMERIC = "0123456789"
#: Upper-case letters and digits without the look-alikes I, L, O, 0 and 1 (31 symbols).
UNAMBIGUOUS = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

#: Every API key starts with this, so leaked keys are easy to recognise (and to scan for).
ACCESS_KEY_PREFIX = "nak_"
_PUBLIC_BYTES = 12  # 96 bits, 24 hex chars: only uniqueness matters, the secret is the other half

_ID_TOKEN_RE = re.compile(r"([0-9a-f]{32})\." + _SECRET)
_ACCESS_KEY_RE = re.compile(re.escape(ACCESS_KEY_PREFIX) + r"([0-9a-f]{24})\." + _SECRET)
_ID_TOKEN_LENGTH = 32 + 1 + _SECRET_CHARS
_ACCESS_KEY_LENGTH = len(ACCESS_KEY_PREFIX) + 2 * _PUBLIC_BYTES + 1 + _SECRET_CHARS


def new_secret() -> str:
    """A fresh 256-bit secret as 43 url-safe characters."""
    return _csprng.token_urlsafe(SECRET_BYTES)


def new_id_token(row_id: uuid.UUID) -> tuple[str, str]:
    """``(token, secret)`` where the token names its row: ``<row id hex>.<secret>``."""
    secret = new_secret()
    return f"{row_id.hex}.{secret}", secret


def parse_id_token(token: Any) -> tuple[uuid.UUID, str] | None:
    """``(row id, secret)`` from an id token, or ``None`` if it is not exactly that shape."""
    if not isinstance(token, str) or len(token) != _ID_TOKEN_LENGTH:
        return None
    match = _ID_TOKEN_RE.fullmatch(token)
    if match is None:
        return None
    return uuid.UUID(hex=match.group(1)), token[33:]


def new_access_key() -> tuple[str, str, str]:
    """``(full key, public part, secret part)`` for a new API key."""
    public = ACCESS_KEY_PREFIX + _csprng.token_hex(_PUBLIC_BYTES)
    secret = new_secret()
    return f"{public}.{secret}", public, secret


def parse_access_key(key: Any) -> tuple[str, str] | None:
    """``(public part, secret part)`` of an API key, or ``None`` if malformed."""
    if not isinstance(key, str) or len(key) != _ACCESS_KEY_LENGTH:
        return None
    if _ACCESS_KEY_RE.fullmatch(key) is None:
        return None
    public, _, secret = key.partition(".")
    return public, secret


def random_code(length: int, alphabet: str = NUMERIC) -> str:
    """``length`` characters drawn uniformly (CSPRNG) from ``alphabet``."""
    if length < 1:
        raise ValueError("a code needs at least one character")
    return "".join(_csprng.choice(alphabet) for _ in range(length))


def _message(purpose: str, parts: tuple[str, ...]) -> bytes:
    # Length-prefixed fields: ("ab", "c") and ("a", "bc") never share a message.
    chunks = [purpose, *parts]
    return b"".join(len(c.encode()).to_bytes(4, "big") + c.encode() for c in chunks)


def keyed_digest(key: bytes, purpose: str, *parts: str) -> str:
    """HMAC-SHA256 of ``parts`` under ``key``, labelled with ``purpose``; 64 hex chars."""
    return hmac.new(key, _message(purpose, parts), hashlib.sha256).hexdigest()


def short_digest(key: bytes, purpose: str, *parts: str, nbytes: int = 12) -> str:
    """A truncated HMAC-SHA256 (default 96 bits) as unpadded base64url."""
    raw = hmac.new(key, _message(purpose, parts), hashlib.sha256).digest()[:nbytes]
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def digests_equal(presented: str | None, stored: str | None) -> bool:
    """Constant-time equality of two digests; ``None`` never matches."""
    if presented is None or stored is None:
        return False
    return hmac.compare_digest(presented.encode("utf-8"), stored.encode("utf-8"))


def derive_key(key: bytes, purpose: str) -> bytes:
    """A 256-bit sub-key of the app key for one purpose (e.g. encryption)."""
    return hmac.new(key, _message("derive-key", (purpose,)), hashlib.sha256).digest()


_ENC_PREFIX = "enc1:"


def encrypt(key: bytes, plaintext: str, context: str) -> str:
    """AES-256-GCM encryption under a sub-key of ``key``; ``context`` is authenticated.

    The result is ``enc1:<base64url(nonce | ciphertext | tag)>``. Decrypting
    with another ``context`` (e.g. another user's id) fails.
    """
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = _csprng.token_bytes(12)
    sealed = AESGCM(derive_key(key, "encrypt")).encrypt(
        nonce, plaintext.encode("utf-8"), context.encode("utf-8")
    )
    return _ENC_PREFIX + base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")


def decrypt(key: bytes, stored: str, context: str) -> str | None:
    """The plaintext of :func:`encrypt`'s output; a value without the prefix is returned as is.

    ``None`` when the value cannot be decrypted (wrong key, wrong context, damaged).
    """
    if not stored.startswith(_ENC_PREFIX):
        return stored  # written before encryption was on (or by another tool)
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    body = stored[len(_ENC_PREFIX):]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        plain = AESGCM(derive_key(key, "encrypt")).decrypt(raw[:12], raw[12:], context.encode("utf-8"))
    except (InvalidTag, ValueError):
        return None
    return plain.decode("utf-8")


class KeyRing:
    """The app's current secret key and the previous ones still accepted (key rotation).

    New digests and ciphertexts always use :attr:`current`; a stored value is
    checked against the current key first, then each fallback, so values made
    before a rotation keep working until their key is retired. The ``match_*``
    and ``open`` methods say which key matched (0: the current one), so the
    caller can re-key what it stored::

        ring = KeyRing(b"new key ...", fallbacks=(b"old key ...",))
        stored = ring.digest("refresh", session_id.hex, secret)
        index = ring.match_digest(stored, "refresh", session_id.hex, secret)   # 0, 1.. or None
        if index:                                  # made with a previous key: store a fresh one
            ...

    Built from :class:`~nestauth_peewee.config.Settings` by
    :func:`nestauth_peewee.config.key_ring` (which validates every key).
    """

    __slots__ = ("current", "fallbacks", "keys")

    def __init__(self, current: bytes, fallbacks: tuple[bytes, ...] = ()) -> None:
        self.current = current
        self.fallbacks = tuple(k for k in fallbacks if k != current)
        self.keys = (current, *self.fallbacks)

    def __repr__(self) -> str:  # never show a key
        return f"KeyRing(current=***, fallbacks={len(self.fallbacks)})"

    def digest(self, purpose: str, *parts: str) -> str:
        """:func:`keyed_digest` under the current key."""
        return keyed_digest(self.current, purpose, *parts)

    def short_digest(self, purpose: str, *parts: str, nbytes: int = 12) -> str:
        """:func:`short_digest` under the current key."""
        return short_digest(self.current, purpose, *parts, nbytes=nbytes)

    def match_digest(self, stored: str | None, purpose: str, *parts: str,
                     current: str | None = None) -> int | None:
        """Index of the key whose :func:`keyed_digest` of ``parts`` equals ``stored``, else None.

        ``current``: the current key's digest when the caller already has it
        (saves one HMAC). Fallbacks are tried only when the current key fails.
        """
        if stored is None:
            return None
        first = current if current is not None else keyed_digest(self.current, purpose, *parts)
        if digests_equal(first, stored):
            return 0
        for index, key in enumerate(self.fallbacks, start=1):
            if digests_equal(keyed_digest(key, purpose, *parts), stored):
                return index
        return None

    def short_digests(self, purpose: str, *parts: str, nbytes: int = 12) -> list[str]:
        """:func:`short_digest` of ``parts`` under every key, the current one first."""
        return [short_digest(key, purpose, *parts, nbytes=nbytes) for key in self.keys]

    def encrypt(self, plaintext: str, context: str) -> str:
        """:func:`encrypt` under the current key."""
        return encrypt(self.current, plaintext, context)

    def open(self, stored: str, context: str) -> tuple[str | None, int | None]:
        """``(plaintext, key index)`` of :func:`encrypt`'s output; ``(None, None)`` if no key opens it.

        A value stored unencrypted comes back with index 0 (nothing to re-key).
        """
        if not stored.startswith(_ENC_PREFIX):
            return stored, 0
        for index, key in enumerate(self.keys):
            plain = decrypt(key, stored, context)
            if plain is not None:
                return plain, index
        return None, None
