"""What the secret-handling services share: settings, the app key, a clock, input hygiene."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Callable
from datetime import datetime

from .. import errors
from ..config import Settings, key_ring
from ..fields import utcnow

__all__ = ["KeyedService", "as_uuid", "clip", "normalize_ip"]

Clock = Callable[[], datetime]


class KeyedService:
    """A service that needs the app's secret key: a missing key fails here, at start-up."""

    def __init__(self, settings: Settings | None = None, *, clock: Clock = utcnow) -> None:
        self.settings = settings if settings is not None else Settings.from_env()
        self._keys = key_ring(self.settings)
        self._key = self._keys.current
        self._clock = clock

    def now(self) -> datetime:
        return self._clock()


def clip(value: str | None, limit: int) -> str | None:
    """Client-supplied descriptive text (user agent, device name) cut to its column; empty → None."""
    if value is None:
        return None
    value = value.replace("\x00", "").strip()
    return value[:limit] or None


def normalize_ip(value: str | None) -> str | None:
    """An IPv4/IPv6 address in canonical text, None for none; anything else is refused."""
    if value is None or value == "":
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError as exc:
        raise errors.InvalidValue(f"Not an IP address: {value[:64]!r}.", field="ip_address") from exc


def as_uuid(value: uuid.UUID | str) -> uuid.UUID:
    """A row id given as UUID or text; anything else is an InvalidValue."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise errors.InvalidValue(f"Not a UUID: {str(value)[:64]!r}.") from exc
