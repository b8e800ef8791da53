"""What the services that send an account a one-time code share: a user service and an OTP service.

Password reset, passwordless login and contact changes each run on a
:class:`~.users.UserService` and an :class:`~.otps.OtpService`, given (so
that :class:`~.bundle.AuthServices` shares one of each) or built from the
settings. The first two find the account by its email or phone and must not
tell an unknown account from a deactivated one: :meth:`AccountCodeService._account`
answers None for both.
"""

from __future__ import annotations

from ..config import Settings
from ..fields import utcnow
from ..models import User
from ._base import Clock
from .otps import OtpService
from .users import UserService

__all__ = ["AccountCodeService"]


class AccountCodeService:
    """The settings, the user and OTP services and the clock of a service that sends codes."""

    def __init__(self, settings: Settings | None = None, *, users: UserService | None = None,
                 otps: OtpService | None = None, clock: Clock = utcnow) -> None:
        self.settings = Settings.or_default(settings)
        self.users = users or UserService(self.settings)
        self.otps = otps or OtpService(self.settings, clock=clock)
        self._clock = clock

    def _account(self, email: str | None, phone: str | None) -> User | None:
        """The active account with this email or phone, or None (unknown and deactivated look the same)."""
        user = self.users.lookup(email=email, phone=phone)
        return user if user is not None and user.is_active else None
