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

import os
import warnings
from dataclasses import InitVar, dataclass, field, replace
from datetime import timedelta

from . import errors

__all__ = ["Settings", "Argon2Params", "PasswordPolicy", "PasswordParams"]

MIN_SECRET_KEY_BYTES = 32
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
    ``common_passwords`` (compared case-insensitively) defaults to a short
    built-in list; pass a larger frozenset (e.g. from a breach corpus) to
    widen it, or an empty one to switch the check off.
    """

    min_length: int = 8
    max_length: int = 128
    forbid_email_local_part: bool = True
    common_passwords: frozenset[str] | None = None  # None: the built-in list

    def __post_init__(self) -> None:
        _positive_int("PasswordPolicy", "min_length", self.min_length)
        _positive_int("PasswordPolicy", "max_length", self.max_length, low=self.min_length, high=4096)


@dataclass(frozen=True)
class Settings:
    """Everything the services are configured with; impossible values fail here, at start-up.

    Durations are positive :class:`~datetime.timedelta`; counts are positive
    integers; "no limit" is spelled ``None`` (``max_sessions_per_user=None``),
    never ``0``. A wrong value is a :class:`~nestauth_peewee.errors.ConfigurationError`
    naming the setting.
    """

    secret_key: str | None = None
    argon2: Argon2Params = field(default_factory=Argon2Params)
    password_policy: PasswordPolicy = field(default_factory=PasswordPolicy)
    refresh_token_validity: timedelta = timedelta(days=30)
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
    guards: tuple[str, ...] = ("web",)
    phone_login: bool = False
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
                     "trusted_device_validity"):
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

    @classmethod
    def or_default(cls, settings: Settings | None) -> Settings:
        """``settings``, or :meth:`from_env` when ``None``: how every service builds its default."""
        return settings if settings is not None else cls.from_env()

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings with ``NESTAUTH_SECRET_KEY`` from the environment, plus overrides."""
        settings = cls(secret_key=os.environ.get("NESTAUTH_SECRET_KEY") or None)
        return replace(settings, **overrides) if overrides else settings  # type: ignore[arg-type]

    def require_secret_key(self) -> bytes:
        """The secret key as bytes, or a ConfigurationError that says how to set it."""
        if not self.secret_key:
            raise errors.ConfigurationError(
                "No secret key configured: set NESTAUTH_SECRET_KEY (at least 32 random bytes, e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`) or pass "
                "Settings(secret_key=...)."
            )
        key = self.secret_key.encode("utf-8")
        if len(key) < MIN_SECRET_KEY_BYTES:
            raise errors.ConfigurationError(
                f"The secret key is {len(key)} bytes; use at least {MIN_SECRET_KEY_BYTES}."
            )
        return key


#: Deprecated alias of :class:`Argon2Params` (its 0.1 name); removed in 0.3.
PasswordParams = Argon2Params
