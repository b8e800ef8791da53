"""What the tenancy and RBAC services share (private): one row's lifecycle, and scope checks."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from types import ModuleType
from typing import Any, Generic, TypeVar

import peewee
from blinker import Signal

from .. import errors, events
from ..config import Settings
from ..models import Record, Role
from ..repositories import roles as roles_repo
from ..repositories import tenants as tenants_repo
from ..unit_of_work import emit, retry_on_conflict, transaction
from ..validation import as_uuid
from ._common import columns_of, found

__all__ = ["RowService", "require_tenant", "roles_for_scope", "replace_roles"]

M = TypeVar("M", bound=Record)


class RowService(Generic[M]):
    """Get, insert, change and delete one table's rows by id, with their events after commit.

    The tenant, role and permission services build on it: a subclass names its
    repository (``insert``, ``get``, ``update``, ``delete`` by id), the noun its
    messages, error details and event payloads use (``"tenant"``: ``No tenant
    with id ...``, ``tenant_id=...``, ``tenant=row``), its ``NotFound`` error and
    its three events; its public methods check their arguments and call one of
    these.
    """

    # Set by each subclass, in its class body.
    _repo: ModuleType
    _noun: str
    _not_found: type[errors.NotFound]
    _created: Signal
    _updated: Signal
    _deleted: Signal

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = Settings.or_default(settings)

    def _get(self, row_id: uuid.UUID) -> M:
        """The row, or the table's ``NotFound``."""
        return found(self._repo.get(row_id), self._not_found, f"No {self._noun} with id {row_id}.",
                     **{f"{self._noun}_id": str(row_id)})

    def _insert(self, **values: Any) -> M:
        """Insert a row; sends the created event with it."""
        with transaction():
            row: M = self._repo.insert(**values)
            emit(self._created, **{self._noun: row})
        return row

    @retry_on_conflict
    def _change(self, row_id: uuid.UUID, values: dict[str, Any]) -> M:
        """Write those of ``values`` that differ; the updated event names them (none: no event)."""
        with transaction():
            row = self._get(row_id)
            changed = [k for k, v in values.items() if getattr(row, k) != v]
            if changed:
                self._repo.update(row.id, **{k: values[k] for k in changed})
                row = self._get(row.id)
                emit(self._updated, **{self._noun: row}, changed=changed)
        return row

    def _delete(self, row_id: uuid.UUID) -> None:
        """Delete the row; the deleted event carries its :meth:`_snapshot`, taken in the transaction."""
        with transaction():
            row = self._get(row_id)
            snapshot = self._snapshot(row)
            self._repo.delete(row.id)
            emit(self._deleted, snapshot=snapshot)

    def _snapshot(self, row: M) -> dict[str, Any]:
        """What the deleted event carries: every column (:func:`columns_of`)."""
        return columns_of(row)


def require_tenant(tenant_id: Any) -> uuid.UUID:
    """The tenant's id, or TenantNotFound naming it."""
    tid = as_uuid("tenant_id", tenant_id)
    if not tenants_repo.exists(tid):
        raise errors.TenantNotFound(f"No tenant with id {tid}.", tenant_id=str(tid))
    return tid


def roles_for_scope(roles: Iterable[Any], tenant_id: uuid.UUID | None) -> list[uuid.UUID]:
    """Resolve role ids (or Role rows) for a membership of ``tenant_id`` (``None``: global / staff).

    Every role must exist (RoleNotFound lists the unknown ids) and be global
    or belong to that tenant (InvalidRoleScope lists the others).
    """
    if isinstance(roles, (str, uuid.UUID, peewee.Model)):
        roles = [roles]
    ids = list(dict.fromkeys(as_uuid("role id", r) for r in roles))
    found = roles_repo.get_many(ids)
    missing = [str(rid) for rid in ids if rid not in found]
    if missing:
        raise errors.RoleNotFound(f"No role with id {', '.join(missing)}.", missing=missing)
    foreign = [found[rid] for rid in ids if found[rid].tenant_id not in (None, tenant_id)]
    if foreign:
        where = f"tenant {tenant_id}" if tenant_id is not None else "global (no-tenant) or staff access"
        names = ", ".join(f"{r.name!r} ({r.id})" for r in foreign)
        raise errors.InvalidRoleScope(
            f"Roles {names} belong to another tenant and cannot be used for {where}; "
            "use global roles or roles of this tenant.",
            roles=[str(r.id) for r in foreign],
        )
    return ids


def replace_roles(sender: Any, repo: ModuleType, access: Any, role_ids: list[uuid.UUID], *,
                  tenant_id: uuid.UUID | None, scope: str) -> list[Role]:
    """Link exactly ``role_ids`` to ``access`` (through ``repo``: memberships or staff access);
    its roles by name. Emits ``roles_changed`` (an audit row) with the names added and removed,
    when anything changed."""
    before = {role.id: role.name for role in repo.roles(access.id)}
    repo.replace_roles(access.id, role_ids)
    after: list[Role] = repo.roles(access.id)
    added = sorted(role.name for role in after if role.id not in before)
    removed = sorted(name for rid, name in before.items() if rid not in {role.id for role in after})
    if added or removed:
        emit(events.roles_changed, sender, user_id=access.user_id, tenant_id=tenant_id, scope=scope,
             added=added, removed=removed)
    return after
