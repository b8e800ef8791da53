"""Does a failed login take as long for an unknown email as for a wrong password?

UserService.authenticate() runs one argon2id verification against a dummy
hash when the email is unknown, so the two failures should cost the same.
This script measures both, interleaved (so drift in machine load hits both
alike), with the real default parameters, and reports the medians::

    python -m benchmarks login-timing                        # SQLite in a temp dir
    python -m benchmarks login-timing --database postgresql://postgres@127.0.0.1/bench --samples 100

Exit status 1 when the medians differ by more than --tolerance (default 20%).
The database named by --database gets the nest-auth tables (created if
missing) and one user, bench-login@example.com, which is deleted at the end.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time

from nestauth_peewee import (
    Settings,
    User,
    UserService,
    create_tables,
    errors,
    init_database,
)

from .measure import argon2_from, percentile_ms, timing_parser

EMAIL = "bench-login@example.com"
PASSWORD = "the real password of the benchmark user"


def _failed_login(users: UserService, email: str, password: str) -> float:
    start = time.perf_counter()
    try:
        users.authenticate(email=email, password=password)
    except errors.InvalidCredentials:
        return time.perf_counter() - start
    raise SystemExit(f"login for {email} unexpectedly succeeded")


def main(argv: list[str] | None = None) -> int:
    parser = timing_parser("login-timing", __doc__.splitlines()[0], samples=60,
                           samples_help="failed logins of each kind", tolerance=0.2)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/login_timing.db"
        db = init_database(url)
        create_tables()
        params = argon2_from(args)
        users = UserService(Settings(argon2=params))
        User.delete().where(User.email == EMAIL).execute()
        users.register(email=EMAIL, password=PASSWORD)
        try:
            # Warm-up: builds the dummy hash and the query paths once.
            _failed_login(users, "nobody-warmup@example.com", PASSWORD)
            _failed_login(users, EMAIL, "warm-up wrong password")
            unknown: list[float] = []
            wrong: list[float] = []
            for i in range(args.samples):
                pair = [
                    (unknown, f"nobody-{i}@example.com", PASSWORD),
                    (wrong, EMAIL, f"wrong password {i}"),
                ]
                if i % 2:
                    pair.reverse()
                for bucket, email, password in pair:
                    bucket.append(_failed_login(users, email, password))
        finally:
            User.delete().where(User.email == EMAIL).execute()
            db.close()

    med_unknown = statistics.median(unknown)
    med_wrong = statistics.median(wrong)
    gap = abs(med_unknown - med_wrong) / med_wrong
    print(f"database            {url.split('://')[0]}")
    print(f"argon2id            m={params.memory_cost} KiB, t={params.time_cost}, p={params.parallelism}")
    print(f"samples             {args.samples} of each, interleaved")
    print(f"unknown email       median {med_unknown * 1000:8.2f} ms  (p10 {percentile_ms(unknown, 10)} / p90 {percentile_ms(unknown, 90)})")
    print(f"wrong password      median {med_wrong * 1000:8.2f} ms  (p10 {percentile_ms(wrong, 10)} / p90 {percentile_ms(wrong, 90)})")
    print(f"relative gap        {gap:.1%} (tolerance {args.tolerance:.0%})")
    return 0 if gap <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
