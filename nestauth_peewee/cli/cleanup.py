"""``nestauth cleanup``: delete expired sessions, OTPs and dead trusted devices.

    nestauth cleanup --database postgresql://app@db/app     # e.g. hourly from cron

Rows are deleted in batches, one transaction per batch, so a large backlog
never holds long locks.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

import click

from ..services.otps import OtpService
from ..services.sessions import SessionService
from ..services.trusted_devices import TrustedDeviceService
from .base import command_settings, database_option, main


@main.command("cleanup")
@click.option("--batch-size", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Rows deleted per transaction.")
@database_option
def cleanup_command(db: Any, batch_size: int) -> None:
    """Delete expired sessions, expired OTPs, and expired or revoked trusted devices."""
    settings = command_settings()
    if not settings.secret_key:
        # These services insist on the app key when built, but deleting rows by
        # their expiry computes no digest: a throw-away key lets cron jobs run
        # without the app's secret.
        settings = replace(settings, secret_key=secrets.token_urlsafe(48))
    sessions = SessionService(settings).cleanup_expired(batch_size=batch_size)
    otps = OtpService(settings).cleanup_expired(batch_size=batch_size)
    devices = TrustedDeviceService(settings).cleanup(batch_size=batch_size)
    click.echo(f"Deleted {sessions} expired session(s), {otps} expired OTP(s) and {devices} expired or "
               "revoked trusted device(s).")
