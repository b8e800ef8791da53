"""Compare two catalogs read by ``nestauth_peewee.schema.catalog.read_catalog``.

Shared by every test that proves two ways of building the schema agree
(``create_tables`` vs the SQL snapshot, vs the migrations)::

    from catalog_helpers import assert_same_catalog
    assert_same_catalog(read_catalog(db_a), read_catalog(db_b), labels=("create_tables", "snapshot"))

The comparison is exact (same dialect on both sides): tables, columns (type,
nullability, default, generated), indexes (name, columns, uniqueness),
foreign keys (column, target, delete rule) and primary keys. On failure the
message lists every difference, one per line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from nestauth_peewee.schema.catalog import Column, Table

__all__ = ["catalog_diff", "assert_same_catalog"]

V = TypeVar("V")


def _column_text(c: Column | None) -> str:
    if c is None:
        return "-"
    parts = [c.type, "NULL" if c.nullable else "NOT NULL"]
    if c.generated:
        parts.append(f"GENERATED AS {c.default}")
    elif c.default is not None:
        parts.append(f"DEFAULT {c.default}")
    return " ".join(parts)


def _keyed_diff(a: Mapping[str, V], b: Mapping[str, V], la: str, lb: str,
                only: Callable[[str, str, V], str], differ: Callable[[str, V, V], list[str]]) -> list[str]:
    """By sorted key: ``only(key, side, value)`` for a key on one side, ``differ`` for a key on both."""
    out: list[str] = []
    for key in sorted(set(a) | set(b)):
        if key not in a:
            out.append(only(key, lb, b[key]))
        elif key not in b:
            out.append(only(key, la, a[key]))
        else:
            out.extend(differ(key, a[key], b[key]))
    return out


def _table_diff(name: str, a: Table, b: Table, la: str, lb: str, column_order: bool) -> list[str]:
    out = _keyed_diff(
        a.columns, b.columns, la, lb,
        lambda col, side, c: f"{name}.{col}: column only in {side} ({_column_text(c)})",
        lambda col, ca, cb: [f"{name}.{col}: {la} has {_column_text(ca)}; {lb} has {_column_text(cb)}"]
        if ca != cb else [])
    if column_order and list(a.columns) != list(b.columns) and set(a.columns) == set(b.columns):
        out.append(f"{name}: column order differs: {la} {list(a.columns)}; {lb} {list(b.columns)}")
    out += _keyed_diff(
        a.indexes, b.indexes, la, lb,
        lambda idx, side, i: f"{name}: index {idx} only in {side} {i}",
        lambda idx, ia, ib: [f"{name}: index {idx}: {la} has {ia}; {lb} has {ib}"] if ia != ib else [])
    for fk in sorted(a.foreign_keys - b.foreign_keys, key=repr):
        out.append(f"{name}: foreign key only in {la}: {fk}")
    for fk in sorted(b.foreign_keys - a.foreign_keys, key=repr):
        out.append(f"{name}: foreign key only in {lb}: {fk}")
    if a.primary_key != b.primary_key:
        out.append(f"{name}: primary key {la} {a.primary_key}; {lb} {b.primary_key}")
    return out


def catalog_diff(a: Mapping[str, Table], b: Mapping[str, Table],
                 labels: tuple[str, str] = ("a", "b"), *, column_order: bool = False) -> list[str]:
    """Every difference between two catalogs, one readable line each ([] when equal).

    Column order is compared only with ``column_order=True`` (a migration that adds
    a column puts it last, which is not drift)."""
    la, lb = labels
    return _keyed_diff(a, b, la, lb, lambda name, side, _: f"{name}: table only in {side}",
                       lambda name, ta, tb: _table_diff(name, ta, tb, la, lb, column_order))


def assert_same_catalog(a: Mapping[str, Table], b: Mapping[str, Table],
                        labels: tuple[str, str] = ("a", "b"), *, column_order: bool = False) -> None:
    """Fail with the list of differences unless the two catalogs are identical."""
    diff = catalog_diff(a, b, labels, column_order=column_order)
    if diff:
        raise AssertionError(
            f"catalogs differ ({labels[0]} vs {labels[1]}), {len(diff)} difference(s):\n  "
            + "\n  ".join(diff)
        )
    assert len(a) > 0, "both catalogs are empty: nothing was compared"
