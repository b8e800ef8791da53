"""The user lifecycle: register, authenticate, update, verify, deactivate, delete, identities.

Five lines from nothing to a logged-in user::

    from nestauth_peewee import init_database, create_tables, UserService
    init_database("sqlite:///app.db")
    create_tables()
    users = UserService()
    users.register(email="bob@example.com", password="correct horse battery staple")
    bob = users.authenticate(email="Bob@Example.COM ", password="correct horse battery staple")

Every operation that writes runs in one
:func:`~nestauth_peewee.unit_of_work.transaction` and sends its
:mod:`~nestauth_peewee.events` signal only after that transaction commits;
payloads carry a :class:`UserSnapshot` (never a password or a hash). Every
refusal is a typed error from :mod:`nestauth_peewee.errors`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, cast

from .. import audit, errors, events
from ..config import Settings
from ..fields import utcnow
from ..models import Session, User
from ..passwords import PasswordHasher, check_policy, hash_for_change
from ..replicas import on_primary, replica_ok
from ..repositories import identities as identities_repo
from ..repositories import memberships as memberships_repo
from ..repositories import otps as otps_repo
from ..repositories import sessions as sessions_repo
from ..repositories import trusted_devices as devices_repo
from ..repositories import users as users_repo
from ..unit_of_work import emit, retry_on_conflict, transaction
from ..validation import EMAIL, FLAG, ID, LIMIT, LINE, METADATA, PAGE, PASSWORD, PHONE, SEARCH, checked
from . import _recent
from ._common import CONTACT_CHANGE_TYPES, Page, UserSnapshot, found, updatable
from .audit import Attempt, refusals
from .blocked_domains import ensure_allowed
from .identities import EMAIL_PROVIDER, PHONE_PROVIDER, IdentityOperations
from .throttling import LOGIN, OTP, RECOVERY_CODE, REQUEST_SCOPES, TOTP, Throttle

__all__ = ["UserService", "UserSnapshot", "Page", "EMAIL_PROVIDER", "PHONE_PROVIDER"]

#: Fields :meth:`UserService.update` accepts.
UPDATABLE_FIELDS = frozenset({"email", "phone", "metadata", "must_change_password"})


def _verification(contact: str, *, verified: bool) -> Callable[[UserService, uuid.UUID | str | User], User]:
    """The public method ``verify_<contact>(user_id)``, or ``unverify_<contact>`` with ``verified=False``.

    The four differ in these two words only (their docstrings too); each is :func:`checked` like
    every public method and makes one call of ``UserService._set_verified``.
    """

    def method(self: UserService, user_id: uuid.UUID | str | User) -> User:
        return self._set_verified(user_id, contact, verified)

    method.__name__ = f"{'' if verified else 'un'}verify_{contact}"
    method.__qualname__ = f"UserService.{method.__name__}"
    method.__doc__ = (
        f"Mark the {contact} verified (now); idempotent. No {contact}: ``USER_HAS_NO_{contact.upper()}``."
        if verified else f"Clear ``{contact}_verified_at``; idempotent."
    )
    return checked(user_id=ID)(method)


class UserService(IdentityOperations):
    """Policy for application users; one instance per app (it is thread-safe).

    ``settings`` gives the argon2 parameters, the password policy and whether
    phone login is on; ``hasher`` replaces the argon2id hasher (tests).
    """

    def __init__(self, settings: Settings | None = None, *, hasher: PasswordHasher | None = None) -> None:
        self.settings = Settings.or_default(settings)
        self.hasher = hasher or PasswordHasher(self.settings.argon2)
        #: Consecutive failed logins per normalised email/phone (``Settings.login_throttle``).
        self.throttle = Throttle(self.settings)
        self._code_throttle = Throttle(self.settings, codes=True)

    # --- create ------------------------------------------------------------------------

    @checked(email=EMAIL, phone=PHONE, password=PASSWORD.optional, tenant_id=ID.optional, metadata=METADATA,
             is_active=FLAG, must_change_password=FLAG, email_verified=FLAG, phone_verified=FLAG)
    @retry_on_conflict
    def create(
        self,
        *,
        email: str | None = None,
        phone: str | None = None,
        password: str | None = None,
        tenant_id: uuid.UUID | str | None = None,
        metadata: dict[str, Any] | None = None,
        is_active: bool = True,
        must_change_password: bool = False,
        email_verified: bool = False,
        phone_verified: bool = False,
    ) -> User:
        """Create a user with its email (and phone) identity and a membership, atomically.

        Needs an email or a phone (``EMAIL_OR_PHONE_REQUIRED``); a taken one is
        ``EMAIL_ALREADY_EXISTS`` / ``PHONE_ALREADY_EXISTS`` (the unique indexes
        decide, so concurrent registrations cannot both win). The password, if
        any, must meet the policy and is stored as an argon2id hash. The
        membership is for ``tenant_id``, or the global one. An email of a
        blocked domain is ``EMAIL_DOMAIN_BLOCKED``. Emits ``user_created``.
        """
        email_n, phone_n, tenant = email, phone, cast(uuid.UUID | None, tenant_id)
        if email_n is None and phone_n is None:
            raise errors.EmailOrPhoneRequired()
        ensure_allowed(email_n)
        fields: dict[str, Any] = {
            "email": email_n,
            "phone": phone_n,
            "metadata": metadata if metadata is not None else {},
            "is_active": is_active,
            "must_change_password": must_change_password,
        }
        now = utcnow()
        if email_verified and email_n is not None:
            fields["email_verified_at"] = now
        if phone_verified and phone_n is not None:
            fields["phone_verified_at"] = now
        if password is not None:
            check_policy(password, self.settings.password_policy, email=email_n)
            fields["password_hash"] = self.hasher.hash(password)  # before the transaction opens
        with transaction():
            user = users_repo.insert(**fields)
            sync_contact_identities(user, phone_login=self.settings.phone_login, email_changed=True,
                                    phone_changed=True)
            memberships_repo.ensure(user.id, tenant)
            emit(events.user_created, self, user=UserSnapshot.of(user), user_id=user.id, tenant_id=tenant)
        return user

    @checked(email=EMAIL, phone=PHONE, password=PASSWORD.optional, tenant_id=ID.optional, metadata=METADATA)
    def register(
        self,
        *,
        email: str | None = None,
        phone: str | None = None,
        password: str | None = None,
        tenant_id: uuid.UUID | str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> User:
        """Self-service sign-up: :meth:`create` with the defaults (active, unverified)."""
        return self.create(email=email, phone=phone, password=password, tenant_id=tenant_id, metadata=metadata)

    # --- authenticate ------------------------------------------------------------------

    @on_primary
    @checked(email=EMAIL, phone=PHONE, password=PASSWORD)
    @retry_on_conflict
    def authenticate(self, *, email: str | None = None, phone: str | None = None, password: str) -> User:
        """The user whose email (or phone) and password match, else ``INVALID_CREDENTIALS``.

        An unknown account, or one without a password, costs one argon2
        verification like a real one, so timing does not tell which emails
        exist. A match whose hash was made with other parameters is re-hashed
        with the configured ones and stored (no event). A deactivated account
        with the right password gives ``ACCOUNT_INACTIVE``.

        Throttled per normalised identifier, known or not (``Settings.login_throttle``):
        after too many consecutive failures every attempt, right or wrong, is
        ``ACCOUNT_LOCKED`` (with ``retry_after``) until the wait is over; a
        success starts the count again. See :meth:`unlock`. Each refusal leaves a
        ``sign_in`` failure row in the audit trail (the session started after a
        success leaves the success row).
        """
        with refusals(self.settings, audit.SIGN_IN) as attempt:
            return self._authenticate(attempt, email, phone, password)

    def _authenticate(self, attempt: Attempt, email: str | None, phone: str | None, password: str) -> User:
        user = self.lookup(email=email, phone=phone)
        attempt.user_id = user.id if user is not None else None
        gate = self.throttle.check(LOGIN, self.login_identifier(email=email, phone=phone), user_id=attempt.user_id)
        if user is None or user.password_hash is None:
            self.hasher.dummy_verify(password)
            self.throttle.failed(gate)
            raise errors.InvalidCredentials()
        ok, upgraded = self.hasher.verify(user.password_hash, password)
        if not ok:
            self.throttle.failed(gate)
            raise errors.InvalidCredentials()
        if upgraded is not None:
            # Verified outside the transaction; the compare-and-swap keeps a
            # password changed meanwhile from being overwritten.
            with transaction():
                if users_repo.replace_password_hash(user.id, user.password_hash, upgraded):
                    user.password_hash = upgraded
        if not user.is_active:
            raise errors.AccountInactive()
        self.throttle.succeeded(gate)
        return user

    @on_primary
    @checked(session=ID, password=PASSWORD)
    @retry_on_conflict
    def reauthenticate(self, session: uuid.UUID | str | Session, password: str) -> Session:
        """A password step-up inside a live session: the session's ``authenticated_at`` becomes now.

        The password of the session's user, checked and throttled as a login of
        that user's email (or phone) is; a wrong one (or an account without a
        password) is ``INVALID_CREDENTIALS``. An unknown, expired or
        deactivated user's session is ``SESSION_NOT_FOUND``. Returns the
        session as it now is (see :meth:`SessionService.require_recent
        <nestauth_peewee.services.sessions.SessionService.require_recent>`).
        """
        found, user = _recent.live_session(cast(uuid.UUID, session), now=utcnow())
        identifier = self.login_identifier(email=user.email) if user.email else self.login_identifier(phone=user.phone)
        gate = self.throttle.check(LOGIN, identifier)
        if user.password_hash is None:
            self.hasher.dummy_verify(password)
            ok = False
        else:
            ok, _ = self.hasher.verify(user.password_hash, password)
        if not ok:
            self.throttle.failed(gate)
            raise errors.InvalidCredentials()
        self.throttle.succeeded(gate)
        return _recent.record_step_up(found, now=utcnow(), mfa=False)

    @replica_ok
    @checked(email=EMAIL, phone=PHONE)
    def login_identifier(self, *, email: str | None = None, phone: str | None = None) -> str:
        """What logins are throttled by: ``email:<normalised>`` or ``phone:<E.164>`` (as :meth:`lookup` picks)."""
        if email is not None:
            return "email:" + email
        if phone is not None:
            return "phone:" + phone
        raise errors.EmailOrPhoneRequired("Give the email or the phone number the account was registered with.")

    @checked(email=EMAIL, phone=PHONE, user_id=ID.optional)
    def unlock(self, *, email: str | None = None, phone: str | None = None,
               user_id: uuid.UUID | str | User | None = None) -> int:
        """An admin's unlock: forget the failed logins of this email/phone (or of the user's email
        and phone) and the codes requested for it (password reset, passwordless sign-in, contact
        change), and the user's failed OTP/TOTP/recovery-code attempts; how many counters went."""
        identifiers = []
        user = None
        if user_id is not None:
            user = self._require(cast(uuid.UUID, user_id))
            identifiers += [self.login_identifier(email=v) for v in (user.email,) if v]
            identifiers += [self.login_identifier(phone=v) for v in (user.phone,) if v]
        else:
            identifiers.append(self.login_identifier(email=email, phone=phone))
            user = self.lookup(email=email, phone=phone)
        removed = sum(self.throttle.unlock(scope, identifier) for identifier in identifiers
                      for scope in (LOGIN, *REQUEST_SCOPES))
        if user is not None:
            removed += sum(self._code_throttle.unlock(scope, user.id.hex) for scope in (OTP, TOTP, RECOVERY_CODE))
        return removed

    @replica_ok
    @checked(email=EMAIL, phone=PHONE)
    def lookup(self, *, email: Any = None, phone: Any = None) -> User | None:
        """The user with this email, else this phone (each normalised first), or None.

        Giving neither is ``EMAIL_OR_PHONE_REQUIRED``; a malformed one is its
        ``INVALID_*`` error. Login and password reset find accounts this way.
        """
        if email is not None:
            return users_repo.get_by_email(email)
        if phone is not None:
            return users_repo.get_by_phone(phone)
        raise errors.EmailOrPhoneRequired("Give the email or the phone number the account was registered with.")

    # --- read --------------------------------------------------------------------------

    @replica_ok
    @checked(user_id=ID)
    def get(self, user_id: uuid.UUID | str | User) -> User:
        """The user with this id, else ``USER_NOT_FOUND``."""
        uid = cast(uuid.UUID, user_id)  # @checked made it a UUID
        return self._require(uid)

    @replica_ok
    @checked(email=EMAIL)
    def get_by_email(self, email: str) -> User:
        """The user with this email (normalised first), else ``USER_NOT_FOUND``."""
        user = users_repo.get_by_email(email) if email else None
        return found(user, errors.UserNotFound, "No user has this email address.")

    @replica_ok
    @checked(phone=PHONE)
    def get_by_phone(self, phone: str) -> User:
        """The user with this phone number (normalised first), else ``USER_NOT_FOUND``."""
        user = users_repo.get_by_phone(phone) if phone else None
        return found(user, errors.UserNotFound, "No user has this phone number.")

    @replica_ok
    @checked(is_active=FLAG.optional, verified=FLAG.optional, email_verified=FLAG.optional,
             phone_verified=FLAG.optional, tenant_id=ID.optional, role=LINE, search=SEARCH,
             page=PAGE, limit=LIMIT)
    def list(
        self,
        *,
        is_active: bool | None = None,
        verified: bool | None = None,
        email_verified: bool | None = None,
        phone_verified: bool | None = None,
        tenant_id: uuid.UUID | str | None = None,
        role: str | None = None,
        search: str | None = None,
        page: int = 1,
        limit: int = 20,
    ) -> Page[User]:
        """A page of users (newest first) matching every filter given.

        ``verified``: email or phone verified. ``tenant_id``: members of that
        tenant. ``role``: holders of a role of that name through a membership.
        ``search``: a substring of the email or phone (``%`` and ``_`` are
        literal). ``limit`` is at most 100.
        """
        rows, total = users_repo.search(
            is_active=is_active,
            verified=verified,
            email_verified=email_verified,
            phone_verified=phone_verified,
            tenant_id=cast(uuid.UUID | None, tenant_id),
            role=role,
            text=search,
            offset=(page - 1) * limit,
            limit=limit,
        )
        return Page(items=list(rows), total=total, page=page, limit=limit)

    # --- update ------------------------------------------------------------------------

    @checked(user_id=ID, email=EMAIL, phone=PHONE, metadata=METADATA, must_change_password=FLAG)
    @retry_on_conflict
    def update(self, user_id: uuid.UUID | str | User, **changes: Any) -> User:
        """Change ``email``, ``phone``, ``metadata`` or ``must_change_password``.

        Email and phone are normalised and re-checked for uniqueness; a new
        email re-links the email identity and clears ``email_verified_at``
        (likewise phone), and drops a pending verified change of that contact
        (:class:`~nestauth_peewee.services.contact_changes.ContactChangeService`: its code
        would otherwise overwrite this change later); a new email of a blocked domain is
        ``EMAIL_DOMAIN_BLOCKED``. Passwords go through :meth:`change_password` or
        :meth:`set_password`, never here. Emits ``user_updated`` with the
        names of the fields that really changed (none: no event).
        """
        uid = cast(uuid.UUID, user_id)  # @checked made it a UUID
        updatable(changes, UPDATABLE_FIELDS)
        wanted: dict[str, Any] = dict(changes)
        with transaction():
            user = self._require(uid)
            diff = {name: value for name, value in wanted.items() if getattr(user, name) != value}
            email_after = diff.get("email", user.email)
            phone_after = diff.get("phone", user.phone)
            if email_after is None and phone_after is None:
                raise errors.EmailOrPhoneRequired("A user must keep an email address or a phone number.")
            if diff.get("email") is not None:
                ensure_allowed(diff["email"])
            if "email" in diff and user.email_verified_at is not None:
                diff["email_verified_at"] = None
            if "phone" in diff and user.phone_verified_at is not None:
                diff["phone_verified_at"] = None
            if diff:
                users_repo.update_fields(user, diff)
                sync_contact_identities(user, phone_login=self.settings.phone_login,
                                        email_changed="email" in diff, phone_changed="phone" in diff)
                for contact in CONTACT_CHANGE_TYPES.keys() & diff.keys():
                    otps_repo.delete_for_user_type(uid, CONTACT_CHANGE_TYPES[contact])
                emit(events.user_updated, self, user=UserSnapshot.of(user), user_id=uid, changed=sorted(diff))
        return user

    # verify_email(user_id), unverify_email(user_id), verify_phone(user_id), unverify_phone(user_id) -> User
    verify_email = _verification("email", verified=True)
    unverify_email = _verification("email", verified=False)
    verify_phone = _verification("phone", verified=True)
    unverify_phone = _verification("phone", verified=False)

    @retry_on_conflict
    def _set_verified(self, user_id: Any, contact: str, verified: bool) -> User:
        uid = cast(uuid.UUID, user_id)  # @checked made it a UUID
        column = f"{contact}_verified_at"
        with transaction():
            user = self._require(uid)
            if verified and getattr(user, contact) is None:
                raise errors.UserHasNoEmail() if contact == "email" else errors.UserHasNoPhone()
            if (getattr(user, column) is not None) != verified:
                users_repo.update_fields(user, {column: utcnow() if verified else None})
                emit(events.user_updated, self, user=UserSnapshot.of(user), user_id=uid, changed=[column])
        return user

    @checked(user_id=ID)
    def activate(self, user_id: uuid.UUID | str | User) -> User:
        """Let the user sign in again; idempotent."""
        return self._set_active(user_id, True)

    @checked(user_id=ID)
    def deactivate(self, user_id: uuid.UUID | str | User) -> User:
        """Stop the user from signing in and revoke all their sessions and trusted devices; idempotent.

        While deactivated, the user's API keys, OTPs, TOTP devices and recovery
        codes are refused too (those services check ``is_active``).
        """
        return self._set_active(user_id, False)

    @retry_on_conflict
    def _set_active(self, user_id: Any, active: bool) -> User:
        uid = cast(uuid.UUID, user_id)  # @checked made it a UUID
        with transaction():
            user = self._require(uid)
            revoked = 0 if active else sessions_repo.delete_for_user(uid)
            devices = 0 if active else devices_repo.revoke_all(uid, now=utcnow())
            if user.is_active != active:
                users_repo.update_fields(user, {"is_active": active})
                emit(
                    events.user_updated, self, user=UserSnapshot.of(user), user_id=uid,
                    changed=["is_active"], sessions_revoked=revoked, trusted_devices_revoked=devices,
                )
        return user

    # --- passwords ---------------------------------------------------------------------

    @checked(user_id=ID, current_password=PASSWORD, new_password=PASSWORD, session=ID.optional)
    @retry_on_conflict
    def change_password(
        self, user_id: uuid.UUID | str | User, current_password: str, new_password: str, *,
        session: uuid.UUID | str | Session | None = None,
    ) -> User:
        """The user changes their own password.

        With ``session`` (the signed-in session making the change) the change
        also needs a recent authentication in it (``REAUTHENTICATION_REQUIRED``,
        see :meth:`reauthenticate`; MFA too when the user has it on). Wrong current: ``CURRENT_PASSWORD_INCORRECT``; same as current:
        ``NEW_PASSWORD_SAME_AS_CURRENT``; outside the policy:
        ``PASSWORD_POLICY_VIOLATION``. On success ``must_change_password`` is
        cleared, every session and trusted device of the user is revoked (in the
        transaction that stores the hash), ``password_changed`` sent.
        """
        uid = cast(uuid.UUID, user_id)  # @checked made it a UUID
        user = self._require(uid)
        _recent.check_session(cast("uuid.UUID | None", session), uid, now=utcnow(),
                              within=self.settings.reauthentication_window)
        if user.password_hash is None:
            self.hasher.dummy_verify(current_password)
            raise errors.CurrentPasswordIncorrect(
                "This account has no password yet; use set_password() (or a reset) instead."
            )
        new_hash = hash_for_change(self.hasher, user.password_hash, current_password, new_password,
                                   self.settings.password_policy, email=user.email)
        with transaction():
            swapped = users_repo.replace_password_hash(
                uid, user.password_hash, new_hash, must_change_password=False
            )
            if not swapped:  # deleted, or the password changed since we verified it
                self._require(uid)
                raise errors.CurrentPasswordIncorrect("The password was changed meanwhile; sign in again.")
            revoked = sessions_repo.delete_for_user(uid)
            devices = devices_repo.revoke_all(uid, now=utcnow())
            user.password_hash = new_hash
            user.must_change_password = False
            emit(events.password_changed, self, user=UserSnapshot.of(user), user_id=uid, sessions_revoked=revoked,
                 trusted_devices_revoked=devices)
        return user

    @checked(user_id=ID, new_password=PASSWORD, must_change_password=FLAG, revoke_sessions=FLAG)
    @retry_on_conflict
    def set_password(
        self,
        user_id: uuid.UUID | str | User,
        new_password: str,
        *,
        must_change_password: bool = False,
        revoke_sessions: bool = True,
    ) -> User:
        """Set a password without the current one (admin action, completed reset).

        Checks the policy, stores the hash, revokes the sessions and trusted
        devices (in the same transaction) unless told not to, and sends
        ``password_changed``.
        """
        uid, must_change, revoke = cast(uuid.UUID, user_id), must_change_password, revoke_sessions
        user = self._require(uid)
        check_policy(new_password, self.settings.password_policy, email=user.email)
        new_hash = self.hasher.hash(new_password)
        with transaction():
            user = self._require(uid)
            users_repo.update_fields(user, {"password_hash": new_hash, "must_change_password": must_change})
            revoked = sessions_repo.delete_for_user(uid) if revoke else 0
            devices = devices_repo.revoke_all(uid, now=utcnow()) if revoke else 0
            emit(events.password_changed, self, user=UserSnapshot.of(user), user_id=uid, sessions_revoked=revoked,
                 trusted_devices_revoked=devices)
        return user

    # --- delete ------------------------------------------------------------------------

    @checked(user_id=ID)
    @retry_on_conflict
    def delete(self, user_id: uuid.UUID | str | User) -> UserSnapshot:
        """Delete the user in one statement; the database cascades to everything attached.

        Returns (and sends with ``user_deleted``) a snapshot of the user as it
        was. Unknown id: ``USER_NOT_FOUND``.
        """
        uid = cast(uuid.UUID, user_id)  # @checked made it a UUID
        with transaction():
            snapshot = UserSnapshot.of(self._require(uid))
            if users_repo.delete(uid) == 0:
                raise errors.UserNotFound(f"No user has the id {uid}.", user_id=uid)
            emit(events.user_deleted, self, user=snapshot, user_id=uid, snapshot=snapshot.as_dict())
        return snapshot

    # --- internals -----------------------------------------------------------------------

    def _require(self, uid: uuid.UUID) -> User:
        return found(users_repo.get(uid), errors.UserNotFound, f"No user has the id {uid}.", user_id=uid)


def sync_contact_identities(user: User, *, phone_login: bool, email_changed: bool, phone_changed: bool) -> None:
    """Keep the user's ``email`` (and, with ``phone_login``, ``phone``) identity equal to its columns,
    in the caller's transaction (creating or updating a user, a confirmed contact change).
    Package-internal (not in ``__all__``): it checks no argument."""
    contacts = ((EMAIL_PROVIDER, user.email, email_changed, True),
                (PHONE_PROVIDER, user.phone, phone_changed, phone_login))
    for provider, value, changed, wanted in contacts:
        if not changed:
            continue
        if value is None:
            identities_repo.delete(user.id, provider)
        elif identities_repo.set_provider_id(user.id, provider, value) == 0 and wanted:
            identities_repo.insert(user.id, provider, value)
