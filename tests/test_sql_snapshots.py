"""Path 3: the per-dialect SQL snapshots, `nestauth sql`, and their parity with create_tables."""

from __future__ import annotations

import difflib
import inspect
import os
import re
import subprocess
import sys
import uuid

import peewee
import pytest
from catalog_helpers import assert_same_catalog
from click.testing import CliRunner
from support import (
    ROOT,
    SERVER_URLS,
    bound,
    drop_everything,
    empty_all_tables,
    ensure_server_database,
    with_database,
)

import nestauth_peewee
from nestauth_peewee import NestAuthModels, User, create_tables, init_database
from nestauth_peewee.cli import main
from nestauth_peewee.schema.catalog import read_catalog
from nestauth_peewee.schema.snapshot import (
    DIALECTS,
    SNAPSHOT_FILES,
    render_snapshot,
    split_statements,
)

SNAPSHOT_DIR = ROOT / "sql"  # the published snapshots: the only checked-in copy


def published_snapshot(dialect: str) -> str:
    return (SNAPSHOT_DIR / SNAPSHOT_FILES[dialect]).read_bytes().decode("utf-8")


@pytest.fixture(autouse=True)
def _restore_binding():
    before = nestauth_peewee.database.obj
    yield
    nestauth_peewee.database.initialize(before)


def execute_script(db: peewee.Database, text: str) -> int:
    statements = split_statements(text)
    for statement in statements:
        db.execute_sql(statement)
    return len(statements)


# --- the files ---------------------------------------------------------------------


@pytest.mark.parametrize("name", DIALECTS)
def test_the_checked_in_snapshot_is_what_the_models_generate(name):
    where = "sql/"
    path = SNAPSHOT_DIR / SNAPSHOT_FILES[name]
    checked_in = path.read_bytes().decode("utf-8") if path.exists() else ""
    fresh = render_snapshot(name)
    if checked_in != fresh:
        diff = "".join(difflib.unified_diff(
            checked_in.splitlines(keepends=True), fresh.splitlines(keepends=True),
            fromfile=f"{where}{path.name} (checked in)", tofile="from the models"))
        pytest.fail(f"{where}{path.name} is stale; run `python scripts/build_sql_snapshots.py`:\n{diff}",
                    pytrace=False)


def test_rendering_never_opens_a_connection(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError(f"{type(self).__name__}.connect() called while rendering a snapshot")

    monkeypatch.setattr(peewee.Database, "connect", refuse)
    for name in DIALECTS:
        assert render_snapshot(name).count("CREATE TABLE") == len(NestAuthModels)


def test_there_is_one_checked_in_copy_of_the_snapshots():
    assert sorted(p.name for p in SNAPSHOT_DIR.iterdir()) == sorted(SNAPSHOT_FILES.values())
    assert not (ROOT / "nestauth_peewee" / "sql").exists()


@pytest.mark.parametrize("name", DIALECTS)
def test_a_dialect_alias_renders_the_same_snapshot(name):
    alias = {"postgres": "postgresql", "mysql": "mariadb", "sqlite": "sqlite3"}[name]
    assert render_snapshot(alias) == render_snapshot(name)


def test_two_runs_under_different_hash_seeds_write_identical_bytes(tmp_path):
    outputs = []
    for seed in ("0", "4242"):
        out = tmp_path / f"seed-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_sql_snapshots.py"),
                              "--output-dir", str(out)], env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        outputs.append({d: (out / SNAPSHOT_FILES[d]).read_bytes() for d in DIALECTS})
    assert outputs[0] == outputs[1]
    for d in DIALECTS:
        assert outputs[0][d] == (ROOT / "sql" / SNAPSHOT_FILES[d]).read_bytes()


def test_the_build_script_check_mode_fails_with_a_diff_on_a_stale_file(tmp_path):
    script = ROOT / "scripts" / "build_sql_snapshots.py"
    ok = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    stale_dir = tmp_path / "stale"
    subprocess.run([sys.executable, str(script), "--output-dir", str(stale_dir)], check=True,
                   capture_output=True)
    path = stale_dir / "sqlite.sql"
    path.write_text(path.read_text().replace("VARCHAR(255)", "VARCHAR(200)", 1))
    stale = subprocess.run([sys.executable, str(script), "--check", "--output-dir", str(stale_dir)],
                           capture_output=True, text=True)
    assert stale.returncode == 1
    assert '-    "email" VARCHAR(200),' in stale.stdout
    assert '+    "email" VARCHAR(255),' in stale.stdout
    assert "1 snapshot file(s) are stale" in stale.stderr


@pytest.mark.parametrize("name", DIALECTS)
def test_nestauth_sql_prints_exactly_the_checked_in_file(name):
    result = CliRunner().invoke(main, ["sql", name], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout_bytes == (ROOT / "sql" / SNAPSHOT_FILES[name]).read_bytes()


@pytest.mark.parametrize("name", DIALECTS)
def test_the_snapshot_is_one_create_per_table_and_index_in_dependency_order(name):
    text = render_snapshot(name)
    header = text.split("\n\n", 1)[0]
    assert "nestauth-peewee " + nestauth_peewee.__version__ in header
    assert "Do not edit" in header
    statements = split_statements(text)
    blocks = [b for b in text.split("\n\n")[1:]]
    assert len(blocks) == len(statements), "one statement per blank-line separated block"
    assert all(b.rstrip("\n").endswith(";") for b in blocks)
    assert text.count(";") == len(statements), "a naive split on ';' must work too"
    tables = [re.match(r'CREATE TABLE [`"](\w+)[`"]', s).group(1) for s in statements if s.startswith("CREATE TABLE")]
    assert tables == [m._meta.table_name for m in NestAuthModels]
    created: set[str] = set()
    for statement in statements:
        table = re.search(r'(?:CREATE TABLE|ON) [`"](\w+)[`"]', statement).group(1)
        if statement.startswith("CREATE TABLE"):
            for target in re.findall(r'REFERENCES [`"](\w+)[`"]', statement):
                assert target in created, f"{table} references {target} before it exists"
            assert statement.count("FOREIGN KEY") == statement.count("ON DELETE CASCADE")
            created.add(table)
        else:
            assert statement.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX")) and table in created
    index_names = re.findall(r'INDEX [`"](\w+)[`"]', text)
    assert len(index_names) == len(set(index_names))
    for seed_name in ("nest_auth_users_email_idx", "nest_auth_users_phone_idx", "nest_auth_sessions_user_idx",
                      "nest_auth_identities_pi_idx", "nest_auth_otps_user_type_idx",
                      "nest_auth_user_access_ut_idx", "nest_auth_access_keys_pub_idx"):
        assert seed_name in index_names


def test_mysql_tables_are_innodb_utf8mb4_in_the_snapshot():
    creates = [s for s in split_statements(render_snapshot("mysql")) if s.startswith("CREATE TABLE")]
    assert len(creates) == len(NestAuthModels)
    assert all(s.endswith(") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4") for s in creates)


def test_an_app_model_is_appended_after_the_tables_it_references():
    from app_models import AppUser

    text = render_snapshot("postgres", [AppUser])
    assert "--models app_models:AppUser" in text.split("\n\n", 1)[0]
    statements = split_statements(text)
    assert statements[:-1] == split_statements(render_snapshot("postgres"))
    assert statements[-1].startswith('CREATE TABLE "app_users"')
    assert 'REFERENCES "nest_auth_users" ("id") ON DELETE CASCADE' in statements[-1]


def test_an_app_model_outside_auth_model_gets_the_mysql_table_options():
    class Note(peewee.Model):
        user = peewee.ForeignKeyField(User, on_delete="CASCADE", backref="+")
        body = peewee.TextField()

        class Meta:
            table_name = "app_notes"

    last = split_statements(render_snapshot("mysql", [Note]))[-2]  # its index follows
    assert last.startswith("CREATE TABLE `app_notes`")
    assert last.endswith("ENGINE=InnoDB DEFAULT CHARSET=utf8mb4")


# --- bad input ----------------------------------------------------------------------


@pytest.mark.parametrize("args,message", [
    (["sql", "oracle"], "Unknown dialect 'oracle'"),
    (["sql", "sqlite", "--models", "no_such_module_xyz:AppUser"], "Cannot import module 'no_such_module_xyz'"),
    (["sql", "sqlite", "--models", "app_models:Missing"], "has no attribute 'Missing'"),
    (["sql", "sqlite", "--models", "app_models:peewee"], "is a module, not a peewee model class"),
    (["sql", "sqlite", "--models", "app_models"], "--models takes module:ModelName"),
])
def test_bad_input_is_one_line_naming_the_problem(args, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_a_module_that_fails_while_importing_is_one_line(tmp_path, monkeypatch):
    (tmp_path / "broken_models_i3.py").write_text("raise RuntimeError('boom at import')\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["sql", "mysql", "--models", "broken_models_i3:X"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "nestauth: CONFIGURATION_ERROR: Cannot import module 'broken_models_i3' named in "
        "--models 'broken_models_i3:X': boom at import"
    ]


def test_models_in_the_current_directory_are_importable_from_the_installed_command(tmp_path):
    (tmp_path / "my_profiles_i3.py").write_text(
        "import peewee\nfrom nestauth_peewee import AuthModel, User\n"
        "class Profile(AuthModel):\n"
        "    user = peewee.ForeignKeyField(User, on_delete='CASCADE')\n"
        "    class Meta:\n        table_name = 'profiles'\n")
    # Like the console script: the launcher lives elsewhere, so the cwd is not on sys.path by itself.
    launcher = tmp_path / "bin" / "nestauth_launcher.py"
    launcher.parent.mkdir()
    launcher.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
                        "from nestauth_peewee.cli import main\nmain()\n")
    run = subprocess.run([sys.executable, str(launcher), "sql", "sqlite", "--models", "my_profiles_i3:Profile"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert 'CREATE TABLE "profiles"' in run.stdout


# --- parity with create_tables on real databases --------------------------------------


def test_the_snapshot_builds_exactly_the_catalog_of_create_tables(empty_db, dialect):
    create_tables()
    from_models = read_catalog(empty_db)
    assert len(from_models) == len(NestAuthModels)
    drop_everything(empty_db)
    assert read_catalog(empty_db) == {}
    count = execute_script(empty_db, published_snapshot(dialect))
    assert count == len(NestAuthModels) + sum(len(m._meta.fields_to_index()) for m in NestAuthModels)
    assert_same_catalog(from_models, read_catalog(empty_db), ("create_tables", f"sql/{dialect}.sql"),
                        column_order=True)


def test_a_snapshot_with_an_app_model_matches_create_tables_and_cascades(empty_db, dialect):
    from app_models import AppUser

    create_tables([*NestAuthModels, AppUser])
    from_models = read_catalog(empty_db)
    drop_everything(empty_db)
    execute_script(empty_db, render_snapshot(dialect, [AppUser]))
    assert_same_catalog(from_models, read_catalog(empty_db), ("create_tables", "snapshot"), column_order=True)
    user = User.create(email="app@example.com")
    AppUser.create(user=user, display_name="Pat")
    user.delete_instance()
    assert AppUser.select().count() == 0


# --- the rules of the foundation hold on a snapshot-built database ----------------------

import test_database_rules as rules  # noqa: E402

RULES = [
    "test_deleting_a_user_removes_every_row_that_hangs_off_it",
    "test_deleting_a_tenant_removes_its_roles_memberships_and_links",
    "test_deleting_a_role_or_permission_removes_its_grants",
    "test_one_membership_per_user_and_tenant_even_in_raw_sql",
    "test_at_most_one_global_membership_per_user_even_in_raw_sql",
    "test_one_role_per_name_guard_and_tenant_including_global_roles_in_raw_sql",
    "test_unique_violations_through_the_models_are_typed",
    "test_a_reference_to_a_missing_row_is_typed",
    "test_a_raw_insert_gets_the_same_row_shape_as_the_models",
    "test_server_side_timestamps_are_utc_whatever_the_session_time_zone",
    "test_generated_tenant_key_is_never_written_by_save",
    "test_datetimes_round_trip_as_the_same_utc_instant_with_microseconds",
]

_snapshot_dbs: dict[str, peewee.Database] = {}


@pytest.fixture
def snapshot_db(dialect, tmp_path_factory):
    """A database built only from the published snapshot (once per dialect per session)."""
    if dialect not in _snapshot_dbs:
        if dialect == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('snapshot') / 'snapshot.db'}"
        else:
            base = SERVER_URLS[dialect]
            url = with_database(base, base.rsplit("/", 1)[1] + "_snapshot")
            ensure_server_database(dialect, url)
        db = init_database(url)
        with db.connection_context():
            drop_everything(db)
            execute_script(db, published_snapshot(dialect))
        _snapshot_dbs[dialect] = db
    with bound(_snapshot_dbs[dialect], empty_all_tables) as db:
        yield db


@pytest.mark.parametrize("rule", RULES)
def test_the_foundation_rules_hold_on_a_snapshot_built_database(snapshot_db, dialect, rule):
    check = getattr(rules, rule)
    available = {"db": snapshot_db, "dialect": dialect}
    check(**{name: available[name] for name in inspect.signature(check).parameters})


def test_rows_written_on_a_snapshot_built_database_read_back_through_the_models(snapshot_db):
    user = User.create(email=f"{uuid.uuid4().hex[:8]}@example.com", metadata={"k": [1, 2]})
    again = User.get_by_id(user.id)
    assert (again.email, again.metadata, again.is_active) == (user.email, {"k": [1, 2]}, True)


def test_the_version_has_one_home_that_pyproject_reads():
    import tomllib

    from nestauth_peewee import version as _version

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in project["project"]["dynamic"] and "version" not in project["project"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "nestauth_peewee.version.__version__"}
    assert nestauth_peewee.__version__ is _version.__version__
    assert f"-- nestauth-peewee {_version.__version__}:" in render_snapshot("sqlite")
