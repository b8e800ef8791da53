"""Several processes changing the schema at once: one does the work, the others find nothing to do.

Real processes (``nestauth`` started N times at the same moment) on an empty
database of each dialect, threads (one connection each) for the MariaDB
lease row that a Galera cluster needs, and one process per node of a real
Galera cluster (``NESTAUTH_TEST_GALERA_URLS``), where ``GET_LOCK`` holds on
one node only and the lease row alone keeps the runs apart.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import peewee
import pytest
from _engines import engine_urls

from nestauth_peewee import NestAuthModels, create_tables, errors, sync_schema
from nestauth_peewee.schema import lock
from nestauth_peewee.schema.lock import HISTORY_TABLE, LOCK_ROW_ID, schema_lock
from nestauth_peewee.schema.migrations import MIGRATIONS_DIR, migrate, migration_names, migration_status

ROOT = Path(__file__).resolve().parent.parent
#: The migrations the package ships, and the names of two written after them.
SHIPPED = migration_names()
RACED, HALF = (f"{len(SHIPPED) + n:03d}_{name}" for n, name in ((1, "raced"), (2, "half")))


def _nestauth_at_once(count: int, *args: str, cwd: Path) -> list[subprocess.CompletedProcess[str]]:
    """Start ``count`` ``nestauth ARGS`` processes together; wait for all of them."""
    return _runs_at_once([list(args)] * count, cwd=cwd)


def _runs_at_once(runs: list[list[str]], *, cwd: Path) -> list[subprocess.CompletedProcess[str]]:
    """Start one ``nestauth ARGS`` process per item of ``runs`` together; wait for all of them."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    gate = cwd / "go"
    # Each process waits for the gate file, so the imports do not spread the start.
    code = ("import pathlib, sys, time\n"
            f"while not pathlib.Path({str(gate)!r}).exists(): time.sleep(0.01)\n"
            "from nestauth_peewee.cli import main\n"
            "sys.argv = ['nestauth', *sys.argv[1:]]\n"
            "main()\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, *args], cwd=cwd, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for args in runs]
    time.sleep(0.5)
    gate.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    gate.unlink()
    return results


def _library_tables(db: peewee.Database) -> set[str]:
    return set(db.get_tables()) & {m._meta.table_name for m in NestAuthModels}


def test_four_concurrent_create_tables_all_succeed_and_one_creates(empty_db, empty_db_url, tmp_path):
    results = _nestauth_at_once(4, "create-tables", "--database", empty_db_url, cwd=tmp_path)

    assert [r.returncode for r in results] == [0] * 4, [r.stderr for r in results]
    created = [r for r in results if r.stdout.startswith(f"Created {len(NestAuthModels)} tables")]
    idle = [r for r in results if r.stdout.startswith("Nothing to do")]
    assert (len(created), len(idle)) == (1, 3), [r.stdout for r in results]
    assert _library_tables(empty_db) == {m._meta.table_name for m in NestAuthModels}


def test_three_concurrent_migrate_all_succeed_and_one_applies(empty_db, empty_db_url, tmp_path):
    results = _nestauth_at_once(3, "migrate", "--database", empty_db_url, cwd=tmp_path)

    assert [r.returncode for r in results] == [0] * 3, [r.stderr for r in results]
    applied = [r for r in results if "+ 001_initial" in r.stdout]
    idle = [r for r in results if r.stdout.startswith("Nothing to migrate")]
    assert (len(applied), len(idle)) == (1, 2), [r.stdout for r in results]
    assert migration_status(empty_db).done == SHIPPED
    # The MariaDB lock left nothing in the history but the migrations.
    assert [r[0] for r in empty_db.execute_sql(f"SELECT name FROM {HISTORY_TABLE} ORDER BY id")] == SHIPPED


def test_concurrent_sync_adds_a_missing_table_once(empty_db, empty_db_url, tmp_path):
    create_tables(NestAuthModels[:1])
    results = _nestauth_at_once(3, "sync", "--database", empty_db_url, cwd=tmp_path)

    assert [r.returncode for r in results] == [0] * 3, [r.stderr for r in results]
    applied = [r for r in results if "Applied" in r.stdout]
    assert len(applied) == 1, [r.stdout for r in results]
    assert all("Nothing to do" in r.stdout or "In sync" in r.stdout for r in results if r not in applied)
    assert not sync_schema(apply=False)


def _exclusive_runs(db: peewee.Database, threads: int, body) -> list[BaseException]:
    """Run ``body`` under the schema lock in several threads; fail if two are ever inside at once."""
    inside, overlaps, failures = [0], [], []
    guard = threading.Lock()

    def worker() -> None:
        try:
            db.connect(reuse_if_open=True)
            with schema_lock(db, timeout=60):
                with guard:
                    inside[0] += 1
                    overlaps.append(inside[0])
                body()
                with guard:
                    inside[0] -= 1
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)
        finally:
            db.close()

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(120)
    assert max(overlaps) == 1 and len(overlaps) == threads
    return failures


def test_the_lock_serialises_holders_on_every_dialect(empty_db):
    failures = _exclusive_runs(empty_db, 4, lambda: time.sleep(0.2))
    assert failures == []


MYSQL_ONLY = pytest.mark.parametrize("dialect", ["mysql"], indirect=True)


@pytest.fixture
def galera_lease(monkeypatch, empty_db):
    """On MariaDB, take the Galera path (the lease row) although the server is a single node."""
    monkeypatch.setattr(lock, "_is_galera", lambda db: True)
    monkeypatch.setattr(lock, "_POLL", 0.05)
    return empty_db


def _lock_rows(db: peewee.Database) -> list[tuple]:
    return list(db.execute_sql(f"SELECT name FROM {HISTORY_TABLE} WHERE id = {LOCK_ROW_ID}"))


@MYSQL_ONLY
def test_the_galera_lease_row_serialises_and_leaves_no_row(galera_lease):
    db = galera_lease
    seen: list[list[tuple]] = []

    def body() -> None:
        other = peewee.MySQLDatabase(db.database, **db.connect_params)
        with other.connection_context():  # what another node's client would read
            seen.append(list(other.execute_sql(f"SELECT name FROM {HISTORY_TABLE} WHERE id = {LOCK_ROW_ID}")))
        time.sleep(0.1)

    assert _exclusive_runs(db, 3, body) == []
    assert all(len(rows) == 1 and rows[0][0].startswith("(nestauth schema lock: held by ") for rows in seen)
    db.connect(reuse_if_open=True)
    assert _lock_rows(db) == []


def _claim(db: peewee.Database, holder: str, seconds: int) -> None:
    db.execute_sql(f"INSERT INTO {HISTORY_TABLE} (id, name, migrated_at) VALUES "
                   f"({LOCK_ROW_ID}, %s, UTC_TIMESTAMP(6) + INTERVAL {seconds} SECOND)", (holder,))


@MYSQL_ONLY
def test_a_dead_holders_lease_is_taken_over(galera_lease):
    db = galera_lease
    lock.ensure_history_table(db)
    node = db.execute_sql("SELECT CONCAT(@@hostname, ':', @@port)").fetchone()[0]
    # A holder on this node that died (its GET_LOCK is gone): taken over at once.
    _claim(db, f"(nestauth schema lock: held by {node}#999999 deadbeef)", 900)
    started = time.monotonic()
    assert create_tables(NestAuthModels[:1], lock_timeout=5) == [NestAuthModels[0]._meta.table_name]
    assert time.monotonic() - started < 4
    assert _lock_rows(db) == []
    # A holder on another node whose lease ran out: taken over too.
    _claim(db, "(nestauth schema lock: held by elsewhere:3306#7 cafe)", -1)
    assert create_tables(NestAuthModels[:1], lock_timeout=5) == []
    assert _lock_rows(db) == []


@MYSQL_ONLY
def test_a_live_holder_on_another_node_makes_the_wait_time_out_with_its_name(galera_lease):
    db = galera_lease
    lock.ensure_history_table(db)
    _claim(db, "(nestauth schema lock: held by node-b:3306#42 abcdef)", 900)
    with pytest.raises(errors.MigrationError, match=r"held by another process node-b:3306#42 .*DELETE FROM"):
        migrate(db, lock_timeout=0.5)
    assert _library_tables(db) == set()


@contextmanager
def _held_by_another_thread(db: peewee.Database) -> Iterator[None]:
    """The schema lock of ``db``, held by another thread (its own connection) inside the block."""
    holding, release = threading.Event(), threading.Event()

    def holder() -> None:
        db.connect(reuse_if_open=True)
        try:
            with schema_lock(db):
                holding.set()
                release.wait(30)
        finally:
            db.close()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert holding.wait(30)
        yield
    finally:
        release.set()
        thread.join(30)


def test_a_waiter_times_out_with_a_typed_error(empty_db):
    with _held_by_another_thread(empty_db), pytest.raises(
            errors.MigrationError, match="held the (schema|SQLite database's write) lock for over"):
        create_tables(lock_timeout=0.3)
    assert _library_tables(empty_db) == set()


@MYSQL_ONLY
def test_two_databases_on_one_server_do_not_wait_for_each_others_schema_lock(empty_db):
    """GET_LOCK names are server-wide: the lock is named after the database, so another app's
    database (or a parallel test run) on the same server is not held up."""
    from playhouse.db_url import connect
    from support import SERVER_URLS

    other = connect(SERVER_URLS["mysql"])  # the main test database, beside the scratch one
    try:
        with _held_by_another_thread(empty_db):
            with schema_lock(other, timeout=0.3):  # at once: a server-wide name would time out here
                pass
            with pytest.raises(errors.MigrationError, match="held the schema lock"), \
                    schema_lock(empty_db, timeout=0.3):  # the same database still waits
                pass
    finally:
        other.close()


BROKEN_AFTER_ANOTHER_RECORDED_IT = '''\
def migrate(migrator, database, *, fake=False):
    # Another process (one that took no lock) records this migration and commits ...
    migrator.sql("INSERT INTO nestauth_migrate_history (name, migrated_at) VALUES ('{RACED}', NOW())")
    migrator.sql("CREATE TABLE raced_probe (id INTEGER PRIMARY KEY)")  # MySQL: an implicit commit
    # ... then this run's next statement fails.
    migrator.sql("THIS IS NOT SQL")


def rollback(migrator, database, *, fake=False):
    pass
'''


@MYSQL_ONLY
def test_the_mariadb_failure_message_tells_finished_by_another_from_half_applied(empty_db, tmp_path):
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    assert migrate(empty_db, directory=folder, history_table=HISTORY_TABLE) == SHIPPED
    (folder / f"{RACED}.py").write_text(BROKEN_AFTER_ANOTHER_RECORDED_IT.replace("{RACED}", RACED))
    with pytest.raises(errors.MigrationError) as failure:
        migrate(empty_db, directory=folder, history_table=HISTORY_TABLE)
    message = str(failure.value)
    assert "meanwhile been applied and recorded by another process" in message
    assert "nothing to repair" in message and "half-applied" not in message

    (folder / f"{HALF}.py").write_text(
        "def migrate(migrator, database, *, fake=False):\n"
        "    migrator.sql('CREATE TABLE half_probe (id INTEGER PRIMARY KEY)')\n"
        "    migrator.sql('THIS IS NOT SQL')\n")
    with pytest.raises(errors.MigrationError, match="half-applied"):
        migrate(empty_db, directory=folder, history_table=HISTORY_TABLE)
    assert "half_probe" in empty_db.get_tables()
    assert migration_status(empty_db, directory=folder, history_table=HISTORY_TABLE).pending == [HALF]


# --- across the nodes of a real Galera cluster (NESTAUTH_TEST_GALERA_URLS) ------------------------


def _node(url: str, database: str | None = None, **options: object) -> peewee.MySQLDatabase:
    """A plain connection to the Galera node of ``url`` (not bound to nest-auth)."""
    parsed = urlparse(url)
    return peewee.MySQLDatabase(database or parsed.path.lstrip("/"), host=parsed.hostname,
                                port=parsed.port or 3306, user=parsed.username,
                                password=parsed.password or "", connect_timeout=5, **options)


@pytest.fixture
def galera_scratch() -> Iterator[list[str]]:
    """An empty database of its own on the Galera cluster: one URL per node, created and dropped.

    Not the cluster database the races use (its schema is kept for the whole session).
    """
    nodes = engine_urls("galera")
    name = f"{os.environ.get('NESTAUTH_TEST_DB_PREFIX', '')}nestauth_schema_lock"
    admin = _node(nodes[0], "mysql")

    def recreate(create: bool) -> None:
        with admin.connection_context():
            admin.execute_sql(f"DROP DATABASE IF EXISTS `{name}`")  # DDL: replicated in total order
            if create:
                admin.execute_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")

    recreate(True)
    try:
        yield [f"{url.rsplit('/', 1)[0]}/{name}" for url in nodes]
    finally:
        recreate(False)


def _on_every_node(urls: list[str], sql: str) -> list[list[tuple]]:
    """``sql``'s rows as each node answers once it has applied everything committed before."""
    answers = []
    for url in urls:
        node = _node(url, init_command="SET SESSION wsrep_sync_wait = 15")
        with node.connection_context():
            answers.append([tuple(row) for row in node.execute_sql(sql)])
    return answers


@pytest.mark.parametrize(("command", "did_it", "idle"), [
    ("migrate", "+ 001_initial", "Nothing to migrate"),
    ("create-tables", f"Created {len(NestAuthModels)} tables", "Nothing to do"),
], ids=["migrate", "create-tables"])
def test_runs_started_on_three_galera_nodes_at_once_serialise(galera_scratch, tmp_path, command, did_it, idle):
    """One run per node: GET_LOCK is node-local there, so only the lease row keeps them apart."""
    results = _runs_at_once([[command, "--database", url] for url in galera_scratch], cwd=tmp_path)

    assert [r.returncode for r in results] == [0] * len(galera_scratch), [r.stderr for r in results]
    outputs = [r.stdout for r in results]
    assert sum(did_it in out for out in outputs) == 1, outputs
    assert sum(out.startswith(idle) for out in outputs) == len(galera_scratch) - 1, outputs
    tables = sorted(m._meta.table_name for m in NestAuthModels)
    listed = ", ".join(f"'{t}'" for t in tables)
    for answer in _on_every_node(galera_scratch, "SELECT table_name FROM information_schema.tables "
                                                 f"WHERE table_schema = DATABASE() AND table_name IN ({listed})"):
        assert sorted(row[0] for row in answer) == tables
    if command == "migrate":  # the history holds the migrations once each, and no lock row
        for answer in _on_every_node(galera_scratch, f"SELECT id, name FROM {HISTORY_TABLE} ORDER BY id"):
            assert [name for _, name in answer] == SHIPPED and all(i > 0 for i, _ in answer)
    else:
        for answer in _on_every_node(galera_scratch, f"SELECT count(*) FROM {HISTORY_TABLE} "
                                                     f"WHERE id = {LOCK_ROW_ID}"):
            assert answer == [(0,)]
