"""nestauth-peewee migration 002_add_blocked_domains_and_recovery_codes, written by scripts/make_migration.py from the models:

    + table nest_auth_blocked_email_domains
    + table nest_auth_mfa_recovery_codes

Data only (regenerate it, never edit it silently); nestauth_peewee.schema.migration_runtime_v1 runs it.
"""

from nestauth_peewee.schema.migration_runtime_v1 import apply

NAME = '002_add_blocked_domains_and_recovery_codes'


#: (kind, table, name, must exist) that must hold before migrate() / before rollback();
#: ("unreferenced", None, tables, columns): no foreign key into `tables` but from `columns`.
BEFORE = [
    ('table', 'nest_auth_blocked_email_domains', None, False),
    ('table', 'nest_auth_mfa_recovery_codes', None, False),
]

AFTER = [
    ('table', 'nest_auth_mfa_recovery_codes', None, True),
    ('table', 'nest_auth_blocked_email_domains', None, True),
    (
        'unreferenced',
        None,
        ('nest_auth_mfa_recovery_codes', 'nest_auth_blocked_email_domains'),
        (),
    ),
]

#: The statements, per dialect. A string is run as is; ("drop_foreign_key", table,
#: column) drops that column's foreign-key constraint, whatever the server named it.
FORWARD = {
    'postgres': [
        'CREATE TABLE "nest_auth_blocked_email_domains" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "domain" VARCHAR(255) NOT NULL, "source" VARCHAR(32) NOT NULL DEFAULT \'manual\')',
        'CREATE UNIQUE INDEX "nest_auth_blocked_email_domains_domain_idx" ON "nest_auth_blocked_email_domains" ("domain")',
        'CREATE TABLE "nest_auth_mfa_recovery_codes" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "user_id" UUID NOT NULL, "code_hash" VARCHAR(255) NOT NULL, "used_at" TIMESTAMP, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_mfa_recovery_codes_user_id" ON "nest_auth_mfa_recovery_codes" ("user_id")',
    ],
    'mysql': [
        "CREATE TABLE `nest_auth_blocked_email_domains` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `domain` VARCHAR(255) NOT NULL COLLATE utf8mb4_bin, `source` VARCHAR(32) NOT NULL DEFAULT 'manual') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
        'CREATE UNIQUE INDEX `nest_auth_blocked_email_domains_domain_idx` ON `nest_auth_blocked_email_domains` (`domain`)',
        'CREATE TABLE `nest_auth_mfa_recovery_codes` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `user_id` VARCHAR(40) NOT NULL, `code_hash` VARCHAR(255) NOT NULL, `used_at` DATETIME(6), FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
        'CREATE INDEX `nest_auth_mfa_recovery_codes_user_id` ON `nest_auth_mfa_recovery_codes` (`user_id`)',
    ],
    'sqlite': [
        'CREATE TABLE "nest_auth_blocked_email_domains" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "domain" VARCHAR(255) NOT NULL, "source" VARCHAR(32) NOT NULL DEFAULT \'manual\')',
        'CREATE UNIQUE INDEX "nest_auth_blocked_email_domains_domain_idx" ON "nest_auth_blocked_email_domains" ("domain")',
        'CREATE TABLE "nest_auth_mfa_recovery_codes" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "user_id" TEXT NOT NULL, "code_hash" VARCHAR(255) NOT NULL, "used_at" DATETIME, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_mfa_recovery_codes_user_id" ON "nest_auth_mfa_recovery_codes" ("user_id")',
    ],
}

BACKWARD = {
    'postgres': [
        'DROP TABLE "nest_auth_mfa_recovery_codes"',
        'DROP TABLE "nest_auth_blocked_email_domains"',
    ],
    'mysql': [
        'DROP TABLE `nest_auth_mfa_recovery_codes`',
        'DROP TABLE `nest_auth_blocked_email_domains`',
    ],
    'sqlite': [
        'DROP TABLE "nest_auth_mfa_recovery_codes"',
        'DROP TABLE "nest_auth_blocked_email_domains"',
    ],
}


def migrate(migrator, database, *, fake=False):  # peewee-migrate's entry points
    apply(NAME, migrator, database, "migrate", BEFORE, FORWARD)


def rollback(migrator, database, *, fake=False):
    apply(NAME, migrator, database, "rollback", AFTER, BACKWARD)
