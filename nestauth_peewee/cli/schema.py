"""``nestauth create-tables`` and ``nestauth sync`` (path 1: development)."""

from __future__ import annotations

from typing import Any

import click

from ..db import dialect_of
from ..schema import create_tables, sync_schema
from .base import database_option, main


@main.command("create-tables")
@database_option
def create_tables_command(db: Any) -> None:
    """Create every missing nest-auth table with its indexes (idempotent)."""
    created = create_tables()
    where = f"{dialect_of(db)} database {db.database!r}"
    if created:
        click.echo(f"Created {len(created)} tables in {where}:")
        for name in created:
            click.echo(f"  + {name}")
    else:
        click.echo(f"Nothing to do: every nest-auth table already exists in {where}.")


@main.command("sync")
@click.option("--drop", is_flag=True, help="Also drop columns and indexes the models no longer have.")
@click.option("--yes", is_flag=True, help="Do not ask before dropping (with --drop).")
@click.option("--dry-run", is_flag=True, help="Only print what would change.")
@database_option
def sync_command(db: Any, drop: bool, yes: bool, dry_run: bool) -> None:
    """Development only: add missing tables, columns and indexes; never drop unless asked."""
    plan = sync_schema(apply=False)
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
    sync_schema(drop=do_drop)
    done = len(additions) + (len(plan.drops) if do_drop else 0)
    click.echo(f"Applied {done} change(s).")
