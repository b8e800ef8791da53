"""The two WSGI apps of ``python -m benchmarks http``, built from environment variables.

``NESTAUTH_BENCH_APP=library``: the example Flask app (examples/flask_app.py)
as it ships, on ``NESTAUTH_BENCH_URL`` (pooled by the extension's default).
``NESTAUTH_BENCH_APP=bare``: the same ``GET /me`` written as a bare Flask app
holding one persistent driver connection per thread: the same checks (token
parsing, HMAC or the access token's signature, expiry, active user) and the same SQL,
prepared server-side on PostgreSQL (:class:`~benchmarks.ops.PreparedDriverOps`).

Both count the server connections they open (``GET /_connects``).
"""

from __future__ import annotations

import os
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import flask
import jwt
import peewee

from nestauth_peewee import Settings, init_database
from nestauth_peewee.repositories.authorization import statement

from . import data
from .data import BENCH_KEY, GUARD, Refused
from .ops import USER_COLS, DriverOps, PreparedDriverOps
from .targets import Target

_connects: list[int] = []


def _count_connects() -> None:
    """Count every connection the drivers open in this process."""
    for module in (peewee.psycopg2, peewee.mysql):
        if module is None:
            continue
        real = module.connect

        def counting(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            _connects.append(1)
            return _real(*args, **kwargs)

        module.connect = counting


def create() -> flask.Flask:
    kind = os.environ.get("NESTAUTH_BENCH_APP", "library")
    url = os.environ["NESTAUTH_BENCH_URL"]
    _count_connects()
    app = _library(url) if kind == "library" else _bare(url)
    app.get("/_connects")(lambda: {"connects": len(_connects)})
    return app


def _library(url: str) -> flask.Flask:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
    import flask_app  # the example as it ships

    return flask_app.create_app(url, Settings(secret_key=BENCH_KEY))


def _bare(url: str) -> flask.Flask:
    dialect = "postgres" if url.startswith("postgres") else "mysql"
    target = Target(dialect, url)
    init_database(url)  # only to render the library's permission SQL for this dialect
    marker_user, marker_guard = uuid.UUID(int=1), "~guard~"
    perms_sql, template = statement("permissions", "global", True).sql_and_params(marker_user, marker_guard)
    slots = [(i, 0 if p == marker_user.hex else 1) for i, p in enumerate(template) if p in (marker_user.hex, marker_guard)]
    local = threading.local()
    ops_class = PreparedDriverOps if dialect == "postgres" else DriverOps

    def ops() -> Any:
        found = getattr(local, "ops", None)
        if found is None:
            found = local.ops = ops_class(target, target.driver_connect())
            found.sql["perms_global"] = perms_sql
            found.sql["user_by_id"] = f"SELECT {', '.join(USER_COLS)} FROM nest_auth_users WHERE id = %s"
        return found

    app = flask.Flask("bare")

    @app.get("/me")
    def me() -> Any:
        o = ops()
        try:
            if "X-API-Key" in flask.request.headers:
                row = o.verify_key(flask.request.headers["X-API-Key"])
                user = row[11:]
            else:
                header = flask.request.headers.get("Authorization", "")
                if not header.startswith("Bearer "):
                    raise Refused
                user_id, _session_id = data.bare_access_claims(header[len("Bearer "):])  # PyJWT by hand
                o.run_statement("user_by_id", (user_id.hex,))
                user = o.cur.fetchone()
                if user is None or not user[8]:
                    raise Refused
        except (Refused, jwt.InvalidTokenError):
            return {"error": "INVALID_CREDENTIALS"}, 401
        uid = user[0].hex if isinstance(user[0], uuid.UUID) else str(user[0]).replace("-", "")
        params = list(template)
        for i, k in slots:
            params[i] = (uid, GUARD)[k]
        o.run_statement("perms_global", tuple(params))
        permissions = sorted(r[0] for r in o.cur.fetchall())
        return {"id": uid, "email": user[3], "email_verified": user[4] is not None, "permissions": permissions}

    return app
