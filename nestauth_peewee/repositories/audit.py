"""Queries on nest_auth_audit_events. No policy, no transactions of its own.

    from nestauth_peewee.repositories import audit
    audit.insert({"event": "sign_in", "outcome": "success", "user_id": uid, ...})   # one INSERT
    rows, total = audit.search(user_id=uid, since=a_week_ago, offset=0, limit=50)
    audit.delete_older_batch(before=cutoff, limit=1000)                            # one DELETE
"""

from __future__ import annotations

import functools
import operator
import uuid
from datetime import datetime
from typing import Any

import peewee

from ..models import AuditEvent
from ._prepared import Prepared
from ._support import delete_batch

__all__ = ["insert", "insert_many", "search", "delete_older_batch"]

A = AuditEvent


#: The columns of a row, in the order of the prepared INSERT's arguments (``id`` first).
_COLUMNS = (A.id, A.occurred_at, A.event, A.outcome, A.actor_id, A.user_id, A.tenant_id, A.ip_address,
            A.user_agent, A.detail)


def _insert_one(*values: Any) -> peewee.Insert:
    return A.insert({column: peewee.Value(value) for column, value in zip(_COLUMNS, values, strict=True)}
                    ).returning()


#: One row: the common case (a sign-in), a statement built once (and prepared on PostgreSQL).
_INSERT: Prepared[AuditEvent] = Prepared(
    "audit_insert", _insert_one,
    args=tuple((c, c.json_text) if c is A.detail else c for c in _COLUMNS))


def insert(row: dict[str, Any]) -> None:
    """Store one event (its columns as a dict; ``id`` is drawn here), in one statement."""
    _INSERT.execute(uuid.uuid4(), *(row[c.name] for c in _COLUMNS[1:]))


def insert_many(rows: list[dict[str, Any]]) -> None:
    """Store the events in one statement."""
    if len(rows) == 1:
        insert(rows[0])
    elif rows:
        A.insert_many([{"id": uuid.uuid4(), **row} for row in rows]).execute()


def search(*, user_id: uuid.UUID | None = None, actor_id: uuid.UUID | None = None,
           tenant_id: uuid.UUID | None = None, events: list[str] | None = None, outcome: str | None = None,
           since: datetime | None = None, until: datetime | None = None,
           offset: int, limit: int) -> tuple[list[AuditEvent], int]:
    """Events matching every filter given, newest first, and how many match in all.

    ``since`` is inclusive, ``until`` exclusive. ``user_id`` and ``tenant_id``
    walk their (id, occurred_at) indexes; the rest the occurred_at index.
    """
    clauses = [column == value for column, value in ((A.user_id, user_id), (A.actor_id, actor_id),
                                                     (A.tenant_id, tenant_id), (A.outcome, outcome))
               if value is not None]
    if events:
        clauses.append(A.event.in_(events))
    if since is not None:
        clauses.append(A.occurred_at >= since)
    if until is not None:
        clauses.append(A.occurred_at < until)
    query = A.select()
    if clauses:
        query = query.where(functools.reduce(operator.and_, clauses))
    total = query.count()
    rows = list(query.order_by(A.occurred_at.desc(), A.id.desc()).offset(offset).limit(limit))
    return rows, total


def delete_older_batch(*, before: datetime, limit: int) -> int:
    """Delete up to ``limit`` events that occurred before ``before``, in one statement."""
    return delete_batch(A, A.occurred_at < before, limit=limit, order_by=A.occurred_at)
