#!/usr/bin/env python
"""Write the next nestauth-peewee migration from the models (maintainers only).

    python scripts/make_migration.py add_session_label   # -> nestauth_peewee/migrations/NNN_add_session_label.py
    python scripts/make_migration.py --check             # exit 1 when the models changed since the last one
    python scripts/make_migration.py --record-state      # after writing a migration by hand

Options: --directory DIR (default: the package's migrations), --models MODULE:ATTR
(a sequence of models; default: nestauth_peewee.NestAuthModels).
Writing a migration also rewrites schema_state.json beside it (the schema after the
newest migration, which the next one is diffed from). --check fails when that file is
missing, belongs to another migration or to an edited one, was edited itself, or differs
from the models. --record-state stores the models' state as the state after the newest
migration: only for a migration you wrote by hand (the parity tests then prove it).
Review the new file (every '-' line drops data), run the tests, commit both files.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nestauth_peewee import errors  # noqa: E402
from nestauth_peewee.schema.migration_writer import pending_changes, record_state, write_migration  # noqa: E402


def _load_models(spec: str | None):
    if spec is None:
        return None
    module_name, _, attr = spec.partition(":")
    return list(getattr(importlib.import_module(module_name), attr or "MODELS"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", nargs="?", help="what the migration does, e.g. add_session_label")
    parser.add_argument("--check", action="store_true", help="only report pending changes; exit 1 if any")
    parser.add_argument("--record-state", action="store_true",
                        help="record the models' schema as the state after the newest migration")
    parser.add_argument("--directory", default=None, help="the migrations directory")
    parser.add_argument("--models", default=None, metavar="MODULE:ATTR", help="the models to migrate to")
    args = parser.parse_args(argv)
    try:
        models = _load_models(args.models)
        if args.check:
            changes = pending_changes(models, args.directory)
            if changes:
                print("Migrations are behind the models; run scripts/make_migration.py NAME:")
                print("\n".join(f"  {line}" for line in changes))
                return 1
            print("No changes: the newest migration matches the models.")
            return 0
        if args.record_state:
            written = record_state(models, args.directory)
            print(f"Wrote {written}")
            return 0
        if not args.name:
            parser.error("give the migration a name (or pass --check)")
        path = write_migration(args.name, models, args.directory)
    except errors.NestAuthError as exc:
        print(f"make_migration: {exc}", file=sys.stderr)
        return 2
    if path is None:
        print("No changes: nothing written.")
        return 0
    print(f"Wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    print("Review it (every '-' line drops data), run the tests, and commit it with schema_state.json.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
