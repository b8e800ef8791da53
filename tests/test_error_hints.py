"""Errors that say what to run: a missing schema, an old schema, a refused foreign key; ids printed one way."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from urllib.parse import urlparse, urlunparse

import peewee
import pytest
from click.testing import CliRunner
from support import CHEAP_SETTINGS

import nestauth_peewee
from nestauth_peewee import NestAuthModels, User, UserService, create_tables, errors, init_database
from nestauth_peewee.cli import main
from nestauth_peewee.config import Settings


@pytest.fixture(autouse=True)
def _restore_binding():
    before = nestauth_peewee.database.obj
    yield
    nestauth_peewee.database.initialize(before)


def test_a_missing_table_says_run_nestauth_migrate(empty_db, empty_db_url):
    with pytest.raises(errors.SchemaMissing) as missing:
        UserService(CHEAP_SETTINGS).get_by_email("ann@example.com")
    assert missing.value.details["table"] == "nest_auth_users"
    assert "run `nestauth migrate` (or, in development, `nestauth create-tables`)" in str(missing.value)
    assert isinstance(missing.value, peewee.DatabaseError)  # what callers caught before

    result = CliRunner().invoke(main, ["users", "list", "--database", empty_db_url])
    assert result.exit_code == 1
    assert result.output.startswith("nestauth: SCHEMA_MISSING: The table nest_auth_users does not exist")
    assert "Traceback" not in result.output


def test_a_missing_column_says_the_schema_is_older_than_the_library(empty_db):
    create_tables()
    empty_db.execute_sql("ALTER TABLE nest_auth_users DROP COLUMN must_change_password")
    with pytest.raises(errors.SchemaMissing, match="column .*must_change_password does not exist.*nestauth migrate"):
        User.select().where(User.must_change_password == False).count()  # noqa: E712 - SQL comparison


@pytest.fixture
def latin1_db(dialect, empty_db_url):
    """A MariaDB database whose default character set is latin1, dropped afterwards."""
    parsed = urlparse(empty_db_url)
    name = parsed.path.lstrip("/") + "_latin1"
    admin = peewee.MySQLDatabase("mysql", host=parsed.hostname, port=parsed.port or 3306, user=parsed.username,
                                 password=parsed.password or "")
    with admin.connection_context():
        admin.execute_sql(f"DROP DATABASE IF EXISTS `{name}`")
        admin.execute_sql(f"CREATE DATABASE `{name}` CHARACTER SET latin1")
    db = init_database(urlunparse(parsed._replace(path="/" + name)))
    try:
        yield db
    finally:
        db.close()
        with admin.connection_context():
            admin.execute_sql(f"DROP DATABASE `{name}`")


@pytest.mark.parametrize("dialect", ["mysql"], indirect=True)
def test_errno_150_on_a_latin1_database_names_the_character_set(latin1_db):
    class PlainAppUser(peewee.Model):  # no AuthModel: the table gets the database's latin1
        user = peewee.ForeignKeyField(User, column_name="user_id", on_delete="CASCADE", unique=True)

        class Meta:
            database = nestauth_peewee.database
            table_name = "plain_app_users"

    with pytest.raises(errors.ForeignKeyRefused) as refused:
        create_tables([*NestAuthModels, PlainAppUser])
    message = str(refused.value)
    assert message.startswith("Creating plain_app_users: MySQL/MariaDB refused a foreign key (errno 150)")
    assert "CHARACTER SET utf8mb4" in message and "latin1" in message
    assert "nest_auth_users" in latin1_db.get_tables()  # the library's own tables carry utf8mb4 themselves


def test_users_create_and_users_list_print_the_same_id(db, db_url, monkeypatch):
    monkeypatch.setattr(Settings, "from_env", classmethod(lambda cls, **over: replace(CHEAP_SETTINGS, **over)))
    runner = CliRunner()
    created = runner.invoke(main, ["users", "create", "ann@example.com", "--no-password", "--database", db_url])
    assert created.exit_code == 0, created.output
    (printed,) = re.findall(r"\(([0-9a-f-]{36})\)", created.output)
    listed = runner.invoke(main, ["users", "list", "--database", db_url])
    assert listed.exit_code == 0, listed.output
    row = next(line for line in listed.output.splitlines() if "ann@example.com" in line)
    assert row.split()[0] == printed
    assert str(uuid.UUID(printed)) == printed
    shown = runner.invoke(main, ["users", "deactivate", printed, "--database", db_url])  # and it is accepted back
    assert shown.exit_code == 0 and "ann@example.com is deactivated" in shown.output
