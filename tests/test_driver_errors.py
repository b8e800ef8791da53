"""Driver errors at the connection's edge: a closed connection, a read-only database, a Galera node.

The first two are provoked for real on the servers; MariaDB 1047 (a Galera
node that is not ready) cannot be, so its translation is tested directly.
"""

from __future__ import annotations

import contextlib

import peewee
import pytest

from nestauth_peewee import TenantService, errors
from nestauth_peewee.driver_errors import translate
from nestauth_peewee.integrations.http import status_for


def _reopen(db: peewee.Database) -> None:
    """Forget the connection closed under peewee and open a fresh one."""
    with contextlib.suppress(Exception):  # PyMySQL says "Already closed"; peewee resets its state anyway
        db.close()
    db.connect(reuse_if_open=True)


@pytest.mark.parametrize("dialect", ["postgres", "mysql"], indirect=True)  # SQLite has no connection to lose
@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
def test_a_connection_closed_under_the_library_is_database_unavailable(dialect, db, write) -> None:
    tenants = TenantService()
    db.connection().close()  # what a pooler or a server restart does to an idle connection
    try:
        with pytest.raises(errors.DatabaseUnavailable) as info:
            if write:
                tenants.create("Acme", "acme")
            else:
                tenants.list_tenants()
        assert status_for(info.value) == 503
    finally:
        _reopen(db)
    assert tenants.list_tenants() == []  # nothing was written; the next connection works


@pytest.mark.parametrize("dialect", ["postgres"], indirect=True)
def test_a_write_on_a_read_only_postgres_session_is_database_read_only(dialect, db) -> None:
    tenants = TenantService()
    db.execute_sql("SET default_transaction_read_only = on")  # what a hot standby answers
    try:
        with pytest.raises(errors.DatabaseReadOnly) as info:
            tenants.create("Acme", "acme")
        assert info.value.code == "DATABASE_READ_ONLY"
        assert status_for(info.value) == 503
        assert tenants.list_tenants() == []  # reads still work
    finally:
        if db.in_transaction():
            db.rollback()
        db.execute_sql("SET default_transaction_read_only = off")
    assert tenants.create("Acme", "acme").slug == "acme"


@pytest.mark.parametrize("dialect", ["mysql"], indirect=True)
def test_a_write_on_a_read_only_mariadb_session_is_database_read_only(dialect, db) -> None:
    tenants = TenantService()
    db.execute_sql("SET SESSION TRANSACTION READ ONLY")
    try:
        with pytest.raises(errors.DatabaseReadOnly):
            tenants.create("Acme", "acme")
    finally:
        if db.in_transaction():
            db.rollback()
        db.execute_sql("SET SESSION TRANSACTION READ WRITE")
    assert tenants.create("Acme", "acme").slug == "acme"


def _wrapped(peewee_class: type[peewee.PeeweeException], driver_error: BaseException) -> BaseException:
    """The driver's error as peewee re-raises it (its ExceptionWrapper)."""
    return peewee_class(driver_error, *driver_error.args)


def test_mariadb_wsrep_not_ready_is_database_unavailable() -> None:
    pymysql = pytest.importorskip("pymysql")
    orig = pymysql.err.OperationalError(1047, "WSREP has not yet prepared node for application use")
    translated = translate(_wrapped(peewee.OperationalError, orig))
    assert isinstance(translated, errors.DatabaseUnavailable)


@pytest.mark.parametrize("code", [2006, 2013])
def test_mysql_lost_connections_are_database_unavailable(code: int) -> None:
    pymysql = pytest.importorskip("pymysql")
    orig = pymysql.err.OperationalError(code, "MySQL server has gone away")
    assert isinstance(translate(_wrapped(peewee.OperationalError, orig)), errors.DatabaseUnavailable)


@pytest.mark.parametrize("code", [1290, 1792])
def test_mysql_read_only_codes_are_database_read_only(code: int) -> None:
    pymysql = pytest.importorskip("pymysql")
    orig = pymysql.err.InternalError(code, "read-only")
    assert isinstance(translate(_wrapped(peewee.InternalError, orig)), errors.DatabaseReadOnly)


def test_sqlite_readonly_file_is_database_read_only() -> None:
    import sqlite3

    orig = sqlite3.OperationalError("attempt to write a readonly database")
    assert isinstance(translate(_wrapped(peewee.OperationalError, orig)), errors.DatabaseReadOnly)
