"""One-time codes: an HMAC stored, the plaintext handed to a listener, five attempts at most.

    from nestauth_peewee import events
    from nestauth_peewee.config import Settings
    from nestauth_peewee.services.otps import OtpService

    @events.otp_requested.connect
    def deliver(sender, email, code, **extra):
        send_mail(email, f"Your code: {code}")

    otps = OtpService(Settings(secret_key="a key of at least thirty-two bytes...."))
    otps.create(user.id, "email_verification")            # sends otp_requested after commit
    otps.verify(user.id, "email_verification", "123456")  # consumes it, or raises

Six digits have only a million values, so a bare hash would be reversed from
a dump in a second: the stored ``code_hash`` is an HMAC under the app's
secret key, bound to the user and the code's type. Every verification path
(:meth:`OtpService.verify` with or without ``consume``) checks expiry and
claims an attempt atomically *before* comparing, so no code is ever compared
more than ``otp_max_attempts`` times, even by concurrent guesses.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn, cast

from .. import errors, events
from .. import secrets as tokens
from ..config import Settings
from ..fields import utcnow
from ..models import Otp
from ..replicas import on_primary
from ..repositories import otps as repo
from ..repositories import users as users_repo
from ..unit_of_work import emit, retry_on_conflict, transaction
from ..validation import (
    BATCH_SIZE,
    DATETIME,
    DURATION,
    FLAG,
    ID,
    LINE,
    checked,
    choice,
    credential,
    int_in,
    pattern,
)
from ._base import Clock, Issued, KeyedService, lock_active_user
from .cleanup import ExpiryCleanup
from .throttling import OTP, Gate, Throttle

__all__ = ["OtpService", "IssuedOtp", "OTP_TYPES", "normalise_code"]

#: The purposes nest-auth uses; any other ``[a-z0-9_]`` name up to 32 characters is accepted too.
OTP_TYPES = (
    "passwordless_login",
    "magic_link_login",
    "password_reset",
    "email_verification",
    "phone_verification",
    "mfa",
)
_TYPE_RE = re.compile(r"[a-z][a-z0-9_]{0,31}")
_ALPHABETS = {"numeric": tokens.NUMERIC, "alphanumeric": tokens.UNAMBIGUOUS}
_CODE_CHARS = frozenset(tokens.NUMERIC + tokens.UNAMBIGUOUS)
_MIN_LENGTH, _MAX_LENGTH = 4, 64
_PURPOSE = "otp"


@dataclass(frozen=True, repr=False)
class IssuedOtp(Issued, shows="{row.id!s}, type={row.type!r}"):
    """The stored row and the code (plaintext, for delivery only)."""

    otp: Otp
    code: str


#: An OTP type: one of :data:`OTP_TYPES` or another ``[a-z][a-z0-9_]`` name up to 32 characters.
OTP_TYPE = pattern(_TYPE_RE, errors.InvalidValue,
                   f"use one of {', '.join(OTP_TYPES)} (or a [a-z0-9_] name up to 32 chars).", examples=OTP_TYPES)
#: A code's length (4..64 characters).
OTP_LENGTH = int_in(_MIN_LENGTH, _MAX_LENGTH, "otp length")
#: A presented code: anything malformed is ``VERIFICATION_CODE_INVALID``, like a wrong one.
OTP_CODE = credential(errors.VerificationCodeInvalid)


def normalise_code(code: object) -> str | None:
    """The presented code trimmed and upper-cased, or None if it cannot be one of ours."""
    if not isinstance(code, str) or len(code) > 2 * _MAX_LENGTH:
        return None
    code = code.strip().upper()
    if not _MIN_LENGTH <= len(code) <= _MAX_LENGTH or not _CODE_CHARS.issuperset(code):
        return None
    return code


class OtpService(KeyedService):
    """Issue and verify one-time codes per (user, type)."""

    def __init__(self, settings: Settings | None = None, *, clock: Clock = utcnow) -> None:
        super().__init__(settings, clock=clock)
        #: Consecutive wrong codes per user, all types together (``Settings.code_throttle``).
        self.throttle = Throttle(self.settings, keys=self._keys, clock=clock, codes=True)

    @checked(user_id=ID, otp_type=OTP_TYPE, length=OTP_LENGTH.optional, alphabet=choice(*_ALPHABETS),
             validity=DURATION.optional)
    @retry_on_conflict
    def create(self, user_id: uuid.UUID | str, otp_type: str, *, length: int | None = None,
               alphabet: str = "numeric", validity: timedelta | None = None) -> IssuedOtp:
        """A new code for (user, type); earlier codes of that type die.

        ``alphabet`` is ``"numeric"`` or ``"alphanumeric"`` (no I, L, O, 0, 1);
        ``length`` defaults to ``settings.otp_length``, ``validity`` (a positive
        timedelta) to ``settings.otp_validity``. ``otp_requested`` is
        sent after commit with the plaintext ``code`` and the user's email and
        phone, so a listener can deliver it.
        """
        return self._issue(cast(uuid.UUID, user_id), otp_type, length=length, alphabet=alphabet,
                           validity=validity)

    def _issue(self, user_id: uuid.UUID, otp_type: str, *, length: int | None = None,
               alphabet: str = "numeric", validity: timedelta | None = None,
               target: tuple[str, str] | None = None) -> IssuedOtp:
        """:meth:`create`; ``target`` = ``("email" | "phone", new value)``: a code that confirms
        that value, bound into its HMAC and delivered to it (not to the account's address)."""
        length = self.settings.otp_length if length is None else length
        code = tokens.random_code(length, _ALPHABETS[alphabet])
        now = self.now()
        expires_at = now + (self.settings.otp_validity if validity is None else validity)
        value = None if target is None else target[1]
        with transaction():
            user = lock_active_user(user_id, refused="cannot issue a code",
                                    inactive="A deactivated account gets no one-time codes.")
            repo.delete_for_user_type(user.id, otp_type)
            otp = repo.insert(
                user=user.id, type=otp_type, code_hash=self._digest(user.id, otp_type, code, value),
                expires_at=expires_at, attempts=0, created_at=now, updated_at=now, target=value,
            )
            email, phone = (user.email, user.phone) if target is None else (
                (value, None) if target[0] == "email" else (None, value))
            emit(events.otp_requested, user_id=user.id, email=email, phone=phone,
                 type=otp_type, code=code, expires_at=expires_at)
        return IssuedOtp(otp, code)

    @on_primary
    @checked(user_id=ID, otp_type=OTP_TYPE, code=OTP_CODE, consume=FLAG)
    @retry_on_conflict
    def verify(self, user_id: uuid.UUID | str, otp_type: str, code: str, *, consume: bool = True) -> None:
        """Check a code; with ``consume`` (the default) a match also deletes it.

        Raises :class:`~nestauth_peewee.errors.VerificationCodeExpired` for an
        expired code (which is deleted) and
        :class:`~nestauth_peewee.errors.VerificationCodeInvalid` for a wrong,
        malformed, unknown or dead (``otp_max_attempts`` used) one, and for
        any code of a deactivated user. Every comparison, right or wrong,
        first claims an attempt; a successful non-consuming check gives it
        back. A code stored under a previous secret key (rotation) still
        matches and is re-keyed when a check leaves it alive. Wrong codes are
        counted per user (``Settings.code_throttle``): past the threshold,
        ``ACCOUNT_LOCKED``.
        """
        user = cast(uuid.UUID, user_id)
        normalised = normalise_code(code)
        if normalised is None:
            raise errors.VerificationCodeInvalid()
        gate = self.throttle.check(OTP, user.hex)
        outcome, _otp = self._verify(user, otp_type, normalised, consume=consume, gate=gate)
        if outcome == "expired":
            raise errors.VerificationCodeExpired()
        if outcome != "ok":
            raise errors.VerificationCodeInvalid()

    @checked(otp_type=OTP_TYPE)
    def dummy_create(self, otp_type: str) -> None:
        """The database work of :meth:`create` for a user that does not exist; issues nothing.

        A code drawn and digested, the owner looked up (and locked) and the
        earlier codes deleted, for a user id no row has: what a caller that
        must not reveal whether an account exists does for a missing one.
        """
        nobody = uuid.uuid4()
        code = tokens.random_code(self.settings.otp_length, tokens.NUMERIC)
        self._keys.digest(_PURPOSE, nobody.hex, otp_type, code)
        with transaction():
            users_repo.get_locked(nobody)
            repo.delete_for_user_type(nobody, otp_type)

    @checked(otp_type=OTP_TYPE, code=OTP_CODE, identifier=LINE)
    def dummy_verify(self, otp_type: str, code: object, *, identifier: str | None = None) -> NoReturn:
        """The work of a :meth:`verify` for a user without a live code, then ``VERIFICATION_CODE_INVALID``.

        For callers that must not show whether an account exists (password
        reset): the same digest and the same lookup, for a user id no row has,
        and the failure counted against ``identifier`` (the email or phone
        asked for) as a known user's is counted against the user.
        """
        if identifier is not None and not isinstance(identifier, str):
            raise errors.InvalidValue("identifier must be a string (the email or phone asked for).",
                                      field="identifier")
        normalised = normalise_code(code)
        gate = self.throttle.check(OTP, "unknown:" + identifier) if identifier is not None else None
        if normalised is not None:
            self._verify(uuid.uuid4(), otp_type, normalised, consume=True, gate=gate)
        raise errors.VerificationCodeInvalid()

    def _verify(self, user: uuid.UUID, otp_type: str, normalised: str, *, consume: bool,
                gate: Gate | None) -> tuple[str, Otp | None]:
        """``(outcome, the code's row)``: ``"ok"``, ``"expired"``, ``"inactive"`` or ``"invalid"``.

        A consumed code is deleted by a DELETE that must remove it: of two
        concurrent matches only one is ``"ok"``.
        """
        now = self.now()
        outcome = "invalid"
        with transaction():
            found = repo.latest(user, otp_type)
            otp, owner_active = found if found is not None else (None, False)
            parts = (user.hex, otp_type, normalised) + (() if otp is None or otp.target is None else (otp.target,))
            digest = self._keys.digest(_PURPOSE, *parts)
            if otp is None:  # the attempt-claiming UPDATE all the same (it matches no row)
                repo.claim_attempt(uuid.uuid4(), max_attempts=self.settings.otp_max_attempts, now=now)
            elif otp.expires_at <= now:
                repo.delete(otp.id)
                outcome = "expired"
            elif not owner_active:
                outcome = "inactive"  # a deactivated user's codes are refused (and spend nothing)
            elif not repo.claim_attempt(otp.id, max_attempts=self.settings.otp_max_attempts, now=now):
                repo.delete(otp.id)  # dead: no attempt left
            else:
                matched = self._keys.match_digest(otp.code_hash, _PURPOSE, *parts, current=digest)
                if matched is not None:
                    if not consume:
                        repo.release_attempt(otp.id)
                        if matched:
                            repo.rekey(otp.id, otp.code_hash, digest)
                        outcome = "ok"
                    elif repo.delete(otp.id) == 1:
                        outcome = "ok"
            if outcome == "invalid":  # counted in this transaction: one commit, whoever asked
                self.throttle.failed(gate)
        if outcome == "ok":
            self.throttle.succeeded(gate)
        return outcome, otp

    @on_primary
    @checked(user_id=ID, otp_type=OTP_TYPE, code=OTP_CODE)
    def check(self, user_id: uuid.UUID | str, otp_type: str, code: str) -> None:
        """:meth:`verify` without consuming (e.g. to show a reset form before the new password)."""
        self.verify(user_id, otp_type, code, consume=False)

    def _digest(self, user_id: uuid.UUID, otp_type: str, code: str, target: str | None = None) -> str:
        return self._keys.digest(_PURPOSE, user_id.hex, otp_type, code, *(() if target is None else (target,)))

    @checked(batch_size=BATCH_SIZE.optional, now=DATETIME.optional)
    def cleanup_expired(self, *, batch_size: int | None = None, now: datetime | None = None) -> int:
        """Delete expired codes, ``batch_size`` (1000) rows per statement; returns the total.

        See :class:`~nestauth_peewee.services.cleanup.ExpiryCleanup`, which needs no key.
        """
        return ExpiryCleanup(clock=self._clock).otps(batch_size=batch_size, now=now)


# --- for services that issue or check a code inside their own transaction -----------------
# Package-internal steps (not in __all__): they check no argument; the calling service has.

def issue_in_transaction(service: OtpService, user_id: uuid.UUID, otp_type: str, *,
                         target: tuple[str, str] | None = None) -> IssuedOtp:
    """:meth:`OtpService.create` as a step of another service's transaction (contact changes):
    the caller has checked the arguments and holds the user's row; ``target`` binds the code to
    a new address, into its HMAC."""
    return service._issue(user_id, otp_type, target=target)


def verify_in_transaction(service: OtpService, user_id: uuid.UUID, otp_type: str, normalised: str, *,
                          consume: bool, gate: Gate | None) -> tuple[str, Otp | None]:
    """The code check of :meth:`OtpService.verify` as a step of another service's transaction:
    ``(outcome, the code's row)``, the outcome ``"ok"``, ``"expired"``, ``"inactive"`` or ``"invalid"``."""
    return service._verify(user_id, otp_type, normalised, consume=consume, gate=gate)
