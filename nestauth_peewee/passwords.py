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

Passwords are NFKC-normalised before policy and hashing (NIST SP 800-63B
5.1.1.2: the same password typed as NFC or NFD, or with compatibility
characters, is the same password). A hash made before 0.2 from the raw,
un-normalised form still verifies: when the normalised form fails and differs
from the raw one, the raw one is tried, and a match is re-hashed from the
normalised form (``upgraded``). Unknown accounts pay the same second attempt.

The default common-password list is the ``passwords`` frequency list that the
``zxcvbn`` package ships (30,000 entries, MIT licence), read on first use.
:class:`RangeBreachChecker` asks a "range" service (Have I Been Pwned's
protocol) whether a password appears in known breaches; only the first five
hex characters of its SHA-1 leave the machine.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import Protocol

import argon2
from argon2.exceptions import Argon2Error, InvalidHashError

from . import errors
from .config import Argon2Params, PasswordPolicy

__all__ = [
    "PasswordHasher",
    "check_policy",
    "hash_for_change",
    "normalize_password",
    "common_passwords",
    "BreachChecker",
    "RangeBreachChecker",
    "COMMON_PASSWORDS",
]

log = logging.getLogger(__name__)


def normalize_password(password: str) -> str:
    """The NFKC form of ``password`` (what policy and hashing see)."""
    return unicodedata.normalize("NFKC", password)


_common: frozenset[str] | None = None
_common_lock = threading.Lock()


def common_passwords() -> frozenset[str]:
    """The default common-password list: zxcvbn's 30,000 passwords (lower-case) and
    :data:`COMMON_PASSWORDS`, built once, on first call.

    The list comes from the ``zxcvbn`` package (a dependency; MIT licence,
    recorded in docs/security.md), not from a copy in this repository.
    """
    global _common
    if _common is None:
        with _common_lock:
            if _common is None:
                from zxcvbn.frequency_lists import FREQUENCY_LISTS

                words = FREQUENCY_LISTS["passwords"]
                if isinstance(words, str):
                    words = words.split(",")
                _common = frozenset(normalize_password(w).lower() for w in words) | COMMON_PASSWORDS
    return _common


class BreachChecker(Protocol):
    """Anything that says whether a password is known from breaches."""

    def is_breached(self, password: str) -> bool: ...


class RangeBreachChecker:
    """The k-anonymity range protocol (Have I Been Pwned's "Pwned Passwords" API).

    ``GET {url}{first 5 hex chars of SHA-1}`` answers ``SUFFIX:COUNT`` lines
    for every breached hash with that prefix; the password, its hash and the
    other 35 characters never leave the machine. The request asks for padding
    (``Add-Padding: true``; padded lines have count 0 and are ignored)::

        policy = PasswordPolicy(breached_checker=RangeBreachChecker(timeout=2.0))

    When the service cannot be reached within ``timeout`` seconds (or answers
    garbage): ``fail_closed=False`` (the default) accepts the password and logs
    a warning; ``fail_closed=True`` refuses it (``PASSWORD_POLICY_VIOLATION``
    with reason ``breach_check_unavailable``). ``min_count``: how many sightings
    make a password breached (1).
    """

    DEFAULT_URL = "https://api.pwnedpasswords.com/range/"

    def __init__(self, url: str = DEFAULT_URL, *, timeout: float = 2.0, fail_closed: bool = False,
                 min_count: int = 1, user_agent: str = "nestauth-peewee") -> None:
        self.url = url if url.endswith("/") else url + "/"
        self.timeout = timeout
        self.fail_closed = fail_closed
        self.min_count = min_count
        self.user_agent = user_agent

    def is_breached(self, password: str) -> bool:
        digest = hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()
        prefix, suffix = digest[:5], digest[5:]
        request = urllib.request.Request(  # noqa: S310 - the URL is the app's configuration
            self.url + prefix, headers={"Add-Padding": "true", "User-Agent": self.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(4 * 1024 * 1024).decode("ascii")
            found = None
            for line in body.splitlines():
                tail, _, count = line.strip().partition(":")
                if len(tail) != 35:
                    raise ValueError(f"unexpected line {line[:60]!r}")
                if tail.upper() == suffix:
                    found = int(count or 0)
        except (OSError, ValueError, UnicodeDecodeError) as exc:  # URLError and timeouts are OSErrors
            if self.fail_closed:
                raise _Unavailable() from exc
            log.warning("nestauth_peewee: breached-password check unavailable (%s); accepting the password",
                        type(exc).__name__)
            return False
        return found is not None and found >= self.min_count


class _Unavailable(Exception):
    """The breach service could not answer and the checker fails closed."""


#: A short built-in list of the passwords seen most often in breaches (lower-case), part of
#: the default list (:func:`common_passwords`) since 0.2.
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
        """The argon2id encoded hash of NFKC(``password``) (a new random salt each time)."""
        if not isinstance(password, str):
            raise errors.InvalidValue(f"A password must be a string, not {type(password).__name__}.")
        try:
            secret = normalize_password(password).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise errors.InvalidValue("A password must be valid Unicode text (no lone surrogates).") from exc
        return self._argon2.hash(secret)

    def verify(self, encoded: object, password: object) -> tuple[bool, str | None]:
        """``(matches, new_hash_or_None)``; never raises, whatever ``encoded`` holds.

        ``new_hash`` is set only on a match whose stored hash was made with other
        parameters (or another argon2 variant), or from the raw (un-normalised)
        form of a password whose NFKC form differs: the caller should store it.
        """
        forms = _forms(password)
        if not isinstance(encoded, str) or not encoded.startswith("$argon2") or forms is None:
            return False, None
        secret, raw = forms
        if self._matches(encoded, secret):
            try:
                stale = self._argon2.check_needs_rehash(encoded)
            except (Argon2Error, InvalidHashError, ValueError, TypeError):
                stale = True
            return True, (self._argon2.hash(secret) if stale else None)
        if raw is not None and self._matches(encoded, raw):  # a hash from before normalisation
            return True, self._argon2.hash(secret)
        return False, None

    def _matches(self, encoded: str, secret: bytes) -> bool:
        try:
            return bool(self._argon2.verify(encoded, secret))
        except (Argon2Error, InvalidHashError, ValueError, TypeError):
            return False

    def dummy_verify(self, password: object) -> None:
        """Spend a failed verification's time against a throw-away hash (unknown accounts).

        Like :meth:`verify`, twice when the password's NFKC form differs from it.
        """
        forms = _forms(password)
        secret, raw = forms if forms is not None else (b"", None)
        self._matches(self._dummy(), secret)
        if raw is not None:
            self._matches(self._dummy(), raw)

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


def _forms(password: object) -> tuple[bytes, bytes | None] | None:
    """(NFKC form, raw form if it differs) as bytes, or None for a non-string."""
    if not isinstance(password, str):
        return None
    normalised = normalize_password(password)
    secret = normalised.encode("utf-8", "surrogatepass")
    return secret, (password.encode("utf-8", "surrogatepass") if normalised != password else None)


def check_policy(
    password: object, policy: PasswordPolicy, *, email: str | None = None, extra_words: Iterable[str] = ()
) -> str:
    """Return NFKC(``password``) if it meets ``policy``, else raise PasswordPolicyViolation.

    The error's ``details['reasons']`` lists every rule broken, and its message
    says what to change. The breach check (if configured) runs last, only for
    a password that passed every other rule.
    """
    if not isinstance(password, str):
        raise errors.PasswordPolicyViolation(
            f"A password must be a string, not {type(password).__name__}.", reasons=["type"]
        )
    password = normalize_password(password)
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
    common = common_passwords() if policy.common_passwords is None else policy.common_passwords
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
    if not reasons and policy.breached_checker is not None:
        try:
            if policy.breached_checker.is_breached(password):
                reasons.append("breached")
                problems.append("choose another: this one appears in known data breaches")
        except _Unavailable:
            reasons.append("breach_check_unavailable")
            problems.append("it could not be checked against known breaches just now; try again later")
    if reasons:
        raise errors.PasswordPolicyViolation(
            "The password does not meet the policy: " + "; ".join(problems) + ".", reasons=reasons
        )
    return password


def hash_for_change(hasher: PasswordHasher, stored_hash: str, current_password: str,
                    new_password: str, policy: PasswordPolicy, *, email: str | None) -> str:
    """The hash of ``new_password`` once a password change's checks pass (nothing is stored).

    ``current_password`` must verify against ``stored_hash`` (else ``CURRENT_PASSWORD_INCORRECT``),
    the new password must differ from it after normalisation (``NEW_PASSWORD_SAME_AS_CURRENT``)
    and meet ``policy`` (``PASSWORD_POLICY_VIOLATION``).
    """
    ok, _ = hasher.verify(stored_hash, current_password)
    if not ok:
        raise errors.CurrentPasswordIncorrect()
    if isinstance(new_password, str) and normalize_password(new_password) == normalize_password(
            current_password):
        raise errors.NewPasswordSameAsCurrent()
    check_policy(new_password, policy, email=email)
    return hasher.hash(new_password)
