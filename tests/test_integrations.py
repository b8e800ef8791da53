"""Flask extension and Bottle plugin: connection per request, transaction per request (Bottle)."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import bottle
import flask
import peewee
import pytest
from _engines import open_postgres_connections, skip_behind_pgbouncer, url_with
from playhouse.pool import PooledDatabase
from webtest import TestApp

import nestauth_peewee
from nestauth_peewee import User, dialect_of, events
from nestauth_peewee.integrations._database import web_database
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
    assert "Created 20 tables" in result.output
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


@pytest.fixture
def connects(monkeypatch):
    """How many server connections the driver opened (psycopg2 / PyMySQL ``connect`` counted)."""
    opened = []
    for module in (peewee.psycopg2, peewee.mysql):
        real = module.connect

        def counting(*args, _real=real, **kwargs):
            opened.append(1)
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, "connect", counting)
    return opened


def _serve(app, requests, threads=20):
    """``requests`` GETs of /count through a threaded WSGI server on loopback, ``threads`` at a time."""
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/count"

    def hit(_):
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.load(response)["users"]

    try:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            return list(pool.map(hit, range(requests)))
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("dialect", ["postgres", "mysql"], indirect=True)
def test_bottle_pools_a_server_url_by_default_and_close_returns_every_connection(db, db_url, connects):
    tag = "nestauth-bottle-load"
    url = url_with(db_url, application_name=tag) if dialect_of(db) == "postgres" else db_url
    app, plugin = make_bottle_app(url)
    plugin_pool = NestAuthPlugin(url, pool_size=4)
    assert isinstance(plugin.db, PooledDatabase)
    app = bottle.Bottle()
    app.install(plugin_pool)
    app.get("/count")(lambda: {"users": User.select().count()})
    assert _serve(app, 200) == [0] * 200
    assert 1 <= len(connects) <= 4  # 200 requests, 20 at a time: never more than the pool's size
    nestauth_peewee.database.initialize(db)
    plugin.close()
    if dialect_of(db) == "postgres":
        def open_now():
            return open_postgres_connections(db, db_url, tag)

        assert 1 <= open_now() <= 4  # kept for the next requests
        plugin_pool.close()
        for _ in range(100):  # a closed backend leaves pg_stat_activity a moment later
            if open_now() == 0:
                break
            time.sleep(0.05)
        assert open_now() == 0
    plugin_pool.close()


@pytest.mark.parametrize("dialect", ["postgres", "mysql"], indirect=True)
def test_flask_pools_a_server_url_by_default(db, db_url, connects):
    app = flask.Flask("t")
    app.config.update(NESTAUTH_DATABASE_URL=db_url, NESTAUTH_POOL_SIZE=3)
    ext = NestAuth(app)
    app.get("/count")(lambda: {"users": User.select().count()})
    assert isinstance(ext.db, PooledDatabase)
    assert _serve(app, 120, threads=12) == [0] * 120
    assert 1 <= len(connects) <= 3
    assert ext.db.is_closed()
    ext.db.close_all()
    nestauth_peewee.database.initialize(db)


def test_the_pool_default_can_be_refused_and_sqlite_is_never_pooled(db, db_url):
    app = flask.Flask("t")
    app.config.update(NESTAUTH_DATABASE_URL=db_url, NESTAUTH_POOL=False)
    assert not isinstance(NestAuth(app).db, PooledDatabase)
    pooled = isinstance(web_database(db_url), PooledDatabase)
    assert pooled is (dialect_of(db) != "sqlite")
    assert not isinstance(web_database(db_url, pool=False), PooledDatabase)
    assert not isinstance(web_database(url_with(db_url, pool="false")), PooledDatabase)
    assert isinstance(web_database(url_with(db_url, pool="true", max_connections="5")), PooledDatabase)
    nestauth_peewee.database.initialize(db)


# --- services on the app, settings shared with the CLI ----------------------------------

_KEYED = "integration-test-key-" + "k" * 32


def test_flask_services_are_built_once_from_the_apps_settings(db, db_url):
    from support import CHEAP

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
    from support import CHEAP

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


@pytest.mark.parametrize("dialect", ["postgres", "mysql"], indirect=True)
def test_the_pool_pings_only_connections_that_sat_idle(db, db_url, monkeypatch, connects):
    """A connection handed back moments ago is reused without a round trip; an idle one is
    pinged first, and one the server dropped meanwhile is replaced, not handed out."""
    skip_behind_pgbouncer(db_url, "it kills its own server backend, which the pooler shares")
    connects.clear()  # the pgbouncer probe above tries a psycopg2 connect of its own: not the pool's
    import nestauth_peewee.db as db_module

    pings = []
    pooled = web_database(db_url, pool_size=2)
    checks = next(c for c in type(pooled).__mro__ if c.__module__ == "playhouse.pool" and "_is_closed" in vars(c))
    real = checks._is_closed  # the pool's own liveness check (a round trip)
    monkeypatch.setattr(checks, "_is_closed", lambda self, conn: (pings.append(1), real(self, conn))[1])
    for _ in range(20):
        pooled.connect(reuse_if_open=True)
        pooled.execute_sql("SELECT 1")
        pooled.close()
    assert pings == [] and len(connects) == 1
    monkeypatch.setattr(db_module, "POOL_PING_AFTER", 0.0)
    pooled.connect()
    backend = pooled.execute_sql(
        "SELECT pg_backend_pid()" if dialect_of(db) == "postgres" else "SELECT CONNECTION_ID()").fetchone()[0]
    pooled.close()
    db.execute_sql(("SELECT pg_terminate_backend(%s)" if dialect_of(db) == "postgres" else "KILL %s"),
                   (backend,))
    time.sleep(0.2)
    pooled.connect()  # pinged, found dead, discarded: a fresh connection
    assert pooled.execute_sql("SELECT 1").fetchone()[0] == 1
    pooled.close()
    assert len(pings) >= 1 and len(connects) == 2
    pooled.close_all()
    nestauth_peewee.database.initialize(db)


@pytest.mark.parametrize("dialect", ["postgres", "mysql"], indirect=True)
def test_a_forked_child_never_reuses_its_parents_pooled_connection(db, db_url):
    skip_behind_pgbouncer(db_url, "backend pids are the pooler's server sessions, shared by its clients")
    """gunicorn --preload forks after start-up: a child must open its own connection."""
    from support import in_forked_child

    pooled = web_database(db_url, pool_size=2)
    backend_sql = "SELECT pg_backend_pid()" if dialect_of(db) == "postgres" else "SELECT CONNECTION_ID()"
    pooled.connect()
    parent_backend = pooled.execute_sql(backend_sql).fetchone()[0]
    pooled.close()  # back in the pool, still open
    def in_child():  # the child's first connection
        pooled.connect()
        return pooled.execute_sql(backend_sql).fetchone()[0]

    child_backend = in_forked_child(in_child)
    assert child_backend and child_backend != parent_backend
    pooled.connect()  # the parent's connection survived the child
    assert pooled.execute_sql(backend_sql).fetchone()[0] == parent_backend
    pooled.close()
    pooled.close_all()
    nestauth_peewee.database.initialize(db)
