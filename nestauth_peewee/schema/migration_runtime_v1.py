"""Version 1 of the code that nestauth-peewee migration files run (FROZEN).

A migration file written by :mod:`.migration_writer` holds only data: what
must (not) exist before each direction, and the statements per dialect. It
hands them to :func:`apply`::

    from nestauth_peewee.schema.migration_runtime_v1 import apply

    def migrate(migrator, database, *, fake=False):
        apply(NAME, migrator, database, "migrate", BEFORE, FORWARD)

Released migrations import this module, so it never changes: not its
behaviour, not its messages, not the statements it issues. A runtime that
has to behave differently is a new module (``migration_runtime_v2``) that new
migrations import, while the old ones keep this one. The test suite pins this
file's contents. It imports peewee and nothing else, never the models: a
migration does what it did when it was written, whatever the models become.

The checks: ``(kind, table, name, must exist)`` with kind ``table``,
``column`` or ``index``; and ``("unreferenced", None, tables, columns)``: no
foreign key may point into ``tables`` except from the ``"table.column"`` keys
in ``columns`` (they are dropped in the same step). A step is an SQL string,
run as is, or ``("drop_foreign_key", table, column)``, which drops that
column's foreign-key constraint under whatever name the server gave it.
"""

from __future__ import annotations

from typing import Any

import peewee as pw

__all__ = ["apply"]


def _dialect(name: str, database: Any) -> str:
    while isinstance(database, pw.DatabaseProxy):
        database = database.obj
    if isinstance(database, pw.PostgresqlDatabase):
        return "postgres"
    if isinstance(database, pw.MySQLDatabase):
        return "mysql"
    if isinstance(database, pw.SqliteDatabase):
        return "sqlite"
    raise RuntimeError(f"nestauth migration {name}: unsupported database {type(database).__name__}")


def _columns(name: str, database: Any, table: str) -> set[str]:
    if _dialect(name, database) == "sqlite":
        quoted = '"' + table.replace('"', '""') + '"'
        return {row[1] for row in database.execute_sql(f"PRAGMA table_xinfo({quoted})").fetchall()}
    return {column.name for column in database.get_columns(table)}


def _check(name: str, database: Any, direction: str, expectations: Any) -> None:
    """Refuse to start unless every object this step touches is as expected."""
    tables = set(database.get_tables())
    problems = []
    for kind, table, item, wanted in expectations:
        if kind == "unreferenced":  # item: tables dropped; wanted: "table.column" keys dropped too
            for other in sorted(tables - set(item)):
                for fk in database.get_foreign_keys(other):
                    if fk.dest_table in item and f"{other}.{fk.column}" not in wanted:
                        problems.append(f"{other}.{fk.column} references {fk.dest_table}, which this "
                                        "step drops (roll back or drop that table first)")
            continue
        if kind == "table":
            present = table in tables
            label = f"table {table}"
        elif kind == "column":
            present = table in tables and item in _columns(name, database, table)
            label = f"column {table}.{item}"
        else:
            present = table in tables and item in {i.name for i in database.get_indexes(table)}
            label = f"index {item} on {table}"
        if present != wanted:
            problems.append(f"{label} {'is missing' if wanted else 'already exists'}")
    if problems:
        raise RuntimeError(
            f"nestauth migration {name} ({direction}) stopped before changing anything: "
            + "; ".join(problems)
            + ". The schema is not the one this migration expects (changed by hand, or built by "
            "create_tables: then record the migrations with `nestauth migrate --fake`)."
        )


def _drop_foreign_key(name: str, database: Any, table: str, column: str) -> None:
    if _dialect(name, database) == "postgres":
        sql = ("SELECT tc.constraint_name FROM information_schema.table_constraints tc "
               "JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name "
               "AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name "
               "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() "
               "AND tc.table_name = %s AND k.column_name = %s")
        drop = 'ALTER TABLE "{}" DROP CONSTRAINT "{}"'
    else:
        sql = ("SELECT CONSTRAINT_NAME FROM information_schema.KEY_COLUMN_USAGE "
               "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s AND COLUMN_NAME = %s "
               "AND REFERENCED_TABLE_NAME IS NOT NULL")
        drop = "ALTER TABLE `{}` DROP FOREIGN KEY `{}`"
    for (constraint,) in database.execute_sql(sql, (table, column)).fetchall():
        database.execute_sql(drop.format(table, constraint))


def _run(name: str, database: Any, step: Any) -> None:
    if isinstance(step, str):
        database.execute_sql(step)
    elif step[0] == "drop_foreign_key":
        _drop_foreign_key(name, database, step[1], step[2])
    else:
        raise RuntimeError(f"nestauth migration {name}: unknown step {step!r}")


def apply(name: str, migrator: Any, database: Any, direction: str, expectations: Any,
          steps: dict[str, Any]) -> None:
    """Queue migration ``name``'s check, then its statements for this database's dialect.

    ``direction`` is ``"migrate"`` or ``"rollback"`` (it appears in the message
    of a failed check); peewee-migrate runs the queue in one transaction.
    """
    dialect = _dialect(name, database)
    migrator.run(_check, name, database, direction, expectations)
    for step in steps[dialect]:
        migrator.run(_run, name, database, step)
