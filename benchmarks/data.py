"""The benchmark's data set, derived from row numbers alone, and its bulk loader.

Every value of row ``i`` is a pure function of ``i`` (ids, emails, token
secrets), so the data set can grow from 10k to 1M users without being kept in
memory, and a sample's refresh token or API key can be rebuilt at any time.

Per user ``i``: the user row (a cheap argon2 hash shared by all: the benchmark
never verifies passwords), one live session, one API key (used within the last
minute, as a hot key is), one membership of tenant ``i % 100`` holding two of
its three roles. Fixed: 100 tenants, 300 tenant roles of 10 permissions each,
200 permissions, one global staff role held by users 0-19.

Ids are time-ordered (the row number in the leading bytes, like UUIDv7), so
bulk inserts append to the primary-key B-trees instead of splitting pages at
random; lookups still pick rows uniformly from the whole table.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import random
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from nestauth_peewee import access_tokens
from nestauth_peewee import secrets as tokens
from nestauth_peewee.audit import MAX_LISTED

from .targets import Target

#: The app secret key of the benchmark (HMAC of refresh tokens and API keys).
BENCH_KEY = "nestauth-peewee benchmark key: never use it anywhere else"
KEY_BYTES = BENCH_KEY.encode()
ACCESS_SIGNING_KEY = access_tokens.signing_key(KEY_BYTES)
ACCESS_KEY_ID = access_tokens.key_id(KEY_BYTES)
#: argon2id with m=8 KiB, t=1, p=1: valid, cheap, and never verified here.
CHEAP_HASH = "$argon2id$v=19$m=8,t=1,p=1$9o/L5Vdzg/bZGq16Lco+hA$p0pUBGp4jKBHXforD5t9G448iR5OBc7UxoJiHRWLdSE"
TENANTS, ROLES_PER_TENANT, PERMISSIONS, PERMS_PER_ROLE, STAFF_USERS = 100, 3, 200, 10, 20
GUARD = "web"

#: Seeding time: every seeded timestamp is relative to it; clocks of the run are pinned near it.
T0 = datetime.now(UTC).replace(microsecond=0)


def row_id(kind: str, i: int) -> uuid.UUID:
    """A time-ordered UUID for row ``i`` of ``kind`` (6 bytes of ``i``, 10 of hash)."""
    tail = hashlib.blake2b(f"{kind}:{i}".encode(), digest_size=10).digest()
    return uuid.UUID(bytes=i.to_bytes(6, "big") + tail)


def _secret(kind: str, i: int) -> str:
    raw = hashlib.blake2b(f"secret:{kind}:{i}".encode(), digest_size=32).digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def email(i: int) -> str:
    return f"user{i:07d}@bench.example"


def user_id(i: int) -> uuid.UUID:
    return row_id("user", i)


def session_id(i: int) -> uuid.UUID:
    return row_id("session", i)


def refresh_token(i: int) -> str:
    return f"{session_id(i).hex}.{_secret('session', i)}"


#: When the benchmark's access tokens were issued (they live a day: no run outlasts them).
TOKENS_ISSUED_AT = datetime.now(UTC).replace(microsecond=0)


def access_token(i: int) -> str:
    """The signed access token of session ``i`` (what SessionService.create hands out)."""
    token, _expires = access_tokens.issue(KEY_BYTES, user_id=user_id(i), session_id=session_id(i),
                                          now=TOKENS_ISSUED_AT, lifetime=timedelta(days=1))
    return token


def bare_access_token(user_id: uuid.UUID, session_id: uuid.UUID, now: datetime,
                      lifetime: timedelta = timedelta(minutes=15)) -> str:
    """A new session's access token signed with PyJWT alone (what creating a session hands out)."""
    issued = int(now.timestamp())
    return jwt.encode({"sub": user_id.hex, "sid": session_id.hex, "iat": issued,
                       "exp": issued + int(lifetime.total_seconds()), "ver": 1, "typ": "access"},
                      ACCESS_SIGNING_KEY, algorithm="HS256", headers={"kid": ACCESS_KEY_ID})


def bare_access_claims(token: str) -> tuple[uuid.UUID, uuid.UUID]:
    """``(user id, session id)`` of an access token checked with PyJWT alone, as an app would by hand."""
    claims = jwt.decode(token, ACCESS_SIGNING_KEY, algorithms=["HS256"],
                        options={"require": ["sub", "sid", "iat", "exp", "ver"]})
    if claims.get("typ") != "access" or claims["ver"] != 1:
        raise jwt.InvalidTokenError("not an access token")
    return uuid.UUID(hex=claims["sub"]), uuid.UUID(hex=claims["sid"])


def public_key(i: int) -> str:
    return "nak_" + hashlib.blake2b(f"public:{i}".encode(), digest_size=12).hexdigest()


def api_key(i: int) -> str:
    return f"{public_key(i)}.{_secret('key', i)}"


class Refused(Exception):
    """A check failed (the benchmark never expects it)."""


def session_digest(sid: uuid.UUID, secret: str) -> str:
    """The stored HMAC of session ``sid``'s refresh-token secret, keyed as the library keys it."""
    return tokens.keyed_digest(KEY_BYTES, "refresh-token", sid.hex, secret)


def key_digest(public: str, secret: str) -> str:
    """The stored HMAC of an API key's secret, keyed as the library keys it."""
    return tokens.keyed_digest(KEY_BYTES, "access-key", public, secret)


def presented_refresh_token(token: str) -> tuple[uuid.UUID, str]:
    """A presented refresh token's session id and the digest its row must hold (``Refused`` when
    malformed): the first step of the bare driver's and SQLAlchemy's check, before their lookup."""
    parsed = tokens.parse_id_token(token)
    if parsed is None:
        raise Refused
    return parsed[0], session_digest(*parsed)


def presented_api_key(api_key: str) -> tuple[str, str]:
    """A presented API key's public part and the digest its row must hold (``Refused`` when malformed)."""
    parsed = tokens.parse_access_key(api_key)
    if parsed is None:
        raise Refused
    return parsed[0], key_digest(*parsed)


def tenant_id(t: int) -> uuid.UUID:
    return row_id("tenant", t)


def tenant_of(i: int) -> uuid.UUID:
    return tenant_id(i % TENANTS)


def role_id(r: int) -> uuid.UUID:
    return row_id("role", r)


STAFF_ROLE = 10**6


def dt(value: datetime) -> str:
    """The library's stored text shape of a UTC datetime (SQLite compares these as strings)."""
    return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


# --- rows ------------------------------------------------------------------------------------

USER_COLUMNS = ("id", "email", "password_hash", "is_active", "must_change_password", "metadata",
                "is_mfa_enabled", "created_at", "updated_at")
SESSION_COLUMNS = ("id", "user_id", "data", "refresh_token_hash", "expires_at", "last_active",
                   "created_at", "updated_at")
KEY_COLUMNS = ("id", "user_id", "name", "public_key", "secret_hash", "is_active", "last_used_at",
               "created_at", "updated_at")
ACCESS_COLUMNS = ("id", "user_id", "tenant_id", "is_default", "status", "metadata", "created_at",
                  "updated_at")
ACCESS_ROLE_COLUMNS = ("user_access_id", "role_id")


def user_rows(start: int, stop: int) -> Iterator[tuple]:
    now = dt(T0)
    for i in range(start, stop):
        yield (user_id(i).hex, email(i), CHEAP_HASH, True, False, "{}", False, now, now)


def session_row(sid: uuid.UUID, uid: uuid.UUID, secret: str, expires_at: datetime,
                last_active: datetime) -> tuple:
    digest = session_digest(sid, secret)
    return (sid.hex, uid.hex, "{}", digest, dt(expires_at), dt(last_active), dt(last_active),
            dt(last_active))


#: When the seeded sessions were created and last active (authenticate's clock is pinned just after).
SESSION_SEEN = T0 - timedelta(hours=1)


def session_rows(start: int, stop: int) -> Iterator[tuple]:
    expires, created = T0 + timedelta(days=30), SESSION_SEEN
    for i in range(start, stop):
        yield session_row(session_id(i), user_id(i), _secret("session", i), expires, created)


def seeded_session_row(i: int) -> tuple:
    """User ``i``'s seeded session (to put back after a revoke-all benchmark)."""
    return next(session_rows(i, i + 1))


def extra_session_rows(users: Iterable[int], serial: Iterator[int]) -> Iterator[tuple]:
    """One more live session for each user (ids from ``serial``)."""
    expires, created = T0 + timedelta(days=30), T0 - timedelta(minutes=30)
    for i in users:
        n = next(serial)
        yield session_row(row_id("extra", n), user_id(i), _secret("extra", n), expires, created)


def expired_session_rows(start: int, stop: int, users: int) -> Iterator[tuple]:
    """Sessions that expired 1 to 30 days before T0, spread over ``users`` users."""
    for k in range(start, stop):
        expired = T0 - timedelta(days=1 + k % 30, seconds=k % 86400)
        yield session_row(row_id("expired", k), user_id(k % users), _secret("expired", k), expired,
                          expired - timedelta(days=30))


def key_rows(start: int, stop: int) -> Iterator[tuple]:
    used, created = dt(T0), dt(T0 - timedelta(days=1))
    for i in range(start, stop):
        public = public_key(i)
        digest = key_digest(public, _secret("key", i))
        yield (row_id("key", i).hex, user_id(i).hex, "bench", public, digest, True, used, created, created)


def roles_of(i: int) -> tuple[int, int]:
    t = i % TENANTS
    return t * ROLES_PER_TENANT + i % 3, t * ROLES_PER_TENANT + (i + 1) % 3


def access_rows(start: int, stop: int) -> Iterator[tuple]:
    now = dt(T0)
    for i in range(start, stop):
        yield (row_id("access", i).hex, user_id(i).hex, tenant_of(i).hex, True, "active", "{}", now, now)


def access_role_rows(start: int, stop: int) -> Iterator[tuple]:
    for i in range(start, stop):
        for r in roles_of(i):
            yield (row_id("access", i).hex, role_id(r).hex)


def rbac_fixed_rows() -> list[tuple[str, tuple[str, ...], list[tuple]]]:
    """Tenants, roles, permissions and their links (the same at every size)."""
    now = dt(T0)
    rnd = random.Random(7)
    tenants = [(tenant_id(t).hex, f"Tenant {t}", f"t{t}", "{}", True, now, now) for t in range(TENANTS)]
    perms = [(row_id("perm", p).hex, f"perm.{p:03d}", GUARD, now, now) for p in range(PERMISSIONS)]
    roles, links = [], []
    for t in range(TENANTS):
        for j in range(ROLES_PER_TENANT):
            r = t * ROLES_PER_TENANT + j
            roles.append((role_id(r).hex, f"role{j}", GUARD, tenant_id(t).hex, False, True, now, now))
            for p in rnd.sample(range(PERMISSIONS), PERMS_PER_ROLE):
                links.append((row_id("rp", len(links)).hex, role_id(r).hex, row_id("perm", p).hex, now))
    roles.append((role_id(STAFF_ROLE).hex, "support", GUARD, None, True, True, now, now))
    for p in range(5):
        links.append((row_id("rp", len(links)).hex, role_id(STAFF_ROLE).hex, row_id("perm", p).hex, now))
    return [
        ("nest_auth_tenants", ("id", "name", "slug", "metadata", "is_active", "created_at", "updated_at"),
         tenants),
        ("nest_auth_permissions", ("id", "name", "guard", "created_at", "updated_at"), perms),
        ("nest_auth_roles", ("id", "name", "guard", "tenant_id", "is_system", "is_active", "created_at",
                             "updated_at"), roles),
        ("nest_auth_role_permissions", ("id", "role_id", "permission_id", "created_at"), links),
    ]


def staff_rows() -> list[tuple[str, tuple[str, ...], list[tuple]]]:
    """Staff access (the global "support" role) for users 0-19: load after those users."""
    now = dt(T0)
    staff = [(row_id("staff", i).hex, user_id(i).hex, True, now, now) for i in range(STAFF_USERS)]
    staff_roles = [(row_id("staff", i).hex, role_id(STAFF_ROLE).hex) for i in range(STAFF_USERS)]
    return [
        ("nest_auth_platform_accesses", ("id", "user_id", "is_active", "created_at", "updated_at"), staff),
        ("nest_auth_platform_access_roles", ("platform_access_id", "role_id"), staff_roles),
    ]


def user_tables(start: int, stop: int) -> list[tuple[str, tuple[str, ...], Iterator[tuple]]]:
    """The per-user tables for users ``start`` to ``stop``, parents first."""
    return [
        ("nest_auth_users", USER_COLUMNS, user_rows(start, stop)),
        ("nest_auth_sessions", SESSION_COLUMNS, session_rows(start, stop)),
        ("nest_auth_access_keys", KEY_COLUMNS, key_rows(start, stop)),
        ("nest_auth_user_accesses", ACCESS_COLUMNS, access_rows(start, stop)),
        ("nest_auth_user_access_roles", ACCESS_ROLE_COLUMNS, access_role_rows(start, stop)),
    ]


# --- bulk loading ----------------------------------------------------------------------------

class BulkLoader:
    """Fast inserts through the bare driver: COPY on PostgreSQL, multi-row INSERTs elsewhere."""

    CHUNK = 20_000

    def __init__(self, target: Target, conn: Any) -> None:
        self.target = target
        self.conn = conn
        if target.dialect == "mysql":
            with conn.cursor() as cur:
                cur.execute("SET SESSION unique_checks = 0, foreign_key_checks = 0")

    def load(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        total = 0
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= self.CHUNK:
                total += self._flush(table, columns, batch)
                batch = []
        if batch:
            total += self._flush(table, columns, batch)
        return total

    def _flush(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> int:
        dialect = self.target.dialect
        if dialect == "postgres":
            buf = io.StringIO()
            writer = csv.writer(buf)
            for row in rows:
                writer.writerow(["t" if v is True else "f" if v is False else v for v in row])
            buf.seek(0)
            with self.conn.cursor() as cur:
                cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buf)
            return len(rows)
        marks = ", ".join([self.target.placeholder] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        if dialect == "mysql":
            with self.conn.cursor() as cur:
                cur.execute("BEGIN")
                cur.executemany(sql, rows)  # PyMySQL sends multi-row INSERTs of up to ~1 MB
                cur.execute("COMMIT")
        else:
            self.conn.execute("BEGIN")
            self.conn.executemany(sql, rows)
            self.conn.execute("COMMIT")
        return len(rows)

    def close(self) -> None:
        if self.target.dialect == "mysql":
            with self.conn.cursor() as cur:
                cur.execute("SET SESSION unique_checks = 1, foreign_key_checks = 1")


def analyze(target: Target, conn: Any) -> None:
    """Refresh planner statistics (and PostgreSQL's visibility map), as autovacuum soon would."""
    from nestauth_peewee import NestAuthModels

    tables = [m._meta.table_name for m in NestAuthModels]
    if target.dialect == "postgres":
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    elif target.dialect == "mysql":
        with conn.cursor() as cur:
            cur.execute("ANALYZE TABLE " + ", ".join(tables))
            cur.fetchall()
    else:
        conn.execute("ANALYZE")


#: The audit trail's columns, in the order the bare implementations write them.
AUDIT_COLS = ("id", "occurred_at", "event", "outcome", "actor_id", "user_id", "tenant_id", "ip_address",
              "user_agent", "detail")


def audit_ids(ids: list[str]) -> dict[str, Any]:
    """The detail of a "sessions revoked" audit row, as the library writes it."""
    return {"reason": "revoked", "count": len(ids), "session_ids": ids[:MAX_LISTED]}
