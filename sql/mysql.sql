-- nestauth-peewee 0.2.0: the auth schema for MySQL / MariaDB.
-- Generated from the models by `nestauth sql mysql`. Do not edit: regenerate.
-- Tables come in dependency order. Each statement ends with a semicolon at the end of a line,
-- and no other semicolon appears in this file.
-- Ids are VARCHAR(40) holding 32 lower-case hex digits, no dashes.
-- Timestamps are DATETIME(6) holding UTC. Tested on MariaDB 10.11, MySQL needs 8.0.13+.
-- Connections should use utf8mb4, a strict sql_mode and time_zone '+00:00'.

CREATE TABLE `nest_auth_users` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `email` VARCHAR(255) COLLATE utf8mb4_bin,
    `email_verified_at` DATETIME(6),
    `phone` VARCHAR(32) COLLATE utf8mb4_bin,
    `phone_verified_at` DATETIME(6),
    `password_hash` VARCHAR(255),
    `is_active` BOOL NOT NULL DEFAULT 1,
    `must_change_password` BOOL NOT NULL DEFAULT 0,
    `metadata` JSON DEFAULT ('{}'),
    `is_mfa_enabled` BOOL NOT NULL DEFAULT 0,
    `mfa_recovery_code` VARCHAR(255)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX `nest_auth_users_email_verified_at` ON `nest_auth_users` (`email_verified_at`);

CREATE INDEX `nest_auth_users_phone_verified_at` ON `nest_auth_users` (`phone_verified_at`);

CREATE UNIQUE INDEX `nest_auth_users_email_idx` ON `nest_auth_users` (`email`);

CREATE UNIQUE INDEX `nest_auth_users_phone_idx` ON `nest_auth_users` (`phone`);

CREATE TABLE `nest_auth_sessions` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `user_id` VARCHAR(40) NOT NULL,
    `data` JSON DEFAULT ('{}'),
    `refresh_token_hash` VARCHAR(128) COLLATE utf8mb4_bin,
    `expires_at` DATETIME(6),
    `user_agent` VARCHAR(512),
    `device_name` VARCHAR(255),
    `ip_address` VARCHAR(45),
    `last_active` DATETIME(6),
    `authenticated_at` DATETIME(6),
    `mfa_authenticated_at` DATETIME(6),
    FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX `nest_auth_sessions_expires_at` ON `nest_auth_sessions` (`expires_at`);

CREATE INDEX `nest_auth_sessions_user_idx` ON `nest_auth_sessions` (`user_id`);

CREATE UNIQUE INDEX `nest_auth_sessions_refresh_token_idx` ON `nest_auth_sessions` (`refresh_token_hash`);

CREATE TABLE `nest_auth_identities` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `user_id` VARCHAR(40) NOT NULL,
    `provider` VARCHAR(64) NOT NULL COLLATE utf8mb4_bin,
    `provider_id` VARCHAR(255) COLLATE utf8mb4_bin,
    `metadata` JSON DEFAULT ('{}'),
    FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX `nest_auth_identities_user_id` ON `nest_auth_identities` (`user_id`);

CREATE UNIQUE INDEX `nest_auth_identities_pi_idx` ON `nest_auth_identities` (`provider`, `provider_id`);

CREATE TABLE `nest_auth_access_keys` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `user_id` VARCHAR(40) NOT NULL,
    `name` VARCHAR(255) NOT NULL,
    `public_key` VARCHAR(128) NOT NULL COLLATE utf8mb4_bin,
    `secret_hash` VARCHAR(128) NOT NULL,
    `description` VARCHAR(255),
    `is_active` BOOL NOT NULL DEFAULT 1,
    `expires_at` DATETIME(6),
    `last_used_at` DATETIME(6),
    FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX `nest_auth_access_keys_user_id` ON `nest_auth_access_keys` (`user_id`);

CREATE UNIQUE INDEX `nest_auth_access_keys_pub_idx` ON `nest_auth_access_keys` (`public_key`);

CREATE TABLE `nest_auth_otps` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `user_id` VARCHAR(40) NOT NULL,
    `code_hash` VARCHAR(128) NOT NULL,
    `type` VARCHAR(32) NOT NULL,
    `expires_at` DATETIME(6) NOT NULL,
    `attempts` INTEGER NOT NULL DEFAULT 0,
    `target` VARCHAR(255) COLLATE utf8mb4_bin,
    FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX `nest_auth_otps_expires_at` ON `nest_auth_otps` (`expires_at`);

CREATE INDEX `nest_auth_otps_user_type_idx` ON `nest_auth_otps` (`user_id`, `type`);

CREATE TABLE `nest_auth_mfa_secrets` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `user_id` VARCHAR(40) NOT NULL,
    `secret` VARCHAR(255) NOT NULL,
    `verified` BOOL NOT NULL DEFAULT 0,
    `device_name` VARCHAR(255),
    `last_used_at` DATETIME(6),
    FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX `nest_auth_mfa_secrets_user_id` ON `nest_auth_mfa_secrets` (`user_id`);

CREATE TABLE `nest_auth_mfa_recovery_codes` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `user_id` VARCHAR(40) NOT NULL,
    `code_hash` VARCHAR(255) NOT NULL,
    `used_at` DATETIME(6),
    FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX `nest_auth_mfa_recovery_codes_user_id` ON `nest_auth_mfa_recovery_codes` (`user_id`);

CREATE TABLE `nest_auth_trusted_devices` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `user_id` VARCHAR(40) NOT NULL,
    `token_hash` VARCHAR(128) NOT NULL COLLATE utf8mb4_bin,
    `user_agent` VARCHAR(512),
    `ip_address` VARCHAR(45),
    `expires_at` DATETIME(6) NOT NULL,
    `revoked_at` DATETIME(6),
    `last_used_at` DATETIME(6),
    FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX `nest_auth_trusted_devices_user_id` ON `nest_auth_trusted_devices` (`user_id`);

CREATE INDEX `nest_auth_trusted_devices_token_hash` ON `nest_auth_trusted_devices` (`token_hash`);

CREATE INDEX `nest_auth_trusted_devices_expires_at` ON `nest_auth_trusted_devices` (`expires_at`);

CREATE TABLE `nest_auth_tenants` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `name` VARCHAR(255) NOT NULL,
    `slug` VARCHAR(255) COLLATE utf8mb4_bin,
    `description` VARCHAR(255),
    `metadata` JSON DEFAULT ('{}'),
    `is_active` BOOL NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE UNIQUE INDEX `nest_auth_tenants_slug_idx` ON `nest_auth_tenants` (`slug`);

CREATE TABLE `nest_auth_roles` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `name` VARCHAR(255) NOT NULL COLLATE utf8mb4_bin,
    `guard` VARCHAR(64) NOT NULL DEFAULT 'web' COLLATE utf8mb4_bin,
    `tenant_id` VARCHAR(40),
    `is_system` BOOL NOT NULL DEFAULT 0,
    `is_active` BOOL NOT NULL DEFAULT 1,
    `tenant_key` VARCHAR(40) GENERATED ALWAYS AS (COALESCE(`tenant_id`, '')) VIRTUAL,
    FOREIGN KEY (`tenant_id`) REFERENCES `nest_auth_tenants` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX `nest_auth_roles_tenant_id` ON `nest_auth_roles` (`tenant_id`);

CREATE UNIQUE INDEX `nest_auth_roles_scope_idx` ON `nest_auth_roles` (`name`, `guard`, `tenant_key`);

CREATE TABLE `nest_auth_permissions` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `name` VARCHAR(255) NOT NULL COLLATE utf8mb4_bin,
    `guard` VARCHAR(64) NOT NULL DEFAULT 'web' COLLATE utf8mb4_bin,
    `description` TEXT,
    `category` VARCHAR(255)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX `nest_auth_permissions_guard` ON `nest_auth_permissions` (`guard`);

CREATE UNIQUE INDEX `nest_auth_permissions_ng_idx` ON `nest_auth_permissions` (`name`, `guard`);

CREATE TABLE `nest_auth_role_permissions` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `role_id` VARCHAR(40) NOT NULL,
    `permission_id` VARCHAR(40) NOT NULL,
    FOREIGN KEY (`role_id`) REFERENCES `nest_auth_roles` (`id`) ON DELETE CASCADE,
    FOREIGN KEY (`permission_id`) REFERENCES `nest_auth_permissions` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX `nest_auth_role_permissions_permission_id` ON `nest_auth_role_permissions` (`permission_id`);

CREATE UNIQUE INDEX `nest_auth_role_permissions_rp_idx` ON `nest_auth_role_permissions` (`role_id`, `permission_id`);

CREATE TABLE `nest_auth_user_accesses` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `user_id` VARCHAR(40) NOT NULL,
    `tenant_id` VARCHAR(40),
    `is_default` BOOL NOT NULL DEFAULT 0,
    `status` VARCHAR(32) NOT NULL DEFAULT 'active',
    `metadata` JSON DEFAULT ('{}'),
    `tenant_key` VARCHAR(40) GENERATED ALWAYS AS (COALESCE(`tenant_id`, '')) VIRTUAL,
    FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE,
    FOREIGN KEY (`tenant_id`) REFERENCES `nest_auth_tenants` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX `nest_auth_user_accesses_tenant_id` ON `nest_auth_user_accesses` (`tenant_id`);

CREATE UNIQUE INDEX `nest_auth_user_access_ut_idx` ON `nest_auth_user_accesses` (`user_id`, `tenant_id`);

CREATE UNIQUE INDEX `nest_auth_user_access_scope_idx` ON `nest_auth_user_accesses` (`user_id`, `tenant_key`);

CREATE TABLE `nest_auth_platform_accesses` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `user_id` VARCHAR(40) NOT NULL,
    `is_active` BOOL NOT NULL DEFAULT 1,
    FOREIGN KEY (`user_id`) REFERENCES `nest_auth_users` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE UNIQUE INDEX `nest_auth_platform_accesses_user_idx` ON `nest_auth_platform_accesses` (`user_id`);

CREATE TABLE `nest_auth_user_access_roles` (
    `user_access_id` VARCHAR(40) NOT NULL,
    `role_id` VARCHAR(40) NOT NULL,
    PRIMARY KEY (`user_access_id`, `role_id`),
    FOREIGN KEY (`user_access_id`) REFERENCES `nest_auth_user_accesses` (`id`) ON DELETE CASCADE,
    FOREIGN KEY (`role_id`) REFERENCES `nest_auth_roles` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX `nest_auth_user_access_roles_role_id` ON `nest_auth_user_access_roles` (`role_id`);

CREATE TABLE `nest_auth_platform_access_roles` (
    `platform_access_id` VARCHAR(40) NOT NULL,
    `role_id` VARCHAR(40) NOT NULL,
    PRIMARY KEY (`platform_access_id`, `role_id`),
    FOREIGN KEY (`platform_access_id`) REFERENCES `nest_auth_platform_accesses` (`id`) ON DELETE CASCADE,
    FOREIGN KEY (`role_id`) REFERENCES `nest_auth_roles` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX `nest_auth_platform_access_roles_role_id` ON `nest_auth_platform_access_roles` (`role_id`);

CREATE TABLE `nest_auth_admin_users` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `email` VARCHAR(255) NOT NULL COLLATE utf8mb4_bin,
    `name` VARCHAR(255),
    `password_hash` VARCHAR(255) NOT NULL,
    `metadata` JSON DEFAULT ('{}'),
    `last_login_at` DATETIME(6),
    `token_version` INTEGER NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE UNIQUE INDEX `nest_auth_admin_users_email_idx` ON `nest_auth_admin_users` (`email`);

CREATE TABLE `nest_auth_login_throttles` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `updated_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `scope` VARCHAR(32) NOT NULL,
    `subject` VARCHAR(64) NOT NULL COLLATE utf8mb4_bin,
    `failures` INTEGER NOT NULL DEFAULT 0,
    `locked_until` DATETIME(6),
    `expires_at` DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX `nest_auth_login_throttles_expires_at` ON `nest_auth_login_throttles` (`expires_at`);

CREATE UNIQUE INDEX `nest_auth_login_throttles_subject_idx` ON `nest_auth_login_throttles` (`scope`, `subject`);

CREATE TABLE `nest_auth_blocked_email_domains` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `domain` VARCHAR(255) NOT NULL COLLATE utf8mb4_bin,
    `source` VARCHAR(32) NOT NULL DEFAULT 'manual'
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE UNIQUE INDEX `nest_auth_blocked_email_domains_domain_idx` ON `nest_auth_blocked_email_domains` (`domain`);

CREATE TABLE `nest_auth_audit_events` (
    `id` VARCHAR(40) NOT NULL PRIMARY KEY,
    `occurred_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    `event` VARCHAR(64) NOT NULL,
    `outcome` VARCHAR(16) NOT NULL DEFAULT 'success',
    `actor_id` VARCHAR(40),
    `user_id` VARCHAR(40),
    `tenant_id` VARCHAR(40),
    `ip_address` VARCHAR(45),
    `user_agent` VARCHAR(512),
    `detail` JSON NOT NULL DEFAULT ('{}')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX `nest_auth_audit_events_user_idx` ON `nest_auth_audit_events` (`user_id`, `occurred_at`);

CREATE INDEX `nest_auth_audit_events_occurred_idx` ON `nest_auth_audit_events` (`occurred_at`);

CREATE INDEX `nest_auth_audit_events_tenant_idx` ON `nest_auth_audit_events` (`tenant_id`, `occurred_at`);
