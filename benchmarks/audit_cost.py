"""``python -m benchmarks audit``: what the audit trail costs on login and on the read hot paths.

Per dialect, through the services, with ``Settings.audit`` on and off, interleaved call by
call (so load on the machine hits both alike):

* **login**: ``SessionService.create`` (the sign-in's transaction: its two statements, plus
  the audit ``INSERT`` when on); **failed login**: ``UserService.authenticate`` with a wrong
  password (cheap argon2, so the database part shows; plus the failure row's own transaction
  when on);
* **reads**: ``SessionService.authenticate`` (refresh token), ``authenticate_access_token``,
  ``AccessKeyService.verify``: statements counted per call, and any ``INSERT``/``UPDATE``/
  ``DELETE`` among them reported (there must be none), p50 on and off.

Databases of its own (``nestauth_bench_audit``), dropped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .targets import DIALECTS, make_targets

KEY = "benchmark-audit-key-" + "0123456789abcdef" * 3
WRITES = ("INSERT", "UPDATE", "DELETE")


def _p50(values: list[float]) -> float:
    return statistics.median(values) * 1e6


def _measure(pairs: dict[str, tuple[Callable[[int], Any], Callable[[int], Any]]], samples: int
             ) -> dict[str, tuple[float, float]]:
    """p50 (µs) of each (off, on) pair, the two interleaved call by call, alternating which goes first."""
    out = {}
    for name, (off, on) in pairs.items():
        times: dict[str, list[float]] = {"off": [], "on": []}
        for i in range(samples):
            order = (("off", off), ("on", on)) if i % 2 else (("on", on), ("off", off))
            for label, call in order:
                start = time.perf_counter()
                call(i)
                times[label].append(time.perf_counter() - start)
        out[name] = (_p50(times["off"]), _p50(times["on"]))
    return out


def run_dialect(url: str, samples: int) -> dict[str, Any]:
    from nestauth_peewee import AuthServices, Settings, create_tables, database, errors, init_database
    from nestauth_peewee.config import Argon2Params
    from nestauth_peewee.repositories._prepared import text_of

    db = init_database(url)
    db.connect(reuse_if_open=True)
    create_tables()
    base = Settings(secret_key=KEY, argon2=Argon2Params(memory_cost=1024, time_cost=1, parallelism=1),
                    max_sessions_per_user=None, login_throttle=None)
    on, off = AuthServices(base), AuthServices(replace(base, audit=False))
    user = on.users.create(email="bench@example.com", password="correct horse battery staple 9")
    issued = on.sessions.create(user.id)
    key = on.access_keys.create(user.id, "bench")
    on.access_keys.verify(key.api_key)  # dates last_used_at once, so later calls are pure reads

    def refused(service: AuthServices) -> Callable[[int], Any]:
        def call(_i: int) -> None:
            with contextlib.suppress(errors.InvalidCredentials):
                service.users.authenticate(email="bench@example.com", password="a wrong passphrase 2")
        return call

    write = _measure({
        "login (session create)": (lambda i: off.sessions.create(user.id), lambda i: on.sessions.create(user.id)),
        "failed login": (refused(off), refused(on)),
    }, samples)
    reads = {
        "refresh-token authenticate": lambda s: s.sessions.authenticate(issued.refresh_token),
        "access token, strict": lambda s: s.sessions.authenticate_access_token(issued.access_token),
        "API key verify": lambda s: s.access_keys.verify(key.api_key),
    }
    statements: dict[str, tuple[int, int]] = {}
    for name, call in reads.items():
        seen: list[str] = []

        def hook(event: Any, seen: list[str] = seen) -> None:
            seen.append(text_of(event.sql))

        db.query_hooks.append(hook)
        try:
            call(on)
        finally:
            db.query_hooks.remove(hook)
        statements[name] = (len(seen), sum(1 for q in seen if q.lstrip().upper().startswith(WRITES)))
    read = _measure({name: (lambda i, c=call: c(off), lambda i, c=call: c(on)) for name, call in reads.items()},
                    samples)
    from nestauth_peewee.models import AuditEvent

    rows_from_reads_check = AuditEvent.select().count()
    for call in reads.values():
        call(on)
    read_rows = AuditEvent.select().count() - rows_from_reads_check
    database.close()
    return {"write": write, "read": read, "statements": statements, "rows_written_by_reads": read_rows}


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks audit", description=__doc__.splitlines()[0])
    p.add_argument("--dialects", default=",".join(DIALECTS))
    p.add_argument("--samples", type=int, default=400, help="calls per variant and operation (400)")
    p.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/nestauth_bench_audit")
    p.add_argument("--mysql-url", default="mysql://root@127.0.0.1:3306/nestauth_bench_audit")
    args = p.parse_args(argv)
    dialects = [d.strip() for d in args.dialects.split(",") if d.strip()]
    with tempfile.TemporaryDirectory(prefix="nestauth-bench-audit-") as tmp:
        for target in make_targets(dialects, tmp, args.postgres_url, args.mysql_url):
            target.create_database()
            try:
                result = run_dialect(target.url, args.samples)
            finally:
                target.drop_database()
            print(f"\n{target.dialect}: p50 µs, audit off -> on ({args.samples} interleaved calls each)")
            for name, (off, on) in {**result["write"], **result["read"]}.items():
                print(f"  {name:28s} {off:8.0f} -> {on:8.0f}  ({on - off:+.0f} µs, {on / off - 1:+.0%})")
            for name, (count, writes) in result["statements"].items():
                print(f"  {name:28s} {count} statement(s), {writes} write(s) with audit on")
            print(f"  audit rows written by the reads: {result['rows_written_by_reads']}")
    return 0
