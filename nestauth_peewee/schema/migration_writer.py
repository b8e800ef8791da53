"""Write the next versioned migration from the models (maintainer tooling, path 2).

The schema state after the newest migration is ``schema_state.json`` beside
the migration files (see :mod:`.migration_state`); the next migration is the
diff between that state and the models' state, written in both directions,
and writing it rewrites the JSON for the new newest migration::

    python scripts/make_migration.py add_session_label   # writes NNN_add_session_label.py
    python scripts/make_migration.py --check             # exit 1 when a migration is pending
    python scripts/make_migration.py --record-state      # after writing a migration by hand

From Python::

    from nestauth_peewee.schema.migration_writer import pending_changes, write_migration
    pending_changes()                    # [] when the migrations match the models
    write_migration("add_session_label") # Path of the new file, or None when nothing changed

What is generated: created/dropped tables, added/dropped/changed columns and
added/dropped/changed indexes, with custom index names and foreign-key delete
rules kept, and the rollback of each. SQLite has no ALTER COLUMN: there, a
changed or dropped constrained column rebuilds the table (create, copy, drop,
rename, re-index). Renames come out as drop + add: review every ``-`` line.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import peewee

from .. import errors
from ..db import DIALECTS
from . import _migration_template as template
from .migration_state import State, head_state, schema_state, write_state_file
from .migrations import MIGRATIONS_DIR, migration_names

__all__ = [
    "schema_state",
    "head_state",
    "diff_states",
    "pending_changes",
    "render_migration",
    "write_migration",
    "record_state",
]

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_TEMP_PREFIX = "__nestauth_new_"

#: What a migration checks before it runs: (kind, table, name or None, must exist), or
#: ("unreferenced", None, tables dropped, "table.column" keys dropped with them).
_Expectation = tuple[str, str, str | None, bool] | tuple[str, None, tuple[str, ...], tuple[str, ...]]


# --- the diff -----------------------------------------------------------------------


def _q(dialect: str, name: str) -> str:
    if dialect == "mysql":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def _fk_clause(dialect: str, column: str, references: Sequence[Any]) -> str:
    table, target, on_delete = references
    clause = f"REFERENCES {_q(dialect, table)} ({_q(dialect, target)})"
    if on_delete:
        clause += f" ON DELETE {on_delete}"
    if dialect == "mysql":
        return f"ADD FOREIGN KEY ({_q(dialect, column)}) {clause}"
    return clause


def _drop_index(dialect: str, table: str, name: str) -> str:
    sql = f"DROP INDEX {_q(dialect, name)}"
    return sql + f" ON {_q(dialect, table)}" if dialect == "mysql" else sql


def _table_options(create: str) -> str:
    return create[create.rindex(")") + 1:].strip()


def _sqlite_can_add(column: dict[str, Any]) -> bool:
    default = column["default"]["sqlite"]
    if column["primary_key"] or (column["references"] and default is not None):
        return False
    if default is not None and "(" in default:
        return False  # SQLite refuses a non-constant default in ADD COLUMN
    return column["null"] or default is not None


def _sqlite_can_drop(table: dict[str, Any], name: str) -> bool:
    column = table["columns"][name]
    quoted = _q("sqlite", name)
    readers = [c for c in table["columns"].values() if c["generated"] and quoted in c["ddl"]["sqlite"]]
    return not (column["primary_key"] or column["references"] or column["generated"] or readers)


class _TableDiff:
    """What changes in one table that exists on both sides."""

    def __init__(self, name: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.name, self.old, self.new = name, old, new
        oc, nc = old["columns"], new["columns"]
        changed = [c for c in nc if c in oc and oc[c] != nc[c]]
        self.replaced = [c for c in changed if oc[c]["generated"] or nc[c]["generated"]]
        self.changed = [c for c in changed if c not in self.replaced]
        self.added = [c for c in nc if c not in oc]
        self.dropped = [c for c in oc if c not in nc]
        oi, ni = old["indexes"], new["indexes"]
        gone = set(self.dropped) | set(self.replaced)
        self.index_dropped = [i for i in oi if i not in ni]
        self.index_added = [i for i in ni if i not in oi]
        self.index_changed = [i for i in ni if i in oi and oi[i] != ni[i]]
        self.index_touched = [i for i in oi if i in ni and i not in self.index_changed
                              and gone & set(oi[i]["columns"])]
        # Column order is not migrated (no catalog compares it); table options and keys are.
        if any(_table_options(old["create"][d]) != _table_options(new["create"][d]) for d in DIALECTS):
            raise errors.ConfigurationError(
                f"{name}: the table options changed; the migration writer cannot derive that, "
                "write that migration by hand."
            )
        if {c for c in oc if oc[c]["primary_key"]} != {c for c in nc if nc[c]["primary_key"]}:
            raise errors.ConfigurationError(f"{name}: the primary key changed; write that migration by hand.")

    def __bool__(self) -> bool:
        return bool(self.added or self.dropped or self.changed or self.replaced or self.index_dropped
                    or self.index_added or self.index_changed)

    def describe(self) -> list[str]:
        t = self.name
        return [*(f"+ column {t}.{c}" for c in self.added),
                *(f"- column {t}.{c}" for c in self.dropped),
                *(f"~ column {t}.{c}" for c in self.changed + self.replaced),
                *(f"+ index {i} on {t}" for i in self.index_added),
                *(f"- index {i} on {t}" for i in self.index_dropped),
                *(f"~ index {i} on {t}" for i in self.index_changed)]

    def expectations(self) -> list[tuple[str, str, str | None, bool]]:
        t = self.name
        return [("table", t, None, True),
                *(("column", t, c, False) for c in self.added),
                *(("column", t, c, True) for c in self.dropped + self.changed + self.replaced),
                *(("index", t, i, False) for i in self.index_added),
                *(("index", t, i, True) for i in self.index_dropped + self.index_changed)]

    def sqlite_rebuild(self) -> bool:
        return bool(self.changed or self.replaced
                    or any(not _sqlite_can_add(self.new["columns"][c]) for c in self.added)
                    or any(not _sqlite_can_drop(self.old, c) for c in self.dropped))

    def steps(self, dialect: str) -> list[Any]:
        t, q = self.name, (lambda n: _q(dialect, n))
        oc, nc = self.old["columns"], self.new["columns"]
        if dialect == "sqlite" and self.sqlite_rebuild():
            return self._sqlite_rebuild_steps()
        steps: list[Any] = []
        refs_changed = [c for c in self.changed if oc[c]["references"] != nc[c]["references"]]
        unlink = [c for c in self.dropped + self.replaced if oc[c]["references"]] if dialect == "mysql" else []
        for c in unlink + [c for c in refs_changed if oc[c]["references"] and dialect != "sqlite"]:
            steps.append(("drop_foreign_key", t, c))
        for i in self.index_dropped + self.index_changed + self.index_touched:
            steps.append(_drop_index(dialect, t, i))
        for c in self.dropped + self.replaced:
            steps.append(f"ALTER TABLE {q(t)} DROP COLUMN {q(c)}")
        for c in self.added + self.replaced:
            sql = f"ALTER TABLE {q(t)} ADD COLUMN {nc[c]['ddl'][dialect]}"
            if nc[c]["references"]:
                sql += (", " if dialect == "mysql" else " ") + _fk_clause(dialect, c, nc[c]["references"])
            steps.append(sql)
        for c in self.changed:
            steps.extend(self._change_column(dialect, c))
        for c in refs_changed:
            if nc[c]["references"]:
                clause = _fk_clause(dialect, c, nc[c]["references"])
                if dialect != "mysql":
                    clause = f"ADD FOREIGN KEY ({q(c)}) {clause}"
                steps.append(f"ALTER TABLE {q(t)} {clause}")
        for i in self.index_added + self.index_changed + self.index_touched:
            steps.append(self.new["indexes"][i]["create"][dialect])
        return steps

    def _change_column(self, dialect: str, c: str) -> list[str]:
        t, q = self.name, (lambda n: _q(dialect, n))
        old, new = self.old["columns"][c], self.new["columns"][c]
        if dialect == "mysql":
            return [f"ALTER TABLE {q(t)} MODIFY COLUMN {new['ddl'][dialect]}"]
        steps = []
        prefix = f"ALTER TABLE {q(t)} ALTER COLUMN {q(c)}"
        if old["type"][dialect] != new["type"][dialect]:
            new_type = new["type"][dialect]
            steps.append(f"{prefix} TYPE {new_type} USING {q(c)}::{new_type}")
        if old["default"][dialect] != new["default"][dialect]:
            default = new["default"][dialect]
            steps.append(f"{prefix} DROP DEFAULT" if default is None else f"{prefix} SET DEFAULT {default}")
        if old["null"] != new["null"]:
            steps.append(f"{prefix} {'DROP' if new['null'] else 'SET'} NOT NULL")
        return steps

    def _sqlite_rebuild_steps(self) -> list[str]:
        t, q = self.name, (lambda n: _q("sqlite", n))
        temp = _TEMP_PREFIX + t
        create = self.new["create"]["sqlite"]
        head = f"CREATE TABLE {q(t)} ("
        if not create.startswith(head):
            raise errors.ConfigurationError(f"Unexpected CREATE TABLE for {t}: {create[:60]}")
        oc, nc = self.old["columns"], self.new["columns"]
        copied = ", ".join(q(c) for c in nc if c in oc and not (oc[c]["generated"] or nc[c]["generated"]))
        return [f"CREATE TABLE {q(temp)} (" + create[len(head):],
                f"INSERT INTO {q(temp)} ({copied}) SELECT {copied} FROM {q(t)}",
                f"DROP TABLE {q(t)}",
                f"ALTER TABLE {q(temp)} RENAME TO {q(t)}",
                *(index["create"]["sqlite"] for index in self.new["indexes"].values())]


class _Plan:
    """The steps that take the schema from ``old`` to ``new``, per dialect."""

    def __init__(self, old: State, new: State, *, forward: bool = True) -> None:
        self.created = [t for t in new if t not in old]
        self.dropped = [t for t in reversed(list(old)) if t not in new]
        self.tables = [d for t in new if t in old for d in [_TableDiff(t, old[t], new[t])] if d]
        self.old, self.new = old, new
        # A rollback may re-add a dropped NOT NULL column: fine on an empty table, and on a
        # filled one it fails before anything changes (PostgreSQL, SQLite) or with a message.
        for diff in self.tables if forward else ():
            for c in diff.added:
                column = new[diff.name]["columns"][c]
                if not column["null"] and column["default"]["postgres"] is None and not column["generated"]:
                    raise errors.ConfigurationError(
                        f"New column {diff.name}.{c} is NOT NULL without a server default: existing "
                        "rows would have no value. Give it server_default=..., make it nullable, or "
                        "write the migration by hand (add nullable, backfill, then set NOT NULL)."
                    )

    def describe(self) -> list[str]:
        return [*(f"+ table {t}" for t in self.created),
                *(line for d in self.tables for line in d.describe()),
                *(f"- table {t}" for t in self.dropped)]

    def expectations(self) -> list[_Expectation]:
        found: list[_Expectation] = [("table", t, None, False) for t in self.created]
        for diff in self.tables:
            found.extend(diff.expectations())
        found.extend(("table", t, None, True) for t in self.dropped)
        if self.dropped:
            leaving = tuple(f"{d.name}.{c}" for d in self.tables for c in d.dropped + d.changed
                            if (d.old["columns"][c]["references"] or [None])[0] in self.dropped)
            found.append(("unreferenced", None, tuple(self.dropped), leaving))
        return found

    def steps(self) -> dict[str, list[Any]]:
        result: dict[str, list[Any]] = {}
        for dialect in DIALECTS:
            steps: list[Any] = []
            for t in self.created:
                table = self.new[t]
                steps.append(table["create"][dialect])
                steps.extend(index["create"][dialect] for index in table["indexes"].values())
            for diff in self.tables:
                steps.extend(diff.steps(dialect))
            steps.extend(f"DROP TABLE {_q(dialect, t)}" for t in self.dropped)
            result[dialect] = steps
        return result


def diff_states(old: State, new: State) -> list[str]:
    """Human-readable changes from ``old`` to ``new`` (``+``, ``-``, ``~`` lines)."""
    return _Plan(old, new).describe()


def pending_changes(models: Iterable[type[peewee.Model]] | None = None,
                    directory: Path | str | None = None) -> list[str]:
    """What the models have that the newest migration does not ([] when in step)."""
    return diff_states(head_state(directory), schema_state(models))


# --- rendering and writing -------------------------------------------------------------


def _literal(value: Any, indent: int = 0) -> str:
    """Python source for ``value``: nested containers one item per line, strings never split."""
    flat = repr(value)
    if not isinstance(value, (dict, list, tuple)) or len(flat) + indent <= 96 or not value:
        return flat
    pad = " " * (indent + 4)
    if isinstance(value, dict):
        items = [f"{pad}{k!r}: {_literal(v, indent + 4)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{pad}{_literal(v, indent + 4)}," for v in value]
    brackets = "[]" if isinstance(value, list) else "()"
    return brackets[0] + "\n" + "\n".join(items) + "\n" + " " * indent + brackets[1]


def render_migration(name: str, old: State, new: State) -> str:
    """The text of the migration that takes ``old`` to ``new`` (deterministic)."""
    forward, backward = _Plan(old, new), _Plan(new, old, forward=False)
    summary = "\n".join(f"    {line}" for line in forward.describe())
    return (
        template.HEADER.format(name=name, summary=summary, runtime=template.RUNTIME_MODULE)
        + template.DATA.format(
            before=_literal(forward.expectations()), after=_literal(backward.expectations()),
            forward=_literal(forward.steps()), backward=_literal(backward.steps()),
        )
    )


def write_migration(name: str, models: Iterable[type[peewee.Model]] | None = None,
                    directory: Path | str | None = None) -> Path | None:
    """Write ``NNN_<name>.py`` for what changed since the newest migration; None if nothing did.

    ``schema_state.json`` is rewritten with it: the models' state, after the new migration.
    """
    if not _NAME_RE.match(name) or keyword.iskeyword(name):
        raise errors.ConfigurationError(
            f"Migration name {name!r} must be lower-case letters, digits and underscores, e.g. add_session_label."
        )
    folder = Path(directory) if directory is not None else MIGRATIONS_DIR
    old, new = head_state(folder), schema_state(models)
    if not diff_states(old, new):
        return None
    names = migration_names(folder)
    number = int(names[-1][:3]) + 1 if names else 1
    full_name = f"{number:03d}_{name}"
    path = folder / f"{full_name}.py"
    path.write_bytes(render_migration(full_name, old, new).encode("utf-8"))  # LF on every OS
    write_state_file(folder, new, full_name)
    return path


def record_state(models: Iterable[type[peewee.Model]] | None = None,
                 directory: Path | str | None = None) -> Path:
    """Record the models' state as the schema after the newest migration.

    For a migration written (or changed) by hand: its author vouches that it
    takes the previous schema to the models' (the parity tests check it).
    """
    folder = Path(directory) if directory is not None else MIGRATIONS_DIR
    names = migration_names(folder)
    if not names:
        raise errors.ConfigurationError(f"No migration in {folder}: write one with a name first.")
    return write_state_file(folder, schema_state(models), names[-1])
