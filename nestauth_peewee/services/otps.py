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
from typing import cast

from .. import errors, events
from .. import secrets as tokens
from ..models import Otp
from ..repositories import otps as repo
from ..repositories import users as users_repo
from ..unit_of_work import emit, retry_on_conflict, transaction
from ..validation import (
    BATCH_SIZE,
    DATETIME,
    DURATION,
    FLAG,
    ID,
    checked,
    choice,
    credential,
    int_in,
    pattern,
)
from ._base import KeyedService
from .cleanup import ExpiryCleanup

__all__ = ["OtpService", "IssuedOtp", "OTP_TYPES"]

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


@dataclass(frozen=True)
class IssuedOtp:
    """The stored row and the code (plaintext, for delivery only)."""

    otp: Otp
    code: str

    def __repr__(self) -> str:
        return f"IssuedOtp(otp={self.otp.id!s}, type={self.otp.type!r}, code='***')"


#: An OTP type: one of :data:`OTP_TYPES` or another ``[a-z][a-z0-9_]`` name up to 32 characters.
OTP_TYPE = pattern(_TYPE_RE, errors.InvalidValue,
                   f"use one of {', '.join(OTP_TYPES)} (or a [a-z0-9_] name up to 32 chars).", examples=OTP_TYPES)
#: A code's length (4..64 characters).
OTP_LENGTH = int_in(_MIN_LENGTH, _MAX_LENGTH, "otp length")
#: A presented code: anything malformed is ``VERIFICATION_CODE_INVALID``, like a wrong one.
OTP_CODE = credential(errors.VerificationCodeInvalid)


def _normalise_code(code: object) -> str | None:
    """The presented code trimmed and upper-cased, or None if it cannot be one of ours."""
    if not isinstance(code, str) or len(code) > 2 * _MAX_LENGTH:
        return None
    code = code.strip().upper()
    if not _MIN_LENGTH <= len(code) <= _MAX_LENGTH or not _CODE_CHARS.issuperset(code):
        return None
    return code


class OtpService(KeyedService):
    """Issue and verify one-time codes per (user, type)."""

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
        length = self.settings.otp_length if length is None else length
        code = tokens.random_code(length, _ALPHABETS[alphabet])
        now = self.now()
        expires_at = now + (self.settings.otp_validity if validity is None else validity)
        with transaction():
            user = users_repo.get_locked(user_id)
            if user is None:
                raise errors.ReferenceNotFound(f"No user with id {user_id}; cannot issue a code.")
            repo.delete_for_user_type(user.id, otp_type)
            otp = repo.insert(
                user=user.id, type=otp_type, code_hash=self._digest(user.id, otp_type, code),
                expires_at=expires_at, attempts=0, created_at=now, updated_at=now,
            )
            emit(events.otp_requested, user_id=user.id, email=user.email, phone=user.phone,
                 type=otp_type, code=code, expires_at=expires_at)
        return IssuedOtp(otp, code)

    @checked(user_id=ID, otp_type=OTP_TYPE, code=OTP_CODE, consume=FLAG)
    @retry_on_conflict
    def verify(self, user_id: uuid.UUID | str, otp_type: str, code: str, *, consume: bool = True) -> None:
        """Check a code; with ``consume`` (the default) a match also deletes it.

        Raises :class:`~nestauth_peewee.errors.VerificationCodeExpired` for an
        expired code (which is deleted) and
        :class:`~nestauth_peewee.errors.VerificationCodeInvalid` for a wrong,
        malformed, unknown or dead (``otp_max_attempts`` used) one. Every
        comparison, right or wrong, first claims an attempt; a successful
        non-consuming check gives it back.
        """
        user = cast(uuid.UUID, user_id)
        normalised = _normalise_code(code)
        if normalised is None:
            raise errors.VerificationCodeInvalid()
        digest = self._digest(user, otp_type, normalised)
        now = self.now()
        outcome = "invalid"
        with transaction():
            otp = repo.latest(user, otp_type)
            if otp is None:
                pass
            elif otp.expires_at <= now:
                repo.delete(otp.id)
                outcome = "expired"
            elif not repo.claim_attempt(otp.id, max_attempts=self.settings.otp_max_attempts, now=now):
                repo.delete(otp.id)  # dead: no attempt left
            elif tokens.digests_equal(digest, otp.code_hash):
                if consume:
                    repo.delete(otp.id)
                else:
                    repo.release_attempt(otp.id)
                outcome = "ok"
        if outcome == "expired":
            raise errors.VerificationCodeExpired()
        if outcome != "ok":
            raise errors.VerificationCodeInvalid()

    @checked(user_id=ID, otp_type=OTP_TYPE, code=OTP_CODE)
    def check(self, user_id: uuid.UUID | str, otp_type: str, code: str) -> None:
        """:meth:`verify` without consuming (e.g. to show a reset form before the new password)."""
        self.verify(user_id, otp_type, code, consume=False)

    def _digest(self, user_id: uuid.UUID, otp_type: str, code: str) -> str:
        return tokens.keyed_digest(self._key, _PURPOSE, user_id.hex, otp_type, code)

    @checked(batch_size=BATCH_SIZE.optional, now=DATETIME.optional)
    def cleanup_expired(self, *, batch_size: int | None = None, now: datetime | None = None) -> int:
        """Delete expired codes, ``batch_size`` (1000) rows per statement; returns the total.

        See :class:`~nestauth_peewee.services.cleanup.ExpiryCleanup`, which needs no key.
        """
        return ExpiryCleanup(clock=self._clock).otps(batch_size=batch_size, now=now)
