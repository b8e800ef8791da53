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

from collections.abc import Mapping

from nestauth_peewee.schema.catalog import Column, Table

__all__ = ["catalog_diff", "assert_same_catalog"]


def _column_text(c: Column | None) -> str:
    if c is None:
        return "-"
    parts = [c.type, "NULL" if c.nullable else "NOT NULL"]
    if c.generated:
        parts.append(f"GENERATED AS {c.default}")
    elif c.default is not None:
        parts.append(f"DEFAULT {c.default}")
    return " ".join(parts)


def _table_diff(name: str, a: Table, b: Table, la: str, lb: str, column_order: bool) -> list[str]:
    out = []
    for col in sorted(set(a.columns) | set(b.columns)):
        ca, cb = a.columns.get(col), b.columns.get(col)
        if ca is None:
            out.append(f"{name}.{col}: column only in {lb} ({_column_text(cb)})")
        elif cb is None:
            out.append(f"{name}.{col}: column only in {la} ({_column_text(ca)})")
        elif ca != cb:
            out.append(f"{name}.{col}: {la} has {_column_text(ca)}; {lb} has {_column_text(cb)}")
    if column_order and list(a.columns) != list(b.columns) and set(a.columns) == set(b.columns):
        out.append(f"{name}: column order differs: {la} {list(a.columns)}; {lb} {list(b.columns)}")
    for idx in sorted(set(a.indexes) | set(b.indexes)):
        ia, ib = a.indexes.get(idx), b.indexes.get(idx)
        if ia is None:
            out.append(f"{name}: index {idx} only in {lb} {ib}")
        elif ib is None:
            out.append(f"{name}: index {idx} only in {la} {ia}")
        elif ia != ib:
            out.append(f"{name}: index {idx}: {la} has {ia}; {lb} has {ib}")
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
    out = []
    for name in sorted(set(a) | set(b)):
        if name not in a:
            out.append(f"{name}: table only in {lb}")
        elif name not in b:
            out.append(f"{name}: table only in {la}")
        else:
            out.extend(_table_diff(name, a[name], b[name], la, lb, column_order))
    return out


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
