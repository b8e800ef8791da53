"""nestauth-peewee migration 004_account_security, written by scripts/make_migration.py from the models:

    + table nest_auth_login_throttles

Data only (regenerate it, never edit it silently); nestauth_peewee.schema.migration_runtime_v1 runs it.
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


def migrate(migrator, database, *, fake=False):  # peewee-migrate's entry points
    apply(NAME, migrator, database, "migrate", BEFORE, FORWARD)


def rollback(migrator, database, *, fake=False):
    apply(NAME, migrator, database, "rollback", AFTER, BACKWARD)
