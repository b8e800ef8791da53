"""Request authentication on Flask and Bottle: the decorators, tenant sources, cookie mode with CSRF,
the one 401/403 JSON shape, and the Flask-Login recipe - through real WSGI requests."""

from __future__ import annotations

import uuid
from typing import Any

import bottle
import flask
import pytest
from _wsgi_client import WsgiClient
from support import CHEAP, count_queries

import nestauth_peewee
from nestauth_peewee import AuthServices, errors
from nestauth_peewee.config import Settings
from nestauth_peewee.integrations import flask as nf
from nestauth_peewee.integrations.bottle import NestAuthPlugin
from nestauth_peewee.integrations.request_auth import (
    CookieMode,
    RequestAuth,
    from_header,
    from_query_arg,
    from_url_arg,
)

SETTINGS = Settings(secret_key="request-auth-test-key-" + "k" * 32, argon2=CHEAP)
COOKIES = CookieMode(refresh_path="/auth/refresh", access_cookie="access")


# --- the same routes on both frameworks ------------------------------------------------------

def build_flask(url: str, **options: Any) -> tuple[Any, Any]:
    app = flask.Flask("request_auth")
    app.config["NESTAUTH_DATABASE_URL"] = url
    ext = nf.NestAuth(app, settings=SETTINGS, tenant=from_header("X-Tenant"), cookies=COOKIES, **options)
    g = nf.auth_required, nf.permission_required, nf.role_required
    _routes(app, *g, user=lambda: nf.current_user, session=lambda: nf.current_session,
            identity=nf.current_identity, services=ext.services,
            set_cookies=lambda issued: ext.set_session_cookies(flask.jsonify(ok=True), issued),
            clear_cookies=lambda: ext.clear_session_cookies(flask.jsonify(ok=True)),
            refresh=ext.refresh_from_cookie, csrf=ext.csrf_token, form=lambda name: flask.request.form.get(name))
    return app, ext.db


def build_bottle(url: str, **options: Any) -> tuple[Any, Any]:
    app = bottle.Bottle()
    plugin = NestAuthPlugin(url, settings=SETTINGS, tenant=from_header("X-Tenant"), cookies=COOKIES,
                            json_errors=True, **options)
    app.install(plugin)

    def set_cookies(issued: Any) -> Any:
        plugin.set_session_cookies(issued)
        return {"ok": True}

    def clear_cookies() -> Any:
        plugin.clear_session_cookies()
        return {"ok": True}

    _routes(app, plugin.auth_required, plugin.permission_required, plugin.role_required,
            user=lambda: plugin.current_user, session=lambda: plugin.current_session,
            identity=lambda: plugin.identity, services=plugin.services, set_cookies=set_cookies,
            clear_cookies=clear_cookies, refresh=plugin.refresh_from_cookie, csrf=plugin.csrf_token,
            form=lambda name: bottle.request.forms.getunicode(name))
    return app, plugin.db


def _routes(app: Any, auth_required: Any, permission_required: Any, role_required: Any, *, user: Any,
            session: Any, identity: Any, services: AuthServices, set_cookies: Any, clear_cookies: Any,
            refresh: Any, csrf: Any, form: Any) -> None:
    def me() -> Any:
        return {"email": user().email, "session": session().id.hex}

    def whoami() -> Any:
        return {"user_id": identity().user_id.hex}

    def keyed() -> Any:
        return {"via": identity().method, "email": user().email}

    def strict() -> Any:
        return {"session": identity().session.id.hex}

    def reports(**_: Any) -> Any:
        return {"reports": ["q3"]}

    def tenant_reports(tenant: str) -> Any:
        return {"reports": [tenant]}

    def admin() -> Any:
        return {"admin": True}

    # Refusals are raised, not answered here: the JSON answer comes from the extension's error
    # handler (Flask) or the plugin's json_errors (Bottle), after a refusal's own writes (the
    # revocation of a replayed session) were committed.
    def login() -> Any:
        found = services.users.authenticate(email=form("email"), password=form("password"))
        return set_cookies(services.sessions.create(found.id))

    def do_refresh() -> Any:
        return set_cookies(refresh())

    def action() -> Any:
        return {"done": True}

    def form_token() -> Any:
        return {"csrf": csrf()}

    def logout() -> Any:
        services.sessions.revoke(identity().session_id)
        return clear_cookies()

    routes = [
        ("GET", "/me", auth_required(me)),
        ("GET", "/whoami", auth_required(whoami)),
        ("GET", "/keyed", auth_required(api_keys=True)(keyed)),
        ("GET", "/strict", auth_required(strict=True)(strict)),
        ("GET", "/reports", permission_required("reports.read", api_keys=True)(reports)),
        ("GET", "/any-report", permission_required("reports.read", "reports.write", require="any")(reports)),
        ("GET", "/all-reports", permission_required("reports.read", "reports.write")(reports)),
        ("GET", "/global-reports", permission_required("reports.read", tenant=None)(reports)),
        ("GET", "/query-reports", permission_required("reports.read", tenant=from_query_arg("org"))(reports)),
        ("GET", "/acme-reports", permission_required(
            "reports.read", tenant=lambda view: services.tenants.get_by_slug("acme"))(reports)),
        ("GET", "/admin", role_required("admin")(admin)),
        ("POST", "/login", login),
        ("POST", "/auth/refresh", do_refresh),
        ("POST", "/action", auth_required(action)),
        ("GET", "/action", auth_required(action)),
        ("GET", "/csrf", auth_required(form_token)),
        ("POST", "/logout", auth_required(logout)),
    ]
    if isinstance(app, bottle.Bottle):
        for method, path, view in routes:
            app.route(path, method=method)(view)
        app.route("/t/<tenant>/reports", method="GET")(
            permission_required("reports.read", tenant=from_url_arg("tenant"))(tenant_reports))
    else:
        for method, path, view in routes:
            app.add_url_rule(path, endpoint=f"{method}{path}", view_func=view, methods=[method])
        app.add_url_rule("/t/<tenant>/reports", view_func=permission_required(
            "reports.read", tenant=from_url_arg("tenant"))(tenant_reports))


@pytest.fixture(params=["flask", "bottle"])
def make_client(request: pytest.FixtureRequest, db, db_url):
    made = []

    def make(**options: Any) -> tuple[WsgiClient, Any]:
        build = build_flask if request.param == "flask" else build_bottle
        app, app_db = build(db_url, **options)
        made.append(app_db)
        return WsgiClient(request.param, app), app_db

    yield make
    nestauth_peewee.database.initialize(db)


@pytest.fixture
def client(make_client):
    return make_client()


def seed(app_db: Any, email: str = "ann@example.com") -> dict[str, Any]:
    auth = AuthServices(SETTINGS)
    with app_db.connection_context():
        user = auth.users.register(email=email, password="a long passphrase")
        issued = auth.sessions.create(user.id)
    return {"user": user, "issued": issued, "auth": auth,
            "bearer": {"Authorization": f"Bearer {issued.access_token}"}}


def grant(app_db: Any, user: Any, *, tenant: str | None = None, role: str = "reader",
          permissions: tuple[str, ...] = ("reports.read",)) -> Any:
    auth = AuthServices(SETTINGS)
    with app_db.connection_context():
        auth.permissions.register(["reports.read", "reports.write"])
        tenant_id = None
        if tenant is not None:
            found = auth.tenants.list_tenants(search=tenant)
            tenant_id = found[0].id if found else auth.tenants.create(tenant.title(), slug=tenant).id
        auth.roles.create(role, tenant_id=tenant_id, permissions=list(permissions))
        auth.memberships.ensure(user.id, tenant_id)
        auth.memberships.set_roles_by_name(user.id, tenant_id, [role])
    return tenant_id


class TestAuthentication:
    """Who is calling: bearer tokens, strict mode, malformed headers, API keys."""

    @pytest.mark.parametrize("dialect", ["sqlite", "postgres"], indirect=True)
    def test_no_credential_is_a_401_in_the_documented_shape(self, client):
        reply = client[0].call("GET", "/me")
        assert reply.status == 401
        assert reply.json == {"error": "AUTHENTICATION_REQUIRED",
                              "message": "Sign in first: send Authorization: Bearer <access token>."}
        assert reply.header("WWW-Authenticate") == "Bearer"

    def test_an_access_token_authenticates_and_current_user_and_session_load(self, client):
        http, app_db = client
        ann = seed(app_db)
        reply = http.call("GET", "/me", headers=ann["bearer"])
        assert reply.status == 200, reply.text
        assert reply.json == {"email": "ann@example.com", "session": ann["issued"].session.id.hex}

    def test_the_default_check_sends_no_query_strict_mode_one(self, client):
        http, app_db = client
        ann = seed(app_db)
        with count_queries(app_db) as queries:
            assert http.call("GET", "/whoami", headers=ann["bearer"]).json == {"user_id": ann["user"].id.hex}
        assert queries == []
        with count_queries(app_db) as queries:
            assert http.call("GET", "/strict", headers=ann["bearer"]).status == 200
        assert len(queries) == 1

    def test_revocation_counts_at_once_in_strict_mode_and_at_expiry_otherwise(self, client):
        http, app_db = client
        ann = seed(app_db)
        with app_db.connection_context():
            ann["auth"].sessions.revoke(ann["issued"].session.id)
        assert http.call("GET", "/whoami", headers=ann["bearer"]).status == 200  # until exp (15 min)
        reply = http.call("GET", "/strict", headers=ann["bearer"])
        assert (reply.status, reply.json["error"]) == (401, "INVALID_ACCESS_TOKEN")
        assert reply.header("WWW-Authenticate") == 'Bearer error="invalid_token"'
        # current_session reads the row: a revoked session is a 401, not a 500 or a 404.
        assert (http.call("GET", "/me", headers=ann["bearer"]).status) == 401

    def test_strict_mode_for_every_route_from_the_configuration(self, make_client):
        http, app_db = make_client(strict=True)
        ann = seed(app_db)
        with count_queries(app_db) as queries:
            assert http.call("GET", "/whoami", headers=ann["bearer"]).status == 200
        assert len(queries) == 1
        with app_db.connection_context():
            ann["auth"].sessions.revoke(ann["issued"].session.id)
        assert http.call("GET", "/whoami", headers=ann["bearer"]).status == 401

    @pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not-a-token",
                                        "bearer \xc3\xa9t\xc3\xa9\xff", "Bearer " + "A" * 5000])
    def test_malformed_authorization_headers_are_401(self, client, header):
        http, _db = client
        reply = http.call("GET", "/me", headers={"Authorization": header})
        assert reply.status == 401 and reply.json["error"] == "INVALID_ACCESS_TOKEN"

    def test_the_refresh_token_is_not_an_access_token(self, client):
        http, app_db = client
        ann = seed(app_db)
        reply = http.call("GET", "/me", headers={"Authorization": f"Bearer {ann['issued'].refresh_token}"})
        assert (reply.status, reply.json["error"]) == (401, "INVALID_ACCESS_TOKEN")

    def test_api_keys_only_where_the_route_allows_them(self, client):
        http, app_db = client
        ann = seed(app_db)
        with app_db.connection_context():
            key = {"X-API-Key": ann["auth"].access_keys.create(ann["user"].id, "ci").api_key}
        reply = http.call("GET", "/me", headers=key)
        assert (reply.status, reply.json["error"]) == (401, "AUTHENTICATION_REQUIRED")
        assert http.call("GET", "/keyed", headers=key).json == {"via": "api_key", "email": "ann@example.com"}
        bad = {"X-API-Key": key["X-API-Key"][:-4] + "AAAA"}
        assert http.call("GET", "/keyed", headers=bad).json["error"] == "INVALID_ACCESS_KEY"


class TestAuthorization:
    """What they may do: permission_required, role_required, tenant sources."""

    def test_permission_required_in_the_tenant_of_the_configured_header(self, client):
        http, app_db = client
        ann = seed(app_db)
        acme = {**ann["bearer"], "X-Tenant": "acme"}
        reply = http.call("GET", "/reports", headers=acme)
        assert (reply.status, reply.json["error"]) == (404, "TENANT_NOT_FOUND")
        grant(app_db, ann["user"], tenant="acme")
        assert http.call("GET", "/reports", headers=acme).status == 200
        denied = http.call("GET", "/reports", headers=ann["bearer"])  # no header: the global scope
        assert denied.status == 403
        assert denied.json == {"error": "PERMISSION_DENIED", "message": "You need the reports.read permission."}
        assert http.call("GET", "/global-reports", headers=acme).status == 403  # tenant=None ignores the header
        assert http.call("GET", "/t/acme/reports", headers=ann["bearer"]).json == {"reports": ["acme"]}
        assert http.call("GET", "/t/other/reports", headers=ann["bearer"]).status == 404
        assert http.call("GET", "/query-reports?org=acme", headers=ann["bearer"]).status == 200
        assert http.call("GET", "/query-reports", headers=ann["bearer"]).status == 403
        assert http.call("GET", "/acme-reports", headers=ann["bearer"]).status == 200
        # 401 comes before 403: no credential, no permission check.
        assert http.call("GET", "/reports", headers={"X-Tenant": "acme"}).status == 401

    def test_all_or_any_of_several_permissions_and_api_keys_are_checked_too(self, client):
        http, app_db = client
        ann = seed(app_db)
        grant(app_db, ann["user"])
        assert http.call("GET", "/any-report", headers=ann["bearer"]).status == 200
        reply = http.call("GET", "/all-reports", headers=ann["bearer"])
        assert reply.status == 403 and "reports.read and reports.write" in reply.json["message"]
        with app_db.connection_context():
            key = ann["auth"].access_keys.create(ann["user"].id, "ci").api_key
        assert http.call("GET", "/reports", headers={"X-API-Key": key}).status == 200

    def test_role_required(self, client):
        http, app_db = client
        ann = seed(app_db)
        assert http.call("GET", "/admin", headers=ann["bearer"]).json["error"] == "PERMISSION_DENIED"
        grant(app_db, ann["user"], role="admin")
        assert http.call("GET", "/admin", headers=ann["bearer"]).json == {"admin": True}

    def test_a_tenant_source_must_read_a_slug_or_an_id(self):
        with pytest.raises(errors.ConfigurationError):
            from_header("X-Tenant", by="name")

    def test_a_tenant_id_source_refuses_what_is_not_an_id(self, client):
        source = from_header("X-Org", by="id")

        class View:
            method = "GET"

            def header(self, name):
                return {"X-Org": "not-an-id"}.get(name)

        with pytest.raises(errors.InvalidValue):
            source(View())
        tenant_id = uuid.uuid4()
        View.header = lambda self, name: str(tenant_id)
        assert source(View()) == tenant_id
        assert RequestAuth(AuthServices(SETTINGS)).tenant_id(View(), source) == tenant_id


class TestCookieMode:
    """Cookie mode: scoped cookies, the CSRF token, refresh-cookie replay."""

    def test_cookie_mode_sets_scoped_httponly_strict_cookies_and_refresh_needs_the_csrf_token(self, client):
        http, app_db = client
        seed(app_db)
        reply = http.call("POST", "/login", form={"email": "ann@example.com", "password": "a long passphrase"})
        assert reply.status == 200, reply.text
        cookies = {name: value.lower() for name, value in reply.set_cookies().items()}
        assert set(cookies) == {"nestauth_refresh", "nestauth_csrf", "access"}
        for name, attributes in cookies.items():
            assert "secure" in attributes and "samesite=strict" in attributes, attributes
            assert ("httponly" in attributes) == (name != "nestauth_csrf"), attributes
        assert "path=/auth/refresh" in cookies["nestauth_refresh"]
        refresh_token = http.cookie("nestauth_refresh", "/auth/refresh")
        csrf = http.cookie("nestauth_csrf")
        assert refresh_token and csrf

        refused = http.call("POST", "/auth/refresh")
        assert (refused.status, refused.json["error"]) == (403, "CSRF_REJECTED")
        wrong = http.call("POST", "/auth/refresh", headers={"X-CSRF-Token": "A" * len(csrf)})
        assert wrong.status == 403
        assert http.call("POST", "/auth/refresh", headers={"X-CSRF-Token": csrf}).status == 200
        assert http.cookie("nestauth_refresh", "/auth/refresh") != refresh_token  # rotated
        assert http.cookie("nestauth_csrf") == csrf  # bound to the session, which lives on

    def test_cookie_authenticated_unsafe_requests_need_the_csrf_token(self, client):
        http, app_db = client
        seed(app_db)
        http.call("POST", "/login", form={"email": "ann@example.com", "password": "a long passphrase"})
        assert http.call("GET", "/action").json == {"done": True}  # safe method: the cookie is enough
        refused = http.call("POST", "/action")
        assert (refused.status, refused.json["error"]) == (403, "CSRF_REJECTED")
        token = http.call("GET", "/csrf").json["csrf"]
        assert token == http.cookie("nestauth_csrf")
        assert http.call("POST", "/action", form={"csrf_token": token}).json == {"done": True}
        assert http.call("POST", "/action", headers={"X-CSRF-Token": token}).json == {"done": True}

        assert http.call("POST", "/logout", headers={"X-CSRF-Token": token}).status == 200
        assert http.cookie("access") is None and http.cookie("nestauth_refresh", "/auth/refresh") is None
        assert http.call("POST", "/auth/refresh", headers={"X-CSRF-Token": token}).status == 401

    def test_a_replayed_refresh_cookie_revokes_the_session(self, client):
        http, app_db = client
        seed(app_db)
        http.call("POST", "/login", form={"email": "ann@example.com", "password": "a long passphrase"})
        csrf = http.cookie("nestauth_csrf")
        first = http.cookie("nestauth_refresh", "/auth/refresh")
        assert http.call("POST", "/auth/refresh", headers={"X-CSRF-Token": csrf}).status == 200
        thief = WsgiClient(http.framework, http.app, cookies=False)
        replay = thief.call("POST", "/auth/refresh", headers={
            "X-CSRF-Token": csrf, "Cookie": f"nestauth_refresh={first}"})
        assert (replay.status, replay.json["error"]) == (401, "INVALID_REFRESH_TOKEN")
        assert http.call("POST", "/auth/refresh", headers={"X-CSRF-Token": csrf}).status == 401  # revoked

    def test_cookie_paths_and_same_site_are_checked_at_configuration(self):
        with pytest.raises(errors.ConfigurationError):
            CookieMode(refresh_path="auth/refresh")
        with pytest.raises(errors.ConfigurationError):
            CookieMode(same_site="None")
        with pytest.raises(errors.ConfigurationError):
            RequestAuth(AuthServices(SETTINGS)).clearing_cookies()


class TestFlaskLogin:
    """Beside Flask-Login: the user_loader recipe."""

    def test_the_flask_login_user_loader_recipe(self, db, db_url):
        """docs/flask.md's recipe: Flask-Login keeps the nest-auth session id; revoking it signs out."""
        import flask_login

        app = flask.Flask("with_flask_login")
        app.secret_key = "flask-session-key-" + "x" * 32
        app.config["NESTAUTH_DATABASE_URL"] = db_url
        nestauth = nf.NestAuth(app, settings=SETTINGS)
        login_manager = flask_login.LoginManager(app)

        class LoginUser(flask_login.UserMixin):
            def __init__(self, session):
                self.session, self.user = session, session.user

            def get_id(self):
                return self.session.id.hex  # the nest-auth session, not the user

        @login_manager.user_loader
        def load_user(session_id):
            try:
                return LoginUser(nestauth.sessions.get(session_id))
            except (errors.SessionNotFound, errors.InvalidValue):
                return None  # revoked, expired or deactivated: signed out

        @app.post("/login")
        def login():
            form = flask.request.form
            user = nestauth.users.authenticate(email=form["email"], password=form["password"])
            flask_login.login_user(LoginUser(nestauth.sessions.create(user.id).session))
            return {"ok": True}

        @app.get("/profile")
        @flask_login.login_required
        def profile():
            return {"email": flask_login.current_user.user.email}

        try:
            with nestauth.db.connection_context():
                user = nestauth.users.register(email="fl@example.com", password="a long passphrase")
            browser = app.test_client()
            assert browser.get("/profile").status_code == 401
            assert browser.post("/login", data={"email": "fl@example.com", "password": "a long passphrase"}
                                ).status_code == 200
            assert browser.get("/profile").json == {"email": "fl@example.com"}
            with nestauth.db.connection_context():
                assert nestauth.sessions.revoke_all(user.id) == 1
            assert browser.get("/profile").status_code == 401
        finally:
            nestauth_peewee.database.initialize(db)


def test_signed_in_user_is_the_object_current_user_stands_for(db, db_url):
    app, app_db = build_flask(db_url)
    seen: dict[str, Any] = {}

    @app.get("/who")
    def who() -> Any:
        user = nf.signed_in_user()
        seen["same"] = user is not None and user is nf.current_user._get_current_object()  # type: ignore[union-attr]
        return {"email": None if user is None else user.email}

    @app.get("/anyone")
    def anyone() -> Any:
        return {"user": nf.signed_in_user() is None}

    http = WsgiClient("flask", app)
    try:
        ann = seed(app_db)
        assert http.call("GET", "/who", headers=ann["bearer"]).json == {"email": "ann@example.com"}
        assert seen["same"] is True
        assert http.call("GET", "/anyone").json == {"user": True}
    finally:
        nestauth_peewee.database.initialize(db)
