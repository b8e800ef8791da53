"""Flask extension: one connection per request, the app's database, the CLI on ``flask``.

    from flask import Flask
    from nestauth_peewee.integrations.flask import NestAuth

    app = Flask(__name__)
    app.config["NESTAUTH_DATABASE_URL"] = "postgresql://app@localhost/app"
    nestauth = NestAuth(app)          # or NestAuth() ... nestauth.init_app(app)

    # flask nestauth create-tables    (the whole `nestauth` CLI, on the app's database)

    user = nestauth.users.register(email=..., password=...)   # every service, one Settings
    issued = nestauth.sessions.create(user.id)

The database comes from ``NESTAUTH_DATABASE_URL``, then ``DATABASE_URL`` in the
app config, then the environment (see :func:`nestauth_peewee.init_database`).
Each request opens its connection with ``reuse_if_open=True`` (so code that
connected early does not fail with "connection already open") and the
teardown closes it, returning it to the pool when the URL asks for one.

The services (``nestauth.users``, ``.sessions``, ``.access_keys``, ``.otps``,
``.mfa``, ``.trusted_devices``, ``.admins``, ``.tenants``, ``.memberships``,
``.staff``, ``.roles``, ``.permissions``, ``.authorization``; see
:class:`~nestauth_peewee.AuthServices`) are built once in ``init_app`` from
the ``settings`` argument, else ``NESTAUTH_SETTINGS`` in the app config, else
:meth:`Settings.from_env` with ``NESTAUTH_SECRET_KEY`` from the app config
when it is there. Each service operation commits on its own; the extension
opens no request-wide transaction.

Signals are the blinker signals of :mod:`nestauth_peewee.events`; connect to
them from the app as usual (they are sent after commit).
"""

from __future__ import annotations

from typing import Any

import click
import peewee
from flask import Flask, current_app

from .. import events
from ..cli.base import CONTEXT_DATABASE_KEY, CONTEXT_SETTINGS_KEY, NestAuthGroup
from ..cli.base import main as cli_main
from ..config import Settings
from ..db import init_database
from ..errors import ConfigurationError
from ..services.bundle import SERVICE_NAMES, AuthServices

__all__ = ["NestAuth"]


class NestAuth:
    """The nest-auth extension for Flask."""

    signals = events

    def __init__(self, app: Flask | None = None, *, database: str | peewee.Database | None = None,
                 settings: Settings | None = None) -> None:
        self._database = database
        self.settings = settings
        self.db: peewee.Database | None = None
        self.services: AuthServices | None = None
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        target = (self._database or app.config.get("NESTAUTH_DATABASE_URL")
                  or app.config.get("DATABASE_URL"))
        self.db = init_database(target)
        if self.settings is None:
            self.settings = app.config.get("NESTAUTH_SETTINGS")
        if self.settings is None:
            overrides = {}
            if app.config.get("NESTAUTH_SECRET_KEY"):
                overrides["secret_key"] = app.config["NESTAUTH_SECRET_KEY"]
            self.settings = Settings.from_env(**overrides)
        self.services = AuthServices(self.settings)
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

    def __getattr__(self, name: str) -> Any:
        # ``nestauth.users`` & co. are the bundle's services.
        if name in SERVICE_NAMES:
            services = self.__dict__.get("services")
            if services is None:
                raise ConfigurationError("NestAuth has no app yet: call init_app(app) before using its services.")
            return getattr(services, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

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
        ctx.meta[CONTEXT_SETTINGS_KEY] = app.extensions["nestauth"].settings

    return NestAuthGroup(
        "nestauth",
        commands=dict(cli_main.commands),
        callback=use_app_database,
        help="nest-auth's commands, on this app's database.",
    )


