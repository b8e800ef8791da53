"""Races on real concurrent connections, on one server or across the nodes of a Galera cluster.

A :class:`Nodes` is a bound Database plus how many servers stand behind it.
On one server (PostgreSQL, MariaDB, SQLite) every thread gets its own
connection to it; across a cluster thread ``i`` connects to node ``i % count``
through the same Database (its connections are per thread), so the services
run unchanged while their transactions really meet on different primaries.

The cluster comes from ``NESTAUTH_TEST_GALERA_URLS``: comma-separated
``mysql://`` URLs, one per node, naming the same database. Without it the
Galera cases skip with that reason (in CI they fail: .ci/run sets it). The
test's own connection runs with ``wsrep_sync_wait = 1`` (it sees what the
racers committed anywhere); the racers keep the default ``0``, and
:meth:`Nodes.racers`' ``settle`` waits until what the test set up has reached every node.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import peewee
import pymysql
import pytest
from _engines import engine_urls
from support import bound, drop_everything, empty_all_tables

from nestauth_peewee import create_tables, init_database

GALERA_ENV = "NESTAUTH_TEST_GALERA_URLS"

_thread = threading.local()


@dataclass
class Nodes:
    """The Database every thread uses, and the number of servers behind it (1: one server)."""

    db: peewee.Database
    count: int = 1
    name: str = ""

    @contextmanager
    def racers(self, threads: int) -> Iterator[Callable[[Callable[[int], Any]], list[Any]]]:
        """``threads`` worker threads, thread i on node i % count, each on its own connection.

        Yields ``race(work, settle=...)``: releases every worker at once (a
        barrier) to run ``work(i)`` and returns each one's result, or the
        exception it raised; with ``settle``, only once ``settle()`` holds on
        every worker's node (across a cluster, rows the test just wrote may not
        have reached the other nodes yet).
        The workers and their connections live for the whole block, so many
        rounds cost no reconnecting.
        """
        start, done = threading.Barrier(threads + 1), threading.Barrier(threads + 1)
        job: list[Callable[[int], Any] | None] = [None]
        results: list[Any] = [None] * threads

        def body(i: int) -> None:
            _thread.node = i % self.count
            try:
                self.db.connect(reuse_if_open=True)
                while True:
                    start.wait(timeout=120)
                    work = job[0]
                    if work is None:
                        return
                    try:
                        results[i] = work(i)
                    except BaseException as exc:  # noqa: BLE001 - reported to the test
                        results[i] = exc
                    done.wait(timeout=120)
            finally:
                if not self.db.is_closed():
                    self.db.close()

        def race(work: Callable[[int], Any], *, settle: Callable[[], bool] | None = None) -> list[Any]:
            """``settle``: first wait until it is true on every racer's node (set-up replicated)."""
            for _ in range(1000 if settle is not None and self.count > 1 else 0):
                job[0] = lambda i: settle()
                start.wait(timeout=120)
                done.wait(timeout=120)
                if all(r is True for r in results):
                    break
                time.sleep(0.002)
            results[:] = [None] * threads
            job[0] = work
            start.wait(timeout=120)
            done.wait(timeout=120)
            return list(results)

        workers = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(threads)]
        for worker in workers:
            worker.start()
        try:
            yield race
        finally:
            job[0] = None
            start.wait(timeout=120)
            for worker in workers:
                worker.join(timeout=120)
            assert not any(w.is_alive() for w in workers), "a racing thread hung"


def _routed(db: peewee.MySQLDatabase, urls: list[str]) -> None:
    """Make ``db`` connect each thread to the node its race gave it (``_thread.node``)."""
    targets = [urlparse(url) for url in urls]

    def _connect(self: peewee.MySQLDatabase) -> Any:
        target = targets[getattr(_thread, "node", 0) % len(targets)]
        params = {**self.connect_params, "host": target.hostname or "127.0.0.1",
                  "port": target.port or 3306}
        if target.username:
            params["user"] = target.username
        if target.password:
            params["password"] = target.password
        conn = pymysql.connect(database=self.database, autocommit=True, **params)
        if getattr(_thread, "node", None) is None:  # the test's own thread, not a racer
            with conn.cursor() as cursor:
                # Read-your-writes across nodes for the test's set-up and checks; the racers keep
                # the default (0), so their reads may lag and the invariants must hold anyway.
                cursor.execute("SET SESSION wsrep_sync_wait = 1")
        return conn

    base = type(db)
    db.__class__ = type(f"NodeRouted{base.__name__}", (base,), {"_connect": _connect})


_galera: list[peewee.Database] = []


@contextmanager
def galera_nodes() -> Iterator[Nodes]:
    """The cluster of ``NESTAUTH_TEST_GALERA_URLS`` with the schema, bound; emptied afterwards."""
    urls = engine_urls("galera")  # skips without the variable, fails in CI (the races must run there)
    if len(urls) < 2:
        pytest.skip(f"no Galera cluster: set {GALERA_ENV} to the mysql:// URLs of its nodes "
                    "(comma-separated, one database) to race across nodes")
    if not _galera:
        db = init_database(urls[0])
        _routed(db, urls)  # type: ignore[arg-type]
        with db.connection_context():
            drop_everything(db)
            create_tables()
        _galera.append(db)
    with bound(_galera[0], empty_all_tables) as db:
        yield Nodes(db, len(urls), "galera")
