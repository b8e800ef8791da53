"""Login throttling stored in the database: consecutive failures back off, then lock.

    from nestauth_peewee.services.throttling import Throttle

    throttle = Throttle(settings)                     # settings.login_throttle, the app key
    throttle.check("login", "bob@example.com")        # AccountLocked(retry_after=...) while locked
    throttle.failed("login", "bob@example.com")       # one more consecutive failure (atomic)
    throttle.succeeded("login", "bob@example.com")    # the count starts again
    throttle.unlock("login", "bob@example.com")       # an admin's unlock; True if there was a row

The services call it: ``UserService.authenticate`` (scope ``login``, per
normalised email or phone, known and unknown alike), ``AdminUserService``
(``admin_login``), and per user ``OtpService`` (``otp``), ``MfaService``
(``totp``, ``recovery_code``), ``PasswordResetService.request`` per
identifier (``reset_request``: reset mails, known and unknown addresses alike,
until a reset succeeds) and ``PasswordlessService.request_code`` / ``request_link``
per identifier (``sign_in_request``: sign-in mails and texts, alike for every
address, until a passwordless sign-in succeeds), and ``ContactChangeService``
per new address (``contact_change_request``: codes sent to an address an account
asks to move to, until a change to it is confirmed). The subject stored is an HMAC of (scope,
identifier) under the app's secret key, so the table holds no address of
anyone, user or not. Rows live in nest_auth_login_throttles, so every process
and node sees the same counts; ``nestauth cleanup`` removes forgotten ones.
Without a secret key there is nothing to key the subjects with, and the
throttle is off (:attr:`Throttle.enabled` is False; a warning is logged once).
"""

from __future__ import annotations

import logging
import math
import uuid
from dataclasses import dataclass
from datetime import timedelta

from .. import audit, errors
from ..config import Settings, ThrottlePolicy, key_ring
from ..fields import utcnow
from ..repositories import throttles as repo
from ..secrets import KeyRing
from ..unit_of_work import record_failure, transaction
from ._base import Clock

__all__ = ["Throttle", "Gate", "SCOPES", "LOGIN", "ADMIN_LOGIN", "OTP", "TOTP", "RECOVERY_CODE",
           "RESET_REQUEST", "SIGN_IN_REQUEST", "CONTACT_CHANGE_REQUEST", "REQUEST_SCOPES"]

log = logging.getLogger(__name__)

LOGIN, ADMIN_LOGIN, OTP, TOTP, RECOVERY_CODE = "login", "admin_login", "otp", "totp", "recovery_code"
#: Password-reset requests per identifier, known or not (counted until a reset succeeds).
RESET_REQUEST = "reset_request"
#: Passwordless sign-in requests (codes and magic links together) per identifier, known or not
#: (counted until a passwordless sign-in succeeds).
SIGN_IN_REQUEST = "sign_in_request"
#: Contact-change codes per new address (the address a signed-in account asks to move to),
#: counted until a change to it is confirmed.
CONTACT_CHANGE_REQUEST = "contact_change_request"
#: The scopes that count codes sent to an address (mails and texts), per identifier.
REQUEST_SCOPES = (RESET_REQUEST, SIGN_IN_REQUEST, CONTACT_CHANGE_REQUEST)
#: Every scope the library throttles.
SCOPES = (LOGIN, ADMIN_LOGIN, OTP, TOTP, RECOVERY_CODE, *REQUEST_SCOPES)
#: The scopes whose identifier is the user's id (hex).
_PER_USER = (OTP, TOTP, RECOVERY_CODE)
_PURPOSE = "throttle"
_warned = False


@dataclass(frozen=True)
class Gate:
    """What :meth:`Throttle.check` found: whether a counter exists (a success must clear it)."""

    scope: str
    subject: str
    counted: bool
    #: Whose account it is, when known (the audit row of a lockout names it).
    user_id: uuid.UUID | None = None


class Throttle:
    """Count failures per (scope, identifier) in the database and refuse attempts while locked."""

    def __init__(self, settings: Settings | None = None, *, policy: ThrottlePolicy | None = None,
                 keys: KeyRing | None = None, clock: Clock = utcnow, codes: bool = False) -> None:
        """``policy`` defaults to ``settings.login_throttle`` (``codes=True``: ``code_throttle``)."""
        self.settings = settings if settings is not None else Settings.from_env()
        self.policy = policy if policy is not None else (
            self.settings.code_throttle if codes else self.settings.login_throttle)
        if keys is None and self.settings.secret_key:
            keys = key_ring(self.settings)
        self._keys = keys
        self._clock = clock
        if self.policy is not None and keys is None:
            _warn_once()

    @property
    def enabled(self) -> bool:
        return self.policy is not None and self._keys is not None

    def subject(self, scope: str, identifier: str) -> str:
        """The stored form of ``identifier``: an HMAC (64 hex) under the app's current key."""
        if self._keys is None:
            raise errors.ConfigurationError("Throttling needs the secret key (NESTAUTH_SECRET_KEY).")
        return self._keys.digest(_PURPOSE, scope, identifier)

    def check(self, scope: str, identifier: str, *, user_id: uuid.UUID | None = None) -> Gate | None:
        """Refuse with :class:`~nestauth_peewee.errors.AccountLocked` while a wait or lock runs.

        One query. Returns the gate to pass to :meth:`failed` / :meth:`succeeded`
        (None when throttling is off). ``user_id``: the account's, if known (the
        per-user scopes' identifier is the user id already).
        """
        if not self.enabled:
            return None
        if user_id is None and scope in _PER_USER:
            user_id = _user_of(identifier)
        subject = self.subject(scope, identifier)
        row = repo.get(scope, subject)
        now = self._clock()
        if row is None or row.expires_at <= now:
            return Gate(scope, subject, counted=row is not None, user_id=user_id)
        if row.locked_until is not None and row.locked_until > now:
            raise errors.AccountLocked(retry_after=max(1, math.ceil((row.locked_until - now).total_seconds())))
        return Gate(scope, subject, counted=True, user_id=user_id)

    def failed(self, gate: Gate | None) -> int:
        """Count one failure (atomically: concurrent ones all count); the consecutive count, 0 when off.

        Runs in its own transaction (a savepoint inside the caller's), so the
        count stays even though the attempt itself is refused. A failure that
        locks (``policy.lock_after`` or more) leaves a ``lockout`` audit row.
        """
        if gate is None or self.policy is None:
            return 0
        now = self._clock()
        forget_at = now + self.policy.forget_after
        with transaction():
            count = repo.add_failure(gate.scope, gate.subject, now=now, forget_at=forget_at)
            wait = self.policy.delay_after(count)
            if wait is not None:
                until = now + wait
                repo.lock(gate.scope, gate.subject, until=until, expires_at=max(forget_at, until))
                if count >= self.policy.lock_after:
                    record_failure(audit.failure_row(
                        self.settings, audit.LOCKOUT, user_id=gate.user_id, reason=errors.AccountLocked.code,
                        detail={"scope": gate.scope, "failures": count, "seconds": int(wait.total_seconds())}))
        return count

    def succeeded(self, gate: Gate | None) -> None:
        """A success: the count starts again (one DELETE, only if a counter exists)."""
        if gate is not None and gate.counted:
            repo.delete(gate.scope, gate.subject)

    def unlock(self, scope: str, identifier: str) -> bool:
        """Forget the failures of (scope, identifier) at once (an admin's unlock)."""
        if self._keys is None:
            return False
        return repo.delete(scope, self.subject(scope, identifier)) > 0

    def retry_after(self, gate: Gate | None) -> timedelta | None:
        """How long the gate's subject must still wait (None: it need not)."""
        if gate is None:
            return None
        row = repo.get(gate.scope, gate.subject)
        now = self._clock()
        if row is None or row.locked_until is None or row.locked_until <= now:
            return None
        return row.locked_until - now


def _user_of(identifier: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(hex=identifier) if len(identifier) == 32 else None
    except ValueError:
        return None


def _warn_once() -> None:
    global _warned
    if not _warned:
        _warned = True
        log.warning("nestauth_peewee: no secret key configured, so login throttling is off "
                    "(set NESTAUTH_SECRET_KEY)")
