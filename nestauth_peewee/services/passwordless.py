"""Passwordless login: a one-time code, or a magic link, sent to the account; then a session.

    from nestauth_peewee import events
    from nestauth_peewee.services.passwordless import PasswordlessService

    @events.otp_requested.connect
    def deliver_code(sender, email, type, code, **extra):
        if type == "passwordless_login":
            send_mail(email, f"Your sign-in code: {code}")

    @events.magic_link_requested.connect
    def deliver_link(sender, email, token, **extra):
        send_mail(email, f"https://app.example/login?token={token}")

    login = PasswordlessService(settings)
    login.request_code(email="bob@example.com")   # None for an unknown address: say "sent" anyway
    issued = login.sign_in_with_code(email="bob@example.com", code="123456", user_agent=ua)
    login.request_link(email="bob@example.com")
    issued = login.sign_in_with_link(token)       # an IssuedSession either way

The rules are password reset's (:mod:`.password_reset`): the code is an
ordinary OTP (``passwordless_login``; a link is a ``magic_link_login`` OTP of
48 characters from the unambiguous alphabet, 237 bits) with an HMAC at rest,
``otp_validity`` expiry, ``otp_max_attempts`` attempts, each attempt claimed
atomically before the comparison and committed even when the sign-in fails;
a new request kills the previous code or link; a code or link works once (it
is consumed in the same transaction that creates the session). Nothing tells
an unknown or deactivated account from a wrong code: requests return None and
send nothing, sign-ins refuse with the same ``VERIFICATION_CODE_INVALID``.

A link's token is ``<user id, 32 hex>.<48 characters>``; only
``magic_link_requested`` carries it (``otp_requested`` for a
``magic_link_login`` code carries just the secret half: deliver links from
the former). The session's ``data`` records ``{"auth_method": "passwordless_code"}``
or ``"magic_link"``: this is one factor, so an app that requires MFA checks
``user.is_mfa_enabled`` on the returned session's user before trusting it.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from .. import audit, errors, events
from ..config import Settings
from ..fields import utcnow
from ..models import User
from ..replicas import on_primary
from ..repositories import users as users_repo
from ..unit_of_work import emit, record_failure, retry_on_conflict, transaction
from ..validation import EMAIL, IP_ADDRESS, LINE, PHONE, USER_AGENT, checked
from ._account_codes import AccountCodeService
from ._base import Clock
from .otps import OTP_CODE, IssuedOtp, OtpService
from .sessions import IssuedSession, SessionService
from .throttling import SIGN_IN_REQUEST, Gate
from .users import UserService

__all__ = ["PasswordlessService", "CODE_OTP_TYPE", "LINK_OTP_TYPE"]

CODE_OTP_TYPE = "passwordless_login"
LINK_OTP_TYPE = "magic_link_login"
_LINK_LENGTH = 48
_LINK_TOKEN = re.compile(r"([0-9a-f]{32})\.([2-9A-HJKMNP-Z]{48})")


class PasswordlessService(AccountCodeService):
    """Sign in by a code or a magic link sent to the account (needs the app's secret key)."""

    def __init__(self, settings: Settings | None = None, *, users: UserService | None = None,
                 otps: OtpService | None = None, sessions: SessionService | None = None,
                 clock: Clock = utcnow) -> None:
        super().__init__(settings, users=users, otps=otps, clock=clock)
        self.sessions = sessions or SessionService(self.settings, clock=clock)

    # --- by code -------------------------------------------------------------------

    @on_primary
    @checked(email=EMAIL, phone=PHONE)
    @retry_on_conflict
    def request_code(self, *, email: str | None = None, phone: str | None = None) -> IssuedOtp | None:
        """Issue a sign-in code for the active account (``otp_requested``, type ``passwordless_login``).

        Unknown or deactivated account: None, nothing sent, after the same database work (a
        code's owner looked up and locked, its earlier codes deleted: only the INSERT differs), so
        the answer's timing does not tell which accounts exist.

        Requests (codes and links together) are counted per address, known or not
        (``Settings.code_throttle``, scope ``sign_in_request``) until a passwordless sign-in
        succeeds: past the threshold they are ``ACCOUNT_LOCKED`` for a while, which limits
        the mails and texts anyone can have sent to an address.
        """
        user, gate = self._counted_request(email, phone)
        with transaction():
            self.otps.throttle.failed(gate)  # counted alike for every address: the same write
            if user is None:
                self.otps.dummy_create(CODE_OTP_TYPE)
                return None
            return self.otps.create(user.id, CODE_OTP_TYPE)

    @on_primary
    @checked(email=EMAIL, phone=PHONE, code=OTP_CODE, user_agent=USER_AGENT, ip_address=IP_ADDRESS,
             device_name=LINE)
    @retry_on_conflict
    def sign_in_with_code(self, *, email: str | None = None, phone: str | None = None, code: str,
                          user_agent: str | None = None, ip_address: str | None = None,
                          device_name: str | None = None) -> IssuedSession:
        """A new session if ``code`` is the account's live sign-in code (consumed with it).

        Refusals: ``VERIFICATION_CODE_INVALID`` (wrong, used, dead, unknown or
        inactive account), ``VERIFICATION_CODE_EXPIRED``.
        """
        user = self._account(email, phone)
        if user is None:
            raise errors.VerificationCodeInvalid()
        return self._sign_in(user, CODE_OTP_TYPE, code, "passwordless_code",
                             user_agent=user_agent, ip_address=ip_address, device_name=device_name)

    # --- by magic link -------------------------------------------------------------

    @on_primary
    @checked(email=EMAIL, phone=PHONE)
    @retry_on_conflict
    def request_link(self, *, email: str | None = None, phone: str | None = None) -> str | None:
        """Issue a magic link token for the active account; it goes to ``magic_link_requested``.

        Returns the token (for tests and for apps that deliver it themselves),
        or None for an unknown or deactivated account (nothing sent, after the same database
        work as for a known one, as in :meth:`request_code`, and counted with those requests).
        """
        user, gate = self._counted_request(email, phone)
        with transaction():
            self.otps.throttle.failed(gate)
            if user is None:
                self.otps.dummy_create(LINK_OTP_TYPE)
                return None
            issued = self.otps.create(user.id, LINK_OTP_TYPE, length=_LINK_LENGTH, alphabet="alphanumeric")
            token = f"{user.id.hex}.{issued.code}"
            emit(events.magic_link_requested, self, user_id=user.id, email=user.email, phone=user.phone,
                 token=token, expires_at=issued.otp.expires_at)
        return token

    @on_primary
    @checked(token=OTP_CODE, user_agent=USER_AGENT, ip_address=IP_ADDRESS, device_name=LINE)
    @retry_on_conflict
    def sign_in_with_link(self, token: str, *, user_agent: str | None = None, ip_address: str | None = None,
                          device_name: str | None = None) -> IssuedSession:
        """A new session if ``token`` is the account's live magic link (consumed with it).

        The same refusals as :meth:`sign_in_with_code`; a malformed token is
        refused before any query.
        """
        match = _LINK_TOKEN.fullmatch(token) if isinstance(token, str) and len(token) == 81 else None
        if match is None:
            raise errors.VerificationCodeInvalid()
        found = users_repo.get(uuid.UUID(match.group(1)))
        if found is None or not found.is_active:
            raise errors.VerificationCodeInvalid()
        return self._sign_in(found, LINK_OTP_TYPE, match.group(2), "magic_link",
                             user_agent=user_agent, ip_address=ip_address, device_name=device_name)

    # --- internals -----------------------------------------------------------------

    def _counted_request(self, email: str | None, phone: str | None) -> tuple[User | None, Gate | None]:
        """The active account (or None) and the gate of the address's request count
        (``AccountLocked`` while it is locked)."""
        user = self._account(email, phone)
        return user, self.otps.throttle.check(SIGN_IN_REQUEST, self.users.login_identifier(email=email, phone=phone))

    def _forget_requests(self, user: User) -> None:
        """A passwordless sign-in succeeded: the request counts of the account's addresses start again."""
        for email, phone in ((user.email, None), (None, user.phone)):
            if email is not None or phone is not None:
                self.otps.throttle.unlock(SIGN_IN_REQUEST, self.users.login_identifier(email=email, phone=phone))

    def _sign_in(self, user: User, otp_type: str, code: str, method: str, **client: Any) -> IssuedSession:
        user_id = user.id
        refused: errors.NestAuthError | None = None
        issued: IssuedSession | None = None
        with transaction():
            try:
                self.otps.verify(user_id, otp_type, code)
            except (errors.VerificationCodeInvalid, errors.VerificationCodeExpired) as exc:
                refused = exc  # commit the spent attempt (or the expired code's removal), then raise
                record_failure(audit.failure_row(self.settings, audit.SIGN_IN, user_id=user_id, reason=exc.code,
                                                 detail={"method": method}))
            else:
                issued = self.sessions.create(user_id, data={"auth_method": method}, **client)
                self._forget_requests(user)
                emit(events.passwordless_login, self, user_id=user_id, method=method,
                     session_id=issued.session.id)
        if refused is not None:
            raise refused
        if issued is None:  # unreachable: either refused or issued
            raise errors.VerificationCodeInvalid()
        return issued

