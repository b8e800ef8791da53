"""``python -m benchmarks drivers``: the hot-path SQL on each driver, text vs server-side prepared.

Which driver and which way of sending a statement the library should use is
decided here, on the same seeded database (``python -m benchmarks --keep``
leaves one; ``--sizes 10000 --operations get_user_by_email`` is the quickest
way to get it). Every variant runs the same SQL on one connection of its own,
interleaved call by call (the variants rotate, so load spikes hit all alike):

PostgreSQL: psycopg2 text (what peewee sends), psycopg2 ``PREPARE`` once then
``EXECUTE``, psycopg 3 with preparation off, psycopg 3 prepared from the first
call (``prepare=True``), the same in binary, and ``SELECT 1`` on each driver.
MariaDB: PyMySQL text, MariaDB Connector/Python text and binary-protocol
prepared (the driver's ``binary=True`` cursor), mysqlclient if installed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from nestauth_peewee import init_database

from . import data
from .data import GUARD
from .ops import KEY_COLS, SESSION_COLS, USER_COLS, permissions_sql, select_list
from .run import machine

Variant = tuple[str, Callable[[str, tuple], Any]]


def queries(ph: str, dialect: str) -> dict[str, tuple[str, Callable[[int], tuple]]]:
    """name -> (SQL with ``ph`` placeholders, parameters of sample i)."""
    perms_sql, make = permissions_sql()  # the library's statement for the bound Database
    perms_sql = perms_sql.replace("%s", ph)

    def perms(i: int) -> tuple:
        return make(data.user_id(i).hex, data.tenant_of(i).hex, GUARD)
    return {
        "select_1": ("SELECT 1", lambda i: ()),
        "authenticate": (f"SELECT {select_list('s', SESSION_COLS)}, {select_list('u', USER_COLS)} FROM nest_auth_sessions s"
                         f" JOIN nest_auth_users u ON s.user_id = u.id WHERE s.id = {ph}",
                         lambda i: (data.session_id(i).hex,)),
        "verify_key": (f"SELECT {select_list('k', KEY_COLS)}, {select_list('u', USER_COLS)} FROM nest_auth_access_keys k"
                       f" JOIN nest_auth_users u ON k.user_id = u.id WHERE k.public_key = {ph}",
                       lambda i: (data.public_key(i),)),
        "effective_permissions": (perms_sql, perms),
        "get_user_by_email": (f"SELECT {', '.join(USER_COLS)} FROM nest_auth_users WHERE email = {ph}",
                              lambda i: (data.email(i),)),
    }


def _dollar(sql: str) -> str:
    """``%s`` placeholders as ``$1, $2, ...`` (the SQL here has no ``%`` literals)."""
    counter = itertools.count(1)
    parts = sql.split("%s")
    return "".join(p + (f"${next(counter)}" if k < len(parts) - 1 else "") for k, p in enumerate(parts))


def postgres_variants(url: str) -> list[Variant]:
    import psycopg
    import psycopg2

    p = urlparse(url)
    kw = {"host": p.hostname, "port": p.port or 5432, "user": p.username, "dbname": p.path.lstrip("/")}
    c2 = psycopg2.connect(**kw, options="-c timezone=UTC")
    c2.autocommit = True
    cur2 = c2.cursor()
    c2p = psycopg2.connect(**kw, options="-c timezone=UTC")
    c2p.autocommit = True
    cur2p = c2p.cursor()
    names: dict[str, str] = {}

    def pg2_text(sql: str, params: tuple) -> Any:
        cur2.execute(sql, params)
        return cur2.fetchall()

    def pg2_prepared(sql: str, params: tuple) -> Any:
        name = names.get(sql)
        if name is None:
            name = names[sql] = f"bench_{len(names)}"
            cur2p.execute(f"PREPARE {name} AS {_dollar(sql)}")
        if params:
            cur2p.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
        else:
            cur2p.execute(f"EXECUTE {name}")
        return cur2p.fetchall()

    out: list[Variant] = [("psycopg2 text", pg2_text), ("psycopg2 PREPARE/EXECUTE", pg2_prepared)]
    for label, binary, prepare in (("psycopg3 text", False, False), ("psycopg3 prepared", False, True),
                                   ("psycopg3 prepared binary", True, True)):
        conn = psycopg.connect(**kw, autocommit=True, options="-c timezone=UTC")
        cur = conn.cursor(binary=binary)

        def run(sql: str, params: tuple, cur: Any = cur, prepare: bool = prepare) -> Any:
            cur.execute(sql, params, prepare=prepare)
            return cur.fetchall()

        out.append((label, run))
    return out


def mysql_variants(url: str) -> list[Variant]:
    import pymysql

    p = urlparse(url)
    kw = {"host": p.hostname, "port": p.port or 3306, "user": p.username, "password": p.password or ""}
    db = p.path.lstrip("/")
    c = pymysql.connect(**kw, database=db, charset="utf8mb4", autocommit=True)
    pcur = c.cursor()

    def pymysql_text(sql: str, params: tuple) -> Any:
        pcur.execute(sql, params)
        return pcur.fetchall()

    out: list[Variant] = [("PyMySQL text", pymysql_text)]
    try:
        import mariadb

        m = mariadb.connect(**kw, database=db, autocommit=True)
        mcur = m.cursor()
        mprep = m.cursor(binary=True)  # the binary protocol: server-side prepared

        def mariadb_text(sql: str, params: tuple) -> Any:
            mcur.execute(sql.replace("%s", "?"), params)
            return mcur.fetchall()

        def mariadb_prepared(sql: str, params: tuple) -> Any:
            mprep.execute(sql.replace("%s", "?"), params)
            return mprep.fetchall()

        out += [("mariadb text", mariadb_text), ("mariadb prepared", mariadb_prepared)]
    except ImportError as exc:
        print(f"MariaDB Connector/Python not usable: {exc}")
    try:
        import MySQLdb

        my = MySQLdb.connect(**{("passwd" if k == "password" else k): v for k, v in kw.items()},
                             db=db, charset="utf8mb4", autocommit=True)
        mycur = my.cursor()

        def mysqlclient_text(sql: str, params: tuple) -> Any:
            mycur.execute(sql, params)
            return mycur.fetchall()

        out.append(("mysqlclient text", mysqlclient_text))
    except ImportError as exc:
        print(f"mysqlclient not usable: {exc}")
    return out


def measure(variants: list[Variant], dialect: str, size: int, samples: int, repetitions: int,
            seed: int = 20261201) -> dict[str, dict[str, Any]]:
    rnd = random.Random(seed)
    out: dict[str, dict[str, Any]] = {}
    orders = list(itertools.permutations(range(len(variants))))
    if len(orders) > 24:
        orders = [tuple(range(k, len(variants))) + tuple(range(k)) for k in range(len(variants))]
    for name, (sql, args) in queries("%s", dialect).items():
        results = {label: [] for label, _ in variants}
        expected = None
        for label, run in variants:  # warm-up (and the prepare), and the same answer everywhere
            rows = [run(sql, args(i)) for i in range(20)]
            shape = [len(r) for r in rows]
            if expected is None:
                expected = shape
            elif shape != expected:
                raise AssertionError(f"{name}: {label} returned {shape}, expected {expected}")
        clock = time.perf_counter
        for rep in range(repetitions):
            picks = [rnd.randrange(size) for _ in range(samples)]
            for j, i in enumerate(picks):
                params = args(i)
                for index in orders[(j + rep) % len(orders)]:
                    label, run = variants[index]
                    start = clock()
                    run(sql, params)
                    results[label].append(clock() - start)
        out[name] = {label: round(statistics.median(v) * 1e6, 1) for label, v in results.items()}
    return out


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks drivers", description=__doc__.splitlines()[0])
    p.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/nestauth_bench")
    p.add_argument("--mysql-url", default="mysql://root@127.0.0.1:3306/nestauth_bench")
    p.add_argument("--dialects", default="postgres,mysql")
    p.add_argument("--size", type=int, default=10_000, help="users seeded in those databases")
    p.add_argument("--samples", type=int, default=500)
    p.add_argument("--repetitions", type=int, default=4)
    p.add_argument("--output", default="driver-results.json")
    args = p.parse_args(argv)
    results: dict[str, Any] = {"machine": machine(), "size": args.size, "dialects": {}}
    for dialect in [d.strip() for d in args.dialects.split(",") if d.strip()]:
        init_database(args.postgres_url if dialect == "postgres" else args.mysql_url)  # renders, never connects
        variants = postgres_variants(args.postgres_url) if dialect == "postgres" else mysql_variants(args.mysql_url)
        res = measure(variants, dialect, args.size, args.samples, args.repetitions)
        results["dialects"][dialect] = res
        labels = [label for label, _ in variants]
        print(f"\n{dialect}, {args.size:,} users, p50 µs over {args.samples * args.repetitions} calls")
        print("| query | " + " | ".join(labels) + " |")
        print("| --- " * (len(labels) + 1) + "|")
        for name, row in res.items():
            print(f"| {name} | " + " | ".join(f"{row[label]:.0f}" for label in labels) + " |")
    with open(args.output, "w") as fh:
        json.dump(results, fh, indent=1)
    return 0
