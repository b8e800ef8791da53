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


@dataclass(frozen=True)
class Argon2Params:
    """argon2id cost parameters (the upstream defaults)."""

    memory_cost: int = 65536  # KiB
    time_cost: int = 3
    parallelism: int = 4


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


@dataclass(frozen=True)
class Settings:
    secret_key: str | None = None
    argon2: Argon2Params = field(default_factory=Argon2Params)
    password_policy: PasswordPolicy = field(default_factory=PasswordPolicy)
    refresh_token_validity: timedelta = timedelta(days=30)
    max_sessions_per_user: int = 10
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
