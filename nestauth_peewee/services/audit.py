"""Reading the audit trail, and recording refused attempts (docs/audit.md).

    from nestauth_peewee.services.audit import AuditService

    trail = AuditService(settings)
    page = trail.for_user(user.id, since=last_week)           # newest first
    trail.list(event="sign_in", outcome="failure", limit=100)
    trail.purge()                                              # rows older than Settings.audit_retention

The rows are written by :mod:`~nestauth_peewee.unit_of_work` (successes, from
the services' events) and by :func:`refusals` (failures); this service only
reads them, and deletes them past their retention.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, cast

from .. import audit, errors
from ..config import Settings
from ..fields import utcnow
from ..models import OUTCOME_FAILURE, OUTCOME_SUCCESS, AuditEvent
from ..replicas import replica_ok
from ..repositories import audit as repo
from ..unit_of_work import record_failure
from ..validation import BATCH_SIZE, DATETIME, DURATION, ID, LIMIT, PAGE, checked, choice
from ._base import Clock
from ._common import Page

__all__ = ["AuditService", "refusals", "Attempt"]

EVENT = choice(*audit.EVENT_TYPES)
OUTCOME = choice(OUTCOME_SUCCESS, OUTCOME_FAILURE)


class AuditService:
    """Query the security audit trail (by user, tenant, actor, event type, outcome and time), and purge it."""

    def __init__(self, settings: Settings | None = None, *, clock: Clock = utcnow) -> None:
        self.settings = Settings.or_default(settings)
        self._clock = clock

    @replica_ok
    @checked(user_id=ID.optional, tenant_id=ID.optional, actor_id=ID.optional, event=EVENT.optional,
             outcome=OUTCOME.optional, since=DATETIME.optional, until=DATETIME.optional, page=PAGE, limit=LIMIT)
    def list(self, *, user_id: uuid.UUID | str | None = None, tenant_id: uuid.UUID | str | None = None,
             actor_id: uuid.UUID | str | None = None, event: str | None = None, outcome: str | None = None,
             since: datetime | None = None, until: datetime | None = None, page: int = 1,
             limit: int = 50) -> Page[AuditEvent]:
        """A page of events matching every filter given, newest first.

        ``since`` is inclusive, ``until`` exclusive; ``event`` is one of
        :data:`nestauth_peewee.audit.EVENT_TYPES`; ``limit`` is at most 100.
        """
        if since is not None and until is not None and until <= since:
            raise errors.InvalidValue("until must be later than since.", field="until")
        rows, total = repo.search(
            user_id=cast(uuid.UUID | None, user_id), tenant_id=cast(uuid.UUID | None, tenant_id),
            actor_id=cast(uuid.UUID | None, actor_id), events=[event] if event else None, outcome=outcome,
            since=since, until=until, offset=(page - 1) * limit, limit=limit)
        return Page(items=rows, total=total, page=page, limit=limit)

    @replica_ok
    @checked(user_id=ID, event=EVENT.optional, since=DATETIME.optional, until=DATETIME.optional, page=PAGE,
             limit=LIMIT)
    def for_user(self, user_id: uuid.UUID | str, *, event: str | None = None, since: datetime | None = None,
                 until: datetime | None = None, page: int = 1, limit: int = 50) -> Page[AuditEvent]:
        """The events about one user (or admin), newest first; the user need not exist any more.

        (A tenant's events: ``list(tenant_id=...)``.)
        """
        return self.list(user_id=user_id, event=event, since=since, until=until, page=page, limit=limit)

    @checked(older_than=DURATION.optional, batch_size=BATCH_SIZE.optional, now=DATETIME.optional)
    def purge(self, *, older_than: timedelta | None = None, batch_size: int | None = None,
              now: datetime | None = None) -> int:
        """Delete the events older than ``older_than`` (default ``Settings.audit_retention``), in batches.

        Nothing is deleted when neither is set (the trail is kept forever). The
        same as :meth:`ExpiryCleanup.audit_events
        <nestauth_peewee.services.cleanup.ExpiryCleanup.audit_events>`.
        """
        from .cleanup import ExpiryCleanup

        retention = older_than if older_than is not None else self.settings.audit_retention
        return ExpiryCleanup(clock=self._clock, audit_retention=retention).audit_events(
            batch_size=batch_size, now=now)


class Attempt:
    """What :func:`refusals` knows of an attempt: whose account it concerns, once looked up."""

    __slots__ = ("user_id",)

    def __init__(self, user_id: uuid.UUID | None = None) -> None:
        self.user_id = user_id


#: The refusals that leave a failure row: a wrong credential, an inactive or locked account.
REFUSALS = (errors.AuthenticationError, errors.CredentialRejected)


@contextmanager
def refusals(settings: Any, event: str, *, user_id: uuid.UUID | None = None) -> Iterator[Attempt]:
    """Record a refused attempt (``event``, outcome ``failure``, ``reason`` = the error code) and re-raise.

    The row is written in its own transaction (see
    :func:`~nestauth_peewee.unit_of_work.record_failure`), so it stays when the
    caller's work rolls back. Set ``attempt.user_id`` inside once the account is known.
    """
    attempt = Attempt(user_id)
    try:
        yield attempt
    except REFUSALS as exc:
        record_failure(audit.failure_row(settings, event, user_id=attempt.user_id, reason=exc.code))
        raise
