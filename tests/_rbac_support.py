"""Helpers shared by the tenancy/RBAC tests: event recording, query counting, threads."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import peewee
import pytest

from nestauth_peewee import events
from nestauth_peewee.config import Settings

SETTINGS = Settings(guards=("web", "api"))

RBAC_SIGNALS = (
    "tenant_created", "tenant_updated", "tenant_deleted",
    "role_created", "role_updated", "role_deleted",
    "permission_created", "permission_updated", "permission_deleted",
)


class EventLog(list):
    """(signal name, payload) pairs in the order they were sent."""

    def names(self) -> list[str]:
        return [name for name, _ in self]

    def of(self, name: str) -> list[dict[str, Any]]:
        return [payload for n, payload in self if n == name]


@pytest.fixture
def event_log() -> Iterator[EventLog]:
    log = EventLog()
    receivers = []
    for name in RBAC_SIGNALS:
        def receiver(sender: Any, _name: str = name, **payload: Any) -> None:
            log.append((_name, payload))
        getattr(events, name).connect(receiver, weak=False)
        receivers.append((name, receiver))
    yield log
    for name, receiver in receivers:
        getattr(events, name).disconnect(receiver)


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        self.statements.clear()


@pytest.fixture
def queries(db: peewee.Database, monkeypatch: pytest.MonkeyPatch) -> QueryCounter:
    """Counts every statement sent through the bound Database (model queries and raw SQL)."""
    counter = QueryCounter()

    def counting(event: peewee.QueryEvent) -> None:
        counter.statements.append(event.sql)

    monkeypatch.setattr(db, "query_hooks", [*db.query_hooks, counting])
    return counter


def run_concurrently(db: peewee.Database, count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads, each on its own connection, started together.

    Returns each thread's result or the exception it raised.
    """
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def body(i: int) -> None:
        try:
            db.connect(reuse_if_open=True)
            barrier.wait(timeout=30)
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            if not db.is_closed():
                db.close()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker thread hung"
    return results

