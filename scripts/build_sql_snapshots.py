#!/usr/bin/env python3
"""Regenerate the per-dialect SQL snapshots from the models (no server needed).

Writes ``sql/<dialect>.sql`` at the top of the repository: the published
snapshots, the only checked-in copy (an installed package renders the same
bytes with ``nestauth sql``).

Usage::

    python scripts/build_sql_snapshots.py            # rewrite what changed
    python scripts/build_sql_snapshots.py --check    # exit 1 with a diff if any file is stale
    python scripts/build_sql_snapshots.py --output-dir /tmp/snap   # write elsewhere

The test suite runs the same comparison, so CI fails when a snapshot is stale.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's package, not an installed one

from nestauth_peewee.db import DIALECTS  # noqa: E402
from nestauth_peewee.schema.snapshot import SNAPSHOT_FILES, render_snapshot  # noqa: E402

TARGETS = (ROOT / "sql",)


def _diff(path: Path, old: str, new: str) -> str:
    return "".join(difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=f"{path} (checked in)", tofile=f"{path} (from the models)",
    ))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 on a stale file")
    parser.add_argument("--output-dir", type=Path, help="write one copy here instead")
    args = parser.parse_args(argv)

    targets = (args.output_dir,) if args.output_dir else TARGETS
    stale = 0
    for dialect in DIALECTS:
        text = render_snapshot(dialect)
        for directory in targets:
            path = directory / SNAPSHOT_FILES[dialect]
            old = path.read_text(encoding="utf-8") if path.exists() else ""
            if old == text:
                continue
            if args.check:
                stale += 1
                sys.stdout.write(_diff(path, old, text) or f"{path} is missing\n")
                continue
            directory.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))  # LF endings on every OS
            print(f"wrote {path}")
    if args.check and stale:
        print(f"{stale} snapshot file(s) are stale: run python scripts/build_sql_snapshots.py",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
