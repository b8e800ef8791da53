"""Queries on ``nest_auth_admin_users`` (admin-console accounts).

    from nestauth_peewee.repositories import admin_users as admins_repo

    admin = admins_repo.insert(email="root@example.com", password_hash=encoded)
    admins_repo.get_by_email("root@example.com")
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import peewee

from ..db import database
from ..fields import utcnow
from ..models import AdminUser
from ._support import locked, save_fields

__all__ = ["get", "get_by_email", "insert", "update_fields", "replace_password_hash",
           "bump_token_version", "lock_all", "another", "touch", "count", "delete", "list_page"]


def get(admin_id: uuid.UUID) -> AdminUser | None:
    return AdminUser.get_or_none(AdminUser.id == admin_id)


def get_by_email(email: str) -> AdminUser | None:
    admin = AdminUser.get_or_none(AdminUser.email == email)
    return admin if admin is not None and admin.email == email else None


def insert(**fields: Any) -> AdminUser:
    return AdminUser.create(**fields)


def update_fields(admin: AdminUser, fields: dict[str, Any]) -> AdminUser:
    return save_fields(admin, fields)


def replace_password_hash(admin_id: uuid.UUID, old_hash: str, new_hash: str) -> bool:
    """Swap the hash only if it is still ``old_hash``."""
    query = AdminUser.update(password_hash=new_hash, updated_at=utcnow()).where(
        (AdminUser.id == admin_id) & (AdminUser.password_hash == old_hash)
    )
    return query.execute() == 1


def bump_token_version(admin_id: uuid.UUID) -> int:
    """Add one to ``token_version`` (invalidates every console token); returns rows changed."""
    return (
        AdminUser.update(token_version=AdminUser.token_version + 1, updated_at=utcnow())
        .where(AdminUser.id == admin_id)
        .execute()
    )


def lock_all() -> None:
    """Lock every admin row until the transaction ends (``FOR UPDATE``).

    Serialises deleters on one server. Locks do not reach other Galera nodes:
    there :func:`touch` is what makes two deleters collide. SQLite has no row
    locks; there a write matching no row takes the database's write lock,
    which serialises writers just as well.
    """
    if not database.bound().for_update:  # peewee's trait: no row locks (SQLite)
        # A write that matches no row still takes SQLite's write lock.
        AdminUser.update(token_version=AdminUser.token_version).where(peewee.SQL("0 = 1")).execute()
    else:
        list(locked(AdminUser.select(AdminUser.id)))


def another(admin_id: uuid.UUID) -> uuid.UUID | None:
    """The oldest admin other than ``admin_id`` (a locking read: the latest committed rows), or None."""
    query = (AdminUser.select(AdminUser.id).where(AdminUser.id != admin_id)
             .order_by(AdminUser.created_at, AdminUser.id))
    row = locked(query).first()
    return row.id if row is not None else None


def touch(admin_id: uuid.UUID) -> int:
    """Write the row (``updated_at``): a change every engine sees, Galera's certification included."""
    return AdminUser.update(updated_at=utcnow()).where(AdminUser.id == admin_id).execute()


def count() -> int:
    return AdminUser.select().count()


def delete(admin_id: uuid.UUID) -> int:
    return AdminUser.delete().where(AdminUser.id == admin_id).execute()


def list_page(offset: int = 0, limit: int = 20) -> tuple[Sequence[AdminUser], int]:
    query = AdminUser.select()
    total = query.count()
    rows = list(query.order_by(AdminUser.created_at, AdminUser.id).offset(offset).limit(limit))
    return rows, total
