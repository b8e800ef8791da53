"""The example apps (examples/flask_app.py, examples/bottle_app.py) driven through real WSGI requests."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import bottle
import bottle_app
import flask_app
import pytest
from _engines import open_postgres_connections, url_with
from _wsgi_client import Reply, WsgiClient
from support import CHEAP
from webtest import TestApp

import nestauth_peewee
from nestauth_peewee import AuthServices, Session, User, events
from nestauth_peewee.config import Settings
from nestauth_peewee.integrations._database import DEFAULT_POOL_SIZE
from nestauth_peewee.models import Otp

SETTINGS = Settings(secret_key="example-app-test-key-" + "k" * 32, argon2=CHEAP)
PASSWORD = "a long enough passphrase"
SQLITE_AND_POSTGRES = pytest.mark.parametrize("dialect", ["sqlite", "postgres"], indirect=True)


class Client(WsgiClient):
    """A WSGI client of one example app, built on ``db_url``."""

    def __init__(self, framework: str, url: str) -> None:
        if framework == "flask":
            app: Any = flask_app.create_app(url, SETTINGS)
            self.db = app.extensions["nestauth"].db
        else:
            app = bottle_app.create_app(url, SETTINGS)
            self.db = next(p for p in app.plugins if getattr(p, "name", None) == "nestauth").db
        super().__init__(framework, app)

    def call(self, method: str, path: str, body: Any = None,  # type: ignore[override]
             headers: dict[str, str] | None = None, **options: Any) -> tuple[int, Any]:
        reply = super().call(method, path, body, headers, **options)
        return reply.status, reply.json

    def reply(self, method: str, path: str, **options: Any) -> Reply:
        return WsgiClient.call(self, method, path, **options)


@pytest.fixture(params=["flask", "bottle"])
def client(request: pytest.FixtureRequest, db, db_url) -> Client:
    yield Client(request.param, db_url)
    nestauth_peewee.database.initialize(db)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def grant_reporter(client: Client, email: str) -> None:
    auth = AuthServices(SETTINGS)
    with client.db.connection_context():
        if not auth.roles.list_roles():
            auth.roles.create("reporter", permissions=["reports.read"])
        user = auth.users.get_by_email(email)
        auth.memberships.set_roles_by_name(user.id, None, ["reporter"])


@SQLITE_AND_POSTGRES
def test_register_login_refresh_protected_route_logout(client):
    status, created = client.call("POST", "/register", {"email": "Ann@Example.com", "password": PASSWORD})
    assert status == 201 and created["email"] == "ann@example.com"

    status, login = client.call("POST", "/login", {"email": "ann@example.com", "password": PASSWORD})
    assert status == 200 and login["token_type"] == "Bearer"
    assert set(login) == {"access_token", "token_type", "expires_at", "refresh_token", "session_id", "user_id"}
    assert login["user_id"] == created["id"]
    access, refresh = login["access_token"], login["refresh_token"]
    status, me = client.call("GET", "/me", headers=bearer(access))
    assert status == 200 and me["email"] == "ann@example.com" and me["permissions"] == []
    # The refresh token is for /refresh only: it does not authenticate a request.
    status, refused = client.call("GET", "/me", headers=bearer(refresh))
    assert (status, refused["error"]) == (401, "INVALID_ACCESS_TOKEN")

    status, refreshed = client.call("POST", "/refresh", {"refresh_token": refresh})
    assert status == 200 and refreshed["refresh_token"] != refresh and refreshed["access_token"]
    access, refresh = refreshed["access_token"], refreshed["refresh_token"]

    status, denied = client.call("GET", "/reports", headers=bearer(access))
    assert status == 403 and denied["error"] == "PERMISSION_DENIED"
    grant_reporter(client, "ann@example.com")
    status, reports = client.call("GET", "/reports", headers=bearer(access))
    assert status == 200 and reports["reports"]

    assert client.call("POST", "/logout", headers=bearer(access))[0] == 204
    status, refused = client.call("POST", "/refresh", {"refresh_token": refresh})
    assert status == 401 and refused["error"] == "INVALID_REFRESH_TOKEN"
    # Without strict mode the access token itself lives out its 15 minutes (docs/security.md).
    assert client.call("GET", "/me", headers=bearer(access))[0] == 200
    assert client.call("GET", "/me")[1]["error"] == "AUTHENTICATION_REQUIRED"
    assert client.db.is_closed()


@SQLITE_AND_POSTGRES
def test_an_api_key_authenticates_and_is_checked_for_permissions(client):
    client.call("POST", "/register", {"email": "kim@example.com", "password": PASSWORD})
    token = client.call("POST", "/login", {"email": "kim@example.com", "password": PASSWORD})[1]["access_token"]
    status, issued = client.call("POST", "/api-keys", {"name": "CI"}, headers=bearer(token))
    assert status == 201 and issued["api_key"].startswith("nak_")
    key = {"X-API-Key": issued["api_key"]}

    status, me = client.call("GET", "/me", headers=key)
    assert status == 200 and me["email"] == "kim@example.com"
    assert client.call("GET", "/reports", headers=key)[0] == 403
    grant_reporter(client, "kim@example.com")
    assert client.call("GET", "/reports", headers=key)[0] == 200

    public, _, secret = issued["api_key"].partition(".")
    status, refused = client.call("GET", "/me", headers={"X-API-Key": f"{public}.{'A' * len(secret)}"})
    assert status == 401 and refused["error"] == "INVALID_ACCESS_KEY"
    assert client.call("GET", "/me")[0] == 401


@SQLITE_AND_POSTGRES
def test_a_replayed_refresh_token_revokes_the_session_for_good(client):
    client.call("POST", "/register", {"email": "rex@example.com", "password": PASSWORD})
    first = client.call("POST", "/login", {"email": "rex@example.com", "password": PASSWORD})[1]["refresh_token"]
    second = client.call("POST", "/refresh", {"refresh_token": first})[1]["refresh_token"]

    status, refused = client.call("POST", "/refresh", {"refresh_token": first})   # the old one, again
    assert status == 401 and refused["error"] == "INVALID_REFRESH_TOKEN"
    # The revocation survived the refusal (the Bottle plugin commits a CredentialRejected request).
    assert client.call("POST", "/refresh", {"refresh_token": second})[0] == 401
    assert client.db.is_closed()
    with client.db.connection_context():
        assert Session.select().count() == 0


@SQLITE_AND_POSTGRES
def test_password_reset_by_emailed_code(client):
    codes: list[str] = []

    def mailer(sender, *, type, code, **payload):
        if type == "password_reset":
            codes.append(code)

    events.otp_requested.connect(mailer)
    try:
        client.call("POST", "/register", {"email": "pat@example.com", "password": PASSWORD})
        old = client.call("POST", "/login", {"email": "pat@example.com", "password": PASSWORD})[1]["refresh_token"]
        unknown = client.call("POST", "/password-reset/request", {"email": "nobody@example.com"})
        known = client.call("POST", "/password-reset/request", {"email": "Pat@Example.com"})
        assert unknown == known and known[0] == 202  # no telling which accounts exist
        assert len(codes) == 1
        wrong = f"{(int(codes[0]) + 1) % 10**6:06d}"

        status, refused = client.call("POST", "/password-reset",
                                      {"email": "pat@example.com", "code": wrong, "new_password": "brand new phrase"})
        assert (status, refused["error"]) == (401, "VERIFICATION_CODE_INVALID")
        with client.db.connection_context():
            assert Otp.get().attempts == 1  # kept, though the request failed (Bottle: its transaction)
        status, weak = client.call("POST", "/password-reset",
                                   {"email": "pat@example.com", "code": codes[0], "new_password": "short"})
        assert (status, weak["error"]) == (422, "PASSWORD_POLICY_VIOLATION")
        assert client.call("POST", "/password-reset",
                           {"email": "pat@example.com", "code": codes[0], "new_password": "brand new phrase"})[0] == 204

        assert client.call("POST", "/refresh", {"refresh_token": old})[0] == 401  # every session revoked
        assert client.call("POST", "/login", {"email": "pat@example.com", "password": PASSWORD})[0] == 401
        assert client.call("POST", "/login", {"email": "pat@example.com", "password": "brand new phrase"})[0] == 200
        with client.db.connection_context():
            assert Otp.select().count() == 0  # used up
    finally:
        events.otp_requested.disconnect(mailer)


def test_the_flask_example_changes_an_email_after_a_step_up_and_a_code(db, db_url):
    client = Client("flask", db_url)
    codes: list[tuple[str, str]] = []

    def mailer(sender, *, type, code, email, **payload):
        if type == "email_change":
            codes.append((email, code))

    events.otp_requested.connect(mailer)
    try:
        client.call("POST", "/register", {"email": "kim@example.com", "password": PASSWORD})
        tokens = client.call("POST", "/login", {"email": "kim@example.com", "password": PASSWORD})[1]
        me = bearer(tokens["access_token"])
        with client.db.connection_context():  # the sign-in was a while ago
            Session.update(authenticated_at=None).execute()
        status, refused = client.call("POST", "/account/email", {"email": "kim@example.org"}, headers=me)
        assert (status, refused["error"], refused["needs"]) == (401, "REAUTHENTICATION_REQUIRED", "password")
        assert codes == []
        assert client.call("POST", "/reauthenticate", {"password": PASSWORD}, headers=me)[0] == 204
        assert client.call("POST", "/account/email", {"email": "kim@example.org"}, headers=me)[0] == 202
        (sent_to, code), = codes
        assert sent_to == "kim@example.org"
        assert client.call("POST", "/login", {"email": "kim@example.com", "password": PASSWORD})[0] == 200
        status, user = client.call("POST", "/account/email/confirm", {"code": code}, headers=me)
        assert (status, user["email"]) == (200, "kim@example.org")
        assert client.call("POST", "/login", {"email": "kim@example.org", "password": PASSWORD})[0] == 200
    finally:
        events.otp_requested.disconnect(mailer)
        nestauth_peewee.database.initialize(db)


@SQLITE_AND_POSTGRES
def test_refusals_are_json_with_the_error_code(client):
    assert client.call("POST", "/register", {"email": "dup@example.com", "password": PASSWORD})[0] == 201
    status, taken = client.call("POST", "/register", {"email": "DUP@example.com", "password": PASSWORD})
    assert (status, taken["error"]) == (409, "EMAIL_ALREADY_EXISTS")
    status, weak = client.call("POST", "/register", {"email": "weak@example.com", "password": "short"})
    assert (status, weak["error"], weak["reasons"]) == (422, "PASSWORD_POLICY_VIOLATION", ["too_short"])
    status, wrong = client.call("POST", "/login", {"email": "dup@example.com", "password": "not the password"})
    assert (status, wrong["error"]) == (401, "INVALID_CREDENTIALS")
    assert client.db.is_closed()
    with client.db.connection_context():
        assert User.select().count() == 1


@SQLITE_AND_POSTGRES
def test_the_flask_app_can_subscribe_to_signals(db, db_url):
    app = flask_app.create_app(db_url, SETTINGS)
    seen = []

    def on_user_created(sender, user, **_):
        seen.append(user.email)

    app.extensions["nestauth"].signals.user_created.connect(on_user_created)
    try:
        app.test_client().post("/register", json={"email": "sig@example.com", "password": PASSWORD})
    finally:
        events.user_created.disconnect(on_user_created)
    nestauth_peewee.database.initialize(db)
    assert seen == ["sig@example.com"]


@SQLITE_AND_POSTGRES
def test_a_bottle_route_that_raises_leaves_no_partial_write_and_returns_the_connection(db, db_url):
    app = bottle_app.create_app(db_url, SETTINGS)
    plugin = next(p for p in app.plugins if getattr(p, "name", None) == "nestauth")

    @app.post("/register-then-fail")
    def register_then_fail():
        plugin.services.users.register(email="half@example.com", password=PASSWORD)
        raise RuntimeError("the route fails after the user was written")

    app.catchall = True
    response = TestApp(app).post("/register-then-fail", expect_errors=True,
                                 extra_environ={"wsgi.errors": _Sink()})
    assert response.status_int == 500
    assert plugin.db.is_closed()
    nestauth_peewee.database.initialize(db)
    assert User.select().count() == 0


class _Sink:
    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.parametrize("dialect", ["postgres"], indirect=True)
def test_200_concurrent_requests_to_the_bottle_example_stay_within_the_pool(db, db_url):
    tag = "nestauth-example-load"
    app = bottle_app.create_app(url_with(db_url, application_name=tag), SETTINGS)
    plugin = next(p for p in app.plugins if getattr(p, "name", None) == "nestauth")
    with plugin.db.connection_context():
        user = plugin.services.users.register(email="load@example.com", password=PASSWORD)
        api_key = plugin.services.access_keys.create(user.id, "load").api_key
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def hit(_: int) -> str:
        request = urllib.request.Request(f"http://127.0.0.1:{server.server_port}/me",
                                         headers={"X-API-Key": api_key})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)["email"]

    try:
        with ThreadPoolExecutor(max_workers=20) as pool:
            emails = list(pool.map(hit, range(200)))
    finally:
        server.shutdown()
        server.server_close()
    assert emails == ["load@example.com"] * 200
    nestauth_peewee.database.initialize(db)

    def still_open() -> int:
        return open_postgres_connections(db, db_url, tag)

    assert 1 <= still_open() <= DEFAULT_POOL_SIZE  # pooled: kept for the next requests, never more
    app.close()  # the plugin's close(): the pool's connections go
    for _ in range(100):  # a closed backend leaves pg_stat_activity a moment later
        if still_open() == 0:
            break
        time.sleep(0.05)
    assert still_open() == 0
    assert isinstance(app, bottle.Bottle)


# --- hostile input (issue 14): every answer is JSON, none a 500 or an HTML page -------------------

FIELDS = ["email", "password", "refresh_token", "code", "new_password", "name"]
MALFORMED_BODIES = {
    "a JSON array": (b"[1]", "application/json", 400),
    "a JSON string": (b'"abc"', "application/json", 400),
    "JSON null": (b"null", "application/json", 400),
    "not JSON": (b"abc", "application/json", 400),
    "truncated JSON": (b'{"email": ', "application/json", 400),
    "not UTF-8": (b'{"email": "\xff\xfe"}', "application/json", 400),
    "deeply nested": (b"[" * 30_000 + b"]" * 30_000, "application/json", 400),
    "a form, not JSON": (b"email=a%40b.c&password=x", "application/x-www-form-urlencoded", 400),
    "JSON as text/plain": (b'{"email": "a@b.c"}', "text/plain", 400),
    # Every field any of the routes reads, each with the same wrong value.
    **{case: (("{" + ", ".join(f'"{f}": {value}' for f in FIELDS) + "}").encode(), "application/json", 400)
       for case, value in [("a number for a string", "5"), ("a list for a string", '["x"]'),
                           ("an object for a string", '{"$ne": null}'), ("true for a string", "true"),
                           ("a NUL in a string", '"a\\u0000b"'), ("a lone surrogate", '"a\\ud800b"')]},
    "20 MB": (b'{"email": "' + b"a" * (20 * 1024 * 1024) + b'"}', "application/json", 413),
}
BODY_ROUTES = ["/register", "/login", "/refresh", "/password-reset/request", "/password-reset", "/api-keys"]


def _is_json_refusal(reply: Reply) -> bool:
    return (reply.header("Content-Type") or "").startswith("application/json") and isinstance(
        reply.json, dict) and isinstance(reply.json.get("error"), str) and "<html" not in reply.text.lower()


# The refusals come before any query, so one dialect shows them (the suite runs the flows on two).
SQLITE_ONLY = pytest.mark.parametrize("dialect", ["sqlite"], indirect=True)


@SQLITE_ONLY
@pytest.mark.parametrize("case", list(MALFORMED_BODIES))
def test_a_malformed_body_is_a_json_400_or_413_on_every_route(client, case):
    raw, content_type, expected = MALFORMED_BODIES[case]
    for path in BODY_ROUTES if case != "20 MB" else ["/login", "/register"]:
        headers = {}
        if path == "/api-keys":  # behind auth_required: authenticate first
            client.call("POST", "/register", {"email": "mal@example.com", "password": PASSWORD})
            login = client.call("POST", "/login", {"email": "mal@example.com", "password": PASSWORD})[1]
            headers = bearer(login["access_token"])
        reply = client.reply("POST", path, raw=raw, content_type=content_type, headers=headers)
        assert reply.status == expected, (path, reply.status, reply.text[:300])
        assert _is_json_refusal(reply), (path, reply.headers, reply.text[:300])
        wanted = "REQUEST_TOO_LARGE" if expected == 413 else "MALFORMED_REQUEST"
        assert reply.json["error"] == wanted, (path, reply.json)
    with client.db.connection_context():
        assert User.select().where(User.email != "mal@example.com").count() == 0


@SQLITE_ONLY
@pytest.mark.parametrize("path,method,status", [("/nowhere", "GET", 404), ("/login", "GET", 405),
                                                ("/me", "DELETE", 405)])
def test_unknown_routes_and_methods_answer_json(client, path, method, status):
    reply = client.reply(method, path)
    assert reply.status == status and _is_json_refusal(reply), reply.text[:300]


@SQLITE_ONLY
@pytest.mark.parametrize("header", ["Bearer", "Token abc", "Bearer \xff\xfe", "Bearer " + "x" * 10_000])
def test_malformed_credentials_are_json_401s(client, header):
    for path in ("/me", "/reports", "/logout"):
        reply = client.reply("POST" if path == "/logout" else "GET", path, headers={"Authorization": header})
        assert reply.status == 401 and _is_json_refusal(reply), (path, reply.text[:300])


@SQLITE_ONLY
def test_the_example_apps_run_without_a_debugger_unless_the_environment_asks(monkeypatch, db, db_url):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.delenv("BOTTLE_DEBUG", raising=False)
    assert flask_app.run_options() == {"debug": False}
    assert bottle_app.run_options()["debug"] is False
    app = flask_app.create_app(db_url, SETTINGS)
    nestauth_peewee.database.initialize(db)
    assert app.debug is False
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("BOTTLE_DEBUG", "1")
    assert flask_app.run_options() == {"debug": True}
    assert bottle_app.run_options()["debug"] is True
