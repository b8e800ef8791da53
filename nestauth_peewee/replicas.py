"""Read replicas: which reads may leave the primary, decided per thread and context.

An app names its replicas once::

    init_database("postgresql://app@primary/app",
                  replicas=["postgresql://app@replica1/app", "postgresql://app@replica2/app"])

and from then on a read goes to a replica only when all of these hold:

* it is a plain ``SELECT`` (no ``FOR UPDATE`` / ``FOR SHARE``), not a write;
* no transaction is open on the primary in this thread (every read inside a
  transaction, the library's own or the app's ``db.atomic()``, stays on it);
* the read happens inside a *replica scope*: one of the library's read-only
  operations (lookups, lists, effective permissions: marked :data:`replica_ok`)
  or the app's own ``with replica_reads():`` block;
* no enclosing *primary scope*: :func:`primary_reads` (the app's), and the
  library's operations that read and then may write (login with its password
  re-hash, refresh-token rotation, password reset) or that check a credential
  (refresh-token and API-key checks, :data:`auth_check`), which stay on the
  primary unless the app opts in with ``replica_reads(auth_checks=True)``;
* this context has not written anything in the last ``sticky_seconds``
  (read-your-writes for the caller's own changes).

Everything else goes to the primary, so code that says nothing reads the
primary: safe by default. The scope lives in a :class:`contextvars.ContextVar`
(each thread and each asyncio task has its own); each thread keeps to one
replica, chosen at random, and a replica that cannot be reached sends that
thread's reads back to the primary for :data:`RETRY_AFTER` seconds.

Close connections through ``nestauth_peewee.database.close()``: it closes this
thread's replica connections too.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import peewee

from . import errors

__all__ = [
    "replica_reads",
    "primary_reads",
    "replica_ok",
    "auth_check",
    "on_primary",
    "routing",
    "DEFAULT_STICKY_SECONDS",
    "RETRY_AFTER",
    "MARKER_ATTRIBUTE",
]

log = logging.getLogger(__name__)

#: How long after a write this context keeps reading the primary (seconds).
DEFAULT_STICKY_SECONDS = 5.0
#: How long an unreachable replica is left alone before it is tried again (seconds).
RETRY_AFTER = 10.0

F = TypeVar("F", bound=Callable[..., Any])

# The resolved scope: (mode, credential checks allowed on a replica).
_UNSAID, _PRIMARY, _REPLICA = 0, 1, 2
_scope: contextvars.ContextVar[tuple[int, bool]] = contextvars.ContextVar(
    "nestauth_read_scope", default=(_UNSAID, False))
_last_write: contextvars.ContextVar[float] = contextvars.ContextVar(
    "nestauth_last_write", default=-math.inf)

_LOCKING = (" FOR UPDATE", " FOR NO KEY UPDATE", " FOR SHARE", " FOR KEY SHARE", " LOCK IN SHARE MODE")


def _plain_select_sql(sql: str) -> bool:
    if sql.lstrip()[:6].upper() != "SELECT":
        return False
    upper = sql.upper()
    return not any(word in upper for word in _LOCKING)


def _plain_select_query(query: Any) -> bool:
    return isinstance(query, peewee.SelectBase) and not getattr(query, "_for_update", None)


class Routing:
    """The configured replicas and the routing decision (one instance: :data:`routing`)."""

    def __init__(self) -> None:
        self.replicas: tuple[peewee.Database, ...] = ()
        self.sticky_seconds = DEFAULT_STICKY_SECONDS
        self._local = threading.local()
        self._down_until: dict[int, float] = {}
        self._lock = threading.Lock()

    def configure(self, replicas: Sequence[peewee.Database], *, sticky_seconds: float) -> None:
        if isinstance(sticky_seconds, bool) or not isinstance(sticky_seconds, int | float) \
                or not 0 <= sticky_seconds < math.inf:
            raise errors.ConfigurationError(f"sticky_seconds must be a number >= 0, not {sticky_seconds!r}.")
        with self._lock:
            self.replicas = tuple(replicas)
            self.sticky_seconds = float(sticky_seconds)
            self._down_until.clear()

    # --- the decision ------------------------------------------------------------

    def for_query(self, primary: peewee.Database, query: Any) -> peewee.Database:
        """Where ``query`` (a peewee query) runs."""
        if _plain_select_query(query):
            return self.read_target(primary)
        _last_write.set(time.monotonic())
        return primary

    def for_sql(self, primary: peewee.Database, sql: str) -> peewee.Database:
        """Where the SQL text ``sql`` runs."""
        if _plain_select_sql(sql):
            return self.read_target(primary)
        _last_write.set(time.monotonic())
        return primary

    def read_target(self, primary: peewee.Database) -> peewee.Database:
        """Where a plain read runs: a replica when every rule allows it, else ``primary``."""
        if not self.replicas or _scope.get()[0] != _REPLICA or primary.in_transaction():
            return primary
        if time.monotonic() - _last_write.get() < self.sticky_seconds:
            return primary
        return self._replica_for_thread() or primary

    def _replica_for_thread(self) -> peewee.Database | None:
        local = self._local
        chosen = getattr(local, "replica", None)
        if chosen is None or all(chosen is not r for r in self.replicas):
            chosen = local.replica = random.choice(self.replicas)
        down = self._down_until.get(id(chosen))
        if down is not None:
            if time.monotonic() < down:
                return None
            self._down_until.pop(id(chosen), None)
        try:
            chosen.connect(reuse_if_open=True)
        except (peewee.OperationalError, peewee.InterfaceError) as exc:
            log.warning("nestauth_peewee: replica %s unreachable, reading the primary for %.0f s: %s",
                        _describe(chosen), RETRY_AFTER, str(exc).strip().splitlines()[:1])
            self._down_until[id(chosen)] = time.monotonic() + RETRY_AFTER
            local.replica = None  # another one next time, when there are several
            return None
        return chosen

    def may_read_replica(self) -> bool:
        """True when a plain read here could be answered by a (possibly lagging) replica."""
        return bool(self.replicas) and _scope.get()[0] == _REPLICA

    def wrote_recently(self) -> bool:
        """True while this context's last write is less than ``sticky_seconds`` old."""
        return time.monotonic() - _last_write.get() < self.sticky_seconds

    def forget_writes(self) -> None:
        """Drop this context's write mark (e.g. at the start of a request on a reused thread)."""
        _last_write.set(-math.inf)

    def close_thread_connections(self) -> None:
        """Close this thread's connections to the replicas (pooled ones go back to their pool)."""
        for replica in self.replicas:
            if not replica.is_closed():
                replica.close()


def _describe(db: peewee.Database) -> str:
    params = getattr(db, "connect_params", {}) or {}
    host = params.get("host")
    return f"{host}:{params.get('port')}/{db.database}" if host else str(db.database)


#: The process-wide routing state, configured by :func:`nestauth_peewee.init_database`.
routing = Routing()


#: The attribute a function decorated with a scope carries: the scope's name
#: (``"replica_ok"``, ``"auth_check"``, ``"on_primary"``, ``"replica_reads"``, ``"primary_reads"``).
MARKER_ATTRIBUTE = "__nestauth_reads__"


class _Scope:
    """A routing scope: a context manager, and a decorator with a no-replica fast path."""

    __slots__ = ("_rule", "_local", "name")

    def __init__(self, rule: Callable[[tuple[int, bool]], tuple[int, bool]], name: str) -> None:
        self._rule = rule
        self._local = threading.local()  # one scope object may be entered by several threads
        self.name = name

    def __enter__(self) -> None:
        tokens = self._local.__dict__.setdefault("tokens", [])
        tokens.append(_scope.set(self._rule(_scope.get())))

    def __exit__(self, *exc: object) -> None:
        _scope.reset(self._local.tokens.pop())

    def __call__(self, fn: F) -> F:
        rule = self._rule

        @functools.wraps(fn)
        def scoped(*args: Any, **kwargs: Any) -> Any:
            if not routing.replicas:
                return fn(*args, **kwargs)
            token = _scope.set(rule(_scope.get()))
            try:
                return fn(*args, **kwargs)
            finally:
                _scope.reset(token)

        setattr(scoped, MARKER_ATTRIBUTE, self.name)  # what tests/test_replica_markers.py checks
        return scoped  # type: ignore[return-value]


def _pin(_state: tuple[int, bool]) -> tuple[int, bool]:
    return (_PRIMARY, False)


def _eligible(state: tuple[int, bool]) -> tuple[int, bool]:
    return (_REPLICA, state[1]) if state[0] == _UNSAID else state


def _credential(state: tuple[int, bool]) -> tuple[int, bool]:
    if state[0] == _REPLICA and state[1]:
        return state
    return (_PRIMARY, False)


def replica_reads(*, auth_checks: bool = False) -> _Scope:
    """Reads in this block may go to a replica (the rules in this module's docstring apply).

    With ``auth_checks=True`` the refresh-token and API-key checks inside it may
    read a replica too: a session or key revoked a moment ago can then still be
    accepted for as long as the replica lags. Login, rotation and password reset
    stay on the primary whatever is said here. Inside :func:`primary_reads` it
    changes nothing. Usable as a decorator too.
    """
    def rule(state: tuple[int, bool]) -> tuple[int, bool]:
        if state[0] == _PRIMARY:
            return state
        return (_REPLICA, state[1] or auth_checks)

    return _Scope(rule, "replica_reads")


def primary_reads() -> _Scope:
    """Every read in this block goes to the primary, whatever an inner scope says."""
    return _Scope(_pin, "primary_reads")


#: Marks a library read-only operation whose reads may go to a replica.
replica_ok = _Scope(_eligible, "replica_ok")
#: Marks a credential check (refresh token, API key): primary unless ``replica_reads(auth_checks=True)``.
auth_check = _Scope(_credential, "auth_check")
#: Marks an operation that reads and then may write: always on the primary.
on_primary = _Scope(_pin, "on_primary")
