"""Helpers shared by the services: argument checks, pages, event snapshots."""

from __future__ import annotations

import copy
import uuid
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any, Generic, TypeVar

from .. import errors
from ..validation import METADATA, UNSET

__all__ = ["Page", "UserSnapshot", "AdminSnapshot", "columns_of", "flag", "found", "given", "metadata",
           "page_args", "updatable", "CONTACT_CHANGE_TYPES"]

#: The OTP type of a pending change of each contact (its code's row holds the new value):
#: ``ContactChangeService`` issues them, ``UserService.update`` drops them when it sets the contact.
CONTACT_CHANGE_TYPES = {"email": "email_change", "phone": "phone_change"}

T = TypeVar("T")

MAX_LIMIT = 100
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing: ``items``, the ``total`` matching, and where we are."""

    items: list[T]
    total: int
    page: int
    limit: int

    @property
    def pages(self) -> int:
        """How many pages there are at this ``limit``."""
        return (self.total + self.limit - 1) // self.limit


class _ColumnSnapshot:
    """A frozen copy of a row's public columns (the dataclass fields of the subclass)."""

    @classmethod
    def of(cls, row: Any) -> Any:
        return cls(**{f.name: copy.deepcopy(getattr(row, f.name)) for f in fields(cls)})  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True)
class UserSnapshot(_ColumnSnapshot):
    """What events carry about a user: every column but the secrets (no hash)."""

    id: uuid.UUID
    email: str | None
    phone: str | None
    email_verified_at: datetime | None
    phone_verified_at: datetime | None
    is_active: bool
    must_change_password: bool
    is_mfa_enabled: bool
    metadata: Any
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True)
class AdminSnapshot(_ColumnSnapshot):
    """What events carry about an admin user (no hash)."""

    id: uuid.UUID
    email: str
    name: str | None
    metadata: Any
    last_login_at: datetime | None
    token_version: int
    created_at: datetime | None
    updated_at: datetime | None


def found(row: T | None, error: type[errors.NotFound] | errors.NotFound, message: str | None = None,
          **details: Any) -> T:
    """``row``, or the error (a class given ``message`` and ``details``, or an instance) when it is None."""
    if row is None:
        raise error if isinstance(error, errors.NotFound) else error(message, **details)
    return row


def columns_of(row: Any) -> dict[str, Any]:
    """Every column of ``row`` by field name: an event's snapshot of a row about to be deleted."""
    return {f.name: getattr(row, f.name) for f in type(row)._meta.sorted_fields}


def given(**values: Any) -> dict[str, Any]:
    """The keyword arguments an ``update()`` was given: those not left at :data:`~..validation.UNSET`."""
    return {name: value for name, value in values.items() if value is not UNSET}


def updatable(changes: dict[str, Any], allowed: frozenset[str]) -> None:
    """Refuse an ``update(**changes)`` naming a field outside ``allowed`` (passwords get their own hint)."""
    unknown = sorted(map(str, set(changes) - allowed))
    if not unknown:
        return
    if "password" in unknown or "password_hash" in unknown:
        raise errors.InvalidValue(
            "Passwords are not set through update(): use change_password() or set_password().",
            field="password",
        )
    raise errors.InvalidValue(
        f"update() cannot change {', '.join(unknown)}; it accepts {', '.join(sorted(allowed))}.",
        fields=unknown,
    )


def flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise errors.InvalidValue(f"{name} must be True or False, not {value!r}.", field=name)
    return value


def optional_flag(name: str, value: Any) -> bool | None:
    return None if value is None else flag(name, value)


def metadata(value: Any) -> dict[str, Any]:
    """A JSON object the database can store (``None`` gives ``{}``): :data:`~..validation.METADATA`."""
    result: dict[str, Any] = METADATA("metadata", value)
    return result


def page_args(page: Any, limit: Any) -> tuple[int, int]:
    """Validated (offset, limit) for 1-based ``page`` and ``limit`` ≤ 100."""
    for name, value, low, high in (("page", page, 1, MAX_PAGE), ("limit", limit, 1, MAX_LIMIT)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise errors.InvalidValue(f"{name} must be an integer, not {value!r}.", field=name)
        if not low <= value <= high:
            raise errors.InvalidValue(f"{name} must be between {low} and {high}, not {value}.", field=name)
    return (page - 1) * limit, limit
