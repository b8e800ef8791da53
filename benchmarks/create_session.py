"""``python -m benchmarks create-session``: the session INSERT + eviction as two statements vs one CTE.

PostgreSQL only. Two forms of "insert a session if its user exists, locking the
user row, then delete that user's expired sessions and those beyond the newest
``keep``":

* **two statements** (what the library runs): ``BEGIN``; ``INSERT ... SELECT ...
  FROM users ... FOR UPDATE``; ``DELETE ... RETURNING``; ``COMMIT``;
* **one statement**: the same as one data-modifying CTE, autocommitted
  (``WITH owner AS (SELECT ... FOR UPDATE), ins AS (INSERT ...), gone AS
  (DELETE ...) SELECT ...``).

It times both on the same connection, interleaved, and then checks the
guarantee the two-statement form exists for: with ``--threads`` connections
creating sessions for one user at once, the user never holds more than
``keep + 1`` sessions.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from .data import dt
from .targets import Target

COLUMNS = ("id", "user_id", "data", "refresh_token_hash", "expires_at", "user_agent", "device_name",
           "ip_address", "last_active", "created_at", "updated_at")
_BEYOND = ("SELECT id FROM nest_auth_sessions WHERE user_id = %(uid)s AND id <> %(sid)s"
           " AND (expires_at IS NULL OR expires_at > %(now)s)"
           " ORDER BY last_active DESC NULLS LAST, created_at DESC OFFSET %(keep)s")
INSERT = (f"INSERT INTO nest_auth_sessions ({', '.join(COLUMNS)}) SELECT %(sid)s, u.id, '{{}}', %(hash)s,"
          " %(expires)s, NULL, NULL, NULL, %(now)s, %(now)s, %(now)s FROM nest_auth_users u"
          " WHERE u.id = %(uid)s FOR UPDATE")
DELETE = ("DELETE FROM nest_auth_sessions WHERE user_id = %(uid)s AND id <> %(sid)s"
          f" AND (expires_at <= %(now)s OR id IN ({_BEYOND})) RETURNING id, expires_at")
CTE = ("WITH owner AS (SELECT id FROM nest_auth_users WHERE id = %(uid)s FOR UPDATE),"
       f" ins AS (INSERT INTO nest_auth_sessions ({', '.join(COLUMNS)}) SELECT CAST(%(sid)s AS uuid), owner.id,"
       " '{}', %(hash)s, CAST(%(expires)s AS timestamp), NULL, NULL, NULL, CAST(%(now)s AS timestamp),"
       " CAST(%(now)s AS timestamp), CAST(%(now)s AS timestamp) FROM owner RETURNING id),"
       " gone AS (DELETE FROM nest_auth_sessions WHERE EXISTS (SELECT 1 FROM ins) AND user_id = %(uid)s"
       f" AND id <> %(sid)s AND (expires_at <= %(now)s OR id IN ({_BEYOND})) RETURNING id, expires_at)"
       " SELECT 'inserted', id, NULL FROM ins UNION ALL SELECT 'deleted', id, expires_at FROM gone")


def _params(uid: str, keep: int) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {"sid": uuid.uuid4().hex, "uid": uid, "hash": uuid.uuid4().hex, "now": dt(now),
            "expires": dt(now + timedelta(days=30)), "keep": keep}


def two_statements(cur: Any, uid: str, keep: int) -> int:
    p = _params(uid, keep)
    cur.execute("BEGIN")
    try:
        cur.execute(INSERT, p)
        inserted = cur.rowcount
        cur.execute(DELETE, p)
        cur.fetchall()
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    return inserted


def one_statement(cur: Any, uid: str, keep: int) -> int:
    cur.execute(CTE, _params(uid, keep))
    return sum(1 for kind, *_ in cur.fetchall() if kind == "inserted")


FORMS = {"two statements": two_statements, "one CTE": one_statement}


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks create-session", description=__doc__.splitlines()[0])
    p.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/nestauth_bench_cte",
                   help="scratch database (dropped and created)")
    p.add_argument("--samples", type=int, default=400)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--rounds", type=int, default=30)
    p.add_argument("--keep", type=int, default=2)
    args = p.parse_args(argv)
    from nestauth_peewee import create_tables, database, init_database

    target = Target("postgres", args.url)
    target.create_database()
    try:
        init_database(args.url)
        with database.connection_context():
            create_tables()
        conn = target.driver_connect()
        cur = conn.cursor()
        users = [uuid.uuid4().hex for _ in range(args.samples)]
        for uid in users:
            cur.execute("INSERT INTO nest_auth_users (id, email, created_at, updated_at) VALUES (%s, %s, now(), now())",
                        (uid, f"{uid}@example.com"))
        times: dict[str, list[float]] = {name: [] for name in FORMS}
        for k, uid in enumerate(users):
            for name, form in list(FORMS.items())[:: 1 if k % 2 else -1]:
                start = time.perf_counter()
                assert form(cur, uid, args.keep) == 1
                times[name].append(time.perf_counter() - start)
        for name, values in times.items():
            print(f"{name:15s} p50 {statistics.median(values) * 1e6:7.0f} µs over {len(values)} calls")
        for name, form in FORMS.items():
            worst = 0
            for _ in range(args.rounds):
                uid = uuid.uuid4().hex
                cur.execute("INSERT INTO nest_auth_users (id, email, created_at, updated_at)"
                            " VALUES (%s, %s, now(), now())", (uid, f"{uid}@example.com"))
                barrier = threading.Barrier(args.threads)

                def create(uid: str = uid, barrier: threading.Barrier = barrier, form: Any = form) -> None:
                    c = target.driver_connect()
                    try:
                        barrier.wait()
                        form(c.cursor(), uid, args.keep)
                    finally:
                        c.close()

                workers = [threading.Thread(target=create) for _ in range(args.threads)]
                for w in workers:
                    w.start()
                for w in workers:
                    w.join()
                cur.execute("SELECT count(*) FROM nest_auth_sessions WHERE user_id = %s", (uid,))
                worst = max(worst, cur.fetchone()[0])
            verdict = "holds" if worst <= args.keep + 1 else "BROKEN"
            print(f"{name:15s} {args.threads} concurrent creations x {args.rounds} rounds: at most {worst} "
                  f"sessions, limit {args.keep + 1}: {verdict}")
        conn.close()
    finally:
        database.close()
        target.drop_database()
    return 0
