"""User-owned tables: users, sessions, identities, API keys, OTPs, MFA, devices.

Every child table references ``nest_auth_users(id)`` with ``ON DELETE
CASCADE``, so deleting a user is one statement and the database removes the
rest.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import peewee

from .. import errors
from ..fields import BooleanField, CharField, DateTimeField, IntegerField, JSONField
from .base import Entity, Record, named_index

__all__ = [
    "User",
    "Session",
    "Identity",
    "LoginThrottle",
    "AccessKey",
    "Otp",
    "MfaSecret",
    "MfaRecoveryCode",
    "TrustedDevice",
    "AdminUser",
]

def owner(backref: str, *, index: bool = True, unique: bool = False) -> peewee.ForeignKeyField:
    """The ``user_id`` column of a table whose rows a user owns (deleted with the user)."""
    return peewee.ForeignKeyField(
        User, column_name="user_id", backref=backref, on_delete="CASCADE",
        index=index and not unique, unique=unique,
    )


def _client(*, device_name: bool = False) -> tuple[CharField, ...]:
    """The client a row came from: its User-Agent, (the device name it gave,) its IP address."""
    user_agent = CharField(max_length=512, null=True)
    named = (CharField(max_length=255, null=True),) if device_name else ()
    return (user_agent, *named, CharField(max_length=45, null=True))  # 45: an IPv6 address as text


class User(Entity):
    """nest_auth_users: the auth side of an application user."""

    email = CharField(max_length=255, null=True, exact=True)
    email_verified_at = DateTimeField(null=True, index=True)
    phone = CharField(max_length=32, null=True, exact=True)
    phone_verified_at = DateTimeField(null=True, index=True)
    password_hash = CharField(max_length=255, null=True)
    is_active = BooleanField(default=True, server_default=True)
    must_change_password = BooleanField(default=False, server_default=False)
    metadata = JSONField(null=True, default=dict, server_default="{}")
    is_mfa_enabled = BooleanField(default=False, server_default=False)
    #: 0.1's packed recovery-code digests. Kept for upstream parity, no longer read or written:
    #: migration 003 moved its codes into nest_auth_mfa_recovery_codes and cleared it.
    mfa_recovery_code = CharField(max_length=255, null=True)

    class Meta:
        table_name = "nest_auth_users"


named_index(User, User.email, name="nest_auth_users_email_idx", unique=True,
            error=errors.EmailAlreadyExists)
named_index(User, User.phone, name="nest_auth_users_phone_idx", unique=True,
            error=errors.PhoneAlreadyExists)


class Session(Entity):
    """nest_auth_sessions: one refresh-token session; the token is stored as a digest."""

    user = owner("sessions", index=False)
    user_id: uuid.UUID  # the foreign key's raw value (peewee's object-id accessor)
    #: Set by SessionService.list_active(): when the session ends however used / when unused.
    absolute_expires_at: datetime | None
    idle_expires_at: datetime | None
    data = JSONField(null=True, default=dict, server_default="{}")
    refresh_token_hash = CharField(max_length=128, null=True, exact=True)
    expires_at = DateTimeField(null=True, index=True)
    user_agent, device_name, ip_address = _client(device_name=True)
    last_active = DateTimeField(null=True)
    #: Ours (0.2): when a credential (password, passwordless code, magic link) was last proven
    #: in this session: its creation, or a step-up. NULL (a row written by hand): never.
    authenticated_at = DateTimeField(null=True)
    #: Ours (0.2): when MFA was last passed in this session (NULL: not in this session).
    mfa_authenticated_at = DateTimeField(null=True)

    class Meta:
        table_name = "nest_auth_sessions"


named_index(Session, Session.user, name="nest_auth_sessions_user_idx")
named_index(Session, Session.refresh_token_hash, name="nest_auth_sessions_refresh_token_idx",
            unique=True, error=errors.SessionTokenCollision)


class Identity(Entity):
    """nest_auth_identities: an OAuth (or email/phone) identity linked to a user."""

    user = owner("identities")
    user_id: uuid.UUID  # the foreign key's raw value (peewee's object-id accessor)
    provider = CharField(max_length=64, exact=True)
    provider_id = CharField(max_length=255, null=True, exact=True)
    metadata = JSONField(null=True, default=dict, server_default="{}")

    class Meta:
        table_name = "nest_auth_identities"


named_index(Identity, Identity.provider, Identity.provider_id, name="nest_auth_identities_pi_idx",
            unique=True, error=errors.IdentityAlreadyLinked)


class AccessKey(Entity):
    """nest_auth_access_keys: API keys; only a digest of the secret half is stored."""

    user = owner("access_keys")
    user_id: uuid.UUID  # the foreign key's raw value (peewee's object-id accessor)
    name = CharField(max_length=255)
    public_key = CharField(max_length=128, exact=True)
    secret_hash = CharField(max_length=128)
    description = CharField(max_length=255, null=True)
    is_active = BooleanField(default=True, server_default=True)
    expires_at = DateTimeField(null=True)
    last_used_at = DateTimeField(null=True)

    class Meta:
        table_name = "nest_auth_access_keys"


named_index(AccessKey, AccessKey.public_key, name="nest_auth_access_keys_pub_idx", unique=True,
            error=errors.AccessKeyAlreadyExists)


class Otp(Entity):
    """nest_auth_otps: one-time codes, stored as an HMAC of the code."""

    user = owner("otps", index=False)  # led by nest_auth_otps_user_type_idx
    user_id: uuid.UUID  # the foreign key's raw value (peewee's object-id accessor)
    code_hash = CharField(max_length=128)
    type = CharField(max_length=32)
    expires_at = DateTimeField(index=True)
    attempts = IntegerField(default=0, server_default=0)
    #: Ours (0.2): the new email or phone an ``email_change`` / ``phone_change`` code confirms
    #: (bound into the code's HMAC); NULL for every other type.
    target = CharField(max_length=255, null=True, exact=True)

    class Meta:
        table_name = "nest_auth_otps"


named_index(Otp, Otp.user, Otp.type, name="nest_auth_otps_user_type_idx")


class MfaSecret(Entity):
    """nest_auth_mfa_secrets: TOTP shared secrets (one row per device)."""

    user = owner("mfa_secrets")
    user_id: uuid.UUID  # the foreign key's raw value (peewee's object-id accessor)
    secret = CharField(max_length=255)
    verified = BooleanField(default=False, server_default=False)
    device_name = CharField(max_length=255, null=True)
    last_used_at = DateTimeField(null=True)

    class Meta:
        table_name = "nest_auth_mfa_secrets"


class MfaRecoveryCode(Record):
    """nest_auth_mfa_recovery_codes: one row per recovery code (upstream 2.10), a keyed digest only.

    ``used_at`` is set once, by a conditional UPDATE on ``used_at IS NULL``: a
    code cannot be spent twice, even by two requests at the same moment. Rows
    migrated from 0.1's packed ``users.mfa_recovery_code`` keep their digests.
    """

    user = owner("recovery_codes")
    user_id: uuid.UUID  # the foreign key's raw value (peewee's object-id accessor)
    code_hash = CharField(max_length=255)
    used_at = DateTimeField(null=True)

    class Meta:
        table_name = "nest_auth_mfa_recovery_codes"


class TrustedDevice(Record):
    """nest_auth_trusted_devices: "remember this device" tokens that skip MFA."""

    user = owner("trusted_devices")
    user_id: uuid.UUID  # the foreign key's raw value (peewee's object-id accessor)
    token_hash = CharField(max_length=128, index=True, exact=True)
    user_agent, ip_address = _client()
    expires_at = DateTimeField(index=True)
    revoked_at = DateTimeField(null=True)
    last_used_at = DateTimeField(null=True)

    class Meta:
        table_name = "nest_auth_trusted_devices"


class AdminUser(Entity):
    """nest_auth_admin_users: admin-console accounts, separate from app users."""

    email = CharField(max_length=255, exact=True)
    name = CharField(max_length=255, null=True)
    password_hash = CharField(max_length=255)
    metadata = JSONField(null=True, default=dict, server_default="{}")
    last_login_at = DateTimeField(null=True)
    token_version = IntegerField(default=0, server_default=0)

    class Meta:
        table_name = "nest_auth_admin_users"


named_index(AdminUser, AdminUser.email, name="nest_auth_admin_users_email_idx", unique=True,
            error=errors.AdminEmailAlreadyExists)


class LoginThrottle(Entity):
    """nest_auth_login_throttles: consecutive failures per (scope, subject), and the lock they earned.

    ``subject`` is an HMAC of the normalised identifier (or user id), never the
    identifier itself, so no address of a non-user is stored; ``expires_at``
    is when the row may be forgotten (``nestauth cleanup``).
    """

    scope = CharField(max_length=32)
    subject = CharField(max_length=64, exact=True)
    failures = IntegerField(default=0, server_default=0)
    locked_until = DateTimeField(null=True)
    expires_at = DateTimeField(index=True)

    class Meta:
        table_name = "nest_auth_login_throttles"


named_index(LoginThrottle, LoginThrottle.scope, LoginThrottle.subject,
            name="nest_auth_login_throttles_subject_idx", unique=True)
