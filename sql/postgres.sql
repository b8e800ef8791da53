-- nestauth-peewee 0.2.0: the auth schema for PostgreSQL.
-- Generated from the models by `nestauth sql postgres`. Do not edit: regenerate.
-- Tables come in dependency order. Each statement ends with a semicolon at the end of a line,
-- and no other semicolon appears in this file.
-- Ids are native UUIDs. Timestamps are TIMESTAMP (no time zone) holding UTC.

CREATE TABLE "nest_auth_users" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "email" VARCHAR(255),
    "email_verified_at" TIMESTAMP,
    "phone" VARCHAR(32),
    "phone_verified_at" TIMESTAMP,
    "password_hash" VARCHAR(255),
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "must_change_password" BOOLEAN NOT NULL DEFAULT false,
    "metadata" JSONB DEFAULT '{}',
    "is_mfa_enabled" BOOLEAN NOT NULL DEFAULT false,
    "mfa_recovery_code" VARCHAR(255)
);

CREATE INDEX "nest_auth_users_email_verified_at" ON "nest_auth_users" ("email_verified_at");

CREATE INDEX "nest_auth_users_phone_verified_at" ON "nest_auth_users" ("phone_verified_at");

CREATE UNIQUE INDEX "nest_auth_users_email_idx" ON "nest_auth_users" ("email");

CREATE UNIQUE INDEX "nest_auth_users_phone_idx" ON "nest_auth_users" ("phone");

CREATE TABLE "nest_auth_sessions" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "user_id" UUID NOT NULL,
    "data" JSONB DEFAULT '{}',
    "refresh_token_hash" VARCHAR(128),
    "expires_at" TIMESTAMP,
    "user_agent" VARCHAR(512),
    "device_name" VARCHAR(255),
    "ip_address" VARCHAR(45),
    "last_active" TIMESTAMP,
    "authenticated_at" TIMESTAMP,
    "mfa_authenticated_at" TIMESTAMP,
    FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE
);

CREATE INDEX "nest_auth_sessions_expires_at" ON "nest_auth_sessions" ("expires_at");

CREATE INDEX "nest_auth_sessions_user_idx" ON "nest_auth_sessions" ("user_id");

CREATE UNIQUE INDEX "nest_auth_sessions_refresh_token_idx" ON "nest_auth_sessions" ("refresh_token_hash");

CREATE TABLE "nest_auth_identities" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "user_id" UUID NOT NULL,
    "provider" VARCHAR(64) NOT NULL,
    "provider_id" VARCHAR(255),
    "metadata" JSONB DEFAULT '{}',
    FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE
);

CREATE INDEX "nest_auth_identities_user_id" ON "nest_auth_identities" ("user_id");

CREATE UNIQUE INDEX "nest_auth_identities_pi_idx" ON "nest_auth_identities" ("provider", "provider_id");

CREATE TABLE "nest_auth_access_keys" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "user_id" UUID NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "public_key" VARCHAR(128) NOT NULL,
    "secret_hash" VARCHAR(128) NOT NULL,
    "description" VARCHAR(255),
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "expires_at" TIMESTAMP,
    "last_used_at" TIMESTAMP,
    FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE
);

CREATE INDEX "nest_auth_access_keys_user_id" ON "nest_auth_access_keys" ("user_id");

CREATE UNIQUE INDEX "nest_auth_access_keys_pub_idx" ON "nest_auth_access_keys" ("public_key");

CREATE TABLE "nest_auth_otps" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "user_id" UUID NOT NULL,
    "code_hash" VARCHAR(128) NOT NULL,
    "type" VARCHAR(32) NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "target" VARCHAR(255),
    FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE
);

CREATE INDEX "nest_auth_otps_expires_at" ON "nest_auth_otps" ("expires_at");

CREATE INDEX "nest_auth_otps_user_type_idx" ON "nest_auth_otps" ("user_id", "type");

CREATE TABLE "nest_auth_mfa_secrets" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "user_id" UUID NOT NULL,
    "secret" VARCHAR(255) NOT NULL,
    "verified" BOOLEAN NOT NULL DEFAULT false,
    "device_name" VARCHAR(255),
    "last_used_at" TIMESTAMP,
    FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE
);

CREATE INDEX "nest_auth_mfa_secrets_user_id" ON "nest_auth_mfa_secrets" ("user_id");

CREATE TABLE "nest_auth_mfa_recovery_codes" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "user_id" UUID NOT NULL,
    "code_hash" VARCHAR(255) NOT NULL,
    "used_at" TIMESTAMP,
    FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE
);

CREATE INDEX "nest_auth_mfa_recovery_codes_user_id" ON "nest_auth_mfa_recovery_codes" ("user_id");

CREATE TABLE "nest_auth_trusted_devices" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "user_id" UUID NOT NULL,
    "token_hash" VARCHAR(128) NOT NULL,
    "user_agent" VARCHAR(512),
    "ip_address" VARCHAR(45),
    "expires_at" TIMESTAMP NOT NULL,
    "revoked_at" TIMESTAMP,
    "last_used_at" TIMESTAMP,
    FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE
);

CREATE INDEX "nest_auth_trusted_devices_user_id" ON "nest_auth_trusted_devices" ("user_id");

CREATE INDEX "nest_auth_trusted_devices_token_hash" ON "nest_auth_trusted_devices" ("token_hash");

CREATE INDEX "nest_auth_trusted_devices_expires_at" ON "nest_auth_trusted_devices" ("expires_at");

CREATE TABLE "nest_auth_tenants" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "name" VARCHAR(255) NOT NULL,
    "slug" VARCHAR(255),
    "description" VARCHAR(255),
    "metadata" JSONB DEFAULT '{}',
    "is_active" BOOLEAN NOT NULL DEFAULT true
);

CREATE UNIQUE INDEX "nest_auth_tenants_slug_idx" ON "nest_auth_tenants" ("slug");

CREATE TABLE "nest_auth_roles" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "name" VARCHAR(255) NOT NULL,
    "guard" VARCHAR(64) NOT NULL DEFAULT 'web',
    "tenant_id" UUID,
    "is_system" BOOLEAN NOT NULL DEFAULT false,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "tenant_key" TEXT GENERATED ALWAYS AS (COALESCE(CAST("tenant_id" AS TEXT), '')) STORED,
    FOREIGN KEY ("tenant_id") REFERENCES "nest_auth_tenants" ("id") ON DELETE CASCADE
);

CREATE INDEX "nest_auth_roles_tenant_id" ON "nest_auth_roles" ("tenant_id");

CREATE UNIQUE INDEX "nest_auth_roles_scope_idx" ON "nest_auth_roles" ("name", "guard", "tenant_key");

CREATE TABLE "nest_auth_permissions" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "name" VARCHAR(255) NOT NULL,
    "guard" VARCHAR(64) NOT NULL DEFAULT 'web',
    "description" TEXT,
    "category" VARCHAR(255)
);

CREATE INDEX "nest_auth_permissions_guard" ON "nest_auth_permissions" ("guard");

CREATE UNIQUE INDEX "nest_auth_permissions_ng_idx" ON "nest_auth_permissions" ("name", "guard");

CREATE TABLE "nest_auth_role_permissions" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "role_id" UUID NOT NULL,
    "permission_id" UUID NOT NULL,
    FOREIGN KEY ("role_id") REFERENCES "nest_auth_roles" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("permission_id") REFERENCES "nest_auth_permissions" ("id") ON DELETE CASCADE
);

CREATE INDEX "nest_auth_role_permissions_permission_id" ON "nest_auth_role_permissions" ("permission_id");

CREATE UNIQUE INDEX "nest_auth_role_permissions_rp_idx" ON "nest_auth_role_permissions" ("role_id", "permission_id");

CREATE TABLE "nest_auth_user_accesses" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "user_id" UUID NOT NULL,
    "tenant_id" UUID,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "status" VARCHAR(32) NOT NULL DEFAULT 'active',
    "metadata" JSONB DEFAULT '{}',
    "tenant_key" TEXT GENERATED ALWAYS AS (COALESCE(CAST("tenant_id" AS TEXT), '')) STORED,
    FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("tenant_id") REFERENCES "nest_auth_tenants" ("id") ON DELETE CASCADE
);

CREATE INDEX "nest_auth_user_accesses_tenant_id" ON "nest_auth_user_accesses" ("tenant_id");

CREATE UNIQUE INDEX "nest_auth_user_access_ut_idx" ON "nest_auth_user_accesses" ("user_id", "tenant_id");

CREATE UNIQUE INDEX "nest_auth_user_access_scope_idx" ON "nest_auth_user_accesses" ("user_id", "tenant_key");

CREATE TABLE "nest_auth_platform_accesses" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "user_id" UUID NOT NULL,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    FOREIGN KEY ("user_id") REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "nest_auth_platform_accesses_user_idx" ON "nest_auth_platform_accesses" ("user_id");

CREATE TABLE "nest_auth_user_access_roles" (
    "user_access_id" UUID NOT NULL,
    "role_id" UUID NOT NULL,
    PRIMARY KEY ("user_access_id", "role_id"),
    FOREIGN KEY ("user_access_id") REFERENCES "nest_auth_user_accesses" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("role_id") REFERENCES "nest_auth_roles" ("id") ON DELETE CASCADE
);

CREATE INDEX "nest_auth_user_access_roles_role_id" ON "nest_auth_user_access_roles" ("role_id");

CREATE TABLE "nest_auth_platform_access_roles" (
    "platform_access_id" UUID NOT NULL,
    "role_id" UUID NOT NULL,
    PRIMARY KEY ("platform_access_id", "role_id"),
    FOREIGN KEY ("platform_access_id") REFERENCES "nest_auth_platform_accesses" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("role_id") REFERENCES "nest_auth_roles" ("id") ON DELETE CASCADE
);

CREATE INDEX "nest_auth_platform_access_roles_role_id" ON "nest_auth_platform_access_roles" ("role_id");

CREATE TABLE "nest_auth_admin_users" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "email" VARCHAR(255) NOT NULL,
    "name" VARCHAR(255),
    "password_hash" VARCHAR(255) NOT NULL,
    "metadata" JSONB DEFAULT '{}',
    "last_login_at" TIMESTAMP,
    "token_version" INTEGER NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX "nest_auth_admin_users_email_idx" ON "nest_auth_admin_users" ("email");

CREATE TABLE "nest_auth_login_throttles" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "updated_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "scope" VARCHAR(32) NOT NULL,
    "subject" VARCHAR(64) NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "locked_until" TIMESTAMP,
    "expires_at" TIMESTAMP NOT NULL
);

CREATE INDEX "nest_auth_login_throttles_expires_at" ON "nest_auth_login_throttles" ("expires_at");

CREATE UNIQUE INDEX "nest_auth_login_throttles_subject_idx" ON "nest_auth_login_throttles" ("scope", "subject");

CREATE TABLE "nest_auth_blocked_email_domains" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "domain" VARCHAR(255) NOT NULL,
    "source" VARCHAR(32) NOT NULL DEFAULT 'manual'
);

CREATE UNIQUE INDEX "nest_auth_blocked_email_domains_domain_idx" ON "nest_auth_blocked_email_domains" ("domain");

CREATE TABLE "nest_auth_audit_events" (
    "id" UUID NOT NULL PRIMARY KEY,
    "occurred_at" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "event" VARCHAR(64) NOT NULL,
    "outcome" VARCHAR(16) NOT NULL DEFAULT 'success',
    "actor_id" UUID,
    "user_id" UUID,
    "tenant_id" UUID,
    "ip_address" VARCHAR(45),
    "user_agent" VARCHAR(512),
    "detail" JSONB NOT NULL DEFAULT '{}'
);

CREATE INDEX "nest_auth_audit_events_user_idx" ON "nest_auth_audit_events" ("user_id", "occurred_at");

CREATE INDEX "nest_auth_audit_events_occurred_idx" ON "nest_auth_audit_events" ("occurred_at");

CREATE INDEX "nest_auth_audit_events_tenant_idx" ON "nest_auth_audit_events" ("tenant_id", "occurred_at");
