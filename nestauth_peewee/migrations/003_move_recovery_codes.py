"""nestauth-peewee migration 003_move_recovery_codes (data only, written by hand).

0.1 packed the digests of a user's UNUSED recovery codes into one column,
``nest_auth_users.mfa_recovery_code`` = ``r1:<d1>,<d2>,...`` (each digest 16
characters, at most 14). 0.2 keeps one row per code in
``nest_auth_mfa_recovery_codes`` (created by 002). Forward, every packed digest
becomes a row with ``used_at`` NULL, keeping its digest (the HMAC is keyed by
the app's secret key and the user id, so the code still matches), and the old
column is cleared: a code that was unused keeps working once, a spent one was
never in the column and stays spent. Backward, each user's unused rows are
packed into the column again (0.1's format; a user with more than 14 unused
codes keeps none, which 0.2 cannot produce: recovery_code_count is at most 14)
and the rows are deleted; the rollback of 002 then drops the table.

No ``%`` in the SQL (the drivers would read it as a parameter placeholder).
No schema change: scripts/make_migration.py writes DDL only, so this file is
hand-written in its format (same runtime, checks and per-dialect statements)
and schema_state.json was recorded after it with ``--record-state``. The same
statements are in docs/upgrading.md for users of the SQL snapshots.
"""

from nestauth_peewee.schema.migration_runtime_v1 import apply

NAME = '003_move_recovery_codes'

#: (kind, table, name, must exist) that must hold before migrate() / before rollback().
BEFORE = [
    ('table', 'nest_auth_mfa_recovery_codes', None, True),
    ('column', 'nest_auth_users', 'mfa_recovery_code', True),
]

AFTER = BEFORE

# Digest k (0-based) of a packed value starts at character 4 + 17 * k (1-based).
_MYSQL_SERIES = ' UNION ALL '.join(f'SELECT {k} AS k' for k in range(14))

FORWARD = {
    'postgres': [
        'INSERT INTO "nest_auth_mfa_recovery_codes" ("id", "user_id", "code_hash") '
        'SELECT md5(u."id"::text || \':\' || n.k::text)::uuid, u."id", '
        'substr(u."mfa_recovery_code", 4 + 17 * n.k, 16) '
        'FROM "nest_auth_users" u CROSS JOIN generate_series(0, 13) AS n(k) '
        'WHERE substr(u."mfa_recovery_code", 1, 3) = \'r1:\' AND length(u."mfa_recovery_code") >= 19 + 17 * n.k',
        'UPDATE "nest_auth_users" SET "mfa_recovery_code" = NULL WHERE "mfa_recovery_code" IS NOT NULL',
    ],
    'mysql': [
        'INSERT INTO `nest_auth_mfa_recovery_codes` (`id`, `user_id`, `code_hash`) '
        'SELECT MD5(CONCAT(u.`id`, \':\', n.k)), u.`id`, SUBSTRING(u.`mfa_recovery_code`, 4 + 17 * n.k, 16) '
        f'FROM `nest_auth_users` u CROSS JOIN ({_MYSQL_SERIES}) n '
        'WHERE SUBSTRING(u.`mfa_recovery_code`, 1, 3) = \'r1:\' AND CHAR_LENGTH(u.`mfa_recovery_code`) >= 19 + 17 * n.k',
        'UPDATE `nest_auth_users` SET `mfa_recovery_code` = NULL WHERE `mfa_recovery_code` IS NOT NULL',
    ],
    'sqlite': [
        'WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < 13) '
        'INSERT INTO "nest_auth_mfa_recovery_codes" ("id", "user_id", "code_hash") '
        'SELECT lower(hex(randomblob(16))), u."id", substr(u."mfa_recovery_code", 4 + 17 * n.k, 16) '
        'FROM "nest_auth_users" u CROSS JOIN n '
        'WHERE substr(u."mfa_recovery_code", 1, 3) = \'r1:\' AND length(u."mfa_recovery_code") >= 19 + 17 * n.k',
        'UPDATE "nest_auth_users" SET "mfa_recovery_code" = NULL WHERE "mfa_recovery_code" IS NOT NULL',
    ],
}

BACKWARD = {
    'postgres': [
        'UPDATE "nest_auth_users" u SET "mfa_recovery_code" = \'r1:\' || c.codes '
        'FROM (SELECT "user_id", string_agg("code_hash", \',\' ORDER BY "created_at", "id") AS codes '
        'FROM "nest_auth_mfa_recovery_codes" WHERE "used_at" IS NULL AND length("code_hash") = 16 '
        'GROUP BY "user_id" HAVING count(*) <= 14) c WHERE u."id" = c."user_id"',
        'DELETE FROM "nest_auth_mfa_recovery_codes"',
    ],
    'mysql': [
        'UPDATE `nest_auth_users` u JOIN (SELECT `user_id`, '
        'GROUP_CONCAT(`code_hash` ORDER BY `created_at`, `id` SEPARATOR \',\') AS codes '
        'FROM `nest_auth_mfa_recovery_codes` WHERE `used_at` IS NULL AND CHAR_LENGTH(`code_hash`) = 16 '
        'GROUP BY `user_id` HAVING COUNT(*) <= 14) c ON u.`id` = c.`user_id` '
        'SET u.`mfa_recovery_code` = CONCAT(\'r1:\', c.codes)',
        'DELETE FROM `nest_auth_mfa_recovery_codes`',
    ],
    'sqlite': [
        'UPDATE "nest_auth_users" SET "mfa_recovery_code" = (SELECT \'r1:\' || group_concat(c."code_hash", \',\') '
        'FROM (SELECT "code_hash" FROM "nest_auth_mfa_recovery_codes" '
        'WHERE "user_id" = "nest_auth_users"."id" AND "used_at" IS NULL AND length("code_hash") = 16 '
        'ORDER BY "created_at", "id") c) '
        'WHERE "id" IN (SELECT "user_id" FROM "nest_auth_mfa_recovery_codes" '
        'WHERE "used_at" IS NULL AND length("code_hash") = 16 GROUP BY "user_id" HAVING count(*) <= 14)',
        'DELETE FROM "nest_auth_mfa_recovery_codes"',
    ],
}


def migrate(migrator, database, *, fake=False):
    """Apply this migration (peewee-migrate entry point)."""
    apply(NAME, migrator, database, "migrate", BEFORE, FORWARD)


def rollback(migrator, database, *, fake=False):
    """Undo this migration (peewee-migrate entry point)."""
    apply(NAME, migrator, database, "rollback", AFTER, BACKWARD)
