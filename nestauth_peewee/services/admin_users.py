"""Admin-console accounts, kept apart from application users.

    from nestauth_peewee import AdminUserService
    admins = AdminUserService()
    root = admins.create(email="Root@Example.com", password="a long admin passphrase")
    admins.authenticate(email="root@example.com", password="a long admin passphrase")
    admins.revoke_all_sessions(root.id)      # bumps token_version

Emails are stored normalised and unique (``ADMIN_EMAIL_ALREADY_EXISTS``);
passwords are argon2id hashes checked against the same policy as users'
(at least 8 characters by default). Unknown emails cost one dummy argon2
verification. The last remaining admin cannot be deleted (``LAST_ADMIN_USER``).
Events ``admin_created`` / ``admin_updated`` / ``admin_deleted`` carry an
:class:`AdminSnapshot` after commit, never a hash.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from .. import audit, errors, events
from ..config import Settings
from ..fields import utcnow
from ..models import AdminUser
from ..normalize import normalize_email
from ..passwords import PasswordHasher, check_policy, hash_for_change
from ..replicas import on_primary, replica_ok
from ..repositories import admin_users as admins_repo
from ..unit_of_work import emit, retry_on_conflict, transaction
from ..validation import ID, LIMIT, METADATA, PAGE, PASSWORD, TEXT, Kind, checked
from ._common import AdminSnapshot, Page, found, updatable
from .audit import Attempt, refusals
from .throttling import ADMIN_LOGIN, Throttle

__all__ = ["AdminUserService", "AdminSnapshot"]

UPDATABLE_FIELDS = frozenset({"email", "name", "metadata"})


def _email(field: str, value: Any) -> str:
    email = normalize_email(value)
    if email is None:
        raise errors.InvalidEmail("An admin user needs an email address.")
    return email


#: An admin's email: required, normalised (``INVALID_EMAIL``).
ADMIN_EMAIL = Kind("admin email", _email)


class AdminUserService:
    """Policy for admin users; thread-safe, one instance per app."""

    def __init__(self, settings: Settings | None = None, *, hasher: PasswordHasher | None = None) -> None:
        self.settings = Settings.or_default(settings)
        self.hasher = hasher or PasswordHasher(self.settings.argon2)
        #: Consecutive failed admin logins per normalised email (``Settings.login_throttle``).
        self.throttle = Throttle(self.settings)

    @checked(email=ADMIN_EMAIL, password=PASSWORD, name=TEXT, metadata=METADATA)
    @retry_on_conflict
    def create(
        self, *, email: str, password: str, name: str | None = None, metadata: dict[str, Any] | None = None
    ) -> AdminUser:
        """Create an admin; emits ``admin_created``."""
        email_n, name_n, meta = email, name, metadata
        check_policy(password, self.settings.password_policy, email=email_n)
        password_hash = self.hasher.hash(password)
        with transaction():
            admin = admins_repo.insert(email=email_n, name=name_n, password_hash=password_hash, metadata=meta)
            emit(events.admin_created, self, admin=AdminSnapshot.of(admin), admin_id=admin.id)
        return admin

    @on_primary
    @checked(email=ADMIN_EMAIL, password=PASSWORD)
    @retry_on_conflict
    def authenticate(self, *, email: str, password: str) -> AdminUser:
        """The admin with this email and password (``last_login_at`` set), else ``INVALID_CREDENTIALS``.

        An unknown email costs a dummy verification; an old-parameter hash is
        upgraded in the same write as ``last_login_at``. Throttled per email,
        known or not, like user logins (``ACCOUNT_LOCKED``; see :meth:`unlock`).
        """
        with refusals(self.settings, audit.ADMIN_SIGN_IN) as attempt:
            return self._authenticate(attempt, email, password)

    def _authenticate(self, attempt: Attempt, email: str, password: str) -> AdminUser:
        gate = self.throttle.check(ADMIN_LOGIN, email)
        admin = admins_repo.get_by_email(email)
        attempt.user_id = admin.id if admin is not None else None
        if admin is None:
            self.hasher.dummy_verify(password)
            self.throttle.failed(gate)
            raise errors.InvalidCredentials("The email and password do not match an admin account.")
        ok, upgraded = self.hasher.verify(admin.password_hash, password)
        if not ok:
            self.throttle.failed(gate)
            raise errors.InvalidCredentials("The email and password do not match an admin account.")
        self.throttle.succeeded(gate)
        with transaction():
            if upgraded is not None and admins_repo.replace_password_hash(
                admin.id, admin.password_hash, upgraded
            ):
                admin.password_hash = upgraded
            admins_repo.update_fields(admin, {"last_login_at": utcnow()})
            emit(events.admin_signed_in, self, admin_id=admin.id)
        return admin

    @checked(email=ADMIN_EMAIL)
    def unlock(self, email: str) -> bool:
        """Forget the failed logins of this admin email at once; False if there were none."""
        return self.throttle.unlock(ADMIN_LOGIN, email)

    @replica_ok
    @checked(admin_id=ID)
    def get(self, admin_id: uuid.UUID | str | AdminUser) -> AdminUser:
        """The admin with this id, else ``ADMIN_USER_NOT_FOUND``."""
        return self._require(cast(uuid.UUID, admin_id))

    @replica_ok
    @checked(email=ADMIN_EMAIL)
    def get_by_email(self, email: str) -> AdminUser:
        """The admin with this email (normalised), else ``ADMIN_USER_NOT_FOUND``."""
        admin = admins_repo.get_by_email(email)
        if admin is None:
            raise errors.AdminUserNotFound("No admin user has this email address.")
        return admin

    @replica_ok
    @checked(page=PAGE, limit=LIMIT)
    def list(self, *, page: int = 1, limit: int = 20) -> Page[AdminUser]:
        """A page of admins, oldest first; ``limit`` at most 100."""
        rows, total = admins_repo.list_page((page - 1) * limit, limit)
        return Page(items=list(rows), total=total, page=page, limit=limit)

    @checked(admin_id=ID, email=ADMIN_EMAIL, name=TEXT, metadata=METADATA)
    @retry_on_conflict
    def update(self, admin_id: uuid.UUID | str | AdminUser, **changes: Any) -> AdminUser:
        """Change ``email``, ``name`` or ``metadata``; emits ``admin_updated`` with the changed names."""
        aid = cast(uuid.UUID, admin_id)
        updatable(changes, UPDATABLE_FIELDS)
        wanted: dict[str, Any] = dict(changes)
        with transaction():
            admin = self._require(aid)
            diff = {k: v for k, v in wanted.items() if getattr(admin, k) != v}
            if diff:
                admins_repo.update_fields(admin, diff)
                emit(events.admin_updated, self, admin=AdminSnapshot.of(admin), admin_id=aid,
                     changed=sorted(diff))
        return admin

    @checked(admin_id=ID, current_password=PASSWORD, new_password=PASSWORD)
    @retry_on_conflict
    def change_password(
        self, admin_id: uuid.UUID | str | AdminUser, current_password: str, new_password: str
    ) -> AdminUser:
        """Change the admin's own password; bumps ``token_version`` (all console tokens die)."""
        aid = cast(uuid.UUID, admin_id)
        admin = self._require(aid)
        new_hash = hash_for_change(self.hasher, admin.password_hash, current_password, new_password,
                                   self.settings.password_policy, email=admin.email)
        with transaction():
            if not admins_repo.replace_password_hash(aid, admin.password_hash, new_hash):
                self._require(aid)
                raise errors.CurrentPasswordIncorrect("The password was changed meanwhile; sign in again.")
            admins_repo.bump_token_version(aid)
            admin = self._require(aid)
            emit(events.admin_updated, self, admin=AdminSnapshot.of(admin), admin_id=aid,
                 changed=["password", "token_version"])
        return admin

    @checked(admin_id=ID, new_password=PASSWORD)
    @retry_on_conflict
    def set_password(self, admin_id: uuid.UUID | str | AdminUser, new_password: str) -> AdminUser:
        """Set the password without the current one; bumps ``token_version``."""
        aid = cast(uuid.UUID, admin_id)
        admin = self._require(aid)
        check_policy(new_password, self.settings.password_policy, email=admin.email)
        new_hash = self.hasher.hash(new_password)
        with transaction():
            admin = self._require(aid)
            admins_repo.update_fields(admin, {"password_hash": new_hash})
            admins_repo.bump_token_version(aid)
            admin = self._require(aid)
            emit(events.admin_updated, self, admin=AdminSnapshot.of(admin), admin_id=aid,
                 changed=["password", "token_version"])
        return admin

    @checked(admin_id=ID)
    @retry_on_conflict
    def revoke_all_sessions(self, admin_id: uuid.UUID | str | AdminUser) -> AdminUser:
        """Invalidate every console token of the admin by bumping ``token_version``."""
        aid = cast(uuid.UUID, admin_id)
        with transaction():
            if admins_repo.bump_token_version(aid) == 0:
                raise errors.AdminUserNotFound(f"No admin user has the id {aid}.")
            admin = self._require(aid)
            emit(events.admin_updated, self, admin=AdminSnapshot.of(admin), admin_id=aid,
                 changed=["token_version"])
        return admin

    @checked(admin_id=ID)
    @retry_on_conflict
    def delete(self, admin_id: uuid.UUID | str | AdminUser) -> AdminSnapshot:
        """Delete the admin, unless it is the last one (``LAST_ADMIN_USER``); emits ``admin_deleted``.

        Two concurrent deletions of the last two admins cannot both succeed:
        the admin rows are locked first (one server), and each deleter also
        writes the admin it leaves behind, which is the row the other deletes
        - a conflict every engine detects, Galera's certification included.
        The loser is retried and refused.
        """
        aid = cast(uuid.UUID, admin_id)
        with transaction():
            admins_repo.lock_all()
            snapshot = AdminSnapshot.of(self._require(aid))
            survivor = admins_repo.another(aid)
            if survivor is None:
                raise errors.LastAdminUser()
            admins_repo.delete(aid)
            admins_repo.touch(survivor)
            emit(events.admin_deleted, self, admin=snapshot, admin_id=aid, snapshot=snapshot.as_dict())
        return snapshot

    def _require(self, aid: uuid.UUID) -> AdminUser:
        return found(admins_repo.get(aid), errors.AdminUserNotFound, f"No admin user has the id {aid}.",
                     admin_id=aid)

