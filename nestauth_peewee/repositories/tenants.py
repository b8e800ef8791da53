"""Queries on nest_auth_tenants. No validation, no events (see the tenant service)."""

from __future__ import annotations

import uuid
from typing import Any

from ..models import Tenant
from ._support import update_by_id

__all__ = ["insert", "get", "get_by_slug", "list_tenants", "update", "delete", "exists"]


def insert(**values: Any) -> Tenant:
    return Tenant.create(**values)


def get(tenant_id: uuid.UUID) -> Tenant | None:
    return Tenant.get_or_none(Tenant.id == tenant_id)


def exists(tenant_id: uuid.UUID) -> bool:
    return Tenant.select(Tenant.id).where(Tenant.id == tenant_id).exists()


def get_by_slug(slug: str) -> Tenant | None:
    return Tenant.get_or_none(Tenant.slug == slug)


def list_tenants(*, active: bool | None = None, search: str | None = None,
                 limit: int = 100, offset: int = 0) -> list[Tenant]:
    """Tenants ordered by name (then id), optionally filtered; ``search`` matches name or slug."""
    query = Tenant.select()
    if active is not None:
        query = query.where(Tenant.is_active == active)
    if search:
        query = query.where(Tenant.name.contains(search) | Tenant.slug.contains(search))
    return list(query.order_by(Tenant.name, Tenant.id).limit(limit).offset(offset))


def update(tenant_id: uuid.UUID, **values: Any) -> int:
    """Set ``values`` (and ``updated_at``) on one tenant; returns the number of rows changed."""
    return update_by_id(Tenant, tenant_id, values)


def delete(tenant_id: uuid.UUID) -> int:
    """Delete one tenant; the database cascades its memberships and roles."""
    return Tenant.delete().where(Tenant.id == tenant_id).execute()
