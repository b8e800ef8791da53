"""``nestauth sql`` and ``nestauth check`` (path 3: hand-managed schemas).

    nestauth sql postgres > V1__nest_auth.sql             # the snapshot, for Flyway & co.
    nestauth sql mysql --models myapp.models:AppUser      # plus the app's own tables
    nestauth check --database postgresql://app@db/app     # exit 0 in sync, 1 on drift

``--models module:Name`` (repeatable) imports a peewee model of the app; the
current directory is importable, as with ``python -m``.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click
import peewee

from .. import errors
from ..db import DIALECTS, dialect_of
from ..schema.check import check_schema
from ..schema.snapshot import render_snapshot
from .base import database_option, main

__all__ = ["load_models", "models_option"]

F = TypeVar("F", bound=Callable[..., Any])


def load_models(specs: Sequence[str]) -> list[type[peewee.Model]]:
    """Import ``module:Name`` specs; every failure is one :class:`ConfigurationError` line."""
    if specs and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    models: list[type[peewee.Model]] = []
    for spec in specs:
        module_name, sep, attr = spec.partition(":")
        if not sep or not module_name or not attr:
            raise errors.ConfigurationError(
                f"--models takes module:ModelName (e.g. myapp.models:AppUser), not {spec!r}."
            )
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # noqa: BLE001 - any import failure is the user's to fix
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise errors.ConfigurationError(
                f"Cannot import module {module_name!r} named in --models {spec!r}: {detail}"
            ) from exc
        try:
            target = getattr(module, attr)
        except AttributeError:
            raise errors.ConfigurationError(
                f"Module {module_name!r} has no attribute {attr!r} (from --models {spec!r})."
            ) from None
        if not (isinstance(target, type) and issubclass(target, peewee.Model)):
            raise errors.ConfigurationError(
                f"--models {spec!r} is a {type(target).__name__}, not a peewee model class."
            )
        if target not in models:
            models.append(target)
    return models


def models_option(func: F) -> F:
    """Add a repeatable ``--models module:Name`` and pass the model classes as ``models``."""

    @click.option(
        "--models",
        "model_specs",
        multiple=True,
        metavar="MODULE:NAME",
        help="An app model to include (e.g. myapp.models:AppUser); repeatable.",
    )
    @functools.wraps(func)
    def wrapper(*args: Any, model_specs: Sequence[str], **kwargs: Any) -> Any:
        return func(*args, models=load_models(model_specs), **kwargs)

    return wrapper  # type: ignore[return-value]


@main.command("sql")
@click.argument("dialect", metavar="{" + ",".join(DIALECTS) + "}")
@models_option
def sql_command(dialect: str, models: list[type[peewee.Model]]) -> None:
    """Print the deterministic SQL snapshot of the schema for DIALECT (no server needed)."""
    click.echo(render_snapshot(dialect, models), nl=False)


@main.command("check")
@models_option
@database_option
def check_command(db: Any, models: list[type[peewee.Model]]) -> None:
    """Compare the database with the models; exit 0 when in sync, 1 when they differ."""
    drift = check_schema(models, db=db)
    where = f"{dialect_of(db)} database {db.database!r}"
    if not drift:
        click.echo(f"In sync: the {len(drift.tables_checked)} tables of the models match {where}.")
        return
    click.echo(f"Drift: {len(drift.differences)} difference(s) between {where} and the models:")
    for line in drift.describe():
        click.echo(f"  - {line}")
    sys.exit(1)
