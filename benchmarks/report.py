"""The table of ratios, and the checks against the issue's targets."""

from __future__ import annotations

from typing import Any

from .ops import OPERATIONS

LABELS = {op.name: op.label for op in OPERATIONS}
DIALECT_NAMES = {"postgres": "PostgreSQL", "mysql": "MariaDB", "sqlite": "SQLite"}
DRIVER_LIMIT = {"postgres": 1.3, "mysql": 1.3, "sqlite": 2.0}
#: PostgreSQL reads against the same SQL prepared server-side on the same connection.
PREPARED_LIMIT = 1.2
#: Effective permissions against the round trip of ``SELECT 1`` (PostgreSQL).
FLOOR_LIMIT = {"effective_permissions": 2.5}
SQLALCHEMY_LIMIT = 0.7
SCALING_LIMIT = 1.2
SEEDING_LIMIT = 0.9
BATCH_LIMIT_S = 1.0
READS = ("authenticate", "verify_key", "effective_permissions", "get_user_by_email")
#: Operations with no database side: no statement, and no SQLAlchemy target (its column is the
#: same PyJWT call the driver column makes).
NO_QUERY = ("check_access_token",)
#: Statements per call by design: every read is one; creating a session is the INSERT under the
#: user's row lock and the eviction DELETE (docs/performance.md: one CTE cannot keep the limit),
#: plus its audit row; revoking all is the DELETE plus its audit row (Settings.audit is on).
STATEMENTS = {"create_session": 3, "revoke_all": 2}


def _p50(op: dict[str, Any], impl: str) -> float | None:
    t = op["timings"].get(impl)
    return t["p50_us"] if t else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def _fmt(value: float | None, spec: str = ".2f") -> str:
    return "–" if value is None else format(value, spec)


def rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per (dialect, operation), at the largest size, with the scaling ratio."""
    out = []
    for dialect, res in results["dialects"].items():
        sizes = sorted(res["sizes"], key=int)
        if not sizes:
            continue
        small, large = res["sizes"][sizes[0]], res["sizes"][sizes[-1]]
        for name, op in large["ops"].items():
            lib = _p50(op, "library")
            stmts = op["statements"]["library"]
            plans = op.get("explain", [])
            scaling = driver_scaling = None
            if len(sizes) > 1 and name in small["ops"]:
                scaling = _ratio(lib, _p50(small["ops"][name], "library"))
                driver_scaling = _ratio(_p50(op, "driver"), _p50(small["ops"][name], "driver"))
            out.append({
                "dialect": dialect, "op": name, "size": int(sizes[-1]),
                "library_p50": lib, "library_p95": op["timings"]["library"]["p95_us"],
                "library_ops": op["timings"]["library"]["ops_per_s"],
                "driver_p50": _p50(op, "driver"), "sqlalchemy_p50": _p50(op, "sqlalchemy"),
                "vs_driver": _ratio(lib, _p50(op, "driver")),
                "driver_prepared_p50": _p50(op, "driver_prepared"), "floor_p50": _p50(op, "select_1"),
                "vs_prepared": _ratio(lib, _p50(op, "driver_prepared")),
                "vs_floor": _ratio(lib, _p50(op, "select_1")),
                "vs_sqlalchemy": _ratio(lib, _p50(op, "sqlalchemy")),
                "scaling": scaling, "driver_scaling": driver_scaling,
                "disk_reads": op.get("disk_reads"),
                "statements": stmts["statements"], "round_trips": stmts["round_trips"],
                "sa_round_trips": op["statements"].get("sqlalchemy", {}).get("round_trips"),
                "indexed": all(p.get("ok") for p in plans) if plans else None,
                "indexes": sorted({i for p in plans for i in p.get("indexes", [])}),
            })
    return out


def table(results: dict[str, Any]) -> str:
    """A Markdown table of the largest size (and p50 at the largest / p50 at the smallest size)."""
    lines = [
        "| dialect | operation | library p50 / p95 µs | ops/s | × driver | × driver, prepared | × SELECT 1 | "
        "× SQLAlchemy | p50 large/small | statements (round trips; SQLAlchemy's) | index |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows(results):
        d = r["dialect"]
        driver_ok = r["vs_driver"] is not None and r["vs_driver"] <= DRIVER_LIMIT[d]
        prepared_ok = r["vs_prepared"] is None or r["op"] not in READS or r["vs_prepared"] <= PREPARED_LIMIT
        floor_ok = r["vs_floor"] is None or r["vs_floor"] <= FLOOR_LIMIT.get(r["op"], float("inf"))
        sa_ok = r["vs_sqlalchemy"] is not None and r["vs_sqlalchemy"] <= SQLALCHEMY_LIMIT
        scale_ok = r["scaling"] is None or r["scaling"] <= SCALING_LIMIT
        lines.append(
            f"| {DIALECT_NAMES[d]} | {LABELS[r['op']]} | {_fmt(r['library_p50'], '.0f')} / "
            f"{_fmt(r['library_p95'], '.0f')} | {_fmt(r['library_ops'], ',.0f')} | "
            f"{_fmt(r['vs_driver'])}{'' if driver_ok else ' ✗'} | "
            f"{_fmt(r['vs_prepared'])}{'' if prepared_ok else ' ✗'} | "
            f"{_fmt(r['vs_floor'])}{'' if floor_ok or d != 'postgres' else ' ✗'} | "
            f"{_fmt(r['vs_sqlalchemy'])}{'' if sa_ok else ' ✗'} | "
            f"{_fmt(r['scaling'])}{'' if scale_ok else ' ✗'} | {r['statements']} ({r['round_trips']}; "
            f"{r['sa_round_trips'] if r['sa_round_trips'] is not None else '–'}) | "
            f"{'yes' if r['indexed'] else ('no ✗' if r['indexed'] is False else '–')} |"
        )
    return "\n".join(lines)


def extras(results: dict[str, Any]) -> str:
    lines = []
    for dialect, res in results["dialects"].items():
        name = DIALECT_NAMES[dialect]
        s = res.get("seeding")
        if s:
            mark = "" if s["ratio"] >= SEEDING_LIMIT else " ✗"
            lines.append(
                f"- {name} seeding, argon2id m={s['params']['memory_cost']} t={s['params']['time_cost']} "
                f"p={s['params']['parallelism']}: {s['seed_per_s']:.1f} users/s on {s['threads']} threads vs "
                f"{s['hash_only_per_s']:.1f} hashes/s hashing alone = {s['ratio']:.2f}×{mark} "
                f"(one thread: {s['seed_serial_per_s']:.1f} users/s)")
        reads = {r["op"]: r["disk_reads"] for r in rows({"dialects": {dialect: res}}) if r["disk_reads"] is not None}
        if reads:
            lines.append(f"- {name} pages read from disk during the timed calls at the largest size: "
                         + ", ".join(f"{LABELS[op]} {n:,}" for op, n in reads.items()))
        for c in res.get("cleanup", []):
            mark = "" if c["longest_batch_s"] is not None and c["longest_batch_s"] <= BATCH_LIMIT_S else " ✗"
            lines.append(
                f"- {name} clean-up of {c['rows']:,} expired sessions (batch size {c['batch_size']}): "
                f"{c['seconds']:.1f} s in {c['batches']} batches, longest {c['longest_batch_s']:.3f} s{mark}, "
                f"median {c['p50_batch_ms']:.0f} ms")
    return "\n".join(lines)


def misses(results: dict[str, Any]) -> list[str]:
    found = []
    for r in rows(results):
        where = f"{DIALECT_NAMES[r['dialect']]} {LABELS[r['op']]}"
        if r["vs_driver"] is not None and r["vs_driver"] > DRIVER_LIMIT[r["dialect"]]:
            found.append(f"{where}: {r['vs_driver']:.2f}× the bare driver (target {DRIVER_LIMIT[r['dialect']]}×)")
        if r["vs_prepared"] is not None and r["op"] in READS and r["vs_prepared"] > PREPARED_LIMIT:
            found.append(f"{where}: {r['vs_prepared']:.2f}× the prepared driver (target {PREPARED_LIMIT}×)")
        limit = FLOOR_LIMIT.get(r["op"])
        if r["dialect"] == "postgres" and limit and r["vs_floor"] is not None and r["vs_floor"] > limit:
            found.append(f"{where}: {r['vs_floor']:.2f}× SELECT 1 (target {limit}×)")
        if r["op"] not in NO_QUERY and r["vs_sqlalchemy"] is not None and r["vs_sqlalchemy"] > SQLALCHEMY_LIMIT:
            found.append(f"{where}: {r['vs_sqlalchemy']:.2f}× SQLAlchemy (target {SQLALCHEMY_LIMIT}×)")
        if r["scaling"] is not None and r["scaling"] > SCALING_LIMIT:
            driver = f"; the bare driver's grows {r['driver_scaling']:.2f}×" if r["driver_scaling"] else ""
            found.append(f"{where}: p50 grows {r['scaling']:.2f}× from the smallest size "
                         f"(target {SCALING_LIMIT}×{driver})")
        wanted = 0 if r["op"] in NO_QUERY else STATEMENTS.get(r["op"], 1)
        if r["statements"] != wanted:
            found.append(f"{where}: {r['statements']} statements (target {wanted})")
        if r["indexed"] is False:
            found.append(f"{where}: reads a per-user table in full")
    for dialect, res in results["dialects"].items():
        name = DIALECT_NAMES[dialect]
        seeding = res.get("seeding")
        if seeding and seeding["ratio"] < SEEDING_LIMIT:
            found.append(f"{name} seeding: {seeding['ratio']:.2f}× the parallel hash throughput "
                         f"(target {SEEDING_LIMIT}×)")
        for c in res.get("cleanup", []):
            if c["longest_batch_s"] is None or c["longest_batch_s"] > BATCH_LIMIT_S:
                found.append(f"{name} clean-up: longest batch {c['longest_batch_s']} s (target {BATCH_LIMIT_S} s)")
    return found


def plans(results: dict[str, Any]) -> str:
    """Per operation and dialect: the indexes each of the library's statements uses (largest size)."""
    lines = ["| operation | " + " | ".join(DIALECT_NAMES[d] for d in results["dialects"]) + " |",
             "| --- |" + " --- |" * len(results["dialects"])]
    names: list[str] = []
    for res in results["dialects"].values():
        sizes = sorted(res["sizes"], key=int)
        for name in (res["sizes"][sizes[-1]]["ops"] if sizes else {}):
            if name not in names:
                names.append(name)
    for name in names:
        cells = []
        for res in results["dialects"].values():
            sizes = sorted(res["sizes"], key=int)
            op = res["sizes"][sizes[-1]]["ops"].get(name) if sizes else None
            if not op:
                cells.append("–")
                continue
            parts = []
            for p in op.get("explain", []):
                verb = p["sql"].split()[0].upper()
                used = ", ".join(i.replace("sqlite_autoindex_", "autoindex ") for i in p["indexes"]) or "none"
                tables = [t for t in p["full_scans"] if t.startswith("nest_auth_")]
                full = f"; reads {', '.join(tables)} in full" if tables else ""
                parts.append(f"{verb}: {used}{full}")
            cells.append("<br>".join(parts) or "–")
        lines.append(f"| {LABELS[name]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def describe_machine(results: dict[str, Any]) -> str:
    m = results["machine"]
    servers = ", ".join(_server(d, r) for d, r in results["dialects"].items())
    load = results.get("load_before", [0])[0], results.get("load_after", [0])[0]
    return (f"{m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; Python {m['python']}, peewee {m['peewee']}, "
            f"SQLAlchemy {m.get('sqlalchemy', '–')}; servers (local): {servers}. "
            f"Load average at start/end {load[0]:.1f}/{load[1]:.1f}.")


def _server(dialect: str, result: dict[str, Any]) -> str:
    name = result.get("server") or DIALECT_NAMES[dialect]
    settings = result.get("server_settings") or {}
    if "innodb_buffer_pool_mib" in settings:
        return f"{name} (buffer pool {settings['innodb_buffer_pool_mib']} MiB, {settings['innodb_flush_method']})"
    if "shared_buffers" in settings:
        return f"{name} (shared_buffers {settings['shared_buffers']})"
    return name


def compact(results: dict[str, Any]) -> str:
    """Operations × dialects: library p50 at the largest size, × driver, × SQLAlchemy, × smallest size."""
    by_op: dict[str, dict[str, dict[str, Any]]] = {}
    for r in rows(results):
        by_op.setdefault(r["op"], {})[r["dialect"]] = r
    dialects = list(results["dialects"])
    lines = ["| p50 µs (× driver, × prepared driver, × SQLAlchemy, × p50 at 10k) | "
             + " | ".join(DIALECT_NAMES[d] for d in dialects) + " |",
             "| --- |" + " --- |" * len(dialects)]
    for op, per in by_op.items():
        cells = []
        for d in dialects:
            r = per.get(d)
            cells.append("–" if r is None else
                         f"{_fmt(r['library_p50'], ',.0f')} ({_fmt(r['vs_driver'])}, {_fmt(r['vs_prepared'])}, "
                         f"{_fmt(r['vs_sqlalchemy'])}, {_fmt(r['scaling'])})")
        lines.append(f"| {LABELS[op]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
