"""Trusted devices: "remember this device" tokens that let a login skip the second factor.

    from nestauth_peewee.config import Settings
    from nestauth_peewee.services.trusted_devices import TrustedDeviceService

    devices = TrustedDeviceService(Settings(secret_key="a key of at least thirty-two bytes...."))
    issued = devices.issue(user.id, user_agent="Firefox", ip_address="198.51.100.7")
    issued.token                       # put it in a long-lived, HttpOnly cookie; never stored
    devices.is_trusted(user.id, issued.token)        # True until expiry or revocation
    devices.revoke_all(user.id)

A token is ``<device id>.<secret>`` like a refresh token: the id finds the row,
the HMAC of the secret is compared in constant time, and revocation sets
``revoked_at`` (the row stays until :meth:`TrustedDeviceService.cleanup`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from .. import errors
from .. import secrets as tokens
from ..models import TrustedDevice
from ..replicas import on_primary, replica_ok
from ..repositories import trusted_devices as repo
from ..unit_of_work import retry_on_conflict, transaction
from ..validation import BATCH_SIZE, DATETIME, ID, IP_ADDRESS, USER_AGENT, checked, credential
from ._base import Issued, KeyedService, lock_active_user
from .cleanup import ExpiryCleanup

__all__ = ["TrustedDeviceService", "IssuedDevice"]

_PURPOSE = "trusted-device"
#: A presented device token: anything malformed is ``TRUSTED_DEVICE_INVALID``, like a wrong one.
DEVICE_TOKEN = credential(errors.TrustedDeviceInvalid)


@dataclass(frozen=True, repr=False)
class IssuedDevice(Issued):
    """A trusted-device row and its token (plaintext, shown this once)."""

    device: TrustedDevice
    token: str


class TrustedDeviceService(KeyedService):
    """Issue, validate, list, revoke and clean up trusted devices."""

    @checked(user_id=ID, user_agent=USER_AGENT, ip_address=IP_ADDRESS)
    @retry_on_conflict
    def issue(self, user_id: uuid.UUID | str, *, user_agent: str | None = None,
              ip_address: str | None = None) -> IssuedDevice:
        """Trust this device for ``settings.trusted_device_validity``.

        ``user_agent`` is clipped to 512 characters (never inside a character,
        see :func:`~nestauth_peewee.validation.clip_text`).
        """
        now = self.now()
        device_id = uuid.uuid4()
        token, secret = tokens.new_id_token(device_id)
        with transaction():
            user = lock_active_user(user_id, refused="cannot trust a device",
                                    inactive="A deactivated account cannot trust a device.")
            device = repo.insert(
                id=device_id, user=user.id, token_hash=self._digest(device_id, secret),
                user_agent=user_agent, ip_address=ip_address,
                expires_at=now + self.settings.trusted_device_validity, created_at=now,
            )
        return IssuedDevice(device, token)

    @on_primary
    @checked(user_id=ID, token=DEVICE_TOKEN)
    def validate(self, user_id: uuid.UUID | str, token: str) -> TrustedDevice:
        """The device if ``token`` is the user's, unrevoked and unexpired; records the use.

        Raises :class:`~nestauth_peewee.errors.TrustedDeviceInvalid` otherwise
        (malformed tokens included, before any query), and for any device of a
        deactivated user.
        """
        parsed = tokens.parse_id_token(token)
        if parsed is None:
            raise errors.TrustedDeviceInvalid()
        device_id, secret = parsed
        digest = self._digest(device_id, secret)
        user = user_id
        device = repo.get_if_owner_active(device_id)
        now = self.now()
        matched = None if device is None else self._keys.match_digest(
            device.token_hash, _PURPOSE, device_id.hex, secret, current=digest)
        if (
            device is None
            or matched is None
            or device.user_id != user
            or device.revoked_at is not None
            or device.expires_at <= now
        ):
            raise errors.TrustedDeviceInvalid()
        if matched and repo.rekey(device.id, device.token_hash, digest):  # made under a previous key
            device.token_hash = digest
        repo.mark_used(device.id, now=now)
        device.last_used_at = now
        device._dirty.clear()
        return device

    @on_primary
    @checked(user_id=ID, token=credential(None))
    def is_trusted(self, user_id: uuid.UUID | str, token: str | None) -> bool:
        """:meth:`validate` as a yes/no answer."""
        if token is None:
            return False
        try:
            self.validate(user_id, token)
        except errors.TrustedDeviceInvalid:
            return False
        return True

    @replica_ok
    @checked(user_id=ID)
    def list_active(self, user_id: uuid.UUID | str) -> list[TrustedDevice]:
        return repo.list_active(cast(uuid.UUID, user_id), now=self.now())

    @checked(user_id=ID, device_id=ID)
    def revoke(self, user_id: uuid.UUID | str, device_id: uuid.UUID | str) -> None:
        """Revoke one of the user's devices (:class:`TrustedDeviceNotFound` if it is not live)."""
        if not repo.revoke(cast(uuid.UUID, device_id), cast(uuid.UUID, user_id), now=self.now()):
            raise errors.TrustedDeviceNotFound()

    @checked(user_id=ID)
    def revoke_all(self, user_id: uuid.UUID | str) -> int:
        """Revoke every device of the user; returns how many were live."""
        return repo.revoke_all(cast(uuid.UUID, user_id), now=self.now())

    @checked(batch_size=BATCH_SIZE.optional, now=DATETIME.optional)
    def cleanup(self, *, batch_size: int | None = None, now: datetime | None = None) -> int:
        """Delete expired and revoked devices, ``batch_size`` (1000) rows per statement.

        See :class:`~nestauth_peewee.services.cleanup.ExpiryCleanup`, which needs no key.
        """
        return ExpiryCleanup(clock=self._clock).trusted_devices(batch_size=batch_size, now=now)

    def _digest(self, device_id: uuid.UUID, secret: str) -> str:
        return self._keys.digest(_PURPOSE, device_id.hex, secret)
