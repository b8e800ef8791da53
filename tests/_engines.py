"""The scale-out engines the CI starts (``.ci/scale-out up``), read from the environment.

* ``NESTAUTH_TEST_GALERA_URLS``: three comma-separated ``mysql://`` URLs, one per
  Galera node, naming the same database;
* ``NESTAUTH_TEST_PGBOUNCER_URL``: pgbouncer in transaction mode in front of the
  primary (``NESTAUTH_TEST_PGBOUNCER_STATEMENT_URL``: a database alias of it in
  statement mode);
* ``NESTAUTH_TEST_PG_PRIMARY_URL`` / ``NESTAUTH_TEST_PG_REPLICA_URL``: a PostgreSQL
  primary and its streaming replica.

Outside CI a test that needs one of them skips, naming the variable; with ``CI``
true a missing variable fails the test (CI must run them).
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlparse

import pytest

ENGINE_VARIABLES = {
    "galera": "NESTAUTH_TEST_GALERA_URLS",
    "pgbouncer": "NESTAUTH_TEST_PGBOUNCER_URL",
    "pgbouncer_statement": "NESTAUTH_TEST_PGBOUNCER_STATEMENT_URL",
    "pg_primary": "NESTAUTH_TEST_PG_PRIMARY_URL",
    "pg_replica": "NESTAUTH_TEST_PG_REPLICA_URL",
}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def engine_urls(engine: str) -> list[str]:
    """The URL(s) of ``engine``; skips (or in CI fails) when its variable is unset."""
    variable = ENGINE_VARIABLES[engine]
    raw = os.environ.get(variable, "").strip()
    if not raw:
        reason = f"{variable} is not set (start the engines with `.ci/scale-out up` and source its env file)"
        if _in_ci():
            pytest.fail(f"{reason}; CI runs these tests through .ci/run", pytrace=False)
        pytest.skip(reason)
    return [url.strip() for url in raw.split(",") if url.strip()]


def engine_url(engine: str) -> str:
    """The one URL of ``engine`` (see :func:`engine_urls`)."""
    return engine_urls(engine)[0]


_pgbouncer_at: dict[tuple[str | None, int], bool] = {}


def _pgbouncer_admin(url: str) -> Any | None:
    """A connection to pgbouncer's admin console at ``url``'s address, or None if it is a server."""
    import psycopg2

    parsed = urlparse(url)
    where = (parsed.hostname, parsed.port or 5432)
    if _pgbouncer_at.get(where) is False:
        return None
    try:
        conn = psycopg2.connect(host=parsed.hostname, port=parsed.port or 5432, user=parsed.username,
                                password=parsed.password, dbname="pgbouncer", connect_timeout=5)
    except psycopg2.Error:  # a PostgreSQL server has no database "pgbouncer"
        _pgbouncer_at[where] = False
        return None
    _pgbouncer_at[where] = True
    conn.autocommit = True  # the console has no transactions
    return conn


def behind_pgbouncer(url: str) -> bool:
    """True when ``url`` points at pgbouncer rather than at a PostgreSQL server."""
    admin = _pgbouncer_admin(url)
    if admin is None:
        return False
    admin.close()
    return True


def open_postgres_connections(db: Any, url: str, application_name: str) -> int:
    """Client connections still open under ``application_name``.

    On a server that is ``pg_stat_activity``; behind pgbouncer it is ``SHOW CLIENTS``
    (pgbouncer keeps its server connections open after the clients close).
    """
    admin = _pgbouncer_admin(url)
    if admin is None:
        return db.execute_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (application_name,)
        ).fetchone()[0]
    try:
        cursor = admin.cursor()
        cursor.execute("SHOW CLIENTS")
        names = [d[0] for d in cursor.description]
        column = names.index("application_name")
        return sum(1 for row in cursor.fetchall() if row[column] == application_name)
    finally:
        admin.close()


def url_with(url: str, **params: str) -> str:
    """``url`` with ``params`` added to its query (a URL may already carry one, e.g. ``?prepare=false``).

    Plain text joining: ``urlunparse`` would drop the empty host of ``sqlite:////abs/path``.
    """
    from urllib.parse import urlencode

    return url + ("&" if "?" in url else "?") + urlencode(params)


def skip_behind_pgbouncer(url: str, why: str) -> None:
    """Skip a test that needs a PostgreSQL server session of its own (not a pooler's)."""
    import pytest

    if behind_pgbouncer(url):
        pytest.skip(f"behind pgbouncer: {why}")
