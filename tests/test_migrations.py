"""Path 2: the versioned migrations build exactly the create_tables schema, forward and back."""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest
from catalog_helpers import assert_same_catalog
from click.testing import CliRunner
from migration_helpers import (
    LIBRARY_TABLES,
    clone_model,
    library_catalog,
    pw_migrate,
    replace_models,
    run,
)

import nestauth_peewee
from nestauth_peewee import create_tables, drop_tables, errors
from nestauth_peewee.cli import main
from nestauth_peewee.fields import CharField, IntegerField
from nestauth_peewee.models import DEFAULT_GUARD, AccessKey, Otp, Permission, Session, Tenant, TrustedDevice
from nestauth_peewee.schema import migration_runtime_v1, migration_state, migration_writer
from nestauth_peewee.schema.catalog import ForeignKey
from nestauth_peewee.schema.migrations import (
    HISTORY_TABLE,
    MIGRATIONS_DIR,
    migrate,
    migration_names,
    migration_status,
    rollback,
)

#: The tables of release 0.2.0 (migration 002).
TABLES_ADDED_IN_020 = ("nest_auth_blocked_email_domains", "nest_auth_mfa_recovery_codes")
#: The table migration 004 (account security: login throttling) added.
TABLES_ADDED_IN_004 = ("nest_auth_login_throttles",)
#: The columns migration 005 (verified contact changes, recent authentication) added.
COLUMNS_ADDED_IN_005 = {Otp: ("target",), Session: ("authenticated_at", "mfa_authenticated_at")}
#: The table migration 007 (the audit trail) added.
TABLES_ADDED_IN_007 = ("nest_auth_audit_events",)
#: The migrations the package ships, and the newest of them.
SHIPPED = migration_names()
HEAD = SHIPPED[-1]


def _next(offset: int, name: str) -> str:
    """The name of the ``offset``-th migration written after the shipped ones."""
    return f"{len(SHIPPED) + offset:03d}_{name}"


def _cli(*args: str, url: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "--database", url])
    return result.exit_code, result.output


def _library_tables(db: peewee.Database) -> set[str]:
    return set(db.get_tables()) & LIBRARY_TABLES


def _copy_migrations(target: Path) -> Path:
    target.mkdir()
    for path in MIGRATIONS_DIR.iterdir():
        if path.is_file():  # the migrations, conf.py and schema_state.json
            shutil.copy(path, target / path.name)
    return target


def test_migrations_build_the_create_tables_catalog_forward_back_and_again(empty_db, empty_db_url):
    create_tables()
    expected = library_catalog(empty_db)
    drop_tables()

    # peewee-migrate's own CLI from the repository root, on its plain Database.
    pw_migrate("migrate", "--database", empty_db_url, "--directory", "nestauth_peewee/migrations")
    assert_same_catalog(expected, library_catalog(empty_db), ("expected", "migrated"))
    assert HISTORY_TABLE in empty_db.get_tables()
    assert "migratehistory" not in empty_db.get_tables()

    pw_migrate("rollback", "--database", empty_db_url, "--directory", "nestauth_peewee/migrations",
               "--count", str(len(SHIPPED)))
    assert _library_tables(empty_db) == set()

    # The installed command, on the database init_database() configures.
    code, output = _cli("migrate", url=empty_db_url)
    assert code == 0, output
    assert "001_initial" in output
    assert_same_catalog(expected, library_catalog(empty_db), ("expected", "migrated"))
    assert _cli("migrations", "--check", url=empty_db_url)[0] == 0

    code, output = _cli("rollback", "--yes", "--count", str(len(SHIPPED)), url=empty_db_url)
    assert code == 0, output
    assert _library_tables(empty_db) == set()
    code, output = _cli("migrations", "--check", url=empty_db_url)
    assert code == 1 and "[ ] 001_initial" in output


def test_migrate_stops_before_any_change_on_a_schema_changed_by_hand(empty_db, empty_db_url):
    create_tables([Tenant])  # one library table already there, as if made by hand

    code, output = _cli("migrate", url=empty_db_url)

    assert code == 1
    assert "MIGRATION_FAILED" in output and "table nest_auth_tenants already exists" in output
    assert "Traceback" not in output
    assert _library_tables(empty_db) == {"nest_auth_tenants"}
    assert migration_status(empty_db).done == []

    # Adopting a schema that create_tables built: record the migrations without running them.
    drop_tables([Tenant])
    create_tables()
    assert migrate(empty_db, fake=True) == SHIPPED
    assert migration_status(empty_db).pending == []


def test_a_failing_migration_leaves_nothing_applied_where_ddl_is_transactional(dialect, empty_db, tmp_path):
    folder = _copy_migrations(tmp_path / "migrations")
    (folder / f"{_next(1, 'broken')}.py").write_text(
        "def migrate(migrator, database, *, fake=False):\n"
        "    migrator.sql('CREATE TABLE broken_probe (id INTEGER)')\n"
        "    migrator.sql('ALTER TABLE nest_auth_users ADD COLUMN nickname VARCHAR(10)')\n"
        "    migrator.sql('THIS IS NOT SQL')\n"
    )

    assert migrate(empty_db, directory=folder, to=HEAD) == SHIPPED
    with pytest.raises(errors.MigrationError) as failure:
        migrate(empty_db, directory=folder)

    assert failure.value.details["migration"] == _next(1, "broken")
    assert migration_status(empty_db, directory=folder).done == SHIPPED
    columns = {c.name for c in empty_db.get_columns("nest_auth_users")}
    if dialect == "mysql":
        assert "half-applied" in str(failure.value) and "cannot roll DDL back" in str(failure.value)
    else:
        assert "Nothing of this run was applied" in str(failure.value)
        assert "broken_probe" not in empty_db.get_tables()
        assert "nickname" not in columns


@contextlib.contextmanager
def _without_columns(columns: dict[type[peewee.Model], tuple[str, ...]]) -> Iterator[None]:
    """The models as they were before these columns were added (each keeps its place after)."""
    removed = [(model, model._meta.fields[name]) for model, names in columns.items() for name in names]
    for model, field in removed:
        model._meta.remove_field(field.name)
    try:
        yield
    finally:
        for model, field in removed:
            model._meta.add_field(field.name, field)


def test_the_migrations_match_the_models_and_regenerate_byte_for_byte(tmp_path):
    # The CI check (the analogue of `makemigrations --check`).
    assert migration_writer.pending_changes() == []
    result = run([sys.executable, "scripts/make_migration.py", "--check"])
    assert "No changes" in result.stdout

    # The generated migrations are exactly what the writer produces from the state before them
    # (0.1.0's schema is today's without the tables 0.2.0 added); 003 is the hand-written data
    # move that changes no table, 004 is generated from the state recorded after it, 005 from
    # 004's, 006 is a hand-written data step that changes no table, and 007 is generated from
    # 006's state (the state file is recorded after 007).
    state = migration_writer.schema_state()
    state_006 = {name: table for name, table in state.items() if name not in TABLES_ADDED_IN_007}
    with _without_columns(COLUMNS_ADDED_IN_005):
        state_004 = {name: table for name, table in migration_writer.schema_state().items()
                     if name not in TABLES_ADDED_IN_007}
    assert migration_writer.schema_state() == state
    state_003 = {name: table for name, table in state_004.items() if name not in TABLES_ADDED_IN_004}
    state_010 = {name: table for name, table in state_003.items() if name not in TABLES_ADDED_IN_020}
    text = migration_writer.render_migration("001_initial", {}, state_010)
    assert text == (MIGRATIONS_DIR / "001_initial.py").read_text(encoding="utf-8")
    second = "002_add_blocked_domains_and_recovery_codes"
    assert migration_writer.render_migration(second, state_010, state_003) == (
        MIGRATIONS_DIR / f"{second}.py").read_text(encoding="utf-8")
    assert (MIGRATIONS_DIR / "003_move_recovery_codes.py").is_file()
    fourth = "004_account_security"
    assert migration_writer.render_migration(fourth, state_003, state_004) == (
        MIGRATIONS_DIR / f"{fourth}.py").read_text(encoding="utf-8")
    fifth = "005_contact_changes_and_recent_auth"
    assert migration_writer.render_migration(fifth, state_004, state_006) == (
        MIGRATIONS_DIR / f"{fifth}.py").read_text(encoding="utf-8")
    assert (MIGRATIONS_DIR / "006_backfill_session_authenticated_at.py").is_file()  # data only, by hand
    head = "007_add_audit_events"
    assert migration_names()[-1] == head
    head_text = (MIGRATIONS_DIR / f"{head}.py").read_text(encoding="utf-8")
    assert migration_writer.render_migration(head, state_006, state) == head_text
    state_text = migration_state.render_state_file(state, head, head_text)
    assert state_text == (MIGRATIONS_DIR / migration_state.STATE_FILE).read_text(encoding="utf-8")
    assert migration_writer.head_state() == state

    # Deterministic across processes and hash seeds; no object addresses.
    outputs = []
    for seed in ("1", "2"):
        folder = tmp_path / f"seed{seed}"
        folder.mkdir()
        run([sys.executable, "-c",
             "import sys; from nestauth_peewee.schema.migration_writer import write_migration; "
             "write_migration('initial', directory=sys.argv[1])", str(folder)],
            env={"PYTHONHASHSEED": seed})
        outputs.append((folder / "001_initial.py").read_bytes() + (folder / "schema_state.json").read_bytes())
    full = migration_writer.render_migration("001_initial", {}, state)
    assert outputs[0] == outputs[1] == (full + migration_state.render_state_file(state, "001_initial", full)).encode()
    assert b" at 0x" not in outputs[0]


def test_the_state_file_keeps_the_model_order_the_writer_relies_on():
    state = migration_writer.schema_state()
    stored = migration_writer.head_state()
    assert list(stored) == list(state)  # tables in dependency order: creates and drops follow it
    for name, table in state.items():
        assert list(stored[name]["columns"]) == list(table["columns"])
        assert list(stored[name]["indexes"]) == list(table["indexes"])
    document = json.loads((MIGRATIONS_DIR / migration_state.STATE_FILE).read_text(encoding="utf-8"))
    assert document["migration"] == migration_names()[-1]


def _check_fails(folder: Path, message: str) -> None:
    with pytest.raises(errors.ConfigurationError, match=message):
        migration_writer.head_state(folder)
    result = run([sys.executable, "scripts/make_migration.py", "--check", "--directory", str(folder)], check=False)
    assert result.returncode != 0 and message in result.stderr, result.stdout + result.stderr


def test_make_migration_check_fails_when_the_state_file_does_not_belong_to_the_newest_migration(tmp_path):
    state_file = migration_state.STATE_FILE
    missing = _copy_migrations(tmp_path / "missing")
    (missing / state_file).unlink()
    _check_fails(missing, f"has migrations but no {state_file}")

    edited_state = _copy_migrations(tmp_path / "edited_state")
    text = (edited_state / state_file).read_text(encoding="utf-8")
    (edited_state / state_file).write_text(json.dumps(json.loads(text)), encoding="utf-8")  # same data, other form
    _check_fails(edited_state, "was edited by hand")

    edited_migration = _copy_migrations(tmp_path / "edited_migration")
    path = edited_migration / f"{HEAD}.py"
    path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    _check_fails(edited_migration, "changed after schema_state.json was written")

    behind = _copy_migrations(tmp_path / "behind")
    (behind / f"{_next(1, 'by_hand')}.py").write_text(
        "def migrate(migrator, database, *, fake=False):\n    pass\n", encoding="utf-8")
    _check_fails(behind, f"is the schema after {HEAD}, but the newest migration is {_next(1, 'by_hand')}")
    # A migration written by hand: its author records the state it leaves.
    run([sys.executable, "scripts/make_migration.py", "--record-state", "--directory", str(behind)])
    assert migration_writer.head_state(behind) == migration_writer.schema_state()
    assert migration_writer.pending_changes(directory=behind) == []


#: The SHA-256 of migration_runtime_v1.py. Released migrations import that module: it never
#: changes. A runtime that must behave differently goes into migration_runtime_v2.py (with the
#: writer's template pointing at it), and the files already written keep importing v1.
RUNTIME_V1_SHA256 = "b738c66184cc4a201e33d3fc8131fcdac399326388ed650ea4aabed239c2354e"


def test_the_migration_runtime_is_frozen_and_imports_no_models():
    source = Path(migration_runtime_v1.__file__).read_text(encoding="utf-8")
    assert hashlib.sha256(source.encode("utf-8")).hexdigest() == RUNTIME_V1_SHA256, (
        "migration_runtime_v1.py changed: released migrations run it. Revert, and put a different "
        "runtime in a new migration_runtime_v2.py.")
    imported = {alias.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)}
    assert imported == {"__future__", "typing", "peewee"}
    for path in MIGRATIONS_DIR.glob("0*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert modules == {"nestauth_peewee.schema.migration_runtime_v1"}, path.name


def test_only_the_numbered_files_of_the_migrations_directory_are_migrations(empty_db):
    # conf.py (pw_migrate's settings) and schema_state.json sit beside the migrations.
    assert {p.name for p in MIGRATIONS_DIR.iterdir() if p.is_file()} >= {"conf.py", "schema_state.json"}
    assert migration_names() == ["001_initial", "002_add_blocked_domains_and_recovery_codes",
                                 "003_move_recovery_codes", "004_account_security",
                                 "005_contact_changes_and_recent_auth", "006_backfill_session_authenticated_at",
                                 "007_add_audit_events"]
    assert migration_status(empty_db).pending == SHIPPED


def test_writer_refuses_a_not_null_column_without_a_default(tmp_path):
    folder = _copy_migrations(tmp_path / "migrations")
    changed = clone_model(Session, extra_fields={"label": CharField(max_length=64)})
    with pytest.raises(errors.ConfigurationError, match="NOT NULL without a server default"):
        migration_writer.write_migration("add_label", replace_models({Session: changed}), folder)
    assert migration_names(folder) == SHIPPED


def _session_copy(*, tenant: bool) -> type[peewee.Model]:
    fields: dict[str, peewee.Field] = {"label": CharField(max_length=64, null=True)}
    if tenant:
        fields["tenant"] = peewee.ForeignKeyField(Tenant, column_name="tenant_id", null=True,
                                                  on_delete="SET NULL", backref="+")
    return clone_model(Session, extra_fields=fields,
                       extra_indexes=[("nest_auth_sessions_label_idx", ["label"], False)])


def _catalog_of(db: peewee.Database, models: list[type[peewee.Model]]) -> dict:
    create_tables(models)
    try:
        return library_catalog(db)
    finally:
        drop_tables(models)


def test_writer_migrations_add_columns_and_a_named_index_then_roll_back_cleanly(empty_db, tmp_path):
    folder = _copy_migrations(tmp_path / "migrations")
    with_label = replace_models({Session: _session_copy(tenant=False)})
    with_tenant = replace_models({Session: _session_copy(tenant=True)})
    expected_label, expected_tenant = _catalog_of(empty_db, with_label), _catalog_of(empty_db, with_tenant)

    second = migration_writer.write_migration("add_session_label", with_label, folder)
    third = migration_writer.write_migration("add_session_tenant", with_tenant, folder)

    assert second is not None and second.name == f"{_next(1, 'add_session_label')}.py"
    assert third is not None and third.name == f"{_next(2, 'add_session_tenant')}.py"
    assert migration_writer.pending_changes(with_tenant, folder) == []
    assert migration_writer.write_migration("again", with_tenant, folder) is None
    label_steps = _read_steps(second)
    assert 'CREATE INDEX "nest_auth_sessions_label_idx" ON "nest_auth_sessions" ("label")' in label_steps[0]["sqlite"]
    undo = label_steps[1]["sqlite"]  # SQLite: the index goes before its column
    assert undo.index('DROP INDEX "nest_auth_sessions_label_idx"') < undo.index(
        'ALTER TABLE "nest_auth_sessions" DROP COLUMN "label"')
    assert "ON DELETE SET NULL" in third.read_text(encoding="utf-8")

    assert migrate(empty_db, to=HEAD, directory=folder) == SHIPPED
    expected_initial = library_catalog(empty_db)
    user = nestauth_peewee.User.create(email="kept@example.com")
    session = Session.create(user=user)

    assert migrate(empty_db, directory=folder) == [_next(1, "add_session_label"), _next(2, "add_session_tenant")]
    after = library_catalog(empty_db)
    assert_same_catalog(expected_tenant, after, ("expected", "migrated"))
    assert after["nest_auth_sessions"].indexes["nest_auth_sessions_label_idx"].columns == ("label",)

    assert rollback(empty_db, directory=folder) == [_next(2, "add_session_tenant")]  # SQLite: table rebuild
    assert_same_catalog(expected_label, library_catalog(empty_db), ("expected", "migrated"))
    assert rollback(empty_db, directory=folder) == [_next(1, "add_session_label")]  # SQLite: DROP COLUMN
    assert_same_catalog(expected_initial, library_catalog(empty_db), ("expected", "migrated"))
    assert Session.get_by_id(session.id).user_id == user.id  # the rows survived
    assert migration_status(empty_db, directory=folder).done == SHIPPED


def _read_steps(path: Path) -> tuple[dict, dict]:
    scope: dict = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), scope)
    return scope["FORWARD"], scope["BACKWARD"]


def test_writer_migration_changes_and_drops_columns_and_indexes_then_rolls_back(empty_db, tmp_path):
    folder = _copy_migrations(tmp_path / "migrations")
    changed = replace_models({
        AccessKey: clone_model(AccessKey, extra_fields={"description": CharField(max_length=500, null=True)}),
        Otp: clone_model(Otp, extra_fields={"attempts": IntegerField(default=0, server_default=1)}),
        TrustedDevice: clone_model(TrustedDevice, drop_fields=["token_hash"]),
        Permission: clone_model(Permission, extra_fields={
            "guard": CharField(max_length=64, default=DEFAULT_GUARD, server_default=DEFAULT_GUARD,
                            exact=True)}),
    })
    expected_changed = _catalog_of(empty_db, changed)

    path = migration_writer.write_migration("reshape", changed, folder)

    assert path is not None
    assert migration_writer.diff_states(migration_writer.head_state(MIGRATIONS_DIR),
                                        migration_writer.schema_state(changed)) == [
        "~ column nest_auth_access_keys.description",
        "~ column nest_auth_otps.attempts",
        "- index nest_auth_permissions_guard on nest_auth_permissions",
        "- column nest_auth_trusted_devices.token_hash",
        "- index nest_auth_trusted_devices_token_hash on nest_auth_trusted_devices",
    ]
    migrate(empty_db, to=HEAD, directory=folder)
    expected_initial = library_catalog(empty_db)
    user = nestauth_peewee.User.create(email="keys@example.com")
    key = AccessKey.create(user=user, name="ci", public_key="pk_1", secret_hash="x", description="kept")

    assert migrate(empty_db, directory=folder) == [_next(1, "reshape")]
    assert_same_catalog(expected_changed, library_catalog(empty_db), ("expected", "migrated"))
    assert AccessKey.get_by_id(key.id).description == "kept"

    assert rollback(empty_db, directory=folder) == [_next(1, "reshape")]
    assert_same_catalog(expected_initial, library_catalog(empty_db), ("expected", "migrated"))
    assert AccessKey.get_by_id(key.id).description == "kept"


def test_a_migration_drops_a_table_together_with_the_column_that_references_it(empty_db, tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    user, tenant = nestauth_peewee.User, Tenant
    before = migration_writer.schema_state([user, tenant, _session_copy(tenant=True)])
    after = migration_writer.schema_state([user, _session_copy(tenant=False)])
    (folder / "001_start.py").write_text(migration_writer.render_migration("001_start", {}, before))
    (folder / "002_drop_tenants.py").write_text(
        migration_writer.render_migration("002_drop_tenants", before, after))

    assert migrate(empty_db, directory=folder) == ["001_start", "002_drop_tenants"]
    tables = set(empty_db.get_tables())
    assert "nest_auth_tenants" not in tables and "nest_auth_sessions" in tables
    assert "tenant_id" not in {c.name for c in empty_db.get_columns("nest_auth_sessions")}

    assert rollback(empty_db, directory=folder) == ["002_drop_tenants"]
    sessions = library_catalog(empty_db)["nest_auth_sessions"]
    assert ForeignKey("tenant_id", "nest_auth_tenants", "id", "SET NULL") in sessions.foreign_keys
