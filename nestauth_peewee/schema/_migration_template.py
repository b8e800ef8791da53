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
"""nestauth-peewee migration {name}, written by scripts/make_migration.py from the models:

{summary}

Data only (regenerate it, never edit it silently); {runtime} runs it.
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


def migrate(migrator, database, *, fake=False):  # peewee-migrate's entry points
    apply(NAME, migrator, database, "migrate", BEFORE, FORWARD)


def rollback(migrator, database, *, fake=False):
    apply(NAME, migrator, database, "rollback", AFTER, BACKWARD)
'''
