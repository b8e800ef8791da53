"""Blinker signals, sent after the transaction that caused them commits.

Subscribe from a Flask or Bottle app (or anywhere)::

    from nestauth_peewee import events

    @events.user_created.connect
    def welcome(sender, user, **extra):
        send_welcome_mail(user.email)

Services never send directly: they call :func:`emit`, which queues the
signal on the current :func:`~nestauth_peewee.unit_of_work.transaction` and
sends it only once that transaction commits (a rolled-back operation sends
nothing). No payload carries a password or a password hash.

Payloads are snapshots, never live rows: a row handed to :func:`emit` is
frozen into a :class:`RowSnapshot` when it is queued (its columns as they were
then, the secret-holding columns left out), so a listener sees what the
operation did, cannot write the row back, and never sees a digest or hash.
Users and admins travel as the typed ``UserSnapshot`` / ``AdminSnapshot``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

import peewee
from blinker import Namespace

__all__ = ["signals", "RowSnapshot", "SECRET_COLUMNS", "freeze"]

#: Columns that hold a secret or its digest: never part of an event payload.
SECRET_COLUMNS = frozenset({
    "password_hash", "refresh_token_hash", "secret_hash", "code_hash", "token_hash", "secret",
    "mfa_recovery_code",
})


class RowSnapshot(Mapping[str, Any]):
    """A read-only copy of one row's columns (secrets left out), by attribute or key.

    Foreign keys appear under the field name and the column name (``user`` and
    ``user_id``), both holding the referenced id, never a lazy query.
    """

    __slots__ = ("_model", "_values")

    def __init__(self, row: peewee.Model) -> None:
        values: dict[str, Any] = {}
        for field in row._meta.sorted_fields:
            if field.column_name in SECRET_COLUMNS:
                continue
            value = copy.deepcopy(row.__data__.get(field.name))
            values[field.name] = value
            values.setdefault(field.column_name, value)
        object.__setattr__(self, "_model", type(row).__name__)
        object.__setattr__(self, "_values", values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"{self._model} snapshot has no column {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("an event snapshot is read-only")

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def as_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self._values)

    def __repr__(self) -> str:
        return f"<{self._model} snapshot id={self._values.get('id')!r}>"


def freeze(value: Any) -> Any:
    """``value`` as an event may carry it: a model row becomes a :class:`RowSnapshot`."""
    return RowSnapshot(value) if isinstance(value, peewee.Model) else value

signals = Namespace()

# Users and identities.
user_created = signals.signal("user-created")
user_updated = signals.signal("user-updated")  # changed=[field names]
user_deleted = signals.signal("user-deleted")  # snapshot=dict of the row as it was
password_changed = signals.signal("password-changed")
password_reset_requested = signals.signal("password-reset-requested")
password_reset = signals.signal("password-reset")
identity_linked = signals.signal("identity-linked")
identity_unlinked = signals.signal("identity-unlinked")
admin_created = signals.signal("admin-created")
admin_updated = signals.signal("admin-updated")
admin_deleted = signals.signal("admin-deleted")
admin_signed_in = signals.signal("admin-signed-in")  # admin_id=

# Sessions, OTPs, MFA, API keys.
session_created = signals.signal("session-created")
session_refreshed = signals.signal("session-refreshed")
session_revoked = signals.signal("session-revoked")
refresh_token_reuse_detected = signals.signal("refresh-token-reuse-detected")
otp_requested = signals.signal("otp-requested")  # carries the plaintext code for delivery
mfa_enabled = signals.signal("mfa-enabled")
mfa_disabled = signals.signal("mfa-disabled")
recovery_code_used = signals.signal("recovery-code-used")
access_key_created = signals.signal("access-key-created")
access_key_deactivated = signals.signal("access-key-deactivated")
access_key_deleted = signals.signal("access-key-deleted")

# Tenancy and RBAC.
tenant_created = signals.signal("tenant-created")
tenant_updated = signals.signal("tenant-updated")
tenant_deleted = signals.signal("tenant-deleted")
role_created = signals.signal("role-created")
role_updated = signals.signal("role-updated")
role_deleted = signals.signal("role-deleted")
permission_created = signals.signal("permission-created")
permission_updated = signals.signal("permission-updated")
permission_deleted = signals.signal("permission-deleted")
#: A membership's or staff access's roles were replaced: user_id=, tenant_id=, scope="membership"|"staff",
#: added=[role names], removed=[role names] (sent only when something changed).
roles_changed = signals.signal("roles-changed")
#: Staff access granted, revoked, activated or deactivated: user_id=, change=.
staff_access_changed = signals.signal("staff-access-changed")

# Sign-up screening.
blocked_domain_added = signals.signal("blocked-domain-added")  # domain=, source=
blocked_domain_removed = signals.signal("blocked-domain-removed")  # domain=
blocked_domains_imported = signals.signal("blocked-domains-imported")  # added=count, source=

# Passwordless login.
magic_link_requested = signals.signal("magic-link-requested")  # carries the link token for delivery
passwordless_login = signals.signal("passwordless-login")  # user_id=, method=, session_id=

# Verified contact changes (services/contact_changes.py).
#: For the OLD address: user= (as it is), kind= ("email"/"phone"), old_value=, new_value=, expires_at=.
contact_change_requested = signals.signal("contact-change-requested")
#: The change is done: user= (as it is now), kind=, old_value=, new_value=.
contact_changed = signals.signal("contact-changed")
