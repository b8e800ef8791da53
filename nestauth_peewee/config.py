"""Settings shared by the services, with the behaviour spec's defaults.

    from nestauth_peewee.config import Settings
    settings = Settings(secret_key="...", max_sessions_per_user=5)
    settings = Settings.from_env()   # NESTAUTH_SECRET_KEY, ...

The secret key (HMAC of OTP codes, device tokens, refresh tokens) comes from
``NESTAUTH_SECRET_KEY``; a service that needs it calls
:meth:`Settings.require_secret_key` when it is built, so a missing key is a
:class:`~nestauth_peewee.errors.ConfigurationError` at start-up, not at the
first login.
"""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import InitVar, dataclass, field, replace
from datetime import timedelta
from secrets import token_urlsafe  # the standard library's (not nestauth_peewee.secrets)
from typing import TYPE_CHECKING

from . import errors

if TYPE_CHECKING:
    from .passwords import BreachChecker
    from .secrets import KeyRing

__all__ = ["Settings", "Argon2Params", "PasswordPolicy", "PasswordParams", "ThrottlePolicy", "key_ring",
           "check_secret_key"]

MIN_SECRET_KEY_BYTES = 32
#: A key with fewer distinct bytes than this is refused (a random 32-byte key has ~20+).
MIN_SECRET_KEY_DISTINCT = 8
#: OTP codes are 4 to 64 characters (the column holds an HMAC, so the length is free within that).
OTP_LENGTH_RANGE = (4, 64)
#: At most 14 recovery codes, so a rollback to 0.1 can pack their digests into its varchar(255) column.
MAX_RECOVERY_CODES = 14


def _refuse(message: str) -> errors.ConfigurationError:
    return errors.ConfigurationError(message)


def _positive_int(owner: str, name: str, value: object, *, low: int = 1, high: int | None = None,
                  hint: str = "") -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        bounds = f"{low}..{high}" if high is not None else f"at least {low}"
        raise _refuse(f"{owner}.{name} must be an integer {bounds}{hint}, not {value!r}.")


def _positive_duration(name: str, value: object) -> None:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise _refuse(f"Settings.{name} must be a positive timedelta, not {value!r}.")


@dataclass(frozen=True)
class Argon2Params:
    """argon2id cost parameters (the upstream defaults); checked when built."""

    memory_cost: int = 65536  # KiB
    time_cost: int = 3
    parallelism: int = 4

    def __post_init__(self) -> None:
        _positive_int("Argon2Params", "parallelism", self.parallelism, high=255)
        _positive_int("Argon2Params", "memory_cost", self.memory_cost, low=8 * self.parallelism)
        _positive_int("Argon2Params", "time_cost", self.time_cost)


@dataclass(frozen=True)
class PasswordPolicy:
    """What a new password must satisfy (checked on create, set and change, not on login).

    Length is counted in Unicode characters; any character but NUL is allowed
    and nothing is truncated. There are deliberately no composition rules
    ("one digit, one upper-case letter"): OWASP ASVS 5.0 (6.2.5) forbids them.
    The password is NFKC-normalised first (NIST SP 800-63B 5.1.1.2), so length
    and the lists see what is hashed. ``common_passwords`` (compared
    case-insensitively) defaults to the 30,000 most common passwords of the
    ``zxcvbn`` package's frequency lists (MIT licence; loaded once, on first
    use; see :func:`nestauth_peewee.passwords.common_passwords`); pass your own
    frozenset to replace it, or an empty one to switch the check off.
    ``breached_checker``: anything with ``is_breached(password) -> bool``
    (e.g. :class:`nestauth_peewee.passwords.RangeBreachChecker`, the
    k-anonymity range protocol); off by default.
    """

    min_length: int = 8
    max_length: int = 128
    forbid_email_local_part: bool = True
    common_passwords: frozenset[str] | None = None  # None: the default list (zxcvbn's)
    breached_checker: BreachChecker | None = None

    def __post_init__(self) -> None:
        _positive_int("PasswordPolicy", "min_length", self.min_length)
        _positive_int("PasswordPolicy", "max_length", self.max_length, low=self.min_length, high=4096)


@dataclass(frozen=True)
class ThrottlePolicy:
    """How consecutive failures of one identifier (or user) slow down and then lock attempts.

    After failure number ``n``: nothing while ``n < free_failures``; then a wait
    of ``base_delay * 2 ** (n - free_failures)``, at most ``max_delay``; from
    ``lock_after`` failures on, a lock of ``lock_duration``. Any success resets
    the count; so does ``forget_after`` without a failure (the row is then
    removed by ``nestauth cleanup``). An attempt during a wait or a lock is
    refused with ``ACCOUNT_LOCKED`` and the seconds left (``retry_after``),
    before any password is checked.
    """

    free_failures: int = 5
    base_delay: timedelta = timedelta(seconds=1)
    max_delay: timedelta = timedelta(seconds=30)
    lock_after: int = 10
    lock_duration: timedelta = timedelta(minutes=15)
    forget_after: timedelta = timedelta(hours=24)

    def __post_init__(self) -> None:
        _positive_int("ThrottlePolicy", "free_failures", self.free_failures)
        _positive_int("ThrottlePolicy", "lock_after", self.lock_after)
        for name in ("base_delay", "max_delay", "lock_duration", "forget_after"):
            if not isinstance(getattr(self, name), timedelta) or getattr(self, name) <= timedelta(0):
                raise _refuse(f"ThrottlePolicy.{name} must be a positive timedelta, not {getattr(self, name)!r}.")

    def delay_after(self, failures: int) -> timedelta | None:
        """How long attempts wait after the ``failures``-th consecutive failure (None: not at all)."""
        if failures >= self.lock_after:
            return self.lock_duration
        if failures >= self.free_failures:
            return min(self.base_delay * 2 ** (failures - self.free_failures), self.max_delay)
        return None


@dataclass(frozen=True)
class Settings:
    """Everything the services are configured with; impossible values fail here, at start-up.

    Durations are positive :class:`~datetime.timedelta`; counts are positive
    integers; "no limit" is spelled ``None`` (``max_sessions_per_user=None``),
    never ``0``. A wrong value is a :class:`~nestauth_peewee.errors.ConfigurationError`
    naming the setting.
    """

    secret_key: str | None = None
    #: Previous secret keys, still accepted for what was stored under them (key rotation;
    #: ``NESTAUTH_SECRET_KEY_FALLBACKS``, comma-separated). New values use ``secret_key`` only.
    secret_key_fallbacks: tuple[str, ...] = ()
    argon2: Argon2Params = field(default_factory=Argon2Params)
    password_policy: PasswordPolicy = field(default_factory=PasswordPolicy)
    refresh_token_validity: timedelta = timedelta(days=30)
    #: A session ends this long after it was created, however often it is refreshed
    #: (ASVS 5.0 7.3.2; None: no limit). See docs/security.md for the defaults' reasons.
    session_absolute_lifetime: timedelta | None = timedelta(days=30)
    #: A session unused (no refresh, no authenticate) for this long ends (ASVS 7.3.1; None: never).
    session_idle_timeout: timedelta | None = timedelta(days=7)
    #: Lifetime of the signed access tokens issued with every session (and every refresh).
    access_token_validity: timedelta = timedelta(minutes=15)
    #: Check the session row on every access token (one query; a revocation counts at once).
    access_token_strict: bool = False
    max_sessions_per_user: int | None = 10  # None: no limit
    otp_length: int = 6
    otp_validity: timedelta = timedelta(minutes=30)
    otp_max_attempts: int = 5
    trusted_device_validity: timedelta = timedelta(days=7)
    recovery_code_count: int = 10
    #: A completed password reset also deactivates the user's API keys (an account recovery
    #: may follow a takeover, and keys the intruder made would outlive it). Reactivate with
    #: AccessKeyService.activate(); False leaves keys alone.
    reset_deactivates_access_keys: bool = True
    guards: tuple[str, ...] = ("web",)
    #: Password logins of users and admins, per normalised email/phone (known or not); None: off.
    #: Needs the secret key (the identifier is stored as an HMAC under it).
    login_throttle: ThrottlePolicy | None = field(default_factory=ThrottlePolicy)
    #: OTP, TOTP and recovery-code attempts, per user (and scope); None: off. Looser than logins:
    #: each OTP has its own ``otp_max_attempts``, and a user may mistype a few codes in a row.
    code_throttle: ThrottlePolicy | None = field(
        default_factory=lambda: ThrottlePolicy(free_failures=10, lock_after=20))
    phone_login: bool = False
    #: How recent a session's sign-in (and, for users with MFA, its MFA pass) must be for the
    #: services given ``session=`` to change an email, phone, password or MFA (ASVS 5.0 7.5.1).
    reauthentication_window: timedelta = timedelta(minutes=15)
    #: Write the security audit trail (nest_auth_audit_events; docs/audit.md). On by default.
    audit: bool = True
    #: How long audit rows are kept: ``nestauth cleanup`` deletes older ones (None: kept forever).
    audit_retention: timedelta | None = None
    #: Deprecated (0.1 name of ``argon2``); removed in 0.3.
    password: InitVar[Argon2Params | None] = None

    def __post_init__(self, password: Argon2Params | None) -> None:
        if password is not None:
            warnings.warn("Settings(password=...) is deprecated; use Settings(argon2=...)",
                          DeprecationWarning, stacklevel=3)
            object.__setattr__(self, "argon2", password)
        self._check()

    def _check(self) -> None:
        if self.secret_key is not None and not isinstance(self.secret_key, str):
            raise _refuse(f"Settings.secret_key must be a string, not {type(self.secret_key).__name__}.")
        if not isinstance(self.argon2, Argon2Params):
            raise _refuse(f"Settings.argon2 must be an Argon2Params, not {self.argon2!r}.")
        if not isinstance(self.password_policy, PasswordPolicy):
            raise _refuse(f"Settings.password_policy must be a PasswordPolicy, not {self.password_policy!r}.")
        for name in ("refresh_token_validity", "access_token_validity", "otp_validity",
                     "trusted_device_validity", "reauthentication_window"):
            _positive_duration(name, getattr(self, name))
        if not isinstance(self.access_token_strict, bool):
            raise _refuse(f"Settings.access_token_strict must be True or False, not {self.access_token_strict!r}.")
        if self.max_sessions_per_user is not None:
            _positive_int("Settings", "max_sessions_per_user", self.max_sessions_per_user, hint=" (None: no limit)")
        _positive_int("Settings", "otp_length", self.otp_length, low=OTP_LENGTH_RANGE[0], high=OTP_LENGTH_RANGE[1])
        _positive_int("Settings", "otp_max_attempts", self.otp_max_attempts)
        _positive_int("Settings", "recovery_code_count", self.recovery_code_count, high=MAX_RECOVERY_CODES)
        guards = self.guards
        if (not isinstance(guards, tuple) or not guards
                or not all(isinstance(g, str) and g.strip() == g and 0 < len(g) <= 64 and g.isprintable()
                           for g in guards)):
            raise _refuse(f"Settings.guards must be a non-empty tuple of guard names (1..64 printable "
                          f"characters, no surrounding spaces), not {guards!r}.")
        if not isinstance(self.phone_login, bool):
            raise _refuse(f"Settings.phone_login must be True or False, not {self.phone_login!r}.")
        if not isinstance(self.secret_key_fallbacks, tuple) or not all(
                isinstance(k, str) for k in self.secret_key_fallbacks):
            raise _refuse("Settings.secret_key_fallbacks must be a tuple of keys (strings), "
                          f"not {type(self.secret_key_fallbacks).__name__}.")
        for name in ("session_absolute_lifetime", "session_idle_timeout"):
            if getattr(self, name) is not None:
                _positive_duration(name, getattr(self, name))
        for name in ("login_throttle", "code_throttle"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), ThrottlePolicy):
                raise _refuse(f"Settings.{name} must be a ThrottlePolicy or None, not {getattr(self, name)!r}.")
        if not isinstance(self.audit, bool):
            raise _refuse(f"Settings.audit must be True or False, not {self.audit!r}.")
        if self.audit_retention is not None:
            _positive_duration("audit_retention", self.audit_retention)
        if not isinstance(self.reset_deactivates_access_keys, bool):
            raise _refuse("Settings.reset_deactivates_access_keys must be True or False, "
                          f"not {self.reset_deactivates_access_keys!r}.")

    def resolve_guard(self, guard: str | None) -> str:
        """``guard``, or the first configured guard when ``None``; an unknown guard is refused."""
        if guard is None:
            return self.guards[0]  # __post_init__ refuses an empty tuple
        if guard not in self.guards:
            allowed = ", ".join(repr(g) for g in self.guards)
            raise errors.InvalidGuard(f"Guard {guard!r} is not configured; use one of: {allowed}.",
                                      guard=guard, allowed=list(self.guards))
        return guard

    @classmethod
    def or_default(cls, settings: Settings | None) -> Settings:
        """``settings``, or :meth:`from_env` when ``None``: how every service builds its default."""
        return settings if settings is not None else cls.from_env()

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings with ``NESTAUTH_SECRET_KEY`` (and ``NESTAUTH_SECRET_KEY_FALLBACKS``) from the
        environment, plus overrides."""
        fallbacks = tuple(k.strip() for k in os.environ.get("NESTAUTH_SECRET_KEY_FALLBACKS", "").split(",")
                          if k.strip())
        settings = cls(secret_key=os.environ.get("NESTAUTH_SECRET_KEY") or None,
                       secret_key_fallbacks=fallbacks)
        return replace(settings, **overrides) if overrides else settings  # type: ignore[arg-type]

    @classmethod
    def from_env_or_random_key(cls, **overrides: object) -> Settings:
        """:meth:`from_env`, with a random secret key (and a logged warning) when
        ``NESTAUTH_SECRET_KEY`` is unset: how the example apps start on a developer's machine.

        The key lives as long as the process: every token dies when it restarts, and workers
        of one server each draw their own (docs/deploying.md). Production sets the key.
        """
        settings = cls.from_env(**overrides)
        if settings.secret_key:
            return settings
        logging.getLogger(__name__).warning(
            "NESTAUTH_SECRET_KEY is not set: using a random key, so every token dies when the app restarts."
        )
        return replace(settings, secret_key=token_urlsafe(48))

    def require_secret_key(self) -> bytes:
        """The secret key as bytes, or a ConfigurationError that says how to set it."""
        if not self.secret_key:
            raise errors.ConfigurationError(
                "No secret key configured: set NESTAUTH_SECRET_KEY (at least 32 random bytes, e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`) or pass "
                "Settings(secret_key=...)."
            )
        return check_secret_key(self.secret_key, "NESTAUTH_SECRET_KEY")

    def require_secret_keys(self) -> tuple[bytes, ...]:
        """The current key then each fallback, as bytes, all checked (ConfigurationError)."""
        current = self.require_secret_key()
        if isinstance(self.secret_key_fallbacks, str):
            raise errors.ConfigurationError("secret_key_fallbacks must be a tuple of keys, not one string.")
        fallbacks = tuple(check_secret_key(k, f"NESTAUTH_SECRET_KEY_FALLBACKS[{i}]")
                          for i, k in enumerate(self.secret_key_fallbacks))
        return (current, *(k for k in fallbacks if k != current))


def check_secret_key(value: object, name: str = "the secret key") -> bytes:
    """``value`` as bytes if it can be a secret key, else a ConfigurationError saying why.

    At least :data:`MIN_SECRET_KEY_BYTES` bytes, at least
    :data:`MIN_SECRET_KEY_DISTINCT` distinct bytes, and not a short pattern
    repeated (``"a" * 32``, ``"abcd" * 8``).
    """
    if not isinstance(value, str | bytes) or not value:
        raise errors.ConfigurationError(f"{name} must be a non-empty string.")
    key = value.encode("utf-8") if isinstance(value, str) else value
    if len(key) < MIN_SECRET_KEY_BYTES:
        raise errors.ConfigurationError(
            f"{name} is {len(key)} bytes; use at least {MIN_SECRET_KEY_BYTES}."
        )
    repeated = any(key == (key[:period] * (len(key) // period + 1))[:len(key)]
                   for period in range(1, len(key) // 4 + 1))
    if len(set(key)) < MIN_SECRET_KEY_DISTINCT or repeated:
        raise errors.ConfigurationError(
            f"{name} has too little entropy (a repeated character or pattern); use random bytes, e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    return key


def key_ring(settings: Settings | None = None) -> KeyRing:
    """The app's :class:`~nestauth_peewee.secrets.KeyRing`: current key + fallbacks, all checked.

    What every keyed service uses (and what other modules should use to sign or
    verify with "the current key, or a previous one during a rotation").
    ``settings`` defaults to :meth:`Settings.from_env`.
    """
    from .secrets import KeyRing

    keys = (settings if settings is not None else Settings.from_env()).require_secret_keys()
    return KeyRing(keys[0], keys[1:])


#: Deprecated alias of :class:`Argon2Params` (its 0.1 name); removed in 0.3.
PasswordParams = Argon2Params
