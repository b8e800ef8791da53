"""Forgotten passwords: a one-time code to the account's email or phone, then a new password.

    from nestauth_peewee import events
    from nestauth_peewee.services.password_reset import PasswordResetService

    @events.otp_requested.connect
    def deliver(sender, email, phone, type, code, **extra):
        if type == "password_reset":
            send_mail(email, f"Your reset code: {code}")

    resets = PasswordResetService(settings)
    resets.request(email="Bob@Example.com")        # None for an unknown address: say "sent" anyway
    resets.reset(email="bob@example.com", code="123456", new_password="a new long passphrase")

The code is an ordinary ``password_reset`` OTP (HMAC at rest, expiry, the
attempt limit; see :mod:`.otps`). A reset is all or nothing: the code is
consumed in the same transaction that stores the new password hash and revokes
every session and trusted device, and a wrong code's used attempt is committed
even though the reset fails, so guessing stays limited. No method tells an
unknown (or deactivated) address from a known one, by answer or by time:
``request`` returns None and sends nothing after the same database work, and
``check``/``reset`` check the code before anything else (a dummy check for a
missing account) and refuse with the same ``VERIFICATION_CODE_INVALID`` as a
wrong code; no password is hashed before the code matched.
``python -m benchmarks reset-timing`` measures it.
"""

from __future__ import annotations

import threading
from concurrent.futures import Executor, Future, ThreadPoolExecutor

from .. import errors, events
from ..config import Settings
from ..db import database
from ..fields import utcnow
from ..models import User
from ..normalize import normalize_email, normalize_phone
from ..passwords import check_policy
from ..replicas import on_primary
from ..repositories import access_keys as access_keys_repo
from ..repositories import sessions as sessions_repo
from ..repositories import trusted_devices as devices_repo
from ..repositories import users as users_repo
from ..unit_of_work import emit, retry_on_conflict, transaction
from ..validation import EMAIL, PASSWORD, PHONE, checked
from ._account_codes import AccountCodeService
from ._base import Clock
from ._common import UserSnapshot
from .otps import OTP_CODE, IssuedOtp, OtpService
from .throttling import RESET_REQUEST
from .users import UserService

__all__ = ["PasswordResetService", "RESET_OTP_TYPE"]

#: The OTP type of reset codes.
RESET_OTP_TYPE = "password_reset"


class PasswordResetService(AccountCodeService):
    """Request and complete password resets by email or phone (needs the app's secret key)."""

    def __init__(self, settings: Settings | None = None, *, users: UserService | None = None,
                 otps: OtpService | None = None, clock: Clock = utcnow,
                 executor: Executor | None = None) -> None:
        super().__init__(settings, users=users, otps=otps, clock=clock)
        self._executor = executor
        self._own_executor = executor is None
        self._executor_lock = threading.Lock()

    @on_primary
    @checked(email=EMAIL, phone=PHONE)
    @retry_on_conflict
    def request(self, *, email: str | None = None, phone: str | None = None) -> IssuedOtp | None:
        """Issue a reset code for the active account with this email or phone.

        The code reaches listeners of ``otp_requested`` (type
        ``password_reset``) for delivery, and ``password_reset_requested`` is
        sent with the user's snapshot; both after commit. An earlier reset code
        of the user dies. Unknown or deactivated account: None, nothing sent,
        after the same work (a code drawn and digested, the same lookups in a
        transaction) so the database time is the same. A listener that
        delivers inline (SMTP) adds its own time to known accounts only: have
        it enqueue the message, or call :meth:`request_in_background`.

        Requests are counted per address, known or not (``Settings.code_throttle``,
        scope ``reset_request``) until a reset succeeds: past the threshold they
        are ``ACCOUNT_LOCKED`` for a while, which limits reset mails to anyone.
        """
        user = self._account(email, phone)
        gate = self.otps.throttle.check(RESET_REQUEST, self.users.login_identifier(email=email, phone=phone))
        with transaction():
            self.otps.throttle.failed(gate)  # counted alike for every address: the same write
            if user is None:
                self.otps.dummy_create(RESET_OTP_TYPE)
                return None
            issued = self.otps.create(user.id, RESET_OTP_TYPE)
            emit(events.password_reset_requested, self, user=UserSnapshot.of(user), user_id=user.id,
                 expires_at=issued.otp.expires_at)
        return issued

    @checked(email=EMAIL, phone=PHONE)
    def request_in_background(self, *, email: str | None = None, phone: str | None = None
                              ) -> Future[IssuedOtp | None]:
        """:meth:`request` on a worker thread; returns at once, whoever the account is.

        Malformed input is still refused here, synchronously (it says nothing
        about accounts). The work, delivery listeners included, runs on the
        service's executor (``executor=`` at construction, else one worker
        thread of its own, which closes its database connection after each
        request); the returned future gives what :meth:`request` returns, or
        its exception. An app answering "if the account exists, we sent a
        code" this way responds in the same time for every address.
        """
        if normalize_email(email) is None and normalize_phone(phone) is None:  # input errors now
            raise errors.EmailOrPhoneRequired(
                "Give the email or the phone number the account was registered with.")
        return self._pool().submit(self._request_and_close, email, phone)

    def _request_and_close(self, email: str | None, phone: str | None) -> IssuedOtp | None:
        try:
            return self.request(email=email, phone=phone)
        finally:
            if self._own_executor:
                database.close()

    def _pool(self) -> Executor:
        if self._executor is None:
            with self._executor_lock:
                if self._executor is None:
                    self._executor = ThreadPoolExecutor(max_workers=1,
                                                        thread_name_prefix="nestauth-reset")
        return self._executor

    @on_primary
    @checked(email=EMAIL, phone=PHONE, code=OTP_CODE)
    def check(self, *, email: str | None = None, phone: str | None = None, code: str) -> None:
        """Check a reset code without using it up (to show the new-password form).

        A wrong code spends an attempt, as in :meth:`reset`. Unknown,
        deactivated and wrong alike: ``VERIFICATION_CODE_INVALID`` after the
        same work.
        """
        user = self._account(email, phone)
        if user is None:
            self.otps.dummy_verify(RESET_OTP_TYPE, code, identifier=self.users.login_identifier(
                email=email, phone=phone))
        self.otps.check(user.id, RESET_OTP_TYPE, code)

    @on_primary
    @checked(email=EMAIL, phone=PHONE, code=OTP_CODE, new_password=PASSWORD)
    @retry_on_conflict
    def reset(self, *, email: str | None = None, phone: str | None = None, code: str,
              new_password: str) -> User:
        """Set ``new_password`` if ``code`` is the account's live reset code.

        The code is checked **first** (an attempt claimed, as by :meth:`check`;
        a dummy check for an unknown or deactivated account), so a wrong code
        costs the same whoever the account is and nobody can make the server
        hash a password without the code. Only then the policy: a refused
        password neither uses up the code nor spends an attempt (whoever sees
        the refusal holds the live code, which already proves the account),
        so the user can try another password. Then the hash, and in one
        transaction: the code consumed (checked again, so of two concurrent
        resets one wins), the hash stored, ``must_change_password`` cleared,
        every session and trusted device revoked and, with
        ``Settings.reset_deactivates_access_keys`` (on by default), every API
        key deactivated; ``password_reset`` is sent after commit. Refusals: ``VERIFICATION_CODE_INVALID`` (wrong, used
        up, unknown or deactivated account), ``VERIFICATION_CODE_EXPIRED``,
        ``PASSWORD_POLICY_VIOLATION``.
        """
        if not isinstance(new_password, str):
            raise errors.InvalidValue("new_password must be a string.", field="new_password")
        user = self._account(email, phone)
        if user is None:
            self.otps.dummy_verify(RESET_OTP_TYPE, code, identifier=self.users.login_identifier(
                email=email, phone=phone))
        self.otps.check(user.id, RESET_OTP_TYPE, code)
        new_password = check_policy(new_password, self.settings.password_policy, email=user.email)
        new_hash = self.users.hasher.hash(new_password)
        refused: errors.NestAuthError | None = None
        now = self._clock()
        with transaction():
            try:
                self.otps.verify(user.id, RESET_OTP_TYPE, code)
            except (errors.VerificationCodeInvalid, errors.VerificationCodeExpired) as exc:
                refused = exc  # commit the spent attempt (or the expired code's removal), then raise
            else:
                if not users_repo.set_password_hash(user.id, new_hash, must_change_password=False):
                    raise errors.UserNotFound(f"No user has the id {user.id}.", user_id=user.id)
                revoked = sessions_repo.delete_for_user(user.id)
                devices = devices_repo.revoke_all(user.id, now=now)
                keys = (access_keys_repo.deactivate_all_for_user(user.id, now=now)
                        if self.settings.reset_deactivates_access_keys else 0)
                self.otps.throttle.unlock(RESET_REQUEST, self.users.login_identifier(email=email, phone=phone))
                user.password_hash, user.must_change_password = new_hash, False
                emit(events.password_reset, self, user=UserSnapshot.of(user), user_id=user.id,
                     sessions_revoked=revoked, trusted_devices_revoked=devices,
                     access_keys_deactivated=keys)
        if refused is not None:
            raise refused
        return user
