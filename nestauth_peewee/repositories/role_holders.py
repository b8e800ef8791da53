"""What memberships and staff access share: the insert-or-reactivate row, and its role links.

A role holder is a row that roles are linked to through a link table
(``nest_auth_user_access_roles`` for a membership, ``nest_auth_platform_access_roles``
for staff access). :mod:`.memberships` and :mod:`.staff_access` name their
tables and columns and call these.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, TypeVar, cast

import peewee

from .. import errors
from ..fields import utcnow
from ..models import Role
from ._support import chunks, ignore_duplicates, locked

__all__ = ["ensure_active", "set_flag", "roles", "replace_roles"]

M = TypeVar("M", bound=peewee.Model)


def set_flag(model: Any, row_id: uuid.UUID, field: peewee.Field, value: Any) -> int:
    """Set one column (and ``updated_at``) of the row ``row_id``."""
    return model.update({field: value, model.updated_at: utcnow()}).where(model.id == row_id).execute()


def ensure_active(model: type[M], where: peewee.Expression, values: dict[str, Any],
                  flag: peewee.Field, active: Any, what: str) -> M:
    """The row matching ``where``, inserted (``values``) or reactivated (``flag`` = ``active``).

    Safe when two callers race: the loser's insert is skipped by the unique
    index and it reads the winner's row. An unknown referenced id is a
    :class:`~nestauth_peewee.errors.ReferenceNotFound` (foreign key).
    """
    row = model.select().where(where).first()
    if row is None:
        ignore_duplicates(model.insert(id=uuid.uuid4(), **values, **{flag.name: active}), model).execute()
        row = locked(model.select().where(where)).first()
        if row is None:  # the racer we lost to deleted it again
            raise errors.ConflictError(f"The {what} changed concurrently; retry the operation.")
    if getattr(row, flag.name) != active:
        set_flag(model, row.id, flag, active)
        setattr(row, flag.name, active)
    return cast(M, row)


def roles(link: Any, holder: peewee.Field, holder_id: uuid.UUID) -> list[Role]:
    """The roles linked to one holder (active or not), ordered by name."""
    query = Role.select().join(link, on=(link.role == Role.id)).where(holder == holder_id)
    return list(query.order_by(Role.name, Role.id))


def replace_roles(link: Any, holder: peewee.Field, holder_id: uuid.UUID,
                  role_ids: Iterable[uuid.UUID]) -> None:
    """Link exactly ``role_ids`` to the holder (lock the holder's row first when racing)."""
    wanted = set(role_ids)
    rows = cast("Iterable[tuple[uuid.UUID]]", link.select(link.role).where(holder == holder_id).tuples())
    current = {row[0] for row in rows}
    for batch in chunks(sorted(current - wanted, key=str)):
        link.delete().where((holder == holder_id) & link.role.in_(batch)).execute()
    for batch in chunks(sorted(wanted - current, key=str), 100):
        link.insert_many([{holder.name: holder_id, "role": rid} for rid in batch]).execute()
