"""The AppUser story: an app's own profile table lives beside the library's migrations."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from migration_helpers import clone_model, replace_models, run
from support import CHEAP_SETTINGS

import nestauth_peewee
from nestauth_peewee import User, UserService, errors, events
from nestauth_peewee.cli import main
from nestauth_peewee.fields import CharField
from nestauth_peewee.schema.catalog import ForeignKey, read_catalog
from nestauth_peewee.schema.migration_writer import write_migration
from nestauth_peewee.schema.migrations import (
    MIGRATIONS_DIR,
    migrate,
    migration_names,
    migration_status,
    rollback,
)

#: The migrations the package ships.
SHIPPED = migration_names()

EXAMPLE_MODELS = Path(__file__).resolve().parent.parent / "examples" / "app_models.py"
# The next version of the app's model: one more column (nullable, so existing rows need no value).
ADD_TIMEZONE = ('    locale = peewee.CharField(max_length=16, default="en")\n',
                '    locale = peewee.CharField(max_length=16, default="en")\n'
                '    timezone = peewee.CharField(max_length=64, null=True)\n')


def _nestauth(*args: str, cwd: Path) -> str:
    """The ``nestauth`` command as a user runs it (a new process, so the app module is read afresh)."""
    result = run([sys.executable, "-m", "nestauth_peewee.cli", *args], cwd=cwd)
    return result.stdout


def _app_history(db) -> list[str]:
    return [row[0] for row in db.execute_sql("SELECT name FROM migratehistory ORDER BY id").fetchall()]


def test_the_app_user_recipe_end_to_end(empty_db, empty_db_url, tmp_path: Path):
    """docs/database-setup.md's AppUser recipe, path 2, as its commands say, on every dialect."""
    library = tmp_path / "library_migrations"
    shutil.copytree(MIGRATIONS_DIR, library, ignore=shutil.ignore_patterns("__pycache__"))
    app = tmp_path / "app"
    app.mkdir()
    shutil.copy(EXAMPLE_MODELS, app / "app_models.py")
    on_db = ("--database", empty_db_url)
    models = ("--models", "app_models:AppUser", "--directory", "app_migrations")

    # 1. The library's migrations, then the app's first one: its own table only, valid Python.
    assert migrate(empty_db, directory=library) == SHIPPED
    assert "Wrote app_migrations/001_create_app_users.py" in _nestauth("makemigrations", "create_app_users",
                                                                        *models, cwd=app)
    first = app / "app_migrations" / "001_create_app_users.py"
    text = first.read_text()
    compile(text, str(first), "exec")
    assert "    + table app_users\n\n" in text
    assert re.findall(r"CREATE TABLE [`\"](\w+)", text) == ["app_users"] * 3  # one per dialect, the app's only
    assert "+ 001_create_app_users" in _nestauth("migrate", "--directory", "app_migrations", *on_db, cwd=app)
    cascade = ForeignKey("user_id", "nest_auth_users", "id", "CASCADE")
    assert cascade in read_catalog(empty_db, {"app_users"})["app_users"].foreign_keys

    # 2. The app adds a column: the diff is that column, and it migrates.
    source = (app / "app_models.py").read_text()
    assert ADD_TIMEZONE[0] in source
    (app / "app_models.py").write_text(source.replace(*ADD_TIMEZONE))
    check = run([sys.executable, "-m", "nestauth_peewee.cli", "makemigrations", "--check", *models], cwd=app,
                check=False)
    assert check.returncode == 1 and "+ column app_users.timezone" in check.stdout
    _nestauth("makemigrations", "add_app_user_timezone", *models, cwd=app)
    second = app / "app_migrations" / "002_add_app_user_timezone.py"
    assert "    + column app_users.timezone\n\n" in second.read_text()
    assert "+ 002_add_app_user_timezone" in _nestauth("migrate", "--directory", "app_migrations", *on_db, cwd=app)
    assert "timezone" in read_catalog(empty_db, {"app_users"})["app_users"].columns
    assert "No changes" in _nestauth("makemigrations", "--check", *models, cwd=app)
    assert _app_history(empty_db) == ["001_create_app_users", "002_add_app_user_timezone"]
    app_files = {p.name: p.read_bytes() for p in (app / "app_migrations").iterdir() if p.is_file()}

    # 3. A later library release adds a column and an index: only the library migrates.
    upgraded = replace_models({User: clone_model(
        User, extra_fields={"nickname": CharField(max_length=64, null=True)},
        extra_indexes=[("nest_auth_users_nickname_idx", ["nickname"], False)])})
    write_migration("add_user_nickname", upgraded, library)
    nickname = f"{len(SHIPPED) + 1:03d}_add_user_nickname"
    assert migrate(empty_db, directory=library) == [nickname]
    assert {p.name: p.read_bytes() for p in (app / "app_migrations").iterdir() if p.is_file()} == app_files
    assert "No changes" in _nestauth("makemigrations", "--check", *models, cwd=app)

    # 4. Deleting a user through the service removes the app's row, on every dialect.
    nestauth_peewee.database.initialize(empty_db)
    user = UserService(CHEAP_SETTINGS).create(email="ann@example.com", password="correct horse battery 42")
    param = empty_db.param
    empty_db.execute_sql(f"INSERT INTO app_users (user_id, display_name, locale) VALUES ({param}, {param}, 'en')",
                         (User.id.db_value(user.id), "Ann"))
    UserService(CHEAP_SETTINGS).delete(user.id)
    assert empty_db.execute_sql("SELECT COUNT(*) FROM app_users").fetchone()[0] == 0

    # Rolling the library back below the app's table is refused before anything is dropped.
    assert rollback(empty_db, directory=library) == [nickname]
    with pytest.raises(errors.MigrationError, match="app_users.user_id references nest_auth_users"):
        rollback(empty_db, directory=library, count=len(SHIPPED))
    assert {"nest_auth_users", "nest_auth_sessions", "app_users"} <= set(empty_db.get_tables())
    # The app's own migrations roll back in their own history.
    assert "- 002_add_app_user_timezone" in _nestauth("rollback", "--yes", "--directory", "app_migrations",
                                                      *on_db, cwd=app)


def test_makemigrations_refuses_the_librarys_models_and_a_missing_name(tmp_path: Path):
    runner = CliRunner()
    ours = runner.invoke(main, ["makemigrations", "x", "--models", "nestauth_peewee:User", "--directory",
                                str(tmp_path / "m")])
    assert ours.exit_code == 1 and "belong to nest-auth" in ours.output
    none = runner.invoke(main, ["makemigrations", "x", "--directory", str(tmp_path / "m")])
    assert none.exit_code == 1 and "--models app_models:AppUser" in none.output
    unnamed = runner.invoke(main, ["makemigrations", "--models", "app_models:AppUser", "--directory",
                                   str(tmp_path / "m")])
    assert unnamed.exit_code == 1 and "give the migration a NAME" in unnamed.output
    assert not (tmp_path / "m").exists()


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
    assert migration_status(empty_db).done == SHIPPED  # the library's history is apart

    result = CliRunner().invoke(
        main, ["rollback", "--yes", "--directory", str(app_migrations), "--database", empty_db_url])
    assert result.exit_code == 0, result.output
    assert not User.select().where(User.email == "seed@example.com").exists()
    assert _app_history(empty_db) == []
    assert migration_status(empty_db).done == SHIPPED
