"""A small JSON API on nest-auth and Bottle: sign-up, sessions, API keys, a permission check.

    python examples/bottle_app.py                # http://127.0.0.1:8080 on sqlite:///nestauth.db (the CLI's too)
    DATABASE_URL=mysql://app@localhost/app python examples/bottle_app.py

The same routes as examples/flask_app.py (see there for curl lines):
POST /register, POST /login, POST /refresh, POST /logout, GET /me,
POST /api-keys, GET /reports (needs ``reports.read``), POST
/password-reset/request and POST /password-reset (the code goes to listeners
of ``events.otp_requested``, as in the Flask example). Callers authenticate
with ``Authorization: Bearer <refresh token>`` or ``X-API-Key: <key>``.

Unlike the Flask extension, the Bottle plugin runs each request in one
transaction: everything a route writes commits together when it returns, and
nothing is kept when it fails. The ``json_errors`` plugin is installed first,
so it wraps the nest-auth plugin and turns a library error into a JSON
response after the request's transaction has been decided.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import bottle

from nestauth_peewee import User, create_tables, errors
from nestauth_peewee.config import Settings
from nestauth_peewee.db import DEFAULT_DATABASE_URL
from nestauth_peewee.integrations.bottle import NestAuthPlugin
from nestauth_peewee.integrations.http import error_body, status_for

#: The permissions this app checks, registered at start-up (idempotent).
PERMISSIONS = ["reports.read", "reports.write"]


def json_errors(callback: Callable[..., Any]) -> Callable[..., Any]:
    """Bottle plugin: a library error becomes ``{"error": CODE, "message": ...}`` with its status."""

    @functools.wraps(callback)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except errors.NestAuthError as exc:
            return _json(error_body(exc), status_for(exc))

    return wrapper


def _json(payload: Any, status: int = 200) -> bottle.HTTPResponse:
    return bottle.HTTPResponse(json.dumps(payload), status=status,
                               headers={"Content-Type": "application/json"})


def create_app(database_url: str | None = None, settings: Settings | None = None) -> bottle.Bottle:
    app = bottle.Bottle()
    app.install(json_errors)  # first installed = outermost
    plugin = NestAuthPlugin(database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
                            settings=settings or _settings())
    app.install(plugin)
    auth = plugin.services

    assert plugin.db is not None
    with plugin.db.connection_context():
        create_tables()  # development convenience (safe with many workers); production: `nestauth migrate`
        auth.permissions.register(PERMISSIONS)

    def body(*names: str) -> list[Any]:
        try:
            data = bottle.request.json or {}
        except ValueError:
            data = {}
        return [data.get(name) if isinstance(data, dict) else None for name in names]

    def authenticate() -> User:
        """The caller, from a bearer refresh token or an API key; 401 otherwise."""
        header = bottle.request.get_header("Authorization", "")
        if header.startswith("Bearer "):
            session = auth.sessions.authenticate(header[len("Bearer "):])
            bottle.request.environ["nestauth.session"] = session
            return session.user
        key = bottle.request.get_header("X-API-Key")
        if key is not None:
            return auth.access_keys.verify(key).user
        raise errors.InvalidCredentials("Send Authorization: Bearer <token> or X-API-Key: <key>.")

    def tenant_id() -> Any:
        slug = bottle.request.get_header("X-Tenant")
        return auth.tenants.get_by_slug(slug).id if slug else None

    @app.post("/register")
    def register() -> Any:
        email, password = body("email", "password")
        user = auth.users.register(email=email, password=password)
        return _json({"id": user.id.hex, "email": user.email}, 201)

    @app.post("/login")
    def login() -> Any:
        email, password = body("email", "password")
        user = auth.users.authenticate(email=email, password=password)
        issued = auth.sessions.create(user.id, user_agent=bottle.request.get_header("User-Agent"),
                                      ip_address=bottle.request.remote_addr)
        return {"refresh_token": issued.refresh_token, "session_id": issued.session.id.hex,
                "user_id": user.id.hex}

    @app.post("/refresh")
    def refresh() -> Any:
        (token,) = body("refresh_token")
        issued = auth.sessions.refresh(token if isinstance(token, str) else "")
        return {"refresh_token": issued.refresh_token}

    @app.post("/logout")
    def logout() -> Any:
        user = authenticate()
        session = bottle.request.environ.get("nestauth.session")
        if session is None:
            raise errors.InvalidCredentials("Log out with the session's token, not an API key.")
        auth.sessions.revoke(session.id, user_id=user.id)
        return bottle.HTTPResponse(status=204)

    @app.get("/me")
    def me() -> Any:
        user = authenticate()
        return {"id": user.id.hex, "email": user.email, "email_verified": user.email_verified_at is not None,
                "permissions": auth.authorization.effective_permissions(user.id, tenant_id())}

    @app.post("/api-keys")
    def create_api_key() -> Any:
        user = authenticate()
        (name,) = body("name")
        issued = auth.access_keys.create(user.id, name if isinstance(name, str) else "")
        return _json({"id": issued.key.id.hex, "api_key": issued.api_key}, 201)

    @app.get("/reports")
    def reports() -> Any:
        user = authenticate()
        if not auth.authorization.has_permission(user.id, "reports.read", tenant_id()):
            return _json({"error": "PERMISSION_DENIED", "message": "You need the reports.read permission."}, 403)
        return {"reports": [{"title": "Quarterly numbers"}]}

    @app.post("/password-reset/request")
    def request_password_reset() -> Any:
        (email,) = body("email")
        auth.password_resets.request(email=email)
        # The same answer whether or not the account exists.
        return _json({"status": "If the account exists, a code is on its way."}, 202)

    @app.post("/password-reset")
    def reset_password() -> Any:
        email, code, new_password = body("email", "code", "new_password")
        # A wrong code raises CredentialRejected: the plugin still commits the spent attempt.
        auth.password_resets.reset(email=email, code=code if isinstance(code, str) else "",
                                   new_password=new_password)
        return bottle.HTTPResponse(status=204)

    return app


def _settings() -> Settings:
    settings = Settings.from_env()
    if settings.secret_key:
        return settings
    logging.getLogger(__name__).warning(
        "NESTAUTH_SECRET_KEY is not set: using a random key, so every token dies when the app restarts."
    )
    return replace(settings, secret_key=secrets.token_urlsafe(48))


if __name__ == "__main__":
    bottle.run(create_app(), host="127.0.0.1", port=8080)
