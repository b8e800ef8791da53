"""init_database(): URLs, adopted Database instances, per-dialect settings, clear errors."""

from __future__ import annotations

import peewee
import pytest
from playhouse.pool import PooledSqliteDatabase

import nestauth_peewee
from nestauth_peewee import DEFAULT_DATABASE_URL, User, errors, init_database


@pytest.fixture(autouse=True)
def _restore_binding():
    before = nestauth_peewee.database.obj
    yield
    nestauth_peewee.database.initialize(before)


def test_importing_the_package_binds_and_opens_nothing():
    import subprocess
    import sys

    code = "import nestauth_peewee as n; assert n.database.obj is None; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_database_url_is_the_default_source_and_sqlite_the_fallback(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    db = init_database()
    assert isinstance(db, peewee.SqliteDatabase)
    assert db.database.endswith("env.db")
    monkeypatch.delenv("DATABASE_URL")
    assert init_database().database == "nestauth.db"
    assert DEFAULT_DATABASE_URL == "sqlite:///nestauth.db"


@pytest.mark.parametrize("url", ["sqlite:///{path}", "sqlite+pool:///{path}"])
def test_sqlite_connections_enforce_foreign_keys_pooled_ones_too(tmp_path, url):
    db = init_database(url.format(path=tmp_path / "fk.db"))
    with db.connection_context():
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    if isinstance(db, PooledSqliteDatabase):
        # A connection handed out again by the pool keeps the pragma.
        with db.connection_context():
            assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        db.close_all()


def test_an_adopted_sqlite_database_gets_foreign_keys_too(tmp_path):
    mine = peewee.SqliteDatabase(str(tmp_path / "mine.db"), pragmas={"cache_size": -2000})
    assert init_database(mine) is mine
    with mine.connection_context():
        assert mine.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert mine.execute_sql("PRAGMA cache_size").fetchone()[0] == -2000


@pytest.mark.parametrize("dialect", ["mysql"], indirect=True)
def test_mariadb_is_detected_and_microseconds_survive(db):
    assert db.mariadb is True
    assert db._field_types["DATETIME"] == "DATETIME(6)"
    mode = db.execute_sql("SELECT @@SESSION.sql_mode").fetchone()[0]
    assert "STRICT_ALL_TABLES" in mode
    assert db.execute_sql("SELECT @@SESSION.time_zone").fetchone()[0] == "+00:00"


@pytest.mark.parametrize("dialect", ["mysql"], indirect=True)
def test_an_adopted_mysql_database_learns_to_detect_mariadb(db_url):
    from urllib.parse import urlparse

    parsed = urlparse(db_url)
    mine = peewee.MySQLDatabase(parsed.path.lstrip("/"), host=parsed.hostname, port=parsed.port,
                                user=parsed.username, password=parsed.password or "")
    init_database(mine)
    with mine.connection_context():
        assert mine.mariadb is True
        User.create(email="adopted@example.com", metadata={"json": ["works"]})
        assert User.get(User.email == "adopted@example.com").metadata == {"json": ["works"]}
        User.delete().execute()


@pytest.mark.parametrize("url,fragment", [
    ("oracle://scott@tiger/db", "Unknown database URL scheme 'oracle'"),
    ("not a url", "Unknown database URL scheme ''"),
    ("postgresql://localhost", "names no database"),
    ("sqlite://nestauth.db", "three slashes"),
])
def test_bad_urls_are_one_clear_configuration_error(url, fragment):
    with pytest.raises(errors.ConfigurationError) as caught:
        init_database(url)
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


def test_passwords_are_not_echoed_in_errors():
    with pytest.raises(errors.ConfigurationError) as caught:
        init_database("oracle://scott:hunter2@host/db")
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize("url", [
    "postgresql://postgres@127.0.0.1:1/nestauth_test",
    "mysql://root@127.0.0.1:1/nestauth_test",
])
def test_an_unreachable_server_is_a_typed_error(url):
    init_database(url)
    with pytest.raises(errors.DatabaseUnavailable) as caught:
        User.select().count()
    assert "Cannot reach the database" in str(caught.value)


def test_using_the_models_before_init_database_says_what_to_do():
    nestauth_peewee.database.initialize(None)
    with pytest.raises(errors.ConfigurationError, match="init_database"):
        User.select().count()


def test_init_database_refuses_things_that_are_not_databases():
    with pytest.raises(errors.ConfigurationError):
        init_database(42)  # type: ignore[arg-type]



def test_a_prepared_hot_path_query_raises_typed_errors_too():
    """The prebuilt hot-path SQL bypasses the proxy; its errors are still the library's."""
    from nestauth_peewee.repositories import users as users_repo

    init_database("postgresql://postgres@127.0.0.1:1/nestauth_test")
    with pytest.raises(errors.DatabaseUnavailable):
        users_repo.get_by_email("nobody@example.com")
