"""The permission registry: names per guard, and the start-up bulk registration.

    from nestauth_peewee import init_database, create_tables
    from nestauth_peewee.services.permissions import PermissionService

    init_database("sqlite:///:memory:")
    create_tables()
    permissions = PermissionService()
    result = permissions.register(["posts.read", {"name": "posts.write", "category": "posts"}])
    assert result.created == ["posts.read", "posts.write"]
    assert permissions.register(["posts.read", "posts.write"]).created == []   # idempotent

A name is unique per guard (``PERMISSION_ALREADY_EXISTS``, enforced by the
database). Events ``permission_created`` / ``permission_updated``
(``changed=[...]``) / ``permission_deleted`` (``snapshot=dict``) are sent after
commit; :meth:`PermissionService.register` sends ``permission_created`` for
each permission it really created.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from .. import errors, events
from ..models import Permission
from ..replicas import replica_ok
from ..repositories import permissions as repo
from ..unit_of_work import emit, retry_on_conflict, transaction
from ..validation import (
    ID,
    LIMIT,
    LINE,
    LONG_TEXT,
    NAME,
    OFFSET,
    SEARCH,
    SHORT_NAME,
    UNSET,
    Kind,
    Unset,
    checked,
)
from ._common import found, given
from ._rbac_common import RowService

__all__ = ["PermissionService", "RegistrationResult"]

MAX_PAGE = 100
_SPEC_KEYS = {"name", "description", "category", "guard"}


@dataclass(frozen=True)
class RegistrationResult:
    """What :meth:`PermissionService.register` did: names created now vs. already registered."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created)


def _specs(field: str, items: Any) -> list[dict[str, Any]]:
    """Permission specs: names, or mappings of name, description, category and guard."""
    if isinstance(items, (str, Mapping)):
        items = [items]
    if isinstance(items, (bytes, bytearray)) or not isinstance(items, Iterable):
        raise errors.InvalidValue(f"{field} must be a list of names or mappings, not {items!r:.60}.",
                                  field=field)
    specs: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, Mapping):
            unknown = set(item) - _SPEC_KEYS
            if unknown:
                raise errors.InvalidValue(
                    f"Unknown permission keys {sorted(map(str, unknown))}; use name, description, "
                    "category, guard.", field=field,
                )
            given = dict(item)
        elif isinstance(item, str):
            given = {"name": item}
        else:
            raise errors.InvalidValue(f"A permission is a name or a mapping with a 'name', not {item!r:.60}.",
                                      field=field)
        specs.append({
            "name": NAME("permission name", given.get("name")),
            "description": LONG_TEXT("description", given.get("description")),
            "category": CATEGORY("category", given.get("category")),
            "guard": SHORT_NAME.optional("guard", given.get("guard")),
        })
    return specs


#: A permission category: optional one-line text up to 255 characters.
CATEGORY = LINE
#: What :meth:`PermissionService.register` takes.
PERMISSION_SPECS = Kind("permission specs", _specs)


class PermissionService(RowService[Permission]):
    """Policy for nest_auth_permissions; one transaction per call, events after commit."""

    _repo = repo
    _noun = "permission"
    _not_found = errors.PermissionNotFound
    _created, _updated, _deleted = (events.permission_created, events.permission_updated,
                                    events.permission_deleted)

    # --- single permissions ----------------------------------------------------

    @checked(name=NAME, guard=SHORT_NAME.optional, description=LONG_TEXT, category=CATEGORY)
    @retry_on_conflict
    def create(self, name: str, *, guard: str | None = None, description: str | None = None,
               category: str | None = None) -> Permission:
        guard = self.settings.resolve_guard(guard)
        return self._insert(name=name, guard=guard, description=description, category=category)

    @replica_ok
    @checked(permission_id=ID)
    def get(self, permission_id: Any) -> Permission:
        return self._get(permission_id)

    @replica_ok
    @checked(name=NAME, guard=SHORT_NAME.optional)
    def get_by_name(self, name: str, *, guard: str | None = None) -> Permission:
        guard = self.settings.resolve_guard(guard)
        return found(repo.get_by_name(name, guard), errors.PermissionNotFound,
                     f"No permission {name!r} for guard {guard!r}.", name=name, guard=guard)

    @checked(permission_id=ID, name=NAME, description=LONG_TEXT, category=CATEGORY)
    @retry_on_conflict
    def update(self, permission_id: Any, *, name: str | Unset = UNSET,
               description: str | None | Unset = UNSET, category: str | None | Unset = UNSET) -> Permission:
        """Rename or re-describe a permission (its guard is fixed; roles keep their link)."""
        return self._change(permission_id, given(name=name, description=description, category=category))

    @checked(permission_id=ID)
    @retry_on_conflict
    def delete(self, permission_id: Any) -> None:
        """Delete a permission; the database removes it from every role."""
        self._delete(permission_id)

    @replica_ok
    @checked(text=SEARCH, guard=SHORT_NAME.optional, category=CATEGORY, limit=LIMIT, offset=OFFSET)
    def search(self, text: str | None = None, *, guard: str | None = None, category: str | None = None,
               limit: int = MAX_PAGE, offset: int = 0) -> list[Permission]:
        """Permissions whose name or description contains ``text`` (``%`` and ``_`` are literal)."""
        if guard is not None:
            guard = self.settings.resolve_guard(guard)
        return repo.search(text, guard=guard, category=category, limit=limit, offset=offset)

    @replica_ok
    @checked(guard=SHORT_NAME.optional)
    def categories(self, *, guard: str | None = None) -> list[str]:
        """The distinct categories in use, sorted."""
        if guard is not None:
            guard = self.settings.resolve_guard(guard)
        return repo.categories(guard)

    # --- bulk registration -----------------------------------------------------

    @checked(permissions=PERMISSION_SPECS, guard=SHORT_NAME.optional)
    def register(self, permissions: Iterable[str | Mapping[str, Any]], *,
                 guard: str | None = None) -> RegistrationResult:
        """Make sure every permission is registered; create only the missing ones.

        Items are names, or mappings with ``name`` and optionally
        ``description``, ``category`` and ``guard`` (default: ``guard``, else
        the first configured guard). Existing permissions are left as they are.
        One transaction; a permission that a concurrent registrar creates first
        counts as existing, never as an error. Names are reported in input order.
        """
        default_guard = self.settings.resolve_guard(guard)
        specs = self._specs(cast(list[dict[str, Any]], permissions), default_guard)  # PERMISSION_SPECS made them
        # MySQL/MariaDB may pick concurrent registrars as deadlock victims: start again.
        return self._register(specs)

    @retry_on_conflict
    def _register(self, specs: dict[tuple[str, str], dict[str, Any]]) -> RegistrationResult:
        by_guard: dict[str, list[dict[str, Any]]] = {}
        for spec in specs.values():
            by_guard.setdefault(spec["guard"], []).append(spec)
        created: set[tuple[str, str]] = set()
        made: list[Permission] = []
        with transaction():
            for g, group in by_guard.items():
                known = repo.find_by_names([s["name"] for s in group], g)
                missing = [s for s in group if s["name"] not in known]
                if not missing:
                    continue
                rows = [{**s, "id": uuid.uuid4()} for s in sorted(missing, key=lambda s: s["name"])]
                repo.insert_ignoring_duplicates(rows)
                # Rows carrying our own ids are the ones this call created; a name a
                # concurrent registrar got in first was skipped and counts as existing.
                for permission in repo.get_many([r["id"] for r in rows]):
                    created.add((permission.name, g))
                    made.append(permission)
            for permission in sorted(made, key=lambda p: (p.guard, p.name)):
                emit(events.permission_created, permission=permission)
        result = RegistrationResult()
        for key, spec in specs.items():
            (result.created if key in created else result.existing).append(spec["name"])
        return result

    def _specs(self, items: list[dict[str, Any]],
               default_guard: str) -> dict[tuple[str, str], dict[str, Any]]:
        specs: dict[tuple[str, str], dict[str, Any]] = {}
        for spec in items:
            g = spec["guard"]
            spec["guard"] = default_guard if g is None else self.settings.resolve_guard(g)
            specs.setdefault((spec["name"], spec["guard"]), spec)
        return specs
