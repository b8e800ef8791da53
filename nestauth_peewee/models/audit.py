"""The security audit trail: nest_auth_audit_events (0.2, no upstream counterpart).

One row per security event (a sign-in, a failed one, a password change, a
revoked session...). The ids it names (``actor_id``, ``user_id``,
``tenant_id``) are plain UUID columns, deliberately **without** foreign keys:
an audit row must outlive the user, tenant or admin it tells about, so
deleting a user neither cascades into the trail nor is refused by it, and the
trail still says who it was about. ``detail`` is a small JSON object that never
holds a secret (see nestauth_peewee/audit.py).
"""

from __future__ import annotations

import uuid

from ..fields import NOW, CharField, DateTimeField, JSONField, UUIDField, utcnow
from .base import AuthModel, named_index

__all__ = ["AuditEvent", "OUTCOME_SUCCESS", "OUTCOME_FAILURE", "OUTCOMES"]

OUTCOME_SUCCESS = "success"
OUTCOME_FAILURE = "failure"
OUTCOMES = (OUTCOME_SUCCESS, OUTCOME_FAILURE)


class AuditEvent(AuthModel):
    """nest_auth_audit_events: what happened, to whom, by whom, from where, and whether it worked."""

    id = UUIDField(primary_key=True, default=uuid.uuid4)
    occurred_at = DateTimeField(default=utcnow, server_default=NOW)
    event = CharField(max_length=64)
    outcome = CharField(max_length=16, default=OUTCOME_SUCCESS, server_default=OUTCOME_SUCCESS)
    #: Who did it (a user or admin id), when known; None for the subject acting on itself.
    actor_id = UUIDField(null=True)
    #: Whose account the event is about (an admin's id for ``admin.*`` events). No foreign key.
    user_id = UUIDField(null=True)
    tenant_id = UUIDField(null=True)
    ip_address = CharField(max_length=45, null=True)
    user_agent = CharField(max_length=512, null=True)
    detail = JSONField(default=dict, server_default="{}")

    class Meta:
        table_name = "nest_auth_audit_events"


# A user's history by time; the whole trail by time (listing and the retention deletes);
# a tenant's history by time.
named_index(AuditEvent, AuditEvent.user_id, AuditEvent.occurred_at, name="nest_auth_audit_events_user_idx")
named_index(AuditEvent, AuditEvent.occurred_at, name="nest_auth_audit_events_occurred_idx")
named_index(AuditEvent, AuditEvent.tenant_id, AuditEvent.occurred_at, name="nest_auth_audit_events_tenant_idx")
