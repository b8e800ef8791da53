"""Timing, statement counting and EXPLAIN.

* :func:`interleaved` times each implementation on the same samples, one
  repetition after another, rotating which goes first, so drift in the
  machine's load hits all of them alike; p50/p95 are over every timed call.
* :class:`StatementLog` records every statement a DB-API cursor executes
  (transaction control included), for the library and the bare driver;
  SQLAlchemy is counted through its engine events.
* :func:`explain` asks each dialect how it runs a recorded statement and
  pulls out the indexes used and the tables read in full.
"""

from __future__ import annotations

import gc
import itertools
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

TXN = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|START TRANSACTION)\b", re.I)

#: Tables that grow with the number of users: reading one in full is a miss.
PER_USER_TABLES = ("nest_auth_users", "nest_auth_sessions", "nest_auth_access_keys",
                   "nest_auth_user_accesses", "nest_auth_user_access_roles")


def percentile_ms(values: Sequence[float], pct: int, digits: int = 2) -> str:
    """The ``pct``-th percentile of ``values`` (seconds), as milliseconds: "12.34 ms"."""
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, len(ordered) * pct // 100)] * 1000:.{digits}f} ms"


def timing_parser(prog: str, description: str, *, samples: int, samples_help: str,
                  tolerance: float) -> Any:
    """The options of a timing-gap check: --database, --samples, --tolerance and the argon2 costs."""
    import argparse

    parser = argparse.ArgumentParser(prog=f"python -m benchmarks {prog}", description=description)
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--samples", type=int, default=samples, help=f"{samples_help} (default {samples})")
    parser.add_argument("--tolerance", type=float, default=tolerance,
                        help=f"allowed relative gap (default {tolerance:.2f})")
    add_argon2_arguments(parser)
    return parser


def add_argon2_arguments(parser: Any) -> None:
    """``--memory-cost``, ``--time-cost``, ``--parallelism`` (the library's defaults)."""
    from nestauth_peewee import Argon2Params

    parser.add_argument("--memory-cost", type=int, default=Argon2Params.memory_cost)
    parser.add_argument("--time-cost", type=int, default=Argon2Params.time_cost)
    parser.add_argument("--parallelism", type=int, default=Argon2Params.parallelism)


def argon2_from(args: Any) -> Any:
    """The ``Argon2Params`` those three options name."""
    from nestauth_peewee import Argon2Params

    return Argon2Params(args.memory_cost, args.time_cost, args.parallelism)


def summarise(latencies: Sequence[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    n = len(ordered)
    return {
        "n": n,
        "p50_us": statistics.median(ordered) * 1e6,
        "p95_us": ordered[min(n - 1, int(n * 0.95))] * 1e6,
        "ops_per_s": n / sum(ordered),
    }


def interleaved(impls: Sequence[Any], call: Callable[[Any, Any], Any], batches: Sequence[Sequence[tuple]],
                *, before: Callable[[Sequence[tuple]], Any] | None = None,
                after: Callable[[Sequence[tuple], dict[str, list[Any]]], Any] | None = None) -> dict[str, Any]:
    """Time ``call(impl, item[k])`` for the k-th implementation, call by call, round-robin.

    Each batch (one repetition) is a list of items; an item holds one argument
    per implementation (the same for a read; different rows for a write, so
    each implementation meets the same kind of row). Within an item the
    implementations run one after the other, the first one rotating, so load
    spikes and cache warming fall on all of them alike. The order walks through
    every permutation, so each implementation follows each other one equally
    often (a fixed cycle would always run one right after the heaviest, with
    cold CPU caches). ``before``/``after``
    run untimed around each batch: setting up and undoing what a writing
    operation changes.
    """
    n = len(impls)
    orders = list(itertools.permutations(range(n)))
    times: dict[str, list[float]] = {impl.name: [] for impl in impls}
    rep_p50: dict[str, list[float]] = {impl.name: [] for impl in impls}
    clock = time.perf_counter
    for rep, batch in enumerate(batches):
        if before:
            before(batch)
        gc.collect()
        lat: dict[str, list[float]] = {impl.name: [] for impl in impls}
        results: dict[str, list[Any]] = {impl.name: [] for impl in impls}
        for j, item in enumerate(batch):
            for index in orders[(j + rep) % len(orders)]:
                impl = impls[index]
                start = clock()
                result = call(impl, item[index])
                lat[impl.name].append(clock() - start)
                results[impl.name].append(result)
        if after:
            after(batch, results)
        for name, values in lat.items():
            times[name].extend(values)
            rep_p50[name].append(statistics.median(values) * 1e6)
    out: dict[str, Any] = {}
    for impl in impls:
        out[impl.name] = summarise(times[impl.name])
        out[impl.name]["rep_p50_us"] = [round(v, 1) for v in rep_p50[impl.name]]
    return out


# --- counting --------------------------------------------------------------------------------

@dataclass
class Executed:
    sql: str
    params: Any
    start: float
    end: float

    @property
    def is_txn(self) -> bool:
        return bool(TXN.match(self.sql))


@dataclass
class StatementLog:
    entries: list[Executed] = field(default_factory=list)

    def data_statements(self) -> list[Executed]:
        return [e for e in self.entries if not e.is_txn]

    def summary(self) -> dict[str, Any]:
        data = self.data_statements()
        return {
            "statements": len(data),
            "transaction_control": len(self.entries) - len(data),
            "round_trips": len(self.entries),
            "sql": [_short(e.sql) for e in self.entries],
        }


def _short(sql: str, limit: int = 160) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= limit else sql[:limit] + " …"


class CountingCursor:
    """A DB-API cursor that logs what it executes (and when)."""

    def __init__(self, cursor: Any, log: StatementLog) -> None:
        self._cursor = cursor
        self._log = log

    def execute(self, sql: str, params: Any = None) -> Any:
        start = time.perf_counter()
        result = self._cursor.execute(sql, params) if params is not None else self._cursor.execute(sql)
        self._log.entries.append(Executed(sql, params, start, time.perf_counter()))
        return self if result is self._cursor else result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)

    def __iter__(self) -> Any:
        return iter(self._cursor)

    def __enter__(self) -> CountingCursor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self._cursor.close()


class count_library:
    """Log every cursor execution of a peewee Database (its ``cursor()`` is wrapped)."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.log = StatementLog()

    def __enter__(self) -> StatementLog:
        original = type(self.db).cursor
        log = self.log

        def cursor(*args: Any, **kwargs: Any) -> CountingCursor:
            return CountingCursor(original(self.db, *args, **kwargs), log)

        self.db.cursor = cursor
        return self.log

    def __exit__(self, *exc: Any) -> None:
        del self.db.cursor


class count_driver:
    def __init__(self, ops: Any) -> None:
        self.ops = ops
        self.log = StatementLog()

    def __enter__(self) -> StatementLog:
        self._cur = self.ops.cur
        self.ops.cur = CountingCursor(self._cur, self.log)
        return self.log

    def __exit__(self, *exc: Any) -> None:
        self.ops.cur = self._cur


class count_sqlalchemy:
    """Statements from ``before_cursor_execute``; BEGIN/COMMIT/ROLLBACK from the engine's events.

    psycopg2 sends its implicit BEGIN as a separate command: it is counted at
    the engine's ``begin`` event on PostgreSQL. PyMySQL and sqlite3 start a
    transaction without a statement of their own.
    """

    def __init__(self, ops: Any) -> None:
        self.ops = ops
        self.log = StatementLog()

    def __enter__(self) -> StatementLog:
        from sqlalchemy import event

        engine, log = self.ops.engine, self.log
        now = time.perf_counter

        def on_execute(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
            log.entries.append(Executed(statement, parameters, now(), now()))

        def on_begin(conn):  # noqa: ANN001
            if self.ops.dialect == "postgres":
                log.entries.append(Executed("BEGIN (implicit, psycopg2)", None, now(), now()))

        def on_commit(conn):  # noqa: ANN001
            log.entries.append(Executed("COMMIT", None, now(), now()))

        def on_rollback(conn):  # noqa: ANN001
            log.entries.append(Executed("ROLLBACK", None, now(), now()))

        self._listeners = [("before_cursor_execute", on_execute), ("begin", on_begin),
                           ("commit", on_commit), ("rollback", on_rollback)]
        for name, fn in self._listeners:
            event.listen(engine, name, fn)
        return self.log

    def __exit__(self, *exc: Any) -> None:
        from sqlalchemy import event

        for name, fn in self._listeners:
            event.remove(self.ops.engine, name, fn)


def counter_for(impl: Any, db: Any) -> Any:
    if impl.name == "library":
        return count_library(db)
    if impl.name in ("driver", "driver_prepared", "select_1"):
        return count_driver(impl)
    return count_sqlalchemy(impl)


# --- EXPLAIN ---------------------------------------------------------------------------------

_PG_INDEX = re.compile(r"(?:Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\S+)"
                       r"(?: on (\S+))?")
_PG_SEQ = re.compile(r"Seq Scan on (\S+)")
_SQLITE_INDEX = re.compile(r"(?:SEARCH|SCAN) (\S+)(?: AS \S+)? USING (?:COVERING )?(INDEX (\S+)|PRIMARY KEY|"
                           r"INTEGER PRIMARY KEY)")
_SQLITE_SCAN = re.compile(r"^SCAN (\S+)(?: AS \S+)?$")


def explain(dialect: str, cursor: Any, sql: str, params: Any, aliases: dict[str, str] | None = None
            ) -> dict[str, Any]:
    """The plan of ``sql`` (not executed): indexes used, per-user tables read in full."""
    if dialect == "postgres":
        cursor.execute("EXPLAIN " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
        plan = "\n".join(lines)
        indexes = sorted({m.group(1) for m in _PG_INDEX.finditer(plan)})
        full = sorted({m.group(1) for m in _PG_SEQ.finditer(plan)})
    elif dialect == "mysql":
        cursor.execute("EXPLAIN " + sql, params)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        lines = [f"{r['table']}: type={r['type']} key={r['key']} rows={r['rows']} {r.get('Extra') or ''}".strip()
                 for r in rows]
        indexes = sorted({r["key"] for r in rows if r["key"]})
        # An INSERT ... VALUES explains its target as type=ALL with no row estimate: no read.
        full = sorted({r["table"] for r in rows if r["type"] == "ALL"
                       and not (r["rows"] is None and sql.lstrip().upper().startswith("INSERT"))})
        plan = "\n".join(lines)
    else:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params or ())
        lines = [row[-1] for row in cursor.fetchall()]
        plan = "\n".join(lines)
        indexes, full = [], []
        for line in lines:
            m = _SQLITE_INDEX.search(line)
            if m:
                indexes.append(m.group(3) or f"{m.group(1)} {m.group(2)}")
                continue
            m = _SQLITE_SCAN.match(line.strip())
            if m:
                full.append(m.group(1))
        indexes = sorted(set(indexes))
        full = sorted(set(full))
    aliases = aliases or {}
    # Only tables count: a scan of a subquery's result (held, beyond, <derived2>) reads no table.
    full_tables = sorted({aliases.get(t, t) for t in full} & {*aliases.values(), *PER_USER_TABLES}
                         | {t for t in full if t.startswith("nest_auth_")})
    misses = [t for t in full_tables if t in PER_USER_TABLES]
    return {"plan": plan, "indexes": indexes, "full_scans": full_tables, "ok": not misses}


_ALIAS = re.compile(r"(?:FROM|JOIN)\s+[`\"]?(nest_auth_\w+)[`\"]?(?:\s+AS)?\s+[`\"]?(\w+)[`\"]?", re.I)


def table_aliases(sql: str) -> dict[str, str]:
    """alias → table for the FROM/JOIN clauses of ``sql`` (plans name aliases on some dialects)."""
    out = {}
    for table, alias in _ALIAS.findall(sql):
        if alias.upper() not in ("ON", "WHERE", "JOIN", "INNER", "LEFT", "SET"):
            out[alias] = table
    return out
