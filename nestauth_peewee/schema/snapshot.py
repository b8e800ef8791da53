"""Path 3 of the setup guide: a deterministic SQL snapshot of the schema per dialect.

The snapshot is the exact DDL ``create_tables`` would run, rendered without
connecting to any server: every table in dependency order (columns, server
defaults, primary key, foreign keys with their delete rule), each followed by
its indexes under their exact names. The same models give the same bytes on
every machine and run. Each statement ends with ``;`` at the end of a line,
so migration tools (Flyway, Liquibase, Sqitch, psql, mysql) can split them::

    from nestauth_peewee.schema.snapshot import render_snapshot, split_statements
    text = render_snapshot("postgres")            # the nest-auth tables
    text = render_snapshot("mysql", [AppUser])    # plus an app's own models
    for statement in split_statements(text):
        db.execute_sql(statement)

The published snapshots are the files in ``sql/`` at the top of the
repository, written by ``scripts/build_sql_snapshots.py``; the installed
package carries no copy: ``nestauth sql`` renders the same bytes from the models.

Rendering rebinds the models to an offline Database for a moment
(``Database.bind_ctx``): do not render while other threads run queries.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator, Sequence

import peewee

from .. import errors
from ..db import DIALECTS, TRAITS, normalize_dialect, offline_database
from ..models import NestAuthModels
from ..version import __version__
from .sql_text import split_top_level

__all__ = [
    "bound_offline",
    "ordered_models",
    "render_statements",
    "render_snapshot",
    "split_statements",
    "SNAPSHOT_FILES",
]

#: File name of each dialect's snapshot in the repository's ``sql/``.
SNAPSHOT_FILES: dict[str, str] = {d: f"{d}.sql" for d in DIALECTS}

_TITLES = {"postgres": "PostgreSQL", "mysql": "MySQL / MariaDB", "sqlite": "SQLite"}

_NOTES = {
    "postgres": (
        "Ids are native UUIDs. Timestamps are TIMESTAMP (no time zone) holding UTC.",
    ),
    "mysql": (
        "Ids are VARCHAR(40) holding 32 lower-case hex digits, no dashes.",
        "Timestamps are DATETIME(6) holding UTC. Tested on MariaDB 10.11, MySQL needs 8.0.13+.",
        "Connections should use utf8mb4, a strict sql_mode and time_zone '+00:00'.",
    ),
    "sqlite": (
        "Ids are TEXT holding 32 lower-case hex digits, no dashes. Timestamps are UTC text.",
        "ON DELETE CASCADE runs only on connections with PRAGMA foreign_keys = ON.",
    ),
}

_bind_lock = threading.RLock()


def _check_models(models: Iterable[object]) -> list[type[peewee.Model]]:
    chosen = []
    for model in models:
        if not (isinstance(model, type) and issubclass(model, peewee.Model)):
            raise errors.ConfigurationError(f"{model!r} is not a peewee model class.")
        chosen.append(model)
    return chosen


def ordered_models(extra: Iterable[type[peewee.Model]] = ()) -> list[type[peewee.Model]]:
    """The nest-auth models in :data:`NestAuthModels` order, then ``extra``, each after
    the tables it references (a stable depth-first order: no hashing, no sorting by name)."""
    wanted = list(NestAuthModels)
    for model in _check_models(extra):
        if model not in wanted:
            wanted.append(model)
    members = set(wanted)
    ordered: list[type[peewee.Model]] = []
    seen: set[type[peewee.Model]] = set()

    def visit(model: type[peewee.Model]) -> None:
        if model in seen or model not in members:
            return
        seen.add(model)
        for fk in model._meta.sorted_fields:
            if isinstance(fk, peewee.ForeignKeyField) and not fk.deferred:
                visit(fk.rel_model)
        for dependency in model._meta.depends_on or ():
            visit(dependency)
        ordered.append(model)

    for model in wanted:
        visit(model)
    return ordered


@contextlib.contextmanager
def bound_offline(dialect: str, models: Sequence[type[peewee.Model]]) -> Iterator[peewee.Database]:
    """Bind ``models`` to an offline Database of ``dialect`` for the ``with`` block."""
    db = offline_database(dialect)
    with _bind_lock, db.bind_ctx(models, bind_refs=True, bind_backrefs=False):
        yield db


def _outer_parens(text: str) -> tuple[int, int]:
    """Positions of the first top-level ``(`` and its matching ``)``."""
    depth, quote, open_at = 0, "", -1
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            if depth == 0:
                open_at = i
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return open_at, i
    raise ValueError(f"no parenthesised body in {text!r}")


def _pretty_create_table(sql: str) -> str:
    """One column or constraint per line, so a diff between versions is readable."""
    start, end = _outer_parens(sql)
    items = split_top_level(sql[start + 1 : end])
    body = ",\n".join("    " + item for item in items)
    return f"{sql[:start].rstrip()} (\n{body}\n){sql[end + 1 :]}"


def _no_params(query: tuple[str, Sequence[object]], model: type[peewee.Model]) -> str:
    sql, params = query
    if params:
        raise errors.ConfigurationError(
            f"{model.__name__}: its DDL needs bound parameters {list(params)!r}; "
            "a server default must be SQL text (constraints=[SQL('DEFAULT ...')])."
        )
    return sql


def render_statements(dialect: str, models: Iterable[type[peewee.Model]] = ()) -> list[str]:
    """The DDL statements (no trailing ``;``) for the nest-auth tables plus ``models``."""
    dialect = normalize_dialect(dialect)
    chosen = ordered_models(models)
    statements: list[str] = []
    with bound_offline(dialect, chosen):
        for model in chosen:
            schema = model._schema  # type: ignore[attr-defined]  # peewee's (private) SchemaManager
            table_sql = _no_params(schema._create_table(safe=False).query(), model)
            options = TRAITS[dialect].table_options
            if options and "ENGINE=" not in table_sql.upper():
                table_sql += " " + options  # an app model without AuthModel's options
            statements.append(_pretty_create_table(table_sql))
            for index in schema._create_indexes(safe=False):
                statements.append(_no_params(index.query(), model))
    return statements


def _header(dialect: str, extra: Sequence[type[peewee.Model]]) -> list[str]:
    command = f"nestauth sql {dialect}" + "".join(f" --models {m.__module__}:{m.__name__}" for m in extra)
    lines = [
        f"-- nestauth-peewee {__version__}: the auth schema for {_TITLES[dialect]}.",
        f"-- Generated from the models by `{command}`. Do not edit: regenerate.",
        "-- Tables come in dependency order. Each statement ends with a semicolon at the end of a line,",
        "-- and no other semicolon appears in this file.",
    ]
    lines.extend(f"-- {note}" for note in _NOTES[dialect])
    return lines


def render_snapshot(dialect: str, models: Iterable[type[peewee.Model]] = ()) -> str:
    """The whole snapshot text for ``dialect`` (header, then one block per statement)."""
    dialect = normalize_dialect(dialect)
    extra = [m for m in _check_models(models) if m not in NestAuthModels]
    blocks = ["\n".join(_header(dialect, extra))]
    blocks.extend(statement + ";" for statement in render_statements(dialect, extra))
    return "\n\n".join(blocks) + "\n"


def split_statements(text: str) -> list[str]:
    """Split a snapshot into executable statements (``--`` comment lines dropped)."""
    statements: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("--")):
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current).rstrip()[:-1].rstrip())
            current = []
    if current:
        raise ValueError("The SQL text ends in the middle of a statement (no final ';').")
    return statements

