"""The schema *state* of a set of models, and the file that records it after the newest migration.

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

The state after the newest migration is ``schema_state.json`` in the
migrations directory (:data:`STATE_FILE`), written together with each
migration by the writer. It is canonical JSON (sorted keys, two-space indent,
tables, columns and indexes as lists in their model order, so the order the
writer relies on survives), names the migration it belongs to and carries the
SHA-256 of that file's text: :func:`head_state` refuses a file that belongs to
another migration, to an edited one, or that is not in canonical form.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import peewee

from .. import errors
from ..db import DIALECTS, offline_database
from ..fields import render_default
from ..models import NestAuthModels, dependency_order
from .migrations import MIGRATIONS_DIR, migration_names

__all__ = ["DIALECTS", "STATE_FILE", "State", "schema_state", "head_state", "render_state_file",
           "parse_state_file", "write_state_file"]

State = dict[str, dict[str, Any]]

#: The file beside the migrations that holds the schema after the newest one.
STATE_FILE = "schema_state.json"
_FORMAT = 1
_NOTE = ("The schema after the migration named here, which scripts/make_migration.py diffs the "
         "models against. Written by it with each migration; do not edit.")


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
        None if server_default is None else render_default(server_default, dialect)
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
        db = offline_database(dialect)
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


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def render_state_file(state: State, migration: str, migration_text: str) -> str:
    """The canonical text of ``schema_state.json`` for ``state`` after ``migration``."""
    tables = [
        {"name": name, "create": table["create"],
         "columns": [{"name": c, **entry} for c, entry in table["columns"].items()],
         "indexes": [{"name": i, **entry} for i, entry in table["indexes"].items()]}
        for name, table in state.items()
    ]
    document = {"format": _FORMAT, "note": _NOTE, "migration": migration,
                "migration_sha256": _digest(migration_text), "tables": tables}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def parse_state_file(text: str) -> tuple[str, str, State]:
    """(migration name, its SHA-256, state) from the text of ``schema_state.json``."""
    document = json.loads(text)
    if not isinstance(document, dict) or document.get("format") != _FORMAT:
        raise errors.ConfigurationError(f"{STATE_FILE}: not a format-{_FORMAT} nestauth-peewee schema state.")
    state: State = {}
    for table in document["tables"]:
        state[table["name"]] = {
            "create": table["create"],
            "columns": {c["name"]: {k: v for k, v in c.items() if k != "name"} for c in table["columns"]},
            "indexes": {i["name"]: {k: v for k, v in i.items() if k != "name"} for i in table["indexes"]},
        }
    return document["migration"], document["migration_sha256"], state


def write_state_file(folder: Path, state: State, migration: str) -> Path:
    """Record ``state`` as the schema after ``migration`` (a file in ``folder``)."""
    text = (folder / f"{migration}.py").read_text(encoding="utf-8")
    path = folder / STATE_FILE
    path.write_bytes(render_state_file(state, migration, text).encode("utf-8"))  # LF on every OS
    return path


def head_state(directory: Path | str | None = None) -> State:
    """The schema after the newest migration in ``directory``, from its ``schema_state.json``.

    ``{}`` when there is no migration. Raises
    :class:`~nestauth_peewee.errors.ConfigurationError` when the file is missing,
    belongs to another migration or to another version of the newest one, or
    is not in canonical form: the next migration must not be derived from it.
    """
    folder = Path(directory) if directory is not None else MIGRATIONS_DIR
    names = migration_names(folder)
    if not names:
        return {}
    newest, path = names[-1], folder / STATE_FILE
    redo = ("If the migration was written or changed by hand, record the state it leaves with "
            "`python scripts/make_migration.py --record-state`.")
    if not path.is_file():
        raise errors.ConfigurationError(
            f"{folder} has migrations but no {STATE_FILE}, so the next migration cannot be derived. {redo}"
        )
    text = path.read_text(encoding="utf-8")
    migration, digest, state = parse_state_file(text)
    if migration != newest:
        raise errors.ConfigurationError(
            f"{STATE_FILE} is the schema after {migration}, but the newest migration is {newest}. {redo}"
        )
    if digest != _digest((folder / f"{newest}.py").read_text(encoding="utf-8")):
        raise errors.ConfigurationError(
            f"{newest}.py changed after {STATE_FILE} was written for it (its SHA-256 differs). "
            f"Regenerate the migration, or: {redo}"
        )
    if text != render_state_file(state, migration, (folder / f"{newest}.py").read_text(encoding="utf-8")):
        raise errors.ConfigurationError(
            f"{STATE_FILE} was edited by hand (it is not in the form the writer produces). {redo}"
        )
    return state
