"""The web integrations' database: a server URL gets a connection pool unless told otherwise.

Connecting costs more than an auth lookup (about 2 ms on PostgreSQL and 20 ms
on MariaDB against 0.1-0.4 ms for the query, docs/performance.md), so the
Flask extension and the Bottle plugin never connect per request by default:

* a PostgreSQL or MySQL/MariaDB URL is pooled (peewee's ``playhouse.pool``),
  at most ``pool_size`` connections (default :data:`DEFAULT_POOL_SIZE`) per
  process; a request finding them all busy waits up to ``pool_timeout``
  seconds (default :data:`DEFAULT_POOL_TIMEOUT`) for one to come back;
* the URL's own words win over the defaults: ``+pool`` or ``?pool=false``,
  ``?max_connections=N``, ``?timeout=S``; ``pool=False`` (the integration's
  argument or setting) opts out: a connection per request, as before;
* SQLite stays unpooled (a connection is a file open), and a Database
  instance the app built itself is used as it is.

When a request ends, :func:`request_hooks`' ``release`` parks a pooled connection for the
thread's next request (see ``park`` in ``nestauth_peewee/db.py``): the pool's
check-out and check-in, run cold in every request, cost several times their
tight-loop time (docs/performance.md).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlparse

import peewee

from ..db import DEFAULT_DATABASE_URL, init_database

_FALSE_WORDS = ("0", "false", "no", "off")

__all__ = ["web_database", "request_hooks", "DEFAULT_POOL_SIZE", "DEFAULT_POOL_TIMEOUT"]

#: Connections per process: one per worker thread is enough (a thread holds at most one).
DEFAULT_POOL_SIZE = 16
#: Seconds a request waits for a pooled connection before MaxConnectionsExceeded.
DEFAULT_POOL_TIMEOUT = 10


def web_database(target: str | peewee.Database | None, *, pool: bool | None = None,
                 pool_size: int | None = None, pool_timeout: float | None = None) -> peewee.Database:
    """:func:`~nestauth_peewee.init_database` with the web default: pooled for a server URL."""
    if target is None:
        target = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not isinstance(target, str):
        return init_database(target)
    parsed = urlparse(target.strip())
    query = parse_qs(parsed.query)
    scheme = parsed.scheme.lower()
    if pool is None:
        if scheme.endswith("+pool"):
            pool = True
        elif "pool" in query:
            pool = query["pool"][-1].strip().lower() not in _FALSE_WORDS
        else:
            pool = not scheme.startswith("sqlite")
    options: dict[str, Any] = {}
    if pool:
        if pool_size is not None or "max_connections" not in query:
            options["max_connections"] = int(pool_size or DEFAULT_POOL_SIZE)
        if pool_timeout is not None or "timeout" not in query:
            options["timeout"] = pool_timeout if pool_timeout is not None else DEFAULT_POOL_TIMEOUT
    return init_database(target, pool=pool, **options)


def request_hooks(db: peewee.Database) -> tuple[Callable[[], bool], Callable[[], None]]:
    """``(open, release)`` for a request on ``db``: ``open()`` connects unless this thread already
    is (returns whether it opened); ``release()`` rolls back what the request left open, then parks
    a pooled connection for the thread's next request (a pool of nest-auth's) or closes it."""
    resume = getattr(db, "resume", None)
    park = getattr(db, "park", None)

    def open_connection() -> bool:
        return bool(db.connect(reuse_if_open=True))

    def release() -> None:
        if db.is_closed():
            return
        if db.in_transaction():  # a request that died inside a transaction
            db.rollback()
        if park is not None:
            park()
        else:
            db.close()

    return (resume or open_connection), release
