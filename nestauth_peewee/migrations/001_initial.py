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

NAME = '001_initial'


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


def migrate(migrator, database, *, fake=False):
    """Apply this migration (peewee-migrate entry point)."""
    apply(NAME, migrator, database, "migrate", BEFORE, FORWARD)


def rollback(migrator, database, *, fake=False):
    """Undo this migration (peewee-migrate entry point)."""
    apply(NAME, migrator, database, "rollback", AFTER, BACKWARD)
