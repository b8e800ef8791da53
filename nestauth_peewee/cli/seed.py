"""``nestauth seed FILE``: apply a TOML or JSON seed file through the services.

    nestauth seed seed.toml --database postgresql://app@db/app
    nestauth seed seed.toml                 # again: "Nothing to change"
    nestauth seed --example                 # the example apps' seed, shipped with the package
    nestauth seed --show-example > seed.toml   # a starting point for your own

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
from ..seeding import EXAMPLE_SEED, Seeder, SeedReport, load_seed
from .base import command_settings, database_option, fail, main

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


def _show_example(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(EXAMPLE_SEED.read_text(encoding="utf-8"), nl=False)
        ctx.exit()


@main.command("seed")
@click.argument("file", type=click.Path(dir_okay=False), required=False)
@click.option("--example", is_flag=True,
              help="Apply the example apps' development seed (shipped with the package) instead of FILE.")
@click.option("--show-example", is_flag=True, expose_value=False, is_eager=True, callback=_show_example,
              help="Print the example seed (a starting point for your own file) and exit.")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="Threads hashing passwords [default: one per core].")
@database_option
def seed_command(db: Any, file: str | None, example: bool, workers: int | None) -> None:
    """Create or align permissions, tenants, roles, users and admins from FILE (.toml or .json).

    Idempotent: entries already in place are left alone, so a second run
    changes nothing. A password applies only when its account is created;
    `password_env = "VAR"` reads it from the environment instead of the file.
    """
    if example == bool(file):
        fail("give a seed FILE or --example (one of them).")
    path = str(EXAMPLE_SEED) if example or file is None else file
    settings = command_settings()
    plan = load_seed(path, settings)
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
