"""Deleting what has expired: sessions, one-time codes, trusted devices. No secret key needed.

    from nestauth_peewee.services.cleanup import ExpiryCleanup

    counts = ExpiryCleanup().run()          # e.g. hourly, from cron or a scheduler
    counts.sessions, counts.otps, counts.trusted_devices
    ExpiryCleanup(audit_retention=timedelta(days=365)).run().audit_events   # and the old audit rows

Rows go in batches of one ``DELETE`` statement each (at most ``batch_size``
rows), each committing on its own, so a large backlog never holds long locks
and never blocks logins. Expiry is a comparison of timestamps, so unlike the
services that issue secrets this one is built without the app's key: a cron job
need not hold it. The keyed services' own clean-up methods
(``SessionService.cleanup_expired`` and the like) call this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import errors
from ..db import database, dialect_of
from ..fields import utcnow
from ..repositories import audit as audit_repo
from ..repositories import otps as otps_repo
from ..repositories import sessions as sessions_repo
from ..repositories import throttles as throttles_repo
from ..repositories import trusted_devices as devices_repo
from ..unit_of_work import retry_on_conflict, single_statement
from ..validation import BATCH_SIZE, DATETIME, checked
from ._base import Clock

__all__ = ["ExpiryCleanup", "CleanupCounts", "DEFAULT_BATCH_SIZE"]

#: Rows per statement for OTPs and trusted devices (sessions have a measured per-dialect size).
DEFAULT_BATCH_SIZE = 1000


@dataclass(frozen=True)
class CleanupCounts:
    """How many rows one :meth:`ExpiryCleanup.run` deleted, per table."""

    sessions: int
    otps: int
    trusted_devices: int
    login_throttles: int = 0
    audit_events: int = 0


class ExpiryCleanup:
    """Batched deletion of expired sessions and OTPs, of expired or revoked trusted devices, of
    forgotten throttle counters and (given ``audit_retention``, ``Settings.audit_retention``) of
    audit rows older than the retention."""

    def __init__(self, *, clock: Clock = utcnow, audit_retention: timedelta | None = None) -> None:
        if audit_retention is not None and (not isinstance(audit_retention, timedelta)
                                            or audit_retention <= timedelta(0)):
            raise errors.ConfigurationError(
                f"audit_retention must be a positive timedelta or None, not {audit_retention!r}.")
        self._clock = clock
        self.audit_retention = audit_retention

    @checked(batch_size=BATCH_SIZE.optional, now=DATETIME.optional)
    def sessions(self, *, batch_size: int | None = None, now: datetime | None = None) -> int:
        """Expired sessions; ``batch_size`` defaults to ``repositories.sessions.CLEANUP_BATCH_SIZE``."""
        if batch_size is None:
            batch_size = sessions_repo.CLEANUP_BATCH_SIZE[dialect_of(database)]
        moment = now or self._clock()
        return _in_batches(lambda limit: sessions_repo.delete_expired_batch(now=moment, limit=limit), batch_size)

    @checked(batch_size=BATCH_SIZE.optional, now=DATETIME.optional)
    def otps(self, *, batch_size: int | None = None, now: datetime | None = None) -> int:
        """Expired one-time codes."""
        return self._expire(otps_repo.delete_expired_batch, batch_size, now)

    @checked(batch_size=BATCH_SIZE.optional, now=DATETIME.optional)
    def trusted_devices(self, *, batch_size: int | None = None, now: datetime | None = None) -> int:
        """Expired or revoked trusted devices."""
        return self._expire(devices_repo.delete_dead_batch, batch_size, now)

    @checked(batch_size=BATCH_SIZE.optional, now=DATETIME.optional)
    def login_throttles(self, *, batch_size: int | None = None, now: datetime | None = None) -> int:
        """Failure counters past their ``expires_at`` (forgotten, and no lock left)."""
        return self._expire(throttles_repo.delete_expired_batch, batch_size, now)

    def _expire(self, delete_batch: Callable[..., int], batch_size: int | None,
                now: datetime | None) -> int:
        """``delete_batch(now=, limit=)`` until a batch comes back short (default batch size)."""
        moment = now or self._clock()
        return _in_batches(lambda limit: delete_batch(now=moment, limit=limit),
                           DEFAULT_BATCH_SIZE if batch_size is None else batch_size)

    @checked(batch_size=BATCH_SIZE.optional, now=DATETIME.optional)
    def audit_events(self, *, batch_size: int | None = None, now: datetime | None = None) -> int:
        """Audit rows older than ``audit_retention`` (none without a retention: kept forever)."""
        if self.audit_retention is None:
            return 0
        cutoff = (now or self._clock()) - self.audit_retention
        return _in_batches(lambda limit: audit_repo.delete_older_batch(before=cutoff, limit=limit),
                           DEFAULT_BATCH_SIZE if batch_size is None else batch_size)

    @checked(batch_size=BATCH_SIZE.optional, now=DATETIME.optional)
    def run(self, *, batch_size: int | None = None, now: datetime | None = None) -> CleanupCounts:
        """All five, with one clock reading; ``batch_size`` None: each table's default."""
        moment = now or self._clock()
        return CleanupCounts(
            sessions=self.sessions(batch_size=batch_size, now=moment),
            otps=self.otps(batch_size=batch_size, now=moment),
            trusted_devices=self.trusted_devices(batch_size=batch_size, now=moment),
            login_throttles=self.login_throttles(batch_size=batch_size, now=moment),
            audit_events=self.audit_events(batch_size=batch_size, now=moment),
        )


def _in_batches(delete_batch: Callable[[int], int], size: int) -> int:
    """Call ``delete_batch(size)`` until a batch comes back short; the total deleted."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise errors.InvalidValue(f"batch_size must be a positive integer, not {size!r}.", field="batch_size")
    total = 0
    while True:
        deleted = _one_batch(delete_batch, size)
        total += deleted
        if deleted < size:
            return total


@retry_on_conflict
def _one_batch(delete_batch: Callable[[int], int], size: int) -> int:
    with single_statement():  # each batch commits on its own (a savepoint inside a transaction)
        return delete_batch(size)
