"""What the secret-handling services share: settings, the app key, a clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .. import errors
from ..config import Settings, key_ring
from ..fields import utcnow
from ..models import User
from ..repositories import users as users_repo
from ..validation import checked

__all__ = ["KeyedService", "Clock", "lock_active_user"]

Clock = Callable[[], datetime]


class KeyedService:
    """A service that needs the app's secret key: a missing key fails here, at start-up."""

    def __init__(self, settings: Settings | None = None, *, clock: Clock = utcnow) -> None:
        self.settings = Settings.or_default(settings)
        self._keys = key_ring(self.settings)
        self._key = self._keys.current
        self._clock = clock

    @checked()
    def now(self) -> datetime:
        """The service's clock reading (aware UTC)."""
        return self._clock()


def lock_active_user(user_id: Any, *, refused: str, inactive: str) -> User:
    """The user's row, locked for the transaction a secret is issued in.

    An unknown id is ``ReferenceNotFound`` ("No user with id ...; ``refused``."),
    a deactivated account ``AccountInactive(inactive)``.
    """
    user = users_repo.get_locked(user_id)
    if user is None:
        raise errors.ReferenceNotFound(f"No user with id {user_id}; {refused}.")
    if not user.is_active:
        raise errors.AccountInactive(inactive)
    return user
