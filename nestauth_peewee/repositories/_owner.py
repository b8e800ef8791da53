"""The owning user row, locked for the rest of the transaction where the dialect can.

Services that enforce a per-user rule (at most N sessions, one live OTP per
type) take this lock first, so two concurrent calls for one user run one after
the other on PostgreSQL and MySQL/MariaDB. SQLite serialises writers anyway.
"""

from __future__ import annotations

import uuid

from ..db import database, dialect_of
from ..models import User

__all__ = ["lock_user"]


def lock_user(user_id: uuid.UUID | str) -> User | None:
    """The user row (``SELECT ... FOR UPDATE`` on servers), or ``None`` if there is none."""
    query = User.select().where(User.id == user_id)
    if dialect_of(database) != "sqlite":
        query = query.for_update()
    return query.first()
