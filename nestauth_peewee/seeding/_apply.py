"""Applying a :class:`SeedPlan` through the services, one transaction per entry."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from .. import errors
from ..config import Settings
from ..models import MEMBERSHIP_ACTIVE, AdminUser, User
from ..passwords import PasswordHasher
from ..services import MembershipService, PermissionService, RoleService, StaffAccessService, TenantService
from ..services.admin_users import AdminUserService
from ..services.blocked_domains import BlockedDomainService
from ..services.users import UserService
from ..unit_of_work import retry_on_conflict, transaction
from ._plan import (
    SECTIONS,
    AdminSpec,
    BlockedDomainSpec,
    Entry,
    MembershipSpec,
    PermissionSpec,
    RoleSpec,
    SeedPlan,
    TenantSpec,
    UserSpec,
)

__all__ = ["Seeder", "SeedReport", "Outcome"]

Outcome = Literal["created", "updated", "unchanged"]
_OUTCOMES: tuple[Outcome, ...] = ("created", "updated", "unchanged")
Progress = Callable[[int], None]


@dataclass
class SeedReport:
    """What a run did, entry by entry: created, updated (something differed) or unchanged."""

    source: str
    outcomes: list[tuple[Entry, Outcome]] = field(default_factory=list)

    def count(self, section: str, outcome: Outcome) -> int:
        return sum(1 for entry, done in self.outcomes if entry.section == section and done == outcome)

    @property
    def changes(self) -> int:
        """How many entries were created or updated."""
        return sum(1 for _, done in self.outcomes if done != "unchanged")

    def summary(self) -> list[str]:
        """One line per section that the file declares: ``users: 3 created, 1 updated, 0 unchanged``."""
        lines = []
        for section in SECTIONS:
            if any(entry.section == section for entry, _ in self.outcomes):
                counts = ", ".join(f"{self.count(section, o)} {o}" for o in _OUTCOMES)
                lines.append(f"{section}: {counts}")
        return lines


class _StagedHasher(PasswordHasher):
    """The service's hasher, but returning a hash computed ahead of time for the staged password.

    The services still check the policy on the plaintext and call ``hash()``;
    this answers that call with the hash a worker thread already made, so the
    write itself never waits for argon2. Anything not staged is hashed normally.
    """

    def __init__(self, real: PasswordHasher) -> None:
        super().__init__(real.params)
        self._real = real
        self._local = threading.local()

    @contextmanager
    def staged(self, password: str | None, encoded: str | None) -> Iterator[None]:
        self._local.staged = (password, encoded) if password is not None and encoded is not None else None
        try:
            yield
        finally:
            self._local.staged = None

    def hash(self, password: str) -> str:
        staged = getattr(self._local, "staged", None)
        if staged is not None and staged[0] == password:
            self._local.staged = None  # one hash, one account
            return staged[1]
        return self._real.hash(password)

    def verify(self, encoded: object, password: object) -> tuple[bool, str | None]:
        return self._real.verify(encoded, password)

    def dummy_verify(self, password: object) -> None:
        self._real.dummy_verify(password)

    def needs_rehash(self, encoded: str) -> bool:
        return self._real.needs_rehash(encoded)


class Seeder:
    """Applies seed plans through the services; thread-safe to build, one ``apply`` at a time.

    ``workers`` is the number of threads hashing passwords (default: one
    per core; argon2 releases the GIL while it works).
    """

    def __init__(self, settings: Settings | None = None, *, workers: int | None = None,
                 hasher: PasswordHasher | None = None) -> None:
        self.settings = settings or Settings()
        self.hasher = hasher or PasswordHasher(self.settings.argon2)
        self.workers = workers or os.cpu_count() or 1
        staged = _StagedHasher(self.hasher)
        self._staged = staged
        self.users = UserService(self.settings, hasher=staged)
        self.admins = AdminUserService(self.settings, hasher=staged)
        self.permissions = PermissionService(self.settings)
        self.blocked_domains = BlockedDomainService(self.settings)
        self.tenants = TenantService(self.settings)
        self.roles = RoleService(self.settings)
        self.memberships = MembershipService(self.settings)
        self.staff = StaffAccessService(self.settings)
        self._tenant_ids: dict[str, uuid.UUID] = {}

    def apply(self, plan: SeedPlan, *, progress: Progress | None = None) -> SeedReport:
        """Apply every entry in file order (blocked domains, permissions, tenants, roles, users, admins).

        Each entry is one transaction; the first entry the database or a
        service refuses stops the run with :class:`~nestauth_peewee.errors.SeedEntryFailed`
        (its ``report`` says what was done before it). Entries already in
        place count as unchanged, so a second run reports zero changes.
        Passwords are hashed only for accounts that do not exist yet, on
        ``workers`` threads, while the earlier entries are being written.
        """
        report = SeedReport(plan.source)
        step = progress or (lambda _n: None)
        self._tenant_ids = {}
        existing_users: dict[Entry, User | None] = {}
        existing_admins: dict[Entry, AdminUser | None] = {}
        hashes: dict[Entry, Future[str]] = {}
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="nestauth-hash") as pool:
            try:
                # Hashing starts as soon as an account is known to be missing.
                for spec in plan.users:
                    found = existing_users[spec.entry] = self._find_user(spec)
                    if found is None and spec.password is not None:
                        hashes[spec.entry] = pool.submit(self.hasher.hash, spec.password)
                for admin in plan.admins:
                    found_admin = existing_admins[admin.entry] = self._find_admin(admin)
                    if found_admin is None:
                        hashes[admin.entry] = pool.submit(self.hasher.hash, admin.password)
                steps: list[tuple[Iterable[Any], Callable[[Any], Outcome]]] = [
                    (plan.blocked_domains, self._blocked_domain),
                    (plan.permissions, self._permission),
                    (plan.tenants, self._tenant),
                    (plan.roles, self._role),
                    (plan.users, lambda s: self._user(s, existing_users[s.entry], hashes.get(s.entry))),
                    (plan.admins, lambda s: self._admin(s, existing_admins[s.entry], hashes.get(s.entry))),
                ]
                for specs, apply_one in steps:
                    for spec in specs:
                        report.outcomes.append((spec.entry, self._one(spec.entry, apply_one, spec, report)))
                        step(1)
            finally:
                for future in hashes.values():
                    future.cancel()
        return report

    def _one(self, entry: Entry, apply_one: Callable[[Any], Outcome], spec: Any, report: SeedReport) -> Outcome:
        try:
            return _in_transaction(apply_one, spec)
        except errors.NestAuthError as exc:
            failure = errors.SeedEntryFailed(
                f"{entry}: {exc.code}: {exc}", section=entry.section, position=entry.position,
                label=entry.label, cause_code=exc.code,
            )
            failure.report = report
            raise failure from exc

    # --- sections ------------------------------------------------------------------

    def _blocked_domain(self, spec: BlockedDomainSpec) -> Outcome:
        # Already blocked (by hand, an import or a seed): unchanged; its source stays as it is.
        if self.blocked_domains.contains(spec.domain):
            return "unchanged"
        self.blocked_domains.add(spec.domain, source=spec.source)
        return "created"

    def _permission(self, spec: PermissionSpec) -> Outcome:
        declared: dict[str, Any] = {"description": spec.description, "category": spec.category}
        declared = {k: v for k, v in declared.items() if v is not None}
        result = self.permissions.register([{"name": spec.name, **declared}], guard=spec.guard)
        if result.created:
            return "created"
        permission = self.permissions.get_by_name(spec.name, guard=spec.guard)
        changes = {k: v for k, v in declared.items() if getattr(permission, k) != v}
        if changes:
            self.permissions.update(permission.id, **changes)
            return "updated"
        return "unchanged"

    def _tenant(self, spec: TenantSpec) -> Outcome:
        try:
            tenant = self.tenants.get_by_slug(spec.slug)
        except errors.TenantNotFound:
            self.tenants.create(spec.name, spec.slug, description=spec.description, metadata=spec.metadata,
                                is_active=True if spec.active is None else spec.active)
            return "created"
        declared: dict[str, Any] = {"name": spec.name, "description": spec.description, "metadata": spec.metadata}
        changes = {k: v for k, v in declared.items() if v is not None and getattr(tenant, k) != v}
        if changes:
            self.tenants.update(tenant.id, **changes)
        if spec.active is not None and tenant.is_active != spec.active:
            (self.tenants.activate if spec.active else self.tenants.deactivate)(tenant.id)
            changes["is_active"] = spec.active
        return "updated" if changes else "unchanged"

    def _role(self, spec: RoleSpec) -> Outcome:
        tenant_id = self._tenant_id(spec.tenant)
        try:
            role = self.roles.get_by_name(spec.name, guard=spec.guard, tenant_id=tenant_id)
        except errors.RoleNotFound:
            role = None
        if role is None or role.tenant_id != tenant_id:  # absent (or only a global namesake: create refuses)
            self.roles.create(spec.name, guard=spec.guard, tenant_id=tenant_id, is_system=spec.system,
                              is_active=True if spec.active is None else spec.active,
                              permissions=spec.permissions or [])
            return "created"
        changes: dict[str, Any] = {}
        if spec.active is not None and role.is_active != spec.active:
            changes["is_active"] = spec.active
        if spec.permissions is not None and set(self.roles.permissions_of(role.id)) != set(spec.permissions):
            changes["permissions"] = list(spec.permissions)
        if changes:
            self.roles.update(role.id, **changes)
        return "updated" if changes else "unchanged"

    def _user(self, spec: UserSpec, existing: User | None, hashed: Future[str] | None) -> Outcome:
        if existing is None:
            encoded = hashed.result() if hashed is not None else None
            first = spec.memberships[0].tenant if spec.memberships else None
            with self._staged.staged(spec.password, encoded):
                user = self.users.create(
                    email=spec.email, phone=spec.phone, password=spec.password,
                    tenant_id=self._tenant_id(first), metadata=spec.metadata,
                    is_active=True if spec.active is None else spec.active,
                    must_change_password=bool(spec.must_change_password),
                    email_verified=bool(spec.email_verified), phone_verified=bool(spec.phone_verified),
                )
            self._sync_access(user.id, spec, fresh=True)
            return "created"
        user = existing
        changed = False
        declared = {"email": spec.email, "phone": spec.phone, "metadata": spec.metadata,
                    "must_change_password": spec.must_change_password}
        changes = {k: v for k, v in declared.items() if v is not None and getattr(user, k) != v}
        if changes:
            user = self.users.update(user.id, **changes)
            changed = True
        if spec.active is not None and user.is_active != spec.active:
            user = (self.users.activate if spec.active else self.users.deactivate)(user.id)
            changed = True
        for contact, verified in (("email", spec.email_verified), ("phone", spec.phone_verified)):
            if verified is not None and (getattr(user, f"{contact}_verified_at") is not None) != verified:
                method = f"{'verify' if verified else 'unverify'}_{contact}"
                user = getattr(self.users, method)(user.id)
                changed = True
        return "updated" if self._sync_access(user.id, spec) or changed else "unchanged"

    def _sync_access(self, user_id: uuid.UUID, spec: UserSpec, *, fresh: bool = False) -> bool:
        """Memberships and staff access as declared; ``fresh``: the user was created just now,
        with one active, role-less membership (the first declared one, or the global one)."""
        changed = False
        for index, membership in enumerate(spec.memberships):
            if fresh:
                self._fresh_membership(user_id, membership, exists=index == 0)
            else:
                changed = self._sync_membership(user_id, membership) or changed
        if spec.staff is not None:
            try:
                access = None if fresh else self.staff.get(user_id)
            except errors.StaffAccessNotFound:
                access = None
            if access is None:
                access = self.staff.grant(user_id)
                changed = True
            if spec.staff.active is not None and access.is_active != spec.staff.active:
                (self.staff.activate if spec.staff.active else self.staff.deactivate)(user_id)
                changed = True
            if spec.staff.roles is not None and not _same_roles(self.staff.roles(user_id), spec.staff.roles,
                                                                 spec.staff.guard):
                self.staff.set_roles_by_name(user_id, spec.staff.roles, guard=spec.staff.guard)
                changed = True
        return changed

    def _fresh_membership(self, user_id: uuid.UUID, spec: MembershipSpec, *, exists: bool) -> None:
        # The user is new: nothing to compare with, so skip the reads.
        tenant_id = self._tenant_id(spec.tenant)
        if not exists:
            self.memberships.ensure(user_id, tenant_id)
        if spec.roles:
            self.memberships.set_roles_by_name(user_id, tenant_id, spec.roles, guard=spec.guard)
        if spec.active is False:
            self.memberships.deactivate(user_id, tenant_id)

    def _sync_membership(self, user_id: uuid.UUID, spec: MembershipSpec) -> bool:
        tenant_id = self._tenant_id(spec.tenant)
        changed = False
        try:
            access = self.memberships.get(user_id, tenant_id)
        except errors.MembershipNotFound:
            access = None
        want_active = spec.active is not False
        if want_active and (access is None or access.status != MEMBERSHIP_ACTIVE):
            self.memberships.ensure(user_id, tenant_id)
            changed = True
        elif not want_active and (access is None or access.status == MEMBERSHIP_ACTIVE):
            if access is None:
                self.memberships.ensure(user_id, tenant_id)
            self.memberships.deactivate(user_id, tenant_id)
            changed = True
        if spec.roles is not None and not _same_roles(self.memberships.roles(user_id, tenant_id), spec.roles,
                                                      spec.guard):
            self.memberships.set_roles_by_name(user_id, tenant_id, spec.roles, guard=spec.guard)
            changed = True
        return changed

    def _admin(self, spec: AdminSpec, existing: AdminUser | None, hashed: Future[str] | None) -> Outcome:
        if existing is None:
            encoded = hashed.result() if hashed is not None else None
            with self._staged.staged(spec.password, encoded):
                self.admins.create(email=spec.email, password=spec.password, name=spec.name,
                                   metadata=spec.metadata)
            return "created"
        declared = {"name": spec.name, "metadata": spec.metadata}
        changes = {k: v for k, v in declared.items() if v is not None and getattr(existing, k) != v}
        if changes:
            self.admins.update(existing.id, **changes)
        return "updated" if changes else "unchanged"

    # --- lookups -------------------------------------------------------------------

    def _tenant_id(self, slug: str | None) -> uuid.UUID | None:
        if slug is None:
            return None
        if slug not in self._tenant_ids:  # remembered for this run only
            self._tenant_ids[slug] = self.tenants.get_by_slug(slug).id
        return self._tenant_ids[slug]

    def _find_user(self, spec: UserSpec) -> User | None:
        try:
            if spec.email is not None:
                return self.users.get_by_email(spec.email)
            return self.users.get_by_phone(spec.phone or "")
        except errors.UserNotFound:
            return None

    def _find_admin(self, spec: AdminSpec) -> AdminUser | None:
        try:
            return self.admins.get_by_email(spec.email)
        except errors.AdminUserNotFound:
            return None


def _same_roles(held: Iterable[Any], wanted: Iterable[str], guard: str) -> bool:
    """Whether the held roles are exactly the wanted names of ``guard`` (what a replacement would set)."""
    return {(r.name, r.guard) for r in held} == {(name, guard) for name in wanted}


@retry_on_conflict
def _in_transaction(apply_one: Callable[[Any], Outcome], spec: Any) -> Outcome:
    """One seed entry in its own transaction, run again if a concurrent writer conflicts."""
    with transaction():
        return apply_one(spec)
