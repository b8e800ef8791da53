"""``nestauth migrate``, ``nestauth rollback`` and ``nestauth migrations`` (path 2: production).

They run the migrations shipped inside the installed package, with their own
history table (``nestauth_migrate_history``)::

    nestauth migrate --database postgresql://app@db/app
    nestauth migrations            # what ran, what is pending
    nestauth rollback --yes        # undo the newest migration

``--directory DIR`` runs an app's own peewee-migrate directory instead, on the
same configured database (with the nest-auth models bound, so a data migration
can call the services); its history table is ``--history-table``, else its
``conf.py``'s ``MIGRATE_TABLE``, else ``migratehistory``, as with ``pw_migrate``.

``nestauth makemigrations`` writes an app's own migrations, for its own tables
only, with the library's migration writer (``pw_migrate create --auto`` cannot
be used on these models: see docs/migrations.md)::

    nestauth makemigrations create_app_users --models app_models:AppUser --directory app_migrations
    nestauth migrate --directory app_migrations
    nestauth makemigrations --check --models app_models:AppUser --directory app_migrations
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import peewee

from ..db import dialect_of
from ..models import NestAuthModels
from ..schema.migration_writer import pending_changes, write_migration
from ..schema.migrations import history_table_for, migrate, migration_status, rollback
from .base import database_option, fail, main
from .sql import models_option

F = TypeVar("F", bound=Callable[..., Any])


def _location_options(func: F) -> F:
    func = click.option("--history-table", metavar="NAME", default=None,
                        help="History table of --directory's migrations.")(func)
    return click.option("--directory", metavar="DIR", default=None,
                        type=click.Path(file_okay=False, exists=True),
                        help="An app's own migrations directory instead of nest-auth's.")(func)


def _where(db: Any) -> str:
    return f"{dialect_of(db)} database {db.database!r}"


@main.command("migrate")
@click.option("--to", "target", metavar="NAME", help="Stop after this migration (e.g. 001_initial).")
@click.option("--fake", is_flag=True,
              help="Record the pending migrations as applied without running them (for a schema "
                   "built by create-tables at this version).")
@_location_options
@database_option
def migrate_command(db: Any, target: str | None, fake: bool, directory: str | None,
                    history_table: str | None) -> None:
    """Apply the pending nest-auth migrations."""
    applied = migrate(db, to=target, fake=fake, directory=directory, history_table=history_table)
    if not applied:
        click.echo(f"Nothing to migrate: {_where(db)} is up to date.")
        return
    verb = "Recorded (without running)" if fake else "Applied"
    click.echo(f"{verb} {len(applied)} migration(s) in {_where(db)}:")
    for name in applied:
        click.echo(f"  + {name}")


@main.command("rollback")
@click.option("--count", default=1, show_default=True, type=click.IntRange(min=1),
              help="How many of the newest migrations to undo.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@_location_options
@database_option
def rollback_command(db: Any, count: int, yes: bool, directory: str | None,
                     history_table: str | None) -> None:
    """Undo the newest nest-auth migration(s); their tables and columns are dropped."""
    done = migration_status(db, directory=directory, history_table=history_table).history
    if not done:
        fail(f"nothing to roll back: no migration is recorded in {_where(db)}.")
    targets = list(reversed(done))[:count]
    if not yes and not click.confirm(
        f"Undo {', '.join(targets)} in {_where(db)}? Data in what they created is lost", default=False
    ):
        click.echo("Nothing rolled back.")
        return
    undone = rollback(db, count=count, directory=directory, history_table=history_table)
    click.echo(f"Rolled back {len(undone)} migration(s) in {_where(db)}:")
    for name in undone:
        click.echo(f"  - {name}")


@main.command("migrations")
@click.option("--check", is_flag=True, help="Exit with status 1 when a migration is pending.")
@_location_options
@database_option
def migrations_command(db: Any, check: bool, directory: str | None, history_table: str | None) -> None:
    """List the nest-auth migrations: applied [x], pending [ ]."""
    status = migration_status(db, directory=directory, history_table=history_table)
    for name in status.done:
        click.echo(f"[x] {name}")
    for name in status.pending:
        click.echo(f"[ ] {name}")
    for name in status.unknown:
        table = history_table_for(directory, history_table)
        click.echo(f"[?] {name}  (recorded in {table}, but there is no such migration file)")
    click.echo(f"{len(status.done)} applied, {len(status.pending)} pending in {_where(db)}.")
    if check and status.pending:
        fail(f"{len(status.pending)} migration(s) pending: run `nestauth migrate`.")


@main.command("makemigrations")
@click.argument("name", required=False)
@click.option("--directory", metavar="DIR", required=True, type=click.Path(file_okay=False),
              help="The app's migrations directory (created when missing).")
@click.option("--check", is_flag=True, help="Write nothing; exit with status 1 when the models are ahead.")
@models_option
def makemigrations_command(name: str | None, directory: str, check: bool,
                           models: list[type[peewee.Model]]) -> None:
    """Write the app's next migration NAME for its --models tables (no database needed).

    The file holds per-dialect DDL, checks and rollback for the app's tables
    only; the newest schema is kept beside it in schema_state.json. Apply it
    with `nestauth migrate --directory DIR` (after `nestauth migrate`).
    """
    if not models:
        fail("name the app's models: --models app_models:AppUser (repeatable).")
    ours = [m.__name__ for m in models if m in NestAuthModels]
    if ours:
        fail(f"{', '.join(ours)} belong to nest-auth, whose own migrations `nestauth migrate` runs; "
             "give --models only the app's tables.")
    folder = Path(directory)
    if check:
        changes = pending_changes(models, folder) if folder.is_dir() else ["+ every table of --models"]
        if changes:
            click.echo(f"The models are ahead of the migrations in {folder}:")
            for line in changes:
                click.echo(f"  {line}")
            fail(f"run `nestauth makemigrations NAME --directory {directory}` with the same --models.")
        click.echo(f"No changes: the newest migration in {folder} matches the models.")
        return
    if not name:
        fail("give the migration a NAME, e.g. create_app_users (or pass --check).")
    folder.mkdir(parents=True, exist_ok=True)
    path = write_migration(name, models, folder)
    if path is None:
        click.echo(f"No changes: the newest migration in {folder} matches the models; nothing written.")
        return
    click.echo(f"Wrote {path} (and {folder / 'schema_state.json'}).")
    click.echo("Review it (every '-' line drops data), then: nestauth migrate --directory " + directory)
