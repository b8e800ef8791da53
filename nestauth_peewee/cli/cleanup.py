"""``nestauth cleanup``: delete expired sessions, OTPs, dead trusted devices, old throttle rows
and audit events past their retention.

    nestauth cleanup --database postgresql://app@db/app     # e.g. hourly from cron
    nestauth cleanup --audit-retention-days 365             # and audit events over a year old

Rows are deleted in batches of one statement each, each committing on its own,
so a large backlog never holds long locks. No secret key is needed: expiry is
a comparison of timestamps.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import click

from ..services.cleanup import ExpiryCleanup
from .base import command_settings, database_option, main


@main.command("cleanup")
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Rows deleted per statement (default: per-dialect for sessions, 1000 for the rest).")
@click.option("--audit-retention-days", type=click.IntRange(1, 3660), default=None,
              envvar="NESTAUTH_AUDIT_RETENTION_DAYS",
              help="Delete audit events older than this many days [default: $NESTAUTH_AUDIT_RETENTION_DAYS, "
                   "else Settings.audit_retention, else keep them].")
@database_option
def cleanup_command(db: Any, batch_size: int | None, audit_retention_days: int | None) -> None:
    """Delete expired sessions, expired OTPs, expired or revoked trusted devices, forgotten
    login-throttle counters and audit events past their retention."""
    retention = (timedelta(days=audit_retention_days) if audit_retention_days is not None
                 else command_settings().audit_retention)
    counts = ExpiryCleanup(audit_retention=retention).run(batch_size=batch_size)
    click.echo(f"Deleted {counts.sessions} expired session(s), {counts.otps} expired OTP(s), "
               f"{counts.trusted_devices} expired or revoked trusted device(s), "
               f"{counts.login_throttles} forgotten login-throttle counter(s) and "
               f"{counts.audit_events} audit event(s) past their retention.")
