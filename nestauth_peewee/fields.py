"""Field types with the hygiene every nest-auth column needs.

* strings are checked before the driver sees them: a NUL byte or a value
  longer than ``max_length`` is an :class:`~nestauth_peewee.errors.InvalidValue`
  / :class:`~nestauth_peewee.errors.ValueTooLong` on every dialect (SQLite
  would otherwise store it, MySQL would truncate it in a lax mode);
* datetimes are UTC: aware values are converted, naive ones are taken as UTC,
  and reads return aware UTC datetimes on every dialect;
* JSON values must really be JSON (no silent ``str()``, no NaN);
* UUIDs are validated, so a garbage id is a typed error, not a driver one;
* ``server_default=`` renders a database-side ``DEFAULT`` in the dialect's own
  words, so rows inserted by hand-written SQL get the same shape;
* :class:`TenantKeyField` is a generated column (``COALESCE(tenant_id, '')``)
  that lets a plain unique index treat "no tenant" as one value.

Fields never hash, validate business rules or talk to other tables.
"""

from __future__ import annotations

import datetime as _dt
import json
import uuid
from typing import Any

import peewee

from . import errors
from .db import TRAITS, dialect_of, traits_of

__all__ = [
    "NOW",
    "CharField",
    "TextField",
    "UUIDField",
    "BooleanField",
    "IntegerField",
    "DateTimeField",
    "JSONField",
    "TenantKeyField",
    "utcnow",
    "uuid_from_db",
    "datetime_from_db",
    "render_default",
]


class _Now:
    """Sentinel for ``server_default=NOW``: the current UTC time."""

    def __repr__(self) -> str:
        return "NOW"

    def __deepcopy__(self, memo: dict[int, Any]) -> _Now:
        return self  # fields are deep-copied into subclasses; keep the sentinel

    __copy__ = __deepcopy__


NOW = _Now()



_combine = _dt.datetime.combine


def utcnow() -> _dt.datetime:
    """The current time as an aware UTC datetime."""
    return _dt.datetime.now(_dt.UTC)


def render_default(value: Any, dialect: str) -> str:
    traits = TRAITS[dialect]
    if value is NOW:
        return traits.now_sql
    if isinstance(value, bool):
        return traits.boolean_literals[0 if value else 1]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        literal = "'" + value.replace("'", "''") + "'"
        if traits.json_default_in_parens and value.startswith("{"):
            return f"({literal})"  # JSON literals need an expression default on MySQL 8.
        return literal
    raise TypeError(f"unsupported server_default {value!r}")


class _ServerDefaultMixin:
    """Adds ``server_default=`` (rendered per dialect) to a field's DDL."""

    server_default: Any

    def __init__(self, *args: Any, server_default: Any = None, **kwargs: Any) -> None:
        self.server_default = server_default
        super().__init__(*args, **kwargs)

    def ddl(self, ctx: peewee.Context) -> peewee.NodeList:
        node = super().ddl(ctx)  # type: ignore[misc]
        if self.server_default is None:
            return node
        dialect = dialect_of(self.model._meta.database)  # type: ignore[attr-defined]
        default = peewee.SQL("DEFAULT " + render_default(self.server_default, dialect))
        return peewee.NodeList([*node.nodes, default])


def _check_text(field: peewee.Field, value: str) -> None:
    if "\x00" in value:
        raise errors.InvalidValue(
            f"{field.name} must not contain a NUL (\\x00) character.", field=field.name
        )
    max_length = getattr(field, "max_length", None)
    if max_length is not None and len(value) > max_length:
        raise errors.ValueTooLong(
            f"{field.name} is {len(value)} characters long; the limit is {max_length}.",
            field=field.name,
            limit=max_length,
        )


#: MySQL/MariaDB collation of identifier columns: byte-exact, as PostgreSQL and SQLite compare.


class CharField(_ServerDefaultMixin, peewee.CharField):
    """VARCHAR with a length check and a NUL check on every dialect.

    ``exact=True`` marks an identifier (email, provider id, slug, role name):
    on MySQL/MariaDB it gets the binary collation, so ``'Bob'``/``'bob'`` and
    ``'böb'``/``'bob'`` are different values there too, as they are on
    PostgreSQL and SQLite (the default ``_ci`` collations would make them
    collide in unique indexes and match each other in lookups).
    """

    def __init__(self, *args: Any, exact: bool = False, **kwargs: Any) -> None:
        self.exact = exact
        super().__init__(*args, **kwargs)

    def ddl(self, ctx: peewee.Context) -> peewee.NodeList:
        node = super().ddl(ctx)
        collation = traits_of(self.model._meta.database).exact_collation
        if self.exact and collation:
            return peewee.NodeList([*node.nodes, peewee.SQL(f"COLLATE {collation}")])
        return node

    def db_value(self, value: Any) -> Any:
        if value.__class__ is not str:  # the rare case: bytes, numbers, None, SQL nodes
            value = super().db_value(value)
            if not isinstance(value, str):
                return value
        if "\x00" in value or (self.max_length is not None and len(value) > self.max_length):
            _check_text(self, value)  # raises the precise error
        return value


class TextField(_ServerDefaultMixin, peewee.TextField):
    """TEXT with a NUL check."""

    def db_value(self, value: Any) -> Any:
        value = super().db_value(value)
        if isinstance(value, str):
            _check_text(self, value)
        return value


class BooleanField(_ServerDefaultMixin, peewee.BooleanField):
    """BOOLEAN (TINYINT(1) on MySQL, INTEGER on SQLite) with a server default."""

    def db_value(self, value: Any) -> Any:
        if value is not None and not isinstance(value, (bool, int, peewee.Node)):
            raise errors.InvalidValue(f"{self.name} must be true or false, not {value!r}.")
        return super().db_value(value)


class IntegerField(_ServerDefaultMixin, peewee.IntegerField):
    """INTEGER with a server default; non-integers are typed errors."""

    def db_value(self, value: Any) -> Any:
        if value is not None and not isinstance(value, peewee.Node):
            if isinstance(value, bool) or not isinstance(value, int):
                raise errors.InvalidValue(f"{self.name} must be an integer, not {value!r}.")
            if not -(2**31) <= value < 2**31:
                raise errors.InvalidValue(f"{self.name} is out of range: {value}.")
        return super().db_value(value)


def _parse_uuid(field_name: str, value: Any) -> str:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, str):
        try:
            return uuid.UUID(value).hex
        except ValueError:
            pass
    raise errors.InvalidValue(f"{field_name} must be a UUID, not {value!r}.", field=field_name)


def _uuid_from_hex(
    text: str, *, _int: Any = int, _new: Any = object.__new__, _set: Any = object.__setattr__,
    _uuid: Any = uuid.UUID, _unknown: Any = uuid.SafeUUID.unknown, _limit: int = 1 << 128,
) -> uuid.UUID:
    """``uuid.UUID(text)`` for 32 hex digits, without the general constructor's parsing.

    Every UUID read from a row goes through here, and ``uuid.UUID()`` tries
    several spellings before it gets to ``int(text, 16)``: building the object
    directly halves the cost. Same checks, same ValueError on garbage.
    """
    number = _int(text, 16)
    if not 0 <= number < _limit:
        raise ValueError("int is out of range (need a 128-bit value)")
    value = _new(_uuid)
    _set(value, "int", number)
    _set(value, "is_safe", _unknown)
    return value


if _uuid_from_hex("0123456789abcdef0123456789abcdef") != uuid.UUID(int=0x0123456789ABCDEF0123456789ABCDEF):
    # A Python whose UUID is laid out differently: keep to the public constructor.
    _uuid_from_hex = uuid.UUID  # type: ignore[assignment]  # pragma: no cover


class UUIDField(peewee.UUIDField):
    """UUID (native on PostgreSQL, 32 hex digits elsewhere); garbage is a typed error."""

    def db_value(self, value: Any) -> Any:
        if value is None or isinstance(value, peewee.Node):
            return value
        if isinstance(value, peewee.Model):
            value = value.get_id()
        return _parse_uuid(self.name, value)

    def python_value(self, value: Any) -> Any:
        return uuid_from_db(value)


def uuid_from_db(value: Any) -> uuid.UUID | None:
    """A UUID column's value as the driver returns it, as a ``uuid.UUID`` (or None)."""
    if value.__class__ is str:
        # 32 hex digits on SQLite and MySQL; psycopg2 hands PostgreSQL's uuid over dashed.
        text = value if len(value) == 32 else value.replace("-", "")
        return _uuid_from_hex(text) if len(text) == 32 else uuid.UUID(value)
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(value)


class DateTimeField(_ServerDefaultMixin, peewee.DateTimeField):
    """UTC timestamp with microseconds; reads are aware UTC datetimes everywhere."""

    def db_value(self, value: Any) -> Any:
        if value is None or isinstance(value, peewee.Node):
            return value
        if isinstance(value, str):
            try:
                value = _dt.datetime.fromisoformat(value)
            except ValueError as exc:
                raise errors.InvalidValue(f"{self.name} must be a datetime, not {value!r}.") from exc
        if not isinstance(value, _dt.datetime):
            raise errors.InvalidValue(f"{self.name} must be a datetime, not {value!r}.")
        if value.tzinfo is not None:
            value = value.astimezone(_dt.UTC).replace(tzinfo=None)
        # One text shape on every dialect: SQLite compares these as strings.
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")

    def python_value(self, value: Any) -> Any:
        return datetime_from_db(value)


def datetime_from_db(value: Any) -> Any:
    """A timestamp column's value as the driver returns it, as an aware UTC datetime."""
    if value.__class__ is str:  # SQLite
        try:  # stored text is UTC without an offset: parse it as such, no second object
            parsed = _dt.datetime.fromisoformat(value + "+00:00")
        except ValueError:  # it has an offset already
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:  # (a date alone would ignore it)
            return parsed
        value = _dt.datetime.fromisoformat(value)
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            # combine() is several times cheaper than replace(tzinfo=...), and this runs
            # for every timestamp of every row read.
            return _combine(value.date(), value.time(), _dt.UTC)
        return value.astimezone(_dt.UTC)
    return value


def _strict_dumps(value: Any) -> str:
    try:
        text = json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise errors.InvalidValue(f"Value is not JSON-serialisable: {exc}") from exc
    if "\\u0000" in text:
        raise errors.InvalidValue("JSON values must not contain a NUL (\\u0000) character.")
    return text


class JSONField(_ServerDefaultMixin, peewee.JSONField):
    """JSON (JSONB on PostgreSQL, JSON on MySQL/MariaDB, TEXT on SQLite)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("dumps", _strict_dumps)
        super().__init__(**kwargs)

    def ddl_datatype(self, ctx: peewee.Context) -> Any:
        json_type = traits_of(self.model._meta.database).json_type
        if json_type:
            return peewee.SQL(json_type)
        return super().ddl_datatype(ctx)

    def python_value(self, value: Any) -> Any:
        if value == "{}":  # every JSON column's default, read as text on SQLite and MySQL: skip the parser
            return {}
        return super().python_value(value)

    def json_text(self, value: Any) -> str | None:
        """``value`` as the JSON text to bind in hand-written SQL (every dialect accepts text)."""
        return None if value is None else _strict_dumps(value)

    def db_value(self, value: Any) -> Any:
        # _wrap is peewee's private JSON adapter, set when the field is bound to a Database.
        if value is not None and not isinstance(value, peewee.Node) and self._wrap is None:  # type: ignore[attr-defined]
            # Not yet hooked to a database (unbound model): still refuse non-JSON.
            return _strict_dumps(value)
        return super().db_value(value)


_TENANT_KEY_SQL = {
    "postgres": "TEXT GENERATED ALWAYS AS (COALESCE(CAST({col} AS TEXT), '')) STORED",
    "mysql": "VARCHAR(40) GENERATED ALWAYS AS (COALESCE({col}, '')) VIRTUAL",
    "sqlite": "TEXT GENERATED ALWAYS AS (COALESCE({col}, '')) VIRTUAL",
}


class TenantKeyField(peewee.Field):
    """Read-only generated column: the tenant id as text, ``''`` for no tenant.

    A unique index over ``(..., tenant_key)`` then holds for global rows too,
    on every dialect and for hand-written SQL, which a unique index over the
    nullable ``tenant_id`` cannot do (NULLs compare distinct). The models never
    write it (see :meth:`AuthModel.save`).
    """

    field_type = "TEXT"
    generated = True

    def __init__(self, source: str = "tenant_id", **kwargs: Any) -> None:
        self.source = source
        kwargs["null"] = True
        super().__init__(**kwargs)

    def ddl(self, ctx: peewee.Context) -> peewee.NodeList:
        dialect = dialect_of(self.model._meta.database)
        quoted = ctx.state.quote[0] + self.source + ctx.state.quote[1]
        spec = _TENANT_KEY_SQL[dialect].format(col=quoted)
        return peewee.NodeList([peewee.Entity(self.column_name), peewee.SQL(spec)])

    def db_value(self, value: Any) -> Any:
        # Used in comparisons only; writes are kept out by AuthModel.
        if isinstance(value, uuid.UUID):
            return value.hex
        return value
