"""A small JSON API on nest-auth and Flask: sign-up, sessions with access tokens, API keys, a permission check.

    python examples/flask_app.py                 # http://127.0.0.1:5000 on sqlite:///nestauth.db (the CLI's too)
    DATABASE_URL=postgresql://app@localhost/app python examples/flask_app.py
    FLASK_DEBUG=1 python examples/flask_app.py   # the debugger, on your own machine only

    curl -s localhost:5000/register -H 'Content-Type: application/json' \\
         -d '{"email": "ann@example.com", "password": "a long passphrase"}'
    curl -s localhost:5000/login -H 'Content-Type: application/json' \\
         -d '{"email": "ann@example.com", "password": "a long passphrase"}'
         # {"access_token": ..., "refresh_token": ..., "token_type": "Bearer", ...}
    curl -s localhost:5000/me -H "Authorization: Bearer $ACCESS_TOKEN"
    curl -s localhost:5000/refresh -H 'Content-Type: application/json' -d "{\\"refresh_token\\": \\"$REFRESH\\"}"

Routes: POST /register, POST /login, POST /refresh, POST /logout, GET /me,
POST /api-keys, GET /reports (needs the ``reports.read`` permission, e.g.
through the ``reporter`` role of the example seed: ``nestauth seed
--example`` or ``nestauth roles grant ann@example.com reporter``),
POST /password-reset/request ``{"email"}`` and POST /password-reset
``{"email", "code", "new_password"}``, and a verified email change: POST
/account/email ``{"email"}`` (needs a sign-in of the last 15 minutes in this
session, else a 401 ``REAUTHENTICATION_REQUIRED`` with ``"needs"``), POST
/reauthenticate ``{"password"}`` and POST /account/email/confirm ``{"code"}``.
The codes go to :func:`deliver_code`, a listener of ``events.otp_requested``:
replace its body with your mailer.

Requests authenticate with ``Authorization: Bearer <access token>`` (15
minutes; checked without a query) through the extension's decorators; /me and
/reports also take ``X-API-Key: <key>``. The refresh token goes to /refresh
only, which answers a new pair. ``X-Tenant: <slug>`` checks permissions inside
that tenant. Every answer is JSON, refusals included: a body that is not a JSON
object is a 400, one over 64 KiB a 413, an unknown route a 404.
"""

from __future__ import annotations

import logging
import os
import uuid
from typing import Any

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from nestauth_peewee import create_tables, errors, events
from nestauth_peewee.config import Settings
from nestauth_peewee.db import DEFAULT_DATABASE_URL
from nestauth_peewee.integrations.flask import (
    NestAuth,
    auth_required,
    current_identity,
    permission_required,
    signed_in_user,
)
from nestauth_peewee.integrations.http import MAX_BODY_BYTES, error_body, json_object, text_fields, token_body
from nestauth_peewee.integrations.request_auth import Identity, from_header

#: The permissions this app checks, registered at start-up (idempotent).
PERMISSIONS = ["reports.read", "reports.write"]


def create_app(database_url: str | None = None, settings: Settings | None = None) -> Flask:
    app = Flask(__name__)
    app.config["NESTAUTH_DATABASE_URL"] = database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES  # Werkzeug refuses longer bodies with 413
    # The extension answers library errors (and the decorators' 401/403) as JSON.
    auth = NestAuth(app, settings=settings or Settings.from_env_or_random_key(),
                    tenant=from_header("X-Tenant"))

    with auth.db.connection_context():
        create_tables()  # development convenience (safe with many workers); production: `nestauth migrate`
        auth.permissions.register(PERMISSIONS)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:  # 404, 405, 413 ... as JSON, never an HTML page
        if exc.code == 413:
            return jsonify(error_body(errors.RequestTooLarge())), 413
        return jsonify(error=(exc.name or "error").upper().replace(" ", "_"), message=exc.description), exc.code

    def body(*names: str) -> list[str | None]:
        data = json_object(request.get_data(cache=False), request.content_type,
                           limit=app.config["MAX_CONTENT_LENGTH"])
        return text_fields(data, *names)

    def caller() -> Identity:
        """Who the route's ``@auth_required`` let in (so never ``None`` there)."""
        identity = current_identity()
        assert identity is not None
        return identity

    def caller_session() -> uuid.UUID:
        """The session behind the caller's access token (the routes that ask take no API key)."""
        session_id = caller().session_id
        assert session_id is not None
        return session_id

    @app.post("/register")
    def register() -> Any:
        email, password = body("email", "password")
        user = auth.users.register(email=email, password=password or "")
        return jsonify(id=user.id.hex, email=user.email), 201

    @app.post("/login")
    def login() -> Any:
        email, password = body("email", "password")
        user = auth.users.authenticate(email=email, password=password or "")
        issued = auth.sessions.create(user.id, user_agent=request.user_agent.string,
                                      ip_address=request.remote_addr)
        return jsonify(token_body(issued))

    @app.post("/refresh")
    def refresh() -> Any:
        (token,) = body("refresh_token")
        return jsonify(token_body(auth.sessions.refresh(token or "")))

    @app.post("/logout")
    @auth_required
    def logout() -> Any:
        auth.sessions.revoke(caller_session(), user_id=caller().user_id)
        return "", 204

    @app.get("/me")
    @auth_required(api_keys=True)
    def me() -> Any:
        user = signed_in_user()  # the User itself: current_user is a proxy, one lookup per attribute
        assert user is not None
        tenant = request.headers.get("X-Tenant")
        tenant_id = auth.tenants.get_by_slug(tenant).id if tenant else None
        return jsonify(id=user.id.hex, email=user.email, email_verified=user.email_verified_at is not None,
                       permissions=auth.authorization.effective_permissions(user.id, tenant_id))

    @app.post("/api-keys")
    @auth_required
    def create_api_key() -> Any:
        (name,) = body("name")
        issued = auth.access_keys.create(caller().user_id, name or "")
        return jsonify(id=issued.key.id.hex, api_key=issued.api_key), 201

    @app.get("/reports")
    @permission_required("reports.read", api_keys=True)
    def reports() -> Any:
        return jsonify(reports=[{"title": "Quarterly numbers"}])

    @app.post("/reauthenticate")
    @auth_required
    def reauthenticate() -> Any:
        (password,) = body("password")
        auth.users.reauthenticate(caller_session(), password or "")
        return "", 204

    @app.post("/account/email")
    @auth_required
    def change_email() -> Any:
        (email,) = body("email")
        # The code goes to the new address; the account keeps the old one until it comes back.
        auth.contact_changes.request_email_change(caller().user_id, email or "", session=caller_session())
        return jsonify(status="A code is on its way to the new address."), 202

    @app.post("/account/email/confirm")
    @auth_required
    def confirm_email() -> Any:
        (code,) = body("code")
        user = auth.contact_changes.confirm_email_change(caller().user_id, code or "")
        return jsonify(id=user.id.hex, email=user.email)

    @app.post("/password-reset/request")
    def request_password_reset() -> Any:
        (email,) = body("email")
        auth.password_resets.request(email=email)
        # The same answer whether or not the account exists.
        return jsonify(status="If the account exists, a code is on its way."), 202

    @app.post("/password-reset")
    def reset_password() -> Any:
        email, code, new_password = body("email", "code", "new_password")
        auth.password_resets.reset(email=email, code=code or "", new_password=new_password or "")
        return "", 204

    return app


@events.otp_requested.connect
def deliver_code(sender: Any, *, email: str | None, type: str, **payload: Any) -> None:
    """Send a one-time code to the user (after the transaction that created it committed)."""
    if type in ("password_reset", "email_change") and email:
        # A real app mails payload["code"] here (for email_change, email is the NEW address); never log it.
        logging.getLogger(__name__).info("A %s code was issued for %s.", type, email)


def run_options() -> dict[str, Any]:
    """``app.run`` arguments: the debugger only when ``FLASK_DEBUG=1`` asks for it."""
    return {"debug": os.environ.get("FLASK_DEBUG") == "1"}


if __name__ == "__main__":
    create_app().run(**run_options())
