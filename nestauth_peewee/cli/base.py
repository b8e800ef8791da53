"""The ``nestauth`` click group, the shared ``--database`` option and error handling."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click
import peewee

from .. import errors
from ..config import Settings
from ..db import DEFAULT_DATABASE_URL, init_database
from ..driver_errors import translate

__all__ = ["main", "database_option", "fail", "CONTEXT_DATABASE_KEY", "CONTEXT_SETTINGS_KEY", "NestAuthGroup",
           "command_settings"]

F = TypeVar("F", bound=Callable[..., Any])


class NestAuthGroup(click.Group):
    """Turns library and database errors into one line on stderr and exit code 1 (a malformed
    command line: one line and exit code 2)."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:  # a bad option of the group itself: one line too
            if parent is not None:
                raise
            fail(f"{exc.format_message()} (see `{info_name or 'nestauth'} --help`)", code=exc.exit_code)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:  # a subcommand's bad option or argument: one line, exit 2
            where = exc.ctx.command_path if exc.ctx is not None else ctx.command_path
            fail(f"{exc.format_message()} (see `{where} --help`)", code=exc.exit_code)
        except errors.NestAuthError as exc:
            fail(f"{exc.code}: {exc}")
        except peewee.PeeweeException as exc:
            translated = translate(exc)
            first = str(translated).strip().splitlines()[0] if str(translated).strip() else type(exc).__name__
            fail(f"database error: {first}")


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"nestauth: {message}", err=True)
    sys.exit(code)


@click.group(cls=NestAuthGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nestauth-peewee", prog_name="nestauth")
def main() -> None:
    """nest-auth's database layer: create, check and migrate the auth schema; seed it; administer
    accounts, roles and tenants; clean up expired rows."""


#: Where a host framework (the Flask integration) leaves its already bound Database.
CONTEXT_DATABASE_KEY = "nestauth.database"
#: Where a host framework leaves its :class:`~nestauth_peewee.config.Settings`.
CONTEXT_SETTINGS_KEY = "nestauth.settings"


def command_settings() -> Settings:
    """The host app's Settings under ``flask nestauth``, else :meth:`Settings.from_env`."""
    ctx = click.get_current_context(silent=True)
    settings = ctx.meta.get(CONTEXT_SETTINGS_KEY) if ctx is not None else None
    return settings if settings is not None else Settings.from_env()


def database_option(func: F) -> F:
    """Add ``--database URL`` and pass the bound, connected Database as ``db``.

    Without ``--database`` the URL comes from ``$DATABASE_URL``, then the
    embedded default; under ``flask nestauth ...`` the app's own database is used.
    """

    @click.option(
        "--database",
        "database_url",
        envvar="DATABASE_URL",
        default=None,
        metavar="URL",
        help="postgresql://, mysql:// (MariaDB too) or sqlite:/// URL "
        f"[default: $DATABASE_URL, else {DEFAULT_DATABASE_URL}]",
    )
    @functools.wraps(func)
    def wrapper(*args: Any, database_url: str | None, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        host_db = ctx.meta.get(CONTEXT_DATABASE_KEY)
        db = init_database(host_db if host_db is not None and not database_url else database_url)
        try:
            db.connect(reuse_if_open=True)
        except peewee.PeeweeException as exc:
            raise translate(exc) from exc
        try:
            return func(*args, db=db, **kwargs)
        finally:
            if not db.is_closed():
                db.close()

    return wrapper  # type: ignore[return-value]
