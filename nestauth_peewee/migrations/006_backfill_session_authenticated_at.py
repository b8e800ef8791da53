"""nestauth-peewee migration 006_backfill_session_authenticated_at (data only, written by hand).

005 added ``nest_auth_sessions.authenticated_at`` (when a credential was last
proven in the session) as a nullable column, and a NULL there means "never":
``require_recent`` refuses it. A session that 0.1 started was started by a
sign-in, so forward, every session without the value gets its ``created_at``:
an upgraded session keeps refreshing and counts as authenticated when it was
created (long ago, so a sensitive change still asks for a step-up). Backward
there is nothing to undo (the rollback of 005 drops the column).

No schema change: scripts/make_migration.py writes DDL only, so this file is
hand-written in its format (same runtime, checks and per-dialect statements)
and schema_state.json was recorded after it with ``--record-state``. The same
statement is in docs/upgrading.md for users of the SQL snapshots.
"""

from nestauth_peewee.schema.migration_runtime_v1 import apply

NAME = '006_backfill_session_authenticated_at'

#: (kind, table, name, must exist) that must hold before migrate() / before rollback().
BEFORE = [('column', 'nest_auth_sessions', 'authenticated_at', True)]

AFTER = BEFORE

FORWARD = {
    'postgres': ['UPDATE "nest_auth_sessions" SET "authenticated_at" = "created_at" WHERE "authenticated_at" IS NULL'],
    'mysql': ['UPDATE `nest_auth_sessions` SET `authenticated_at` = `created_at` WHERE `authenticated_at` IS NULL'],
    'sqlite': ['UPDATE "nest_auth_sessions" SET "authenticated_at" = "created_at" WHERE "authenticated_at" IS NULL'],
}

BACKWARD: dict[str, list[str]] = {'postgres': [], 'mysql': [], 'sqlite': []}


def migrate(migrator, database, *, fake=False):
    """Apply this migration (peewee-migrate entry point)."""
    apply(NAME, migrator, database, "migrate", BEFORE, FORWARD)


def rollback(migrator, database, *, fake=False):
    """Undo this migration (peewee-migrate entry point)."""
    apply(NAME, migrator, database, "rollback", AFTER, BACKWARD)
