"""Fixtures shared by the user-lifecycle tests (imported by those modules)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import peewee
import pytest

from nestauth_peewee import AdminUserService, Argon2Params, NestAuthModels, Settings, UserService, events

#: Cheap argon2id parameters for most tests; a few tests use the real defaults.
CHEAP = Argon2Params(memory_cost=1024, time_cost=1, parallelism=1)
CHEAP_SETTINGS = Settings(argon2=CHEAP)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def users(db: peewee.Database) -> UserService:
    return UserService(CHEAP_SETTINGS)


@pytest.fixture
def admins(db: peewee.Database) -> AdminUserService:
    return AdminUserService(CHEAP_SETTINGS)


class Recorder:
    """Every signal of :mod:`nestauth_peewee.events` sent while it listens."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, name: str):  # noqa: ANN204 - a blinker receiver factory
        def receive(sender: Any, **payload: Any) -> None:
            self.sent.append((name, payload))

        return receive

    def names(self) -> list[str]:
        return [name for name, _ in self.sent]

    def of(self, name: str) -> list[dict[str, Any]]:
        return [payload for sent_name, payload in self.sent if sent_name == name]

    def clear(self) -> None:
        self.sent.clear()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    receivers = []
    for name, signal in events.signals.items():
        receiver = rec(name)
        signal.connect(receiver)
        receivers.append((signal, receiver))
    try:
        yield rec
    finally:
        for signal, receiver in receivers:
            signal.disconnect(receiver)


def table_state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every nest-auth table, sorted: equal states mean nothing was written."""
    state = {}
    for model in NestAuthModels:
        rows = model.select().tuples()
        state[model._meta.table_name] = sorted(rows, key=repr)
    return state


def row_counts() -> dict[str, int]:
    return {model._meta.table_name: model.select().count() for model in NestAuthModels}
