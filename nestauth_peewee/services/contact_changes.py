"""Verified contact changes: a new email or phone counts only once a code sent to it comes back.

    from nestauth_peewee import events
    from nestauth_peewee.services.contact_changes import ContactChangeService

    @events.otp_requested.connect
    def deliver(sender, email, phone, type, code, **extra):
        if type == "email_change":
            send_mail(email, f"Confirm your new address: {code}")     # email is the NEW address

    @events.contact_change_requested.connect
    def warn_old_address(sender, user, kind, old_value, new_value, **extra):
        if kind == "email" and old_value:
            send_mail(old_value, "Someone asked to move your account to another address.")

    changes = ContactChangeService(settings)
    changes.request_email_change(user.id, "new@example.com", session=session_id)
    changes.pending(user.id)                        # [PendingChange(kind="email", value=..., ...)]
    user = changes.confirm_email_change(user.id, "123456")   # now user.email == "new@example.com"

Until the code is confirmed the account keeps its old address: login, lookups
and password reset use it, and the new one is not reserved (whoever confirms
first gets it). The pending value lives on its code's row
(``nest_auth_otps.target``, types ``email_change`` / ``phone_change``): it
expires, dies with a newer request and is removed with the code, and the
code's HMAC covers it. The code follows every OTP rule (``otp_validity``,
``otp_max_attempts``, attempts claimed before comparing, ``code_throttle``
per user, refused for a deactivated account). At confirmation the blocked
domains and the uniqueness are checked again; a refusal there
(``EMAIL_DOMAIN_BLOCKED``, ``EMAIL_ALREADY_EXISTS``, ``PHONE_ALREADY_EXISTS``)
changes nothing, the code included. A confirmed address is verified.

A request reveals what :meth:`UserService.update
<nestauth_peewee.services.users.UserService.update>` reveals: that an address
belongs to another account. ``session=`` (the signed-in session asking) makes
the request need a recent authentication (see :mod:`._recent`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from .. import errors, events
from ..models import Session, User
from ..replicas import on_primary, replica_ok
from ..repositories import otps as otps_repo
from ..repositories import users as users_repo
from ..unit_of_work import emit, retry_on_conflict, transaction
from ..validation import EMAIL, ID, PHONE, checked, choice
from . import _recent
from ._account_codes import AccountCodeService
from ._common import CONTACT_CHANGE_TYPES, UserSnapshot
from .blocked_domains import ensure_allowed
from .otps import OTP_CODE, IssuedOtp, issue_in_transaction, normalise_code, verify_in_transaction
from .throttling import CONTACT_CHANGE_REQUEST, OTP
from .users import sync_contact_identities

__all__ = ["ContactChangeService", "PendingChange", "EMAIL_CHANGE_TYPE", "PHONE_CHANGE_TYPE"]

EMAIL_CHANGE_TYPE = CONTACT_CHANGE_TYPES["email"]
PHONE_CHANGE_TYPE = CONTACT_CHANGE_TYPES["phone"]
_TYPES = CONTACT_CHANGE_TYPES
_KINDS = {otp_type: kind for kind, otp_type in _TYPES.items()}
_TAKEN = {"email": errors.EmailAlreadyExists, "phone": errors.PhoneAlreadyExists}


@dataclass(frozen=True)
class PendingChange:
    """A requested, unconfirmed change: ``kind`` (``"email"``/``"phone"``), the new value, its expiry."""

    kind: str
    value: str
    expires_at: datetime


class ContactChangeService(AccountCodeService):
    """Request and confirm a change of a user's email or phone (needs the app's secret key)."""

    # --- requesting ------------------------------------------------------------------

    @on_primary
    @checked(user_id=ID, email=EMAIL, session=ID.optional)
    @retry_on_conflict
    def request_email_change(self, user_id: uuid.UUID | str | User, email: str, *,
                             session: uuid.UUID | str | Session | None = None) -> IssuedOtp:
        """Send a code to ``email``; the account's email changes when :meth:`confirm_email_change` gets it.

        Refusals: ``EMAIL_DOMAIN_BLOCKED``, ``EMAIL_ALREADY_EXISTS`` (another
        account's), ``INVALID_VALUE`` (it is already the account's),
        ``ACCOUNT_INACTIVE``, ``USER_NOT_FOUND``, ``REAUTHENTICATION_REQUIRED``
        (with ``session``), ``ACCOUNT_LOCKED`` (too many codes sent to this address lately,
        by any account: ``Settings.code_throttle``, counted until a change to it is
        confirmed). A newer request replaces this one. Sends
        ``otp_requested`` (type ``email_change``, ``email`` = the new address)
        and ``contact_change_requested`` (for the old address) after commit.
        """
        if email is None:
            raise errors.InvalidEmail("Give the new email address.", field="email")
        ensure_allowed(email)
        return self._request(cast(uuid.UUID, user_id), "email", email, cast("uuid.UUID | None", session))

    @on_primary
    @checked(user_id=ID, phone=PHONE, session=ID.optional)
    @retry_on_conflict
    def request_phone_change(self, user_id: uuid.UUID | str | User, phone: str, *,
                             session: uuid.UUID | str | Session | None = None) -> IssuedOtp:
        """:meth:`request_email_change` for the phone (``phone_change``, ``PHONE_ALREADY_EXISTS``)."""
        if phone is None:
            raise errors.InvalidPhone("Give the new phone number.", field="phone")
        return self._request(cast(uuid.UUID, user_id), "phone", phone, cast("uuid.UUID | None", session))

    def _request(self, uid: uuid.UUID, kind: str, value: str, session: uuid.UUID | None) -> IssuedOtp:
        now = self._clock()
        _recent.check_session(session, uid, now=now, within=self.settings.reauthentication_window)
        gate = self.otps.throttle.check(CONTACT_CHANGE_REQUEST, self._address(kind, value))
        with transaction():
            user = users_repo.get_locked(uid)
            if user is None:
                raise errors.UserNotFound(f"No user has the id {uid}.", user_id=uid)
            if not user.is_active:
                raise errors.AccountInactive("A deactivated account cannot change its address.")
            old = getattr(user, kind)
            if value == old:
                raise errors.InvalidValue(f"This is already the account's {kind}.", field=kind)
            self._ensure_free(kind, value, uid)
            self.otps.throttle.failed(gate)  # one more code to that address (a refusal above sends none)
            issued = issue_in_transaction(self.otps, uid, _TYPES[kind], target=(kind, value))
            emit(events.contact_change_requested, self, user=UserSnapshot.of(user), user_id=uid, kind=kind,
                 old_value=old, new_value=value, expires_at=issued.otp.expires_at)
        return issued

    # --- confirming ------------------------------------------------------------------

    @on_primary
    @checked(user_id=ID, code=OTP_CODE)
    @retry_on_conflict
    def confirm_email_change(self, user_id: uuid.UUID | str | User, code: str) -> User:
        """Apply the pending email change whose code this is; the new address is verified.

        Refusals: ``VERIFICATION_CODE_INVALID`` (wrong, used, dead, none
        pending, deactivated or unknown account; the attempt is spent),
        ``VERIFICATION_CODE_EXPIRED``, ``ACCOUNT_LOCKED`` (too many wrong
        codes); and, checked again now, ``EMAIL_DOMAIN_BLOCKED`` /
        ``EMAIL_ALREADY_EXISTS`` (taken meanwhile), which change nothing. The
        email identity follows. Sends ``contact_changed`` and ``user_updated``.
        """
        return self._confirm(cast(uuid.UUID, user_id), "email", code)

    @on_primary
    @checked(user_id=ID, code=OTP_CODE)
    @retry_on_conflict
    def confirm_phone_change(self, user_id: uuid.UUID | str | User, code: str) -> User:
        """:meth:`confirm_email_change` for the phone (``PHONE_ALREADY_EXISTS``)."""
        return self._confirm(cast(uuid.UUID, user_id), "phone", code)

    def _confirm(self, uid: uuid.UUID, kind: str, code: str) -> User:
        normalised = normalise_code(code)
        if normalised is None:
            raise errors.VerificationCodeInvalid()
        gate = self.otps.throttle.check(OTP, uid.hex)
        refused: errors.NestAuthError | None = None
        with transaction():
            user = users_repo.get_locked(uid)  # one confirmation (or request) of this user at a time
            outcome, otp = verify_in_transaction(self.otps, uid, _TYPES[kind], normalised, consume=True, gate=gate)
            if user is None or outcome != "ok" or otp is None or otp.target is None:
                refused = errors.VerificationCodeExpired() if outcome == "expired" else errors.VerificationCodeInvalid()
            else:  # a refusal below rolls the whole transaction back: the code stays as it was
                value, old = otp.target, getattr(user, kind)
                if kind == "email":
                    ensure_allowed(value)
                self._ensure_free(kind, value, uid)
                changed = {kind: value, f"{kind}_verified_at": self._clock()}
                users_repo.update_fields(user, changed)
                sync_contact_identities(user, phone_login=self.users.settings.phone_login,
                                        email_changed=kind == "email", phone_changed=kind == "phone")
                snapshot = UserSnapshot.of(user)
                emit(events.contact_changed, self, user=snapshot, user_id=uid, kind=kind, old_value=old,
                     new_value=value)
                emit(events.user_updated, self, user=snapshot, user_id=uid, changed=sorted(changed))
                self.otps.throttle.unlock(CONTACT_CHANGE_REQUEST, self._address(kind, value))
        if refused is not None:  # the spent attempt (or the expired code's removal) is committed
            raise refused
        return cast(User, user)

    def _address(self, kind: str, value: str) -> str:
        return self.users.login_identifier(**{kind: value})

    def _ensure_free(self, kind: str, value: str, uid: uuid.UUID) -> None:
        holder = users_repo.get_by_email(value) if kind == "email" else users_repo.get_by_phone(value)
        if holder is not None and holder.id != uid:
            raise _TAKEN[kind]()

    # --- reading and cancelling ------------------------------------------------------

    @replica_ok
    @checked(user_id=ID)
    def pending(self, user_id: uuid.UUID | str | User) -> list[PendingChange]:
        """The user's unexpired requested changes (at most one per kind); no code is shown."""
        rows = otps_repo.live_for_user(cast(uuid.UUID, user_id), tuple(_KINDS), now=self._clock())
        return [PendingChange(_KINDS[row.type], row.target, row.expires_at) for row in rows if row.target]

    @on_primary
    @checked(user_id=ID, kind=choice(*_TYPES))
    @retry_on_conflict
    def cancel(self, user_id: uuid.UUID | str | User, kind: str) -> bool:
        """Drop the pending change of ``kind`` (``"email"`` or ``"phone"``); False if there was none."""
        with transaction():
            return otps_repo.delete_for_user_type(cast(uuid.UUID, user_id), _TYPES[kind]) > 0
