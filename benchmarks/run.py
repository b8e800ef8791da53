"""One benchmark run: for each dialect, seed, measure each size, hash/seed, clean up, drop."""

from __future__ import annotations

import contextlib
import os
import platform
import queue
import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import nestauth_peewee
from nestauth_peewee import (
    Argon2Params,
    PasswordHasher,
    SessionService,
    Settings,
    UserService,
    create_tables,
    init_database,
)

try:
    from nestauth_peewee.repositories import text_of
except ImportError:  # an older checkout of the library: nothing is prepared
    def text_of(sql: str) -> str:
        return sql

from . import data
from .data import BENCH_KEY, BulkLoader, analyze
from .measure import counter_for, explain, interleaved, summarise, table_aliases
from .ops import OPERATIONS, Operation, implementations
from .targets import Target


@dataclass
class Options:
    sizes: list[int]
    samples: int = 400
    write_samples: int = 150
    repetitions: int = 5
    sqlalchemy: bool = True
    hash_count: int = 32
    hash_repetitions: int = 5
    cleanup_rows: int = 1_000_000
    cleanup_batch_sizes: Sequence[int | None] = (None,)
    keep: bool = False
    operations: Sequence[str] = ()
    mysql_buffer_pool_mib: int | None = None
    log: Any = print


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as fh:
            mem_kb = int(fh.readline().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    import sqlite3

    import peewee

    info = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "peewee": peewee.__version__,
        "sqlite": sqlite3.sqlite_version,
        "nestauth_peewee": nestauth_peewee.__version__,
    }
    try:
        import sqlalchemy

        info["sqlalchemy"] = sqlalchemy.__version__
    except ImportError:
        pass
    return info


def server_settings(target: Target, conn: Any) -> dict[str, Any]:
    """The server settings that decide whether the tables stay in memory."""
    if target.dialect == "sqlite":
        return {"cache_size": conn.execute("PRAGMA cache_size").fetchone()[0]}
    with conn.cursor() as cur:
        if target.dialect == "postgres":
            cur.execute("SHOW shared_buffers")
            return {"shared_buffers": cur.fetchone()[0]}
        cur.execute("SELECT @@innodb_buffer_pool_size, @@innodb_flush_method")
        size, flush = cur.fetchone()
        return {"innodb_buffer_pool_mib": int(size) // 2**20, "innodb_flush_method": flush}


class MySQLBufferPool:
    """``SET GLOBAL innodb_buffer_pool_size`` for the run, the old size put back afterwards.

    MariaDB resizes the pool online; the default 128 MiB holds the 10k-user
    tables but not the 1M-user ones, and with ``O_DIRECT`` every miss is a disk
    read. A server sized for its data is what production runs; this lets one
    run measure that without editing the server's configuration.
    """

    def __init__(self, conn: Any, mib: int, log: Any) -> None:
        self.conn, self.mib, self.log = conn, mib, log  # a connection of its own, closed at the end
        self.before: int | None = None

    def _set(self, size: int) -> None:
        with self.conn.cursor() as cur:
            cur.execute(f"SET GLOBAL innodb_buffer_pool_size = {int(size)}")
            for _ in range(600):  # the resize runs in the background
                cur.execute("SHOW STATUS LIKE 'Innodb_buffer_pool_resize_status'")
                row = cur.fetchone()
                status = (row[1] if row else "") or ""
                if not status or "completed" in status.lower() or "not started" in status.lower():
                    cur.execute("SELECT @@innodb_buffer_pool_size")
                    if int(cur.fetchone()[0]) >= min(size, 2**40) * 0.99:
                        return
                time.sleep(0.1)
        raise RuntimeError(f"MariaDB did not resize its buffer pool to {size} bytes")

    def __enter__(self) -> MySQLBufferPool:
        with self.conn.cursor() as cur:
            cur.execute("SELECT @@innodb_buffer_pool_size")
            self.before = int(cur.fetchone()[0])
        self.log(f"  mysql: innodb_buffer_pool_size {self.before // 2**20} MiB -> {self.mib} MiB for this run")
        self._set(self.mib * 2**20)
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            if self.before is not None:
                self._set(self.before)
                self.log(f"  mysql: innodb_buffer_pool_size back to {self.before // 2**20} MiB")
        finally:
            self.conn.close()


def disk_reads(target: Target, conn: Any) -> int | None:
    """Pages the server has read from disk so far (None on SQLite, which reads through the OS).

    MariaDB: ``Innodb_buffer_pool_reads`` (reads the buffer pool could not serve; global,
    and the benchmark is the server's only client). PostgreSQL: ``blks_read`` of the
    database (reads that missed shared buffers; they may still come from the OS cache, and
    the statistics lag by up to a second).
    """
    if target.dialect == "sqlite":
        return None
    with conn.cursor() as cur:
        if target.dialect == "mysql":
            cur.execute("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_reads'")
            return int(cur.fetchone()[1])
        cur.execute("SELECT pg_stat_clear_snapshot()")
        cur.execute("SELECT blks_read FROM pg_stat_database WHERE datname = current_database()")
        return int(cur.fetchone()[0])


def server_version(target: Target, conn: Any) -> str:
    if target.dialect == "sqlite":
        import sqlite3

        return "SQLite " + sqlite3.sqlite_version
    with conn.cursor() as cur:
        cur.execute("SELECT version()")
        return str(cur.fetchone()[0]).split(" on ")[0]


class Bench:
    """The run for one dialect."""

    def __init__(self, target: Target, options: Options) -> None:
        self.target = target
        self.opt = options
        self.log = options.log
        self.rnd = random.Random(20261127)
        self.extra_serial = iter(range(10**9))
        self.seeded = 0

    # --- lifecycle ---------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        t = self.target
        t.create_database()
        self.db = init_database(t.url)
        self.db.connect(reuse_if_open=True)
        create_tables()
        self.conn = t.driver_connect()
        self.loader = BulkLoader(t, self.conn)
        out: dict[str, Any] = {"server": server_version(t, self.conn), "sizes": {},
                               "load_before": os.getloadavg()}
        pool = contextlib.nullcontext()
        if t.dialect == "mysql" and self.opt.mysql_buffer_pool_mib:
            pool = MySQLBufferPool(t.driver_connect(), self.opt.mysql_buffer_pool_mib, self.log)
        with pool:
            out["server_settings"] = server_settings(t, self.conn)
            self.measure_all(out)
        return out

    def measure_all(self, out: dict[str, Any]) -> None:
        t = self.target
        started = time.perf_counter()
        try:
            for table, columns, rows in data.rbac_fixed_rows():
                self.loader.load(table, columns, rows)
            for size in sorted(self.opt.sizes):
                out["sizes"][str(size)] = self.at_size(size)
            if self.opt.hash_count:
                out["seeding"] = self.seeding()
            if self.opt.cleanup_rows:
                out["cleanup"] = [self.cleanup(b) for b in self.opt.cleanup_batch_sizes]
        finally:
            out["load_after"] = os.getloadavg()
            out["seconds"] = round(time.perf_counter() - started, 1)
            self.loader.close()
            self.conn.close()
            self.db.close()
            if not self.opt.keep:
                t.drop_database()

    def seed_to(self, size: int) -> float:
        start = time.perf_counter()
        step = 100_000
        for lo in range(self.seeded, size, step):
            hi = min(size, lo + step)
            for table, columns, rows in data.user_tables(lo, hi):
                self.loader.load(table, columns, rows)
            if lo == 0:
                for table, columns, rows in data.staff_rows():
                    self.loader.load(table, columns, rows)
            self.log(f"    seeded {hi:,} users")
        self.seeded = size
        analyze(self.target, self.conn)
        return time.perf_counter() - start

    # --- one size ----------------------------------------------------------------------

    def at_size(self, size: int) -> dict[str, Any]:
        self.log(f"  {self.target.dialect}: seeding to {size:,} users")
        seconds = self.seed_to(size)
        # The bare driver runs on the library's own DB-API connection: both then meet the same
        # server process, whose scheduling on a busy machine otherwise differs per connection.
        impls = implementations(self.target, self.db.connection(), with_sqlalchemy=self.opt.sqlalchemy)
        result: dict[str, Any] = {"seed_seconds": round(seconds, 1), "ops": {}}
        try:
            for op in OPERATIONS:
                if self.opt.operations and op.name not in self.opt.operations:
                    continue
                self.log(f"  {self.target.dialect} {size:,}: {op.label}")
                result["ops"][op.name] = self.measure(op, impls, size)
        finally:
            for impl in impls:
                impl.close()
        return result

    def batch(self, op: Operation, size: int, n: int, impls: int) -> list[tuple]:
        """``n`` items of one (row, args) per implementation: the same row for a read, distinct for a write."""
        if op.writes:
            picks = self.rnd.sample(range(size), n * impls)
            return [tuple((i, op.args(i)) for i in picks[k * impls:(k + 1) * impls]) for k in range(n)]
        return [((i, op.args(i)),) * impls for i in self.rnd.sample(range(size), n)]

    def measure(self, op: Operation, impls: list[Any], size: int) -> dict[str, Any]:
        n = self.opt.write_samples if op.writes else self.opt.samples
        if op.writes:  # the floor beside the reads only
            impls = [impl for impl in impls if impl.name != "select_1"]
        before, after = self.hooks(op)

        def call(impl: Any, item: tuple[int, tuple]) -> Any:
            return getattr(impl, op.name)(*item[1])

        self.agree(op, impls, self.batch(op, size, 1, len(impls)), before, after)
        # Warm-up: one untimed repetition. Right after seeding a large size the first operation
        # meets cold caches (its first timed repetition ran up to 1.8x slower with 30 warm-up calls).
        interleaved(impls, call, [self.batch(op, size, n, len(impls))], before=before, after=after)
        batches = [self.batch(op, size, n, len(impls)) for _ in range(self.opt.repetitions)]
        reads_before = disk_reads(self.target, self.conn)
        timings = interleaved(impls, call, batches, before=before, after=after)
        reads_after = disk_reads(self.target, self.conn)
        counts, plans = {}, []
        probe = self.batch(op, size, 1, len(impls))
        if before:
            before(probe)
        results: dict[str, list[Any]] = {}
        for k, impl in enumerate(impls):
            with counter_for(impl, self.db) as log:
                results[impl.name] = [call(impl, probe[0][k])]
            counts[impl.name] = log.summary()
            if impl.name == "library":
                plans = [self.plan(e.sql, e.params) for e in log.data_statements()]
        if after:
            after(probe, results)
        out = {"timings": timings, "statements": counts, "explain": plans}
        if reads_before is not None and reads_after is not None:
            out["disk_reads"] = reads_after - reads_before
        return out

    def agree(self, op: Operation, impls: list[Any], check: list, before: Any, after: Any) -> None:
        """The three return the same thing for one sample (a sanity check, not a benchmark)."""
        if before:
            before(check)
        results = {impl.name: [getattr(impl, op.name)(*check[0][k][1])] for k, impl in enumerate(impls)}
        if after:
            after(check, results)
        seen = [_comparable(op.name, r[0]) for name, r in results.items() if name != "select_1"]
        if op.name in ("effective_permissions", "revoke_all") and len(set(map(repr, seen))) != 1:
            raise AssertionError(f"{op.name}: implementations disagree: {seen}")

    def plan(self, sql: str, params: Any) -> dict[str, Any]:
        # A prepared statement exists on the library's own connection only: explain it there.
        conn = self.db.connection() if sql.startswith("EXECUTE ") else self.conn
        with conn.cursor() if self.target.dialect != "sqlite" else _closing(conn.cursor()) as cur:
            try:
                found = explain(self.target.dialect, cur, sql, params, table_aliases(text_of(sql)))
            except Exception as exc:  # noqa: BLE001 - a plan we cannot get is reported, not fatal
                found = {"plan": f"EXPLAIN failed: {exc}", "indexes": [], "full_scans": [], "ok": None}
        found["sql"] = " ".join(text_of(sql).split())[:200]
        return found

    # --- set-up and undo for the writing operations ------------------------------------

    def hooks(self, op: Operation) -> tuple[Any, Any]:
        def rows_of(batch: list[tuple]) -> list[int]:
            return [i for item in batch for i, _ in item]

        if op.name == "create_session":
            def after(batch: list, results: dict[str, list[Any]]) -> None:
                self.delete_sessions([r.hex for values in results.values() for r in values])
            return None, after
        if op.name == "revoke_all":
            def before(batch: list) -> None:
                self.loader.load("nest_auth_sessions", data.SESSION_COLUMNS,
                                 data.extra_session_rows(rows_of(batch), self.extra_serial))

            def after(batch: list, results: dict[str, list[Any]]) -> None:
                for name, values in results.items():
                    if any(r != 2 for r in values):
                        raise AssertionError(f"{name} revoked {values[:5]}…, expected 2 each")
                self.loader.load("nest_auth_sessions", data.SESSION_COLUMNS,
                                 [data.seeded_session_row(i) for i in rows_of(batch)])
            return before, after
        return None, None

    def delete_sessions(self, ids: list[str]) -> None:
        ph = ", ".join([self.target.placeholder] * len(ids))
        sql = f"DELETE FROM nest_auth_sessions WHERE id IN ({ph})"
        if self.target.dialect == "sqlite":
            self.conn.execute(sql, ids)
        else:
            with self.conn.cursor() as cur:
                cur.execute(sql, ids)

    # --- seeding with real argon2 parameters -------------------------------------------

    def seeding(self) -> dict[str, Any]:
        """UserService.create from a thread per core vs. hashing alone in the same pool."""
        params = Argon2Params()
        workers = os.cpu_count() or 1
        count = self.opt.hash_count
        hasher = PasswordHasher(params)
        service = UserService(Settings(secret_key=BENCH_KEY, argon2=params))
        self.log(f"  {self.target.dialect}: seeding with argon2id m={params.memory_cost} t={params.time_cost} "
                 f"p={params.parallelism}, {workers} threads")
        serial = iter(range(10**9))

        def hash_job(k: int) -> None:
            hasher.hash(f"correct horse battery staple {k}")

        def seed_job(k: int) -> None:
            n = next(serial)
            service.create(email=f"seed{n}@bench.example", password=f"correct horse battery staple {n}")

        results: dict[str, list[float]] = {"hash_only": [], "seed": [], "seed_serial": []}
        for rep in range(self.opt.hash_repetitions):
            order = [("hash_only", hash_job, workers), ("seed", seed_job, workers)]
            if rep % 2:
                order.reverse()
            order.append(("seed_serial", seed_job, 1))
            for name, job, threads in order:
                n = count if threads > 1 else max(2, count // 2)
                results[name].append(n / _in_threads(job, n, threads, self.db))
        med = {k: sorted(v)[len(v) // 2] for k, v in results.items()}
        return {
            "params": {"memory_cost": params.memory_cost, "time_cost": params.time_cost,
                       "parallelism": params.parallelism},
            "threads": workers,
            "hash_only_per_s": round(med["hash_only"], 2),
            "seed_per_s": round(med["seed"], 2),
            "seed_serial_per_s": round(med["seed_serial"], 2),
            "ratio": round(med["seed"] / med["hash_only"], 3),
            "runs": {k: [round(x, 2) for x in v] for k, v in results.items()},
        }

    # --- expired-session clean-up ------------------------------------------------------

    def cleanup(self, batch_size: int | None) -> dict[str, Any]:
        rows = self.opt.cleanup_rows
        users = max(1, self.seeded)
        self.log(f"  {self.target.dialect}: loading {rows:,} expired sessions")
        for lo in range(0, rows, 100_000):
            self.loader.load("nest_auth_sessions", data.SESSION_COLUMNS,
                             data.expired_session_rows(lo, min(rows, lo + 100_000), users))
        analyze(self.target, self.conn)
        service = SessionService(Settings(secret_key=BENCH_KEY))
        kwargs = {} if batch_size is None else {"batch_size": batch_size}
        self.log(f"  {self.target.dialect}: clean-up (batch size {batch_size or 'default'})")
        from .measure import count_library

        with count_library(self.db) as log:
            start = time.perf_counter()
            deleted = service.cleanup_expired(**kwargs)
            seconds = time.perf_counter() - start
        # A batch runs from its BEGIN to its COMMIT, or is one autocommitted statement.
        batches, opened = [], None
        for e in log.entries:
            word = e.sql.split()[0].upper()
            if word == "BEGIN":
                opened = e.start
            elif word == "COMMIT" and opened is not None:
                batches.append(e.end - opened)
                opened = None
            elif opened is None and not e.is_txn:
                batches.append(e.end - e.start)
        statements = len(log.data_statements())
        stats = summarise(batches) if batches else {}
        return {
            "rows": rows, "deleted": deleted, "batch_size": batch_size or "default",
            "seconds": round(seconds, 2), "batches": len(batches),
            "longest_batch_s": round(max(batches), 3) if batches else None,
            "p50_batch_ms": round(stats.get("p50_us", 0) / 1000, 1),
            "statements": statements, "round_trips": len(log.entries),
        }


class _closing:
    def __init__(self, cur: Any) -> None:
        self.cur = cur

    def __enter__(self) -> Any:
        return self.cur

    def __exit__(self, *exc: Any) -> None:
        self.cur.close()


def _in_threads(job: Any, n: int, threads: int, db: Any) -> float:
    """Run ``job(k)`` for k < n on ``threads`` threads; seconds taken. Each thread closes its connection."""
    work: queue.Queue[int] = queue.Queue()
    for k in range(n):
        work.put(k)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            while True:
                try:
                    k = work.get_nowait()
                except queue.Empty:
                    return
                job(k)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            if not db.is_closed():
                db.close()

    start = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - start


def _comparable(name: str, result: Any) -> Any:
    if name == "effective_permissions":
        return tuple(result)
    if name == "revoke_all":
        return result
    return type(result).__name__
