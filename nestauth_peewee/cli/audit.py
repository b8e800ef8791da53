"""``nestauth audit``: read the security audit trail.

    nestauth audit --user 3f0c...            # a user's events, newest first
    nestauth audit --event sign_in --outcome failure --since 2026-11-01
    nestauth audit --tenant 9a1b... --json   # one JSON object a line (for a log pipeline)
    nestauth audit --all --json > trail.jsonl

Retention is ``nestauth cleanup --audit-retention-days N`` (or ``Settings.audit_retention``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click

from .. import audit
from ..models import OUTCOME_FAILURE, OUTCOME_SUCCESS, AuditEvent
from ..services.audit import AuditService
from .base import command_settings, database_option, fail, main

_PAGE = 100


def _when(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{option} must be an ISO date or date-time (2026-11-01, 2026-11-01T12:00:00+00:00), "
             f"not {value!r}", code=2)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def as_json(row: AuditEvent) -> dict[str, Any]:
    """One row as a JSON-ready dict (ids as text, the time in ISO 8601 UTC)."""
    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    return {"id": text(row.id), "occurred_at": row.occurred_at.isoformat(), "event": row.event,
            "outcome": row.outcome, "actor_id": text(row.actor_id), "user_id": text(row.user_id),
            "tenant_id": text(row.tenant_id), "ip_address": row.ip_address, "user_agent": row.user_agent,
            "detail": row.detail or {}}


def _line(row: AuditEvent) -> str:
    detail = " ".join(f"{k}={v}" for k, v in sorted((row.detail or {}).items()))
    who = f"user={row.user_id}" if row.user_id else "user=-"
    where = f" ip={row.ip_address}" if row.ip_address else ""
    return f"{row.occurred_at:%Y-%m-%d %H:%M:%S}  {row.event:22} {row.outcome:7}  {who}{where}  {detail}".rstrip()


@main.command("audit")
@click.option("--user", "user_id", metavar="ID", help="Events about this user (or admin) id.")
@click.option("--tenant", "tenant_id", metavar="ID", help="Events in this tenant.")
@click.option("--actor", "actor_id", metavar="ID", help="Events done by this user or admin id.")
@click.option("--event", type=click.Choice(audit.EVENT_TYPES), help="Only this event type.")
@click.option("--outcome", type=click.Choice([OUTCOME_SUCCESS, OUTCOME_FAILURE]), help="Only successes or failures.")
@click.option("--since", metavar="WHEN", help="From this ISO date/time on (UTC unless it says otherwise).")
@click.option("--until", metavar="WHEN", help="Before this ISO date/time.")
@click.option("--limit", type=click.IntRange(1, 100), default=50, show_default=True, help="Rows per page.")
@click.option("--page", type=click.IntRange(1, 1_000_000), default=1, show_default=True, help="Which page.")
@click.option("--all", "every", is_flag=True, help="Every matching row, page after page (ignores --page).")
@click.option("--json", "as_lines", is_flag=True, help="One JSON object a line, no summary.")
@database_option
def audit_command(db: Any, user_id: str | None, tenant_id: str | None, actor_id: str | None, event: str | None,
                  outcome: str | None, since: str | None, until: str | None, limit: int, page: int, every: bool,
                  as_lines: bool) -> None:
    """List audit events, newest first, matching every filter given."""
    service = AuditService(command_settings())
    filters: dict[str, Any] = {"user_id": user_id, "tenant_id": tenant_id, "actor_id": actor_id, "event": event,
               "outcome": outcome, "since": _when(since, "--since"), "until": _when(until, "--until")}
    number, shown, total = (1 if every else page), 0, 0
    while True:
        found = service.list(**filters, page=number, limit=_PAGE if every else limit)
        total = found.total
        for row in found.items:
            click.echo(json.dumps(as_json(row), ensure_ascii=False, sort_keys=True) if as_lines else _line(row))
        shown += len(found.items)
        if not every or number >= found.pages:
            break
        number += 1
    if not as_lines:
        click.echo(f"{shown} of {total} event(s).")
