"""Helpers for the migration tests: catalog comparison, model copies, CLI runs."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import peewee

from nestauth_peewee import NestAuthModels
from nestauth_peewee.models import AuthModel
from nestauth_peewee.schema.catalog import Table, read_catalog

ROOT = Path(__file__).resolve().parent.parent
LIBRARY_TABLES = frozenset(m._meta.table_name for m in NestAuthModels)


def library_catalog(db: peewee.Database, tables: Iterable[str] = LIBRARY_TABLES) -> dict[str, Table]:
    """The catalog of the nest-auth tables (the history table and app tables left out)."""
    return read_catalog(db, set(tables))


def clone_model(model: type[peewee.Model], *, extra_fields: dict[str, peewee.Field] | None = None,
                extra_indexes: Sequence[tuple[str, Sequence[str], bool]] = (),
                drop_fields: Sequence[str] = ()) -> type[peewee.Model]:
    """A copy of ``model`` (same table) with fields added, replaced or dropped, and more named indexes.

    Built from scratch rather than by subclassing, so the original model (and
    the backrefs of the models it references) is left untouched.
    """
    attrs: dict[str, object] = {}
    for fld in model._meta.sorted_fields:
        if fld.name in drop_fields:
            continue
        if isinstance(fld, peewee.ForeignKeyField):
            attrs[fld.name] = peewee.ForeignKeyField(
                fld.rel_model, field=fld.rel_field, column_name=fld.column_name, null=fld.null,
                on_delete=fld.on_delete, index=fld.index, unique=fld.unique, backref="+")
        else:
            attrs[fld.name] = copy.deepcopy(fld)
    attrs.update(extra_fields or {})
    meta: dict[str, object] = {"table_name": model._meta.table_name}
    if isinstance(model._meta.primary_key, peewee.CompositeKey):
        meta["primary_key"] = peewee.CompositeKey(*model._meta.primary_key.field_names)
    attrs["Meta"] = type("Meta", (), meta)
    clone = type(f"{model.__name__}Copy", (AuthModel,), attrs)
    for index in model._meta.indexes:
        if isinstance(index, peewee.ModelIndex) and not {f.name for f in index._expressions} & set(drop_fields):
            fields = [clone._meta.fields[f.name] for f in index._expressions]
            clone.add_index(peewee.ModelIndex(clone, fields, unique=index._unique, name=index._name))
    for name, columns, unique in extra_indexes:
        fields = [clone._meta.fields[c] for c in columns]
        clone.add_index(peewee.ModelIndex(clone, fields, unique=unique, name=name))
    return clone


def replace_models(replacements: dict[type[peewee.Model], type[peewee.Model]]) -> list[type[peewee.Model]]:
    """NestAuthModels with some models swapped for their copies."""
    return [replacements.get(m, m) for m in NestAuthModels]


def run(args: Sequence[str], *, cwd: Path = ROOT, check: bool = True,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command with this worktree's package first on the path."""
    env = dict(os.environ, **(env or {}))
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    result = subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def pw_migrate(*args: str, cwd: Path = ROOT, check: bool = True) -> subprocess.CompletedProcess[str]:
    """peewee-migrate's own command line (``pw_migrate``), as a user runs it.

    A URL parameter only nest-auth understands (``prepare=false``, set when the tests
    run behind pgbouncer) is taken off: pw_migrate hands every parameter to the driver.
    """
    args = tuple(without_library_options(a) if "://" in a else a for a in args)
    return run([sys.executable, "-m", "peewee_migrate", *args], cwd=cwd, check=check)


def without_library_options(url: str) -> str:
    from urllib.parse import parse_qsl, urlencode

    base, _, query = url.partition("?")
    kept = [(k, v) for k, v in parse_qsl(query) if k != "prepare"]
    return base + ("?" + urlencode(kept) if kept else "")
