"""Does seeding 200 users run at the speed of hashing their 200 passwords in parallel?

The seeder hashes the passwords of new accounts on a thread pool (argon2
releases the GIL) while the main thread writes the entries, one transaction
each, through the services. The target: its throughput is at least 0.9 × that
of bare parallel hashing of the same passwords with the same parameters, i.e.
the database work and the seeder's own overhead add at most about 10%.

Rounds alternate the two measurements, so drift in machine load hits both
alike; the script reports every round and the median ratio::

    python benchmarks/seeding.py                              # SQLite in a temp dir
    python benchmarks/seeding.py --database postgresql://postgres@127.0.0.1/bench --rounds 5

Exit status 1 when the median ratio is below --min-ratio (default 0.9). The
database named by --database gets the nest-auth tables (created if missing);
the seeded users, tenant, role and permission are deleted after each round.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nestauth_peewee import (  # noqa: E402
    PasswordHasher,
    Permission,
    Settings,
    Tenant,
    User,
    create_tables,
    init_database,
)
from nestauth_peewee.seeding import Seeder, parse_seed  # noqa: E402

from .measure import add_argon2_arguments, argon2_from


def seed_document(count: int) -> dict:
    return {
        "permissions": ["bench.read"],
        "tenants": [{"slug": "bench-tenant", "name": "Benchmark"}],
        "roles": [{"name": "bench-reader", "tenant": "bench-tenant", "permissions": ["bench.read"]}],
        "users": [
            {"email": f"bench-seed-{i}@example.com", "password": f"benchmark passphrase number {i}",
             "email_verified": True, "memberships": [{"tenant": "bench-tenant", "roles": ["bench-reader"]}]}
            for i in range(count)
        ],
    }


def clean() -> None:
    User.delete().where(User.email.startswith("bench-seed-")).execute()
    Tenant.delete().where(Tenant.slug == "bench-tenant").execute()  # its role cascades
    Permission.delete().where(Permission.name == "bench.read").execute()


class Clock:
    """Wall time, and CPU time of this process plus (PostgreSQL on this machine) its server backend."""

    def __init__(self, db) -> None:
        self._backend = None
        if type(db).__name__.startswith("Postgres"):
            pid = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
            if Path(f"/proc/{pid}/stat").exists():
                self._backend = Path(f"/proc/{pid}/stat")

    def _backend_cpu(self) -> float:
        if self._backend is None:
            return 0.0
        fields = self._backend.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def measure(self, work) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time() + self._backend_cpu()
        work()
        return time.perf_counter() - wall, time.process_time() + self._backend_cpu() - cpu


def hash_all(hasher: PasswordHasher, passwords: list[str], workers: int) -> None:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(hasher.hash, passwords))


def seed_all(settings: Settings, document: dict, workers: int) -> None:
    report = Seeder(settings, workers=workers).apply(parse_seed(document, settings))
    if report.count("users", "created") != len(document["users"]):
        raise SystemExit(f"expected every user to be created: {report.summary()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--users", type=int, default=200, help="users to seed (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="hashing threads for both measurements (default: one per core)")
    parser.add_argument("--min-ratio", type=float, default=0.9, help="required median ratio (default 0.9)")
    add_argon2_arguments(parser)
    args = parser.parse_args(argv)

    params = argon2_from(args)
    settings = Settings(argon2=params)
    document = seed_document(args.users)
    passwords = [user["password"] for user in document["users"]]
    hasher = PasswordHasher(params)

    with tempfile.TemporaryDirectory() as tmp:
        db = init_database(args.database or f"sqlite:///{Path(tmp) / 'bench.db'}")
        with db.connection_context():
            create_tables()
            clean()
            print(f"{args.users} users, argon2id m={params.memory_cost} t={params.time_cost} "
                  f"p={params.parallelism}, {args.workers} hashing thread(s), {type(db).__name__}")
            clock = Clock(db)
            ratios, cpu_ratios = [], []
            for round_no in range(1, args.rounds + 1):
                hashing, hashing_cpu = clock.measure(lambda: hash_all(hasher, passwords, args.workers))
                try:
                    seeding, seeding_cpu = clock.measure(lambda: seed_all(settings, document, args.workers))
                finally:
                    clean()
                ratios.append(hashing / seeding)
                cpu_ratios.append(hashing_cpu / seeding_cpu)
                print(f"round {round_no}: hashing {hashing:6.2f} s ({args.users / hashing:5.1f}/s, "
                      f"cpu {hashing_cpu:6.2f} s)   seeding {seeding:6.2f} s ({args.users / seeding:5.1f}/s, "
                      f"cpu {seeding_cpu:6.2f} s)   ratio {ratios[-1]:.3f}")
    median = statistics.median(ratios)
    verdict = "ok" if median >= args.min_ratio else "TOO SLOW"
    print(f"median ratio (seeding throughput / hashing throughput): {median:.3f}  "
          f"(target >= {args.min_ratio}): {verdict}")
    # Hashing keeps every core busy, so on an idle machine wall time follows CPU time; the CPU
    # ratio (our process, plus the PostgreSQL backend when local) is what machine load cannot blur.
    print(f"median CPU ratio (hashing CPU / seeding CPU, database backend included): "
          f"{statistics.median(cpu_ratios):.3f}")
    return 0 if median >= args.min_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
