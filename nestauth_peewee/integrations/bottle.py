"""Bottle plugin: a connection and a transaction per request, for every dialect.

    import bottle
    from nestauth_peewee.integrations.bottle import NestAuthPlugin

    app = bottle.Bottle()
    plugin = NestAuthPlugin("sqlite:///app.db")      # settings=Settings(...) optional
    app.install(plugin)
    plugin.services.users.register(...)              # every service, one Settings

Each request runs inside :func:`nestauth_peewee.unit_of_work.transaction`:
it commits when the route returns (or raises a redirect or another
``HTTPResponse`` below 400) and rolls back when the route raises or returns an
``HTTPError`` (status 400 and up) — one or the other, never both. One
exception to "raises means rollback": a route that raises
:class:`~nestauth_peewee.errors.CredentialRejected` (a replayed refresh
token, a wrong one-time code, ...) commits, because that refusal's own writes
are the security measure (the replayed session is revoked, the failed
attempt is counted) and a rollback would undo them. Events queued
by the services during the request are sent after that commit. The connection
is closed (returned to the pool) when the request ends, whatever happened.

Switch it off for one route with ``@app.route(..., nestauth=False)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import bottle
import peewee

from ..config import Settings
from ..db import init_database
from ..errors import CredentialRejected
from ..services.bundle import AuthServices
from ..unit_of_work import transaction

__all__ = ["NestAuthPlugin"]


class _RollBack(Exception):
    def __init__(self, response: bottle.HTTPResponse) -> None:
        super().__init__(response.status)
        self.response = response


class NestAuthPlugin:
    """Bottle plugin API v2: ``name``, ``api``, ``setup``, ``apply``, ``close``."""

    name = "nestauth"
    api = 2

    def __init__(self, database: str | peewee.Database | None = None, *,
                 settings: Settings | None = None) -> None:
        self._target = database
        self.db: peewee.Database | None = None
        #: The services (:class:`~nestauth_peewee.AuthServices`), built from ``settings``
        #: (default :meth:`Settings.from_env`) when the plugin is created.
        self.services = AuthServices(settings)
        self.settings = self.services.settings

    def setup(self, app: bottle.Bottle) -> None:
        for other in app.plugins:
            if other is not self and getattr(other, "name", None) == self.name:
                raise bottle.PluginError("A nestauth plugin is already installed on this app.")
        self.db = init_database(self._target)

    def apply(self, callback: Callable[..., Any], route: bottle.Route) -> Callable[..., Any]:
        if route.config.get("nestauth", True) is False:
            return callback
        db = self.db
        assert db is not None

        def per_request(*args: Any, **kwargs: Any) -> Any:
            opened = db.connect(reuse_if_open=True)
            try:
                passthrough: BaseException | None = None
                with transaction():
                    try:
                        result = callback(*args, **kwargs)
                    except bottle.HTTPResponse as response:
                        if response.status_code >= 400:
                            raise
                        passthrough = response  # a redirect: keep the work, then re-raise
                    except CredentialRejected as refused:
                        passthrough = refused  # keep the refusal's writes (revocation, attempt count)
                    else:
                        if isinstance(result, bottle.HTTPError) or (
                            isinstance(result, bottle.HTTPResponse) and result.status_code >= 400
                        ):
                            raise _RollBack(result)
                if passthrough is not None:
                    raise passthrough
                return result
            except _RollBack as rolled_back:
                return rolled_back.response
            finally:
                if opened and not db.is_closed():
                    db.close()

        return per_request

    def close(self) -> None:
        db = self.db
        if db is not None and hasattr(db, "close_all"):
            db.close_all()
