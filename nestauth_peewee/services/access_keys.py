"""API keys: a public half to find the row, a secret half stored only as a digest.

    from nestauth_peewee.config import Settings
    from nestauth_peewee.services.access_keys import AccessKeyService

    keys = AccessKeyService(Settings(secret_key="a key of at least thirty-two bytes...."))
    issued = keys.create(user.id, "CI deploy")
    issued.api_key             # "nak_<24 hex>.<43 url-safe chars>": shown once, never stored
    key = keys.verify(issued.api_key)   # one query (key + owner); key.user is the User

Verification order: shape, then the row (unknown → ``INVALID_ACCESS_KEY``),
then the secret (wrong → ``INVALID_ACCESS_KEY``), and only then the state
(``INACTIVE_ACCESS_KEY``, ``EXPIRED_ACCESS_KEY``), so holding the public half
alone reveals nothing. ``last_used_at`` is written at most once a minute per
key, by a separate conditional UPDATE, so a hot key does not write on every
request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from .. import errors, events
from .. import secrets as tokens
from ..models import AccessKey, User
from ..replicas import auth_check, replica_ok
from ..repositories import access_keys as repo
from ..unit_of_work import emit, retry_on_conflict, transaction
from ..validation import DATETIME, ID, NAME, TEXT, checked, credential
from ._base import Issued, KeyedService, find_presented

__all__ = ["AccessKeyService", "IssuedAccessKey", "LAST_USED_RESOLUTION"]

#: ``last_used_at`` is refreshed when it is at least this old.
LAST_USED_RESOLUTION = timedelta(minutes=1)
_PURPOSE = "access-key"
#: A presented API key: anything malformed is ``INVALID_ACCESS_KEY``, like a wrong one.
API_KEY = credential(errors.InvalidAccessKey)


@dataclass(frozen=True, repr=False)
class IssuedAccessKey(Issued, shows="{row.public_key!r}"):
    """A new key row and the full key (plaintext, shown this once)."""

    key: AccessKey
    api_key: str


class AccessKeyService(KeyedService):
    """Create, verify, deactivate, re-date, delete and list API keys."""

    @checked(user_id=ID, name=NAME, description=TEXT, expires_at=DATETIME.optional)
    @retry_on_conflict
    def create(self, user_id: uuid.UUID | str, name: str, *, description: str | None = None,
               expires_at: datetime | None = None) -> IssuedAccessKey:
        """A new active key for the user; the returned ``api_key`` is the only copy of the secret."""
        now = self.now()
        if expires_at is not None and expires_at <= now:
            raise errors.InvalidValue("expires_at must be in the future.", field="expires_at")
        for attempt in range(3):
            full, public, secret = tokens.new_access_key()
            try:
                with transaction():
                    key = repo.insert(
                        user=user_id, name=name, description=description, public_key=public,
                        secret_hash=self._digest(public, secret), expires_at=expires_at,
                        is_active=True, created_at=now, updated_at=now,
                    )
                    emit(events.access_key_created, self, key=key, user_id=key.user_id)
            except errors.AccessKeyAlreadyExists:  # 96 random bits collided: draw again
                if attempt == 2:
                    raise
                continue
            return IssuedAccessKey(key, full)
        raise AssertionError("unreachable")

    @auth_check
    @checked(api_key=API_KEY)
    def verify(self, api_key: str) -> AccessKey:
        """The key behind ``api_key`` with its owner loaded (``key.user``).

        One query finds key and owner; ``last_used_at`` costs a second
        statement only when it is more than :data:`LAST_USED_RESOLUTION` old.
        """
        # A refusal seen on a lagging replica is decided again on the primary.
        (key, user), public, secret, digest = find_presented(
            tokens.parse_access_key(api_key), errors.InvalidAccessKey, self._digest, repo.get_with_user,
            lambda found, _digest: _accepted(found, self.now()))
        matched = self._keys.match_digest(key.secret_hash, _PURPOSE, public, secret, current=digest)
        if matched is None:
            raise errors.InvalidAccessKey()
        if matched and repo.rekey(key.id, key.secret_hash, digest):  # made under a previous key
            key.secret_hash = digest
            key._dirty.clear()
        if not key.is_active or not user.is_active:
            raise errors.InactiveAccessKey()
        now = self.now()
        if key.expires_at is not None and key.expires_at <= now:
            raise errors.ExpiredAccessKey()
        stale_at = now - LAST_USED_RESOLUTION
        stale = key.last_used_at is None or key.last_used_at <= stale_at
        if stale and repo.mark_used(key.id, now=now, stale_at=stale_at):
            key.last_used_at = now
            key._dirty.clear()
        return key

    def _digest(self, public: str, secret: str) -> str:
        return self._keys.digest(_PURPOSE, public, secret)

    # --- managing ------------------------------------------------------------

    def _owned(self, key_id: uuid.UUID | str, user_id: uuid.UUID | str | None) -> AccessKey:
        key = repo.get_for_user(cast(uuid.UUID, key_id), cast(uuid.UUID | None, user_id))
        if key is None:
            raise errors.AccessKeyNotFound()
        return key

    @checked(key_id=ID, user_id=ID.optional)
    @retry_on_conflict
    def deactivate(self, key_id: uuid.UUID | str, *, user_id: uuid.UUID | str | None = None) -> bool:
        """Switch the key off (of ``user_id``, when given); False if it already was off."""
        return self._switch(key_id, user_id, False)

    @checked(key_id=ID, user_id=ID.optional)
    @retry_on_conflict
    def activate(self, key_id: uuid.UUID | str, *, user_id: uuid.UUID | str | None = None) -> bool:
        """Switch a deactivated key back on; False if it already was on."""
        return self._switch(key_id, user_id, True)

    def _switch(self, key_id: uuid.UUID | str, user_id: uuid.UUID | str | None, active: bool) -> bool:
        with transaction():
            key = self._owned(key_id, user_id)
            if key.is_active == active:
                return False
            repo.update(key.id, now=self.now(), is_active=active)
            if not active:
                emit(events.access_key_deactivated, self, key_id=key.id, user_id=key.user_id)
        return True

    @checked(key_id=ID, expires_at=DATETIME.optional, user_id=ID.optional)
    @retry_on_conflict
    def set_expiry(self, key_id: uuid.UUID | str, expires_at: datetime | None, *,
                   user_id: uuid.UUID | str | None = None) -> AccessKey:
        """Re-date the key (``None``: never expires)."""
        with transaction():
            key = self._owned(key_id, user_id)
            repo.update(key.id, now=self.now(), expires_at=expires_at)
            return self._owned(key.id, None)

    @checked(key_id=ID, user_id=ID.optional)
    @retry_on_conflict
    def delete(self, key_id: uuid.UUID | str, *, user_id: uuid.UUID | str | None = None) -> None:
        with transaction():
            key = self._owned(key_id, user_id)
            repo.delete(key.id)
            emit(events.access_key_deleted, self, key_id=key.id, user_id=key.user_id,
                 public_key=key.public_key)

    @replica_ok
    @checked(user_id=ID)
    def list_for_user(self, user_id: uuid.UUID | str) -> list[AccessKey]:
        """The user's keys, newest first (their secrets are not recoverable)."""
        return repo.list_for_user(cast(uuid.UUID, user_id))


def _accepted(found: tuple[AccessKey, User], now: datetime) -> bool:
    """Whether a found key and owner pass the state checks (the digest is compared separately)."""
    key, user = found
    return key.is_active and user.is_active and (key.expires_at is None or key.expires_at > now)
