"""The drift check: does a live database match the models?

For teams that manage the schema by hand (path 3): after applying their own
alteration for a new library version, :func:`check_schema` (or ``nestauth
check``) lists every difference between the database and the models —
missing or extra tables and columns, column type, nullability and default,
indexes (name, columns, uniqueness), foreign keys (target and delete rule)
and primary keys. It only reads the catalog; it never changes anything::

    from nestauth_peewee import init_database
    from nestauth_peewee.schema.check import check_schema

    init_database("postgresql://app@localhost/app")
    drift = check_schema()               # or check_schema([AppUser])
    for line in drift.describe():
        print(line)                      # e.g. "nest_auth_users.email: column is missing"
    assert not drift

What the models expect is derived from the models themselves, rendered for
the database's dialect (the same DDL the snapshot holds), and compared after
a light normalisation of what each server reports (``int(11)`` is ``int``,
``'web'::character varying`` is ``'web'``). Tables of the app that are not in
the checked models are ignored, except leftover ``nest_auth_*`` tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import peewee

from ..db import dialect_of, get_database
from .catalog import Column, ForeignKey, Index, Table, read_catalog
from .snapshot import bound_offline, ordered_models
from .sql_text import balanced

__all__ = ["Difference", "SchemaDrift", "check_schema", "expected_catalog"]

TABLE_PREFIX = "nest_auth_"


@dataclass(frozen=True)
class Difference:
    """One difference; ``str()`` is the line ``nestauth check`` prints."""

    table: str
    kind: str  # missing/extra table|column|index|foreign key, column/index/foreign key/primary key differs
    name: str
    detail: str

    def __str__(self) -> str:
        return self.detail


@dataclass
class SchemaDrift:
    """The result of :func:`check_schema`: false when the database matches the models."""

    dialect: str
    tables_checked: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    def describe(self) -> list[str]:
        return [str(d) for d in self.differences]

    def __bool__(self) -> bool:
        return bool(self.differences)


# --- what the models expect -------------------------------------------------------


def _render(db: peewee.Database, node: peewee.Node) -> str:
    ctx = db.get_sql_context()
    sql, _params = ctx.sql(node).query()
    return sql


def _expected_column(db: peewee.Database, fld: peewee.Field) -> Column:
    ctx = db.get_sql_context()
    ddl = _render(db, fld.ddl(ctx))
    ddl = re.sub(r'^\s*([`"])(?:(?!\1).)*\1\s*', "", ddl)  # drop the quoted column name
    generated = bool(getattr(fld, "generated", False)) or " GENERATED ALWAYS AS " in f" {ddl.upper()} "
    if generated:
        col_type = re.split(r"\s+GENERATED\s+", ddl, maxsplit=1, flags=re.I)[0]
        default = None
    else:
        datatype = fld.ddl_datatype(ctx)
        col_type = _render(db, datatype) if datatype is not None else ""
        match = re.search(r"\bDEFAULT\s+(.+?)(?:\s+COLLATE\s+\S+)?$", ddl, flags=re.I | re.S)
        default = match.group(1) if match else None
    return Column(fld.column_name, col_type.strip().lower(), bool(fld.null), default, generated)


def _expected_table(db: peewee.Database, model: type[peewee.Model]) -> Table:
    meta = model._meta
    table = Table(meta.table_name)
    for fld in meta.sorted_fields:
        table.columns[fld.column_name] = _expected_column(db, fld)
        if isinstance(fld, peewee.ForeignKeyField):
            table.foreign_keys.add(ForeignKey(
                fld.column_name, fld.rel_model._meta.table_name, fld.rel_field.column_name,
                (fld.on_delete or "NO ACTION").upper(),
            ))
    for index in meta.fields_to_index():
        if not isinstance(index, peewee.Index):
            continue  # raw SQL indexes cannot be compared
        # An Index keeps its expressions, name and uniqueness in private attributes.
        columns = tuple(
            e.column_name if isinstance(e, peewee.Field) else _render(db, e)
            for e in index._expressions  # type: ignore[attr-defined]
        )
        table.indexes[index._name] = Index(index._name, columns, bool(index._unique))  # type: ignore[attr-defined]
    pk = meta.primary_key
    if isinstance(pk, peewee.CompositeKey):
        table.primary_key = tuple(meta.fields[name].column_name for name in pk.field_names)
    elif pk:
        table.primary_key = (pk.column_name,)
    return table


def expected_catalog(dialect: str, models: Iterable[type[peewee.Model]] = ()) -> dict[str, Table]:
    """The catalog the models describe for ``dialect`` (types as written in the DDL)."""
    chosen = ordered_models(models)
    with bound_offline(dialect, chosen) as db:
        return {m._meta.table_name: _expected_table(db, m) for m in chosen}


# --- normalisation of what servers report -----------------------------------------

_PG_TYPES = {
    "serial": "integer", "bigserial": "bigint", "smallserial": "smallint", "int": "integer",
    "int4": "integer", "int8": "bigint", "int2": "smallint", "bool": "boolean",
    "timestamp without time zone": "timestamp", "timestamptz": "timestamp with time zone",
    "time without time zone": "time", "float8": "double precision", "float4": "real",
    "decimal": "numeric", "char": "character", "character varying": "varchar",
}
_MYSQL_INT = re.compile(r"(tiny|small|medium|big)?int(?:eger)?(?:\(\d+\))?((?: unsigned)?(?: zerofill)?)")


def type_key(raw: str, dialect: str) -> str:
    """A column type as a comparable string: what the DDL says and what the server
    reports map to the same key (``INTEGER`` and ``int(11)`` on MySQL, ``SERIAL`` and
    ``integer`` on PostgreSQL). Lengths of varchars and DATETIME precision are kept."""
    t = " ".join(raw.lower().split()).replace(", ", ",")
    if dialect == "postgres":
        t = t.replace("character varying", "varchar")
        if not t.startswith("varchar"):
            t = re.sub(r"\(.*?\)", "", t).strip()
        return _PG_TYPES.get(t, t)
    if dialect == "mysql":
        t = t.removesuffix(" auto_increment")  # not in the catalog; the key is what matters
        if t in ("bool", "boolean", "tinyint(1)"):
            return "bool"
        if t in ("json", "longtext"):  # MariaDB reports JSON as longtext
            return "json"
        match = _MYSQL_INT.fullmatch(t)
        if match:
            return f"{match.group(1) or ''}int{match.group(2)}"
        t = re.sub(r"^(numeric|dec|fixed)\b", "decimal", t)
        return {"double precision": "double", "real": "double", "datetime(0)": "datetime"}.get(t, t)
    return t


def default_key(raw: str | None, dialect: str) -> str | None:
    """A column default as a comparable string (casts, quoting and parentheses removed;
    the UTC-now spellings of each server folded together; sequences ignored)."""
    if raw is None:
        return None
    t = " ".join(str(raw).split())
    if dialect == "postgres":
        t = re.sub(r"::(?:character varying|timestamp(?: with(?:out)? time zone)?|[a-z_0-9]+)(?:\[\])?",
                   "", t, flags=re.I)
    if dialect == "mysql":
        t = t.replace("\\'", "'")
        t = re.sub(r"^_[a-z0-9]+'", "'", t)  # MySQL 8 reports _utf8mb4'...' for expressions
    while t.startswith("(") and t.endswith(")") and balanced(t[1:-1]):
        t = t[1:-1].strip()
    if not t.startswith("'"):
        t = t.lower()
    if t in ("null", "") or t.startswith("nextval("):
        return None
    if t in ("now() at time zone 'utc'", "timezone('utc', now())"):
        return "utc now"
    return t


def _rule(rule: str) -> str:
    rule = rule.upper()
    return "NO ACTION" if rule == "RESTRICT" else rule  # the same thing on InnoDB and here


# --- comparison ---------------------------------------------------------------


def _index_text(index: Index) -> str:
    return f"{'UNIQUE ' if index.unique else ''}({', '.join(index.columns)})"


def _fk_text(fk: ForeignKey) -> str:
    return f"{fk.target_table}({fk.target_column}) ON DELETE {fk.on_delete}"


def _extra(name: str, kind: str, key: str, where: str) -> Difference:
    """What the database has and the models do not: ``where`` names it, the message says the rest."""
    return Difference(name, f"extra {kind}", key, f"{where} is not in the models (extra)")


def _compare_columns(name: str, live: Table, want: Table, dialect: str) -> list[Difference]:
    out = []
    for col, wanted in want.columns.items():
        where = f"{name}.{col}"
        have = live.columns.get(col)
        if have is None:
            out.append(Difference(name, "missing column", col, f"{where}: column is missing"))
            continue
        problems = []
        if type_key(have.type, dialect) != type_key(wanted.type, dialect):
            problems.append(f"type is {have.type} in the database, {wanted.type} in the models")
        if have.nullable != wanted.nullable:
            state = {True: "NULL", False: "NOT NULL"}
            problems.append(f"{state[have.nullable]} in the database, {state[wanted.nullable]} in the models")
        if have.generated != wanted.generated:
            state = {True: "generated", False: "a plain column"}
            problems.append(f"{state[have.generated]} in the database, {state[wanted.generated]} in the models")
        elif not wanted.generated and default_key(have.default, dialect) != default_key(wanted.default, dialect):
            problems.append(
                f"default is {have.default or 'none'} in the database, {wanted.default or 'none'} in the models"
            )
        out.extend(Difference(name, "column differs", col, f"{where}: {p}") for p in problems)
    out.extend(_extra(name, "column", col, f"{name}.{col}: column")
               for col in live.columns if col not in want.columns)
    return out


def _compare_indexes(name: str, live: Table, want: Table) -> list[Difference]:
    out = []
    for idx, wanted in want.indexes.items():
        have = live.indexes.get(idx)
        if have is None:
            out.append(Difference(name, "missing index", idx,
                                  f"{name}: index {idx} {_index_text(wanted)} is missing"))
        elif (have.columns, have.unique) != (wanted.columns, wanted.unique):
            out.append(Difference(name, "index differs", idx, f"{name}: index {idx} is "
                                  f"{_index_text(have)} in the database, {_index_text(wanted)} in the models"))
    out.extend(_extra(name, "index", idx, f"{name}: index {idx} {_index_text(have)}")
               for idx, have in live.indexes.items() if idx not in want.indexes)
    return out


def _compare_keys(name: str, live: Table, want: Table) -> list[Difference]:
    out = []
    have_fks = {(fk.column, fk.target_table, fk.target_column): fk for fk in live.foreign_keys}
    want_fks = {(fk.column, fk.target_table, fk.target_column): fk for fk in want.foreign_keys}
    for key, wanted in sorted(want_fks.items()):
        have = have_fks.get(key)
        where = f"{name}.{wanted.column}"
        if have is None:
            out.append(Difference(name, "missing foreign key", wanted.column,
                                  f"{where}: foreign key to {_fk_text(wanted)} is missing"))
        elif _rule(have.on_delete) != _rule(wanted.on_delete):
            out.append(Difference(name, "foreign key differs", wanted.column,
                                  f"{where}: foreign key to {wanted.target_table}({wanted.target_column}) "
                                  f"is ON DELETE {have.on_delete} in the database, "
                                  f"ON DELETE {wanted.on_delete} in the models"))
    out.extend(_extra(name, "foreign key", have.column, f"{name}.{have.column}: foreign key to {_fk_text(have)}")
               for key, have in sorted(have_fks.items()) if key not in want_fks)
    if live.primary_key != want.primary_key:
        out.append(Difference(name, "primary key differs", "", f"{name}: primary key is "
                              f"({', '.join(live.primary_key)}) in the database, "
                              f"({', '.join(want.primary_key)}) in the models"))
    return out


def check_schema(models: Iterable[type[peewee.Model]] = (), db: peewee.Database | None = None) -> SchemaDrift:
    """Compare the live database (default: the bound one) with the nest-auth models plus
    ``models``; return every difference found. Read-only."""
    db = db if db is not None else get_database()
    while isinstance(db, peewee.DatabaseProxy):
        db = db.obj
    dialect = dialect_of(db)
    want = expected_catalog(dialect, models)
    live_names = set(db.get_tables())
    extra = sorted(t for t in live_names if t.startswith(TABLE_PREFIX) and t not in want)
    live = read_catalog(db, (set(want) & live_names) | set(extra))
    drift = SchemaDrift(dialect, tables_checked=list(want))
    for name, wanted in want.items():
        have = live.get(name)
        if have is None:
            drift.differences.append(Difference(name, "missing table", name, f"{name}: table is missing"))
            continue
        drift.differences.extend(_compare_columns(name, have, wanted, dialect))
        drift.differences.extend(_compare_indexes(name, have, wanted))
        drift.differences.extend(_compare_keys(name, have, wanted))
    for name in extra:
        drift.differences.append(Difference(name, "extra table", name,
                                            f"{name}: table is not in the models (extra)"))
    return drift
