"""Queries on nest_auth_platform_accesses (staff access) and their role links."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from ..models import Role, StaffAccess, StaffAccessRole
from . import role_holders
from ._support import locked

__all__ = ["get", "ensure", "set_active", "delete", "roles", "replace_roles"]


def get(user_id: uuid.UUID, *, lock: bool = False) -> StaffAccess | None:
    query = StaffAccess.select().where(StaffAccess.user == user_id)
    if lock:
        query = locked(query)
    return query.first()


def ensure(user_id: uuid.UUID) -> StaffAccess:
    """The user's staff access, inserted or reactivated; safe when two callers race."""
    return role_holders.ensure_active(StaffAccess, StaffAccess.user == user_id, {"user": user_id},
                                      StaffAccess.is_active, True, "staff access")


def set_active(access_id: uuid.UUID, active: bool) -> int:
    return role_holders.set_flag(StaffAccess, access_id, StaffAccess.is_active, active)


def delete(user_id: uuid.UUID) -> int:
    """Delete the user's staff access; the database cascades its role links."""
    return StaffAccess.delete().where(StaffAccess.user == user_id).execute()


def roles(access_id: uuid.UUID) -> list[Role]:
    return role_holders.roles(StaffAccessRole, StaffAccessRole.staff_access, access_id)


def replace_roles(access_id: uuid.UUID, role_ids: Iterable[uuid.UUID]) -> None:
    """Link exactly ``role_ids`` to the staff access (lock its row first when racing)."""
    role_holders.replace_roles(StaffAccessRole, StaffAccessRole.staff_access, access_id, role_ids)
