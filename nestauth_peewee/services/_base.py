"""What the secret-handling services share: settings, the app key, a clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..config import Settings, key_ring
from ..fields import utcnow
from ..validation import checked

__all__ = ["KeyedService", "Clock"]

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
