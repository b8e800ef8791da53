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
