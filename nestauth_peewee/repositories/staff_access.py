"""Queries on nest_auth_platform_accesses (staff access) and their role links."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import cast

from .. import errors
from ..fields import utcnow
from ..models import Role, StaffAccess, StaffAccessRole
from ._support import chunks, ignore_duplicates, locked

__all__ = ["get", "ensure", "set_active", "delete", "roles", "replace_roles"]


def get(user_id: uuid.UUID, *, lock: bool = False) -> StaffAccess | None:
    query = StaffAccess.select().where(StaffAccess.user == user_id)
    if lock:
        query = locked(query)
    return query.first()


def ensure(user_id: uuid.UUID) -> StaffAccess:
    """The user's staff access, inserted or reactivated; safe when two callers race."""
    access = get(user_id)
    if access is None:
        ignore_duplicates(StaffAccess.insert(id=uuid.uuid4(), user=user_id, is_active=True),
                          StaffAccess).execute()
        access = get(user_id, lock=True)
        if access is None:
            raise errors.ConflictError("The staff access changed concurrently; retry the operation.")
    if not access.is_active:
        set_active(access.id, True)
        access.is_active = True
    return access


def set_active(access_id: uuid.UUID, active: bool) -> int:
    return (StaffAccess.update({StaffAccess.is_active: active, StaffAccess.updated_at: utcnow()})
            .where(StaffAccess.id == access_id).execute())


def delete(user_id: uuid.UUID) -> int:
    """Delete the user's staff access; the database cascades its role links."""
    return StaffAccess.delete().where(StaffAccess.user == user_id).execute()


def roles(access_id: uuid.UUID) -> list[Role]:
    query = (Role.select().join(StaffAccessRole, on=(StaffAccessRole.role == Role.id))
             .where(StaffAccessRole.staff_access == access_id))
    return list(query.order_by(Role.name, Role.id))


def replace_roles(access_id: uuid.UUID, role_ids: Iterable[uuid.UUID]) -> None:
    """Link exactly ``role_ids`` to the staff access (lock its row first when racing)."""
    wanted = set(role_ids)
    rows = cast("Iterable[tuple[uuid.UUID]]", StaffAccessRole.select(StaffAccessRole.role)
                .where(StaffAccessRole.staff_access == access_id).tuples())
    current = {row[0] for row in rows}
    for batch in chunks(sorted(current - wanted, key=str)):
        StaffAccessRole.delete().where((StaffAccessRole.staff_access == access_id)
                                          & StaffAccessRole.role.in_(batch)).execute()
    for batch in chunks(sorted(wanted - current, key=str), 100):
        StaffAccessRole.insert_many([{"staff_access": access_id, "role": rid} for rid in batch]).execute()
