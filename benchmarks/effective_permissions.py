"""How long one permission check takes, and what the one-query design saves.

    python benchmarks/effective_permissions.py sqlite:///bench.db
    python benchmarks/effective_permissions.py postgresql://postgres@127.0.0.1:5432/bench

The target database is emptied (drop_tables) and filled with 200 tenants, 2,000
users with 3 memberships each (3 tenant roles of 10 permissions each), 500
registered permissions and 20 staff users. Then, for random (user, tenant)
pairs, it measures p50/p95 of:

* ``AuthorizationService.effective_permissions`` (SQL built once per dialect);
* the same query built by peewee's query builder on every call;
* the naive ORM walk (membership, then roles, then each role's permissions).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
import uuid

from nestauth_peewee import (
    AuthorizationService,
    Permission,
    PlatformAccess,
    PlatformAccessRole,
    Role,
    RolePermission,
    Tenant,
    User,
    UserAccess,
    UserAccessRole,
    create_tables,
    drop_tables,
    init_database,
)

TENANTS, USERS, PERMISSIONS, SAMPLES = 200, 2000, 500, 2000


def fill() -> list[tuple[uuid.UUID, uuid.UUID]]:
    rnd = random.Random(7)
    perms = [{"id": uuid.uuid4(), "name": f"perm.{i:04d}", "guard": "web"} for i in range(PERMISSIONS)]
    Permission.insert_many(perms).execute()
    tenants = [{"id": uuid.uuid4(), "name": f"T{i}", "slug": f"t{i}"} for i in range(TENANTS)]
    Tenant.insert_many(tenants).execute()
    roles, links = [], []
    for t in tenants:
        for j in range(3):
            rid = uuid.uuid4()
            roles.append({"id": rid, "name": f"role{j}", "guard": "web", "tenant": t["id"]})
            links += [{"id": uuid.uuid4(), "role": rid, "permission": p["id"]} for p in rnd.sample(perms, 10)]
    staff_role = uuid.uuid4()
    roles.append({"id": staff_role, "name": "support", "guard": "web", "tenant": None, "is_system": True})
    links += [{"id": uuid.uuid4(), "role": staff_role, "permission": p["id"]} for p in perms[:5]]
    for batch in range(0, len(roles), 500):
        Role.insert_many(roles[batch:batch + 500]).execute()
    for batch in range(0, len(links), 500):
        RolePermission.insert_many(links[batch:batch + 500]).execute()
    by_tenant: dict[uuid.UUID, list[uuid.UUID]] = {}
    for r in roles:
        if r["tenant"]:
            by_tenant.setdefault(r["tenant"], []).append(r["id"])
    users = [{"id": uuid.uuid4(), "email": f"u{i}@example.com"} for i in range(USERS)]
    for batch in range(0, len(users), 500):
        User.insert_many(users[batch:batch + 500]).execute()
    accesses, access_roles, pairs = [], [], []
    for u in users:
        for t in rnd.sample(tenants, 3):
            aid = uuid.uuid4()
            accesses.append({"id": aid, "user": u["id"], "tenant": t["id"]})
            access_roles += [{"user_access": aid, "role": rid} for rid in rnd.sample(by_tenant[t["id"]], 2)]
            pairs.append((u["id"], t["id"]))
    for batch in range(0, len(accesses), 500):
        UserAccess.insert_many(accesses[batch:batch + 500]).execute()
    for batch in range(0, len(access_roles), 500):
        UserAccessRole.insert_many(access_roles[batch:batch + 500]).execute()
    for u in users[:20]:
        pid = uuid.uuid4()
        PlatformAccess.insert(id=pid, user=u["id"]).execute()
        PlatformAccessRole.insert(platform_access=pid, role=staff_role).execute()
    return pairs


def analyze(db) -> None:
    """Refresh planner statistics, as autovacuum / InnoDB would soon after a bulk load.

    Without them PostgreSQL plans the freshly filled tables as if they were
    empty and can start from the permissions table (measured: ~6 ms instead of
    ~0.3 ms per check until statistics exist).
    """
    from nestauth_peewee import NestAuthModels, dialect_of

    tables = [m._meta.table_name for m in NestAuthModels]
    if dialect_of(db) == "postgres":
        db.execute_sql("ANALYZE")
    elif dialect_of(db) == "mysql":
        db.execute_sql("ANALYZE TABLE " + ", ".join(tables))
    else:
        db.execute_sql("ANALYZE")


def built_each_time(user_id: uuid.UUID, tenant_id: uuid.UUID) -> list[str]:
    """The membership half of the same query, through peewee's builder on every call."""
    held = (Role.select(Role.id.alias("role_id"))
            .join(UserAccessRole, on=(UserAccessRole.role == Role.id))
            .join(UserAccess, on=(UserAccess.id == UserAccessRole.user_access))
            .join(Tenant, on=(Tenant.id == UserAccess.tenant))
            .where((UserAccess.user == user_id) & (UserAccess.tenant == tenant_id)
                   & (UserAccess.status == "active") & (Tenant.is_active == True)  # noqa: E712
                   & (Role.is_active == True) & (Role.guard == "web")  # noqa: E712
                   & (Role.tenant.is_null() | (Role.tenant == UserAccess.tenant))))
    query = (Permission.select(Permission.name).distinct()
             .join(RolePermission, on=(RolePermission.permission == Permission.id))
             .where((Permission.guard == "web") & RolePermission.role.in_(held)))
    return sorted(row[0] for row in query.tuples())


def orm_walk(user_id: uuid.UUID, tenant_id: uuid.UUID) -> list[str]:
    access = UserAccess.get_or_none((UserAccess.user == user_id) & (UserAccess.tenant == tenant_id))
    if access is None or access.status != "active":
        return []
    names: set[str] = set()
    for link in UserAccessRole.select().where(UserAccessRole.user_access == access.id):
        role = Role.get_by_id(link.role_id)
        if role.is_active:
            names.update(p.name for p in Permission.select().join(RolePermission)
                         .where(RolePermission.role == role.id))
    return sorted(names)


def measure(label: str, fn, pairs) -> None:
    times = []
    for user_id, tenant_id in pairs:
        start = time.perf_counter()
        fn(user_id, tenant_id)
        times.append(time.perf_counter() - start)
    times.sort()
    print(f"  {label:<44} p50 {statistics.median(times) * 1e6:8.0f} µs   "
          f"p95 {times[int(len(times) * 0.95)] * 1e6:8.0f} µs")


def main(url: str) -> None:
    db = init_database(url)
    with db.connection_context():
        drop_tables()
        create_tables()
        pairs = fill()
        analyze(db)
        rnd = random.Random(1)
        sample = [rnd.choice(pairs) for _ in range(SAMPLES)]
        auth = AuthorizationService()
        for u, t in sample[:50]:  # the three agree
            expected = built_each_time(u, t)
            assert auth.effective_permissions(u, t, include_staff=False) == expected == orm_walk(u, t)
        print(f"{url.split(':')[0]}: {len(pairs)} memberships, {SAMPLES} checks")
        measure("effective_permissions (SQL built once)", lambda u, t: auth.effective_permissions(
            u, t, include_staff=False), sample)
        measure("effective_permissions incl. staff", auth.effective_permissions, sample)
        measure("same query, peewee builder per call", built_each_time, sample)
        measure("ORM walk (1 + 2 per role queries)", orm_walk, sample[:500])
        drop_tables()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "sqlite:///bench-rbac.db")
