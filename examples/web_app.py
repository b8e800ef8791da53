"""A server-rendered web app on nest-auth and Flask: pages, forms and cookies, no JavaScript, no build step.

    python examples/web_app.py                   # http://127.0.0.1:5001 on sqlite:///nestauth.db (the CLI's too)
    NESTAUTH_COOKIE_INSECURE=1 python examples/web_app.py   # plain HTTP on another host than localhost

Pages: sign-up, sign-in (password, then a TOTP or recovery code when MFA is
on), the account, TOTP enrolment with a QR code, recovery codes, the list of
sessions with "sign out" per session and "sign out everywhere", and password
reset (the code is printed to the console by :func:`print_reset_code`, a
listener of ``events.otp_requested``; a real app mails it).

How the browser session works (docs/flask.md, "Cookie mode"):

* signing in sets three cookies: the refresh token (HttpOnly, Secure,
  SameSite=Strict, ``Path=/auth``: only the refresh route ever sees it), the
  access token (HttpOnly, Secure, SameSite=Strict, 15 minutes) and the CSRF
  token (readable, the same attributes);
* pages authenticate with the access cookie in strict mode (one query: a revoked
  session is signed out at once); when it has expired a page redirects to
  ``/auth/refresh?next=...``, which rotates the refresh token and comes back;
* every form that changes something carries the session's CSRF token; the
  sign-up, sign-in and reset forms, which have no session yet, carry a token
  kept in Flask's signed session cookie instead.
"""

from __future__ import annotations

import functools
import hmac
import os
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Flask, Response, abort, flash, g, redirect, render_template, request, session, url_for
from markupsafe import Markup

from nestauth_peewee import create_tables, errors, events
from nestauth_peewee.config import Settings
from nestauth_peewee.db import DEFAULT_DATABASE_URL
from nestauth_peewee.integrations.flask import NestAuth, current_identity, current_user
from nestauth_peewee.integrations.request_auth import CookieMode
from nestauth_peewee.secrets import derive_key

#: How long a password step may wait for its TOTP step.
MFA_STEP_SECONDS = 300


def create_app(database_url: str | None = None, settings: Settings | None = None, *,
               secure_cookies: bool | None = None) -> Flask:
    settings = settings or Settings.from_env_or_random_key()
    app = Flask(__name__, template_folder=str(Path(__file__).parent / "templates"))
    app.config["NESTAUTH_DATABASE_URL"] = database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    # Flask's own signed cookie holds only the pre-session form token and a pending MFA step.
    app.secret_key = derive_key(settings.require_secret_key(), "web-example-flask-session")
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict")
    if secure_cookies is None:
        secure_cookies = os.environ.get("NESTAUTH_COOKIE_INSECURE") != "1"
    app.config["SESSION_COOKIE_SECURE"] = secure_cookies
    cookies = CookieMode(refresh_path="/auth", access_cookie="nestauth_access", secure=secure_cookies)
    auth = NestAuth(app, settings=settings, cookies=cookies, strict=True)

    with auth.db.connection_context():
        create_tables()  # development convenience; production: `nestauth migrate`

    # --- helpers ---------------------------------------------------------------------------

    def form_token() -> str:
        """A token for forms shown before there is a session (sign-up, sign-in, reset)."""
        if "form_token" not in session:
            session["form_token"] = secrets.token_urlsafe(32)
        return str(session["form_token"])

    def form(*names: str) -> list[str]:
        """The named fields of the posted form ("" when one is absent)."""
        return [request.form.get(name, "") for name in names]

    def guest_form(*names: str) -> list[str]:
        """The fields of a form posted before there is a session, once its form token checks out."""
        sent = request.form.get("form_token", "")
        if not hmac.compare_digest(sent.encode(), str(session.get("form_token", "")).encode()):
            abort(403)
        return form(*names)

    @app.context_processor
    def page_globals() -> dict[str, Any]:
        identity = current_identity()
        return {"me": current_user if identity is not None else None,
                "csrf_token": auth.csrf_token() if identity is not None else "",
                "form_token": form_token}

    def signed_in(view: Any) -> Any:
        """A page for signed-in users; an expired access cookie goes through /auth/refresh first."""

        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                g.identity = auth.authorize()
            except errors.CsrfRejected:
                abort(403)
            except errors.NestAuthError:
                if request.method == "GET":
                    return redirect(f"/auth/refresh?next={quote(request.full_path.rstrip('?'))}")
                return redirect(url_for("signin"))
            return view(*args, **kwargs)

        return wrapper

    def start_session(user_id: Any) -> Response:
        issued = auth.sessions.create(user_id, user_agent=request.user_agent.string or None,
                                      ip_address=request.remote_addr, device_name="web")
        session.pop("mfa_user", None)
        return auth.set_session_cookies(redirect(url_for("account")), issued)

    @app.errorhandler(errors.NestAuthError)
    def refused(exc: errors.NestAuthError) -> Any:
        # A form's refusal goes back to the page with its message (never a stack trace).
        flash(exc.message)
        return redirect(request.path if request.method == "POST" else url_for("signin"))

    @app.errorhandler(403)
    def forbidden(_exc: Any) -> Any:
        return render_template("web/message.html", title="Refused",
                               message="That form was stale or forged; reload the page and try again."), 403

    # --- signing up and in -------------------------------------------------------------------

    @app.get("/")
    def home() -> Any:
        return redirect(url_for("account") if current_identity() else url_for("signin"))

    @app.route("/signup", methods=["GET", "POST"])
    def signup() -> Any:
        if request.method == "POST":
            email, password = guest_form("email", "password")
            user = auth.users.register(email=email, password=password)
            return start_session(user.id)
        return render_template("web/signup.html")

    @app.route("/signin", methods=["GET", "POST"])
    def signin() -> Any:
        if request.method == "POST":
            email, password = guest_form("email", "password")
            user = auth.users.authenticate(email=email, password=password)
            if user.is_mfa_enabled:
                session["mfa_user"] = [user.id.hex, int(time.time())]
                return redirect(url_for("signin_code"))
            return start_session(user.id)
        return render_template("web/signin.html")

    @app.route("/signin/code", methods=["GET", "POST"])
    def signin_code() -> Any:
        pending = session.get("mfa_user")
        if not pending or time.time() - pending[1] > MFA_STEP_SECONDS:
            session.pop("mfa_user", None)
            return redirect(url_for("signin"))
        if request.method == "POST":
            code, recovery = guest_form("code", "recovery_code")
            if recovery:
                auth.mfa.use_recovery_code(pending[0], recovery)
            else:
                auth.mfa.verify_totp(pending[0], code)
            return start_session(pending[0])
        return render_template("web/signin_code.html")

    @app.get("/auth/refresh")
    def refresh() -> Any:
        # A GET navigation: the SameSite=Strict refresh cookie is its guard (docs/security.md).
        target = request.args.get("next", "/account")
        if not target.startswith("/") or target.startswith("//"):
            target = "/account"
        try:
            issued = auth.refresh_from_cookie(check_csrf=False)
        except errors.NestAuthError:
            return auth.clear_session_cookies(redirect(url_for("signin")))
        return auth.set_session_cookies(redirect(target), issued)

    @app.post("/signout")
    @signed_in
    def signout() -> Any:
        auth.sessions.revoke(g.identity.session_id, user_id=g.identity.user_id)
        return auth.clear_session_cookies(redirect(url_for("signin")))

    # --- the account ---------------------------------------------------------------------------

    @app.get("/account")
    @signed_in
    def account() -> Any:
        return render_template("web/account.html", codes_left=auth.mfa.recovery_codes_left(g.identity.user_id))

    @app.route("/mfa/enrol", methods=["GET", "POST"])
    @signed_in
    def enrol() -> Any:
        user_id = g.identity.user_id
        if request.method == "POST":
            device_id, code = form("device_id", "code")
            auth.mfa.confirm_totp_device(user_id, device_id, code)
            auth.mfa.enable(user_id)
            return render_template("web/recovery_codes.html", codes=auth.mfa.generate_recovery_codes(user_id))
        enrolment = auth.mfa.add_totp_device(user_id, device_name="authenticator app")
        return render_template("web/enrol.html", enrolment=enrolment, qr=Markup(enrolment.qr_svg(scale=4)))

    @app.post("/mfa/recovery-codes")
    @signed_in
    def new_recovery_codes() -> Any:
        codes = auth.mfa.generate_recovery_codes(g.identity.user_id)
        return render_template("web/recovery_codes.html", codes=codes)

    @app.get("/sessions")
    @signed_in
    def sessions() -> Any:
        return render_template("web/sessions.html", sessions=auth.sessions.list_active(g.identity.user_id),
                               current=g.identity.session_id)

    @app.post("/sessions/<session_id>/revoke")
    @signed_in
    def revoke(session_id: str) -> Any:
        auth.sessions.revoke(session_id, user_id=g.identity.user_id)
        if session_id == g.identity.session_id.hex:
            return auth.clear_session_cookies(redirect(url_for("signin")))
        flash("That session is signed out.")
        return redirect(url_for("sessions"))

    @app.post("/sessions/revoke-all")
    @signed_in
    def revoke_all() -> Any:
        auth.sessions.revoke_all(g.identity.user_id)
        flash("Every session is signed out.")
        return auth.clear_session_cookies(redirect(url_for("signin")))

    # --- password reset ------------------------------------------------------------------------

    @app.route("/reset", methods=["GET", "POST"])
    def reset_request() -> Any:
        if request.method == "POST":
            (email,) = guest_form("email")
            auth.password_resets.request(email=email)
            flash("If the account exists, a code is on its way.")  # the same for unknown accounts
            return redirect(url_for("reset_confirm", email=email))
        return render_template("web/reset.html")

    @app.route("/reset/confirm", methods=["GET", "POST"])
    def reset_confirm() -> Any:
        if request.method == "POST":
            email, code, password = guest_form("email", "code", "new_password")
            auth.password_resets.reset(email=email, code=code, new_password=password)
            flash("Your password is changed and every session signed out; sign in again.")
            return redirect(url_for("signin"))
        return render_template("web/reset_confirm.html", email=request.args.get("email", ""))

    return app


@events.otp_requested.connect
def print_reset_code(sender: Any, *, email: str | None, type: str, code: str, **payload: Any) -> None:
    """The example's "mailer": print the reset code to the console (a real app mails it, never logs it)."""
    if type == "password_reset" and email:
        print(f"[web example] password reset code for {email}: {code}", flush=True)


if __name__ == "__main__":
    create_app().run(host="127.0.0.1", port=5001, debug=os.environ.get("FLASK_DEBUG") == "1")
