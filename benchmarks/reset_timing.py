"""Does a refused password reset take as long for an unknown account as for a known one?

PasswordResetService.check() and reset() check the code before anything else
(a dummy check for an unknown or deactivated account) and hash nothing before
the code matched, and request() does the same database work for a missing
account. This script measures, interleaved (so drift in machine load hits all
alike), with the real default argon2 parameters:

* ``check``/``reset`` with a wrong code: unknown email, deactivated account,
  known account with a live code (each wrong guess spends one of its attempts,
  so the code is re-issued before it runs out, untimed);
* ``request``: unknown email vs known account (no delivery listener: delivery
  is the app's). Shown, not judged: the known account's extra INSERT of the
  code shows through on a loaded machine;
* ``background``: ``request_in_background``, the documented path for a reset
  form, which returns before any database work, whoever the account is.

::

    python -m benchmarks reset-timing                        # SQLite in a temp dir
    python -m benchmarks reset-timing --database postgresql://postgres@127.0.0.1/bench

Exit status 1 when a median of check, reset or background differs from the
known account's by more than --tolerance (default 10%). The database named by --database gets the nest-auth
tables (created if missing) and two users, bench-reset-*@example.com, deleted
at the end.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

from nestauth_peewee import Settings, User, create_tables, errors, init_database
from nestauth_peewee.config import ThrottlePolicy
from nestauth_peewee.models import LoginThrottle
from nestauth_peewee.services.password_reset import PasswordResetService
from nestauth_peewee.services.users import UserService

from .data import BENCH_KEY
from .measure import argon2_from, percentile_ms, timing_parser

KNOWN, INACTIVE, UNKNOWN = ("bench-reset-known@example.com", "bench-reset-inactive@example.com",
                            "bench-reset-nobody@example.com")

NEW_PASSWORD = "a perfectly acceptable new passphrase"


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    with contextlib.suppress(errors.VerificationCodeInvalid):
        call()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = timing_parser("reset-timing", __doc__.splitlines()[0], samples=300,
                           samples_help="calls of each kind", tolerance=0.1)
    args = parser.parse_args(argv)

    params = argon2_from(args)
    # Throttling on (its counter is part of the work measured), with thresholds the run never meets.
    never = ThrottlePolicy(free_failures=10**9, lock_after=10**9)
    settings = Settings(secret_key=BENCH_KEY, argon2=params, code_throttle=never, login_throttle=never)
    results: dict[str, dict[str, list[float]]] = {op: {who: [] for who in ("unknown", "inactive", "known")}
                                                  for op in ("check", "reset", "request", "background")}
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/reset_timing.db"
        db = init_database(url)
        create_tables()
        users = UserService(settings)
        resets = PasswordResetService(settings, users=users)
        User.delete().where(User.email.in_([KNOWN, INACTIVE])).execute()
        users.register(email=KNOWN, password="the benchmark user's password")
        users.deactivate(users.register(email=INACTIVE, password="the benchmark user's password").id)
        emails = {"unknown": UNKNOWN, "inactive": INACTIVE, "known": KNOWN}
        try:
            live = resets.request(email=KNOWN)
            assert live is not None
            left = settings.otp_max_attempts
            wrong = f"{(int(live.code) + 1) % 10**6:06d}"
            for i in range(args.samples + 1):  # the first round warms up, untimed
                order = ["unknown", "inactive", "known"]
                order = order[i % 3:] + order[:i % 3]
                for op in ("check", "reset"):
                    for who in order:
                        if who == "known" and left == 0:
                            live = resets.request(email=KNOWN)  # untimed: a fresh code with fresh attempts
                            assert live is not None
                            left = settings.otp_max_attempts
                            wrong = f"{(int(live.code) + 1) % 10**6:06d}"
                        email = emails[who]
                        if op == "check":
                            took = _timed(lambda e=email, c=wrong: resets.check(email=e, code=c))
                        else:
                            took = _timed(lambda e=email, c=wrong: resets.reset(
                                email=e, code=c, new_password=NEW_PASSWORD))
                        left -= who == "known"
                        if i:
                            results[op][who].append(took)
                for who in order:
                    took = _timed(lambda e=emails[who]: resets.request(email=e))
                    if i:
                        results["request"][who].append(took)
                    start = time.perf_counter()
                    future = resets.request_in_background(email=emails[who])
                    took = time.perf_counter() - start
                    future.result()  # untimed: the worker's own time is not the caller's
                    if i:
                        results["background"][who].append(took)
                    if who == "known":
                        live = resets.request(email=KNOWN)  # the timed request killed the live code
                        assert live is not None
                        left = settings.otp_max_attempts
                        wrong = f"{(int(live.code) + 1) % 10**6:06d}"
        finally:
            User.delete().where(User.email.in_([KNOWN, INACTIVE])).execute()
            LoginThrottle.delete().execute()
            db.close()

    print(f"database            {url.split('://')[0]}")
    print(f"argon2id            m={params.memory_cost} KiB, t={params.time_cost}, p={params.parallelism}")
    print(f"samples             {args.samples} of each, interleaved")
    worst = 0.0
    judged = ("check", "reset", "background")
    for op, by_who in results.items():
        known = statistics.median(by_who["known"])
        for who, values in by_who.items():
            med = statistics.median(values)
            gap = abs(med - known) / known
            if op in judged:
                worst = max(worst, gap)
            print(f"{op:10} {who:9} median {med * 1000:8.3f} ms  (p10 {percentile_ms(values, 10, 3)} / "
                  f"p90 {percentile_ms(values, 90, 3)})  gap {gap:6.1%}" + ("" if op in judged else "  (not judged)"))
    print(f"largest judged gap  {worst:.1%} (tolerance {args.tolerance:.0%})")
    return 0 if worst <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
