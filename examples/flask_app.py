"""A small JSON API on nest-auth and Flask: sign-up, sessions, API keys, a permission check.

    python examples/flask_app.py                 # http://127.0.0.1:5000 on sqlite:///nestauth.db (the CLI's too)
    DATABASE_URL=postgresql://app@localhost/app python examples/flask_app.py

    curl -s localhost:5000/register -H 'Content-Type: application/json' \\
         -d '{"email": "ann@example.com", "password": "a long passphrase"}'
    curl -s localhost:5000/login -H 'Content-Type: application/json' \\
         -d '{"email": "ann@example.com", "password": "a long passphrase"}'     # {"refresh_token": ...}
    curl -s localhost:5000/me -H "Authorization: Bearer $TOKEN"

Routes: POST /register, POST /login, POST /refresh, POST /logout, GET /me,
POST /api-keys, GET /reports (needs the ``reports.read`` permission, e.g.
through the ``reporter`` role of the example seed: ``nestauth seed
--example`` or ``nestauth roles grant ann@example.com reporter``),
POST /password-reset/request ``{"email"}`` and POST /password-reset
``{"email", "code", "new_password"}``. The reset code goes to
:func:`deliver_code`, a listener of ``events.otp_requested``: replace its body
with your mailer.

Callers authenticate with ``Authorization: Bearer <refresh token>`` or
``X-API-Key: <key>``. To stay short, the example lets the session's refresh
token itself authenticate requests; a real API would exchange it for
short-lived access tokens (a signed JWT, say) and keep the refresh token for
/refresh only. ``X-Tenant: <slug>`` checks permissions inside that tenant.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import replace
from typing import Any

from flask import Flask, g, jsonify, request

from nestauth_peewee import User, create_tables, errors, events
from nestauth_peewee.config import Settings
from nestauth_peewee.db import DEFAULT_DATABASE_URL
from nestauth_peewee.integrations.flask import NestAuth
from nestauth_peewee.integrations.http import error_body, status_for

#: The permissions this app checks, registered at start-up (idempotent).
PERMISSIONS = ["reports.read", "reports.write"]


def create_app(database_url: str | None = None, settings: Settings | None = None) -> Flask:
    app = Flask(__name__)
    app.config["NESTAUTH_DATABASE_URL"] = database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    auth = NestAuth(app, settings=settings or _settings())

    with auth.db.connection_context():
        create_tables()  # development convenience (safe with many workers); production: `nestauth migrate`
        auth.permissions.register(PERMISSIONS)

    @app.errorhandler(errors.NestAuthError)
    def refused(exc: errors.NestAuthError) -> Any:
        return jsonify(error_body(exc)), status_for(exc)

    def body(*names: str) -> list[Any]:
        data = request.get_json(silent=True) or {}
        return [data.get(name) for name in names]

    def authenticate() -> User:
        """The caller, from a bearer refresh token or an API key; 401 otherwise."""
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            session = auth.sessions.authenticate(header[len("Bearer "):])
            g.session = session
            return session.user
        if "X-API-Key" in request.headers:
            return auth.access_keys.verify(request.headers["X-API-Key"]).user
        raise errors.InvalidCredentials("Send Authorization: Bearer <token> or X-API-Key: <key>.")

    def tenant_id() -> Any:
        slug = request.headers.get("X-Tenant")
        return auth.tenants.get_by_slug(slug).id if slug else None

    @app.post("/register")
    def register() -> Any:
        email, password = body("email", "password")
        user = auth.users.register(email=email, password=password)
        return jsonify(id=user.id.hex, email=user.email), 201

    @app.post("/login")
    def login() -> Any:
        email, password = body("email", "password")
        user = auth.users.authenticate(email=email, password=password)
        issued = auth.sessions.create(user.id, user_agent=request.user_agent.string,
                                      ip_address=request.remote_addr)
        return jsonify(refresh_token=issued.refresh_token, session_id=issued.session.id.hex,
                       user_id=user.id.hex)

    @app.post("/refresh")
    def refresh() -> Any:
        (token,) = body("refresh_token")
        issued = auth.sessions.refresh(token if isinstance(token, str) else "")
        return jsonify(refresh_token=issued.refresh_token)

    @app.post("/logout")
    def logout() -> Any:
        user = authenticate()
        if "session" not in g:
            raise errors.InvalidCredentials("Log out with the session's token, not an API key.")
        auth.sessions.revoke(g.session.id, user_id=user.id)
        return "", 204

    @app.get("/me")
    def me() -> Any:
        user = authenticate()
        return jsonify(id=user.id.hex, email=user.email, email_verified=user.email_verified_at is not None,
                       permissions=auth.authorization.effective_permissions(user.id, tenant_id()))

    @app.post("/api-keys")
    def create_api_key() -> Any:
        user = authenticate()
        (name,) = body("name")
        issued = auth.access_keys.create(user.id, name if isinstance(name, str) else "")
        return jsonify(id=issued.key.id.hex, api_key=issued.api_key), 201

    @app.get("/reports")
    def reports() -> Any:
        user = authenticate()
        if not auth.authorization.has_permission(user.id, "reports.read", tenant_id()):
            return jsonify(error="PERMISSION_DENIED", message="You need the reports.read permission."), 403
        return jsonify(reports=[{"title": "Quarterly numbers"}])

    @app.post("/password-reset/request")
    def request_password_reset() -> Any:
        (email,) = body("email")
        auth.password_resets.request(email=email)
        # The same answer whether or not the account exists.
        return jsonify(status="If the account exists, a code is on its way."), 202

    @app.post("/password-reset")
    def reset_password() -> Any:
        email, code, new_password = body("email", "code", "new_password")
        auth.password_resets.reset(email=email, code=code if isinstance(code, str) else "",
                                   new_password=new_password)
        return "", 204

    return app


@events.otp_requested.connect
def deliver_code(sender: Any, *, email: str | None, type: str, **payload: Any) -> None:
    """Send a one-time code to the user (after the transaction that created it committed)."""
    if type == "password_reset" and email:
        # A real app mails payload["code"] here; never log it.
        logging.getLogger(__name__).info("A password reset code was issued for %s.", email)


def _settings() -> Settings:
    settings = Settings.from_env()
    if settings.secret_key:
        return settings
    logging.getLogger(__name__).warning(
        "NESTAUTH_SECRET_KEY is not set: using a random key, so every token dies when the app restarts."
    )
    return replace(settings, secret_key=secrets.token_urlsafe(48))


if __name__ == "__main__":
    create_app().run(debug=True)
