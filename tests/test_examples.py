"""The example apps (examples/flask_app.py, examples/bottle_app.py) driven through real WSGI requests."""

from __future__ import annotations

import json
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import bottle
import bottle_app
import flask_app
import pytest
from _users_support import CHEAP
from webtest import TestApp

import nestauth_peewee
from nestauth_peewee import AuthServices, Session, User, events
from nestauth_peewee.config import Settings
from nestauth_peewee.models import Otp

SETTINGS = Settings(secret_key="example-app-test-key-" + "k" * 32, argon2=CHEAP)
PASSWORD = "a long enough passphrase"
SQLITE_AND_POSTGRES = pytest.mark.parametrize("dialect", ["sqlite", "postgres"], indirect=True)


class Client:
    """One interface over Flask's test client and WebTest: ``call(method, path, json, headers)``."""

    def __init__(self, framework: str, url: str) -> None:
        self.framework = framework
        if framework == "flask":
            self.app: Any = flask_app.create_app(url, SETTINGS)
            self._flask = self.app.test_client()
            self.db = self.app.extensions["nestauth"].db
        else:
            self.app = bottle_app.create_app(url, SETTINGS)
            self._webtest = TestApp(self.app)
            self.db = next(p for p in self.app.plugins if getattr(p, "name", None) == "nestauth").db

    def call(self, method: str, path: str, body: dict[str, Any] | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, Any]:
        headers = headers or {}
        if self.framework == "flask":
            response = self._flask.open(path, method=method, json=body, headers=headers)
            return response.status_code, response.get_json(silent=True)
        response = self._webtest.request(path, method=method, headers=headers, expect_errors=True,
                                         body=json.dumps(body).encode() if body is not None else b"",
                                         content_type="application/json")
        return response.status_int, (response.json if response.body else None)


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
    assert status == 200
    token = login["refresh_token"]
    status, me = client.call("GET", "/me", headers=bearer(token))
    assert status == 200 and me["email"] == "ann@example.com" and me["permissions"] == []

    status, refreshed = client.call("POST", "/refresh", {"refresh_token": token})
    assert status == 200 and refreshed["refresh_token"] != token
    token = refreshed["refresh_token"]

    status, denied = client.call("GET", "/reports", headers=bearer(token))
    assert status == 403 and denied["error"] == "PERMISSION_DENIED"
    grant_reporter(client, "ann@example.com")
    status, reports = client.call("GET", "/reports", headers=bearer(token))
    assert status == 200 and reports["reports"]

    assert client.call("POST", "/logout", headers=bearer(token))[0] == 204
    status, refused = client.call("GET", "/me", headers=bearer(token))
    assert status == 401 and refused["error"] == "INVALID_REFRESH_TOKEN"
    assert client.db.is_closed()


@SQLITE_AND_POSTGRES
def test_an_api_key_authenticates_and_is_checked_for_permissions(client):
    client.call("POST", "/register", {"email": "kim@example.com", "password": PASSWORD})
    token = client.call("POST", "/login", {"email": "kim@example.com", "password": PASSWORD})[1]["refresh_token"]
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
    assert client.call("GET", "/me", headers=bearer(second))[0] == 401
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

        assert client.call("GET", "/me", headers=bearer(old))[0] == 401  # every session revoked
        assert client.call("POST", "/login", {"email": "pat@example.com", "password": PASSWORD})[0] == 401
        assert client.call("POST", "/login", {"email": "pat@example.com", "password": "brand new phrase"})[0] == 200
        with client.db.connection_context():
            assert Otp.select().count() == 0  # used up
    finally:
        events.otp_requested.disconnect(mailer)


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
def test_200_concurrent_requests_to_the_bottle_example_leave_no_connection_open(db, db_url):
    tag = "nestauth-example-load"
    app = bottle_app.create_app(f"{db_url}?application_name={tag}", SETTINGS)
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
    still_open = db.execute_sql(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (tag,)
    ).fetchone()[0]
    assert still_open == 0
    assert isinstance(app, bottle.Bottle)
