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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..db import dialect_of
from ..schema.migrations import history_table_for, migrate, migration_status, rollback
from .base import database_option, fail, main

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
