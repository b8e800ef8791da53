"""Base classes shared by every nest-auth model."""

from __future__ import annotations

import uuid
from typing import Any

import peewee

from .. import errors
from ..db import TRAITS, database, traits_of
from ..driver_errors import register_unique_error
from ..fields import NOW, DateTimeField, UUIDField, utcnow

__all__ = ["AuthModel", "Record", "Entity", "named_index"]

MYSQL_TABLE_OPTIONS = TRAITS["mysql"].table_options


class _SchemaManager(peewee.SchemaManager):
    """Adds the MySQL table options (InnoDB, utf8mb4) to CREATE TABLE."""

    # Extends peewee's private builder of the CREATE TABLE statement (absent from its stubs).
    def _create_table(self, safe: bool = True, **options: Any) -> peewee.Context:
        ctx = super()._create_table(safe=safe, **options)  # type: ignore[misc]
        table_options = traits_of(self.database).table_options
        if table_options:
            ctx.literal(" " + table_options)
        return ctx


class AuthModel(peewee.Model):
    """Root of the nest-auth models: late-bound database, modern table names.

    Generated columns (see :class:`~nestauth_peewee.fields.TenantKeyField`) are
    never written, whatever ``save()`` is asked to do.
    """

    # peewee's private set of the fields assigned since the row was loaded (``dirty_fields``),
    # which the library clears after writing a change with its own UPDATE. Declared for the type
    # checker only: peewee sets it on every instance.
    _dirty: set[str]

    class Meta:
        database = database
        legacy_table_names = False
        schema_manager_class = _SchemaManager

    @classmethod
    def writable_fields(cls) -> list[peewee.Field]:
        return [f for f in cls._meta.sorted_fields if not getattr(f, "generated", False)]

    def save(self, force_insert: bool = False, only: Any = None) -> Any:
        if only is None and any(getattr(f, "generated", False) for f in self._meta.sorted_fields):
            only = self.writable_fields()
        return super().save(force_insert=force_insert, only=only)


class Record(AuthModel):
    """A row with a UUID primary key and a ``created_at`` timestamp."""

    id = UUIDField(primary_key=True, default=uuid.uuid4)
    created_at = DateTimeField(default=utcnow, server_default=NOW)


class Entity(Record):
    """A :class:`Record` that also keeps ``updated_at`` current on save."""

    updated_at = DateTimeField(default=utcnow, server_default=NOW)

    def save(self, force_insert: bool = False, only: Any = None) -> Any:
        if self.get_id() is not None and not force_insert:
            self.updated_at = utcnow()
            if only is not None:
                only = [*only, type(self).updated_at]
        return super().save(force_insert=force_insert, only=only)


def named_index(model: type[peewee.Model], *fields: peewee.Field, name: str, unique: bool = False,
                error: type[errors.UniqueViolation] | None = None) -> None:
    """Declare an index with an exact name (and, if unique, the error it raises)."""
    model.add_index(peewee.ModelIndex(model, fields, unique=unique, name=name))
    if unique:
        register_unique_error(
            name,
            model._meta.table_name,
            tuple(f.column_name for f in fields),
            error or errors.UniqueViolation,
        )
