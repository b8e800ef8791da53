"""MFA: TOTP devices (RFC 6238 via pyotp), the MFA switch on the user, recovery codes.

    from nestauth_peewee.config import Settings
    from nestauth_peewee.services.mfa import MfaService

    mfa = MfaService(Settings(secret_key="a key of at least thirty-two bytes...."), issuer="Acme")
    enrolment = mfa.add_totp_device(user.id, device_name="phone")
    enrolment.provisioning_uri           # the device is unverified until a first code
    enrolment.qr_svg()                   # the URI as a QR code to scan (also qr_png, qr_data_uri)
    mfa.confirm_totp_device(user.id, enrolment.device.id, "123456")
    mfa.enable(user.id)                  # refused (MFA_METHOD_REQUIRED) without a verified device
    codes = mfa.generate_recovery_codes(user.id)   # shown once; only digests are kept
    mfa.verify_totp(user.id, "654321")   # at login; ±1 time step; each code works once
    mfa.use_recovery_code(user.id, codes[0])       # -> codes left

The TOTP shared secret must be recoverable to check codes, so it cannot be
hashed: it is encrypted at rest (AES-256-GCM under a key derived from the
app's secret key, bound to the user and device ids). ``encrypt_secrets=False``
stores it as plain base32, as upstream does; rows written either way are read.
"""

from __future__ import annotations

import hmac
import io
import logging
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import pyotp

from .. import errors, events
from ..models import MfaSecret, Session, User
from ..replicas import on_primary, replica_ok
from ..repositories import mfa as repo
from ..repositories import trusted_devices as devices_repo
from ..repositories import users as users_repo
from ..unit_of_work import emit, retry_on_conflict, transaction
from ..validation import ID, LINE, checked, credential
from . import _recent, _recovery, throttling
from ._base import KeyedService, lock_active_user
from .throttling import Throttle

__all__ = ["MfaService", "TotpEnrolment"]

log = logging.getLogger(__name__)
_TOTP_CODE = re.compile(r"[0-9]{6}")
_STEP_SECONDS = 30
#: A presented TOTP code or recovery code: anything malformed is refused like a wrong one.
TOTP_CODE = credential(errors.MfaCodeInvalid)
RECOVERY_CODE = credential(errors.RecoveryCodeInvalid)


@dataclass(frozen=True)
class TotpEnrolment:
    """A new (unverified) device, its base32 secret and the ``otpauth://`` URI for a QR code."""

    device: MfaSecret
    secret: str
    provisioning_uri: str

    def __repr__(self) -> str:
        return f"TotpEnrolment(device={self.device.id!s}, secret='***')"

    def qr_svg(self, *, scale: int = 5) -> str:
        """The provisioning URI as a QR code, an SVG document (``pip install nestauth-peewee[qr]``)."""
        return _qr(self.provisioning_uri).svg_inline(scale=scale, title="TOTP enrolment")

    def qr_png(self, *, scale: int = 5) -> bytes:
        """The provisioning URI as a QR code, a PNG image."""
        out = io.BytesIO()
        _qr(self.provisioning_uri).save(out, kind="png", scale=scale)
        return out.getvalue()

    def qr_data_uri(self, *, scale: int = 5) -> str:
        """The PNG as a ``data:`` URI, for ``<img src="...">`` without a route of its own."""
        return _qr(self.provisioning_uri).png_data_uri(scale=scale)


def _qr(uri: str) -> Any:
    try:
        import segno
    except ImportError as exc:  # the optional extra is not installed
        raise errors.ConfigurationError(
            "QR codes need segno: pip install 'nestauth-peewee[qr]'.") from exc
    # Error correction "M"; the secret is in the URI, so the image is as secret as the URI.
    return segno.make(uri, error="m", micro=False)


class MfaService(KeyedService):
    """TOTP devices, enabling/disabling MFA, and recovery codes."""

    def __init__(self, settings: Any = None, *, issuer: str = "nestauth", encrypt_secrets: bool = True,
                 otp_methods: bool = False, **kwargs: Any) -> None:
        """``otp_methods``: count a verified email or phone as an MFA method (codes by OTP)."""
        super().__init__(settings, **kwargs)  # Settings checked recovery_code_count (1..MAX_CODES)
        self.issuer = issuer
        #: Consecutive wrong TOTP / recovery codes per user (``Settings.code_throttle``).
        self.throttle = Throttle(self.settings, keys=self._keys, clock=self._clock, codes=True)
        self.encrypt_secrets = encrypt_secrets
        self.otp_methods = otp_methods

    # --- TOTP devices ------------------------------------------------------------

    @checked(user_id=ID, device_name=LINE, session=ID.optional)
    @retry_on_conflict
    def add_totp_device(self, user_id: uuid.UUID | str, *, device_name: str | None = None,
                        session: uuid.UUID | str | Session | None = None) -> TotpEnrolment:
        """A new unverified device with a fresh 160-bit secret (``session``: see :meth:`enable`)."""
        self._check_session(session, user_id)
        secret = pyotp.random_base32()
        now = self.now()
        device_id = uuid.uuid4()
        with transaction():
            user = lock_active_user(user_id, refused="cannot add a device",
                                    inactive="A deactivated account cannot enrol an MFA device.")
            stored = self._seal(secret, user.id, device_id)
            device = repo.insert_device(
                id=device_id, user=user.id, secret=stored, verified=False,
                device_name=device_name, created_at=now, updated_at=now,
            )
        account = user.email or user.phone or user.id.hex
        uri = pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=self.issuer)
        return TotpEnrolment(device, secret, uri)

    @checked(user_id=ID, device_id=ID, code=TOTP_CODE)
    def confirm_totp_device(self, user_id: uuid.UUID | str, device_id: uuid.UUID | str,
                            code: str) -> MfaSecret:
        """Mark a device verified with a first valid code (:class:`MfaCodeInvalid` otherwise)."""
        user = cast(uuid.UUID, user_id)
        code = self._totp_code(code)
        device = repo.get_device(cast(uuid.UUID, device_id), user)
        if device is None:
            raise errors.MfaDeviceNotFound()
        if not repo.user_is_active(user):
            raise errors.MfaCodeInvalid()  # a deactivated user's devices accept nothing
        gate = self.throttle.check(throttling.TOTP, user.hex)
        if not self._accept(device, code, verify=True):
            self.throttle.failed(gate)
            raise errors.MfaCodeInvalid()
        self.throttle.succeeded(gate)
        return repo.get_device(device.id, user)  # type: ignore[return-value]

    @on_primary
    @checked(user_id=ID, code=TOTP_CODE)
    def verify_totp(self, user_id: uuid.UUID | str, code: str) -> MfaSecret:
        """The verified device that accepts ``code`` (current step ±1, each code once).

        A deactivated user's devices accept nothing (``MFA_CODE_INVALID``).
        """
        user = cast(uuid.UUID, user_id)
        code = self._totp_code(code)
        gate = self.throttle.check(throttling.TOTP, user.hex)
        for device in repo.devices_for_user(user, verified_only=True, active_owner=True):
            if self._accept(device, code, verify=False):
                self.throttle.succeeded(gate)
                return device
        self.throttle.failed(gate)
        raise errors.MfaCodeInvalid()

    @replica_ok
    @checked(user_id=ID)
    def list_devices(self, user_id: uuid.UUID | str) -> list[MfaSecret]:
        return repo.devices_for_user(cast(uuid.UUID, user_id))

    @checked(user_id=ID, device_id=ID, session=ID.optional)
    @retry_on_conflict
    def remove_device(self, user_id: uuid.UUID | str, device_id: uuid.UUID | str, *,
                      session: uuid.UUID | str | Session | None = None) -> None:
        """Delete a device; the last verified method of an MFA-enabled user is kept (disable first).

        ``session``: see :meth:`enable`.
        """
        self._check_session(session, user_id)
        with transaction():
            user = self._locked_user(user_id)
            device = repo.get_device(cast(uuid.UUID, device_id), user.id)
            if device is None:
                raise errors.MfaDeviceNotFound()
            if user.is_mfa_enabled and device.verified and self._method_count(user) <= 1:
                raise errors.MfaMethodRequired(
                    "This is the user's last verified MFA method: disable MFA before removing it."
                )
            repo.delete_device(device.id)

    def _totp_code(self, code: object) -> str:
        if not isinstance(code, str) or len(code) > 32:
            raise errors.MfaCodeInvalid()
        code = code.replace(" ", "").strip()
        if not _TOTP_CODE.fullmatch(code):
            raise errors.MfaCodeInvalid()
        return code

    def _accept(self, device: MfaSecret, code: str, *, verify: bool) -> bool:
        secret = self._open(device)
        if secret is None:
            return False
        now = self.now()
        totp = pyotp.TOTP(secret)
        current = totp.timecode(now)
        matched = None
        for step in (current - 1, current, current + 1):  # compare all three, keep the first match
            if hmac.compare_digest(totp.generate_otp(step), code) and matched is None:
                matched = step
        if matched is None:
            return False
        step_start = datetime.fromtimestamp(matched * _STEP_SECONDS, UTC)
        # A code from the next step (clock skew) moves last_used_at to that step's start,
        # so the conditional update refuses it a second time too.
        return repo.accept_code(device.id, now=now, last_used_at=max(now, step_start),
                                step_start=step_start, verify=verify)

    def _seal(self, secret: str, user_id: uuid.UUID, device_id: uuid.UUID) -> str:
        if not self.encrypt_secrets:
            return secret
        return self._keys.encrypt(secret, f"mfa-secret:{user_id.hex}:{device_id.hex}")

    def _open(self, device: MfaSecret) -> str | None:
        """The device's plain secret; one sealed under a previous key is re-sealed under the current one."""
        secret, index = self._keys.open(device.secret, f"mfa-secret:{device.user_id.hex}:{device.id.hex}")
        if secret is None:
            log.warning("nestauth_peewee: TOTP secret of device %s cannot be decrypted "
                        "(was the secret key changed without keeping the old one as a fallback?)", device.id)
        elif index:
            resealed = self._seal(secret, device.user_id, device.id)
            if repo.reseal_device(device.id, device.secret, resealed):
                device.secret = resealed
                device._dirty.clear()
        return secret

    # --- the MFA switch ------------------------------------------------------------

    @checked(user_id=ID, session=ID.optional)
    @retry_on_conflict
    def enable(self, user_id: uuid.UUID | str, *, session: uuid.UUID | str | Session | None = None) -> bool:
        """Turn MFA on (needs a verified method); False if it already was on.

        With ``session`` (the signed-in session asking) the change needs a recent
        authentication in that session, and a recent MFA pass when MFA is on
        (``REAUTHENTICATION_REQUIRED``, ``Settings.reauthentication_window``);
        likewise for :meth:`disable`, the devices and the recovery codes.
        """
        self._check_session(session, user_id)
        with transaction():
            user = self._locked_user(user_id)
            if self._method_count(user) == 0:
                raise errors.MfaMethodRequired()
            if user.is_mfa_enabled:
                return False
            repo.set_mfa_enabled(user.id, True, now=self.now())
            emit(events.mfa_enabled, self, user_id=user.id)
        return True

    @checked(user_id=ID, session=ID.optional)
    @retry_on_conflict
    def disable(self, user_id: uuid.UUID | str, *, session: uuid.UUID | str | Session | None = None) -> bool:
        """Turn MFA off, drop the recovery codes and revoke trusted devices; False if it was off.

        ``session``: see :meth:`enable` (a user with MFA on must have passed it recently).
        """
        self._check_session(session, user_id)
        now = self.now()
        with transaction():
            user = self._locked_user(user_id)
            if not user.is_mfa_enabled:
                return False
            repo.set_mfa_enabled(user.id, False, now=now)
            repo.delete_recovery_codes(user.id)
            devices_repo.revoke_all(user.id, now=now)
            emit(events.mfa_disabled, self, user_id=user.id)
        return True

    def _check_session(self, session: Any, user_id: Any) -> None:
        _recent.check_session(session, cast(uuid.UUID, user_id), now=self.now(),
                              within=self.settings.reauthentication_window)

    @on_primary
    @checked(session=ID, code=TOTP_CODE)
    @retry_on_conflict
    def reauthenticate(self, session: uuid.UUID | str | Session, code: str) -> Session:
        """An MFA step-up inside a live session: a TOTP code of the session's user (as
        :meth:`verify_totp`, throttled alike) makes its ``mfa_authenticated_at`` now.

        A wrong code is ``MFA_CODE_INVALID``; an unknown, expired or deactivated
        user's session ``SESSION_NOT_FOUND``. After a recovery code
        (:meth:`use_recovery_code`) record the pass with
        :meth:`SessionService.mark_authenticated(session, mfa=True)
        <nestauth_peewee.services.sessions.SessionService.mark_authenticated>`.
        """
        found, _user = _recent.live_session(cast(uuid.UUID, session), now=self.now())
        self.verify_totp(found.user_id, code)
        return _recent.record_step_up(found, now=self.now(), mfa=True)

    def _locked_user(self, user_id: uuid.UUID | str) -> User:
        user = users_repo.get_locked(user_id)
        if user is None:
            raise errors.ReferenceNotFound(f"No user with id {user_id}.")
        return user

    def _method_count(self, user: User) -> int:
        count = repo.count_verified(user.id)
        if self.otp_methods:
            count += int(user.email_verified_at is not None) + int(user.phone_verified_at is not None)
        return count

    # --- recovery codes ------------------------------------------------------------

    @checked(user_id=ID, session=ID.optional)
    @retry_on_conflict
    def generate_recovery_codes(self, user_id: uuid.UUID | str, *,
                                session: uuid.UUID | str | Session | None = None) -> list[str]:
        """Fresh codes replacing all the user's codes; the returned list is the only plaintext copy.

        ``session``: see :meth:`enable`.
        """
        self._check_session(session, user_id)
        user = cast(uuid.UUID, user_id)
        codes = [_recovery.new_code() for _ in range(self.settings.recovery_code_count)]
        digests = [self._code_digest(user, _recovery.normalise(code) or "") for code in codes]
        with transaction():
            target = self._locked_user(user)
            if not target.is_active:
                raise errors.AccountInactive("A deactivated account gets no recovery codes.")
            repo.replace_recovery_codes(target.id, digests, now=self.now())
        return codes

    @replica_ok
    @checked(user_id=ID)
    def recovery_codes_left(self, user_id: uuid.UUID | str) -> int:
        """How many of the user's recovery codes are unused."""
        user = cast(uuid.UUID, user_id)
        if not repo.user_exists(user):
            raise errors.ReferenceNotFound(f"No user with id {user_id}.")
        return repo.count_unused_recovery_codes(user)

    @checked(user_id=ID, code=RECOVERY_CODE)
    @retry_on_conflict
    def use_recovery_code(self, user_id: uuid.UUID | str, code: str) -> int:
        """Spend one code; returns how many are left (:class:`RecoveryCodeInvalid` if none matches).

        The row is found by its keyed digest and spent by one conditional
        UPDATE (``used_at IS NULL``), so two concurrent uses of a code cannot
        both succeed; the lookup by digest reveals nothing without the app key.
        Failed attempts are throttled per user, and a deactivated user's codes
        are refused. Codes made under a previous secret key (kept in
        ``secret_key_fallbacks``) still match; the others cannot be re-keyed
        without their plaintext, so generate fresh codes before retiring an
        old key.
        """
        user = cast(uuid.UUID, user_id)
        bare = _recovery.normalise(code)
        if bare is None:
            raise errors.RecoveryCodeInvalid()
        candidates = self._keys.short_digests(_recovery.PURPOSE, user.hex, bare)  # the current key first
        gate = self.throttle.check(throttling.RECOVERY_CODE, user.hex)
        left = None
        with transaction():
            if repo.spend_recovery_code(user, candidates, now=self.now()):
                left = repo.count_unused_recovery_codes(user)
                emit(events.recovery_code_used, self, user_id=user, remaining=left)
        if left is None:
            self.throttle.failed(gate)
            raise errors.RecoveryCodeInvalid()
        self.throttle.succeeded(gate)
        return left

    def _code_digest(self, user_id: uuid.UUID, bare_code: str) -> str:
        return self._keys.short_digest(_recovery.PURPOSE, user_id.hex, bare_code)
