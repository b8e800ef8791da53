"""``python -m benchmarks http``: an authenticated GET through real WSGI servers, library vs bare Flask.

For each server (gunicorn with the gthread worker, waitress) and each credential
(an API key, a session's bearer token), both apps run at once as subprocesses:
``library`` (examples/flask_app.py as it ships, pooled by default) and ``bare``
(the same route on one persistent driver connection per thread, SQL prepared
server-side on PostgreSQL). A bounded load generator on loopback sends
``--rounds`` bursts of ``--requests`` ``GET /me`` to each in turn (the order
alternating), from ``--concurrency`` keep-alive clients, so that both apps meet
the same moments of a shared machine. Reported: requests/s over all bursts, the
median p50 and p99 of the bursts, the library-to-bare ratio of every burst pair,
and how many server connections the library opened during the measured requests
(the app counts its driver's connects).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from nestauth_peewee import (
    AccessKeyService,
    Argon2Params,
    SessionService,
    Settings,
    UserService,
    create_tables,
    init_database,
)

from .data import BENCH_KEY
from .run import machine
from .targets import Target

ROOT = Path(__file__).resolve().parent.parent
CHEAP = Argon2Params(memory_cost=1024, time_cost=1, parallelism=1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _command(server: str, port: int, threads: int) -> list[str]:
    bindir = Path(sys.executable).parent
    if server == "gunicorn":
        return [str(bindir / "gunicorn"), "--workers", "1", "--worker-class", "gthread", "--threads",
                str(threads), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                "--keep-alive", "30", "benchmarks.http_apps:create()"]
    return [str(bindir / "waitress-serve"), f"--threads={threads}", f"--listen=127.0.0.1:{port}",
            "--call", "benchmarks.http_apps:create"]


class Server:
    def __init__(self, server: str, app: str, url: str, threads: int) -> None:
        self.port = _free_port()
        env = dict(os.environ, NESTAUTH_BENCH_APP=app, NESTAUTH_BENCH_URL=url,
                   PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        # The server's log goes to a file: a pipe nobody reads fills up (waitress warns of every
        # queued task under load) and then blocks the server mid-run.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__, with the server
        self.proc = subprocess.Popen(_command(server, self.port, threads), cwd=ROOT, env=env,
                                     stdout=subprocess.DEVNULL, stderr=self.log)

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError("the server exited: " + self.log.read().decode()[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start within 60 s")

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def __exit__(self, *exc: Any) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def cpu_seconds(self) -> float:
        """CPU time (user and system) the server's processes have used so far (Linux /proc)."""
        ticks, pending = 0, [self.proc.pid]
        while pending:
            pid = pending.pop()
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{pid}/task/{pid}/children") as fh:
                    pending += [int(child) for child in fh.read().split()]
            except OSError:  # not Linux, or the process just ended
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def connects(self) -> int:
        """How many server connections the app has opened so far."""
        return int(json.loads(self.get("/_connects")[1])["connects"])


def load(port: int, headers: dict[str, str], requests: int, concurrency: int) -> dict[str, Any]:
    """``requests`` GET /me from ``concurrency`` keep-alive clients; throughput and latency."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        try:
            while True:
                with lock:
                    if next(counter, None) is None:
                        break
                start = time.perf_counter()
                conn.request("GET", "/me", headers=headers)
                response = conn.getresponse()
                body = response.read()
                mine.append(time.perf_counter() - start)
                if response.status != 200:
                    errors.append(f"{response.status} {body[:200]!r}")
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} requests failed, e.g. {errors[0]}")
    ordered = sorted(latencies)
    return {"requests": len(ordered), "rps": len(ordered) / wall,
            "p50_ms": statistics.median(ordered) * 1e3,
            "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1e3}


def seed(url: str) -> dict[str, dict[str, str]]:
    """One user with an API key and a session: the two credentials' headers."""
    init_database(url)
    from nestauth_peewee import database

    with database.connection_context():
        create_tables()
        settings = Settings(secret_key=BENCH_KEY, argon2=CHEAP)
        user = UserService(settings).register(email="http@example.com", password="a long passphrase here")
        key = AccessKeyService(settings).create(user.id, "http bench").api_key
        token = SessionService(settings).create(user.id).access_token
    database.close()
    return {"api key": {"X-API-Key": key}, "access token": {"Authorization": f"Bearer {token}"}}


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks http", description=__doc__.splitlines()[0])
    p.add_argument("--url", default=os.environ.get("NESTAUTH_BENCH_POSTGRES_URL",
                                                   "postgresql://postgres@127.0.0.1:5432/nestauth_bench_http"),
                   help="benchmark database (dropped and created); a postgresql:// or mysql:// URL")
    p.add_argument("--servers", default="gunicorn,waitress")
    p.add_argument("--threads", type=int, default=4, help="server threads (4)")
    p.add_argument("--concurrency", type=int, default=8, help="keep-alive clients (8)")
    p.add_argument("--requests", type=int, default=500, help="requests per burst (500)")
    p.add_argument("--rounds", type=int, default=8, help="bursts per app; the apps take turns (8)")
    p.add_argument("--output", default="http-results.json")
    args = p.parse_args(argv)
    dialect = "postgres" if args.url.startswith("postgres") else "mysql"
    target = Target(dialect, args.url)
    target.create_database()
    results: dict[str, Any] = {"machine": machine(), "options": vars(args), "load_before": os.getloadavg(),
                               "runs": {}}
    try:
        credentials = seed(args.url)
        for server in [s.strip() for s in args.servers.split(",") if s.strip()]:
            for credential, headers in credentials.items():
                run = compare(server, args.url, headers, args)
                results["runs"][f"{server} / {credential}"] = run
                summary = run["summary"]
                lib, bare = summary["library"], summary["bare"]
                print(f"{server:8s} {credential:8s} library {lib['rps']:7.0f} req/s p50 {lib['p50_ms']:.2f} ms "
                      f"p99 {lib['p99_ms']:.2f} ms ({lib['connections_total']:.0f} connections, "
                      f"{lib['new_connections']:.0f} new) | bare {bare['rps']:7.0f} req/s p50 {bare['p50_ms']:.2f} "
                      f"p99 {bare['p99_ms']:.2f} | library/bare {summary['ratio_rps']:.2f} "
                      f"(bursts {min(summary['ratio_bursts']):.2f}-{max(summary['ratio_bursts']):.2f}); server CPU "
                      f"per request {lib['server_cpu_us']:.0f} vs {bare['server_cpu_us']:.0f} µs "
                      f"(bare/library {summary['ratio_cpu']:.2f})", flush=True)
    finally:
        results["load_after"] = os.getloadavg()
        with open(args.output, "w") as fh:
            json.dump(results, fh, indent=1)
        target.drop_database()
    print(table(results))
    return 0


def compare(server: str, url: str, headers: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """Both apps under ``server`` at once, bursts in turn; the summary and every burst."""
    per_app: dict[str, list[dict[str, Any]]] = {"library": [], "bare": []}
    with Server(server, "library", url, args.threads) as library, Server(server, "bare", url, args.threads) as bare:
        servers = {"library": library, "bare": bare}
        for app, srv in servers.items():
            status, body = srv.get("/me", headers)  # warm-up: imports, first statements
            if status != 200:
                raise RuntimeError(f"{app} answered {status}: {body[:300]!r}")
            load(srv.port, headers, 200, args.concurrency)
        before = library.connects()
        for rnd in range(args.rounds):
            for app in (("library", "bare") if rnd % 2 == 0 else ("bare", "library")):
                cpu = servers[app].cpu_seconds()
                burst = load(servers[app].port, headers, args.requests, args.concurrency)
                burst["server_cpu_s"] = servers[app].cpu_seconds() - cpu
                per_app[app].append(burst)
        new_connections = library.connects() - before
    summary: dict[str, Any] = {}
    for app, bursts in per_app.items():
        wall = sum(b["requests"] / b["rps"] for b in bursts)
        summary[app] = {"rps": sum(b["requests"] for b in bursts) / wall,
                        "p50_ms": statistics.median(b["p50_ms"] for b in bursts),
                        "p99_ms": statistics.median(b["p99_ms"] for b in bursts),
                        "requests": sum(b["requests"] for b in bursts),
                        "server_cpu_us": sum(b["server_cpu_s"] for b in bursts) / sum(b["requests"] for b in bursts) * 1e6}
    summary["library"]["new_connections"] = new_connections
    summary["library"]["connections_total"] = before + new_connections
    summary["ratio_rps"] = summary["library"]["rps"] / summary["bare"]["rps"]
    summary["ratio_cpu"] = summary["bare"]["server_cpu_us"] / summary["library"]["server_cpu_us"]
    summary["ratio_bursts"] = [lib["rps"] / ref["rps"] for lib, ref in zip(per_app["library"], per_app["bare"], strict=True)]
    return {"summary": summary, "rounds": per_app}


def table(results: dict[str, Any]) -> str:
    lines = ["| server / credential | library req/s | p50 / p99 ms | bare req/s | p50 / p99 ms | "
             "library ÷ bare (burst pairs) | server CPU µs per request: library / bare | "
             "server connections (library, during the measured requests) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    threads = results["options"]["threads"]
    for name, run in results["runs"].items():
        s = run["summary"]
        lib, bare = s["library"], s["bare"]
        mark = "" if s["ratio_rps"] >= 0.8 else " ✗"
        bursts = s.get("ratio_bursts")  # absent in runs of the harness before 2026-12-01's third round
        spread = f" ({min(bursts):.2f}-{max(bursts):.2f})" if bursts else ""
        measured = f"{lib['requests']:,.0f} requests: " if "requests" in lib else ""
        cpu = f"{lib['server_cpu_us']:.0f} / {bare['server_cpu_us']:.0f}" if "server_cpu_us" in lib else "-"
        lines.append(f"| {name} | {lib['rps']:,.0f} | {lib['p50_ms']:.2f} / {lib['p99_ms']:.2f} | "
                     f"{bare['rps']:,.0f} | {bare['p50_ms']:.2f} / {bare['p99_ms']:.2f} | "
                     f"{s['ratio_rps']:.2f}{mark}{spread} | {cpu} | {measured}{lib['connections_total']:.0f} in all, "
                     f"{lib['new_connections']:.0f} new ({threads} server threads) |")
    return "\n".join(lines)
