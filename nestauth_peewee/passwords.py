"""argon2id password hashing, verification with rehash-on-login, and the password policy.

    from nestauth_peewee.passwords import PasswordHasher
    from nestauth_peewee.config import Argon2Params

    hasher = PasswordHasher(Argon2Params(memory_cost=65536, time_cost=3, parallelism=4))
    encoded = hasher.hash("correct horse battery staple")   # '$argon2id$v=19$m=65536,t=3,p=4$…'
    ok, upgraded = hasher.verify(encoded, "correct horse battery staple")
    # ok is True; upgraded is a new hash when `encoded` was made with other
    # parameters (store it), else None.
    hasher.verify("not a hash", "x")                      # (False, None): never raises
    hasher.dummy_verify("x")                              # same cost, for unknown accounts

Verification is kept free of persistence (the caller stores ``upgraded``), in
the manner of Django's ``check_password(password, encoded, setter)``.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable

import argon2
from argon2.exceptions import Argon2Error, InvalidHashError

from . import errors
from .config import Argon2Params, PasswordPolicy

__all__ = ["PasswordHasher", "check_policy", "COMMON_PASSWORDS"]

#: A short built-in list of the passwords seen most often in breaches (lower-case).
#: Deployments that care should pass a larger list through ``PasswordPolicy``.
COMMON_PASSWORDS: frozenset[str] = frozenset(
    {
        "password", "password1", "password12", "password123", "password1234", "passw0rd", "p@ssw0rd",
        "p@ssword", "12345678", "123456789", "1234567890", "12345678910", "0123456789", "87654321",
        "11111111", "00000000", "88888888", "qwertyui", "qwerty123", "qwerty12", "qwertyuiop",
        "1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx", "zaq12wsx", "asdfghjk", "asdf1234", "iloveyou",
        "iloveyou1", "sunshine", "princess", "football", "baseball", "basketball", "superman",
        "starwars", "trustno1", "letmein1", "welcome1", "welcome123", "changeme", "changeme123",
        "administrator", "admin123", "admin1234", "monkey123", "dragon123", "master123", "abcd1234",
        "abc12345", "abcdefgh", "12341234", "1234qwer", "qwer1234", "aa123456", "a1234567", "a12345678",
        "secret123", "whatever", "computer", "internet", "michelle", "jennifer", "charlie1", "shadow12",
        "liverpool", "chelsea1", "arsenal1", "football1", "mustang1", "access14", "freedom1",
        "passpass", "letmeinnow", "default1", "login123", "test1234", "testtest", "guest123"
    }
)


class PasswordHasher:
    """argon2id with the configured cost; thread-safe (argon2-cffi releases the GIL)."""

    def __init__(self, params: Argon2Params | None = None) -> None:
        self.params = params or Argon2Params()
        self._argon2 = argon2.PasswordHasher(
            time_cost=self.params.time_cost,
            memory_cost=self.params.memory_cost,
            parallelism=self.params.parallelism,
            hash_len=32,
            salt_len=16,
            type=argon2.Type.ID,
        )
        self._dummy_hash: str | None = None
        self._dummy_lock = threading.Lock()

    def hash(self, password: str) -> str:
        """The argon2id encoded hash of ``password`` (a new random salt each time)."""
        if not isinstance(password, str):
            raise errors.InvalidValue(f"A password must be a string, not {type(password).__name__}.")
        try:
            secret = password.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise errors.InvalidValue("A password must be valid Unicode text (no lone surrogates).") from exc
        return self._argon2.hash(secret)

    def verify(self, encoded: object, password: object) -> tuple[bool, str | None]:
        """``(matches, new_hash_or_None)``; never raises, whatever ``encoded`` holds.

        ``new_hash`` is set only on a match whose stored hash was made with other
        parameters (or another argon2 variant): the caller should store it.
        """
        secret = _secret_bytes(password)
        if not isinstance(encoded, str) or not encoded.startswith("$argon2") or secret is None:
            return False, None
        try:
            self._argon2.verify(encoded, secret)
        except (Argon2Error, InvalidHashError, ValueError, TypeError):
            return False, None
        try:
            stale = self._argon2.check_needs_rehash(encoded)
        except (Argon2Error, InvalidHashError, ValueError, TypeError):
            stale = True
        return True, (self._argon2.hash(secret) if stale else None)

    def dummy_verify(self, password: object) -> None:
        """Spend one verification's time against a throw-away hash (unknown accounts)."""
        secret = _secret_bytes(password)
        with contextlib.suppress(Argon2Error, InvalidHashError, ValueError, TypeError):
            self._argon2.verify(self._dummy(), secret if secret is not None else b"")

    def needs_rehash(self, encoded: str) -> bool:
        """True when ``encoded`` was not made with this hasher's parameters."""
        try:
            return self._argon2.check_needs_rehash(encoded)
        except (Argon2Error, InvalidHashError, ValueError, TypeError):
            return True

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            with self._dummy_lock:
                if self._dummy_hash is None:
                    self._dummy_hash = self._argon2.hash(b"nestauth-peewee dummy password")
        return self._dummy_hash


def _secret_bytes(password: object) -> bytes | None:
    if not isinstance(password, str):
        return None
    return password.encode("utf-8", "surrogatepass")


def check_policy(
    password: object, policy: PasswordPolicy, *, email: str | None = None, extra_words: Iterable[str] = ()
) -> str:
    """Return ``password`` if it meets ``policy``, else raise PasswordPolicyViolation.

    The error's ``details['reasons']`` lists every rule broken, and its message
    says what to change.
    """
    if not isinstance(password, str):
        raise errors.PasswordPolicyViolation(
            f"A password must be a string, not {type(password).__name__}.", reasons=["type"]
        )
    reasons: list[str] = []
    problems: list[str] = []
    length = len(password)
    if length < policy.min_length:
        reasons.append("too_short")
        problems.append(f"use at least {policy.min_length} characters (this one has {length})")
    if length > policy.max_length:
        reasons.append("too_long")
        problems.append(f"use at most {policy.max_length} characters (this one has {length})")
    if "\x00" in password:
        reasons.append("nul_character")
        problems.append("remove the NUL (\\x00) character")
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        reasons.append("invalid_unicode")
        problems.append("use valid Unicode text (it contains a lone surrogate)")
    lowered = password.lower()
    common = COMMON_PASSWORDS if policy.common_passwords is None else policy.common_passwords
    if lowered in common or password in common:
        reasons.append("common")
        problems.append("choose one that is not on the list of commonly used passwords")
    if policy.forbid_email_local_part and email:
        local = email.split("@", 1)[0].lower()
        if len(local) >= 3 and local in lowered:
            reasons.append("contains_email")
            problems.append("do not put the name of your email address inside it")
    for word in extra_words:
        if word and len(word) >= 3 and word.lower() in lowered:
            reasons.append("contains_personal_word")
            problems.append("do not put your own name or identifiers inside it")
            break
    if reasons:
        raise errors.PasswordPolicyViolation(
            "The password does not meet the policy: " + "; ".join(problems) + ".", reasons=reasons
        )
    return password
