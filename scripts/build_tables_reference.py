"""Write docs/tables.md, the tables reference, from the models (so it cannot drift).

    python scripts/build_tables_reference.py          # rewrite docs/tables.md
    python scripts/build_tables_reference.py --check  # exit 1 if it is stale

The test suite runs the check, so CI fails when a model changes and the
reference is not regenerated.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import peewee

from nestauth_peewee import NestAuthModels
from nestauth_peewee.fields import NOW, TenantKeyField

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "tables.md"

_FAMILIES = {
    "UUID": "uuid",
    "VARCHAR": "varchar({max_length})",
    "TEXT": "text",
    "BOOL": "boolean",
    "INT": "integer",
    "DATETIME": "timestamp (UTC)",
    "JSON": "json",
}


def _type(field: peewee.Field) -> str:
    if isinstance(field, TenantKeyField):
        return "text, generated: `COALESCE(tenant_id, '')`"
    if isinstance(field, peewee.ForeignKeyField):
        return _type(field.rel_field)
    family = _FAMILIES.get(field.field_type, field.field_type.lower())
    return family.format(max_length=getattr(field, "max_length", ""))


def _default(field: peewee.Field) -> str:
    server = getattr(field, "server_default", None)
    if server is None:
        return ""
    if server is NOW:
        return "now (UTC)"
    if isinstance(server, bool):
        return "true" if server else "false"
    return f"`{server}`" if isinstance(server, str) else str(server)


def _notes(field: peewee.Field) -> str:
    notes = []
    if field.primary_key:
        notes.append("primary key")
    if getattr(field, "exact", False):
        notes.append("exact match (binary collation on MySQL)")
    if isinstance(field, peewee.ForeignKeyField):
        target = field.rel_model._meta.table_name
        notes.append(f"→ {target}({field.rel_field.column_name}) ON DELETE {field.on_delete}")
    return "; ".join(notes)


def _index_columns(index: peewee.Index) -> str:
    names = []
    for part in index._expressions:
        names.append(part.column_name if isinstance(part, peewee.Field) else str(part))
    return ", ".join(names)


def render() -> str:
    lines = [
        "# Tables reference",
        "",
        "Generated from the models by `scripts/build_tables_reference.py`; do not edit by hand.",
        "Types are the families of `docs/schema.md` (which says how each dialect spells them).",
        "",
    ]
    for model in NestAuthModels:
        meta = model._meta
        summary = (model.__doc__ or "").strip().splitlines()[0].removeprefix(meta.table_name + ":").strip()
        summary = summary[:1].upper() + summary[1:]
        lines += [f"## {meta.table_name}", "", summary, "",
                  "| column | type | null | default | notes |", "| --- | --- | --- | --- | --- |"]
        for field in meta.sorted_fields:
            null = "yes" if field.null else "no"
            lines.append(f"| {field.column_name} | {_type(field)} | {null} | {_default(field)} | {_notes(field)} |")
        if meta.composite_key:
            columns = ", ".join(meta.fields[name].column_name for name in meta.primary_key.field_names)
            lines += ["", f"Primary key: ({columns})."]
        indexes = [i for i in meta.fields_to_index() if isinstance(i, peewee.Index)]
        if indexes:
            lines += ["", "| index | columns | unique |", "| --- | --- | --- |"]
            for index in sorted(indexes, key=lambda i: i._name):
                lines.append(f"| {index._name} | {_index_columns(index)} | {'yes' if index._unique else 'no'} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/tables.md is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is stale: run python scripts/build_tables_reference.py",
                  file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
