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
every session, and a wrong code's used attempt is committed even though the
reset fails, so guessing stays limited. Neither method tells an unknown
address from a known one: ``request`` returns None and sends nothing, and
``reset`` refuses with the same ``VERIFICATION_CODE_INVALID`` as a wrong code.
"""

from __future__ import annotations

from .. import errors, events
from ..config import Settings
from ..fields import utcnow
from ..models import User
from ..passwords import check_policy
from ..replicas import on_primary
from ..repositories import sessions as sessions_repo
from ..repositories import users as users_repo
from ..unit_of_work import emit, retry_on_conflict, transaction
from ..validation import EMAIL, PASSWORD, PHONE, checked
from ._base import Clock
from ._common import UserSnapshot
from .otps import OTP_CODE, IssuedOtp, OtpService
from .users import UserService

__all__ = ["PasswordResetService", "RESET_OTP_TYPE"]

#: The OTP type of reset codes.
RESET_OTP_TYPE = "password_reset"


class PasswordResetService:
    """Request and complete password resets by email or phone (needs the app's secret key)."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        users: UserService | None = None,
        otps: OtpService | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.settings = Settings.or_default(settings)
        self.users = users or UserService(self.settings)
        self.otps = otps or OtpService(self.settings, clock=clock)

    @on_primary
    @checked(email=EMAIL, phone=PHONE)
    @retry_on_conflict
    def request(self, *, email: str | None = None, phone: str | None = None) -> IssuedOtp | None:
        """Issue a reset code for the active account with this email or phone.

        The code reaches listeners of ``otp_requested`` (type
        ``password_reset``) for delivery, and ``password_reset_requested`` is
        sent with the user's snapshot; both after commit. An earlier reset code
        of the user dies. Unknown or deactivated account: None, nothing sent.
        """
        user = self.users.lookup(email=email, phone=phone)
        if user is None or not user.is_active:
            return None
        with transaction():
            issued = self.otps.create(user.id, RESET_OTP_TYPE)
            emit(events.password_reset_requested, self, user=UserSnapshot.of(user), user_id=user.id,
                 expires_at=issued.otp.expires_at)
        return issued

    @on_primary
    @checked(email=EMAIL, phone=PHONE, code=OTP_CODE)
    def check(self, *, email: str | None = None, phone: str | None = None, code: str) -> None:
        """Check a reset code without using it up (to show the new-password form).

        A wrong code spends an attempt, as in :meth:`reset`.
        """
        user = self._account(email, phone)
        self.otps.check(user.id, RESET_OTP_TYPE, code)

    @on_primary
    @checked(email=EMAIL, phone=PHONE, code=OTP_CODE, new_password=PASSWORD)
    @retry_on_conflict
    def reset(self, *, email: str | None = None, phone: str | None = None, code: str,
              new_password: str) -> User:
        """Set ``new_password`` if ``code`` is the account's live reset code.

        The policy is checked before the code is touched, so a refused password
        leaves the code usable. On success the code is consumed, the hash
        stored, ``must_change_password`` cleared and every session revoked, in
        one transaction; ``password_reset`` is sent after commit. Refusals:
        ``VERIFICATION_CODE_INVALID`` (wrong, used up, unknown account),
        ``VERIFICATION_CODE_EXPIRED``, ``PASSWORD_POLICY_VIOLATION``.
        """
        user = self._account(email, phone)
        check_policy(new_password, self.settings.password_policy, email=user.email)
        new_hash = self.users.hasher.hash(new_password)
        refused: errors.NestAuthError | None = None
        with transaction():
            try:
                self.otps.verify(user.id, RESET_OTP_TYPE, code)
            except (errors.VerificationCodeInvalid, errors.VerificationCodeExpired) as exc:
                refused = exc  # commit the spent attempt (or the expired code's removal), then raise
            else:
                if not users_repo.set_password_hash(user.id, new_hash, must_change_password=False):
                    raise errors.UserNotFound(f"No user has the id {user.id}.", user_id=user.id)
                revoked = sessions_repo.delete_for_user(user.id)
                user.password_hash, user.must_change_password = new_hash, False
                emit(events.password_reset, self, user=UserSnapshot.of(user), user_id=user.id,
                     sessions_revoked=revoked)
        if refused is not None:
            raise refused
        return user

    def _account(self, email: str | None, phone: str | None) -> User:
        user = self.users.lookup(email=email, phone=phone)
        if user is None or not user.is_active:
            # The same refusal as a wrong code: a reset form must not confirm which accounts exist.
            raise errors.VerificationCodeInvalid()
        return user
