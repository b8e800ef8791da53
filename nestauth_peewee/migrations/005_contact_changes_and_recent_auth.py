"""nestauth-peewee migration 005_contact_changes_and_recent_auth, written by scripts/make_migration.py from the models:

    + column nest_auth_otps.target
    + column nest_auth_sessions.authenticated_at
    + column nest_auth_sessions.mfa_authenticated_at

Data only (regenerate it, never edit it silently); nestauth_peewee.schema.migration_runtime_v1 runs it.
"""

from nestauth_peewee.schema.migration_runtime_v1 import apply

NAME = '005_contact_changes_and_recent_auth'


#: (kind, table, name, must exist) that must hold before migrate() / before rollback();
#: ("unreferenced", None, tables, columns): no foreign key into `tables` but from `columns`.
BEFORE = [
    ('table', 'nest_auth_otps', None, True),
    ('column', 'nest_auth_otps', 'target', False),
    ('table', 'nest_auth_sessions', None, True),
    ('column', 'nest_auth_sessions', 'authenticated_at', False),
    ('column', 'nest_auth_sessions', 'mfa_authenticated_at', False),
]

AFTER = [
    ('table', 'nest_auth_otps', None, True),
    ('column', 'nest_auth_otps', 'target', True),
    ('table', 'nest_auth_sessions', None, True),
    ('column', 'nest_auth_sessions', 'authenticated_at', True),
    ('column', 'nest_auth_sessions', 'mfa_authenticated_at', True),
]

#: The statements, per dialect. A string is run as is; ("drop_foreign_key", table,
#: column) drops that column's foreign-key constraint, whatever the server named it.
FORWARD = {
    'postgres': [
        'ALTER TABLE "nest_auth_otps" ADD COLUMN "target" VARCHAR(255)',
        'ALTER TABLE "nest_auth_sessions" ADD COLUMN "authenticated_at" TIMESTAMP',
        'ALTER TABLE "nest_auth_sessions" ADD COLUMN "mfa_authenticated_at" TIMESTAMP',
    ],
    'mysql': [
        'ALTER TABLE `nest_auth_otps` ADD COLUMN `target` VARCHAR(255) COLLATE utf8mb4_bin',
        'ALTER TABLE `nest_auth_sessions` ADD COLUMN `authenticated_at` DATETIME(6)',
        'ALTER TABLE `nest_auth_sessions` ADD COLUMN `mfa_authenticated_at` DATETIME(6)',
    ],
    'sqlite': [
        'ALTER TABLE "nest_auth_otps" ADD COLUMN "target" VARCHAR(255)',
        'ALTER TABLE "nest_auth_sessions" ADD COLUMN "authenticated_at" DATETIME',
        'ALTER TABLE "nest_auth_sessions" ADD COLUMN "mfa_authenticated_at" DATETIME',
    ],
}

BACKWARD = {
    'postgres': [
        'ALTER TABLE "nest_auth_otps" DROP COLUMN "target"',
        'ALTER TABLE "nest_auth_sessions" DROP COLUMN "authenticated_at"',
        'ALTER TABLE "nest_auth_sessions" DROP COLUMN "mfa_authenticated_at"',
    ],
    'mysql': [
        'ALTER TABLE `nest_auth_otps` DROP COLUMN `target`',
        'ALTER TABLE `nest_auth_sessions` DROP COLUMN `authenticated_at`',
        'ALTER TABLE `nest_auth_sessions` DROP COLUMN `mfa_authenticated_at`',
    ],
    'sqlite': [
        'ALTER TABLE "nest_auth_otps" DROP COLUMN "target"',
        'ALTER TABLE "nest_auth_sessions" DROP COLUMN "authenticated_at"',
        'ALTER TABLE "nest_auth_sessions" DROP COLUMN "mfa_authenticated_at"',
    ],
}


def migrate(migrator, database, *, fake=False):  # peewee-migrate's entry points
    apply(NAME, migrator, database, "migrate", BEFORE, FORWARD)


def rollback(migrator, database, *, fake=False):
    apply(NAME, migrator, database, "rollback", AFTER, BACKWARD)
