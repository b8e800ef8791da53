"""Path 1 of the setup guide: create the tables from the models (development).

``create_tables`` is idempotent: it creates the tables that are missing, with
their indexes, and reports what it did. Both hold the database-wide schema
lock (:mod:`.lock`) for their whole run and read the catalog once they hold
it, so when several processes start at once (``gunicorn -w 4``) one creates
the tables and the others find nothing to do. ``sync_schema`` (development only)
also adds missing columns and indexes to existing tables, and drops nothing
unless ``drop=True``. Neither changes a column that already exists: a type
change needs a migration (path 2) or hand-written SQL (path 3).

    from nestauth_peewee import init_database, create_tables, sync_schema
    init_database("sqlite:///dev.db")
    create_tables()                 # -> ['nest_auth_users', ...] on the first run, [] after
    plan = sync_schema(apply=False) # what sync would do, without doing it
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import peewee

from .. import errors
from ..db import get_database, traits_of
from ..models import NestAuthModels, dependency_order
from .catalog import read_catalog
from .lock import DEFAULT_TIMEOUT, schema_lock

__all__ = ["create_tables", "drop_tables", "sync_schema", "SyncPlan"]


def _models(models: Iterable[type[peewee.Model]] | None) -> list[type[peewee.Model]]:
    chosen = list(models) if models is not None else list(NestAuthModels)
    for model in chosen:
        if not (isinstance(model, type) and issubclass(model, peewee.Model)):
            raise errors.ConfigurationError(f"{model!r} is not a peewee model class.")
    return dependency_order(chosen)


def create_tables(models: Iterable[type[peewee.Model]] | None = None, *,
                  lock_timeout: float = DEFAULT_TIMEOUT) -> list[str]:
    """Create the missing tables (and their indexes); return the names created.

    Runs under the schema lock: a process that waited for another one's run
    finds the tables there and returns ``[]``.
    """
    db = get_database()
    ordered = _models(models)
    with schema_lock(db, timeout=lock_timeout):
        return _create_missing(db, ordered)


def _create_missing(db: peewee.Database, ordered: list[type[peewee.Model]]) -> list[str]:
    existing = set(db.get_tables())
    missing = [m for m in ordered if m._meta.table_name not in existing]
    for model in missing:
        model.create_table(safe=False)
    return [m._meta.table_name for m in missing]


def drop_tables(models: Iterable[type[peewee.Model]] | None = None) -> list[str]:
    """Drop the given tables (default: every nest-auth table) that exist; return their names."""
    db = get_database()
    existing = set(db.get_tables())
    dropped = []
    for model in reversed(_models(models)):
        if model._meta.table_name in existing:
            model.drop_table(safe=True, cascade=traits_of(db).drop_cascade)
            dropped.append(model._meta.table_name)
    return dropped


@dataclass
class SyncPlan:
    """What :func:`sync_schema` found, as human-readable steps and the SQL to run."""

    create_tables: list[str] = field(default_factory=list)
    add_columns: list[str] = field(default_factory=list)
    add_indexes: list[str] = field(default_factory=list)
    drop_columns: list[str] = field(default_factory=list)
    drop_indexes: list[str] = field(default_factory=list)
    statements: list[tuple[str, Sequence[object]]] = field(default_factory=list)

    @property
    def drops(self) -> list[str]:
        return [*(f"drop index {i}" for i in self.drop_indexes),
                *(f"drop column {c}" for c in self.drop_columns)]

    def describe(self) -> list[str]:
        return [
            *(f"create table {t}" for t in self.create_tables),
            *(f"add column {c}" for c in self.add_columns),
            *(f"add index {i}" for i in self.add_indexes),
            *self.drops,
        ]

    def __bool__(self) -> bool:
        return bool(self.describe())


def _ctx_sql(ctx: peewee.Context) -> tuple[str, Sequence[object]]:
    return ctx.query()


def _add_column_sql(db: peewee.Database, model: type[peewee.Model], fld: peewee.Field
                    ) -> list[tuple[str, Sequence[object]]]:
    ctx = db.get_sql_context()
    ctx.literal("ALTER TABLE ").sql(peewee.Entity(model._meta.table_name)).literal(" ADD COLUMN ")
    ctx.sql(fld.ddl(ctx))
    statements = []
    if isinstance(fld, peewee.ForeignKeyField):
        if not traits_of(db).alter_add_foreign_key:
            ctx.literal(" REFERENCES ").sql(peewee.Entity(fld.rel_model._meta.table_name))
            ctx.literal(" (").sql(peewee.Entity(fld.rel_field.column_name)).literal(")")
            if fld.on_delete:
                ctx.literal(f" ON DELETE {fld.on_delete}")
            statements.append(_ctx_sql(ctx))
        else:
            statements.append(_ctx_sql(ctx))
            fk = db.get_sql_context()
            fk.literal("ALTER TABLE ").sql(peewee.Entity(model._meta.table_name)).literal(" ADD ")
            fk.sql(fld.foreign_key_constraint())
            statements.append(_ctx_sql(fk))
    else:
        statements.append(_ctx_sql(ctx))
    return statements


def _drop_index_sql(db: peewee.Database, table: str, name: str) -> tuple[str, Sequence[object]]:
    ctx = db.get_sql_context()
    ctx.literal("DROP INDEX ").sql(peewee.Entity(name))
    if traits_of(db).drop_index_on_table:
        ctx.literal(" ON ").sql(peewee.Entity(table))
    return _ctx_sql(ctx)


def _drop_column_sql(db: peewee.Database, table: str, column: str) -> tuple[str, Sequence[object]]:
    ctx = db.get_sql_context()
    ctx.literal("ALTER TABLE ").sql(peewee.Entity(table)).literal(" DROP COLUMN ")
    ctx.sql(peewee.Entity(column))
    return _ctx_sql(ctx)


def _model_indexes(model: type[peewee.Model]) -> list[peewee.Index]:
    return [i for i in model._meta.fields_to_index() if isinstance(i, peewee.Index)]


def plan_sync(models: Iterable[type[peewee.Model]] | None = None) -> SyncPlan:
    """Compare the live database with the models; return what sync would do."""
    db = get_database()
    ordered = _models(models)
    catalog = read_catalog(db, {m._meta.table_name for m in ordered})
    plan = SyncPlan()
    for model in ordered:
        table = model._meta.table_name
        live = catalog.get(table)
        if live is None:
            plan.create_tables.append(table)
            continue
        wanted = {f.column_name: f for f in model._meta.sorted_fields}
        indexes = {i._name: i for i in _model_indexes(model)}  # type: ignore[attr-defined]  # index name: private in peewee
        for column, fld in wanted.items():
            if column not in live.columns:
                plan.add_columns.append(f"{table}.{column}")
                plan.statements.extend(_add_column_sql(db, model, fld))
        for name, index in indexes.items():
            if name not in live.indexes:
                plan.add_indexes.append(f"{table}.{name}")
                # peewee's (private) SchemaManager builds the CREATE INDEX statement.
                plan.statements.append(model._schema._create_index(index, safe=False).query())  # type: ignore[attr-defined]
        extra_indexes = sorted(set(live.indexes) - set(indexes))
        extra_columns = sorted(set(live.columns) - set(wanted))
        for name in extra_indexes:
            plan.drop_indexes.append(f"{table}.{name}")
        for column in extra_columns:
            plan.drop_columns.append(f"{table}.{column}")
    return plan


def sync_schema(models: Iterable[type[peewee.Model]] | None = None, *, drop: bool = False,
                apply: bool = True, lock_timeout: float = DEFAULT_TIMEOUT) -> SyncPlan:
    """Development only: bring the database up to the models without losing data.

    Creates missing tables, adds missing columns and indexes. Columns and
    indexes that the models no longer have are reported in the plan and
    dropped only with ``drop=True``. Returns the plan (applied unless
    ``apply=False``). Applying runs under the schema lock and plans once it
    holds it, so the plan returned is what this call did (empty when a
    concurrent run did it first).
    """
    db = get_database()
    if not apply:
        return plan_sync(models)
    chosen = _models(models)
    with schema_lock(db, timeout=lock_timeout):
        plan = plan_sync(chosen)
        _apply(db, chosen, plan, drop)
    return plan


def _apply(db: peewee.Database, chosen: list[type[peewee.Model]], plan: SyncPlan, drop: bool) -> None:
    _create_missing(db, [m for m in chosen if m._meta.table_name in plan.create_tables])
    for sql, params in plan.statements:
        db.execute_sql(sql, params)
    if drop:
        for qualified in plan.drop_indexes:
            table, name = qualified.split(".", 1)
            db.execute_sql(*_drop_index_sql(db, table, name))
        for qualified in plan.drop_columns:
            table, column = qualified.split(".", 1)
            db.execute_sql(*_drop_column_sql(db, table, column))
