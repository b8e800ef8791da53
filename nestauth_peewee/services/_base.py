"""What the secret-handling services share: settings, the app key, a clock, the result of issuing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from .. import errors
from ..config import Settings, key_ring
from ..fields import utcnow
from ..models import User
from ..replicas import primary_reads, routing
from ..repositories import users as users_repo
from ..validation import checked

__all__ = ["KeyedService", "Clock", "Issued", "lock_active_user", "find_presented"]

Clock = Callable[[], datetime]
K = TypeVar("K")
R = TypeVar("R")


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


class Issued:
    """What an issuing call returns: a new row and its secret in plaintext, shown this once.

    A subclass is a ``@dataclass(frozen=True, repr=False)`` of two fields, the
    row and then the secret. Its repr keeps the secret out of logs and
    tracebacks: it names the row as ``shows`` says (a :meth:`str.format`
    template over ``row``; by default the row's id) and masks the secret, as in
    ``IssuedDevice(device=0f3c..., token='***')``.
    """

    _row: ClassVar[str]
    _secret: ClassVar[str]
    _shows: ClassVar[str]

    def __init_subclass__(cls, *, shows: str = "{row.id!s}", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._row, cls._secret = cls.__annotations__  # the two fields, in their order
        cls._shows = shows

    def __repr__(self) -> str:
        shown = self._shows.format(row=getattr(self, self._row))
        return f"{type(self).__name__}({self._row}={shown}, {self._secret}='***')"


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


def find_presented(parsed: tuple[K, str] | None, refused: type[errors.NestAuthError],
                   digest_of: Callable[[K, str], str], lookup: Callable[[K], R | None],
                   accepted: Callable[[R, str], bool]) -> tuple[R, K, str, str]:
    """The row behind a presented secret (a refresh token, an API key): ``(row, ident, secret, digest)``.

    ``parsed`` is the token split into the part it is looked up by and its
    secret (None: malformed, refused at once); ``digest`` is the secret's
    digest under the current key. One ``lookup(ident)``; when a replica may
    have answered and the answer is a refusal (no row, or a row ``accepted``
    turns down given the digest), the lookup is repeated on the primary: a
    lagging replica never decides a refusal. No row at all is ``refused``;
    the caller compares the digest and checks the row's state itself.
    """
    if parsed is None:
        raise refused()
    ident, secret = parsed
    digest = digest_of(ident, secret)
    found = lookup(ident)
    if routing.may_read_replica() and (found is None or not accepted(found, digest)):
        with primary_reads():
            found = lookup(ident)
    if found is None:
        raise refused()
    return found, ident, secret, digest
