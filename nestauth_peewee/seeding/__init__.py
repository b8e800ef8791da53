"""Seeding: declare permissions, tenants, roles, users and admins in a file; apply it idempotently.

    from nestauth_peewee import init_database, create_tables
    from nestauth_peewee.seeding import seed

    init_database("sqlite:///dev.db")
    create_tables()
    report = seed(EXAMPLE_SEED)               # or your own .toml / .json file with the same structure
    print(report.summary())                   # ['permissions: 3 created, 0 updated, 0 unchanged', ...]
    assert seed(EXAMPLE_SEED).changes == 0    # a second run changes nothing

:data:`EXAMPLE_SEED` is the development seed of the example apps, shipped
with the package (``nestauth seed --example``; ``nestauth seed --show-example``
prints it as a starting point for your own file).

Everything goes through the services, so passwords are hashed with
argon2id, emails normalised and events sent. The file is checked completely
before anything is written (:func:`load_seed` raises
:class:`~nestauth_peewee.errors.InvalidSeedFile` naming the entry); then each
entry is applied in its own transaction, in file order, and the first one the
database refuses stops the run with :class:`~nestauth_peewee.errors.SeedEntryFailed`
(entries before it stay applied, nothing of it is). Passwords of accounts
that do not exist yet are hashed on a thread pool while earlier entries are
written. The file format is described in ``docs/seeding.md``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ..config import Settings
from ._apply import Outcome, Seeder, SeedReport
from ._plan import SECTIONS, Entry, SeedPlan, load_seed, parse_seed

__all__ = ["EXAMPLE_SEED", "seed", "load_seed", "parse_seed", "Seeder", "SeedPlan", "SeedReport", "Entry", "Outcome",
           "SECTIONS"]

#: The example apps' development seed (permissions, two tenants, three roles, three users, an admin).
EXAMPLE_SEED = Path(__file__).resolve().parent / "example_seed.toml"


def seed(path: str | os.PathLike[str], settings: Settings | None = None, *,
         environ: Mapping[str, str] | None = None, workers: int | None = None) -> SeedReport:
    """Load, check and apply a seed file on the bound database; returns what changed."""
    settings = settings or Settings.from_env()
    plan = load_seed(path, settings, environ=environ)
    return Seeder(settings, workers=workers).apply(plan)
