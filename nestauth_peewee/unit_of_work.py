"""One transaction per service operation, with events sent after commit.

    from nestauth_peewee.unit_of_work import transaction, emit

    with transaction():
        user = users_repo.insert(...)
        emit(events.user_created, user=user)
    # the signal is sent here, after COMMIT; on an exception it is dropped

Blocks nest: an inner block is a savepoint, and its events join the outer
block's queue (or are dropped if the savepoint rolls back). Events are sent
when the outermost block commits, so an app that groups several service calls
should use :func:`transaction` rather than ``db.atomic()``: inside a bare
``db.atomic()`` the events of each service call are sent when that call's own
block ends, before the app's transaction commits.

A listener that raises is logged and does not undo or fail the operation:
the data is already committed.

On SQLite the outermost block begins ``IMMEDIATE`` (it takes the write lock
at once), so an operation that reads and then writes waits for a concurrent
writer instead of failing with "database is locked".

An operation that is exactly one SQL statement uses :func:`single_statement`
instead: outside a transaction the statement commits on its own (no BEGIN
and COMMIT round trips) and its events are sent right after it; inside one it
behaves like :func:`transaction`.

Conflicts are retried at the outermost level only. A service operation that
owns its transaction is decorated with :func:`retry_on_conflict`: when the
database aborts it with :class:`~nestauth_peewee.errors.TransactionConflict`
(a deadlock, a serialisation failure, a Galera certification failure) the
whole operation runs again, a few times, after a short random pause, so it
re-reads the state the winner left and ends the way a later caller would
(``EMAIL_ALREADY_EXISTS``, reuse detected, ``LAST_ADMIN_USER``...). Inside a
caller's transaction (a :func:`transaction` block or the app's own
``db.atomic()``) nothing is retried: the database has rolled back the
caller's whole transaction, so only the caller can run it again - with the
same decorator on its own operation::

    @retry_on_conflict                       # the app owns this transaction
    def sign_up(email, password):
        with transaction():
            user = users.create(email=email, password=password)
            memberships.set_roles_by_name(user.id, None, ["member"])
        return user

A failed attempt's events are dropped with its rollback; those of the
attempt that commits are sent once, after its commit.

The audit trail (:mod:`~nestauth_peewee.audit`) is written here too, and
nowhere else. An emitted security event becomes a row queued with the event;
the outermost block writes its rows in one ``INSERT`` just before its commit,
so they commit or roll back with the change (a savepoint's rows go with the
savepoint). A refusal is queued by :func:`record_failure` on its own list,
which no rollback empties: the rows are written in their own transaction when
the outermost block has ended, either way. Outside any block both are written
at once. Inside the app's bare ``db.atomic()`` (no :func:`transaction`) there
is no end to wait for, so a failure row is written at once in that
transaction and shares its fate: use :func:`transaction` for your own blocks.
"""

from __future__ import annotations

import functools
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

import peewee
from blinker import Signal

from . import audit, errors
from .db import database, traits_of
from .driver_errors import translate
from .events import freeze
from .repositories import audit as audit_repo

__all__ = ["transaction", "single_statement", "emit", "record_failure", "in_transaction", "retry_on_conflict",
           "CONFLICT_ATTEMPTS"]

#: How many times :func:`retry_on_conflict` runs an operation at most.
CONFLICT_ATTEMPTS = 5
#: Upper bound of the random pause before attempt n + 1: ``_BACKOFF * 2**n`` seconds.
_BACKOFF = 0.005

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger(__name__)
_local = threading.local()

_Event = tuple[Signal, Any, dict[str, Any]]


class _Pending(list[_Event]):
    """One block's queued events, and the audit rows to write with them (before its commit)."""

    __slots__ = ("audit",)

    def __init__(self) -> None:
        super().__init__()
        self.audit: list[dict[str, Any]] = []

    def join(self, inner: _Pending) -> None:
        self.extend(inner)
        self.audit.extend(inner.audit)


def _stack() -> list[_Pending]:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def _failures() -> list[dict[str, Any]]:
    failures = getattr(_local, "failures", None)
    if failures is None:
        failures = _local.failures = []
    return failures


def in_transaction() -> bool:
    """True inside a :func:`transaction` block, or the app's own ``db.atomic()``, on this thread."""
    return bool(_stack()) or (database.obj is not None and database.in_transaction())


def retry_on_conflict(operation: Callable[P, R]) -> Callable[P, R]:
    """Decorate a service operation that owns its transaction: re-run it on a conflict.

    Up to :data:`CONFLICT_ATTEMPTS` runs, with a random pause that doubles
    its bound each time (at most 0.15 s in all). The whole operation runs
    again, reads included, so the retry decides on the winner's committed
    state. Called inside a caller's transaction, or from another decorated
    operation, it runs once: the outermost owner retries.
    """

    @functools.wraps(operation)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if getattr(_local, "retrying", False) or in_transaction():
            return operation(*args, **kwargs)
        _local.retrying = True
        try:
            for attempt in range(1, CONFLICT_ATTEMPTS + 1):
                try:
                    return operation(*args, **kwargs)
                except errors.TransactionConflict:
                    if attempt == CONFLICT_ATTEMPTS:
                        raise
                    log.debug("nestauth_peewee: %s lost a conflict, attempt %d", operation.__qualname__,
                              attempt)
                    time.sleep(random.uniform(0, _BACKOFF * 2**attempt))  # noqa: S311 - jitter, not a secret
            raise AssertionError("unreachable")
        finally:
            _local.retrying = False

    return run


@contextmanager
def transaction() -> Iterator[None]:
    """A database transaction (savepoint when nested) whose events wait for commit."""
    stack = _stack()
    level = _Pending()
    stack.append(level)
    try:
        with _atomic():
            yield
            if len(stack) == 1 and level.audit:
                audit_repo.insert_many(level.audit)  # one INSERT, in the transaction, before COMMIT
    except peewee.PeeweeException as exc:  # BEGIN / COMMIT run outside the translating proxy
        stack.pop()
        _write_failures(stack)
        translated = translate(exc)
        if translated is exc:
            raise
        raise translated from exc
    except BaseException:
        stack.pop()
        _write_failures(stack)
        raise
    pending = stack.pop()
    if stack:
        stack[-1].join(pending)
    else:
        _write_failures(stack)
        _send(pending)


@contextmanager
def single_statement() -> Iterator[None]:
    """A unit of work of exactly one SQL statement, which is atomic by itself.

    Outside any transaction nothing is begun: the statement autocommits and
    the events queued in the block are sent when it ends without error. Inside
    a :func:`transaction` (or the app's ``db.atomic()``) this *is*
    :func:`transaction`: a savepoint whose events wait for the outer commit.
    Run more than one statement in it and they are not atomic together.
    """
    if in_transaction():
        with transaction():
            yield
        return
    stack = _stack()
    stack.append(_Pending())
    try:
        yield
    except BaseException:
        stack.pop()
        _write_failures(stack)
        raise
    pending = stack.pop()
    if pending.audit:  # the statement has committed: its rows follow at once (SessionService avoids this)
        audit_repo.insert_many(pending.audit)
    _write_failures(stack)
    _send(pending)


def _atomic() -> Any:
    # SQLite: take the write lock at BEGIN (IMMEDIATE). A deferred transaction
    # that reads and then writes fails at once with "database is locked" when
    # another connection committed in between; an immediate one waits its turn
    # (busy_timeout). Savepoints and the other dialects are unchanged.
    if not database.in_transaction():
        traits = traits_of(database)
        if traits.begin_immediate:
            return database.atomic(lock_type="IMMEDIATE")
        if traits.checked_begin:
            return _CheckedBegin(database.atomic())
    return database.atomic()


class _CheckedBegin:
    """An outermost PostgreSQL transaction whose refused ``BEGIN`` is a clear typed error.

    pgbouncer in statement pooling mode closes the connection when a client
    sends ``BEGIN``; psycopg2 then reports only "server closed the connection
    unexpectedly". Said at ``BEGIN``, that is :class:`errors.TransactionsRefused`.
    """

    __slots__ = ("_atomic",)

    def __init__(self, atomic: Any) -> None:
        self._atomic = atomic

    def __enter__(self) -> Any:
        try:
            return self._atomic.__enter__()
        except (peewee.OperationalError, peewee.InterfaceError) as exc:
            if "server closed the connection" not in str(exc):
                raise
            raise errors.TransactionsRefused(
                "The server closed the connection at BEGIN. pgbouncer in statement pooling mode does "
                "this (it refuses transaction blocks), and the library needs transactions: use "
                "pool_mode = transaction (see docs/scaling.md)."
            ) from exc

    def __exit__(self, *exc: Any) -> Any:
        return self._atomic.__exit__(*exc)


def emit(signal: Signal, sender: Any = None, **payload: Any) -> None:
    """Queue ``signal`` for after commit (or send now when no block is open).

    A model row in ``payload`` is frozen into a snapshot here, when it is
    queued: listeners see the row as the operation left it, never a live row.
    """
    payload = {name: freeze(value) for name, value in payload.items()}
    row = audit.success_row(signal, sender, payload)
    stack = _stack()
    if stack:
        stack[-1].append((signal, sender, payload))
        if row is not None:
            stack[-1].audit.append(row)
    else:
        if row is not None:
            audit_repo.insert(row)
        _send([(signal, sender, payload)])


def record_failure(row: dict[str, Any] | None) -> None:
    """Keep an audit row of a refusal (:func:`audit.failure_row <nestauth_peewee.audit.failure_row>`).

    Inside a :func:`transaction` it waits for the outermost block to end and is
    then written in its own transaction, committed although the block rolled
    back; outside one it is written now. ``None`` (the trail is off) does nothing.
    """
    if row is None:
        return
    if _stack():
        _failures().append(row)
    else:
        _write_rows([row])


def _write_failures(stack: list[_Pending]) -> None:
    if stack:
        return
    failures = _failures()
    if failures:
        rows = failures[:]
        failures.clear()
        _write_rows(rows)


def _write_rows(rows: list[dict[str, Any]]) -> None:
    """Write failure rows in a transaction of their own; an error is logged, never raised over the refusal."""
    try:
        with transaction():
            audit_repo.insert_many(rows)
    except Exception:  # noqa: BLE001 - the refusal the caller is about to see matters more
        log.exception("nestauth_peewee: could not write %d audit row(s) of refused attempts", len(rows))


def _send(pending: list[_Event]) -> None:
    for signal, sender, payload in pending:
        try:
            signal.send(sender, **payload)
        except Exception:  # noqa: BLE001 - committed work must not look failed
            # An app's own (unnamed) Signal has no name: logging must not fail on it.
            log.exception("nestauth_peewee: a listener of %r raised", getattr(signal, "name", signal))
