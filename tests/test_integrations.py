"""Flask extension and Bottle plugin: connection per request, transaction per request (Bottle)."""

from __future__ import annotations

import json
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import bottle
import flask
import pytest
from webtest import TestApp

import nestauth_peewee
from nestauth_peewee import User, events
from nestauth_peewee.integrations.bottle import NestAuthPlugin
from nestauth_peewee.integrations.flask import NestAuth
from nestauth_peewee.unit_of_work import emit

# --- Flask -------------------------------------------------------------------------


def make_flask_app(url):
    app = flask.Flask("t")
    app.config["NESTAUTH_DATABASE_URL"] = url
    ext = NestAuth(app)

    @app.post("/users")
    def create():
        user = User.create(email=flask.request.json["email"])
        return {"id": user.id.hex, "open": not ext.db.is_closed()}

    @app.get("/boom")
    def boom():
        User.select().count()
        raise RuntimeError("route failed")

    return app, ext


def test_flask_opens_one_connection_per_request_and_closes_it(db, db_url):
    app, ext = make_flask_app(db_url)
    client = app.test_client()
    response = client.post("/users", json={"email": "f@example.com"})
    assert response.status_code == 200
    assert response.json["open"] is True
    assert ext.db.is_closed()
    app.testing = False
    assert client.get("/boom").status_code == 500
    assert ext.db.is_closed()
    assert app.extensions["nestauth"] is ext


def test_flask_request_reuses_a_connection_opened_early(db, db_url):
    app, ext = make_flask_app(db_url)

    @app.before_request
    def connect_early():  # registered after the extension's hook; opens again
        ext.db.connect(reuse_if_open=True)

    assert app.test_client().post("/users", json={"email": "e@example.com"}).status_code == 200


def test_flask_cli_runs_nestauth_commands_on_the_apps_database(empty_db, empty_db_url):
    app, _ = make_flask_app(empty_db_url)
    result = app.test_cli_runner().invoke(args=["nestauth", "create-tables"])
    assert result.exit_code == 0, result.output
    assert "Created 17 tables" in result.output
    nestauth_peewee.database.initialize(empty_db)
    assert "nest_auth_users" in empty_db.get_tables()


# --- Bottle --------------------------------------------------------------------------


def make_bottle_app(url):
    app = bottle.Bottle()
    plugin = NestAuthPlugin(url)
    app.install(plugin)

    def write(email):
        user = User.create(email=email)
        emit(events.user_created, user=user)
        return user

    @app.post("/ok")
    def ok():
        write("ok@example.com")
        return {"ok": True}

    @app.post("/raise")
    def raise_():
        write("raise@example.com")
        raise RuntimeError("after a write")

    @app.post("/forbidden")
    def forbidden():
        write("forbidden@example.com")
        return bottle.HTTPError(403, "no")

    @app.post("/abort")
    def abort():
        write("abort@example.com")
        bottle.abort(409, "conflict")

    @app.post("/redirect")
    def redirect():
        write("redirect@example.com")
        bottle.redirect("/elsewhere")

    @app.get("/count")
    def count():
        return {"users": User.select().count()}

    return app, plugin


@pytest.fixture
def sent_user_created():
    seen = []

    def listener(sender, user, **_):
        seen.append(user.email)

    events.user_created.connect(listener)
    yield seen
    events.user_created.disconnect(listener)


def emails():
    return sorted(u.email for u in User.select())


def test_bottle_commits_a_successful_request_and_sends_its_events_after(db, db_url, sent_user_created):
    app, plugin = make_bottle_app(db_url)
    assert TestApp(app).post("/ok").json == {"ok": True}
    assert plugin.db.is_closed()
    nestauth_peewee.database.initialize(db)
    assert emails() == ["ok@example.com"]
    assert sent_user_created == ["ok@example.com"]


@pytest.mark.parametrize("path,status", [("/raise", 500), ("/forbidden", 403), ("/abort", 409)])
def test_bottle_rolls_back_a_failed_request_and_sends_nothing(db, db_url, sent_user_created, path, status):
    app, plugin = make_bottle_app(db_url)
    app.catchall = True
    TestApp(app).post(path, status=status, expect_errors=True)
    assert plugin.db.is_closed()
    nestauth_peewee.database.initialize(db)
    assert emails() == []
    assert sent_user_created == []


def test_bottle_keeps_the_work_of_a_redirect(db, db_url):
    app, _ = make_bottle_app(db_url)
    TestApp(app).post("/redirect", status=302)
    nestauth_peewee.database.initialize(db)
    assert emails() == ["redirect@example.com"]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.parametrize("dialect", ["postgres"], indirect=True)
def test_bottle_under_200_concurrent_requests_leaves_no_connection_open(db, db_url):
    tag = "nestauth-bottle-load"
    app, plugin = make_bottle_app(f"{db_url}?application_name={tag}")
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/count"

    def hit(_):
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.load(response)["users"]

    try:
        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(pool.map(hit, range(200)))
    finally:
        server.shutdown()
        server.server_close()
    assert results == [0] * 200
    nestauth_peewee.database.initialize(db)
    still_open = db.execute_sql(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (tag,)
    ).fetchone()[0]
    assert still_open == 0


# --- services on the app, settings shared with the CLI ----------------------------------

_KEYED = "integration-test-key-" + "k" * 32


def test_flask_services_are_built_once_from_the_apps_settings(db, db_url):
    from _users_support import CHEAP

    from nestauth_peewee import AuthServices
    from nestauth_peewee.config import Settings

    app = flask.Flask("services")
    app.config["NESTAUTH_DATABASE_URL"] = db_url
    app.config["NESTAUTH_SETTINGS"] = Settings(secret_key=_KEYED, argon2=CHEAP)
    ext = NestAuth(app)
    assert isinstance(ext.services, AuthServices)
    assert ext.users is ext.services.users and ext.sessions is ext.services.sessions
    assert ext.users.settings is ext.settings is app.config["NESTAUTH_SETTINGS"]

    @app.post("/login")
    def login():
        user = ext.users.register(email="svc@example.com", password="a long enough passphrase")
        return {"token": ext.sessions.create(user.id).refresh_token}

    token = app.test_client().post("/login").json["token"]
    nestauth_peewee.database.initialize(db)
    assert ext.sessions.authenticate(token).user.email == "svc@example.com"
    assert User.get().password_hash.startswith("$argon2id$v=19$m=1024,t=1,p=1$")


def test_flask_extension_without_a_key_still_serves_the_unkeyed_services(db, db_url, monkeypatch):
    from nestauth_peewee import errors

    monkeypatch.delenv("NESTAUTH_SECRET_KEY", raising=False)
    app = flask.Flask("nokey")
    app.config["NESTAUTH_DATABASE_URL"] = db_url
    ext = NestAuth(app)
    assert ext.tenants.create("Acme", slug="acme").slug == "acme"
    with pytest.raises(errors.ConfigurationError, match="NESTAUTH_SECRET_KEY"):
        ext.sessions  # noqa: B018
    with pytest.raises(errors.ConfigurationError, match="init_app"):
        NestAuth().users  # noqa: B018


def test_flask_cli_seeds_with_the_apps_settings(db, db_url, tmp_path):
    from _users_support import CHEAP

    from nestauth_peewee.config import Settings

    app = flask.Flask("seeding")
    app.config["NESTAUTH_DATABASE_URL"] = db_url
    NestAuth(app, settings=Settings(argon2=CHEAP))
    seed = tmp_path / "seed.toml"
    seed.write_text('[[users]]\nemail = "flask@example.com"\npassword = "a long enough passphrase"\n')
    result = app.test_cli_runner().invoke(args=["nestauth", "seed", str(seed)])
    assert result.exit_code == 0, result.output
    nestauth_peewee.database.initialize(db)
    assert User.get().password_hash.startswith("$argon2id$v=19$m=1024,t=1,p=1$")


def test_bottle_keeps_the_writes_of_a_credential_refusal(db, db_url):
    """A wrong one-time code is counted even though the request fails (the attempt limit holds)."""
    from nestauth_peewee import Otp, errors
    from nestauth_peewee.config import Settings

    app = bottle.Bottle()
    plugin = NestAuthPlugin(db_url, settings=Settings(secret_key=_KEYED))
    app.install(plugin)

    @app.post("/verify/<user_id>")
    def verify(user_id):
        plugin.services.otps.verify(user_id, "email_verification", bottle.request.json["code"])
        return {"ok": True}

    nestauth_peewee.database.initialize(db)
    user = User.create(email="otp@example.com")
    issued = plugin.services.otps.create(user.id, "email_verification")
    wrong = "000000" if issued.code != "000000" else "111111"
    app.catchall = False
    with pytest.raises(errors.VerificationCodeInvalid):
        TestApp(app).post_json(f"/verify/{user.id}", {"code": wrong})
    assert plugin.db.is_closed()
    nestauth_peewee.database.initialize(db)
    assert Otp.get().attempts == 1
