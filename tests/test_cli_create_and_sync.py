"""`nestauth create-tables` and `nestauth sync` (path 1), end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import nestauth_peewee
from nestauth_peewee import NestAuthModels, create_tables
from nestauth_peewee.cli import main
from nestauth_peewee.schema.catalog import read_catalog

NESTAUTH = str(Path(sys.executable).with_name("nestauth"))


@pytest.fixture(autouse=True)
def _restore_binding():
    before = nestauth_peewee.database.obj
    yield
    nestauth_peewee.database.initialize(before)


def run_cli(*args, input=None, env=None):
    result = CliRunner().invoke(main, list(args), input=input, env=env or {}, catch_exceptions=False)
    return result


def test_create_tables_without_arguments_makes_nestauth_db_and_is_idempotent(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    command = [NESTAUTH, "create-tables"] if os.path.exists(NESTAUTH) else [
        sys.executable, "-m", "nestauth_peewee.cli", "create-tables"]
    first = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "nestauth.db").exists()
    assert "Created 20 tables" in first.stdout
    assert "nest_auth_users" in first.stdout
    second = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert second.returncode == 0
    assert "Nothing to do" in second.stdout


def test_sync_adds_a_missing_table_and_column_and_nothing_else(empty_db, empty_db_url):
    create_tables()
    expected = read_catalog(empty_db)
    empty_db.execute_sql("DROP TABLE nest_auth_otps")
    empty_db.execute_sql("ALTER TABLE nest_auth_users DROP COLUMN must_change_password")

    result = run_cli("sync", "--database", empty_db_url)
    assert result.exit_code == 0, result.output
    changes = [line.strip() for line in result.output.splitlines() if line.strip().startswith(("+", "-"))]
    assert changes == ["+ create table nest_auth_otps", "+ add column nest_auth_users.must_change_password"]

    nestauth_peewee.database.initialize(empty_db)
    assert read_catalog(empty_db) == expected
    assert "In sync" in run_cli("sync", "--database", empty_db_url).output


def test_sync_restores_a_missing_named_index(empty_db, empty_db_url):
    create_tables()
    expected = read_catalog(empty_db)
    drop = "DROP INDEX nest_auth_users_email_idx"
    if nestauth_peewee.dialect_of(empty_db) == "mysql":
        drop += " ON nest_auth_users"
    empty_db.execute_sql(drop)
    result = run_cli("sync", "--database", empty_db_url)
    assert "+ add index nest_auth_users.nest_auth_users_email_idx" in result.output
    nestauth_peewee.database.initialize(empty_db)
    assert read_catalog(empty_db) == expected


def test_sync_never_drops_unless_asked_and_confirmed(empty_db, empty_db_url):
    create_tables()
    empty_db.execute_sql("ALTER TABLE nest_auth_users ADD COLUMN legacy_flag INTEGER")

    kept = run_cli("sync", "--database", empty_db_url)
    assert "- drop column nest_auth_users.legacy_flag   (kept; pass --drop to remove)" in kept.output
    declined = run_cli("sync", "--drop", "--database", empty_db_url, input="n\n")
    assert "Not dropping anything" in declined.output
    nestauth_peewee.database.initialize(empty_db)
    assert "legacy_flag" in read_catalog(empty_db, {"nest_auth_users"})["nest_auth_users"].columns

    dropped = run_cli("sync", "--drop", "--yes", "--database", empty_db_url)
    assert dropped.exit_code == 0, dropped.output
    nestauth_peewee.database.initialize(empty_db)
    assert "legacy_flag" not in read_catalog(empty_db, {"nest_auth_users"})["nest_auth_users"].columns


def test_sync_dry_run_changes_nothing(empty_db, empty_db_url):
    create_tables(NestAuthModels[:1])
    result = run_cli("sync", "--dry-run", "--database", empty_db_url)
    assert "+ create table nest_auth_sessions" in result.output
    assert "Dry run" in result.output
    nestauth_peewee.database.initialize(empty_db)
    assert set(read_catalog(empty_db)) == {"nest_auth_users"}


@pytest.mark.parametrize("url,fragment", [
    ("oracle://x/y", "Unknown database URL scheme"),
    ("postgresql://postgres@127.0.0.1:1/nestauth_test", "DATABASE_UNAVAILABLE"),
    ("sqlite://relative.db", "three slashes"),
])
def test_cli_bad_database_is_one_line_and_exit_1(url, fragment):
    result = CliRunner().invoke(main, ["create-tables", "--database", url])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and fragment in lines[0]
    assert "Traceback" not in result.output


def test_every_command_has_help():
    for command in main.commands:
        result = run_cli(command, "--help")
        assert result.exit_code == 0, command
        assert result.output.startswith("Usage: "), command


def test_create_tables_and_sync_take_the_apps_models_too(empty_db, empty_db_url):
    # examples/app_models.py is importable in the tests (conftest puts examples/ on sys.path).
    created = run_cli("create-tables", "--models", "app_models:AppUser", "--database", empty_db_url)
    assert created.exit_code == 0, created.output
    assert f"Created {len(NestAuthModels) + 1} tables" in created.output and "+ app_users" in created.output
    again = run_cli("create-tables", "--models", "app_models:AppUser", "--database", empty_db_url)
    assert "Nothing to do: every nest-auth and --models table already exists" in again.output

    nestauth_peewee.database.initialize(empty_db)
    empty_db.execute_sql("ALTER TABLE app_users DROP COLUMN locale")
    plain = run_cli("sync", "--dry-run", "--database", empty_db_url)
    assert "In sync" in plain.output  # without --models the app's table is not looked at
    synced = run_cli("sync", "--models", "app_models:AppUser", "--database", empty_db_url)
    assert synced.exit_code == 0, synced.output
    assert "+ add column app_users.locale" in synced.output and "Applied 1 change(s)." in synced.output
    nestauth_peewee.database.initialize(empty_db)
    assert "locale" in read_catalog(empty_db, {"app_users"})["app_users"].columns

    bad = CliRunner().invoke(main, ["create-tables", "--models", "app_models", "--database", empty_db_url])
    assert bad.exit_code == 1 and "--models takes module:ModelName" in bad.output
