"""The 0.2.0 upgrade path: a database built and filled by the RELEASED 0.1.0 reaches 0.2.0 by
``nestauth migrate`` without losing a row, and rolls back to 0.1.0's schema and behaviour.

0.1.0 is the wheel in tests/data (built from commit 87aca5d, see tests/data/README.md), unpacked
into a temporary directory and run in a subprocess with PYTHONPATH pointing there: its own
migration files build the schema, its own services fill it (tests/upgrade_helper_010.py). The
current code then migrates and uses the same rows.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import peewee
import pytest
from _engines import skip_behind_pgbouncer
from catalog_helpers import assert_same_catalog
from click.testing import CliRunner
from migration_helpers import LIBRARY_TABLES, library_catalog, without_library_options

import nestauth_peewee
from nestauth_peewee import Argon2Params, AuthServices, Settings, create_tables, drop_tables, errors
from nestauth_peewee.cli import main
from nestauth_peewee.models import MfaRecoveryCode, Session, User
from nestauth_peewee.schema.migrations import MIGRATIONS_DIR, migration_status

HERE = Path(__file__).resolve().parent
WHEEL = HERE / "data" / "nestauth_peewee-0.1.0-py3-none-any.whl"
HELPER = HERE / "upgrade_helper_010.py"
KEY = "upgrade-test-secret-key-of-at-least-32-bytes"  # the helper's
SETTINGS = Settings(secret_key=KEY, argon2=Argon2Params(memory_cost=1024, time_cost=1, parallelism=1))
#: What 0.2.0 adds on top of 0.1.0: every shipped migration after 0.1.0's one.
NEW_MIGRATIONS = sorted(p.stem for p in Path(MIGRATIONS_DIR).glob("[0-9][0-9][0-9]_*.py")
                        if p.stem != "001_initial")
TABLES_010 = LIBRARY_TABLES - {"nest_auth_blocked_email_domains", "nest_auth_mfa_recovery_codes",
                               "nest_auth_login_throttles", "nest_auth_audit_events"}


@pytest.fixture(scope="module")
def release_010(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("nestauth-0.1.0")
    with zipfile.ZipFile(WHEEL) as wheel:
        wheel.extractall(target)
    return target


def _run_010(release: Path, *args: str) -> dict:
    for arg in args:
        if "://" in arg:
            skip_behind_pgbouncer(arg, "0.1.0 sends a startup `options` parameter, which pgbouncer refuses")
    env = dict(os.environ, PYTHONPATH=str(release))
    args = tuple(without_library_options(a) if "://" in a else a for a in args)  # 0.1.0 knows no prepare=
    result = subprocess.run([sys.executable, str(HELPER), *args], cwd=release, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _cli(*args: str, url: str) -> str:
    result = CliRunner().invoke(main, [*args, "--database", url])
    assert result.exit_code == 0, result.output
    return result.output


def _codes_left(user_id: str) -> int:
    return (MfaRecoveryCode.select()
            .where((MfaRecoveryCode.user == user_id) & MfaRecoveryCode.used_at.is_null()).count())


def test_a_0_1_0_database_upgrades_to_0_2_0_keeps_working_and_rolls_back(
        release_010: Path, empty_db: peewee.Database, empty_db_url: str) -> None:
    create_tables()
    expected_020 = library_catalog(empty_db)
    drop_tables()

    # 1. The released 0.1.0 builds the schema from its migration files and fills it.
    old = _run_010(release_010, "fill", empty_db_url)
    assert old["version"] == "0.1.0" and old["applied"] == ["001_initial"]
    assert old["left"] == 9 and old["permissions"] == ["billing.read", "reports.read"]
    catalog_010 = library_catalog(empty_db, TABLES_010)
    assert set(empty_db.get_tables()) & LIBRARY_TABLES == TABLES_010
    packed = User.select(User.mfa_recovery_code).where(User.email == old["email"]).scalar()
    assert packed.startswith("r1:") and packed.count(",") == 8  # 0.1.0's nine unused digests

    # 2. The current code migrates it: only the diff runs.
    output = _cli("migrate", url=empty_db_url)
    assert all(name in output for name in NEW_MIGRATIONS) and "001_initial" not in output
    nestauth_peewee.database.initialize(empty_db)
    assert_same_catalog(expected_020, library_catalog(empty_db), ("create_tables 0.2.0", "migrated 0.1.0"))
    assert migration_status(empty_db).pending == []
    assert User.get(User.email == old["email"]).mfa_recovery_code is None  # moved into rows
    assert _codes_left(old["user_id"]) == 9

    # 3. Every credential 0.1.0 issued still works with 0.2.0.
    auth = AuthServices(SETTINGS)
    user = auth.users.authenticate(email=old["email"], password=old["password"])
    assert str(user.id) == old["user_id"] and user.is_mfa_enabled
    with pytest.raises(errors.InvalidCredentials):
        auth.users.authenticate(email=old["email"], password="not the password")
    started = Session.get_by_id(old["session_id"])
    assert started.authenticated_at == started.created_at and started.mfa_authenticated_at is None
    rotated = auth.sessions.refresh(old["refresh_token"])
    assert str(rotated.session.id) == old["session_id"]
    assert Session.get_by_id(old["session_id"]).authenticated_at == started.created_at  # kept by refresh
    assert auth.sessions.require_recent(old["session_id"], within=timedelta(days=1)).id == started.id
    with pytest.raises(errors.InvalidRefreshToken):
        auth.sessions.authenticate(old["refresh_token"])  # rotated away
    assert str(auth.access_keys.verify(old["api_key"]).id) == old["key_id"]
    assert auth.authorization.effective_permissions(user.id, old["tenant_id"]) == old["permissions"]
    assert auth.authorization.role_names(user.id, old["tenant_id"]) == old["roles"]

    codes = old["codes"]
    with pytest.raises(errors.RecoveryCodeInvalid):
        auth.mfa.use_recovery_code(user.id, codes[0])  # spent under 0.1.0: stays spent
    assert auth.mfa.use_recovery_code(user.id, codes[1]) == 8  # unused: works once
    with pytest.raises(errors.RecoveryCodeInvalid):
        auth.mfa.use_recovery_code(user.id, codes[1])
    assert auth.mfa.recovery_codes_left(user.id) == 8

    # 4. Rolling back to 0.1.0 gives 0.1.0's catalog, and 0.1.0 sees the codes as 0.2.0 left them.
    _cli("rollback", "--yes", "--count", str(len(NEW_MIGRATIONS)), url=empty_db_url)
    nestauth_peewee.database.initialize(empty_db)
    assert set(empty_db.get_tables()) & LIBRARY_TABLES == TABLES_010
    assert_same_catalog(catalog_010, library_catalog(empty_db, TABLES_010), ("0.1.0", "rolled back"))
    for spent in codes[:2]:
        assert _run_010(release_010, "recover", empty_db_url, old["user_id"], spent) == {
            "error": "MFA_RECOVERY_CODE_INVALID"}
    assert _run_010(release_010, "recover", empty_db_url, old["user_id"], codes[2]) == {"left": 7}

    # 5. Migrating again gives 0.2.0's catalog, with the seven codes left.
    output = _cli("migrate", url=empty_db_url)
    assert all(name in output for name in NEW_MIGRATIONS)
    nestauth_peewee.database.initialize(empty_db)
    assert_same_catalog(expected_020, library_catalog(empty_db), ("create_tables 0.2.0", "migrated again"))
    assert _codes_left(old["user_id"]) == 7
    assert auth.mfa.use_recovery_code(user.id, codes[3]) == 6
    for spent in codes[:3]:
        with pytest.raises(errors.RecoveryCodeInvalid):
            auth.mfa.use_recovery_code(user.id, spent)


_DOC_LABELS = {"postgres": "PostgreSQL", "mysql": "MySQL / MariaDB", "sqlite": "SQLite"}


def _upgrade_sql(dialect: str) -> list[str]:
    """The statements docs/upgrading.md gives users of the SQL snapshots, for this dialect."""
    text = (HERE.parent / "docs" / "upgrading.md").read_text(encoding="utf-8")
    block = re.search(rf"### {re.escape(_DOC_LABELS[dialect])}\n\n```sql\n(.*?)```", text, re.S)
    assert block is not None, f"docs/upgrading.md has no SQL block for {dialect}"
    return [line.removesuffix(";") for line in block.group(1).splitlines() if line and not line.startswith("--")]


def test_the_sql_of_docs_upgrading_takes_a_0_1_0_snapshot_database_to_0_2_0(
        release_010: Path, dialect: str, empty_db: peewee.Database, empty_db_url: str) -> None:
    create_tables()
    expected_020 = library_catalog(empty_db)
    drop_tables()
    # A snapshot user: 0.1.0's published snapshot, then 0.1.0's services.
    snapshot = (release_010 / "nestauth_peewee" / "sql" / f"{dialect}.sql").read_text(encoding="utf-8")
    for statement in snapshot.split(";\n"):
        if statement.strip() and not all(line.startswith("--") for line in statement.strip().splitlines()):
            empty_db.execute_sql(statement)
    old = _run_010(release_010, "fill", empty_db_url, "--schema-exists")

    for statement in _upgrade_sql(dialect):
        empty_db.execute_sql(statement)

    assert_same_catalog(expected_020, library_catalog(empty_db), ("create_tables 0.2.0", "snapshot + upgrading.md"))
    result = CliRunner().invoke(main, ["check", "--database", empty_db_url])
    assert result.exit_code == 0, result.output
    nestauth_peewee.database.initialize(empty_db)
    started = Session.get_by_id(old["session_id"])
    assert started.authenticated_at == started.created_at
    mfa = AuthServices(SETTINGS).mfa
    assert mfa.recovery_codes_left(old["user_id"]) == 9
    with pytest.raises(errors.RecoveryCodeInvalid):
        mfa.use_recovery_code(old["user_id"], old["codes"][0])
    assert mfa.use_recovery_code(old["user_id"], old["codes"][5]) == 8


def _migration(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, MIGRATIONS_DIR / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_upgrading_quotes_exactly_the_statements_of_migrations_002_to_006() -> None:
    text = (HERE.parent / "docs" / "upgrading.md").read_text(encoding="utf-8")
    modules = [_migration(name) for name in NEW_MIGRATIONS]
    for module in modules:
        for steps in (module.FORWARD, module.BACKWARD):
            for dialect, statements in steps.items():
                for statement in statements:
                    assert f"{statement};\n" in text, f"{module.NAME} ({dialect}) is not in docs/upgrading.md"
    for dialect in _DOC_LABELS:
        assert _upgrade_sql(dialect) == [s for module in modules for s in module.FORWARD[dialect]]
