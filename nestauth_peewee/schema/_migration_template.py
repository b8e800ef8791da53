"""The text of a generated migration file (see :mod:`.migration_writer`).

A migration file is self-contained: it imports peewee and nothing of this
library, so it keeps doing exactly what it did when it was written, whatever
the models become later. The runtime below is copied into every file.
"""

from __future__ import annotations

HEADER = '''\
"""nestauth-peewee migration {name}.

Written by scripts/make_migration.py from the nestauth-peewee models; review it,
commit it, and never edit it silently (regenerate instead). Changes:

{summary}

How it works: the statements below are frozen per dialect (PostgreSQL, MySQL/
MariaDB, SQLite), rendered from the models through a database configured like
nestauth_peewee.init_database() does (DATETIME(6) and utf8mb4/InnoDB on MySQL,
JSONB on PostgreSQL, server-side defaults, generated tenant_key columns). They
run through the database peewee-migrate gives the migration, so `pw_migrate
migrate --database URL --directory migrations` and `nestauth migrate` build the
same schema as create_tables(). Before changing anything each direction checks
that the objects it touches are (or are not) there, and stops with a message
instead of half-applying on a schema that was changed by hand. On SQLite, run
migrations with foreign keys off (`nestauth migrate` and pw_migrate's own
connection do): a table rebuild must not cascade.
"""
'''

RUNTIME = '''
import peewee as pw

NAME = {name!r}


def _dialect(database):
    while isinstance(database, pw.DatabaseProxy):
        database = database.obj
    if isinstance(database, pw.PostgresqlDatabase):
        return "postgres"
    if isinstance(database, pw.MySQLDatabase):
        return "mysql"
    if isinstance(database, pw.SqliteDatabase):
        return "sqlite"
    raise RuntimeError(f"nestauth migration {{NAME}}: unsupported database {{type(database).__name__}}")


def _columns(database, table):
    if _dialect(database) == "sqlite":
        quoted = '"' + table.replace('"', '""') + '"'
        return {{row[1] for row in database.execute_sql(f"PRAGMA table_xinfo({{quoted}})").fetchall()}}
    return {{column.name for column in database.get_columns(table)}}


def _check(database, direction, expectations):
    """Refuse to start unless every object this step touches is as expected."""
    tables = set(database.get_tables())
    problems = []
    for kind, table, item, wanted in expectations:
        if kind == "unreferenced":  # item: tables dropped; wanted: "table.column" keys dropped too
            for other in sorted(tables - set(item)):
                for fk in database.get_foreign_keys(other):
                    if fk.dest_table in item and f"{{other}}.{{fk.column}}" not in wanted:
                        problems.append(f"{{other}}.{{fk.column}} references {{fk.dest_table}}, which this "
                                        "step drops (roll back or drop that table first)")
            continue
        if kind == "table":
            present = table in tables
            label = f"table {{table}}"
        elif kind == "column":
            present = table in tables and item in _columns(database, table)
            label = f"column {{table}}.{{item}}"
        else:
            present = table in tables and item in {{i.name for i in database.get_indexes(table)}}
            label = f"index {{item}} on {{table}}"
        if present != wanted:
            problems.append(f"{{label}} {{'is missing' if wanted else 'already exists'}}")
    if problems:
        raise RuntimeError(
            f"nestauth migration {{NAME}} ({{direction}}) stopped before changing anything: "
            + "; ".join(problems)
            + ". The schema is not the one this migration expects (changed by hand, or built by "
            "create_tables: then record the migrations with `nestauth migrate --fake`)."
        )


def _drop_foreign_key(database, table, column):
    if _dialect(database) == "postgres":
        sql = ("SELECT tc.constraint_name FROM information_schema.table_constraints tc "
               "JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name "
               "AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name "
               "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() "
               "AND tc.table_name = %s AND k.column_name = %s")
        drop = 'ALTER TABLE "{{}}" DROP CONSTRAINT "{{}}"'
    else:
        sql = ("SELECT CONSTRAINT_NAME FROM information_schema.KEY_COLUMN_USAGE "
               "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s AND COLUMN_NAME = %s "
               "AND REFERENCED_TABLE_NAME IS NOT NULL")
        drop = "ALTER TABLE `{{}}` DROP FOREIGN KEY `{{}}`"
    for (constraint,) in database.execute_sql(sql, (table, column)).fetchall():
        database.execute_sql(drop.format(table, constraint))


def _run(database, step):
    if isinstance(step, str):
        database.execute_sql(step)
    elif step[0] == "drop_foreign_key":
        _drop_foreign_key(database, step[1], step[2])
    else:
        raise RuntimeError(f"nestauth migration {{NAME}}: unknown step {{step!r}}")


def _apply(migrator, database, direction, expectations, steps):
    dialect = _dialect(database)
    migrator.run(_check, database, direction, expectations)
    for step in steps[dialect]:
        migrator.run(_run, database, step)


def migrate(migrator, database, *, fake=False):
    """Apply this migration (peewee-migrate entry point)."""
    _apply(migrator, database, "migrate", BEFORE, FORWARD)


def rollback(migrator, database, *, fake=False):
    """Undo this migration (peewee-migrate entry point)."""
    _apply(migrator, database, "rollback", AFTER, BACKWARD)
'''

DATA = '''

#: (kind, table, name, must exist) that must hold before migrate() / before rollback();
#: ("unreferenced", None, tables, columns): no foreign key into `tables` but from `columns`.
BEFORE = {before}

AFTER = {after}

#: The statements, per dialect. A string is run as is; ("drop_foreign_key", table,
#: column) drops that column's foreign-key constraint, whatever the server named it.
FORWARD = {forward}

BACKWARD = {backward}

#: The whole schema after this migration, as the next migration's starting point.
STATE = {state}
'''
