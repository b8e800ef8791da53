"""nestauth-peewee migration 007_add_audit_events, written by scripts/make_migration.py from the models:

    + table nest_auth_audit_events

Data only (regenerate it, never edit it silently); nestauth_peewee.schema.migration_runtime_v1 runs it.
"""

from nestauth_peewee.schema.migration_runtime_v1 import apply

NAME = '007_add_audit_events'


#: (kind, table, name, must exist) that must hold before migrate() / before rollback();
#: ("unreferenced", None, tables, columns): no foreign key into `tables` but from `columns`.
BEFORE = [('table', 'nest_auth_audit_events', None, False)]

AFTER = [
    ('table', 'nest_auth_audit_events', None, True),
    ('unreferenced', None, ('nest_auth_audit_events',), ()),
]

#: The statements, per dialect. A string is run as is; ("drop_foreign_key", table,
#: column) drops that column's foreign-key constraint, whatever the server named it.
FORWARD = {
    'postgres': [
        'CREATE TABLE "nest_auth_audit_events" ("id" UUID NOT NULL PRIMARY KEY, "occurred_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "event" VARCHAR(64) NOT NULL, "outcome" VARCHAR(16) NOT NULL DEFAULT \'success\', "actor_id" UUID, "user_id" UUID, "tenant_id" UUID, "ip_address" VARCHAR(45), "user_agent" VARCHAR(512), "detail" JSONB NOT NULL DEFAULT \'{}\')',
        'CREATE INDEX "nest_auth_audit_events_user_idx" ON "nest_auth_audit_events" ("user_id", "occurred_at")',
        'CREATE INDEX "nest_auth_audit_events_occurred_idx" ON "nest_auth_audit_events" ("occurred_at")',
        'CREATE INDEX "nest_auth_audit_events_tenant_idx" ON "nest_auth_audit_events" ("tenant_id", "occurred_at")',
    ],
    'mysql': [
        "CREATE TABLE `nest_auth_audit_events` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `occurred_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `event` VARCHAR(64) NOT NULL, `outcome` VARCHAR(16) NOT NULL DEFAULT 'success', `actor_id` VARCHAR(40), `user_id` VARCHAR(40), `tenant_id` VARCHAR(40), `ip_address` VARCHAR(45), `user_agent` VARCHAR(512), `detail` JSON NOT NULL DEFAULT ('{}')) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
        'CREATE INDEX `nest_auth_audit_events_user_idx` ON `nest_auth_audit_events` (`user_id`, `occurred_at`)',
        'CREATE INDEX `nest_auth_audit_events_occurred_idx` ON `nest_auth_audit_events` (`occurred_at`)',
        'CREATE INDEX `nest_auth_audit_events_tenant_idx` ON `nest_auth_audit_events` (`tenant_id`, `occurred_at`)',
    ],
    'sqlite': [
        'CREATE TABLE "nest_auth_audit_events" ("id" TEXT NOT NULL PRIMARY KEY, "occurred_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "event" VARCHAR(64) NOT NULL, "outcome" VARCHAR(16) NOT NULL DEFAULT \'success\', "actor_id" TEXT, "user_id" TEXT, "tenant_id" TEXT, "ip_address" VARCHAR(45), "user_agent" VARCHAR(512), "detail" TEXT NOT NULL DEFAULT \'{}\')',
        'CREATE INDEX "nest_auth_audit_events_user_idx" ON "nest_auth_audit_events" ("user_id", "occurred_at")',
        'CREATE INDEX "nest_auth_audit_events_occurred_idx" ON "nest_auth_audit_events" ("occurred_at")',
        'CREATE INDEX "nest_auth_audit_events_tenant_idx" ON "nest_auth_audit_events" ("tenant_id", "occurred_at")',
    ],
}

BACKWARD = {
    'postgres': ['DROP TABLE "nest_auth_audit_events"'],
    'mysql': ['DROP TABLE `nest_auth_audit_events`'],
    'sqlite': ['DROP TABLE "nest_auth_audit_events"'],
}


def migrate(migrator, database, *, fake=False):  # peewee-migrate's entry points
    apply(NAME, migrator, database, "migrate", BEFORE, FORWARD)


def rollback(migrator, database, *, fake=False):
    apply(NAME, migrator, database, "rollback", AFTER, BACKWARD)
