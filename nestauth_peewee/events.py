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
"""

from __future__ import annotations

from blinker import Namespace

__all__ = ["signals"]

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
