"""``nestauth seed FILE``: apply a TOML or JSON seed file through the services.

    nestauth seed examples/seed.toml --database postgresql://app@db/app
    nestauth seed examples/seed.toml        # again: "Nothing to change"

The whole file is checked before anything is written; then each entry is
one transaction, and the first refused entry stops the run (it and the
entries after it are not applied). Format: docs/seeding.md.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from .. import errors
from ..db import dialect_of
from ..seeding import Seeder, SeedReport, load_seed
from .base import command_settings, database_option, main

#: Files with at least this many entries get a progress bar (when stderr is a terminal).
PROGRESS_THRESHOLD = 50


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None] | None]:
    if total < PROGRESS_THRESHOLD or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label="Seeding", file=sys.stderr, show_pos=True) as bar:
        yield bar.update


def _print_report(report: SeedReport, where: str) -> None:
    for line in report.summary():
        click.echo(f"  {line}")
    if report.changes:
        click.echo(f"Applied {report.changes} change(s) from {report.source} to {where}.")
    else:
        click.echo(f"Nothing to change: every entry of {report.source} is already in place in {where}.")


@main.command("seed")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="Threads hashing passwords [default: one per core].")
@database_option
def seed_command(db: Any, file: str, workers: int | None) -> None:
    """Create or align permissions, tenants, roles, users and admins from FILE (.toml or .json).

    Idempotent: entries already in place are left alone, so a second run
    changes nothing. A password applies only when its account is created;
    `password_env = "VAR"` reads it from the environment instead of the file.
    """
    settings = command_settings()
    plan = load_seed(file, settings)
    where = f"{dialect_of(db)} database {db.database!r}"
    seeder = Seeder(settings, workers=workers)
    try:
        with _progress(plan.size) as progress:
            report = seeder.apply(plan, progress=progress)
    except errors.SeedEntryFailed as exc:
        if exc.report is not None and exc.report.outcomes:
            click.echo(f"Stopped at {exc.details.get('section')} entry {exc.details.get('position')}; "
                       "the entries before it were applied:")
            _print_report(exc.report, where)
        raise
    _print_report(report, where)
