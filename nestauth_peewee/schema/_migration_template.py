"""The text of a generated migration file (see :mod:`.migration_writer`).

A migration file holds data only: its checks and its statements per dialect.
The code that runs them is :mod:`.migration_runtime_v1`, which the file
imports by its versioned name (never the models), so the file keeps doing
exactly what it did when it was written, whatever the models become later.
The schema after the newest migration lives beside the files, in
``schema_state.json`` (see :mod:`.migration_state`), not in them.
"""

from __future__ import annotations

#: The runtime module new migrations import. Bump it (new module) only together with a
#: runtime whose behaviour differs; files already written keep the one they name.
RUNTIME_MODULE = "nestauth_peewee.schema.migration_runtime_v1"

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
migrate --database URL --directory nestauth_peewee/migrations` and `nestauth
migrate` build the same schema as create_tables(). Before changing anything
each direction checks that the objects it touches are (or are not) there, and
stops with a message instead of half-applying on a schema that was changed by
hand. On SQLite, run migrations with foreign keys off (`nestauth migrate` and
pw_migrate's own connection do): a table rebuild must not cascade.

The checks and statements run through the frozen module
{runtime} (a runtime that behaves otherwise
would be a new module). The schema after the newest migration, which the next
one is derived from, is schema_state.json in this directory.
"""

from {runtime} import apply

NAME = {name!r}
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


def migrate(migrator, database, *, fake=False):
    """Apply this migration (peewee-migrate entry point)."""
    apply(NAME, migrator, database, "migrate", BEFORE, FORWARD)


def rollback(migrator, database, *, fake=False):
    """Undo this migration (peewee-migrate entry point)."""
    apply(NAME, migrator, database, "rollback", AFTER, BACKWARD)
'''
