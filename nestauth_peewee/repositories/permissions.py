"""Queries on nest_auth_permissions, the registry of permission names per guard."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any, cast

from ..fields import utcnow
from ..models import Permission
from ._support import chunks, ignore_duplicates, update_by_id

__all__ = ["insert", "get", "get_by_name", "find_by_names", "get_many", "guards_of",
           "insert_ignoring_duplicates", "search", "categories", "update", "delete"]


def insert(**values: Any) -> Permission:
    return Permission.create(**values)


def get(permission_id: uuid.UUID) -> Permission | None:
    return Permission.get_or_none(Permission.id == permission_id)


def get_by_name(name: str, guard: str) -> Permission | None:
    return Permission.get_or_none((Permission.name == name) & (Permission.guard == guard))


def find_by_names(names: Iterable[str], guard: str) -> dict[str, Permission]:
    """The registered permissions among ``names`` for ``guard``, keyed by name."""
    found: dict[str, Permission] = {}
    for batch in chunks(dict.fromkeys(names)):
        query = Permission.select().where((Permission.guard == guard) & Permission.name.in_(batch))
        for permission in query:
            found[permission.name] = permission
    return found


def get_many(permission_ids: Iterable[uuid.UUID]) -> list[Permission]:
    """The permissions with these ids (this transaction's own inserts included)."""
    found: list[Permission] = []
    for batch in chunks(dict.fromkeys(permission_ids)):
        found.extend(Permission.select().where(Permission.id.in_(batch)))
    return found


def guards_of(names: Iterable[str]) -> dict[str, list[str]]:
    """For each of ``names`` registered under any guard: the sorted guards that have it."""
    result: dict[str, set[str]] = {}
    for batch in chunks(dict.fromkeys(names)):
        query = Permission.select(Permission.name, Permission.guard).where(Permission.name.in_(batch))
        for row in cast("Iterable[tuple[str, str]]", query.tuples()):
            result.setdefault(row[0], set()).add(row[1])
    return {name: sorted(guards) for name, guards in result.items()}


def insert_ignoring_duplicates(rows: Iterable[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts with ``id``, ``name``, ``guard``, ...) skipping registered (name, guard).

    A row that a concurrent transaction inserted first is skipped, not an error.
    """
    now = utcnow()
    for batch in chunks(rows, 100):
        values = [{"created_at": now, "updated_at": now, **row} for row in batch]
        ignore_duplicates(Permission.insert_many(values), Permission).execute()


def search(text: str | None = None, *, guard: str | None = None, category: str | None = None,
           limit: int = 100, offset: int = 0) -> list[Permission]:
    """Permissions whose name or description contains ``text`` (wildcards escaped), by name."""
    query = Permission.select()
    if guard is not None:
        query = query.where(Permission.guard == guard)
    if category is not None:
        query = query.where(Permission.category == category)
    if text:
        query = query.where(Permission.name.contains(text) | Permission.description.contains(text))
    order = (Permission.name, Permission.guard, Permission.id)
    return list(query.order_by(*order).limit(limit).offset(offset))


def categories(guard: str | None = None) -> list[str]:
    """The distinct non-null categories (sorted in Python, so the order is the same on every dialect)."""
    query = Permission.select(Permission.category).where(Permission.category.is_null(False)).distinct()
    if guard is not None:
        query = query.where(Permission.guard == guard)
    return sorted({row[0] for row in cast("Iterable[tuple[str]]", query.tuples())})


def update(permission_id: uuid.UUID, **values: Any) -> int:
    return update_by_id(Permission, permission_id, values)


def delete(permission_id: uuid.UUID) -> int:
    """Delete one permission; the database cascades its role_permissions rows."""
    return Permission.delete().where(Permission.id == permission_id).execute()
