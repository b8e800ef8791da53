"""Flask extension: one connection per request, the app's database, the CLI on ``flask``.

    from flask import Flask
    from nestauth_peewee.integrations.flask import NestAuth

    app = Flask(__name__)
    app.config["NESTAUTH_DATABASE_URL"] = "postgresql://app@localhost/app"
    nestauth = NestAuth(app)          # or NestAuth() ... nestauth.init_app(app)

    # flask nestauth create-tables    (the whole `nestauth` CLI, on the app's database)

The database comes from ``NESTAUTH_DATABASE_URL``, then ``DATABASE_URL`` in the
app config, then the environment (see :func:`nestauth_peewee.init_database`).
Each request opens its connection with ``reuse_if_open=True`` (so code that
connected early does not fail with "connection already open") and the
teardown closes it, returning it to the pool when the URL asks for one.

Signals are the blinker signals of :mod:`nestauth_peewee.events`; connect to
them from the app as usual (they are sent after commit).
"""

from __future__ import annotations

import click
import peewee
from flask import Flask, current_app

from .. import events
from ..cli.base import CONTEXT_DATABASE_KEY, NestAuthGroup
from ..cli.base import main as cli_main
from ..config import Settings
from ..db import init_database

__all__ = ["NestAuth"]


class NestAuth:
    """The nest-auth extension for Flask."""

    signals = events

    def __init__(self, app: Flask | None = None, *, database: str | peewee.Database | None = None,
                 settings: Settings | None = None) -> None:
        self._database = database
        self.settings = settings
        self.db: peewee.Database | None = None
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        target = (self._database or app.config.get("NESTAUTH_DATABASE_URL")
                  or app.config.get("DATABASE_URL"))
        self.db = init_database(target)
        if self.settings is None:
            overrides = {}
            if app.config.get("NESTAUTH_SECRET_KEY"):
                overrides["secret_key"] = app.config["NESTAUTH_SECRET_KEY"]
            self.settings = Settings.from_env(**overrides)
        app.extensions["nestauth"] = self
        app.before_request(self._open_connection)
        app.teardown_request(self._close_connection)
        app.cli.add_command(_flask_cli_group())

    def _open_connection(self) -> None:
        assert self.db is not None
        self.db.connect(reuse_if_open=True)

    def _close_connection(self, exc: BaseException | None) -> None:
        db = self.db
        if db is None or db.is_closed():
            return
        if db.in_transaction():  # a request that died inside a transaction
            db.rollback()
        db.close()

    @staticmethod
    def current() -> NestAuth:
        """The extension of the current app."""
        return current_app.extensions["nestauth"]


def _flask_cli_group() -> click.Group:
    @click.pass_context
    def use_app_database(ctx: click.Context) -> None:
        from flask.cli import ScriptInfo

        app = ctx.ensure_object(ScriptInfo).load_app()
        ctx.meta[CONTEXT_DATABASE_KEY] = app.extensions["nestauth"].db

    return NestAuthGroup(
        "nestauth",
        commands=dict(cli_main.commands),
        callback=use_app_database,
        help="nest-auth's commands, on this app's database.",
    )


