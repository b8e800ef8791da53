"""The schema *state* of a set of models: what every migration file freezes as ``STATE``.

Per table: ``CREATE TABLE`` per dialect; per column its definition, type and
server default per dialect, nullability, generated or not, primary key, and
foreign key (target and delete rule); per index its exact name, columns,
uniqueness and ``CREATE INDEX`` per dialect. The DDL is rendered with no
connection, through databases configured like :func:`~nestauth_peewee.init_database`
configures them (``DATETIME(6)`` and InnoDB/utf8mb4 on MySQL, ``JSONB`` on
PostgreSQL), so it is what ``create_tables()`` runs::

    from nestauth_peewee.schema.migration_state import head_state, schema_state
    schema_state()["nest_auth_users"]["indexes"]["nest_auth_users_email_idx"]["unique"]  # True
    head_state() == schema_state()   # True when no migration is pending
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import peewee

from .. import errors
from ..db import NestAuthMySQLDatabase, _configure
from ..fields import _render_default
from ..models import NestAuthModels, dependency_order
from .migrations import MIGRATIONS_DIR, migration_names

__all__ = ["DIALECTS", "State", "schema_state", "head_state"]

DIALECTS = ("postgres", "mysql", "sqlite")
State = dict[str, dict[str, Any]]


def _ddl_database(dialect: str) -> peewee.Database:
    classes: dict[str, type[peewee.Database]] = {
        "postgres": peewee.PostgresqlDatabase, "mysql": NestAuthMySQLDatabase, "sqlite": peewee.SqliteDatabase,
    }
    return _configure(classes[dialect](None))


def _render(db: peewee.Database, node_factory: Any) -> str:
    ctx = db.get_sql_context()
    node = node_factory(ctx)
    if isinstance(node, peewee.Context):
        sql, params = node.query()
    else:
        sql, params = ctx.sql(node).query()
    if params:
        raise errors.ConfigurationError(f"DDL with bound parameters cannot be frozen: {sql} {params}")
    return sql


def _column_state(db: peewee.Database, dialect: str, model: type[peewee.Model], fld: peewee.Field,
                  entry: dict[str, Any]) -> None:
    generated = bool(getattr(fld, "generated", False))
    entry.setdefault("ddl", {})[dialect] = _render(db, fld.ddl)
    entry.setdefault("type", {})[dialect] = None if generated else _render(db, fld.ddl_datatype)
    server_default = getattr(fld, "server_default", None)
    entry.setdefault("default", {})[dialect] = (
        None if server_default is None else _render_default(server_default, dialect)
    )
    entry["null"] = bool(fld.null)
    entry["generated"] = generated
    entry["primary_key"] = bool(fld.primary_key) or (
        isinstance(model._meta.primary_key, peewee.CompositeKey)
        and fld.name in model._meta.primary_key.field_names
    )
    if isinstance(fld, peewee.ForeignKeyField):
        entry["references"] = [fld.rel_model._meta.table_name, fld.rel_field.column_name,
                               fld.on_delete.upper() if fld.on_delete else None]
    else:
        entry["references"] = None


def _index_columns(index: peewee.ModelIndex) -> list[str]:
    columns = []
    for expr in index._expressions:  # type: ignore[attr-defined]  # private in peewee
        if not isinstance(expr, peewee.Field):
            raise errors.ConfigurationError(
                f"Index {index._name!r} uses an expression; the migration writer handles column "  # type: ignore[attr-defined]  # index name: private in peewee
                "indexes only. Write that migration by hand."
            )
        columns.append(expr.column_name)
    return columns


def schema_state(models: Iterable[type[peewee.Model]] | None = None) -> State:
    """Render ``models`` (default: every nest-auth model) into a comparable, frozen state."""
    ordered = dependency_order(models if models is not None else NestAuthModels)
    state: State = {}
    for model in ordered:
        state[model._meta.table_name] = {
            "create": {}, "columns": {f.column_name: {} for f in model._meta.sorted_fields},
            "indexes": {i._name: {} for i in model._meta.fields_to_index()},
        }
    for dialect in DIALECTS:
        db = _ddl_database(dialect)
        with db.bind_ctx(ordered):
            for model in ordered:
                table = state[model._meta.table_name]
                table["create"][dialect] = _render(
                    db, lambda ctx, m=model: m._schema._create_table(safe=False))
                for fld in model._meta.sorted_fields:
                    _column_state(db, dialect, model, fld, table["columns"][fld.column_name])
                for index in model._meta.fields_to_index():
                    entry = table["indexes"][index._name]
                    entry["columns"] = _index_columns(index)
                    entry["unique"] = bool(index._unique)
                    entry.setdefault("create", {})[dialect] = _render(
                        db, lambda ctx, m=model, i=index: m._schema._create_index(i, safe=False))
    return state


def _read_migration(path: Path) -> dict[str, Any]:
    scope: dict[str, Any] = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec", dont_inherit=True), scope)
    return scope


def head_state(directory: Path | str | None = None) -> State:
    """The state stored by the newest migration in ``directory`` ({} when there is none)."""
    folder = Path(directory) if directory is not None else MIGRATIONS_DIR
    names = migration_names(folder)
    if not names:
        return {}
    scope = _read_migration(folder / f"{names[-1]}.py")
    if "STATE" not in scope:
        raise errors.ConfigurationError(
            f"{names[-1]}.py has no STATE: it was not written by scripts/make_migration.py, so the "
            "next migration cannot be derived from it. Add its STATE or write the migration by hand."
        )
    return scope["STATE"]
