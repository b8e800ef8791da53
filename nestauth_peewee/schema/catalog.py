"""Read a live database's catalog into plain, comparable data.

The catalog is what the three schema paths (``create_tables``, migrations,
SQL snapshots) must agree on: per table its columns (type, nullability,
default, generated or not), indexes (name, columns, uniqueness), foreign keys
(target and delete rule) and primary key. Values are normalised only as far as
needed to compare two databases *of the same dialect*; :func:`type_family`
maps a column type onto the dialect-independent families of the spec.

    from nestauth_peewee.schema.catalog import read_catalog
    catalog = read_catalog(db)
    catalog["nest_auth_users"].indexes["nest_auth_users_email_idx"].unique  # True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import peewee

from ..db import dialect_of

__all__ = ["Column", "Index", "ForeignKey", "Table", "read_catalog", "type_family", "default_kind"]


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    default: str | None
    generated: bool = False


@dataclass(frozen=True)
class Index:
    name: str
    columns: tuple[str, ...]
    unique: bool


@dataclass(frozen=True)
class ForeignKey:
    column: str
    target_table: str
    target_column: str
    on_delete: str


@dataclass
class Table:
    name: str
    columns: dict[str, Column] = field(default_factory=dict)
    indexes: dict[str, Index] = field(default_factory=dict)
    foreign_keys: set[ForeignKey] = field(default_factory=set)
    primary_key: tuple[str, ...] = ()


def _rows(db: Any, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    return list(db.execute_sql(sql, params).fetchall())


def _with_foreign_keys(db: Any, table: Table, sql: str) -> Table:
    """Add the foreign keys ``sql`` lists for ``table`` (column, target table, target column,
    delete rule; one ``%s``: the table's name) and return the table."""
    for col, target, target_col, rule in _rows(db, sql, (table.name,)):
        table.foreign_keys.add(ForeignKey(col, target, target_col, rule.upper()))
    return table


def read_catalog(db: Any, tables: set[str] | None = None) -> dict[str, Table]:
    """Return ``{table name: Table}`` for every table (or those in ``tables``)."""
    while isinstance(db, peewee.DatabaseProxy):
        db = db.obj
    reader = {"postgres": _read_postgres, "mysql": _read_mysql, "sqlite": _read_sqlite}[dialect_of(db)]
    names = sorted(t for t in db.get_tables() if tables is None or t in tables)
    return {name: reader(db, name) for name in names}


# --- PostgreSQL ------------------------------------------------------------------


def _pg_type(data_type: str, length: Any) -> str:
    data_type = data_type.lower()
    if data_type == "character varying":
        return f"varchar({length})" if length else "varchar"
    if data_type == "timestamp without time zone":
        return "timestamp"
    return data_type


def _pg_default(raw: str | None) -> str | None:
    if raw is None:
        return None
    # Drop redundant casts: 'web'::character varying -> 'web'.
    return re.sub(r"::(character varying|text|jsonb|json|boolean|integer)\b", "", raw)


def _read_postgres(db: Any, name: str) -> Table:
    table = Table(name)
    for col, data_type, length, nullable, default, generated, gen_expr in _rows(
        db,
        "SELECT column_name, data_type, character_maximum_length, is_nullable, column_default, "
        "is_generated, generation_expression FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
        (name,),
    ):
        is_generated = generated == "ALWAYS"
        table.columns[col] = Column(
            col,
            _pg_type(data_type, length),
            nullable == "YES",
            _pg_default(gen_expr if is_generated else default),
            is_generated,
        )
    for index_name, is_unique, is_primary, columns in _rows(
        db,
        "SELECT i.relname, ix.indisunique, ix.indisprimary, "
        "ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) "
        "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord) "
        "FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid "
        "JOIN pg_class i ON i.oid = ix.indexrelid "
        "WHERE t.relname = %s AND t.relnamespace = current_schema()::regnamespace",
        (name,),
    ):
        if is_primary:
            table.primary_key = tuple(columns)
        else:
            table.indexes[index_name] = Index(index_name, tuple(columns), bool(is_unique))
    return _with_foreign_keys(
        db, table,
        "SELECT kcu.column_name, ccu.table_name, ccu.column_name, rc.delete_rule "
        "FROM information_schema.table_constraints tc "
        "JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name "
        " AND kcu.table_schema = tc.table_schema "
        "JOIN information_schema.constraint_column_usage ccu "
        " ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema "
        "JOIN information_schema.referential_constraints rc "
        " ON rc.constraint_name = tc.constraint_name AND rc.constraint_schema = tc.table_schema "
        "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() "
        "AND tc.table_name = %s",
    )


# --- MySQL / MariaDB -------------------------------------------------------------


def _mysql_default(raw: str | None, nullable: bool) -> str | None:
    if raw is None or (nullable and raw == "NULL"):
        return None
    return raw


def _read_mysql(db: Any, name: str) -> Table:
    table = Table(name)
    for col, column_type, nullable, default, extra, gen_expr in _rows(
        db,
        "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, GENERATION_EXPRESSION "
        "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s "
        "ORDER BY ORDINAL_POSITION",
        (name,),
    ):
        is_generated = "GENERATED" in (extra or "").upper() or bool(gen_expr)
        table.columns[col] = Column(
            col,
            column_type.lower(),
            nullable == "YES",
            gen_expr if is_generated else _mysql_default(default, nullable == "YES"),
            is_generated,
        )
    indexes: dict[str, list[tuple[int, str]]] = {}
    unique: dict[str, bool] = {}
    for index_name, non_unique, seq, col in _rows(
        db,
        "SELECT INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME FROM information_schema.STATISTICS "
        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s",
        (name,),
    ):
        indexes.setdefault(index_name, []).append((int(seq), col))
        unique[index_name] = not int(non_unique)
    for index_name, parts in indexes.items():
        columns = tuple(c for _, c in sorted(parts))
        if index_name == "PRIMARY":
            table.primary_key = columns
        else:
            table.indexes[index_name] = Index(index_name, columns, unique[index_name])
    return _with_foreign_keys(
        db, table,
        "SELECT k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.DELETE_RULE "
        "FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r "
        " ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME "
        " AND r.TABLE_NAME = k.TABLE_NAME "
        "WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = %s AND k.REFERENCED_TABLE_NAME IS NOT NULL",
    )


# --- SQLite ----------------------------------------------------------------------


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _read_sqlite(db: Any, name: str) -> Table:
    table = Table(name)
    quoted = _sqlite_quote(name)
    create_sql = _rows(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    ddl = create_sql[0][0] if create_sql else ""
    pk: list[tuple[int, str]] = []
    for _cid, col, col_type, notnull, default, pk_pos, hidden in _rows(
        db, f"PRAGMA table_xinfo({quoted})"
    ):
        is_generated = hidden in (2, 3)
        expr = None
        if is_generated:
            match = re.search(
                re.escape(_sqlite_quote(col)) + r"[^,]*?GENERATED ALWAYS AS \((.*?)\) (VIRTUAL|STORED)",
                ddl,
            )
            expr = match.group(1) if match else "?"
        table.columns[col] = Column(
            col, (col_type or "").lower(), not notnull, expr if is_generated else default, is_generated
        )
        if pk_pos:
            pk.append((pk_pos, col))
    table.primary_key = tuple(c for _, c in sorted(pk))
    for _seq, index_name, is_unique, origin, _partial in _rows(db, f"PRAGMA index_list({quoted})"):
        if origin == "pk":
            continue
        columns = tuple(
            c for _, _, c in sorted(_rows(db, f"PRAGMA index_info({_sqlite_quote(index_name)})"))
        )
        table.indexes[index_name] = Index(index_name, columns, bool(is_unique))
    for row in _rows(db, f"PRAGMA foreign_key_list({quoted})"):
        _id, _seq, target, col, target_col, _on_update, on_delete = row[:7]
        table.foreign_keys.add(ForeignKey(col, target, target_col, on_delete.upper()))
    return table


# --- dialect-independent views ---------------------------------------------------------


def type_family(column: Column, dialect: str) -> str:
    """Map a column's type to the spec's families: uuid, varchar(N), text, bool, int,
    timestamp, json (MariaDB reports JSON as longtext with a check)."""
    t = column.type
    if dialect == "postgres":
        return {"boolean": "bool", "integer": "int", "jsonb": "json"}.get(t, t)
    if dialect == "mysql":
        if t == "varchar(40)":
            return "uuid"  # peewee stores UUIDs as 32 hex digits in VARCHAR(40)
        if t in ("tinyint(1)", "bool", "boolean"):
            return "bool"
        if t.startswith("int"):
            return "int"
        if t in ("json", "longtext"):
            return "json"
        if t.startswith("datetime"):
            return "timestamp"
        return t
    # SQLite: declared types as peewee writes them.
    return {
        "uuid": "uuid",
        "integer": "int",
        "datetime": "timestamp",
        "json": "json",
    }.get(t, t)


def default_kind(column: Column) -> str | None:
    """A dialect-independent view of a default: 'now', 'true', 'false', a literal, or None."""
    raw = column.default
    if raw is None:
        return None
    lowered = raw.lower().strip()
    while lowered.startswith("(") and lowered.endswith(")"):
        lowered = lowered[1:-1].strip()
    if "now" in lowered or "utc_timestamp" in lowered:
        return "now"
    if lowered in ("true", "false"):
        return lowered
    if lowered.startswith("'") and lowered.endswith("'"):
        return lowered[1:-1]
    return lowered
