"""Bottle plugin: a connection and a transaction per request, for every dialect.

    import bottle
    from nestauth_peewee.integrations.bottle import NestAuthPlugin

    app = bottle.Bottle()
    plugin = NestAuthPlugin("sqlite:///app.db")      # settings=Settings(...) optional
    app.install(plugin)
    plugin.services.users.register(...)              # every service, one Settings

Each request runs inside :func:`nestauth_peewee.unit_of_work.transaction`:
it commits when the route returns (or raises a redirect or another
``HTTPResponse`` below 400) and rolls back when the route raises or returns an
``HTTPError`` (status 400 and up) — one or the other, never both. One
exception to "raises means rollback": a route that raises
:class:`~nestauth_peewee.errors.CredentialRejected` (a replayed refresh
token, a wrong one-time code, ...) commits, because that refusal's own writes
are the security measure (the replayed session is revoked, the failed
attempt is counted) and a rollback would undo them. Events queued
by the services during the request are sent after that commit. The connection
is handed back when the request ends, whatever happened: a pooled one is parked
for the thread's next request (still counted in the pool's size; a thread that
finds every connection in use takes a parked one).

A PostgreSQL or MySQL/MariaDB URL is pooled by default (``pool_size``
connections per process, default 16; a request waits up to ``pool_timeout``
seconds, default 10, for a free one); ``pool=False`` or ``?pool=false`` in the
URL connects per request instead. SQLite is not pooled. :meth:`close` closes
the pool's connections.

Switch it off for one route with ``@app.route(..., nestauth=False)``.

Request authentication goes through the plugin (docs/bottle.md)::

    plugin = NestAuthPlugin(url, tenant=from_header("X-Tenant"), api_keys=True)

    @app.get("/me")
    @plugin.auth_required
    def me():
        return {"email": plugin.current_user.email}

    @app.get("/reports")
    @plugin.permission_required("reports.read")
    def reports(): ...

The decorators answer 401/403 themselves (JSON in the shape of
:mod:`nestauth_peewee.integrations.http`); as any response of 400 and up, that
rolls the request's transaction back.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, TypeVar, cast

import bottle
import peewee

from .. import audit
from ..config import Settings
from ..errors import CredentialRejected, NestAuthError
from ..models import Session, User
from ..services.bundle import AuthServices
from ..services.sessions import IssuedSession
from ..unit_of_work import transaction
from ._database import request_hooks, web_database
from .http import refusal
from .request_auth import CookieMode, Identity, RequestAuth, RouteDecorators, TenantSource

__all__ = ["NestAuthPlugin", "json_response"]

F = TypeVar("F", bound=Callable[..., Any])
_IDENTITY = "nestauth.identity"
_USER = "nestauth.user"


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None
                  ) -> bottle.HTTPResponse:
    """A JSON ``HTTPResponse`` (Bottle serialises dicts, not lists or error statuses)."""
    return bottle.HTTPResponse(json.dumps(payload), status=status,
                               headers={"Content-Type": "application/json", **(headers or {})})


class _RollBack(Exception):
    def __init__(self, response: bottle.HTTPResponse) -> None:
        super().__init__(response.status)
        self.response = response


class NestAuthPlugin:
    """Bottle plugin API v2: ``name``, ``api``, ``setup``, ``apply``, ``close``."""

    name = "nestauth"
    api = 2

    def __init__(self, database: str | peewee.Database | None = None, *,
                 settings: Settings | None = None, tenant: TenantSource | None = None,
                 api_keys: bool = False, cookies: CookieMode | None = None,
                 strict: bool | None = None, json_errors: bool = False, pool: bool | None = None,
                 pool_size: int | None = None, pool_timeout: float | None = None) -> None:
        """``tenant``, ``api_keys``, ``cookies`` and ``strict``: see :class:`RequestAuth`.

        ``json_errors``: answer a library error that escapes a route with
        :func:`~.http.refusal`'s JSON (after the transaction was committed or rolled
        back as the table above says) instead of letting it go on to Bottle.
        """
        self.json_errors = json_errors
        self._target = database
        self._pool = (pool, pool_size, pool_timeout)
        self.db: peewee.Database | None = None
        #: The services (:class:`~nestauth_peewee.AuthServices`), built from ``settings``
        #: (default :meth:`Settings.from_env`) when the plugin is created.
        self.services = AuthServices(settings)
        self.settings = self.services.settings
        self.request_auth = RequestAuth(self.services, tenant=tenant, api_keys=api_keys, cookies=cookies,
                                        strict=strict)
        decorators = RouteDecorators(self._guarded)
        #: ``@plugin.auth_required``, ``@plugin.permission_required("reports.read", tenant=...)``,
        #: ``@plugin.role_required("admin")``: see :class:`RouteDecorators`.
        self.auth_required = decorators.auth_required
        self.permission_required = decorators.permission_required
        self.role_required = decorators.role_required

    def setup(self, app: bottle.Bottle) -> None:
        for other in app.plugins:
            if other is not self and getattr(other, "name", None) == self.name:
                raise bottle.PluginError("A nestauth plugin is already installed on this app.")
        pool, size, timeout = self._pool
        self.db = web_database(self._target, pool=pool, pool_size=size, pool_timeout=timeout)

    def apply(self, callback: Callable[..., Any], route: bottle.Route) -> Callable[..., Any]:
        if route.config.get("nestauth", True) is False:
            return callback
        db = self.db
        assert db is not None
        open_db, release_db = request_hooks(db)

        def per_request(*args: Any, **kwargs: Any) -> Any:
            opened = open_db()
            context = audit.enter_request(bottle.request.remote_addr, bottle.request.get_header("User-Agent"))
            try:
                passthrough: BaseException | None = None
                with transaction():
                    try:
                        result = callback(*args, **kwargs)
                    except bottle.HTTPResponse as response:
                        if response.status_code >= 400:
                            raise
                        passthrough = response  # a redirect: keep the work, then re-raise
                    except CredentialRejected as refused:
                        passthrough = refused  # keep the refusal's writes (revocation, attempt count)
                    else:
                        if isinstance(result, bottle.HTTPError) or (
                            isinstance(result, bottle.HTTPResponse) and result.status_code >= 400
                        ):
                            raise _RollBack(result)
                if passthrough is not None:
                    raise passthrough
                return result
            except _RollBack as rolled_back:
                return rolled_back.response
            finally:
                audit.leave_request(context)
                if opened:
                    release_db()

        if not self.json_errors:
            return per_request

        def answering(*args: Any, **kwargs: Any) -> Any:
            try:
                return per_request(*args, **kwargs)
            except NestAuthError as exc:
                status, body, headers = refusal(exc)
                return json_response(body, status, headers)

        return answering

    def close(self) -> None:
        db = self.db
        if db is not None and hasattr(db, "close_all"):
            db.close_all()

    # --- request authentication ---------------------------------------------------------

    def authorize(self, **checks: Any) -> Identity:
        """Authenticate (and authorize) the current request; raises the typed refusal."""
        environ = bottle.request.environ
        identity = self.request_auth.authorize(_BottleView(), known=environ.get(_IDENTITY), **checks)
        environ[_IDENTITY] = identity
        return identity

    @property
    def identity(self) -> Identity | None:
        """The caller of the current request (authenticating it now if needed), or ``None``."""
        identity = bottle.request.environ.get(_IDENTITY)
        if identity is None:
            try:
                identity = self.authorize()
            except NestAuthError:
                return None
        return cast("Identity", identity)

    @property
    def current_user(self) -> User | None:
        """The signed-in user of the current request (read on first use), or ``None``."""
        environ = bottle.request.environ
        if _USER not in environ:
            identity = self.identity
            environ[_USER] = None if identity is None else self.request_auth.user(identity)
        return cast("User | None", environ[_USER])

    @property
    def current_session(self) -> Session | None:
        """The session behind the access token (one query), or ``None``."""
        identity = self.identity
        return None if identity is None else self.request_auth.session(identity)

    def _guarded(self, view: F, checks: dict[str, Any]) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                self.authorize(**checks)
            except NestAuthError as exc:
                status, body, headers = refusal(exc)
                return json_response(body, status, headers)
            return view(*args, **kwargs)

        return cast("F", wrapper)

    def csrf_token(self) -> str:
        """The CSRF token of the current request's session (for a form's hidden field)."""
        identity = self.identity
        if identity is None or identity.session_id is None:
            raise bottle.HTTPError(401, "Not signed in.")
        return self.request_auth.csrf_token(identity.session_id)

    def set_session_cookies(self, issued: IssuedSession, response: Any = None) -> None:
        """Cookie mode: put a new or refreshed session's cookies on the response."""
        target = bottle.response if response is None else response
        for c in self.request_auth.session_cookies(issued):
            target.set_cookie(c.name, c.value, max_age=c.max_age, path=c.path, secure=c.secure,
                              httponly=c.http_only, samesite=c.same_site.lower())

    def clear_session_cookies(self, response: Any = None) -> None:
        """Cookie mode: delete the session's cookies (sign-out)."""
        target = bottle.response if response is None else response
        for c in self.request_auth.clearing_cookies():
            target.set_cookie(c.name, "", max_age=0, expires=0, path=c.path, secure=c.secure,
                              httponly=c.http_only, samesite=c.same_site.lower())

    def refresh_from_cookie(self, *, check_csrf: bool = True) -> IssuedSession:
        """Cookie mode: rotate the session of the refresh cookie (CSRF token checked first)."""
        return self.request_auth.refresh_from_cookie(
            _BottleView(), user_agent=bottle.request.get_header("User-Agent"),
            ip_address=bottle.request.remote_addr, check_csrf=check_csrf)


class _BottleView:
    """The current Bottle request, as :class:`RequestView`."""

    @property
    def method(self) -> str:
        return str(bottle.request.method)

    def header(self, name: str) -> str | None:
        # Read the WSGI value ourselves: Bottle's own decoding raises on bytes that are not UTF-8.
        raw = bottle.request.environ.get("HTTP_" + name.upper().replace("-", "_"))
        if raw is None:
            return None
        return str(raw).encode("latin-1", "replace").decode("utf-8", "replace")

    def cookie(self, name: str) -> str | None:
        return cast("str | None", bottle.request.get_cookie(name))

    def url_arg(self, name: str) -> str | None:
        value = bottle.request.url_args.get(name)
        return None if value is None else str(value)

    def query_arg(self, name: str) -> str | None:
        return cast("str | None", bottle.request.query.getunicode(name))

    def form_field(self, name: str) -> str | None:
        if bottle.request.content_type.split(";")[0].strip() not in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            return None
        return cast("str | None", bottle.request.forms.getunicode(name))
