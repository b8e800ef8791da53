"""Events wait for the commit; a failing listener never makes committed work look failed."""

from __future__ import annotations

import logging

import pytest
from blinker import Signal

from nestauth_peewee import events
from nestauth_peewee.unit_of_work import emit, transaction


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
