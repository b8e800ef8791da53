"""Flask extension: a pooled connection per request, the app's database, the CLI on ``flask``.

    from flask import Flask
    from nestauth_peewee.integrations.flask import NestAuth

    app = Flask(__name__)
    app.config["NESTAUTH_DATABASE_URL"] = "postgresql://app@localhost/app"
    nestauth = NestAuth(app)          # or NestAuth() ... nestauth.init_app(app)

    # flask nestauth create-tables    (the whole `nestauth` CLI, on the app's database)

    user = nestauth.users.register(email=..., password=...)   # every service, one Settings
    issued = nestauth.sessions.create(user.id)

The database comes from ``NESTAUTH_DATABASE_URL``, then ``DATABASE_URL`` in the
app config, then the environment (see :func:`nestauth_peewee.init_database`).
Each request opens its connection with ``reuse_if_open=True`` (so code that
connected early does not fail with "connection already open") and the
teardown hands it back: a pooled one is parked for the thread's next request
(it still counts against the pool's size; a thread that finds every
connection in use takes a parked one). A PostgreSQL or MySQL/MariaDB
URL is pooled by default (``NESTAUTH_POOL_SIZE``, default 16 per process;
``NESTAUTH_POOL_TIMEOUT`` seconds a request waits for a free one, default 10);
``NESTAUTH_POOL = False`` (or ``NestAuth(pool=False)``, or ``?pool=false`` in the
URL) connects per request instead. SQLite is not pooled.

The services (``nestauth.users``, ``.sessions``, ``.access_keys``, ``.otps``,
``.mfa``, ``.trusted_devices``, ``.admins``, ``.tenants``, ``.memberships``,
``.staff``, ``.roles``, ``.permissions``, ``.authorization``; see
:class:`~nestauth_peewee.AuthServices`) are built once in ``init_app`` from
the ``settings`` argument, else ``NESTAUTH_SETTINGS`` in the app config, else
:meth:`Settings.from_env` with ``NESTAUTH_SECRET_KEY`` from the app config
when it is there. Each service operation commits on its own; the extension
opens no request-wide transaction.

Signals are the blinker signals of :mod:`nestauth_peewee.events`; connect to
them from the app as usual (they are sent after commit).

Request authentication (docs/flask.md)::

    from nestauth_peewee.integrations.flask import (auth_required, current_user,
                                                    permission_required, role_required)
    from nestauth_peewee.integrations.request_auth import from_header

    nestauth = NestAuth(app, tenant=from_header("X-Tenant"), api_keys=True)

    @app.get("/me")
    @auth_required                       # Authorization: Bearer <access token> (or X-API-Key)
    def me():
        return {"email": current_user.email}

    @app.get("/reports")
    @permission_required("reports.read")  # in the tenant named by X-Tenant
    def reports(): ...

A refused request gets a 401 or 403 JSON answer in the shape of
:mod:`nestauth_peewee.integrations.http`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

import click
import peewee
from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.local import LocalProxy

from .. import audit, events
from ..cli.base import CONTEXT_DATABASE_KEY, CONTEXT_SETTINGS_KEY, NestAuthGroup
from ..cli.base import main as cli_main
from ..config import Settings
from ..errors import ConfigurationError, NestAuthError
from ..models import Session, User
from ..services.bundle import SERVICE_NAMES, AuthServices
from ..services.sessions import IssuedSession
from ._database import request_hooks, web_database
from .http import refusal
from .request_auth import CookieMode, Identity, RequestAuth, RouteDecorators, TenantSource

__all__ = ["NestAuth", "auth_required", "permission_required", "role_required", "current_user",
           "current_session", "current_identity", "signed_in_user"]

F = TypeVar("F", bound=Callable[..., Any])
_IDENTITY = "nestauth_identity"
_USER = "nestauth_user"
#: The two request headers the WSGI environ holds without the ``HTTP_`` prefix.
_UNPREFIXED = frozenset({"CONTENT_TYPE", "CONTENT_LENGTH"})
_AUDIT_TOKEN = "nestauth.audit_context"  # in the WSGI environ: the request's audit context, to leave


class NestAuth:
    """The nest-auth extension for Flask."""

    signals = events

    def __init__(self, app: Flask | None = None, *, database: str | peewee.Database | None = None,
                 settings: Settings | None = None, tenant: TenantSource | None = None,
                 api_keys: bool = False, cookies: CookieMode | None = None,
                 strict: bool | None = None, json_errors: bool = True, pool: bool | None = None,
                 pool_size: int | None = None) -> None:
        """``tenant``, ``api_keys``, ``cookies`` and ``strict``: see :class:`RequestAuth`.

        ``json_errors``: answer every library error a view lets escape (``current_session``
        of a revoked session, a refused login, ...) with :func:`~.http.refusal`'s JSON;
        an app's own ``errorhandler(NestAuthError)`` registered afterwards replaces it.
        """
        self._json_errors = json_errors
        self._database = database
        self._pool = (pool, pool_size)
        self.settings = settings
        self.db: peewee.Database | None = None
        self.services: AuthServices | None = None
        self.request_auth: RequestAuth | None = None
        self._auth_options: dict[str, Any] = {"tenant": tenant, "api_keys": api_keys, "cookies": cookies,
                                              "strict": strict}
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        target = (self._database or app.config.get("NESTAUTH_DATABASE_URL")
                  or app.config.get("DATABASE_URL"))
        pool, size = self._pool
        self.db = web_database(target, pool=app.config.get("NESTAUTH_POOL", pool),
                               pool_size=app.config.get("NESTAUTH_POOL_SIZE", size),
                               pool_timeout=app.config.get("NESTAUTH_POOL_TIMEOUT"))
        if self.settings is None:
            self.settings = app.config.get("NESTAUTH_SETTINGS")
        if self.settings is None:
            overrides = {}
            if app.config.get("NESTAUTH_SECRET_KEY"):
                overrides["secret_key"] = app.config["NESTAUTH_SECRET_KEY"]
            self.settings = Settings.from_env(**overrides)
        self._open_db, self._release_db = request_hooks(self.db)
        self.services = AuthServices(self.settings)
        for name in SERVICE_NAMES:  # plain attributes from now on: no __getattr__ on each use
            try:
                setattr(self, name, getattr(self.services, name))
            except ConfigurationError:  # a keyed service without a secret key: it raises on each use
                self.__dict__.pop(name, None)
        self.request_auth = RequestAuth(self.services, **self._auth_options)
        app.extensions["nestauth"] = self
        app.before_request(self._open_connection)
        app.teardown_request(self._close_connection)
        app.cli.add_command(_flask_cli_group())
        if self._json_errors:
            app.register_error_handler(NestAuthError, _refuse)

    def _open_connection(self) -> None:
        self._open_db()
        environ = request.environ  # one proxy lookup; the peer and User-Agent as Werkzeug reads them
        environ[_AUDIT_TOKEN] = audit.enter_request(environ.get("REMOTE_ADDR"), environ.get("HTTP_USER_AGENT"))

    def _close_connection(self, exc: BaseException | None) -> None:
        token = request.environ.pop(_AUDIT_TOKEN, None)
        if token is not None:
            audit.leave_request(token)
        self._release_db()

    def __getattr__(self, name: str) -> Any:
        # ``nestauth.users`` & co. are the bundle's services.
        if name in SERVICE_NAMES:
            services = self.__dict__.get("services")
            if services is None:
                raise ConfigurationError("NestAuth has no app yet: call init_app(app) before using its services.")
            return getattr(services, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @staticmethod
    def current() -> NestAuth:
        """The extension of the current app."""
        return current_app.extensions["nestauth"]

    # --- request authentication ---------------------------------------------------------

    def _auth(self) -> RequestAuth:
        if self.request_auth is None:
            raise ConfigurationError("NestAuth has no app yet: call init_app(app) first.")
        return self.request_auth

    def authorize(self, **checks: Any) -> Identity:
        """Authenticate (and authorize) the current request; raises the typed refusal."""
        state = g._get_current_object()
        identity = self._auth().authorize(_FlaskView(), known=state.get(_IDENTITY), **checks)
        setattr(state, _IDENTITY, identity)
        return identity

    def csrf_token(self) -> str:
        """The CSRF token of the current request's session (for a form's hidden field)."""
        identity = current_identity()
        if identity is None or identity.session_id is None:
            raise ConfigurationError("csrf_token() needs a request authenticated by a session.")
        return self._auth().csrf_token(identity.session_id)

    def set_session_cookies(self, response: Response, issued: IssuedSession) -> Response:
        """Cookie mode: put a new or refreshed session's cookies on the response."""
        for c in self._auth().session_cookies(issued):
            response.set_cookie(c.name, c.value, max_age=c.max_age, path=c.path, secure=c.secure,
                                httponly=c.http_only, samesite=c.same_site)
        return response

    def clear_session_cookies(self, response: Response) -> Response:
        """Cookie mode: delete the session's cookies (sign-out)."""
        for c in self._auth().clearing_cookies():
            response.set_cookie(c.name, "", max_age=0, expires=0, path=c.path, secure=c.secure,
                                httponly=c.http_only, samesite=c.same_site)
        return response

    def refresh_from_cookie(self, *, check_csrf: bool = True) -> IssuedSession:
        """Cookie mode: rotate the session of the refresh cookie (CSRF token checked first)."""
        return self._auth().refresh_from_cookie(
            _FlaskView(), user_agent=request.user_agent.string or None,
            ip_address=request.remote_addr, check_csrf=check_csrf)

    def cookie_session_id(self) -> Any:
        """Cookie mode: the session id the refresh cookie names (unchecked), or ``None``."""
        return self._auth().refresh_cookie_session(_FlaskView())


class _FlaskView:
    """The current Flask request, as :class:`RequestView` (the request looked up once)."""

    __slots__ = ("_request", "_environ")

    def __init__(self) -> None:
        self._request = request._get_current_object()  # type: ignore[attr-defined]  # werkzeug LocalProxy
        self._environ = self._request.environ

    @property
    def method(self) -> str:
        return str(self._request.method)

    def header(self, name: str) -> str | None:
        # What request.headers.get(name) answers, read from the WSGI environ as Werkzeug's
        # EnvironHeaders does, without its KeyError for an absent header.
        key = name.upper().replace("-", "_")
        return self._environ.get(key if key in _UNPREFIXED else "HTTP_" + key)

    def cookie(self, name: str) -> str | None:
        return self._request.cookies.get(name)

    def url_arg(self, name: str) -> str | None:
        value = (self._request.view_args or {}).get(name)
        return None if value is None else str(value)

    def query_arg(self, name: str) -> str | None:
        return self._request.args.get(name)

    def form_field(self, name: str) -> str | None:
        if self._request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return None
        return self._request.form.get(name)


def current_identity() -> Identity | None:
    """The caller of the current request, authenticating it now if no decorator has; ``None``
    when it carries no valid credential."""
    identity = g.get(_IDENTITY)
    if identity is None:
        try:
            identity = NestAuth.current().authorize()
        except NestAuthError:
            return None
    return cast("Identity", identity)


def signed_in_user() -> User | None:
    """The signed-in :class:`~nestauth_peewee.models.User` of this request (read on first use), or
    ``None``: what :data:`current_user` stands for, as the object itself (no proxy per attribute)."""
    state = g._get_current_object()
    user = state.get(_USER)
    if user is None:
        identity = state.get(_IDENTITY) or current_identity()
        if identity is None:
            return None
        user = NestAuth.current()._auth().user(identity)
        setattr(state, _USER, user)
    return cast("User", user)


def _current_session() -> Session | None:
    identity = current_identity()
    return None if identity is None else NestAuth.current()._auth().session(identity)


#: The signed-in :class:`~nestauth_peewee.models.User` of this request (read on first use), or ``None``.
current_user: User | None = cast("User | None", LocalProxy(signed_in_user))
#: The :class:`~nestauth_peewee.models.Session` behind the access token (one query on use), or ``None``.
current_session: Session | None = cast("Session | None", LocalProxy(_current_session))


def _refuse(exc: NestAuthError) -> tuple[Response, int, dict[str, str]]:
    status, body, headers = refusal(exc)
    return jsonify(body), status, headers


def _guarded(view: F, checks: dict[str, Any]) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            NestAuth.current().authorize(**checks)
        except NestAuthError as exc:
            return _refuse(exc)
        return view(*args, **kwargs)

    return cast("F", wrapper)


_decorators = RouteDecorators(_guarded)
#: ``@auth_required`` / ``@auth_required(api_keys=True, strict=True)``: see :class:`RouteDecorators`.
auth_required = _decorators.auth_required
#: ``@permission_required("reports.read", tenant=from_url_arg("tenant"))``.
permission_required = _decorators.permission_required
#: ``@role_required("admin", require="any")``.
role_required = _decorators.role_required


def _flask_cli_group() -> click.Group:
    @click.pass_context
    def use_app_database(ctx: click.Context) -> None:
        from flask.cli import ScriptInfo

        app = ctx.ensure_object(ScriptInfo).load_app()
        ctx.meta[CONTEXT_DATABASE_KEY] = app.extensions["nestauth"].db
        ctx.meta[CONTEXT_SETTINGS_KEY] = app.extensions["nestauth"].settings

    return NestAuthGroup(
        "nestauth",
        commands=dict(cli_main.commands),
        callback=use_app_database,
        help="nest-auth's commands, on this app's database.",
    )
