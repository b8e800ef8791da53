"""``nestauth create-tables`` and ``nestauth sync`` (path 1: development).

    nestauth create-tables --models app_models:AppUser     # the app's tables too
    nestauth sync --dry-run --models app_models:AppUser

Both hold the schema lock while they work: of several started at once, one
creates (or syncs) and the others say there is nothing to do.
"""

from __future__ import annotations

from typing import Any

import click
import peewee

from ..db import dialect_of
from ..models import NestAuthModels
from ..schema import create_tables, sync_schema
from .base import database_option, main
from .sql import models_option


def _chosen(models: list[type[peewee.Model]]) -> list[type[peewee.Model]]:
    """The nest-auth models plus the app's (``--models``)."""
    return [*NestAuthModels, *(m for m in models if m not in NestAuthModels)]


@main.command("create-tables")
@models_option
@database_option
def create_tables_command(db: Any, models: list[type[peewee.Model]]) -> None:
    """Create every missing nest-auth table (and --models table) with its indexes (idempotent)."""
    created = create_tables(_chosen(models))
    where = f"{dialect_of(db)} database {db.database!r}"
    if created:
        click.echo(f"Created {len(created)} tables in {where}:")
        for name in created:
            click.echo(f"  + {name}")
    else:
        what = "nest-auth and --models" if models else "nest-auth"
        click.echo(f"Nothing to do: every {what} table already exists in {where}.")


@main.command("sync")
@click.option("--drop", is_flag=True, help="Also drop columns and indexes the models no longer have.")
@click.option("--yes", is_flag=True, help="Do not ask before dropping (with --drop).")
@click.option("--dry-run", is_flag=True, help="Only print what would change.")
@models_option
@database_option
def sync_command(db: Any, drop: bool, yes: bool, dry_run: bool, models: list[type[peewee.Model]]) -> None:
    """Development only: add missing tables, columns and indexes; never drop unless asked."""
    chosen = _chosen(models)
    plan = sync_schema(chosen, apply=False)
    if not plan:
        click.echo("In sync: nothing to add or drop.")
        return
    additions = [line for line in plan.describe() if not line.startswith("drop ")]
    for line in additions:
        click.echo(f"  + {line}")
    for line in plan.drops:
        click.echo(f"  - {line}" + ("" if drop else "   (kept; pass --drop to remove)"))
    if dry_run:
        click.echo("Dry run: nothing changed.")
        return
    do_drop = drop and bool(plan.drops)
    if do_drop and not yes and not click.confirm(
        f"Drop the {len(plan.drops)} item(s) marked '-'? Their data is lost", default=False
    ):
        do_drop = False
        click.echo("Not dropping anything.")
    applied = sync_schema(chosen, drop=do_drop)  # planned again under the schema lock
    done = len([line for line in applied.describe() if not line.startswith("drop ")])
    done += len(applied.drops) if do_drop else 0
    if not done:
        click.echo("Nothing to do: another process made these changes meanwhile.")
        return
    click.echo(f"Applied {done} change(s).")
