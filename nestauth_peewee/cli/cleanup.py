"""``nestauth cleanup``: delete expired sessions, OTPs, dead trusted devices and old throttle rows.

    nestauth cleanup --database postgresql://app@db/app     # e.g. hourly from cron

Rows are deleted in batches of one statement each, each committing on its own,
so a large backlog never holds long locks. No secret key is needed: expiry is
a comparison of timestamps.
"""

from __future__ import annotations

from typing import Any

import click

from ..services.cleanup import ExpiryCleanup
from .base import database_option, main


@main.command("cleanup")
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Rows deleted per statement (default: per-dialect for sessions, 1000 for the rest).")
@database_option
def cleanup_command(db: Any, batch_size: int | None) -> None:
    """Delete expired sessions, expired OTPs, expired or revoked trusted devices and forgotten
    login-throttle counters."""
    counts = ExpiryCleanup().run(batch_size=batch_size)
    click.echo(f"Deleted {counts.sessions} expired session(s), {counts.otps} expired OTP(s), "
               f"{counts.trusted_devices} expired or revoked trusted device(s) and "
               f"{counts.login_throttles} forgotten login-throttle counter(s).")
