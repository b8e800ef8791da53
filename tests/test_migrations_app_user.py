"""The AppUser story: an app's own profile table lives beside the library's migrations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from migration_helpers import clone_model, pw_migrate, replace_models

import nestauth_peewee
from nestauth_peewee import User, errors, events
from nestauth_peewee.cli import main
from nestauth_peewee.fields import CharField
from nestauth_peewee.schema.catalog import ForeignKey, read_catalog
from nestauth_peewee.schema.migration_writer import write_migration
from nestauth_peewee.schema.migrations import MIGRATIONS_DIR, migrate, migration_status, rollback

APP_MODELS = '''\
import peewee as pw

import nestauth_peewee


class AppUser(pw.Model):
    """The app's profile row: one per nest-auth user, gone when the user is deleted."""

    user = pw.ForeignKeyField(nestauth_peewee.User, column_name="user_id", on_delete="CASCADE",
                              unique=True)
    display_name = pw.CharField(max_length=100)

    class Meta:
        table_name = "app_users"
'''

# The review step of docs/migrations.md: peewee-migrate writes migrator.orm['nest_auth_users'],
# which its own history cannot resolve; the app freezes a reference to the table instead.
FROZEN_REFERENCE = '''\
class NestAuthUser(pw.Model):
    """Frozen reference to nest-auth's users table (created by `nestauth migrate`)."""

    id = pw.UUIDField(primary_key=True)

    class Meta:
        table_name = "nest_auth_users"


'''


def _freeze_reference(text: str) -> str:
    text = text.replace("model=migrator.orm['nest_auth_users']", "model=NestAuthUser")
    return text.replace("\ndef migrate(", "\n" + FROZEN_REFERENCE + "def migrate(", 1)


def _app_history(db) -> list[str]:
    return [row[0] for row in db.execute_sql("SELECT name FROM migratehistory ORDER BY id").fetchall()]


def test_an_app_profile_table_keeps_its_own_migrations_across_a_library_upgrade(
        empty_db, empty_db_url, tmp_path: Path):
    library = tmp_path / "library_migrations"
    shutil.copytree(MIGRATIONS_DIR, library, ignore=shutil.ignore_patterns("__pycache__"))
    app = tmp_path / "app"
    app.mkdir()
    (app / "app_models.py").write_text(APP_MODELS)
    app_dir = ["--database", empty_db_url, "--directory", "migrations"]

    # 1. The library's migrations.
    assert migrate(empty_db, directory=library) == ["001_initial"]

    # 2. The app writes its own migration with pw_migrate, reviews it, applies it.
    pw_migrate("create", "--auto", "--auto-source", "app_models", *app_dir, "app_users", cwd=app)
    (generated,) = (app / "migrations").glob("001_*.py")
    text = generated.read_text()
    assert "migrator.orm['nest_auth_users']" in text and "on_delete='CASCADE'" in text
    generated.write_text(_freeze_reference(text))
    pw_migrate("migrate", *app_dir, cwd=app)
    cascade = ForeignKey("user_id", "nest_auth_users", "id", "CASCADE")
    assert cascade in read_catalog(empty_db, {"app_users"})["app_users"].foreign_keys
    app_files = {p.name: p.read_bytes() for p in (app / "migrations").iterdir() if p.is_file()}

    # 3. A later library release adds a column and an index: only the library migrates.
    upgraded = replace_models({User: clone_model(
        User, extra_fields={"nickname": CharField(max_length=64, null=True)},
        extra_indexes=[("nest_auth_users_nickname_idx", ["nickname"], False)])})
    write_migration("add_user_nickname", upgraded, library)
    assert migrate(empty_db, directory=library) == ["002_add_user_nickname"]

    assert _app_history(empty_db) == [generated.stem]
    assert {p.name: p.read_bytes() for p in (app / "migrations").iterdir() if p.is_file()} == app_files
    result = pw_migrate("create", "--auto", "--auto-source", "app_models", *app_dir, "after_upgrade", cwd=app)
    assert "No changes found" in result.stderr
    assert sorted(p.name for p in (app / "migrations").glob("0*.py")) == [generated.name]
    catalog = read_catalog(empty_db, {"app_users", "nest_auth_users"})
    assert cascade in catalog["app_users"].foreign_keys
    assert "nest_auth_users_nickname_idx" in catalog["nest_auth_users"].indexes

    # Deleting a user still removes the app's row, on every dialect.
    user = User.create(email="ann@example.com")
    param = empty_db.param
    empty_db.execute_sql(f"INSERT INTO app_users (user_id, display_name) VALUES ({param}, {param})",
                         (User.id.db_value(user.id), "Ann"))
    User.delete().where(User.id == user.id).execute()
    assert empty_db.execute_sql("SELECT COUNT(*) FROM app_users").fetchone()[0] == 0

    # Rolling the library back below the app's table is refused before anything is dropped.
    assert rollback(empty_db, directory=library) == ["002_add_user_nickname"]
    with pytest.raises(errors.MigrationError, match="app_users.user_id references nest_auth_users"):
        rollback(empty_db, directory=library)
    assert {"nest_auth_users", "nest_auth_sessions", "app_users"} <= set(empty_db.get_tables())


SEED_MIGRATION = '''\
"""Seed a first user through the service layer's machinery (transaction + event)."""


def migrate(migrator, database, *, fake=False):
    migrator.run(_seed)


def rollback(migrator, database, *, fake=False):
    migrator.run(_unseed)


def _seed():
    from nestauth_peewee import User, events, unit_of_work

    with unit_of_work.transaction():  # what a service call does: one block, event after it
        user = User.create(email="seed@example.com", metadata={"seeded": True})
        unit_of_work.emit(events.user_created, None, user_id=user.id)


def _unseed():
    from nestauth_peewee import User

    User.delete().where(User.email == "seed@example.com").execute()
'''


def test_an_app_data_migration_runs_on_the_configured_database_with_the_library_bound(
        empty_db, empty_db_url, tmp_path: Path):
    app_migrations = tmp_path / "migrations"
    app_migrations.mkdir()
    (app_migrations / "001_seed_first_user.py").write_text(SEED_MIGRATION)
    received: list[object] = []

    def listener(sender, **payload):
        received.append(payload["user_id"])

    events.user_created.connect(listener)
    try:
        assert CliRunner().invoke(main, ["migrate", "--database", empty_db_url]).exit_code == 0
        result = CliRunner().invoke(
            main, ["migrate", "--directory", str(app_migrations), "--database", empty_db_url])
    finally:
        events.user_created.disconnect(listener)

    assert result.exit_code == 0, result.output
    nestauth_peewee.database.initialize(empty_db)
    user = User.get(User.email == "seed@example.com")
    assert user.metadata == {"seeded": True}  # JSON written the MariaDB way too
    assert received == [user.id]
    assert _app_history(empty_db) == ["001_seed_first_user"]
    assert migration_status(empty_db).done == ["001_initial"]  # the library's history is apart

    result = CliRunner().invoke(
        main, ["rollback", "--yes", "--directory", str(app_migrations), "--database", empty_db_url])
    assert result.exit_code == 0, result.output
    assert not User.select().where(User.email == "seed@example.com").exists()
    assert _app_history(empty_db) == []
    assert migration_status(empty_db).done == ["001_initial"]
