"""Events wait for the commit; a failing listener never makes committed work look failed."""

from __future__ import annotations

import logging

import pytest
from blinker import Signal

from nestauth_peewee import Tenant, errors, events, unit_of_work
from nestauth_peewee.unit_of_work import emit, retry_on_conflict, transaction


@pytest.mark.parametrize("signal", [Signal(), events.signals.signal("test-named")], ids=["unnamed", "named"])
def test_a_raising_listener_is_logged_and_the_next_events_still_go_out(db, caplog, signal):
    """An app may emit its own signals, named (blinker Namespace) or not."""
    received = []

    def broken(sender, **payload):
        raise RuntimeError("listener bug")

    def fine(sender, **payload):
        received.append(payload)

    signal.connect(broken, weak=False)
    events.user_updated.connect(fine, weak=False)
    try:
        with caplog.at_level(logging.ERROR, logger="nestauth_peewee.unit_of_work"), transaction():
            emit(signal, None, n=1)
            emit(events.user_updated, None, n=2)
            assert received == []  # not before the commit
    finally:
        signal.disconnect(broken)
        events.user_updated.disconnect(fine)
    assert received == [{"n": 2}]
    assert "listener" in caplog.text and "RuntimeError" in caplog.text


def _every_signal_recorded():
    seen: list[tuple[str, dict]] = []
    receivers = []
    for name, signal in events.signals.items():
        def receive(sender, _name=name, **payload):
            seen.append((_name, payload))
        signal.connect(receive, weak=False)
        receivers.append((signal, receive))
    return seen, receivers


def test_event_payloads_are_snapshots_without_secrets_on_every_dialect(db):
    import peewee

    from nestauth_peewee import (
        AccessKeyService,
        Argon2Params,
        PermissionService,
        RoleService,
        SessionService,
        Settings,
        TenantService,
        UserService,
    )

    settings = Settings(secret_key="event-snapshot-test-key-" + "x" * 32,
                        argon2=Argon2Params(memory_cost=1024, time_cost=1, parallelism=1))
    seen, receivers = _every_signal_recorded()
    try:
        user = UserService(settings).create(email="snap@example.com", password="a long passphrase 1")
        SessionService(settings).create(user.id, user_agent="pytest")
        AccessKeyService(settings).create(user.id, "ci")
        tenant = TenantService(settings).create("Acme", "acme")
        PermissionService(settings).create("reports.read")
        RoleService(settings).create("editor", tenant_id=tenant.id, permissions=["reports.read"])
    finally:
        for signal, receive in receivers:
            signal.disconnect(receive)

    names = {name for name, _ in seen}
    assert {"session-created", "access-key-created", "tenant-created", "role-created",
            "permission-created", "user-created"} <= names
    for name, payload in seen:
        for key, value in payload.items():
            assert not isinstance(value, peewee.Model), (name, key)
            if isinstance(value, events.RowSnapshot):
                assert not events.SECRET_COLUMNS & set(value), (name, key)
    session = next(p["session"] for n, p in seen if n == "session-created")
    assert session.user_id == session["user"] == user.id
    assert session.user_agent == "pytest"
    with pytest.raises(AttributeError):
        session.user_agent = "changed"
    with pytest.raises(AttributeError):
        _ = session.refresh_token_hash
    key = next(p["key"] for n, p in seen if n == "access-key-created")
    assert "secret_hash" not in key.as_dict() and key.name == "ci"


class TestRetryOnConflict:
    """The outermost owner of a transaction runs it again after a conflict; nobody else does."""

    @staticmethod
    def flaky(losses: int, calls: list[int], *, write: bool = False):
        @retry_on_conflict
        def operation() -> str:
            calls.append(1)
            with transaction():
                emit(events.user_updated, None, attempt=len(calls))
                if write:
                    Tenant.create(name=f"t{len(calls)}", slug=f"t{len(calls)}")
                if len(calls) <= losses:
                    raise errors.TransactionConflict()
            return "done"

        return operation

    def test_a_lost_attempt_is_run_again_and_only_the_winners_events_and_rows_remain(self, db, monkeypatch):
        monkeypatch.setattr(unit_of_work, "_BACKOFF", 0)
        received, calls = [], []

        def listener(sender, **payload):
            received.append(payload)

        events.user_updated.connect(listener, weak=False)
        try:
            assert self.flaky(2, calls, write=True)() == "done"
        finally:
            events.user_updated.disconnect(listener)
        assert len(calls) == 3
        assert received == [{"attempt": 3}]  # the lost attempts' events went with their rollback
        assert [t.slug for t in Tenant.select()] == ["t3"]

    def test_it_gives_up_after_its_attempts(self, db, monkeypatch):
        monkeypatch.setattr(unit_of_work, "_BACKOFF", 0)
        calls: list[int] = []
        with pytest.raises(errors.TransactionConflict):
            self.flaky(99, calls)()
        assert len(calls) == unit_of_work.CONFLICT_ATTEMPTS

    def test_the_pause_between_attempts_is_short_and_random(self, db, monkeypatch):
        pauses: list[float] = []
        monkeypatch.setattr(unit_of_work.time, "sleep", pauses.append)
        with pytest.raises(errors.TransactionConflict):
            self.flaky(99, [])()
        assert len(pauses) == unit_of_work.CONFLICT_ATTEMPTS - 1
        assert all(0 <= p <= unit_of_work._BACKOFF * 2**n for n, p in enumerate(pauses, 1))
        assert sum(pauses) < 0.2

    @pytest.mark.parametrize("outer", ["transaction", "atomic"])
    def test_nothing_is_retried_inside_a_callers_transaction(self, db, outer):
        calls: list[int] = []
        block = transaction() if outer == "transaction" else db.atomic()
        with pytest.raises(errors.TransactionConflict), block:
            self.flaky(1, calls)()
        assert len(calls) == 1  # the caller's transaction is lost: only the caller can run it again

    def test_a_decorated_operation_called_by_another_is_retried_by_the_outer_one_only(self, db, monkeypatch):
        monkeypatch.setattr(unit_of_work, "_BACKOFF", 0)
        inner_calls: list[int] = []
        inner = self.flaky(99, inner_calls)
        outer_calls: list[int] = []

        @retry_on_conflict
        def outer() -> None:
            outer_calls.append(1)
            inner()

        with pytest.raises(errors.TransactionConflict):
            outer()
        assert len(outer_calls) == len(inner_calls) == unit_of_work.CONFLICT_ATTEMPTS
        assert not unit_of_work._local.retrying  # and the thread is left clean
