"""``python -m benchmarks``: the hot-path benchmark; ``login-timing`` / ``reset-timing``: failure timing."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from . import report
from .ops import OPERATIONS
from .run import Bench, Options, machine
from .targets import DIALECTS, make_targets


def _ints(text: str) -> list[int]:
    return [int(x.replace("_", "").replace("k", "000").replace("M", "000000")) for x in text.split(",") if x]


def _batch_sizes(text: str) -> list[int | None]:
    return [None if x == "default" else int(x) for x in text.split(",") if x]


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Hot paths of nestauth-peewee vs the bare driver and SQLAlchemy 2, per dialect.",
        epilog="`python -m benchmarks login-timing --help`: the failed-login timing comparison; "
           "`python -m benchmarks reset-timing --help`: the same for password resets; "
           "`python -m benchmarks report FILE.json`: the tables of a saved run; "
           "`python -m benchmarks drivers --help`: the hot-path SQL on each driver, text vs prepared; "
           "`python -m benchmarks http --help`: an authenticated GET through gunicorn and waitress; "
           "`python -m benchmarks create-session --help`: two statements vs one CTE; "
           "`python -m benchmarks audit --help`: the audit trail's cost on login and reads.",
    )
    p.add_argument("--dialects", default=",".join(DIALECTS),
                   help="comma-separated subset of sqlite,postgres,mysql (default: all three)")
    p.add_argument("--sizes", type=_ints, default=[10_000, 1_000_000],
                   help="user counts, seeded in turn into one database (default 10000,1000000; 10k, 1M work)")
    p.add_argument("--repetitions", type=int, default=5, help="interleaved repetitions per operation (5)")
    p.add_argument("--samples", type=int, default=400, help="calls per repetition, reads (400)")
    p.add_argument("--write-samples", type=int, default=150, help="calls per repetition, writes (150)")
    p.add_argument("--operations", default="", help="only these (comma-separated): "
                   + ",".join(op.name for op in OPERATIONS))
    p.add_argument("--no-sqlalchemy", action="store_true", help="skip the SQLAlchemy implementation")
    p.add_argument("--hash-count", type=int, default=32,
                   help="users created per seeding measurement with real argon2 (32; 0 skips)")
    p.add_argument("--hash-repetitions", type=int, default=5, help="interleaved seeding repetitions (5)")
    p.add_argument("--cleanup-rows", type=_ints, default=None,
                   help="expired sessions for the clean-up test (default 1000000, or 100000 when the "
                        "largest size is under 1M; 0 skips)")
    p.add_argument("--cleanup-batch-sizes", type=_batch_sizes, default=[None],
                   help="batch sizes to try, 'default' = the library's (default: default)")
    p.add_argument("--postgres-url", help="benchmark database (created and dropped); default "
                   "$NESTAUTH_BENCH_POSTGRES_URL or postgresql://postgres@127.0.0.1:5432/nestauth_bench")
    p.add_argument("--mysql-url", help="likewise; default $NESTAUTH_BENCH_MYSQL_URL or "
                   "mysql://root@127.0.0.1:3306/nestauth_bench")
    p.add_argument("--mysql-buffer-pool", type=int, metavar="MIB", default=None,
                   help="set MariaDB's innodb_buffer_pool_size to MIB for the run, then put it back "
                        "(default: leave the server as it is)")
    p.add_argument("--keep", action="store_true", help="keep the benchmark databases afterwards")
    p.add_argument("--output", default="benchmark-results.json", help="raw numbers (JSON)")
    p.add_argument("--quiet", action="store_true")
    return p.parse_args(argv)


#: ``python -m benchmarks NAME ...``: the module of each sub-benchmark (its own ``main(argv)``).
SUB_BENCHMARKS = {
    "login-timing": "login_timing",
    "reset-timing": "reset_timing",
    "create-session": "create_session",
    "http": "web",
    "drivers": "drivers",
    "audit": "audit_cost",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUB_BENCHMARKS:  # imported only when asked for (some need a WSGI server)
        module = importlib.import_module(f".{SUB_BENCHMARKS[argv[0]]}", __package__)
        sub_main: Callable[[list[str]], int] = module.main
        return sub_main(argv[1:])
    if argv and argv[0] == "report":
        return show_report(argv[1:])
    args = parse(argv)
    dialects = [d.strip() for d in args.dialects.split(",") if d.strip()]
    unknown = set(dialects) - set(DIALECTS)
    if unknown:
        raise SystemExit(f"unknown dialects: {', '.join(sorted(unknown))}")
    operations = [o.strip() for o in args.operations.split(",") if o.strip()]
    unknown_ops = set(operations) - {op.name for op in OPERATIONS}
    if unknown_ops:
        raise SystemExit(f"unknown operations: {', '.join(sorted(unknown_ops))} "
                         f"(choose from {', '.join(op.name for op in OPERATIONS)})")
    cleanup = args.cleanup_rows[0] if args.cleanup_rows else (
        1_000_000 if max(args.sizes) >= 1_000_000 else 100_000)
    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
    options = Options(
        sizes=args.sizes, samples=args.samples, write_samples=args.write_samples,
        repetitions=args.repetitions, sqlalchemy=not args.no_sqlalchemy, hash_count=args.hash_count,
        hash_repetitions=args.hash_repetitions,
        cleanup_rows=cleanup, cleanup_batch_sizes=args.cleanup_batch_sizes, keep=args.keep,
        operations=operations, mysql_buffer_pool_mib=args.mysql_buffer_pool, log=log,
    )
    results: dict[str, Any] = {"machine": machine(), "options": {
        k: v for k, v in vars(args).items() if k not in ("postgres_url", "mysql_url")}, "dialects": {}}
    results["options"]["cleanup_rows"] = cleanup
    started = time.perf_counter()
    results["load_before"] = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="nestauth-bench-") as tmp:
        for target in make_targets(dialects, tmp, args.postgres_url, args.mysql_url):
            log(f"{target.dialect}: {target.url}")
            results["dialects"][target.dialect] = Bench(target, options).run()
            _write(args.output, results)
    results["load_after"] = os.getloadavg()
    results["seconds"] = round(time.perf_counter() - started, 1)
    _write(args.output, results)
    print()
    _print_report(results, report.table, report.extras)
    print(f"\n{results['seconds']:.0f} s; load average {results['load_before'][0]:.2f} → "
          f"{results['load_after'][0]:.2f}; raw numbers in {args.output}")
    return 0


def show_report(argv: list[str]) -> int:
    """``python -m benchmarks report results.json``: the tables of a saved run."""
    p = argparse.ArgumentParser(prog="python -m benchmarks report",
                                description="Print the tables of a saved benchmark run.")
    p.add_argument("path", nargs="?", default="benchmark-results.json")
    args = p.parse_args(argv)
    with open(args.path) as fh:
        results = json.load(fh)
    _print_report(results, report.describe_machine, report.table, report.extras, report.plans, report.compact)
    return 0


def _print_report(results: dict[str, Any], *sections: Callable[[dict[str, Any]], str]) -> None:
    """The report's ``sections`` of ``results``, a blank line apart, then the targets missed."""
    print("\n\n".join(section(results) for section in sections))
    missed = report.misses(results)
    if missed:
        print("\nTargets missed:")
        for line in missed:
            print("  - " + line)


def _write(path: str, results: dict[str, Any]) -> None:
    with open(path, "w") as fh:
        json.dump(results, fh, indent=1, default=str)


if __name__ == "__main__":
    sys.exit(main())
