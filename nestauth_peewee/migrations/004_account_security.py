"""nestauth-peewee migration 004_account_security.

Written by scripts/make_migration.py from the nestauth-peewee models; review it,
commit it, and never edit it silently (regenerate instead). Changes:

    + table nest_auth_login_throttles

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
nestauth_peewee.schema.migration_runtime_v1 (a runtime that behaves otherwise
would be a new module). The schema after the newest migration, which the next
one is derived from, is schema_state.json in this directory.
"""

from nestauth_peewee.schema.migration_runtime_v1 import apply

NAME = '004_account_security'


#: (kind, table, name, must exist) that must hold before migrate() / before rollback();
#: ("unreferenced", None, tables, columns): no foreign key into `tables` but from `columns`.
BEFORE = [('table', 'nest_auth_login_throttles', None, False)]

AFTER = [
    ('table', 'nest_auth_login_throttles', None, True),
    ('unreferenced', None, ('nest_auth_login_throttles',), ()),
]

#: The statements, per dialect. A string is run as is; ("drop_foreign_key", table,
#: column) drops that column's foreign-key constraint, whatever the server named it.
FORWARD = {
    'postgres': [
        'CREATE TABLE "nest_auth_login_throttles" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "scope" VARCHAR(32) NOT NULL, "subject" VARCHAR(64) NOT NULL, "failures" INTEGER NOT NULL DEFAULT 0, "locked_until" TIMESTAMP, "expires_at" TIMESTAMP NOT NULL)',
        'CREATE INDEX "nest_auth_login_throttles_expires_at" ON "nest_auth_login_throttles" ("expires_at")',
        'CREATE UNIQUE INDEX "nest_auth_login_throttles_subject_idx" ON "nest_auth_login_throttles" ("scope", "subject")',
    ],
    'mysql': [
        'CREATE TABLE `nest_auth_login_throttles` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `scope` VARCHAR(32) NOT NULL, `subject` VARCHAR(64) NOT NULL COLLATE utf8mb4_bin, `failures` INTEGER NOT NULL DEFAULT 0, `locked_until` DATETIME(6), `expires_at` DATETIME(6) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
        'CREATE INDEX `nest_auth_login_throttles_expires_at` ON `nest_auth_login_throttles` (`expires_at`)',
        'CREATE UNIQUE INDEX `nest_auth_login_throttles_subject_idx` ON `nest_auth_login_throttles` (`scope`, `subject`)',
    ],
    'sqlite': [
        'CREATE TABLE "nest_auth_login_throttles" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "scope" VARCHAR(32) NOT NULL, "subject" VARCHAR(64) NOT NULL, "failures" INTEGER NOT NULL DEFAULT 0, "locked_until" DATETIME, "expires_at" DATETIME NOT NULL)',
        'CREATE INDEX "nest_auth_login_throttles_expires_at" ON "nest_auth_login_throttles" ("expires_at")',
        'CREATE UNIQUE INDEX "nest_auth_login_throttles_subject_idx" ON "nest_auth_login_throttles" ("scope", "subject")',
    ],
}

BACKWARD = {
    'postgres': ['DROP TABLE "nest_auth_login_throttles"'],
    'mysql': ['DROP TABLE `nest_auth_login_throttles`'],
    'sqlite': ['DROP TABLE "nest_auth_login_throttles"'],
}


def migrate(migrator, database, *, fake=False):
    """Apply this migration (peewee-migrate entry point)."""
    apply(NAME, migrator, database, "migrate", BEFORE, FORWARD)


def rollback(migrator, database, *, fake=False):
    """Undo this migration (peewee-migrate entry point)."""
    apply(NAME, migrator, database, "rollback", AFTER, BACKWARD)
