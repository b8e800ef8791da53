"""Who is calling, may they do this, and the browser's cookies: the part the Flask and Bottle glue share.

Nothing here imports a web framework. Each integration hands a
:class:`RequestView` (headers, cookies, URL and query parameters, form fields)
to a :class:`RequestAuth` and turns its typed refusals into the JSON answers of
:mod:`nestauth_peewee.integrations.http`.

Credentials, in the order they are looked for:

1. ``Authorization: Bearer <access token>`` (the signed token of
   :meth:`SessionService.create <nestauth_peewee.services.sessions.SessionService.create>`);
   checked without a query, or against the session row in strict mode;
2. ``X-API-Key: <key>``, on routes that allow API keys;
3. in cookie mode with an access cookie (server-rendered apps): the access token
   from that HttpOnly cookie. A request authenticated this way that is not GET,
   HEAD or OPTIONS must carry the session's CSRF token (header or form field).

The refresh token is never a credential here: it goes to the refresh endpoint
only, in the body or (cookie mode) in a cookie scoped to that endpoint's path.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .. import errors
from .. import secrets as tokens
from ..access_tokens import AccessClaims
from ..models import AccessKey, Session, Tenant, User

if TYPE_CHECKING:
    from ..services.bundle import AuthServices
    from ..services.sessions import IssuedSession

__all__ = ["RequestView", "Identity", "CookieMode", "Cookie", "RequestAuth", "TenantSource",
           "from_header", "from_url_arg", "from_query_arg", "SAFE_METHODS", "CONFIGURED_TENANT",
           "RouteDecorators"]

#: Methods that must not change state, so need no CSRF token.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_CSRF_PURPOSE = "csrf-token"


class RequestView(Protocol):
    """The few things of a request that authentication reads."""

    @property
    def method(self) -> str: ...
    def header(self, name: str) -> str | None: ...
    def cookie(self, name: str) -> str | None: ...
    def url_arg(self, name: str) -> str | None: ...
    def query_arg(self, name: str) -> str | None: ...
    def form_field(self, name: str) -> str | None: ...


class _Configured:
    def __repr__(self) -> str:
        return "CONFIGURED_TENANT"


#: A decorator's default ``tenant=``: the source the extension or plugin was given.
CONFIGURED_TENANT: Any = _Configured()

#: Where a route's tenant comes from: returns a tenant id (``uuid.UUID``), a slug (``str``),
#: a :class:`~nestauth_peewee.models.Tenant`, or ``None`` for the global scope.
TenantSource = Callable[[RequestView], Any]


def from_header(name: str = "X-Tenant", *, by: str = "slug") -> TenantSource:
    """The tenant named by a request header (its slug, or its id with ``by="id"``)."""
    return _source(lambda view: view.header(name), by, name)


def from_url_arg(name: str = "tenant", *, by: str = "slug") -> TenantSource:
    """The tenant named by a URL parameter of the route (``/t/<tenant>/reports``)."""
    return _source(lambda view: view.url_arg(name), by, name)


def from_query_arg(name: str = "tenant", *, by: str = "slug") -> TenantSource:
    """The tenant named by a query-string parameter (``?tenant=acme``)."""
    return _source(lambda view: view.query_arg(name), by, name)


def _source(read: Callable[[RequestView], str | None], by: str, name: str) -> TenantSource:
    if by not in ("slug", "id"):
        raise errors.ConfigurationError(f"A tenant source reads a slug or an id, not {by!r}.")

    def source(view: RequestView) -> Any:
        value = read(view)
        if not value:
            return None
        if by == "slug":
            return value
        try:
            return uuid.UUID(value)
        except ValueError:
            raise errors.InvalidValue(f"{name} is not a tenant id.", field=name) from None

    return source


@dataclass(frozen=True)
class Identity:
    """The authenticated caller of one request."""

    user_id: uuid.UUID
    #: ``"access_token"`` or ``"api_key"``.
    method: str
    #: The session behind an access token (``None`` for an API key).
    session_id: uuid.UUID | None = None
    claims: AccessClaims | None = None
    #: The session row, when it was read (strict mode); ``session.user`` is loaded.
    session: Session | None = None
    #: The API key, when one authenticated the request; ``access_key.user`` is loaded.
    access_key: AccessKey | None = None
    #: Whether the access token came from a cookie (then unsafe methods need the CSRF token).
    via_cookie: bool = False

    @property
    def loaded_user(self) -> User | None:
        """The user row if authentication already read it (strict mode, API keys), else ``None``."""
        if self.session is not None:
            return self.session.user
        if self.access_key is not None:
            return self.access_key.user
        return None


@dataclass(frozen=True)
class Cookie:
    """One ``Set-Cookie`` for the framework to send (``max_age=0`` deletes it)."""

    name: str
    value: str
    path: str
    max_age: int
    http_only: bool
    secure: bool
    same_site: str


@dataclass(frozen=True)
class CookieMode:
    """Browser sessions: the refresh token in a cookie only its endpoint sees, CSRF on cookie auth.

    ``refresh_path`` must be the path of the app's refresh route (the cookie is
    sent nowhere else). ``access_cookie`` is off by default (single-page apps keep
    the access token in memory and send it as a bearer token); name it for a
    server-rendered app whose pages authenticate by cookie. ``secure=False`` is for
    plain-HTTP development only.
    """

    refresh_path: str = "/refresh"
    refresh_cookie: str = "nestauth_refresh"
    access_cookie: str | None = None
    access_path: str = "/"
    csrf_cookie: str = "nestauth_csrf"
    csrf_header: str = "X-CSRF-Token"
    csrf_field: str = "csrf_token"
    secure: bool = True
    same_site: str = "Strict"

    def __post_init__(self) -> None:
        if not self.refresh_path.startswith("/") or not self.access_path.startswith("/"):
            raise errors.ConfigurationError("Cookie paths start with '/'.")
        if self.same_site not in ("Strict", "Lax"):
            raise errors.ConfigurationError("same_site is 'Strict' (the default) or 'Lax'.")


class RequestAuth:
    """Authentication and authorization of requests, for any framework.

    ``api_keys``: whether routes accept ``X-API-Key`` unless they say otherwise;
    ``tenant``: the default :data:`TenantSource` of permission and role checks;
    ``cookies``: a :class:`CookieMode` to turn browser sessions on; ``strict``:
    check the session row of every access token (default
    ``Settings.access_token_strict``).
    """

    def __init__(self, services: AuthServices, *, api_keys: bool = False, tenant: TenantSource | None = None,
                 cookies: CookieMode | None = None, strict: bool | None = None,
                 api_key_header: str = "X-API-Key") -> None:
        self.services = services
        self.api_keys = api_keys
        self.tenant = tenant
        self.cookies = cookies
        self.strict = services.settings.access_token_strict if strict is None else strict
        self.api_key_header = api_key_header

    # --- who is calling -----------------------------------------------------------

    def identify(self, view: RequestView, *, api_keys: bool | None = None,
                 strict: bool | None = None) -> Identity:
        """The caller, or a typed refusal (401 through :func:`~.http.status_for`)."""
        strict = self.strict if strict is None else strict
        allow_keys = self.api_keys if api_keys is None else api_keys
        header = view.header("Authorization")
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise errors.InvalidAccessToken("Send Authorization: Bearer <access token>.")
            return self._from_token(token.strip(), strict, via_cookie=False)
        presented_key = view.header(self.api_key_header)
        if presented_key is not None:
            if not allow_keys:
                raise errors.AuthenticationRequired("This route takes an access token, not an API key.")
            key = self.services.access_keys.verify(presented_key)
            return Identity(user_id=key.user_id, method="api_key", access_key=key)
        mode = self.cookies
        if mode is not None and mode.access_cookie:
            cookie = view.cookie(mode.access_cookie)
            if cookie:
                identity = self._from_token(cookie, strict, via_cookie=True)
                if view.method.upper() not in SAFE_METHODS:
                    assert identity.session_id is not None
                    self.check_csrf(view, identity.session_id)
                return identity
        raise errors.AuthenticationRequired()

    def authorize(self, view: RequestView, *, known: Identity | None = None,
                  permissions: Iterable[str] = (), roles: Iterable[str] = (),
                  tenant: TenantSource | None = CONFIGURED_TENANT, require: str = "all",
                  api_keys: bool | None = None, strict: bool | None = None) -> Identity:
        """What a route decorator checks: the caller (reusing ``known`` when it will do), then
        the permissions and roles in the route's tenant. Raises the typed refusal."""
        identity = known if known is not None and self._will_do(known, api_keys, strict) else None
        if identity is None:
            identity = self.identify(view, api_keys=api_keys, strict=strict)
        permissions, roles = list(permissions), list(roles)
        if permissions or roles:
            source = self.tenant if tenant is CONFIGURED_TENANT else tenant
            tenant_id = self.tenant_id(view, source)
            if permissions:
                self.require_permission(identity, permissions, tenant_id, require=require)
            if roles:
                self.require_role(identity, roles, tenant_id, require=require)
        return identity

    def _will_do(self, identity: Identity, api_keys: bool | None, strict: bool | None) -> bool:
        if identity.method == "api_key" and not (self.api_keys if api_keys is None else api_keys):
            return False
        wants_strict = self.strict if strict is None else strict
        return not (wants_strict and identity.method == "access_token" and identity.session is None)

    def _from_token(self, token: str, strict: bool, *, via_cookie: bool) -> Identity:
        sessions = self.services.sessions
        if strict:
            session = sessions.authenticate_access_token(token)
            return Identity(user_id=session.user_id, method="access_token", session_id=session.id,
                            session=session, via_cookie=via_cookie)
        claims = sessions.check_access_token(token)
        return Identity(user_id=claims.user_id, method="access_token", session_id=claims.session_id,
                        claims=claims, via_cookie=via_cookie)

    def user(self, identity: Identity) -> User:
        """The caller's user row (read now unless authentication already read it)."""
        return identity.loaded_user or self.services.users.get(identity.user_id)

    def session(self, identity: Identity) -> Session | None:
        """The caller's session row (``None`` for an API key); one query unless already read."""
        if identity.session is not None or identity.session_id is None:
            return identity.session
        try:
            return self.services.sessions.get(identity.session_id, user_id=identity.user_id)
        except errors.SessionNotFound:  # revoked since the token was issued
            raise errors.InvalidAccessToken("The session of this access token has ended.") from None

    # --- may they ---------------------------------------------------------------------

    def tenant_id(self, view: RequestView, source: TenantSource | None) -> uuid.UUID | None:
        """The tenant a check runs in: ``None`` (global), an id, or a slug looked up (one query)."""
        if source is None:
            return None
        value = source(view)
        if value is None:
            return None
        if isinstance(value, Tenant):
            return value.id
        if isinstance(value, uuid.UUID):
            return value
        if isinstance(value, str):
            return self.services.tenants.get_by_slug(value).id
        raise errors.ConfigurationError(f"A tenant source returned {type(value).__name__}; "
                                        "return a UUID, a slug, a Tenant or None.")

    def require_permission(self, identity: Identity, permissions: str | Iterable[str],
                           tenant_id: uuid.UUID | None, *, require: str = "all") -> None:
        """:class:`~nestauth_peewee.errors.PermissionDenied` unless the caller holds them (one query)."""
        wanted = [permissions] if isinstance(permissions, str) else list(permissions)
        if not self.services.authorization.has_permission(identity.user_id, wanted, tenant_id,
                                                          require=require):  # type: ignore[arg-type]
            raise errors.PermissionDenied(_needs("permission", wanted, require), permissions=wanted)

    def require_role(self, identity: Identity, roles: str | Iterable[str], tenant_id: uuid.UUID | None, *,
                     require: str = "all") -> None:
        """:class:`~nestauth_peewee.errors.PermissionDenied` unless the caller holds the roles."""
        wanted = [roles] if isinstance(roles, str) else list(roles)
        if not self.services.authorization.has_role(identity.user_id, wanted, tenant_id,
                                                    require=require):  # type: ignore[arg-type]
            raise errors.PermissionDenied(_needs("role", wanted, require), roles=wanted)

    # --- browser sessions -------------------------------------------------------------

    def _mode(self) -> CookieMode:
        if self.cookies is None:
            raise errors.ConfigurationError("Cookie mode is off: pass cookies=CookieMode(...).")
        return self.cookies

    def csrf_token(self, session_id: uuid.UUID) -> str:
        """The session's CSRF token: an HMAC of its id under the app key (a signed double-submit token)."""
        key = self.services.settings.require_secret_key()
        return tokens.short_digest(key, _CSRF_PURPOSE, session_id.hex, nbytes=32)

    def check_csrf(self, view: RequestView, session_id: uuid.UUID) -> None:
        """:class:`~nestauth_peewee.errors.CsrfRejected` unless the request carries the session's token."""
        mode = self._mode()
        presented = view.header(mode.csrf_header) or view.form_field(mode.csrf_field)
        if not tokens.digests_equal(presented, self.csrf_token(session_id)):
            raise errors.CsrfRejected()

    def refresh_from_cookie(self, view: RequestView, *, user_agent: str | None = None,
                            ip_address: str | None = None, check_csrf: bool = True) -> IssuedSession:
        """Rotate the session whose refresh token is in the cookie; the CSRF token is checked first.

        ``check_csrf=False`` is for a GET navigation only (see docs/security.md):
        the ``SameSite=Strict`` cookie is then the only guard.
        """
        mode = self._mode()
        token = view.cookie(mode.refresh_cookie)
        if not token:
            raise errors.AuthenticationRequired("No session cookie: sign in first.")
        parsed = tokens.parse_id_token(token)
        if parsed is None:
            raise errors.InvalidRefreshToken()
        if check_csrf:
            self.check_csrf(view, parsed[0])
        return self.services.sessions.refresh(token, user_agent=user_agent, ip_address=ip_address)

    def refresh_cookie_session(self, view: RequestView) -> uuid.UUID | None:
        """The session id named by the refresh cookie (unchecked: for sign-out), or ``None``."""
        mode = self._mode()
        parsed = tokens.parse_id_token(view.cookie(mode.refresh_cookie))
        return parsed[0] if parsed is not None else None

    def session_cookies(self, issued: IssuedSession) -> list[Cookie]:
        """The cookies that carry a new or refreshed session to the browser."""
        mode = self._mode()
        settings = self.services.settings
        refresh_age = int(settings.refresh_token_validity.total_seconds())
        cookies = [
            Cookie(mode.refresh_cookie, issued.refresh_token, mode.refresh_path, refresh_age, True,
                   mode.secure, mode.same_site),
            # Readable by the page's script (not HttpOnly): it echoes it in the CSRF header.
            Cookie(mode.csrf_cookie, self.csrf_token(issued.session.id), "/", refresh_age, False,
                   mode.secure, mode.same_site),
        ]
        if mode.access_cookie:
            cookies.append(Cookie(mode.access_cookie, issued.access_token, mode.access_path,
                                  int(settings.access_token_validity.total_seconds()), True,
                                  mode.secure, mode.same_site))
        return cookies

    def clearing_cookies(self) -> list[Cookie]:
        """Cookies that delete the session's cookies (sign-out)."""
        mode = self._mode()
        names = [(mode.refresh_cookie, mode.refresh_path, True), (mode.csrf_cookie, "/", False)]
        if mode.access_cookie:
            names.append((mode.access_cookie, mode.access_path, True))
        return [Cookie(name, "", path, 0, http_only, mode.secure, mode.same_site)
                for name, path, http_only in names]


F = TypeVar("F", bound=Callable[..., Any])


class RouteDecorators:
    """``auth_required``, ``permission_required`` and ``role_required`` over one framework's
    ``guard(view, checks)``, which wraps a view so that it runs after ``authorize(**checks)``."""

    def __init__(self, guard: Callable[[Any, dict[str, Any]], Any]) -> None:
        self._guard = guard

    def auth_required(self, view: F | None = None, *, api_keys: bool | None = None,
                      strict: bool | None = None) -> Any:
        """The route needs an access token (or an API key where allowed); 401 JSON otherwise.

        ``@auth_required`` or ``@auth_required(api_keys=True, strict=True)``.
        """
        checks = {"api_keys": api_keys, "strict": strict}
        if view is not None:
            return self._guard(view, checks)
        return lambda fn: self._guard(fn, checks)

    def permission_required(self, *permissions: str, tenant: TenantSource | None = CONFIGURED_TENANT,
                            require: str = "all", api_keys: bool | None = None,
                            strict: bool | None = None) -> Callable[[F], F]:
        """The caller must hold the permissions (all, or any with ``require="any"``) in the tenant
        from ``tenant`` (default: the configured source; ``None``: the global scope); 401/403 JSON."""
        checks = {"permissions": list(permissions), "tenant": tenant, "require": require,
                  "api_keys": api_keys, "strict": strict}
        return lambda view: self._guard(view, checks)

    def role_required(self, *roles: str, tenant: TenantSource | None = CONFIGURED_TENANT,
                      require: str = "all", api_keys: bool | None = None,
                      strict: bool | None = None) -> Callable[[F], F]:
        """The caller must hold the named active roles in the tenant; 401/403 JSON otherwise."""
        checks = {"roles": list(roles), "tenant": tenant, "require": require, "api_keys": api_keys,
                  "strict": strict}
        return lambda view: self._guard(view, checks)


def _needs(kind: str, names: list[str], require: str) -> str:
    joined = (" and " if require == "all" else " or ").join(names)
    return f"You need the {joined} {kind}{'s' if len(names) > 1 and require == 'all' else ''}."
