"""nestauth-peewee migration 001_initial.

Written by scripts/make_migration.py from the nestauth-peewee models; review it,
commit it, and never edit it silently (regenerate instead). Changes:

    + table nest_auth_users
    + table nest_auth_access_keys
    + table nest_auth_admin_users
    + table nest_auth_identities
    + table nest_auth_mfa_secrets
    + table nest_auth_otps
    + table nest_auth_permissions
    + table nest_auth_platform_accesses
    + table nest_auth_tenants
    + table nest_auth_roles
    + table nest_auth_platform_access_roles
    + table nest_auth_role_permissions
    + table nest_auth_sessions
    + table nest_auth_trusted_devices
    + table nest_auth_user_accesses
    + table nest_auth_user_access_roles

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

import peewee as pw

NAME = '001_initial'


def _dialect(database):
    while isinstance(database, pw.DatabaseProxy):
        database = database.obj
    if isinstance(database, pw.PostgresqlDatabase):
        return "postgres"
    if isinstance(database, pw.MySQLDatabase):
        return "mysql"
    if isinstance(database, pw.SqliteDatabase):
        return "sqlite"
    raise RuntimeError(f"nestauth migration {NAME}: unsupported database {type(database).__name__}")


def _columns(database, table):
    if _dialect(database) == "sqlite":
        quoted = '"' + table.replace('"', '""') + '"'
        return {row[1] for row in database.execute_sql(f"PRAGMA table_xinfo({quoted})").fetchall()}
    return {column.name for column in database.get_columns(table)}


def _check(database, direction, expectations):
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
            present = table in tables and item in _columns(database, table)
            label = f"column {table}.{item}"
        else:
            present = table in tables and item in {i.name for i in database.get_indexes(table)}
            label = f"index {item} on {table}"
        if present != wanted:
            problems.append(f"{label} {'is missing' if wanted else 'already exists'}")
    if problems:
        raise RuntimeError(
            f"nestauth migration {NAME} ({direction}) stopped before changing anything: "
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
        drop = 'ALTER TABLE "{}" DROP CONSTRAINT "{}"'
    else:
        sql = ("SELECT CONSTRAINT_NAME FROM information_schema.KEY_COLUMN_USAGE "
               "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s AND COLUMN_NAME = %s "
               "AND REFERENCED_TABLE_NAME IS NOT NULL")
        drop = "ALTER TABLE `{}` DROP FOREIGN KEY `{}`"
    for (constraint,) in database.execute_sql(sql, (table, column)).fetchall():
        database.execute_sql(drop.format(table, constraint))


def _run(database, step):
    if isinstance(step, str):
        database.execute_sql(step)
    elif step[0] == "drop_foreign_key":
        _drop_foreign_key(database, step[1], step[2])
    else:
        raise RuntimeError(f"nestauth migration {NAME}: unknown step {step!r}")


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


#: (kind, table, name, must exist) that must hold before migrate() / before rollback();
#: ("unreferenced", None, tables, columns): no foreign key into `tables` but from `columns`.
BEFORE = [
    ('table', 'nest_auth_users', None, False),
    ('table', 'nest_auth_access_keys', None, False),
    ('table', 'nest_auth_admin_users', None, False),
    ('table', 'nest_auth_identities', None, False),
    ('table', 'nest_auth_mfa_secrets', None, False),
    ('table', 'nest_auth_otps', None, False),
    ('table', 'nest_auth_permissions', None, False),
    ('table', 'nest_auth_platform_accesses', None, False),
    ('table', 'nest_auth_tenants', None, False),
    ('table', 'nest_auth_roles', None, False),
    ('table', 'nest_auth_platform_access_roles', None, False),
    ('table', 'nest_auth_role_permissions', None, False),
    ('table', 'nest_auth_sessions', None, False),
    ('table', 'nest_auth_trusted_devices', None, False),
    ('table', 'nest_auth_user_accesses', None, False),
    ('table', 'nest_auth_user_access_roles', None, False),
]

AFTER = [
    ('table', 'nest_auth_user_access_roles', None, True),
    ('table', 'nest_auth_user_accesses', None, True),
    ('table', 'nest_auth_trusted_devices', None, True),
    ('table', 'nest_auth_sessions', None, True),
    ('table', 'nest_auth_role_permissions', None, True),
    ('table', 'nest_auth_platform_access_roles', None, True),
    ('table', 'nest_auth_roles', None, True),
    ('table', 'nest_auth_tenants', None, True),
    ('table', 'nest_auth_platform_accesses', None, True),
    ('table', 'nest_auth_permissions', None, True),
    ('table', 'nest_auth_otps', None, True),
    ('table', 'nest_auth_mfa_secrets', None, True),
    ('table', 'nest_auth_identities', None, True),
    ('table', 'nest_auth_admin_users', None, True),
    ('table', 'nest_auth_access_keys', None, True),
    ('table', 'nest_auth_users', None, True),
    (
        'unreferenced',
        None,
        (
            'nest_auth_user_access_roles',
            'nest_auth_user_accesses',
            'nest_auth_trusted_devices',
            'nest_auth_sessions',
            'nest_auth_role_permissions',
            'nest_auth_platform_access_roles',
            'nest_auth_roles',
            'nest_auth_tenants',
            'nest_auth_platform_accesses',
            'nest_auth_permissions',
            'nest_auth_otps',
            'nest_auth_mfa_secrets',
            'nest_auth_identities',
            'nest_auth_admin_users',
            'nest_auth_access_keys',
            'nest_auth_users',
        ),
        (),
    ),
]

#: The statements, per dialect. A string is run as is; ("drop_foreign_key", table,
#: column) drops that column's foreign-key constraint, whatever the server named it.
FORWARD = {
    'postgres': [
        'CREATE TABLE "nest_auth_users" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "email" VARCHAR(255), "email_verified_at" TIMESTAMP, "phone" VARCHAR(32), "phone_verified_at" TIMESTAMP, "password_hash" VARCHAR(255), "is_active" BOOLEAN NOT NULL DEFAULT true, "must_change_password" BOOLEAN NOT NULL DEFAULT false, "metadata" JSONB DEFAULT \'{}\', "is_mfa_enabled" BOOLEAN NOT NULL DEFAULT false, "mfa_recovery_code" VARCHAR(255))',
        'CREATE INDEX "nest_auth_users_email_verified_at" ON "nest_auth_users" ("email_verified_at")',
        'CREATE INDEX "nest_auth_users_phone_verified_at" ON "nest_auth_users" ("phone_verified_at")',
        'CREATE UNIQUE INDEX "nest_auth_users_email_idx" ON "nest_auth_users" ("email")',
        'CREATE UNIQUE INDEX "nest_auth_users_phone_idx" ON "nest_auth_users" ("phone")',
        'CREATE TABLE "nest_auth_access_keys" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "user_id" UUID NOT NULL, "name" VARCHAR(255) NOT NULL, "public_key" VARCHAR(128) NOT NULL, "secret_hash" VARCHAR(128) NOT NULL, "description" VARCHAR(255), "is_active" BOOLEAN NOT NULL DEFAULT true, "expires_at" TIMESTAMP, "last_used_at" TIMESTAMP, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_access_keys_user_id" ON "nest_auth_access_keys" ("user_id")',
        'CREATE UNIQUE INDEX "nest_auth_access_keys_pub_idx" ON "nest_auth_access_keys" ("public_key")',
        'CREATE TABLE "nest_auth_admin_users" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "email" VARCHAR(255) NOT NULL, "name" VARCHAR(255), "password_hash" VARCHAR(255) NOT NULL, "metadata" JSONB DEFAULT \'{}\', "last_login_at" TIMESTAMP, "token_version" INTEGER NOT NULL DEFAULT 0)',
        'CREATE UNIQUE INDEX "nest_auth_admin_users_email_idx" ON "nest_auth_admin_users" ("email")',
        'CREATE TABLE "nest_auth_identities" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "user_id" UUID NOT NULL, "provider" VARCHAR(64) NOT NULL, "provider_id" VARCHAR(255), "metadata" JSONB DEFAULT \'{}\', FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_identities_user_id" ON "nest_auth_identities" ("user_id")',
        'CREATE UNIQUE INDEX "nest_auth_identities_pi_idx" ON "nest_auth_identities" ("provider", "provider_id")',
        'CREATE TABLE "nest_auth_mfa_secrets" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "user_id" UUID NOT NULL, "secret" VARCHAR(255) NOT NULL, "verified" BOOLEAN NOT NULL DEFAULT false, "device_name" VARCHAR(255), "last_used_at" TIMESTAMP, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_mfa_secrets_user_id" ON "nest_auth_mfa_secrets" ("user_id")',
        'CREATE TABLE "nest_auth_otps" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "user_id" UUID NOT NULL, "code_hash" VARCHAR(128) NOT NULL, "type" VARCHAR(32) NOT NULL, "expires_at" TIMESTAMP NOT NULL, "attempts" INTEGER NOT NULL DEFAULT 0, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_otps_expires_at" ON "nest_auth_otps" ("expires_at")',
        'CREATE INDEX "nest_auth_otps_user_type_idx" ON "nest_auth_otps" ("user_id", "type")',
        'CREATE TABLE "nest_auth_permissions" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "name" VARCHAR(255) NOT NULL, "guard" VARCHAR(64) NOT NULL DEFAULT \'web\', "description" TEXT, "category" VARCHAR(255))',
        'CREATE INDEX "nest_auth_permissions_guard" ON "nest_auth_permissions" ("guard")',
        'CREATE UNIQUE INDEX "nest_auth_permissions_ng_idx" ON "nest_auth_permissions" ("name", "guard")',
        'CREATE TABLE "nest_auth_platform_accesses" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "user_id" UUID NOT NULL, "is_active" BOOLEAN NOT NULL DEFAULT true, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        'CREATE UNIQUE INDEX "nest_auth_platform_accesses_user_idx" ON "nest_auth_platform_accesses" ("user_id")',
        'CREATE TABLE "nest_auth_tenants" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "name" VARCHAR(255) NOT NULL, "slug" VARCHAR(255), "description" VARCHAR(255), "metadata" JSONB DEFAULT \'{}\', "is_active" BOOLEAN NOT NULL DEFAULT true)',
        'CREATE UNIQUE INDEX "nest_auth_tenants_slug_idx" ON "nest_auth_tenants" ("slug")',
        'CREATE TABLE "nest_auth_roles" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "name" VARCHAR(255) NOT NULL, "guard" VARCHAR(64) NOT NULL DEFAULT \'web\', "tenant_id" UUID, "is_system" BOOLEAN NOT NULL DEFAULT false, "is_active" BOOLEAN NOT NULL DEFAULT true, "tenant_key" TEXT GENERATED ALWAYS AS (COALESCE(CAST("tenant_id" AS TEXT), \'\')) STORED, FOREIGN KEY ("tenant_id") REFERENCES "nest_auth_tenants" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_roles_tenant_id" ON "nest_auth_roles" ("tenant_id")',
        'CREATE UNIQUE INDEX "nest_auth_roles_scope_idx" ON "nest_auth_roles" ("name", "guard", "tenant_key")',
        'CREATE TABLE "nest_auth_platform_access_roles" ("platform_access_id" UUID NOT NULL, "role_id" UUID NOT NULL, PRIMARY KEY ("platform_access_id", "role_id"), FOREIGN KEY ("platform_access_id") REFERENCES "nest_auth_platform_accesses" ("id") ON DELETE CASCADE, FOREIGN KEY ("role_id") REFERENCES "nest_auth_roles" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_platform_access_roles_role_id" ON "nest_auth_platform_access_roles" ("role_id")',
        'CREATE TABLE "nest_auth_role_permissions" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "role_id" UUID NOT NULL, "permission_id" UUID NOT NULL, FOREIGN KEY ("role_id") REFERENCES "nest_auth_roles" ("id") ON DELETE CASCADE, FOREIGN KEY ("permission_id") REFERENCES "nest_auth_permissions" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_role_permissions_permission_id" ON "nest_auth_role_permissions" ("permission_id")',
        'CREATE UNIQUE INDEX "nest_auth_role_permissions_rp_idx" ON "nest_auth_role_permissions" ("role_id", "permission_id")',
        'CREATE TABLE "nest_auth_sessions" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "user_id" UUID NOT NULL, "data" JSONB DEFAULT \'{}\', "refresh_token_hash" VARCHAR(128), "expires_at" TIMESTAMP, "user_agent" VARCHAR(512), "device_name" VARCHAR(255), "ip_address" VARCHAR(45), "last_active" TIMESTAMP, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_sessions_expires_at" ON "nest_auth_sessions" ("expires_at")',
        'CREATE INDEX "nest_auth_sessions_user_idx" ON "nest_auth_sessions" ("user_id")',
        'CREATE UNIQUE INDEX "nest_auth_sessions_refresh_token_idx" ON "nest_auth_sessions" ("refresh_token_hash")',
        'CREATE TABLE "nest_auth_trusted_devices" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "user_id" UUID NOT NULL, "token_hash" VARCHAR(128) NOT NULL, "user_agent" VARCHAR(512), "ip_address" VARCHAR(45), "expires_at" TIMESTAMP NOT NULL, "revoked_at" TIMESTAMP, "last_used_at" TIMESTAMP, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_trusted_devices_user_id" ON "nest_auth_trusted_devices" ("user_id")',
        'CREATE INDEX "nest_auth_trusted_devices_token_hash" ON "nest_auth_trusted_devices" ("token_hash")',
        'CREATE INDEX "nest_auth_trusted_devices_expires_at" ON "nest_auth_trusted_devices" ("expires_at")',
        'CREATE TABLE "nest_auth_user_accesses" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "user_id" UUID NOT NULL, "tenant_id" UUID, "is_default" BOOLEAN NOT NULL DEFAULT false, "status" VARCHAR(32) NOT NULL DEFAULT \'active\', "metadata" JSONB DEFAULT \'{}\', "tenant_key" TEXT GENERATED ALWAYS AS (COALESCE(CAST("tenant_id" AS TEXT), \'\')) STORED, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE, FOREIGN KEY ("tenant_id") REFERENCES "nest_auth_tenants" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_user_accesses_tenant_id" ON "nest_auth_user_accesses" ("tenant_id")',
        'CREATE UNIQUE INDEX "nest_auth_user_access_ut_idx" ON "nest_auth_user_accesses" ("user_id", "tenant_id")',
        'CREATE UNIQUE INDEX "nest_auth_user_access_scope_idx" ON "nest_auth_user_accesses" ("user_id", "tenant_key")',
        'CREATE TABLE "nest_auth_user_access_roles" ("user_access_id" UUID NOT NULL, "role_id" UUID NOT NULL, PRIMARY KEY ("user_access_id", "role_id"), FOREIGN KEY ("user_access_id") REFERENCES "nest_auth_user_accesses" ("id") ON DELETE CASCADE, FOREIGN KEY ("role_id") REFERENCES "nest_auth_roles" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_user_access_roles_role_id" ON "nest_auth_user_access_roles" ("role_id")',
    ],
    'mysql': [
        "CREATE TABLE `nest_auth_users` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `email` VARCHAR(255) COLLATE utf8mb4_bin, `email_verified_at` DATETIME(6), `phone` VARCHAR(32) COLLATE utf8mb4_bin, `phone_verified_at` DATETIME(6), `password_hash` VARCHAR(255), `is_active` BOOL NOT NULL DEFAULT 1, `must_change_password` BOOL NOT NULL DEFAULT 0, `metadata` JSON DEFAULT ('{}'), `is_mfa_enabled` BOOL NOT NULL DEFAULT 0, `mfa_recovery_code` VARCHAR(255)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
        'CREATE INDEX `nest_auth_users_email_verified_at` ON `nest_auth_users` (`email_verified_at`)',
        'CREATE INDEX `nest_auth_users_phone_verified_at` ON `nest_auth_users` (`phone_verified_at`)',
        'CREATE UNIQUE INDEX `nest_auth_users_email_idx` ON `nest_auth_users` (`email`)',
        'CREATE UNIQUE INDEX `nest_auth_users_phone_idx` ON `nest_auth_users` (`phone`)',
        'CREATE TABLE `nest_auth_access_keys` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `user_id` VARCHAR(40) NOT NULL, `name` VARCHAR(255) NOT NULL, `public_key` VARCHAR(128) NOT NULL COLLATE utf8mb4_bin, `secret_hash` VARCHAR(128) NOT NULL, `description` VARCHAR(255), `is_active` BOOL NOT NULL DEFAULT 1, `expires_at` DATETIME(6), `last_used_at` DATETIME(6), FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
        'CREATE INDEX `nest_auth_access_keys_user_id` ON `nest_auth_access_keys` (`user_id`)',
        'CREATE UNIQUE INDEX `nest_auth_access_keys_pub_idx` ON `nest_auth_access_keys` (`public_key`)',
        "CREATE TABLE `nest_auth_admin_users` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `email` VARCHAR(255) NOT NULL COLLATE utf8mb4_bin, `name` VARCHAR(255), `password_hash` VARCHAR(255) NOT NULL, `metadata` JSON DEFAULT ('{}'), `last_login_at` DATETIME(6), `token_version` INTEGER NOT NULL DEFAULT 0) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
        'CREATE UNIQUE INDEX `nest_auth_admin_users_email_idx` ON `nest_auth_admin_users` (`email`)',
        "CREATE TABLE `nest_auth_identities` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `user_id` VARCHAR(40) NOT NULL, `provider` VARCHAR(64) NOT NULL COLLATE utf8mb4_bin, `provider_id` VARCHAR(255) COLLATE utf8mb4_bin, `metadata` JSON DEFAULT ('{}'), FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
        'CREATE INDEX `nest_auth_identities_user_id` ON `nest_auth_identities` (`user_id`)',
        'CREATE UNIQUE INDEX `nest_auth_identities_pi_idx` ON `nest_auth_identities` (`provider`, `provider_id`)',
        'CREATE TABLE `nest_auth_mfa_secrets` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `user_id` VARCHAR(40) NOT NULL, `secret` VARCHAR(255) NOT NULL, `verified` BOOL NOT NULL DEFAULT 0, `device_name` VARCHAR(255), `last_used_at` DATETIME(6), FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
        'CREATE INDEX `nest_auth_mfa_secrets_user_id` ON `nest_auth_mfa_secrets` (`user_id`)',
        'CREATE TABLE `nest_auth_otps` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `user_id` VARCHAR(40) NOT NULL, `code_hash` VARCHAR(128) NOT NULL, `type` VARCHAR(32) NOT NULL, `expires_at` DATETIME(6) NOT NULL, `attempts` INTEGER NOT NULL DEFAULT 0, FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
        'CREATE INDEX `nest_auth_otps_expires_at` ON `nest_auth_otps` (`expires_at`)',
        'CREATE INDEX `nest_auth_otps_user_type_idx` ON `nest_auth_otps` (`user_id`, `type`)',
        "CREATE TABLE `nest_auth_permissions` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `name` VARCHAR(255) NOT NULL COLLATE utf8mb4_bin, `guard` VARCHAR(64) NOT NULL DEFAULT 'web' COLLATE utf8mb4_bin, `description` TEXT, `category` VARCHAR(255)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
        'CREATE INDEX `nest_auth_permissions_guard` ON `nest_auth_permissions` (`guard`)',
        'CREATE UNIQUE INDEX `nest_auth_permissions_ng_idx` ON `nest_auth_permissions` (`name`, `guard`)',
        'CREATE TABLE `nest_auth_platform_accesses` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `user_id` VARCHAR(40) NOT NULL, `is_active` BOOL NOT NULL DEFAULT 1, FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
        'CREATE UNIQUE INDEX `nest_auth_platform_accesses_user_idx` ON `nest_auth_platform_accesses` (`user_id`)',
        "CREATE TABLE `nest_auth_tenants` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `name` VARCHAR(255) NOT NULL, `slug` VARCHAR(255) COLLATE utf8mb4_bin, `description` VARCHAR(255), `metadata` JSON DEFAULT ('{}'), `is_active` BOOL NOT NULL DEFAULT 1) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
        'CREATE UNIQUE INDEX `nest_auth_tenants_slug_idx` ON `nest_auth_tenants` (`slug`)',
        "CREATE TABLE `nest_auth_roles` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `name` VARCHAR(255) NOT NULL COLLATE utf8mb4_bin, `guard` VARCHAR(64) NOT NULL DEFAULT 'web' COLLATE utf8mb4_bin, `tenant_id` VARCHAR(40), `is_system` BOOL NOT NULL DEFAULT 0, `is_active` BOOL NOT NULL DEFAULT 1, `tenant_key` VARCHAR(40) GENERATED ALWAYS AS (COALESCE(`tenant_id`, '')) VIRTUAL, FOREIGN KEY (`tenant_id`) REFERENCES `nest_auth_tenants` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
        'CREATE INDEX `nest_auth_roles_tenant_id` ON `nest_auth_roles` (`tenant_id`)',
        'CREATE UNIQUE INDEX `nest_auth_roles_scope_idx` ON `nest_auth_roles` (`name`, `guard`, `tenant_key`)',
        'CREATE TABLE `nest_auth_platform_access_roles` (`platform_access_id` VARCHAR(40) NOT NULL, `role_id` VARCHAR(40) NOT NULL, PRIMARY KEY (`platform_access_id`, `role_id`), FOREIGN KEY (`platform_access_id`) REFERENCES `nest_auth_platform_accesses` (`id`) ON DELETE CASCADE, FOREIGN KEY (`role_id`) REFERENCES `nest_auth_roles` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
        'CREATE INDEX `nest_auth_platform_access_roles_role_id` ON `nest_auth_platform_access_roles` (`role_id`)',
        'CREATE TABLE `nest_auth_role_permissions` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `role_id` VARCHAR(40) NOT NULL, `permission_id` VARCHAR(40) NOT NULL, FOREIGN KEY (`role_id`) REFERENCES `nest_auth_roles` (`id`) ON DELETE CASCADE, FOREIGN KEY (`permission_id`) REFERENCES `nest_auth_permissions` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
        'CREATE INDEX `nest_auth_role_permissions_permission_id` ON `nest_auth_role_permissions` (`permission_id`)',
        'CREATE UNIQUE INDEX `nest_auth_role_permissions_rp_idx` ON `nest_auth_role_permissions` (`role_id`, `permission_id`)',
        "CREATE TABLE `nest_auth_sessions` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `user_id` VARCHAR(40) NOT NULL, `data` JSON DEFAULT ('{}'), `refresh_token_hash` VARCHAR(128) COLLATE utf8mb4_bin, `expires_at` DATETIME(6), `user_agent` VARCHAR(512), `device_name` VARCHAR(255), `ip_address` VARCHAR(45), `last_active` DATETIME(6), FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
        'CREATE INDEX `nest_auth_sessions_expires_at` ON `nest_auth_sessions` (`expires_at`)',
        'CREATE INDEX `nest_auth_sessions_user_idx` ON `nest_auth_sessions` (`user_id`)',
        'CREATE UNIQUE INDEX `nest_auth_sessions_refresh_token_idx` ON `nest_auth_sessions` (`refresh_token_hash`)',
        'CREATE TABLE `nest_auth_trusted_devices` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `user_id` VARCHAR(40) NOT NULL, `token_hash` VARCHAR(128) NOT NULL COLLATE utf8mb4_bin, `user_agent` VARCHAR(512), `ip_address` VARCHAR(45), `expires_at` DATETIME(6) NOT NULL, `revoked_at` DATETIME(6), `last_used_at` DATETIME(6), FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
        'CREATE INDEX `nest_auth_trusted_devices_user_id` ON `nest_auth_trusted_devices` (`user_id`)',
        'CREATE INDEX `nest_auth_trusted_devices_token_hash` ON `nest_auth_trusted_devices` (`token_hash`)',
        'CREATE INDEX `nest_auth_trusted_devices_expires_at` ON `nest_auth_trusted_devices` (`expires_at`)',
        "CREATE TABLE `nest_auth_user_accesses` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `user_id` VARCHAR(40) NOT NULL, `tenant_id` VARCHAR(40), `is_default` BOOL NOT NULL DEFAULT 0, `status` VARCHAR(32) NOT NULL DEFAULT 'active', `metadata` JSON DEFAULT ('{}'), `tenant_key` VARCHAR(40) GENERATED ALWAYS AS (COALESCE(`tenant_id`, '')) VIRTUAL, FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE, FOREIGN KEY (`tenant_id`) REFERENCES `nest_auth_tenants` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
        'CREATE INDEX `nest_auth_user_accesses_tenant_id` ON `nest_auth_user_accesses` (`tenant_id`)',
        'CREATE UNIQUE INDEX `nest_auth_user_access_ut_idx` ON `nest_auth_user_accesses` (`user_id`, `tenant_id`)',
        'CREATE UNIQUE INDEX `nest_auth_user_access_scope_idx` ON `nest_auth_user_accesses` (`user_id`, `tenant_key`)',
        'CREATE TABLE `nest_auth_user_access_roles` (`user_access_id` VARCHAR(40) NOT NULL, `role_id` VARCHAR(40) NOT NULL, PRIMARY KEY (`user_access_id`, `role_id`), FOREIGN KEY (`user_access_id`) REFERENCES `nest_auth_user_accesses` (`id`) ON DELETE CASCADE, FOREIGN KEY (`role_id`) REFERENCES `nest_auth_roles` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
        'CREATE INDEX `nest_auth_user_access_roles_role_id` ON `nest_auth_user_access_roles` (`role_id`)',
    ],
    'sqlite': [
        'CREATE TABLE "nest_auth_users" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "email" VARCHAR(255), "email_verified_at" DATETIME, "phone" VARCHAR(32), "phone_verified_at" DATETIME, "password_hash" VARCHAR(255), "is_active" INTEGER NOT NULL DEFAULT 1, "must_change_password" INTEGER NOT NULL DEFAULT 0, "metadata" TEXT DEFAULT \'{}\', "is_mfa_enabled" INTEGER NOT NULL DEFAULT 0, "mfa_recovery_code" VARCHAR(255))',
        'CREATE INDEX "nest_auth_users_email_verified_at" ON "nest_auth_users" ("email_verified_at")',
        'CREATE INDEX "nest_auth_users_phone_verified_at" ON "nest_auth_users" ("phone_verified_at")',
        'CREATE UNIQUE INDEX "nest_auth_users_email_idx" ON "nest_auth_users" ("email")',
        'CREATE UNIQUE INDEX "nest_auth_users_phone_idx" ON "nest_auth_users" ("phone")',
        'CREATE TABLE "nest_auth_access_keys" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "user_id" TEXT NOT NULL, "name" VARCHAR(255) NOT NULL, "public_key" VARCHAR(128) NOT NULL, "secret_hash" VARCHAR(128) NOT NULL, "description" VARCHAR(255), "is_active" INTEGER NOT NULL DEFAULT 1, "expires_at" DATETIME, "last_used_at" DATETIME, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_access_keys_user_id" ON "nest_auth_access_keys" ("user_id")',
        'CREATE UNIQUE INDEX "nest_auth_access_keys_pub_idx" ON "nest_auth_access_keys" ("public_key")',
        'CREATE TABLE "nest_auth_admin_users" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "email" VARCHAR(255) NOT NULL, "name" VARCHAR(255), "password_hash" VARCHAR(255) NOT NULL, "metadata" TEXT DEFAULT \'{}\', "last_login_at" DATETIME, "token_version" INTEGER NOT NULL DEFAULT 0)',
        'CREATE UNIQUE INDEX "nest_auth_admin_users_email_idx" ON "nest_auth_admin_users" ("email")',
        'CREATE TABLE "nest_auth_identities" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "user_id" TEXT NOT NULL, "provider" VARCHAR(64) NOT NULL, "provider_id" VARCHAR(255), "metadata" TEXT DEFAULT \'{}\', FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_identities_user_id" ON "nest_auth_identities" ("user_id")',
        'CREATE UNIQUE INDEX "nest_auth_identities_pi_idx" ON "nest_auth_identities" ("provider", "provider_id")',
        'CREATE TABLE "nest_auth_mfa_secrets" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "user_id" TEXT NOT NULL, "secret" VARCHAR(255) NOT NULL, "verified" INTEGER NOT NULL DEFAULT 0, "device_name" VARCHAR(255), "last_used_at" DATETIME, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_mfa_secrets_user_id" ON "nest_auth_mfa_secrets" ("user_id")',
        'CREATE TABLE "nest_auth_otps" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "user_id" TEXT NOT NULL, "code_hash" VARCHAR(128) NOT NULL, "type" VARCHAR(32) NOT NULL, "expires_at" DATETIME NOT NULL, "attempts" INTEGER NOT NULL DEFAULT 0, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_otps_expires_at" ON "nest_auth_otps" ("expires_at")',
        'CREATE INDEX "nest_auth_otps_user_type_idx" ON "nest_auth_otps" ("user_id", "type")',
        'CREATE TABLE "nest_auth_permissions" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "name" VARCHAR(255) NOT NULL, "guard" VARCHAR(64) NOT NULL DEFAULT \'web\', "description" TEXT, "category" VARCHAR(255))',
        'CREATE INDEX "nest_auth_permissions_guard" ON "nest_auth_permissions" ("guard")',
        'CREATE UNIQUE INDEX "nest_auth_permissions_ng_idx" ON "nest_auth_permissions" ("name", "guard")',
        'CREATE TABLE "nest_auth_platform_accesses" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "user_id" TEXT NOT NULL, "is_active" INTEGER NOT NULL DEFAULT 1, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        'CREATE UNIQUE INDEX "nest_auth_platform_accesses_user_idx" ON "nest_auth_platform_accesses" ("user_id")',
        'CREATE TABLE "nest_auth_tenants" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "name" VARCHAR(255) NOT NULL, "slug" VARCHAR(255), "description" VARCHAR(255), "metadata" TEXT DEFAULT \'{}\', "is_active" INTEGER NOT NULL DEFAULT 1)',
        'CREATE UNIQUE INDEX "nest_auth_tenants_slug_idx" ON "nest_auth_tenants" ("slug")',
        'CREATE TABLE "nest_auth_roles" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "name" VARCHAR(255) NOT NULL, "guard" VARCHAR(64) NOT NULL DEFAULT \'web\', "tenant_id" TEXT, "is_system" INTEGER NOT NULL DEFAULT 0, "is_active" INTEGER NOT NULL DEFAULT 1, "tenant_key" TEXT GENERATED ALWAYS AS (COALESCE("tenant_id", \'\')) VIRTUAL, FOREIGN KEY ("tenant_id") REFERENCES "nest_auth_tenants" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_roles_tenant_id" ON "nest_auth_roles" ("tenant_id")',
        'CREATE UNIQUE INDEX "nest_auth_roles_scope_idx" ON "nest_auth_roles" ("name", "guard", "tenant_key")',
        'CREATE TABLE "nest_auth_platform_access_roles" ("platform_access_id" TEXT NOT NULL, "role_id" TEXT NOT NULL, PRIMARY KEY ("platform_access_id", "role_id"), FOREIGN KEY ("platform_access_id") REFERENCES "nest_auth_platform_accesses" ("id") ON DELETE CASCADE, FOREIGN KEY ("role_id") REFERENCES "nest_auth_roles" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_platform_access_roles_role_id" ON "nest_auth_platform_access_roles" ("role_id")',
        'CREATE TABLE "nest_auth_role_permissions" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "role_id" TEXT NOT NULL, "permission_id" TEXT NOT NULL, FOREIGN KEY ("role_id") REFERENCES "nest_auth_roles" ("id") ON DELETE CASCADE, FOREIGN KEY ("permission_id") REFERENCES "nest_auth_permissions" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_role_permissions_permission_id" ON "nest_auth_role_permissions" ("permission_id")',
        'CREATE UNIQUE INDEX "nest_auth_role_permissions_rp_idx" ON "nest_auth_role_permissions" ("role_id", "permission_id")',
        'CREATE TABLE "nest_auth_sessions" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "user_id" TEXT NOT NULL, "data" TEXT DEFAULT \'{}\', "refresh_token_hash" VARCHAR(128), "expires_at" DATETIME, "user_agent" VARCHAR(512), "device_name" VARCHAR(255), "ip_address" VARCHAR(45), "last_active" DATETIME, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_sessions_expires_at" ON "nest_auth_sessions" ("expires_at")',
        'CREATE INDEX "nest_auth_sessions_user_idx" ON "nest_auth_sessions" ("user_id")',
        'CREATE UNIQUE INDEX "nest_auth_sessions_refresh_token_idx" ON "nest_auth_sessions" ("refresh_token_hash")',
        'CREATE TABLE "nest_auth_trusted_devices" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "user_id" TEXT NOT NULL, "token_hash" VARCHAR(128) NOT NULL, "user_agent" VARCHAR(512), "ip_address" VARCHAR(45), "expires_at" DATETIME NOT NULL, "revoked_at" DATETIME, "last_used_at" DATETIME, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_trusted_devices_user_id" ON "nest_auth_trusted_devices" ("user_id")',
        'CREATE INDEX "nest_auth_trusted_devices_token_hash" ON "nest_auth_trusted_devices" ("token_hash")',
        'CREATE INDEX "nest_auth_trusted_devices_expires_at" ON "nest_auth_trusted_devices" ("expires_at")',
        'CREATE TABLE "nest_auth_user_accesses" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "user_id" TEXT NOT NULL, "tenant_id" TEXT, "is_default" INTEGER NOT NULL DEFAULT 0, "status" VARCHAR(32) NOT NULL DEFAULT \'active\', "metadata" TEXT DEFAULT \'{}\', "tenant_key" TEXT GENERATED ALWAYS AS (COALESCE("tenant_id", \'\')) VIRTUAL, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE, FOREIGN KEY ("tenant_id") REFERENCES "nest_auth_tenants" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_user_accesses_tenant_id" ON "nest_auth_user_accesses" ("tenant_id")',
        'CREATE UNIQUE INDEX "nest_auth_user_access_ut_idx" ON "nest_auth_user_accesses" ("user_id", "tenant_id")',
        'CREATE UNIQUE INDEX "nest_auth_user_access_scope_idx" ON "nest_auth_user_accesses" ("user_id", "tenant_key")',
        'CREATE TABLE "nest_auth_user_access_roles" ("user_access_id" TEXT NOT NULL, "role_id" TEXT NOT NULL, PRIMARY KEY ("user_access_id", "role_id"), FOREIGN KEY ("user_access_id") REFERENCES "nest_auth_user_accesses" ("id") ON DELETE CASCADE, FOREIGN KEY ("role_id") REFERENCES "nest_auth_roles" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "nest_auth_user_access_roles_role_id" ON "nest_auth_user_access_roles" ("role_id")',
    ],
}

BACKWARD = {
    'postgres': [
        'DROP TABLE "nest_auth_user_access_roles"',
        'DROP TABLE "nest_auth_user_accesses"',
        'DROP TABLE "nest_auth_trusted_devices"',
        'DROP TABLE "nest_auth_sessions"',
        'DROP TABLE "nest_auth_role_permissions"',
        'DROP TABLE "nest_auth_platform_access_roles"',
        'DROP TABLE "nest_auth_roles"',
        'DROP TABLE "nest_auth_tenants"',
        'DROP TABLE "nest_auth_platform_accesses"',
        'DROP TABLE "nest_auth_permissions"',
        'DROP TABLE "nest_auth_otps"',
        'DROP TABLE "nest_auth_mfa_secrets"',
        'DROP TABLE "nest_auth_identities"',
        'DROP TABLE "nest_auth_admin_users"',
        'DROP TABLE "nest_auth_access_keys"',
        'DROP TABLE "nest_auth_users"',
    ],
    'mysql': [
        'DROP TABLE `nest_auth_user_access_roles`',
        'DROP TABLE `nest_auth_user_accesses`',
        'DROP TABLE `nest_auth_trusted_devices`',
        'DROP TABLE `nest_auth_sessions`',
        'DROP TABLE `nest_auth_role_permissions`',
        'DROP TABLE `nest_auth_platform_access_roles`',
        'DROP TABLE `nest_auth_roles`',
        'DROP TABLE `nest_auth_tenants`',
        'DROP TABLE `nest_auth_platform_accesses`',
        'DROP TABLE `nest_auth_permissions`',
        'DROP TABLE `nest_auth_otps`',
        'DROP TABLE `nest_auth_mfa_secrets`',
        'DROP TABLE `nest_auth_identities`',
        'DROP TABLE `nest_auth_admin_users`',
        'DROP TABLE `nest_auth_access_keys`',
        'DROP TABLE `nest_auth_users`',
    ],
    'sqlite': [
        'DROP TABLE "nest_auth_user_access_roles"',
        'DROP TABLE "nest_auth_user_accesses"',
        'DROP TABLE "nest_auth_trusted_devices"',
        'DROP TABLE "nest_auth_sessions"',
        'DROP TABLE "nest_auth_role_permissions"',
        'DROP TABLE "nest_auth_platform_access_roles"',
        'DROP TABLE "nest_auth_roles"',
        'DROP TABLE "nest_auth_tenants"',
        'DROP TABLE "nest_auth_platform_accesses"',
        'DROP TABLE "nest_auth_permissions"',
        'DROP TABLE "nest_auth_otps"',
        'DROP TABLE "nest_auth_mfa_secrets"',
        'DROP TABLE "nest_auth_identities"',
        'DROP TABLE "nest_auth_admin_users"',
        'DROP TABLE "nest_auth_access_keys"',
        'DROP TABLE "nest_auth_users"',
    ],
}

#: The whole schema after this migration, as the next migration's starting point.
STATE = {
    'nest_auth_users': {
        'create': {
            'postgres': 'CREATE TABLE "nest_auth_users" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "email" VARCHAR(255), "email_verified_at" TIMESTAMP, "phone" VARCHAR(32), "phone_verified_at" TIMESTAMP, "password_hash" VARCHAR(255), "is_active" BOOLEAN NOT NULL DEFAULT true, "must_change_password" BOOLEAN NOT NULL DEFAULT false, "metadata" JSONB DEFAULT \'{}\', "is_mfa_enabled" BOOLEAN NOT NULL DEFAULT false, "mfa_recovery_code" VARCHAR(255))',
            'mysql': "CREATE TABLE `nest_auth_users` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `email` VARCHAR(255) COLLATE utf8mb4_bin, `email_verified_at` DATETIME(6), `phone` VARCHAR(32) COLLATE utf8mb4_bin, `phone_verified_at` DATETIME(6), `password_hash` VARCHAR(255), `is_active` BOOL NOT NULL DEFAULT 1, `must_change_password` BOOL NOT NULL DEFAULT 0, `metadata` JSON DEFAULT ('{}'), `is_mfa_enabled` BOOL NOT NULL DEFAULT 0, `mfa_recovery_code` VARCHAR(255)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
            'sqlite': 'CREATE TABLE "nest_auth_users" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "email" VARCHAR(255), "email_verified_at" DATETIME, "phone" VARCHAR(32), "phone_verified_at" DATETIME, "password_hash" VARCHAR(255), "is_active" INTEGER NOT NULL DEFAULT 1, "must_change_password" INTEGER NOT NULL DEFAULT 0, "metadata" TEXT DEFAULT \'{}\', "is_mfa_enabled" INTEGER NOT NULL DEFAULT 0, "mfa_recovery_code" VARCHAR(255))',
        },
        'columns': {
            'id': {
                'ddl': {
                    'postgres': '"id" UUID NOT NULL PRIMARY KEY',
                    'mysql': '`id` VARCHAR(40) NOT NULL PRIMARY KEY',
                    'sqlite': '"id" TEXT NOT NULL PRIMARY KEY',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': None,
            },
            'created_at': {
                'ddl': {
                    'postgres': '"created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'updated_at': {
                'ddl': {
                    'postgres': '"updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'email': {
                'ddl': {
                    'postgres': '"email" VARCHAR(255)',
                    'mysql': '`email` VARCHAR(255) COLLATE utf8mb4_bin',
                    'sqlite': '"email" VARCHAR(255)',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'email_verified_at': {
                'ddl': {
                    'postgres': '"email_verified_at" TIMESTAMP',
                    'mysql': '`email_verified_at` DATETIME(6)',
                    'sqlite': '"email_verified_at" DATETIME',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'phone': {
                'ddl': {
                    'postgres': '"phone" VARCHAR(32)',
                    'mysql': '`phone` VARCHAR(32) COLLATE utf8mb4_bin',
                    'sqlite': '"phone" VARCHAR(32)',
                },
                'type': {'postgres': 'VARCHAR(32)', 'mysql': 'VARCHAR(32)', 'sqlite': 'VARCHAR(32)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'phone_verified_at': {
                'ddl': {
                    'postgres': '"phone_verified_at" TIMESTAMP',
                    'mysql': '`phone_verified_at` DATETIME(6)',
                    'sqlite': '"phone_verified_at" DATETIME',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'password_hash': {
                'ddl': {
                    'postgres': '"password_hash" VARCHAR(255)',
                    'mysql': '`password_hash` VARCHAR(255)',
                    'sqlite': '"password_hash" VARCHAR(255)',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'is_active': {
                'ddl': {
                    'postgres': '"is_active" BOOLEAN NOT NULL DEFAULT true',
                    'mysql': '`is_active` BOOL NOT NULL DEFAULT 1',
                    'sqlite': '"is_active" INTEGER NOT NULL DEFAULT 1',
                },
                'type': {'postgres': 'BOOLEAN', 'mysql': 'BOOL', 'sqlite': 'INTEGER'},
                'default': {'postgres': 'true', 'mysql': '1', 'sqlite': '1'},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'must_change_password': {
                'ddl': {
                    'postgres': '"must_change_password" BOOLEAN NOT NULL DEFAULT false',
                    'mysql': '`must_change_password` BOOL NOT NULL DEFAULT 0',
                    'sqlite': '"must_change_password" INTEGER NOT NULL DEFAULT 0',
                },
                'type': {'postgres': 'BOOLEAN', 'mysql': 'BOOL', 'sqlite': 'INTEGER'},
                'default': {'postgres': 'false', 'mysql': '0', 'sqlite': '0'},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'metadata': {
                'ddl': {
                    'postgres': '"metadata" JSONB DEFAULT \'{}\'',
                    'mysql': "`metadata` JSON DEFAULT ('{}')",
                    'sqlite': '"metadata" TEXT DEFAULT \'{}\'',
                },
                'type': {'postgres': 'JSONB', 'mysql': 'JSON', 'sqlite': 'TEXT'},
                'default': {'postgres': "'{}'", 'mysql': "('{}')", 'sqlite': "'{}'"},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'is_mfa_enabled': {
                'ddl': {
                    'postgres': '"is_mfa_enabled" BOOLEAN NOT NULL DEFAULT false',
                    'mysql': '`is_mfa_enabled` BOOL NOT NULL DEFAULT 0',
                    'sqlite': '"is_mfa_enabled" INTEGER NOT NULL DEFAULT 0',
                },
                'type': {'postgres': 'BOOLEAN', 'mysql': 'BOOL', 'sqlite': 'INTEGER'},
                'default': {'postgres': 'false', 'mysql': '0', 'sqlite': '0'},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'mfa_recovery_code': {
                'ddl': {
                    'postgres': '"mfa_recovery_code" VARCHAR(255)',
                    'mysql': '`mfa_recovery_code` VARCHAR(255)',
                    'sqlite': '"mfa_recovery_code" VARCHAR(255)',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
        },
        'indexes': {
            'nest_auth_users_email_verified_at': {
                'columns': ['email_verified_at'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_users_email_verified_at" ON "nest_auth_users" ("email_verified_at")',
                    'mysql': 'CREATE INDEX `nest_auth_users_email_verified_at` ON `nest_auth_users` (`email_verified_at`)',
                    'sqlite': 'CREATE INDEX "nest_auth_users_email_verified_at" ON "nest_auth_users" ("email_verified_at")',
                },
            },
            'nest_auth_users_phone_verified_at': {
                'columns': ['phone_verified_at'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_users_phone_verified_at" ON "nest_auth_users" ("phone_verified_at")',
                    'mysql': 'CREATE INDEX `nest_auth_users_phone_verified_at` ON `nest_auth_users` (`phone_verified_at`)',
                    'sqlite': 'CREATE INDEX "nest_auth_users_phone_verified_at" ON "nest_auth_users" ("phone_verified_at")',
                },
            },
            'nest_auth_users_email_idx': {
                'columns': ['email'],
                'unique': True,
                'create': {
                    'postgres': 'CREATE UNIQUE INDEX "nest_auth_users_email_idx" ON "nest_auth_users" ("email")',
                    'mysql': 'CREATE UNIQUE INDEX `nest_auth_users_email_idx` ON `nest_auth_users` (`email`)',
                    'sqlite': 'CREATE UNIQUE INDEX "nest_auth_users_email_idx" ON "nest_auth_users" ("email")',
                },
            },
            'nest_auth_users_phone_idx': {
                'columns': ['phone'],
                'unique': True,
                'create': {
                    'postgres': 'CREATE UNIQUE INDEX "nest_auth_users_phone_idx" ON "nest_auth_users" ("phone")',
                    'mysql': 'CREATE UNIQUE INDEX `nest_auth_users_phone_idx` ON `nest_auth_users` (`phone`)',
                    'sqlite': 'CREATE UNIQUE INDEX "nest_auth_users_phone_idx" ON "nest_auth_users" ("phone")',
                },
            },
        },
    },
    'nest_auth_access_keys': {
        'create': {
            'postgres': 'CREATE TABLE "nest_auth_access_keys" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "user_id" UUID NOT NULL, "name" VARCHAR(255) NOT NULL, "public_key" VARCHAR(128) NOT NULL, "secret_hash" VARCHAR(128) NOT NULL, "description" VARCHAR(255), "is_active" BOOLEAN NOT NULL DEFAULT true, "expires_at" TIMESTAMP, "last_used_at" TIMESTAMP, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
            'mysql': 'CREATE TABLE `nest_auth_access_keys` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `user_id` VARCHAR(40) NOT NULL, `name` VARCHAR(255) NOT NULL, `public_key` VARCHAR(128) NOT NULL COLLATE utf8mb4_bin, `secret_hash` VARCHAR(128) NOT NULL, `description` VARCHAR(255), `is_active` BOOL NOT NULL DEFAULT 1, `expires_at` DATETIME(6), `last_used_at` DATETIME(6), FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
            'sqlite': 'CREATE TABLE "nest_auth_access_keys" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "user_id" TEXT NOT NULL, "name" VARCHAR(255) NOT NULL, "public_key" VARCHAR(128) NOT NULL, "secret_hash" VARCHAR(128) NOT NULL, "description" VARCHAR(255), "is_active" INTEGER NOT NULL DEFAULT 1, "expires_at" DATETIME, "last_used_at" DATETIME, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        },
        'columns': {
            'id': {
                'ddl': {
                    'postgres': '"id" UUID NOT NULL PRIMARY KEY',
                    'mysql': '`id` VARCHAR(40) NOT NULL PRIMARY KEY',
                    'sqlite': '"id" TEXT NOT NULL PRIMARY KEY',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': None,
            },
            'created_at': {
                'ddl': {
                    'postgres': '"created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'updated_at': {
                'ddl': {
                    'postgres': '"updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'user_id': {
                'ddl': {
                    'postgres': '"user_id" UUID NOT NULL',
                    'mysql': '`user_id` VARCHAR(40) NOT NULL',
                    'sqlite': '"user_id" TEXT NOT NULL',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': ['nest_auth_users', 'id', 'CASCADE'],
            },
            'name': {
                'ddl': {
                    'postgres': '"name" VARCHAR(255) NOT NULL',
                    'mysql': '`name` VARCHAR(255) NOT NULL',
                    'sqlite': '"name" VARCHAR(255) NOT NULL',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'public_key': {
                'ddl': {
                    'postgres': '"public_key" VARCHAR(128) NOT NULL',
                    'mysql': '`public_key` VARCHAR(128) NOT NULL COLLATE utf8mb4_bin',
                    'sqlite': '"public_key" VARCHAR(128) NOT NULL',
                },
                'type': {'postgres': 'VARCHAR(128)', 'mysql': 'VARCHAR(128)', 'sqlite': 'VARCHAR(128)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'secret_hash': {
                'ddl': {
                    'postgres': '"secret_hash" VARCHAR(128) NOT NULL',
                    'mysql': '`secret_hash` VARCHAR(128) NOT NULL',
                    'sqlite': '"secret_hash" VARCHAR(128) NOT NULL',
                },
                'type': {'postgres': 'VARCHAR(128)', 'mysql': 'VARCHAR(128)', 'sqlite': 'VARCHAR(128)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'description': {
                'ddl': {
                    'postgres': '"description" VARCHAR(255)',
                    'mysql': '`description` VARCHAR(255)',
                    'sqlite': '"description" VARCHAR(255)',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'is_active': {
                'ddl': {
                    'postgres': '"is_active" BOOLEAN NOT NULL DEFAULT true',
                    'mysql': '`is_active` BOOL NOT NULL DEFAULT 1',
                    'sqlite': '"is_active" INTEGER NOT NULL DEFAULT 1',
                },
                'type': {'postgres': 'BOOLEAN', 'mysql': 'BOOL', 'sqlite': 'INTEGER'},
                'default': {'postgres': 'true', 'mysql': '1', 'sqlite': '1'},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'expires_at': {
                'ddl': {
                    'postgres': '"expires_at" TIMESTAMP',
                    'mysql': '`expires_at` DATETIME(6)',
                    'sqlite': '"expires_at" DATETIME',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'last_used_at': {
                'ddl': {
                    'postgres': '"last_used_at" TIMESTAMP',
                    'mysql': '`last_used_at` DATETIME(6)',
                    'sqlite': '"last_used_at" DATETIME',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
        },
        'indexes': {
            'nest_auth_access_keys_user_id': {
                'columns': ['user_id'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_access_keys_user_id" ON "nest_auth_access_keys" ("user_id")',
                    'mysql': 'CREATE INDEX `nest_auth_access_keys_user_id` ON `nest_auth_access_keys` (`user_id`)',
                    'sqlite': 'CREATE INDEX "nest_auth_access_keys_user_id" ON "nest_auth_access_keys" ("user_id")',
                },
            },
            'nest_auth_access_keys_pub_idx': {
                'columns': ['public_key'],
                'unique': True,
                'create': {
                    'postgres': 'CREATE UNIQUE INDEX "nest_auth_access_keys_pub_idx" ON "nest_auth_access_keys" ("public_key")',
                    'mysql': 'CREATE UNIQUE INDEX `nest_auth_access_keys_pub_idx` ON `nest_auth_access_keys` (`public_key`)',
                    'sqlite': 'CREATE UNIQUE INDEX "nest_auth_access_keys_pub_idx" ON "nest_auth_access_keys" ("public_key")',
                },
            },
        },
    },
    'nest_auth_admin_users': {
        'create': {
            'postgres': 'CREATE TABLE "nest_auth_admin_users" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "email" VARCHAR(255) NOT NULL, "name" VARCHAR(255), "password_hash" VARCHAR(255) NOT NULL, "metadata" JSONB DEFAULT \'{}\', "last_login_at" TIMESTAMP, "token_version" INTEGER NOT NULL DEFAULT 0)',
            'mysql': "CREATE TABLE `nest_auth_admin_users` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `email` VARCHAR(255) NOT NULL COLLATE utf8mb4_bin, `name` VARCHAR(255), `password_hash` VARCHAR(255) NOT NULL, `metadata` JSON DEFAULT ('{}'), `last_login_at` DATETIME(6), `token_version` INTEGER NOT NULL DEFAULT 0) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
            'sqlite': 'CREATE TABLE "nest_auth_admin_users" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "email" VARCHAR(255) NOT NULL, "name" VARCHAR(255), "password_hash" VARCHAR(255) NOT NULL, "metadata" TEXT DEFAULT \'{}\', "last_login_at" DATETIME, "token_version" INTEGER NOT NULL DEFAULT 0)',
        },
        'columns': {
            'id': {
                'ddl': {
                    'postgres': '"id" UUID NOT NULL PRIMARY KEY',
                    'mysql': '`id` VARCHAR(40) NOT NULL PRIMARY KEY',
                    'sqlite': '"id" TEXT NOT NULL PRIMARY KEY',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': None,
            },
            'created_at': {
                'ddl': {
                    'postgres': '"created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'updated_at': {
                'ddl': {
                    'postgres': '"updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'email': {
                'ddl': {
                    'postgres': '"email" VARCHAR(255) NOT NULL',
                    'mysql': '`email` VARCHAR(255) NOT NULL COLLATE utf8mb4_bin',
                    'sqlite': '"email" VARCHAR(255) NOT NULL',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'name': {
                'ddl': {
                    'postgres': '"name" VARCHAR(255)',
                    'mysql': '`name` VARCHAR(255)',
                    'sqlite': '"name" VARCHAR(255)',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'password_hash': {
                'ddl': {
                    'postgres': '"password_hash" VARCHAR(255) NOT NULL',
                    'mysql': '`password_hash` VARCHAR(255) NOT NULL',
                    'sqlite': '"password_hash" VARCHAR(255) NOT NULL',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'metadata': {
                'ddl': {
                    'postgres': '"metadata" JSONB DEFAULT \'{}\'',
                    'mysql': "`metadata` JSON DEFAULT ('{}')",
                    'sqlite': '"metadata" TEXT DEFAULT \'{}\'',
                },
                'type': {'postgres': 'JSONB', 'mysql': 'JSON', 'sqlite': 'TEXT'},
                'default': {'postgres': "'{}'", 'mysql': "('{}')", 'sqlite': "'{}'"},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'last_login_at': {
                'ddl': {
                    'postgres': '"last_login_at" TIMESTAMP',
                    'mysql': '`last_login_at` DATETIME(6)',
                    'sqlite': '"last_login_at" DATETIME',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'token_version': {
                'ddl': {
                    'postgres': '"token_version" INTEGER NOT NULL DEFAULT 0',
                    'mysql': '`token_version` INTEGER NOT NULL DEFAULT 0',
                    'sqlite': '"token_version" INTEGER NOT NULL DEFAULT 0',
                },
                'type': {'postgres': 'INTEGER', 'mysql': 'INTEGER', 'sqlite': 'INTEGER'},
                'default': {'postgres': '0', 'mysql': '0', 'sqlite': '0'},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
        },
        'indexes': {
            'nest_auth_admin_users_email_idx': {
                'columns': ['email'],
                'unique': True,
                'create': {
                    'postgres': 'CREATE UNIQUE INDEX "nest_auth_admin_users_email_idx" ON "nest_auth_admin_users" ("email")',
                    'mysql': 'CREATE UNIQUE INDEX `nest_auth_admin_users_email_idx` ON `nest_auth_admin_users` (`email`)',
                    'sqlite': 'CREATE UNIQUE INDEX "nest_auth_admin_users_email_idx" ON "nest_auth_admin_users" ("email")',
                },
            },
        },
    },
    'nest_auth_identities': {
        'create': {
            'postgres': 'CREATE TABLE "nest_auth_identities" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "user_id" UUID NOT NULL, "provider" VARCHAR(64) NOT NULL, "provider_id" VARCHAR(255), "metadata" JSONB DEFAULT \'{}\', FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
            'mysql': "CREATE TABLE `nest_auth_identities` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `user_id` VARCHAR(40) NOT NULL, `provider` VARCHAR(64) NOT NULL COLLATE utf8mb4_bin, `provider_id` VARCHAR(255) COLLATE utf8mb4_bin, `metadata` JSON DEFAULT ('{}'), FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
            'sqlite': 'CREATE TABLE "nest_auth_identities" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "user_id" TEXT NOT NULL, "provider" VARCHAR(64) NOT NULL, "provider_id" VARCHAR(255), "metadata" TEXT DEFAULT \'{}\', FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        },
        'columns': {
            'id': {
                'ddl': {
                    'postgres': '"id" UUID NOT NULL PRIMARY KEY',
                    'mysql': '`id` VARCHAR(40) NOT NULL PRIMARY KEY',
                    'sqlite': '"id" TEXT NOT NULL PRIMARY KEY',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': None,
            },
            'created_at': {
                'ddl': {
                    'postgres': '"created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'updated_at': {
                'ddl': {
                    'postgres': '"updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'user_id': {
                'ddl': {
                    'postgres': '"user_id" UUID NOT NULL',
                    'mysql': '`user_id` VARCHAR(40) NOT NULL',
                    'sqlite': '"user_id" TEXT NOT NULL',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': ['nest_auth_users', 'id', 'CASCADE'],
            },
            'provider': {
                'ddl': {
                    'postgres': '"provider" VARCHAR(64) NOT NULL',
                    'mysql': '`provider` VARCHAR(64) NOT NULL COLLATE utf8mb4_bin',
                    'sqlite': '"provider" VARCHAR(64) NOT NULL',
                },
                'type': {'postgres': 'VARCHAR(64)', 'mysql': 'VARCHAR(64)', 'sqlite': 'VARCHAR(64)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'provider_id': {
                'ddl': {
                    'postgres': '"provider_id" VARCHAR(255)',
                    'mysql': '`provider_id` VARCHAR(255) COLLATE utf8mb4_bin',
                    'sqlite': '"provider_id" VARCHAR(255)',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'metadata': {
                'ddl': {
                    'postgres': '"metadata" JSONB DEFAULT \'{}\'',
                    'mysql': "`metadata` JSON DEFAULT ('{}')",
                    'sqlite': '"metadata" TEXT DEFAULT \'{}\'',
                },
                'type': {'postgres': 'JSONB', 'mysql': 'JSON', 'sqlite': 'TEXT'},
                'default': {'postgres': "'{}'", 'mysql': "('{}')", 'sqlite': "'{}'"},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
        },
        'indexes': {
            'nest_auth_identities_user_id': {
                'columns': ['user_id'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_identities_user_id" ON "nest_auth_identities" ("user_id")',
                    'mysql': 'CREATE INDEX `nest_auth_identities_user_id` ON `nest_auth_identities` (`user_id`)',
                    'sqlite': 'CREATE INDEX "nest_auth_identities_user_id" ON "nest_auth_identities" ("user_id")',
                },
            },
            'nest_auth_identities_pi_idx': {
                'columns': ['provider', 'provider_id'],
                'unique': True,
                'create': {
                    'postgres': 'CREATE UNIQUE INDEX "nest_auth_identities_pi_idx" ON "nest_auth_identities" ("provider", "provider_id")',
                    'mysql': 'CREATE UNIQUE INDEX `nest_auth_identities_pi_idx` ON `nest_auth_identities` (`provider`, `provider_id`)',
                    'sqlite': 'CREATE UNIQUE INDEX "nest_auth_identities_pi_idx" ON "nest_auth_identities" ("provider", "provider_id")',
                },
            },
        },
    },
    'nest_auth_mfa_secrets': {
        'create': {
            'postgres': 'CREATE TABLE "nest_auth_mfa_secrets" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "user_id" UUID NOT NULL, "secret" VARCHAR(255) NOT NULL, "verified" BOOLEAN NOT NULL DEFAULT false, "device_name" VARCHAR(255), "last_used_at" TIMESTAMP, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
            'mysql': 'CREATE TABLE `nest_auth_mfa_secrets` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `user_id` VARCHAR(40) NOT NULL, `secret` VARCHAR(255) NOT NULL, `verified` BOOL NOT NULL DEFAULT 0, `device_name` VARCHAR(255), `last_used_at` DATETIME(6), FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
            'sqlite': 'CREATE TABLE "nest_auth_mfa_secrets" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "user_id" TEXT NOT NULL, "secret" VARCHAR(255) NOT NULL, "verified" INTEGER NOT NULL DEFAULT 0, "device_name" VARCHAR(255), "last_used_at" DATETIME, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        },
        'columns': {
            'id': {
                'ddl': {
                    'postgres': '"id" UUID NOT NULL PRIMARY KEY',
                    'mysql': '`id` VARCHAR(40) NOT NULL PRIMARY KEY',
                    'sqlite': '"id" TEXT NOT NULL PRIMARY KEY',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': None,
            },
            'created_at': {
                'ddl': {
                    'postgres': '"created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'updated_at': {
                'ddl': {
                    'postgres': '"updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'user_id': {
                'ddl': {
                    'postgres': '"user_id" UUID NOT NULL',
                    'mysql': '`user_id` VARCHAR(40) NOT NULL',
                    'sqlite': '"user_id" TEXT NOT NULL',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': ['nest_auth_users', 'id', 'CASCADE'],
            },
            'secret': {
                'ddl': {
                    'postgres': '"secret" VARCHAR(255) NOT NULL',
                    'mysql': '`secret` VARCHAR(255) NOT NULL',
                    'sqlite': '"secret" VARCHAR(255) NOT NULL',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'verified': {
                'ddl': {
                    'postgres': '"verified" BOOLEAN NOT NULL DEFAULT false',
                    'mysql': '`verified` BOOL NOT NULL DEFAULT 0',
                    'sqlite': '"verified" INTEGER NOT NULL DEFAULT 0',
                },
                'type': {'postgres': 'BOOLEAN', 'mysql': 'BOOL', 'sqlite': 'INTEGER'},
                'default': {'postgres': 'false', 'mysql': '0', 'sqlite': '0'},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'device_name': {
                'ddl': {
                    'postgres': '"device_name" VARCHAR(255)',
                    'mysql': '`device_name` VARCHAR(255)',
                    'sqlite': '"device_name" VARCHAR(255)',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'last_used_at': {
                'ddl': {
                    'postgres': '"last_used_at" TIMESTAMP',
                    'mysql': '`last_used_at` DATETIME(6)',
                    'sqlite': '"last_used_at" DATETIME',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
        },
        'indexes': {
            'nest_auth_mfa_secrets_user_id': {
                'columns': ['user_id'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_mfa_secrets_user_id" ON "nest_auth_mfa_secrets" ("user_id")',
                    'mysql': 'CREATE INDEX `nest_auth_mfa_secrets_user_id` ON `nest_auth_mfa_secrets` (`user_id`)',
                    'sqlite': 'CREATE INDEX "nest_auth_mfa_secrets_user_id" ON "nest_auth_mfa_secrets" ("user_id")',
                },
            },
        },
    },
    'nest_auth_otps': {
        'create': {
            'postgres': 'CREATE TABLE "nest_auth_otps" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "user_id" UUID NOT NULL, "code_hash" VARCHAR(128) NOT NULL, "type" VARCHAR(32) NOT NULL, "expires_at" TIMESTAMP NOT NULL, "attempts" INTEGER NOT NULL DEFAULT 0, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
            'mysql': 'CREATE TABLE `nest_auth_otps` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `user_id` VARCHAR(40) NOT NULL, `code_hash` VARCHAR(128) NOT NULL, `type` VARCHAR(32) NOT NULL, `expires_at` DATETIME(6) NOT NULL, `attempts` INTEGER NOT NULL DEFAULT 0, FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
            'sqlite': 'CREATE TABLE "nest_auth_otps" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "user_id" TEXT NOT NULL, "code_hash" VARCHAR(128) NOT NULL, "type" VARCHAR(32) NOT NULL, "expires_at" DATETIME NOT NULL, "attempts" INTEGER NOT NULL DEFAULT 0, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        },
        'columns': {
            'id': {
                'ddl': {
                    'postgres': '"id" UUID NOT NULL PRIMARY KEY',
                    'mysql': '`id` VARCHAR(40) NOT NULL PRIMARY KEY',
                    'sqlite': '"id" TEXT NOT NULL PRIMARY KEY',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': None,
            },
            'created_at': {
                'ddl': {
                    'postgres': '"created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'updated_at': {
                'ddl': {
                    'postgres': '"updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'user_id': {
                'ddl': {
                    'postgres': '"user_id" UUID NOT NULL',
                    'mysql': '`user_id` VARCHAR(40) NOT NULL',
                    'sqlite': '"user_id" TEXT NOT NULL',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': ['nest_auth_users', 'id', 'CASCADE'],
            },
            'code_hash': {
                'ddl': {
                    'postgres': '"code_hash" VARCHAR(128) NOT NULL',
                    'mysql': '`code_hash` VARCHAR(128) NOT NULL',
                    'sqlite': '"code_hash" VARCHAR(128) NOT NULL',
                },
                'type': {'postgres': 'VARCHAR(128)', 'mysql': 'VARCHAR(128)', 'sqlite': 'VARCHAR(128)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'type': {
                'ddl': {
                    'postgres': '"type" VARCHAR(32) NOT NULL',
                    'mysql': '`type` VARCHAR(32) NOT NULL',
                    'sqlite': '"type" VARCHAR(32) NOT NULL',
                },
                'type': {'postgres': 'VARCHAR(32)', 'mysql': 'VARCHAR(32)', 'sqlite': 'VARCHAR(32)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'expires_at': {
                'ddl': {
                    'postgres': '"expires_at" TIMESTAMP NOT NULL',
                    'mysql': '`expires_at` DATETIME(6) NOT NULL',
                    'sqlite': '"expires_at" DATETIME NOT NULL',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'attempts': {
                'ddl': {
                    'postgres': '"attempts" INTEGER NOT NULL DEFAULT 0',
                    'mysql': '`attempts` INTEGER NOT NULL DEFAULT 0',
                    'sqlite': '"attempts" INTEGER NOT NULL DEFAULT 0',
                },
                'type': {'postgres': 'INTEGER', 'mysql': 'INTEGER', 'sqlite': 'INTEGER'},
                'default': {'postgres': '0', 'mysql': '0', 'sqlite': '0'},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
        },
        'indexes': {
            'nest_auth_otps_expires_at': {
                'columns': ['expires_at'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_otps_expires_at" ON "nest_auth_otps" ("expires_at")',
                    'mysql': 'CREATE INDEX `nest_auth_otps_expires_at` ON `nest_auth_otps` (`expires_at`)',
                    'sqlite': 'CREATE INDEX "nest_auth_otps_expires_at" ON "nest_auth_otps" ("expires_at")',
                },
            },
            'nest_auth_otps_user_type_idx': {
                'columns': ['user_id', 'type'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_otps_user_type_idx" ON "nest_auth_otps" ("user_id", "type")',
                    'mysql': 'CREATE INDEX `nest_auth_otps_user_type_idx` ON `nest_auth_otps` (`user_id`, `type`)',
                    'sqlite': 'CREATE INDEX "nest_auth_otps_user_type_idx" ON "nest_auth_otps" ("user_id", "type")',
                },
            },
        },
    },
    'nest_auth_permissions': {
        'create': {
            'postgres': 'CREATE TABLE "nest_auth_permissions" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "name" VARCHAR(255) NOT NULL, "guard" VARCHAR(64) NOT NULL DEFAULT \'web\', "description" TEXT, "category" VARCHAR(255))',
            'mysql': "CREATE TABLE `nest_auth_permissions` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `name` VARCHAR(255) NOT NULL COLLATE utf8mb4_bin, `guard` VARCHAR(64) NOT NULL DEFAULT 'web' COLLATE utf8mb4_bin, `description` TEXT, `category` VARCHAR(255)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
            'sqlite': 'CREATE TABLE "nest_auth_permissions" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "name" VARCHAR(255) NOT NULL, "guard" VARCHAR(64) NOT NULL DEFAULT \'web\', "description" TEXT, "category" VARCHAR(255))',
        },
        'columns': {
            'id': {
                'ddl': {
                    'postgres': '"id" UUID NOT NULL PRIMARY KEY',
                    'mysql': '`id` VARCHAR(40) NOT NULL PRIMARY KEY',
                    'sqlite': '"id" TEXT NOT NULL PRIMARY KEY',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': None,
            },
            'created_at': {
                'ddl': {
                    'postgres': '"created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'updated_at': {
                'ddl': {
                    'postgres': '"updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'name': {
                'ddl': {
                    'postgres': '"name" VARCHAR(255) NOT NULL',
                    'mysql': '`name` VARCHAR(255) NOT NULL COLLATE utf8mb4_bin',
                    'sqlite': '"name" VARCHAR(255) NOT NULL',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'guard': {
                'ddl': {
                    'postgres': '"guard" VARCHAR(64) NOT NULL DEFAULT \'web\'',
                    'mysql': "`guard` VARCHAR(64) NOT NULL DEFAULT 'web' COLLATE utf8mb4_bin",
                    'sqlite': '"guard" VARCHAR(64) NOT NULL DEFAULT \'web\'',
                },
                'type': {'postgres': 'VARCHAR(64)', 'mysql': 'VARCHAR(64)', 'sqlite': 'VARCHAR(64)'},
                'default': {'postgres': "'web'", 'mysql': "'web'", 'sqlite': "'web'"},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'description': {
                'ddl': {
                    'postgres': '"description" TEXT',
                    'mysql': '`description` TEXT',
                    'sqlite': '"description" TEXT',
                },
                'type': {'postgres': 'TEXT', 'mysql': 'TEXT', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'category': {
                'ddl': {
                    'postgres': '"category" VARCHAR(255)',
                    'mysql': '`category` VARCHAR(255)',
                    'sqlite': '"category" VARCHAR(255)',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
        },
        'indexes': {
            'nest_auth_permissions_guard': {
                'columns': ['guard'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_permissions_guard" ON "nest_auth_permissions" ("guard")',
                    'mysql': 'CREATE INDEX `nest_auth_permissions_guard` ON `nest_auth_permissions` (`guard`)',
                    'sqlite': 'CREATE INDEX "nest_auth_permissions_guard" ON "nest_auth_permissions" ("guard")',
                },
            },
            'nest_auth_permissions_ng_idx': {
                'columns': ['name', 'guard'],
                'unique': True,
                'create': {
                    'postgres': 'CREATE UNIQUE INDEX "nest_auth_permissions_ng_idx" ON "nest_auth_permissions" ("name", "guard")',
                    'mysql': 'CREATE UNIQUE INDEX `nest_auth_permissions_ng_idx` ON `nest_auth_permissions` (`name`, `guard`)',
                    'sqlite': 'CREATE UNIQUE INDEX "nest_auth_permissions_ng_idx" ON "nest_auth_permissions" ("name", "guard")',
                },
            },
        },
    },
    'nest_auth_platform_accesses': {
        'create': {
            'postgres': 'CREATE TABLE "nest_auth_platform_accesses" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "user_id" UUID NOT NULL, "is_active" BOOLEAN NOT NULL DEFAULT true, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
            'mysql': 'CREATE TABLE `nest_auth_platform_accesses` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `user_id` VARCHAR(40) NOT NULL, `is_active` BOOL NOT NULL DEFAULT 1, FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
            'sqlite': 'CREATE TABLE "nest_auth_platform_accesses" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "user_id" TEXT NOT NULL, "is_active" INTEGER NOT NULL DEFAULT 1, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        },
        'columns': {
            'id': {
                'ddl': {
                    'postgres': '"id" UUID NOT NULL PRIMARY KEY',
                    'mysql': '`id` VARCHAR(40) NOT NULL PRIMARY KEY',
                    'sqlite': '"id" TEXT NOT NULL PRIMARY KEY',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': None,
            },
            'created_at': {
                'ddl': {
                    'postgres': '"created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'updated_at': {
                'ddl': {
                    'postgres': '"updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'user_id': {
                'ddl': {
                    'postgres': '"user_id" UUID NOT NULL',
                    'mysql': '`user_id` VARCHAR(40) NOT NULL',
                    'sqlite': '"user_id" TEXT NOT NULL',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': ['nest_auth_users', 'id', 'CASCADE'],
            },
            'is_active': {
                'ddl': {
                    'postgres': '"is_active" BOOLEAN NOT NULL DEFAULT true',
                    'mysql': '`is_active` BOOL NOT NULL DEFAULT 1',
                    'sqlite': '"is_active" INTEGER NOT NULL DEFAULT 1',
                },
                'type': {'postgres': 'BOOLEAN', 'mysql': 'BOOL', 'sqlite': 'INTEGER'},
                'default': {'postgres': 'true', 'mysql': '1', 'sqlite': '1'},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
        },
        'indexes': {
            'nest_auth_platform_accesses_user_idx': {
                'columns': ['user_id'],
                'unique': True,
                'create': {
                    'postgres': 'CREATE UNIQUE INDEX "nest_auth_platform_accesses_user_idx" ON "nest_auth_platform_accesses" ("user_id")',
                    'mysql': 'CREATE UNIQUE INDEX `nest_auth_platform_accesses_user_idx` ON `nest_auth_platform_accesses` (`user_id`)',
                    'sqlite': 'CREATE UNIQUE INDEX "nest_auth_platform_accesses_user_idx" ON "nest_auth_platform_accesses" ("user_id")',
                },
            },
        },
    },
    'nest_auth_tenants': {
        'create': {
            'postgres': 'CREATE TABLE "nest_auth_tenants" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "name" VARCHAR(255) NOT NULL, "slug" VARCHAR(255), "description" VARCHAR(255), "metadata" JSONB DEFAULT \'{}\', "is_active" BOOLEAN NOT NULL DEFAULT true)',
            'mysql': "CREATE TABLE `nest_auth_tenants` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `name` VARCHAR(255) NOT NULL, `slug` VARCHAR(255) COLLATE utf8mb4_bin, `description` VARCHAR(255), `metadata` JSON DEFAULT ('{}'), `is_active` BOOL NOT NULL DEFAULT 1) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
            'sqlite': 'CREATE TABLE "nest_auth_tenants" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "name" VARCHAR(255) NOT NULL, "slug" VARCHAR(255), "description" VARCHAR(255), "metadata" TEXT DEFAULT \'{}\', "is_active" INTEGER NOT NULL DEFAULT 1)',
        },
        'columns': {
            'id': {
                'ddl': {
                    'postgres': '"id" UUID NOT NULL PRIMARY KEY',
                    'mysql': '`id` VARCHAR(40) NOT NULL PRIMARY KEY',
                    'sqlite': '"id" TEXT NOT NULL PRIMARY KEY',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': None,
            },
            'created_at': {
                'ddl': {
                    'postgres': '"created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'updated_at': {
                'ddl': {
                    'postgres': '"updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'name': {
                'ddl': {
                    'postgres': '"name" VARCHAR(255) NOT NULL',
                    'mysql': '`name` VARCHAR(255) NOT NULL',
                    'sqlite': '"name" VARCHAR(255) NOT NULL',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'slug': {
                'ddl': {
                    'postgres': '"slug" VARCHAR(255)',
                    'mysql': '`slug` VARCHAR(255) COLLATE utf8mb4_bin',
                    'sqlite': '"slug" VARCHAR(255)',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'description': {
                'ddl': {
                    'postgres': '"description" VARCHAR(255)',
                    'mysql': '`description` VARCHAR(255)',
                    'sqlite': '"description" VARCHAR(255)',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'metadata': {
                'ddl': {
                    'postgres': '"metadata" JSONB DEFAULT \'{}\'',
                    'mysql': "`metadata` JSON DEFAULT ('{}')",
                    'sqlite': '"metadata" TEXT DEFAULT \'{}\'',
                },
                'type': {'postgres': 'JSONB', 'mysql': 'JSON', 'sqlite': 'TEXT'},
                'default': {'postgres': "'{}'", 'mysql': "('{}')", 'sqlite': "'{}'"},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'is_active': {
                'ddl': {
                    'postgres': '"is_active" BOOLEAN NOT NULL DEFAULT true',
                    'mysql': '`is_active` BOOL NOT NULL DEFAULT 1',
                    'sqlite': '"is_active" INTEGER NOT NULL DEFAULT 1',
                },
                'type': {'postgres': 'BOOLEAN', 'mysql': 'BOOL', 'sqlite': 'INTEGER'},
                'default': {'postgres': 'true', 'mysql': '1', 'sqlite': '1'},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
        },
        'indexes': {
            'nest_auth_tenants_slug_idx': {
                'columns': ['slug'],
                'unique': True,
                'create': {
                    'postgres': 'CREATE UNIQUE INDEX "nest_auth_tenants_slug_idx" ON "nest_auth_tenants" ("slug")',
                    'mysql': 'CREATE UNIQUE INDEX `nest_auth_tenants_slug_idx` ON `nest_auth_tenants` (`slug`)',
                    'sqlite': 'CREATE UNIQUE INDEX "nest_auth_tenants_slug_idx" ON "nest_auth_tenants" ("slug")',
                },
            },
        },
    },
    'nest_auth_roles': {
        'create': {
            'postgres': 'CREATE TABLE "nest_auth_roles" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "name" VARCHAR(255) NOT NULL, "guard" VARCHAR(64) NOT NULL DEFAULT \'web\', "tenant_id" UUID, "is_system" BOOLEAN NOT NULL DEFAULT false, "is_active" BOOLEAN NOT NULL DEFAULT true, "tenant_key" TEXT GENERATED ALWAYS AS (COALESCE(CAST("tenant_id" AS TEXT), \'\')) STORED, FOREIGN KEY ("tenant_id") REFERENCES "nest_auth_tenants" ("id") ON DELETE CASCADE)',
            'mysql': "CREATE TABLE `nest_auth_roles` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `name` VARCHAR(255) NOT NULL COLLATE utf8mb4_bin, `guard` VARCHAR(64) NOT NULL DEFAULT 'web' COLLATE utf8mb4_bin, `tenant_id` VARCHAR(40), `is_system` BOOL NOT NULL DEFAULT 0, `is_active` BOOL NOT NULL DEFAULT 1, `tenant_key` VARCHAR(40) GENERATED ALWAYS AS (COALESCE(`tenant_id`, '')) VIRTUAL, FOREIGN KEY (`tenant_id`) REFERENCES `nest_auth_tenants` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
            'sqlite': 'CREATE TABLE "nest_auth_roles" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "name" VARCHAR(255) NOT NULL, "guard" VARCHAR(64) NOT NULL DEFAULT \'web\', "tenant_id" TEXT, "is_system" INTEGER NOT NULL DEFAULT 0, "is_active" INTEGER NOT NULL DEFAULT 1, "tenant_key" TEXT GENERATED ALWAYS AS (COALESCE("tenant_id", \'\')) VIRTUAL, FOREIGN KEY ("tenant_id") REFERENCES "nest_auth_tenants" ("id") ON DELETE CASCADE)',
        },
        'columns': {
            'id': {
                'ddl': {
                    'postgres': '"id" UUID NOT NULL PRIMARY KEY',
                    'mysql': '`id` VARCHAR(40) NOT NULL PRIMARY KEY',
                    'sqlite': '"id" TEXT NOT NULL PRIMARY KEY',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': None,
            },
            'created_at': {
                'ddl': {
                    'postgres': '"created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'updated_at': {
                'ddl': {
                    'postgres': '"updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'name': {
                'ddl': {
                    'postgres': '"name" VARCHAR(255) NOT NULL',
                    'mysql': '`name` VARCHAR(255) NOT NULL COLLATE utf8mb4_bin',
                    'sqlite': '"name" VARCHAR(255) NOT NULL',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'guard': {
                'ddl': {
                    'postgres': '"guard" VARCHAR(64) NOT NULL DEFAULT \'web\'',
                    'mysql': "`guard` VARCHAR(64) NOT NULL DEFAULT 'web' COLLATE utf8mb4_bin",
                    'sqlite': '"guard" VARCHAR(64) NOT NULL DEFAULT \'web\'',
                },
                'type': {'postgres': 'VARCHAR(64)', 'mysql': 'VARCHAR(64)', 'sqlite': 'VARCHAR(64)'},
                'default': {'postgres': "'web'", 'mysql': "'web'", 'sqlite': "'web'"},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'tenant_id': {
                'ddl': {
                    'postgres': '"tenant_id" UUID',
                    'mysql': '`tenant_id` VARCHAR(40)',
                    'sqlite': '"tenant_id" TEXT',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': ['nest_auth_tenants', 'id', 'CASCADE'],
            },
            'is_system': {
                'ddl': {
                    'postgres': '"is_system" BOOLEAN NOT NULL DEFAULT false',
                    'mysql': '`is_system` BOOL NOT NULL DEFAULT 0',
                    'sqlite': '"is_system" INTEGER NOT NULL DEFAULT 0',
                },
                'type': {'postgres': 'BOOLEAN', 'mysql': 'BOOL', 'sqlite': 'INTEGER'},
                'default': {'postgres': 'false', 'mysql': '0', 'sqlite': '0'},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'is_active': {
                'ddl': {
                    'postgres': '"is_active" BOOLEAN NOT NULL DEFAULT true',
                    'mysql': '`is_active` BOOL NOT NULL DEFAULT 1',
                    'sqlite': '"is_active" INTEGER NOT NULL DEFAULT 1',
                },
                'type': {'postgres': 'BOOLEAN', 'mysql': 'BOOL', 'sqlite': 'INTEGER'},
                'default': {'postgres': 'true', 'mysql': '1', 'sqlite': '1'},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'tenant_key': {
                'ddl': {
                    'postgres': '"tenant_key" TEXT GENERATED ALWAYS AS (COALESCE(CAST("tenant_id" AS TEXT), \'\')) STORED',
                    'mysql': "`tenant_key` VARCHAR(40) GENERATED ALWAYS AS (COALESCE(`tenant_id`, '')) VIRTUAL",
                    'sqlite': '"tenant_key" TEXT GENERATED ALWAYS AS (COALESCE("tenant_id", \'\')) VIRTUAL',
                },
                'type': {'postgres': None, 'mysql': None, 'sqlite': None},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': True,
                'primary_key': False,
                'references': None,
            },
        },
        'indexes': {
            'nest_auth_roles_tenant_id': {
                'columns': ['tenant_id'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_roles_tenant_id" ON "nest_auth_roles" ("tenant_id")',
                    'mysql': 'CREATE INDEX `nest_auth_roles_tenant_id` ON `nest_auth_roles` (`tenant_id`)',
                    'sqlite': 'CREATE INDEX "nest_auth_roles_tenant_id" ON "nest_auth_roles" ("tenant_id")',
                },
            },
            'nest_auth_roles_scope_idx': {
                'columns': ['name', 'guard', 'tenant_key'],
                'unique': True,
                'create': {
                    'postgres': 'CREATE UNIQUE INDEX "nest_auth_roles_scope_idx" ON "nest_auth_roles" ("name", "guard", "tenant_key")',
                    'mysql': 'CREATE UNIQUE INDEX `nest_auth_roles_scope_idx` ON `nest_auth_roles` (`name`, `guard`, `tenant_key`)',
                    'sqlite': 'CREATE UNIQUE INDEX "nest_auth_roles_scope_idx" ON "nest_auth_roles" ("name", "guard", "tenant_key")',
                },
            },
        },
    },
    'nest_auth_platform_access_roles': {
        'create': {
            'postgres': 'CREATE TABLE "nest_auth_platform_access_roles" ("platform_access_id" UUID NOT NULL, "role_id" UUID NOT NULL, PRIMARY KEY ("platform_access_id", "role_id"), FOREIGN KEY ("platform_access_id") REFERENCES "nest_auth_platform_accesses" ("id") ON DELETE CASCADE, FOREIGN KEY ("role_id") REFERENCES "nest_auth_roles" ("id") ON DELETE CASCADE)',
            'mysql': 'CREATE TABLE `nest_auth_platform_access_roles` (`platform_access_id` VARCHAR(40) NOT NULL, `role_id` VARCHAR(40) NOT NULL, PRIMARY KEY (`platform_access_id`, `role_id`), FOREIGN KEY (`platform_access_id`) REFERENCES `nest_auth_platform_accesses` (`id`) ON DELETE CASCADE, FOREIGN KEY (`role_id`) REFERENCES `nest_auth_roles` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
            'sqlite': 'CREATE TABLE "nest_auth_platform_access_roles" ("platform_access_id" TEXT NOT NULL, "role_id" TEXT NOT NULL, PRIMARY KEY ("platform_access_id", "role_id"), FOREIGN KEY ("platform_access_id") REFERENCES "nest_auth_platform_accesses" ("id") ON DELETE CASCADE, FOREIGN KEY ("role_id") REFERENCES "nest_auth_roles" ("id") ON DELETE CASCADE)',
        },
        'columns': {
            'platform_access_id': {
                'ddl': {
                    'postgres': '"platform_access_id" UUID NOT NULL',
                    'mysql': '`platform_access_id` VARCHAR(40) NOT NULL',
                    'sqlite': '"platform_access_id" TEXT NOT NULL',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': ['nest_auth_platform_accesses', 'id', 'CASCADE'],
            },
            'role_id': {
                'ddl': {
                    'postgres': '"role_id" UUID NOT NULL',
                    'mysql': '`role_id` VARCHAR(40) NOT NULL',
                    'sqlite': '"role_id" TEXT NOT NULL',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': ['nest_auth_roles', 'id', 'CASCADE'],
            },
        },
        'indexes': {
            'nest_auth_platform_access_roles_role_id': {
                'columns': ['role_id'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_platform_access_roles_role_id" ON "nest_auth_platform_access_roles" ("role_id")',
                    'mysql': 'CREATE INDEX `nest_auth_platform_access_roles_role_id` ON `nest_auth_platform_access_roles` (`role_id`)',
                    'sqlite': 'CREATE INDEX "nest_auth_platform_access_roles_role_id" ON "nest_auth_platform_access_roles" ("role_id")',
                },
            },
        },
    },
    'nest_auth_role_permissions': {
        'create': {
            'postgres': 'CREATE TABLE "nest_auth_role_permissions" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "role_id" UUID NOT NULL, "permission_id" UUID NOT NULL, FOREIGN KEY ("role_id") REFERENCES "nest_auth_roles" ("id") ON DELETE CASCADE, FOREIGN KEY ("permission_id") REFERENCES "nest_auth_permissions" ("id") ON DELETE CASCADE)',
            'mysql': 'CREATE TABLE `nest_auth_role_permissions` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `role_id` VARCHAR(40) NOT NULL, `permission_id` VARCHAR(40) NOT NULL, FOREIGN KEY (`role_id`) REFERENCES `nest_auth_roles` (`id`) ON DELETE CASCADE, FOREIGN KEY (`permission_id`) REFERENCES `nest_auth_permissions` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
            'sqlite': 'CREATE TABLE "nest_auth_role_permissions" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "role_id" TEXT NOT NULL, "permission_id" TEXT NOT NULL, FOREIGN KEY ("role_id") REFERENCES "nest_auth_roles" ("id") ON DELETE CASCADE, FOREIGN KEY ("permission_id") REFERENCES "nest_auth_permissions" ("id") ON DELETE CASCADE)',
        },
        'columns': {
            'id': {
                'ddl': {
                    'postgres': '"id" UUID NOT NULL PRIMARY KEY',
                    'mysql': '`id` VARCHAR(40) NOT NULL PRIMARY KEY',
                    'sqlite': '"id" TEXT NOT NULL PRIMARY KEY',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': None,
            },
            'created_at': {
                'ddl': {
                    'postgres': '"created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'role_id': {
                'ddl': {
                    'postgres': '"role_id" UUID NOT NULL',
                    'mysql': '`role_id` VARCHAR(40) NOT NULL',
                    'sqlite': '"role_id" TEXT NOT NULL',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': ['nest_auth_roles', 'id', 'CASCADE'],
            },
            'permission_id': {
                'ddl': {
                    'postgres': '"permission_id" UUID NOT NULL',
                    'mysql': '`permission_id` VARCHAR(40) NOT NULL',
                    'sqlite': '"permission_id" TEXT NOT NULL',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': ['nest_auth_permissions', 'id', 'CASCADE'],
            },
        },
        'indexes': {
            'nest_auth_role_permissions_permission_id': {
                'columns': ['permission_id'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_role_permissions_permission_id" ON "nest_auth_role_permissions" ("permission_id")',
                    'mysql': 'CREATE INDEX `nest_auth_role_permissions_permission_id` ON `nest_auth_role_permissions` (`permission_id`)',
                    'sqlite': 'CREATE INDEX "nest_auth_role_permissions_permission_id" ON "nest_auth_role_permissions" ("permission_id")',
                },
            },
            'nest_auth_role_permissions_rp_idx': {
                'columns': ['role_id', 'permission_id'],
                'unique': True,
                'create': {
                    'postgres': 'CREATE UNIQUE INDEX "nest_auth_role_permissions_rp_idx" ON "nest_auth_role_permissions" ("role_id", "permission_id")',
                    'mysql': 'CREATE UNIQUE INDEX `nest_auth_role_permissions_rp_idx` ON `nest_auth_role_permissions` (`role_id`, `permission_id`)',
                    'sqlite': 'CREATE UNIQUE INDEX "nest_auth_role_permissions_rp_idx" ON "nest_auth_role_permissions" ("role_id", "permission_id")',
                },
            },
        },
    },
    'nest_auth_sessions': {
        'create': {
            'postgres': 'CREATE TABLE "nest_auth_sessions" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "user_id" UUID NOT NULL, "data" JSONB DEFAULT \'{}\', "refresh_token_hash" VARCHAR(128), "expires_at" TIMESTAMP, "user_agent" VARCHAR(512), "device_name" VARCHAR(255), "ip_address" VARCHAR(45), "last_active" TIMESTAMP, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
            'mysql': "CREATE TABLE `nest_auth_sessions` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `user_id` VARCHAR(40) NOT NULL, `data` JSON DEFAULT ('{}'), `refresh_token_hash` VARCHAR(128) COLLATE utf8mb4_bin, `expires_at` DATETIME(6), `user_agent` VARCHAR(512), `device_name` VARCHAR(255), `ip_address` VARCHAR(45), `last_active` DATETIME(6), FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
            'sqlite': 'CREATE TABLE "nest_auth_sessions" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "user_id" TEXT NOT NULL, "data" TEXT DEFAULT \'{}\', "refresh_token_hash" VARCHAR(128), "expires_at" DATETIME, "user_agent" VARCHAR(512), "device_name" VARCHAR(255), "ip_address" VARCHAR(45), "last_active" DATETIME, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        },
        'columns': {
            'id': {
                'ddl': {
                    'postgres': '"id" UUID NOT NULL PRIMARY KEY',
                    'mysql': '`id` VARCHAR(40) NOT NULL PRIMARY KEY',
                    'sqlite': '"id" TEXT NOT NULL PRIMARY KEY',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': None,
            },
            'created_at': {
                'ddl': {
                    'postgres': '"created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'updated_at': {
                'ddl': {
                    'postgres': '"updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'user_id': {
                'ddl': {
                    'postgres': '"user_id" UUID NOT NULL',
                    'mysql': '`user_id` VARCHAR(40) NOT NULL',
                    'sqlite': '"user_id" TEXT NOT NULL',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': ['nest_auth_users', 'id', 'CASCADE'],
            },
            'data': {
                'ddl': {
                    'postgres': '"data" JSONB DEFAULT \'{}\'',
                    'mysql': "`data` JSON DEFAULT ('{}')",
                    'sqlite': '"data" TEXT DEFAULT \'{}\'',
                },
                'type': {'postgres': 'JSONB', 'mysql': 'JSON', 'sqlite': 'TEXT'},
                'default': {'postgres': "'{}'", 'mysql': "('{}')", 'sqlite': "'{}'"},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'refresh_token_hash': {
                'ddl': {
                    'postgres': '"refresh_token_hash" VARCHAR(128)',
                    'mysql': '`refresh_token_hash` VARCHAR(128) COLLATE utf8mb4_bin',
                    'sqlite': '"refresh_token_hash" VARCHAR(128)',
                },
                'type': {'postgres': 'VARCHAR(128)', 'mysql': 'VARCHAR(128)', 'sqlite': 'VARCHAR(128)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'expires_at': {
                'ddl': {
                    'postgres': '"expires_at" TIMESTAMP',
                    'mysql': '`expires_at` DATETIME(6)',
                    'sqlite': '"expires_at" DATETIME',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'user_agent': {
                'ddl': {
                    'postgres': '"user_agent" VARCHAR(512)',
                    'mysql': '`user_agent` VARCHAR(512)',
                    'sqlite': '"user_agent" VARCHAR(512)',
                },
                'type': {'postgres': 'VARCHAR(512)', 'mysql': 'VARCHAR(512)', 'sqlite': 'VARCHAR(512)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'device_name': {
                'ddl': {
                    'postgres': '"device_name" VARCHAR(255)',
                    'mysql': '`device_name` VARCHAR(255)',
                    'sqlite': '"device_name" VARCHAR(255)',
                },
                'type': {'postgres': 'VARCHAR(255)', 'mysql': 'VARCHAR(255)', 'sqlite': 'VARCHAR(255)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'ip_address': {
                'ddl': {
                    'postgres': '"ip_address" VARCHAR(45)',
                    'mysql': '`ip_address` VARCHAR(45)',
                    'sqlite': '"ip_address" VARCHAR(45)',
                },
                'type': {'postgres': 'VARCHAR(45)', 'mysql': 'VARCHAR(45)', 'sqlite': 'VARCHAR(45)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'last_active': {
                'ddl': {
                    'postgres': '"last_active" TIMESTAMP',
                    'mysql': '`last_active` DATETIME(6)',
                    'sqlite': '"last_active" DATETIME',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
        },
        'indexes': {
            'nest_auth_sessions_expires_at': {
                'columns': ['expires_at'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_sessions_expires_at" ON "nest_auth_sessions" ("expires_at")',
                    'mysql': 'CREATE INDEX `nest_auth_sessions_expires_at` ON `nest_auth_sessions` (`expires_at`)',
                    'sqlite': 'CREATE INDEX "nest_auth_sessions_expires_at" ON "nest_auth_sessions" ("expires_at")',
                },
            },
            'nest_auth_sessions_user_idx': {
                'columns': ['user_id'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_sessions_user_idx" ON "nest_auth_sessions" ("user_id")',
                    'mysql': 'CREATE INDEX `nest_auth_sessions_user_idx` ON `nest_auth_sessions` (`user_id`)',
                    'sqlite': 'CREATE INDEX "nest_auth_sessions_user_idx" ON "nest_auth_sessions" ("user_id")',
                },
            },
            'nest_auth_sessions_refresh_token_idx': {
                'columns': ['refresh_token_hash'],
                'unique': True,
                'create': {
                    'postgres': 'CREATE UNIQUE INDEX "nest_auth_sessions_refresh_token_idx" ON "nest_auth_sessions" ("refresh_token_hash")',
                    'mysql': 'CREATE UNIQUE INDEX `nest_auth_sessions_refresh_token_idx` ON `nest_auth_sessions` (`refresh_token_hash`)',
                    'sqlite': 'CREATE UNIQUE INDEX "nest_auth_sessions_refresh_token_idx" ON "nest_auth_sessions" ("refresh_token_hash")',
                },
            },
        },
    },
    'nest_auth_trusted_devices': {
        'create': {
            'postgres': 'CREATE TABLE "nest_auth_trusted_devices" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "user_id" UUID NOT NULL, "token_hash" VARCHAR(128) NOT NULL, "user_agent" VARCHAR(512), "ip_address" VARCHAR(45), "expires_at" TIMESTAMP NOT NULL, "revoked_at" TIMESTAMP, "last_used_at" TIMESTAMP, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
            'mysql': 'CREATE TABLE `nest_auth_trusted_devices` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `user_id` VARCHAR(40) NOT NULL, `token_hash` VARCHAR(128) NOT NULL COLLATE utf8mb4_bin, `user_agent` VARCHAR(512), `ip_address` VARCHAR(45), `expires_at` DATETIME(6) NOT NULL, `revoked_at` DATETIME(6), `last_used_at` DATETIME(6), FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
            'sqlite': 'CREATE TABLE "nest_auth_trusted_devices" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "user_id" TEXT NOT NULL, "token_hash" VARCHAR(128) NOT NULL, "user_agent" VARCHAR(512), "ip_address" VARCHAR(45), "expires_at" DATETIME NOT NULL, "revoked_at" DATETIME, "last_used_at" DATETIME, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE)',
        },
        'columns': {
            'id': {
                'ddl': {
                    'postgres': '"id" UUID NOT NULL PRIMARY KEY',
                    'mysql': '`id` VARCHAR(40) NOT NULL PRIMARY KEY',
                    'sqlite': '"id" TEXT NOT NULL PRIMARY KEY',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': None,
            },
            'created_at': {
                'ddl': {
                    'postgres': '"created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'user_id': {
                'ddl': {
                    'postgres': '"user_id" UUID NOT NULL',
                    'mysql': '`user_id` VARCHAR(40) NOT NULL',
                    'sqlite': '"user_id" TEXT NOT NULL',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': ['nest_auth_users', 'id', 'CASCADE'],
            },
            'token_hash': {
                'ddl': {
                    'postgres': '"token_hash" VARCHAR(128) NOT NULL',
                    'mysql': '`token_hash` VARCHAR(128) NOT NULL COLLATE utf8mb4_bin',
                    'sqlite': '"token_hash" VARCHAR(128) NOT NULL',
                },
                'type': {'postgres': 'VARCHAR(128)', 'mysql': 'VARCHAR(128)', 'sqlite': 'VARCHAR(128)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'user_agent': {
                'ddl': {
                    'postgres': '"user_agent" VARCHAR(512)',
                    'mysql': '`user_agent` VARCHAR(512)',
                    'sqlite': '"user_agent" VARCHAR(512)',
                },
                'type': {'postgres': 'VARCHAR(512)', 'mysql': 'VARCHAR(512)', 'sqlite': 'VARCHAR(512)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'ip_address': {
                'ddl': {
                    'postgres': '"ip_address" VARCHAR(45)',
                    'mysql': '`ip_address` VARCHAR(45)',
                    'sqlite': '"ip_address" VARCHAR(45)',
                },
                'type': {'postgres': 'VARCHAR(45)', 'mysql': 'VARCHAR(45)', 'sqlite': 'VARCHAR(45)'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'expires_at': {
                'ddl': {
                    'postgres': '"expires_at" TIMESTAMP NOT NULL',
                    'mysql': '`expires_at` DATETIME(6) NOT NULL',
                    'sqlite': '"expires_at" DATETIME NOT NULL',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'revoked_at': {
                'ddl': {
                    'postgres': '"revoked_at" TIMESTAMP',
                    'mysql': '`revoked_at` DATETIME(6)',
                    'sqlite': '"revoked_at" DATETIME',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'last_used_at': {
                'ddl': {
                    'postgres': '"last_used_at" TIMESTAMP',
                    'mysql': '`last_used_at` DATETIME(6)',
                    'sqlite': '"last_used_at" DATETIME',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
        },
        'indexes': {
            'nest_auth_trusted_devices_user_id': {
                'columns': ['user_id'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_trusted_devices_user_id" ON "nest_auth_trusted_devices" ("user_id")',
                    'mysql': 'CREATE INDEX `nest_auth_trusted_devices_user_id` ON `nest_auth_trusted_devices` (`user_id`)',
                    'sqlite': 'CREATE INDEX "nest_auth_trusted_devices_user_id" ON "nest_auth_trusted_devices" ("user_id")',
                },
            },
            'nest_auth_trusted_devices_token_hash': {
                'columns': ['token_hash'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_trusted_devices_token_hash" ON "nest_auth_trusted_devices" ("token_hash")',
                    'mysql': 'CREATE INDEX `nest_auth_trusted_devices_token_hash` ON `nest_auth_trusted_devices` (`token_hash`)',
                    'sqlite': 'CREATE INDEX "nest_auth_trusted_devices_token_hash" ON "nest_auth_trusted_devices" ("token_hash")',
                },
            },
            'nest_auth_trusted_devices_expires_at': {
                'columns': ['expires_at'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_trusted_devices_expires_at" ON "nest_auth_trusted_devices" ("expires_at")',
                    'mysql': 'CREATE INDEX `nest_auth_trusted_devices_expires_at` ON `nest_auth_trusted_devices` (`expires_at`)',
                    'sqlite': 'CREATE INDEX "nest_auth_trusted_devices_expires_at" ON "nest_auth_trusted_devices" ("expires_at")',
                },
            },
        },
    },
    'nest_auth_user_accesses': {
        'create': {
            'postgres': 'CREATE TABLE "nest_auth_user_accesses" ("id" UUID NOT NULL PRIMARY KEY, "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\'), "user_id" UUID NOT NULL, "tenant_id" UUID, "is_default" BOOLEAN NOT NULL DEFAULT false, "status" VARCHAR(32) NOT NULL DEFAULT \'active\', "metadata" JSONB DEFAULT \'{}\', "tenant_key" TEXT GENERATED ALWAYS AS (COALESCE(CAST("tenant_id" AS TEXT), \'\')) STORED, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE, FOREIGN KEY ("tenant_id") REFERENCES "nest_auth_tenants" ("id") ON DELETE CASCADE)',
            'mysql': "CREATE TABLE `nest_auth_user_accesses` (`id` VARCHAR(40) NOT NULL PRIMARY KEY, `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), `user_id` VARCHAR(40) NOT NULL, `tenant_id` VARCHAR(40), `is_default` BOOL NOT NULL DEFAULT 0, `status` VARCHAR(32) NOT NULL DEFAULT 'active', `metadata` JSON DEFAULT ('{}'), `tenant_key` VARCHAR(40) GENERATED ALWAYS AS (COALESCE(`tenant_id`, '')) VIRTUAL, FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE, FOREIGN KEY (`tenant_id`) REFERENCES `nest_auth_tenants` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
            'sqlite': 'CREATE TABLE "nest_auth_user_accesses" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\')), "user_id" TEXT NOT NULL, "tenant_id" TEXT, "is_default" INTEGER NOT NULL DEFAULT 0, "status" VARCHAR(32) NOT NULL DEFAULT \'active\', "metadata" TEXT DEFAULT \'{}\', "tenant_key" TEXT GENERATED ALWAYS AS (COALESCE("tenant_id", \'\')) VIRTUAL, FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE, FOREIGN KEY ("tenant_id") REFERENCES "nest_auth_tenants" ("id") ON DELETE CASCADE)',
        },
        'columns': {
            'id': {
                'ddl': {
                    'postgres': '"id" UUID NOT NULL PRIMARY KEY',
                    'mysql': '`id` VARCHAR(40) NOT NULL PRIMARY KEY',
                    'sqlite': '"id" TEXT NOT NULL PRIMARY KEY',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': None,
            },
            'created_at': {
                'ddl': {
                    'postgres': '"created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"created_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'updated_at': {
                'ddl': {
                    'postgres': '"updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE \'utc\')',
                    'mysql': '`updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))',
                    'sqlite': '"updated_at" DATETIME NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\', \'now\'))',
                },
                'type': {'postgres': 'TIMESTAMP', 'mysql': 'DATETIME(6)', 'sqlite': 'DATETIME'},
                'default': {
                    'postgres': "(now() AT TIME ZONE 'utc')",
                    'mysql': '(UTC_TIMESTAMP(6))',
                    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                },
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'user_id': {
                'ddl': {
                    'postgres': '"user_id" UUID NOT NULL',
                    'mysql': '`user_id` VARCHAR(40) NOT NULL',
                    'sqlite': '"user_id" TEXT NOT NULL',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': ['nest_auth_users', 'id', 'CASCADE'],
            },
            'tenant_id': {
                'ddl': {
                    'postgres': '"tenant_id" UUID',
                    'mysql': '`tenant_id` VARCHAR(40)',
                    'sqlite': '"tenant_id" TEXT',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': ['nest_auth_tenants', 'id', 'CASCADE'],
            },
            'is_default': {
                'ddl': {
                    'postgres': '"is_default" BOOLEAN NOT NULL DEFAULT false',
                    'mysql': '`is_default` BOOL NOT NULL DEFAULT 0',
                    'sqlite': '"is_default" INTEGER NOT NULL DEFAULT 0',
                },
                'type': {'postgres': 'BOOLEAN', 'mysql': 'BOOL', 'sqlite': 'INTEGER'},
                'default': {'postgres': 'false', 'mysql': '0', 'sqlite': '0'},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'status': {
                'ddl': {
                    'postgres': '"status" VARCHAR(32) NOT NULL DEFAULT \'active\'',
                    'mysql': "`status` VARCHAR(32) NOT NULL DEFAULT 'active'",
                    'sqlite': '"status" VARCHAR(32) NOT NULL DEFAULT \'active\'',
                },
                'type': {'postgres': 'VARCHAR(32)', 'mysql': 'VARCHAR(32)', 'sqlite': 'VARCHAR(32)'},
                'default': {'postgres': "'active'", 'mysql': "'active'", 'sqlite': "'active'"},
                'null': False,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'metadata': {
                'ddl': {
                    'postgres': '"metadata" JSONB DEFAULT \'{}\'',
                    'mysql': "`metadata` JSON DEFAULT ('{}')",
                    'sqlite': '"metadata" TEXT DEFAULT \'{}\'',
                },
                'type': {'postgres': 'JSONB', 'mysql': 'JSON', 'sqlite': 'TEXT'},
                'default': {'postgres': "'{}'", 'mysql': "('{}')", 'sqlite': "'{}'"},
                'null': True,
                'generated': False,
                'primary_key': False,
                'references': None,
            },
            'tenant_key': {
                'ddl': {
                    'postgres': '"tenant_key" TEXT GENERATED ALWAYS AS (COALESCE(CAST("tenant_id" AS TEXT), \'\')) STORED',
                    'mysql': "`tenant_key` VARCHAR(40) GENERATED ALWAYS AS (COALESCE(`tenant_id`, '')) VIRTUAL",
                    'sqlite': '"tenant_key" TEXT GENERATED ALWAYS AS (COALESCE("tenant_id", \'\')) VIRTUAL',
                },
                'type': {'postgres': None, 'mysql': None, 'sqlite': None},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': True,
                'generated': True,
                'primary_key': False,
                'references': None,
            },
        },
        'indexes': {
            'nest_auth_user_accesses_tenant_id': {
                'columns': ['tenant_id'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_user_accesses_tenant_id" ON "nest_auth_user_accesses" ("tenant_id")',
                    'mysql': 'CREATE INDEX `nest_auth_user_accesses_tenant_id` ON `nest_auth_user_accesses` (`tenant_id`)',
                    'sqlite': 'CREATE INDEX "nest_auth_user_accesses_tenant_id" ON "nest_auth_user_accesses" ("tenant_id")',
                },
            },
            'nest_auth_user_access_ut_idx': {
                'columns': ['user_id', 'tenant_id'],
                'unique': True,
                'create': {
                    'postgres': 'CREATE UNIQUE INDEX "nest_auth_user_access_ut_idx" ON "nest_auth_user_accesses" ("user_id", "tenant_id")',
                    'mysql': 'CREATE UNIQUE INDEX `nest_auth_user_access_ut_idx` ON `nest_auth_user_accesses` (`user_id`, `tenant_id`)',
                    'sqlite': 'CREATE UNIQUE INDEX "nest_auth_user_access_ut_idx" ON "nest_auth_user_accesses" ("user_id", "tenant_id")',
                },
            },
            'nest_auth_user_access_scope_idx': {
                'columns': ['user_id', 'tenant_key'],
                'unique': True,
                'create': {
                    'postgres': 'CREATE UNIQUE INDEX "nest_auth_user_access_scope_idx" ON "nest_auth_user_accesses" ("user_id", "tenant_key")',
                    'mysql': 'CREATE UNIQUE INDEX `nest_auth_user_access_scope_idx` ON `nest_auth_user_accesses` (`user_id`, `tenant_key`)',
                    'sqlite': 'CREATE UNIQUE INDEX "nest_auth_user_access_scope_idx" ON "nest_auth_user_accesses" ("user_id", "tenant_key")',
                },
            },
        },
    },
    'nest_auth_user_access_roles': {
        'create': {
            'postgres': 'CREATE TABLE "nest_auth_user_access_roles" ("user_access_id" UUID NOT NULL, "role_id" UUID NOT NULL, PRIMARY KEY ("user_access_id", "role_id"), FOREIGN KEY ("user_access_id") REFERENCES "nest_auth_user_accesses" ("id") ON DELETE CASCADE, FOREIGN KEY ("role_id") REFERENCES "nest_auth_roles" ("id") ON DELETE CASCADE)',
            'mysql': 'CREATE TABLE `nest_auth_user_access_roles` (`user_access_id` VARCHAR(40) NOT NULL, `role_id` VARCHAR(40) NOT NULL, PRIMARY KEY (`user_access_id`, `role_id`), FOREIGN KEY (`user_access_id`) REFERENCES `nest_auth_user_accesses` (`id`) ON DELETE CASCADE, FOREIGN KEY (`role_id`) REFERENCES `nest_auth_roles` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
            'sqlite': 'CREATE TABLE "nest_auth_user_access_roles" ("user_access_id" TEXT NOT NULL, "role_id" TEXT NOT NULL, PRIMARY KEY ("user_access_id", "role_id"), FOREIGN KEY ("user_access_id") REFERENCES "nest_auth_user_accesses" ("id") ON DELETE CASCADE, FOREIGN KEY ("role_id") REFERENCES "nest_auth_roles" ("id") ON DELETE CASCADE)',
        },
        'columns': {
            'user_access_id': {
                'ddl': {
                    'postgres': '"user_access_id" UUID NOT NULL',
                    'mysql': '`user_access_id` VARCHAR(40) NOT NULL',
                    'sqlite': '"user_access_id" TEXT NOT NULL',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': ['nest_auth_user_accesses', 'id', 'CASCADE'],
            },
            'role_id': {
                'ddl': {
                    'postgres': '"role_id" UUID NOT NULL',
                    'mysql': '`role_id` VARCHAR(40) NOT NULL',
                    'sqlite': '"role_id" TEXT NOT NULL',
                },
                'type': {'postgres': 'UUID', 'mysql': 'VARCHAR(40)', 'sqlite': 'TEXT'},
                'default': {'postgres': None, 'mysql': None, 'sqlite': None},
                'null': False,
                'generated': False,
                'primary_key': True,
                'references': ['nest_auth_roles', 'id', 'CASCADE'],
            },
        },
        'indexes': {
            'nest_auth_user_access_roles_role_id': {
                'columns': ['role_id'],
                'unique': False,
                'create': {
                    'postgres': 'CREATE INDEX "nest_auth_user_access_roles_role_id" ON "nest_auth_user_access_roles" ("role_id")',
                    'mysql': 'CREATE INDEX `nest_auth_user_access_roles_role_id` ON `nest_auth_user_access_roles` (`role_id`)',
                    'sqlite': 'CREATE INDEX "nest_auth_user_access_roles_role_id" ON "nest_auth_user_access_roles" ("role_id")',
                },
            },
        },
    },
}
