"""The schema contract of ../shared/spec/schema.md, checked on every dialect's live catalog."""

from __future__ import annotations

import pytest

from nestauth_peewee import NestAuthModels
from nestauth_peewee.schema.catalog import default_kind, read_catalog

NOW, T, F = "now", "true", "false"
UUID, TS, BOOL, INT, JSON, TEXT = "uuid", "timestamp", "bool", "int", "json", "text"


def vc(n: int) -> str:
    return f"varchar({n})"


# (column, family, nullable, default kind) straight from the spec's tables.
STAMPS = [("created_at", TS, False, NOW), ("updated_at", TS, False, NOW)]
EXPECTED_COLUMNS: dict[str, list[tuple[str, str, bool, str | None]]] = {
    "nest_auth_users": [
        ("id", UUID, False, None), ("email", vc(255), True, None),
        ("email_verified_at", TS, True, None), ("phone", vc(32), True, None),
        ("phone_verified_at", TS, True, None), ("password_hash", vc(255), True, None),
        ("is_active", BOOL, False, T), ("must_change_password", BOOL, False, F),
        ("metadata", JSON, True, "{}"), ("is_mfa_enabled", BOOL, False, F),
        ("mfa_recovery_code", vc(255), True, None), *STAMPS,
    ],
    "nest_auth_sessions": [
        ("id", UUID, False, None), ("user_id", UUID, False, None), ("data", JSON, True, "{}"),
        ("refresh_token_hash", vc(128), True, None), ("expires_at", TS, True, None),
        ("user_agent", vc(512), True, None), ("device_name", vc(255), True, None),
        ("ip_address", vc(45), True, None), ("last_active", TS, True, None),
        ("authenticated_at", TS, True, None), ("mfa_authenticated_at", TS, True, None), *STAMPS,
    ],
    "nest_auth_identities": [
        ("id", UUID, False, None), ("user_id", UUID, False, None), ("provider", vc(64), False, None),
        ("provider_id", vc(255), True, None), ("metadata", JSON, True, "{}"), *STAMPS,
    ],
    "nest_auth_access_keys": [
        ("id", UUID, False, None), ("user_id", UUID, False, None), ("name", vc(255), False, None),
        ("public_key", vc(128), False, None), ("secret_hash", vc(128), False, None),
        ("description", vc(255), True, None), ("is_active", BOOL, False, T),
        ("expires_at", TS, True, None), ("last_used_at", TS, True, None), *STAMPS,
    ],
    "nest_auth_otps": [
        ("id", UUID, False, None), ("user_id", UUID, False, None), ("code_hash", vc(128), False, None),
        ("type", vc(32), False, None), ("expires_at", TS, False, None), ("attempts", INT, False, "0"),
        ("target", vc(255), True, None), *STAMPS,
    ],
    "nest_auth_mfa_secrets": [
        ("id", UUID, False, None), ("user_id", UUID, False, None), ("secret", vc(255), False, None),
        ("verified", BOOL, False, F), ("device_name", vc(255), True, None),
        ("last_used_at", TS, True, None), *STAMPS,
    ],
    "nest_auth_trusted_devices": [
        ("id", UUID, False, None), ("user_id", UUID, False, None), ("token_hash", vc(128), False, None),
        ("user_agent", vc(512), True, None), ("ip_address", vc(45), True, None),
        ("expires_at", TS, False, None), ("revoked_at", TS, True, None),
        ("last_used_at", TS, True, None), ("created_at", TS, False, NOW),
    ],
    "nest_auth_roles": [
        ("id", UUID, False, None), ("name", vc(255), False, None), ("guard", vc(64), False, "web"),
        ("tenant_id", UUID, True, None), ("is_system", BOOL, False, F), ("is_active", BOOL, False, T),
        *STAMPS,
    ],
    "nest_auth_permissions": [
        ("id", UUID, False, None), ("name", vc(255), False, None), ("guard", vc(64), False, "web"),
        ("description", TEXT, True, None), ("category", vc(255), True, None), *STAMPS,
    ],
    "nest_auth_role_permissions": [
        ("id", UUID, False, None), ("role_id", UUID, False, None), ("permission_id", UUID, False, None),
        ("created_at", TS, False, NOW),
    ],
    "nest_auth_tenants": [
        ("id", UUID, False, None), ("name", vc(255), False, None), ("slug", vc(255), True, None),
        ("description", vc(255), True, None), ("metadata", JSON, True, "{}"),
        ("is_active", BOOL, False, T), *STAMPS,
    ],
    "nest_auth_user_accesses": [
        ("id", UUID, False, None), ("user_id", UUID, False, None), ("tenant_id", UUID, True, None),
        ("is_default", BOOL, False, F), ("status", vc(32), False, "active"),
        ("metadata", JSON, True, "{}"), *STAMPS,
    ],
    "nest_auth_platform_accesses": [
        ("id", UUID, False, None), ("user_id", UUID, False, None), ("is_active", BOOL, False, T),
        *STAMPS,
    ],
    "nest_auth_admin_users": [
        ("id", UUID, False, None), ("email", vc(255), False, None), ("name", vc(255), True, None),
        ("password_hash", vc(255), False, None), ("metadata", JSON, True, "{}"),
        ("last_login_at", TS, True, None), ("token_version", INT, False, "0"), *STAMPS,
    ],
    # Release 0.2 (schema.md "Release 0.2": upstream 2.8 and 2.10).
    "nest_auth_blocked_email_domains": [
        ("id", UUID, False, None), ("domain", vc(255), False, None), ("source", vc(32), False, "manual"),
        ("created_at", TS, False, NOW),
    ],
    "nest_auth_mfa_recovery_codes": [
        ("id", UUID, False, None), ("user_id", UUID, False, None), ("code_hash", vc(255), False, None),
        ("used_at", TS, True, None), ("created_at", TS, False, NOW),
    ],
    "nest_auth_user_access_roles": [
        ("user_access_id", UUID, False, None), ("role_id", UUID, False, None),
    ],
    "nest_auth_platform_access_roles": [
        ("platform_access_id", UUID, False, None), ("role_id", UUID, False, None),
    ],
}

# The generated helper columns behind the "one global row" rules (documented in docs/schema.md).
GENERATED = {"nest_auth_roles": "tenant_key", "nest_auth_user_accesses": "tenant_key"}

SEED_INDEXES = [
    ("nest_auth_users", "nest_auth_users_email_idx", ("email",), True),
    ("nest_auth_users", "nest_auth_users_phone_idx", ("phone",), True),
    ("nest_auth_sessions", "nest_auth_sessions_user_idx", ("user_id",), False),
    ("nest_auth_identities", "nest_auth_identities_pi_idx", ("provider", "provider_id"), True),
    ("nest_auth_otps", "nest_auth_otps_user_type_idx", ("user_id", "type"), False),
    ("nest_auth_user_accesses", "nest_auth_user_access_ut_idx", ("user_id", "tenant_id"), True),
    ("nest_auth_access_keys", "nest_auth_access_keys_pub_idx", ("public_key",), True),
    ("nest_auth_blocked_email_domains", "nest_auth_blocked_email_domains_domain_idx", ("domain",), True),
]

USERS = ("nest_auth_users", "id")
EXPECTED_FKS = {
    ("nest_auth_sessions", "user_id"): USERS,
    ("nest_auth_identities", "user_id"): USERS,
    ("nest_auth_access_keys", "user_id"): USERS,
    ("nest_auth_otps", "user_id"): USERS,
    ("nest_auth_mfa_secrets", "user_id"): USERS,
    ("nest_auth_mfa_recovery_codes", "user_id"): USERS,
    ("nest_auth_trusted_devices", "user_id"): USERS,
    ("nest_auth_user_accesses", "user_id"): USERS,
    ("nest_auth_platform_accesses", "user_id"): USERS,
    ("nest_auth_user_accesses", "tenant_id"): ("nest_auth_tenants", "id"),
    ("nest_auth_roles", "tenant_id"): ("nest_auth_tenants", "id"),
    ("nest_auth_role_permissions", "role_id"): ("nest_auth_roles", "id"),
    ("nest_auth_role_permissions", "permission_id"): ("nest_auth_permissions", "id"),
    ("nest_auth_user_access_roles", "user_access_id"): ("nest_auth_user_accesses", "id"),
    ("nest_auth_user_access_roles", "role_id"): ("nest_auth_roles", "id"),
    ("nest_auth_platform_access_roles", "platform_access_id"): ("nest_auth_platform_accesses", "id"),
    ("nest_auth_platform_access_roles", "role_id"): ("nest_auth_roles", "id"),
}

_TYPES = {
    "postgres": {UUID: {"uuid"}, TS: {"timestamp"}, BOOL: {"boolean"}, INT: {"integer"},
                 JSON: {"jsonb"}, TEXT: {"text"}},
    "mysql": {UUID: {"varchar(40)"}, TS: {"datetime(6)"}, BOOL: {"tinyint(1)"},
              INT: {"int(11)", "int"}, JSON: {"longtext", "json"}, TEXT: {"text"}},
    "sqlite": {UUID: {"uuid", "text"}, TS: {"datetime"}, BOOL: {"integer"}, INT: {"integer"},
               JSON: {"json", "text"}, TEXT: {"text"}},
}


def _accepted_types(family: str, dialect: str) -> set[str]:
    if family.startswith("varchar("):
        return {family}
    return _TYPES[dialect][family]


def _normalised_default(raw_kind: str | None, family: str) -> str | None:
    if family == BOOL and raw_kind in ("1", "0"):
        return T if raw_kind == "1" else F
    return raw_kind


def test_the_bundle_holds_twenty_models_with_the_spec_table_names():
    # The seed's sixteen models (fourteen entity tables and two role links), plus release 0.2's
    # four (blocked email domains and recovery codes, login throttles for account security, and
    # the audit trail).
    assert [m._meta.table_name for m in NestAuthModels] == [
        "nest_auth_users", "nest_auth_sessions", "nest_auth_identities", "nest_auth_access_keys",
        "nest_auth_otps", "nest_auth_mfa_secrets", "nest_auth_mfa_recovery_codes",
        "nest_auth_trusted_devices", "nest_auth_tenants",
        "nest_auth_roles", "nest_auth_permissions", "nest_auth_role_permissions",
        "nest_auth_user_accesses", "nest_auth_platform_accesses", "nest_auth_user_access_roles",
        "nest_auth_platform_access_roles", "nest_auth_admin_users", "nest_auth_login_throttles",
        "nest_auth_blocked_email_domains", "nest_auth_audit_events",
    ]


def test_every_table_exists_with_the_spec_columns(db, dialect):
    catalog = read_catalog(db)
    assert set(EXPECTED_COLUMNS) <= set(catalog)
    for table, columns in EXPECTED_COLUMNS.items():
        live = catalog[table].columns
        expected_names = {c[0] for c in columns} | ({GENERATED[table]} if table in GENERATED else set())
        assert set(live) == expected_names, table
        for name, family, nullable, default in columns:
            col = live[name]
            where = f"{dialect}: {table}.{name}"
            assert col.type in _accepted_types(family, dialect), f"{where} has type {col.type}"
            assert col.nullable is nullable, f"{where} nullability"
            assert _normalised_default(default_kind(col), family) == default, f"{where} default {col.default}"
            assert not col.generated, where
        if table in GENERATED:
            assert live[GENERATED[table]].generated, f"{dialect}: {table}.tenant_key is generated"


def test_link_tables_have_composite_primary_keys_and_no_surrogate_id(db):
    catalog = read_catalog(db)
    assert catalog["nest_auth_user_access_roles"].primary_key == ("user_access_id", "role_id")
    assert catalog["nest_auth_platform_access_roles"].primary_key == ("platform_access_id", "role_id")
    for table in set(EXPECTED_COLUMNS) - {"nest_auth_user_access_roles", "nest_auth_platform_access_roles"}:
        assert catalog[table].primary_key == ("id",), table


@pytest.mark.parametrize("table,name,columns,unique", SEED_INDEXES, ids=[i[1] for i in SEED_INDEXES])
def test_the_seed_indexes_exist_under_their_exact_names(db, table, name, columns, unique):
    index = read_catalog(db, {table})[table].indexes[name]
    assert index.columns == columns
    assert index.unique is unique


def test_the_other_uniqueness_rules_have_unique_indexes(db):
    catalog = read_catalog(db)

    def unique_sets(table):
        return {i.columns for i in catalog[table].indexes.values() if i.unique}

    assert ("refresh_token_hash",) in unique_sets("nest_auth_sessions")
    assert ("slug",) in unique_sets("nest_auth_tenants")
    assert ("email",) in unique_sets("nest_auth_admin_users")
    assert ("user_id",) in unique_sets("nest_auth_platform_accesses")
    assert ("name", "guard") in unique_sets("nest_auth_permissions")
    assert ("role_id", "permission_id") in unique_sets("nest_auth_role_permissions")
    assert ("name", "guard", "tenant_key") in unique_sets("nest_auth_roles")
    assert ("user_id", "tenant_key") in unique_sets("nest_auth_user_accesses")


def test_indexed_columns_of_the_spec_are_indexed(db):
    catalog = read_catalog(db)

    def leading(table):
        return {i.columns[0] for i in catalog[table].indexes.values()} | {catalog[table].primary_key[0]}

    for table, column in [
        ("nest_auth_users", "email_verified_at"), ("nest_auth_users", "phone_verified_at"),
        ("nest_auth_sessions", "expires_at"), ("nest_auth_identities", "user_id"),
        ("nest_auth_access_keys", "user_id"), ("nest_auth_mfa_secrets", "user_id"),
        ("nest_auth_trusted_devices", "user_id"), ("nest_auth_trusted_devices", "token_hash"),
        ("nest_auth_mfa_recovery_codes", "user_id"),
        ("nest_auth_permissions", "name"), ("nest_auth_permissions", "guard"),
        ("nest_auth_role_permissions", "role_id"), ("nest_auth_role_permissions", "permission_id"),
        ("nest_auth_user_accesses", "user_id"), ("nest_auth_user_accesses", "tenant_id"),
        ("nest_auth_roles", "tenant_id"),
    ]:
        assert column in leading(table), f"{table}.{column} leads no index"


def test_every_foreign_key_cascades_on_delete(db):
    catalog = read_catalog(db)
    found = {}
    for table in catalog.values():
        for fk in table.foreign_keys:
            found[(table.name, fk.column)] = ((fk.target_table, fk.target_column), fk.on_delete)
    assert {k: v[0] for k, v in found.items()} == EXPECTED_FKS
    assert {v[1] for v in found.values()} == {"CASCADE"}


@pytest.mark.parametrize("dialect", ["mysql"], indirect=True)
def test_mysql_tables_are_innodb_utf8mb4(db):
    rows = db.execute_sql(
        "SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES "
        "WHERE TABLE_SCHEMA = DATABASE()"
    ).fetchall()
    by_name = {name: (engine, collation) for name, engine, collation in rows}
    for model in NestAuthModels:
        engine, collation = by_name[model._meta.table_name]
        assert engine == "InnoDB"
        assert collation.startswith("utf8mb4")
