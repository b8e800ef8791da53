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
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import peewee
from blinker import Signal

from .db import database, dialect_of
from .driver_errors import translate
from .events import freeze

__all__ = ["transaction", "single_statement", "emit", "in_transaction"]

log = logging.getLogger(__name__)
_local = threading.local()

_Pending = list[tuple[Signal, Any, dict[str, Any]]]


def _stack() -> list[_Pending]:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def in_transaction() -> bool:
    """True inside a :func:`transaction` block on this thread."""
    return bool(_stack())


@contextmanager
def transaction() -> Iterator[None]:
    """A database transaction (savepoint when nested) whose events wait for commit."""
    stack = _stack()
    stack.append([])
    try:
        with _atomic():
            yield
    except peewee.PeeweeException as exc:  # BEGIN / COMMIT run outside the translating proxy
        stack.pop()
        translated = translate(exc)
        if translated is exc:
            raise
        raise translated from exc
    except BaseException:
        stack.pop()
        raise
    pending = stack.pop()
    if stack:
        stack[-1].extend(pending)
    else:
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
    if _stack() or database.in_transaction():
        with transaction():
            yield
        return
    stack = _stack()
    stack.append([])
    try:
        yield
    except BaseException:
        stack.pop()
        raise
    _send(stack.pop())


def _atomic() -> Any:
    # SQLite: take the write lock at BEGIN (IMMEDIATE). A deferred transaction
    # that reads and then writes fails at once with "database is locked" when
    # another connection committed in between; an immediate one waits its turn
    # (busy_timeout). Savepoints and the other dialects are unchanged.
    if not database.in_transaction() and dialect_of(database) == "sqlite":
        return database.atomic(lock_type="IMMEDIATE")
    return database.atomic()


def emit(signal: Signal, sender: Any = None, **payload: Any) -> None:
    """Queue ``signal`` for after commit (or send now when no block is open).

    A model row in ``payload`` is frozen into a snapshot here, when it is
    queued: listeners see the row as the operation left it, never a live row.
    """
    payload = {name: freeze(value) for name, value in payload.items()}
    stack = _stack()
    if stack:
        stack[-1].append((signal, sender, payload))
    else:
        _send([(signal, sender, payload)])


def _send(pending: _Pending) -> None:
    for signal, sender, payload in pending:
        try:
            signal.send(sender, **payload)
        except Exception:  # noqa: BLE001 - committed work must not look failed
            # An app's own (unnamed) Signal has no name: logging must not fail on it.
            log.exception("nestauth_peewee: a listener of %r raised", getattr(signal, "name", signal))
