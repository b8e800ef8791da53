"""Tenants: create, update, (de)activate, delete, look up.

    from nestauth_peewee import init_database, create_tables
    from nestauth_peewee.services.tenants import TenantService

    init_database("sqlite:///:memory:")
    create_tables()
    tenants = TenantService()
    acme = tenants.create("Acme Inc.", slug="acme")
    assert tenants.get_by_slug("acme").id == acme.id
    tenants.deactivate(acme.id)
    tenants.delete(acme.id)     # the database removes its memberships and roles

Slugs are lowercase letters, digits, ``-`` and ``_`` (``INVALID_SLUG_FORMAT``)
and unique (``TENANT_ALREADY_EXISTS``, enforced by the database). Events
``tenant_created`` / ``tenant_updated`` (``changed=[field names]``) /
``tenant_deleted`` (``snapshot=dict``) are sent after commit.
"""

from __future__ import annotations

import re
from typing import Any

from .. import errors, events
from ..models import Tenant
from ..replicas import replica_ok
from ..repositories import tenants as repo
from ..unit_of_work import retry_on_conflict
from ..validation import FLAG, ID, LIMIT, METADATA, NAME, OFFSET, SEARCH, TEXT, UNSET, Unset, checked, pattern
from ._common import found, given
from ._rbac_common import RowService

__all__ = ["TenantService", "SLUG_PATTERN"]

#: What a tenant slug may look like.
SLUG_PATTERN = re.compile(r"[a-z0-9_-]{1,255}")
MAX_PAGE = 100
#: A tenant slug: ``INVALID_SLUG_FORMAT`` for anything else.
SLUG = pattern(SLUG_PATTERN, errors.InvalidSlugFormat,
               "use lowercase letters, digits, '-' and '_' only, at most 255 (e.g. 'acme-inc').",
               examples=("acme", "acme-inc", "globex_2"))


class TenantService(RowService[Tenant]):
    """Policy for nest_auth_tenants; one transaction per call, events after commit."""

    _repo = repo
    _noun = "tenant"
    _not_found = errors.TenantNotFound
    _created, _updated, _deleted = events.tenant_created, events.tenant_updated, events.tenant_deleted

    @checked(name=NAME, slug=SLUG, description=TEXT, metadata=METADATA, is_active=FLAG)
    @retry_on_conflict
    def create(self, name: str, slug: str, *, description: str | None = None,
               metadata: dict[str, Any] | None = None, is_active: bool = True) -> Tenant:
        """Create a tenant; ``slug`` is required and unique."""
        return self._insert(name=name, slug=slug, description=description,
                            metadata={} if metadata is None else metadata, is_active=is_active)

    @replica_ok
    @checked(tenant_id=ID)
    def get(self, tenant_id: Any) -> Tenant:
        """The tenant, or ``TENANT_NOT_FOUND``."""
        return self._get(tenant_id)

    @replica_ok
    @checked(slug=SLUG)
    def get_by_slug(self, slug: str) -> Tenant:
        """The tenant with this slug, or ``TENANT_NOT_FOUND``."""
        return found(repo.get_by_slug(slug), errors.TenantNotFound, f"No tenant with slug {slug!r}.", slug=slug)

    @replica_ok
    @checked(active=FLAG.optional, search=SEARCH, limit=LIMIT, offset=OFFSET)
    def list_tenants(self, *, active: bool | None = None, search: str | None = None,
             limit: int = MAX_PAGE, offset: int = 0) -> list[Tenant]:
        """Tenants ordered by name; ``search`` matches name or slug (wildcards are literal)."""
        return repo.list_tenants(active=active, search=search, limit=limit, offset=offset)

    @checked(tenant_id=ID, name=NAME, slug=SLUG, description=TEXT, metadata=METADATA)
    def update(self, tenant_id: Any, *, name: str | Unset = UNSET, slug: str | Unset = UNSET,
               description: str | None | Unset = UNSET,
               metadata: dict[str, Any] | None | Unset = UNSET) -> Tenant:
        """Change the given fields; sends ``tenant_updated`` with the names of those that changed."""
        return self._change(tenant_id, given(name=name, slug=slug, description=description, metadata=metadata))

    @checked(tenant_id=ID)
    def activate(self, tenant_id: Any) -> Tenant:
        return self._change(tenant_id, {"is_active": True})

    @checked(tenant_id=ID)
    def deactivate(self, tenant_id: Any) -> Tenant:
        """Deactivate: its memberships then grant nothing (staff access still applies)."""
        return self._change(tenant_id, {"is_active": False})

    @checked(tenant_id=ID)
    @retry_on_conflict
    def delete(self, tenant_id: Any) -> None:
        """Delete the tenant; the database cascades its memberships, roles and their links."""
        self._delete(tenant_id)
