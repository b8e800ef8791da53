"""A small JSON API on nest-auth and Bottle: sign-up, sessions with access tokens, API keys, a permission check.

    python examples/bottle_app.py                # http://127.0.0.1:8080 on sqlite:///nestauth.db (the CLI's too)
    DATABASE_URL=mysql://app@localhost/app python examples/bottle_app.py
    BOTTLE_DEBUG=1 python examples/bottle_app.py # tracebacks in error pages, on your own machine only

The same routes as examples/flask_app.py (see there for curl lines):
POST /register, POST /login, POST /refresh, POST /logout, GET /me,
POST /api-keys, GET /reports (needs ``reports.read``), POST
/password-reset/request and POST /password-reset (the code goes to listeners
of ``events.otp_requested``, as in the Flask example). Requests authenticate
with ``Authorization: Bearer <access token>`` through the plugin's
decorators (/me and /reports also take ``X-API-Key: <key>``); the refresh token
goes to /refresh only.

Unlike the Flask extension, the Bottle plugin runs each request in one
transaction: everything a route writes commits together when it returns, and
nothing is kept when it fails. With ``json_errors=True`` the plugin answers a
library error as JSON after the request's transaction has been decided (so the
revocation of a replayed refresh token is committed, not rolled back). Every
answer is JSON: a body that is not a JSON object is a 400, one over 64 KiB a
413, an unknown route a 404.
"""

from __future__ import annotations

import json
import os
from typing import Any

import bottle

from nestauth_peewee import create_tables, errors
from nestauth_peewee.config import Settings
from nestauth_peewee.db import DEFAULT_DATABASE_URL
from nestauth_peewee.integrations.bottle import NestAuthPlugin, json_response
from nestauth_peewee.integrations.http import MAX_BODY_BYTES, json_object, text_fields, token_body
from nestauth_peewee.integrations.request_auth import from_header

#: The permissions this app checks, registered at start-up (idempotent).
PERMISSIONS = ["reports.read", "reports.write"]


def create_app(database_url: str | None = None, settings: Settings | None = None) -> bottle.Bottle:
    app = bottle.Bottle()
    plugin = NestAuthPlugin(database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
                            settings=settings or Settings.from_env_or_random_key(),
                            tenant=from_header("X-Tenant"), json_errors=True)
    app.install(plugin)
    auth = plugin.services

    assert plugin.db is not None
    with plugin.db.connection_context():
        create_tables()  # development convenience (safe with many workers); production: `nestauth migrate`
        auth.permissions.register(PERMISSIONS)

    def error_page(res: bottle.HTTPError) -> str:  # 404, 405, 500 ... as JSON, never an HTML page
        bottle.response.content_type = "application/json"
        return json.dumps({"error": res.status_line.split(" ", 1)[-1].upper().replace(" ", "_"),
                           "message": str(res.body) if res.status_code < 500 else "Internal error."})

    app.default_error_handler = error_page  # type: ignore[method-assign]

    def body(*names: str) -> list[str | None]:
        if "chunked" in (bottle.request.get_header("Transfer-Encoding") or "").lower():
            raise errors.MalformedRequest("Send the body with a Content-Length, not chunked.")
        length = bottle.request.content_length
        if length > MAX_BODY_BYTES:  # refused before a byte is read
            raise errors.RequestTooLarge(f"The request body is over {MAX_BODY_BYTES} bytes.")
        raw = bottle.request.environ["wsgi.input"].read(length) if length > 0 else b""
        return text_fields(json_object(raw, bottle.request.content_type), *names)

    @app.post("/register")
    def register() -> Any:
        email, password = body("email", "password")
        user = auth.users.register(email=email, password=password or "")
        return json_response({"id": user.id.hex, "email": user.email}, 201)

    @app.post("/login")
    def login() -> Any:
        email, password = body("email", "password")
        user = auth.users.authenticate(email=email, password=password or "")
        issued = auth.sessions.create(user.id, user_agent=bottle.request.get_header("User-Agent"),
                                      ip_address=bottle.request.remote_addr)
        return token_body(issued)

    @app.post("/refresh")
    def refresh() -> Any:
        (token,) = body("refresh_token")
        return token_body(auth.sessions.refresh(token or ""))

    @app.post("/logout")
    @plugin.auth_required
    def logout() -> Any:
        identity = plugin.identity
        assert identity is not None and identity.session_id is not None
        auth.sessions.revoke(identity.session_id, user_id=identity.user_id)
        return bottle.HTTPResponse(status=204)

    @app.get("/me")
    @plugin.auth_required(api_keys=True)
    def me() -> Any:
        user = plugin.current_user
        assert user is not None
        tenant = bottle.request.get_header("X-Tenant")
        tenant_id = auth.tenants.get_by_slug(tenant).id if tenant else None
        return {"id": user.id.hex, "email": user.email, "email_verified": user.email_verified_at is not None,
                "permissions": auth.authorization.effective_permissions(user.id, tenant_id)}

    @app.post("/api-keys")
    @plugin.auth_required
    def create_api_key() -> Any:
        (name,) = body("name")
        identity = plugin.identity
        assert identity is not None
        issued = auth.access_keys.create(identity.user_id, name or "")
        return json_response({"id": issued.key.id.hex, "api_key": issued.api_key}, 201)

    @app.get("/reports")
    @plugin.permission_required("reports.read", api_keys=True)
    def reports() -> Any:
        return {"reports": [{"title": "Quarterly numbers"}]}

    @app.post("/password-reset/request")
    def request_password_reset() -> Any:
        (email,) = body("email")
        auth.password_resets.request(email=email)
        # The same answer whether or not the account exists.
        return json_response({"status": "If the account exists, a code is on its way."}, 202)

    @app.post("/password-reset")
    def reset_password() -> Any:
        email, code, new_password = body("email", "code", "new_password")
        # A wrong code raises CredentialRejected: the plugin still commits the spent attempt.
        auth.password_resets.reset(email=email, code=code or "", new_password=new_password or "")
        return bottle.HTTPResponse(status=204)

    return app


def run_options() -> dict[str, Any]:
    """``bottle.run`` arguments: debug (tracebacks in error pages) only when ``BOTTLE_DEBUG=1``."""
    return {"host": "127.0.0.1", "port": 8080, "debug": os.environ.get("BOTTLE_DEBUG") == "1"}


if __name__ == "__main__":
    bottle.run(create_app(), **run_options())
