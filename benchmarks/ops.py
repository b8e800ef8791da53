"""The hot paths, written three ways: the library's services, the bare driver, SQLAlchemy.

Every implementation does the same work per call: parse the presented secret,
compute its HMAC, run the same statements (the bare driver runs the SQL the
library sends, written out by hand; the effective-permissions text is taken
from the library), compare in constant time and check expiry and state.
Nothing is cached between calls except what each stack caches by itself.

The access-token checks have no database side: the library's
``SessionService.check_access_token`` against PyJWT called by hand (the "driver"
and "sqlalchemy" columns, the same code); the strict check adds the session row
read by each stack.

API-key checks run with a clock pinned one second after the keys were last
used, so none of the three writes ``last_used_at`` (a hot key's steady state:
the write happens at most once a minute per key in all three). Refresh-token
checks likewise run one second after the sessions were last active, so
``last_active`` is not written (the library writes it at most once a minute
per session; the other two carry the same check).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from nestauth_peewee import (
    AccessKeyService,
    AuthorizationService,
    SessionService,
    Settings,
    UserService,
)
from nestauth_peewee import secrets as tokens
from nestauth_peewee.audit import SESSION_REVOKED, SIGN_IN

try:
    from nestauth_peewee.repositories.authorization import statement
except ImportError:  # the library before its Prepared statements: benchmarking an older checkout
    from nestauth_peewee.repositories.authorization import render_sql
    statement = None

from . import data
from .data import AUDIT_COLS, BENCH_KEY, GUARD, T0, Refused, audit_ids, dt

#: The clock of API-key checks: one second after every seeded key was used.
KEY_CLOCK_NOW = T0 + timedelta(seconds=1)
#: The clock of refresh-token checks: one second after every seeded session was last active.
SESSION_CLOCK_NOW = data.SESSION_SEEN + timedelta(seconds=1)
#: How stale ``last_active`` may be before a check writes it (the library's ACTIVITY_RESOLUTION).
ACTIVITY_RESOLUTION = timedelta(minutes=1)
MAX_SESSIONS = 10  # Settings' default


@dataclass(frozen=True)
class Operation:
    """A hot path: its name, the arguments of sample ``i``, and whether it writes."""

    name: str
    label: str
    args: Callable[[int], tuple]
    writes: bool = False


OPERATIONS = (
    Operation("authenticate", "authenticate refresh token", lambda i: (data.refresh_token(i),)),
    Operation("check_access_token", "check access token (no query)", lambda i: (data.access_token(i),)),
    Operation("strict_access_token", "check access token, strict (session row)",
              lambda i: (data.access_token(i),)),
    Operation("verify_key", "verify API key", lambda i: (data.api_key(i),)),
    Operation("effective_permissions", "effective permissions",
              lambda i: (data.user_id(i), data.tenant_of(i))),
    Operation("get_user_by_email", "get user by email", lambda i: (data.email(i),)),
    Operation("create_session", "create session", lambda i: (data.user_id(i),), writes=True),
    Operation("revoke_all", "revoke all sessions", lambda i: (data.user_id(i),), writes=True),
)


# --- the library ----------------------------------------------------------------------------

class LibraryOps:
    """The public services, as an app calls them."""

    name = "library"

    def __init__(self) -> None:
        settings = Settings(secret_key=BENCH_KEY, max_sessions_per_user=MAX_SESSIONS)
        self.sessions = SessionService(settings)
        self.seen_sessions = SessionService(settings, clock=lambda: SESSION_CLOCK_NOW)
        self.keys = AccessKeyService(settings, clock=lambda: KEY_CLOCK_NOW)
        self.auth = AuthorizationService(settings)
        self.users = UserService(settings)

    def authenticate(self, token: str) -> Any:
        return self.seen_sessions.authenticate(token)

    def check_access_token(self, token: str) -> Any:
        return self.sessions.check_access_token(token)

    def strict_access_token(self, token: str) -> Any:
        return self.sessions.authenticate_access_token(token)

    def verify_key(self, api_key: str) -> Any:
        return self.keys.verify(api_key)

    def effective_permissions(self, user_id: uuid.UUID, tenant_id: uuid.UUID) -> list[str]:
        return self.auth.effective_permissions(user_id, tenant_id)

    def get_user_by_email(self, email: str) -> Any:
        return self.users.get_by_email(email)

    def create_session(self, user_id: uuid.UUID) -> uuid.UUID:
        return self.sessions.create(user_id).session.id

    def revoke_all(self, user_id: uuid.UUID) -> int:
        return self.sessions.revoke_all(user_id)

    def close(self) -> None:
        pass


# --- the bare driver -------------------------------------------------------------------------

USER_COLS = ("id", "created_at", "updated_at", "email", "email_verified_at", "phone", "phone_verified_at",
             "password_hash", "is_active", "must_change_password", "metadata", "is_mfa_enabled",
             "mfa_recovery_code")
SESSION_COLS = ("id", "created_at", "updated_at", "user_id", "data", "refresh_token_hash", "expires_at",
                "user_agent", "device_name", "ip_address", "last_active")
KEY_COLS = ("id", "created_at", "updated_at", "user_id", "name", "public_key", "secret_hash",
            "description", "is_active", "expires_at", "last_used_at")


def _as_uuid(value: Any) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(bytes=value) if isinstance(value, bytes) else uuid.UUID(str(value))


def permissions_sql() -> tuple[str, Callable[[str, str, str], tuple]]:
    """The library's effective-permissions text for the bound Database, and its parameters.

    The statement is taken from the library (peewee writes it); its parameters
    are laid out once here, so the driver only fills in the three values.
    """
    user, tenant, guard = uuid.UUID(int=1), uuid.UUID(int=2), "~guard~"
    if statement is None:
        from nestauth_peewee.db import database, dialect_of

        sql = render_sql(dialect_of(database), "permissions", "tenant", True)
        params = [user.hex, tenant.hex, guard, user.hex, guard, guard]
    else:
        sql, params = statement("permissions", "tenant", True).sql_and_params(user, tenant, guard)
    where = {user.hex: 0, tenant.hex: 1, guard: 2}
    slots = [(i, where[p]) for i, p in enumerate(params) if isinstance(p, str) and p in where]
    template = list(params)

    def make(*values: str) -> tuple:
        out = list(template)
        for i, k in slots:
            out[i] = values[k]
        return tuple(out)

    return sql, make


def permissions_prepared() -> tuple[str, str, tuple] | None:
    """PostgreSQL: the library's ``PREPARE`` of the effective-permissions statement, renamed
    ``bench_perms``, its ``EXECUTE`` text, and the constants sent after the three arguments
    (None for a library that prepares the text statement as it stands)."""
    if statement is None:
        return None
    stmt = statement("permissions", "tenant", True).statement()
    if stmt.prepare_sql is None or not hasattr(stmt, "fixed"):
        return None
    return (stmt.prepare_sql.replace(stmt.pg_name, "bench_perms", 1),
            stmt.execute_sql.replace(stmt.pg_name, "bench_perms", 1), tuple(stmt.fixed))


def select_list(alias: str, names: tuple[str, ...]) -> str:
    return ", ".join(f"{alias}.{n}" for n in names)


class DriverOps:
    """The same statements through psycopg2 / PyMySQL / sqlite3 on an autocommit connection.

    The benchmark hands it the library's own DB-API connection (same server
    process, same session settings); it keeps one cursor for all its calls.
    """

    name = "driver"

    def __init__(self, target: Any, conn: Any) -> None:
        self.dialect = target.dialect
        self.conn = conn
        self.cur = conn.cursor()
        ph = target.placeholder
        lock = "" if self.dialect == "sqlite" else " FOR UPDATE"
        if self.dialect == "mysql":
            order, limit = "last_active IS NULL, last_active DESC, created_at DESC", "LIMIT 18446744073709551615 "
        else:
            order, limit = "last_active DESC NULLS LAST, created_at DESC", ("LIMIT -1 " if self.dialect == "sqlite" else "")
        self.sql = {
            "auth": f"SELECT {select_list('s', SESSION_COLS)}, {select_list('u', USER_COLS)} FROM nest_auth_sessions s"
                    f" JOIN nest_auth_users u ON s.user_id = u.id WHERE s.id = {ph}",
            "key": f"SELECT {select_list('k', KEY_COLS)}, {select_list('u', USER_COLS)} FROM nest_auth_access_keys k"
                   f" JOIN nest_auth_users u ON k.user_id = u.id WHERE k.public_key = {ph}",
            "mark_used": f"UPDATE nest_auth_access_keys SET last_used_at = {ph} WHERE id = {ph}"
                         f" AND (last_used_at IS NULL OR last_used_at <= {ph})",
            "mark_active": f"UPDATE nest_auth_sessions SET last_active = {ph} WHERE id = {ph}"
                           f" AND (last_active IS NULL OR last_active <= {ph})",
            "perms": "",
            "email": f"SELECT {', '.join(USER_COLS)} FROM nest_auth_users WHERE email = {ph}",
            "insert_session": (
                "INSERT INTO nest_auth_sessions (id, user_id, data, refresh_token_hash, expires_at,"
                " user_agent, device_name, ip_address, last_active, created_at, updated_at)"
                f" SELECT {ph}, u.id, {', '.join([ph] * 9)} FROM nest_auth_users u WHERE u.id = {ph}{lock}"
            ),
            "evict": (
                f"DELETE FROM nest_auth_sessions WHERE user_id = {ph} AND id <> {ph} AND (expires_at <= {ph}"
                f" OR id IN (SELECT id FROM (SELECT id FROM nest_auth_sessions WHERE user_id = {ph}"
                f" AND id <> {ph} AND (expires_at IS NULL OR expires_at > {ph}) ORDER BY {order}"
                f" {limit}OFFSET {ph}) beyond)) RETURNING id, expires_at"
            ),
            "revoke_all": f"DELETE FROM nest_auth_sessions WHERE user_id = {ph} RETURNING id",
            # The audit row the library writes in the same transaction (Settings.audit is on).
            "audit": f"INSERT INTO nest_auth_audit_events ({', '.join(AUDIT_COLS)}) VALUES ({', '.join([ph] * len(AUDIT_COLS))})",
        }
        self.sql["perms"], self.perm_params = permissions_sql()
        self.text_times = self.dialect == "sqlite"
        self.begin = "BEGIN IMMEDIATE" if self.dialect == "sqlite" else "BEGIN"

    def run_statement(self, key: str, params: tuple) -> None:
        self.cur.execute(self.sql[key], params)

    def _now(self, value: datetime) -> Any:
        return dt(value) if self.text_times else value.replace(tzinfo=None)

    def _pk(self, value: uuid.UUID) -> Any:
        return value.hex

    def authenticate(self, token: str) -> tuple:
        sid, digest = data.presented_refresh_token(token)
        self.run_statement("auth", (sid.hex,))
        row = self.cur.fetchone()
        if row is None or not tokens.digests_equal(digest, row[5]):
            raise Refused
        now = self._now(SESSION_CLOCK_NOW)
        if row[6] is not None and row[6] <= now:
            raise Refused
        if not row[11 + 8]:
            raise Refused
        stale_at = self._now(SESSION_CLOCK_NOW - ACTIVITY_RESOLUTION)
        if row[10] is None or row[10] <= stale_at:
            self.run_statement("mark_active", (now, row[0], stale_at))
        return row

    def check_access_token(self, token: str) -> tuple:
        return data.bare_access_claims(token)

    def strict_access_token(self, token: str) -> tuple:
        user_id, sid = data.bare_access_claims(token)
        self.run_statement("auth", (sid.hex,))
        row = self.cur.fetchone()
        if row is None or _as_uuid(row[3]) != user_id or not row[11 + 8]:
            raise Refused
        if row[6] is not None and row[6] <= self._now(datetime.now(UTC)):
            raise Refused
        return row

    def verify_key(self, api_key: str) -> tuple:
        public, digest = data.presented_api_key(api_key)
        self.run_statement("key", (public,))
        row = self.cur.fetchone()
        if row is None or not tokens.digests_equal(digest, row[6]):
            raise Refused
        if not row[8] or not row[11 + 8]:
            raise Refused
        now = self._now(KEY_CLOCK_NOW)
        if row[9] is not None and row[9] <= now:
            raise Refused
        stale_at = self._now(KEY_CLOCK_NOW - timedelta(minutes=1))
        if row[10] is None or row[10] <= stale_at:
            self.run_statement("mark_used", (now, row[0], stale_at))
        return row

    def effective_permissions(self, user_id: uuid.UUID, tenant_id: uuid.UUID) -> list[str]:
        uid = user_id.hex
        self.run_statement("perms", self.perm_params(uid, tenant_id.hex, GUARD))
        return sorted(row[0] for row in self.cur.fetchall())

    def get_user_by_email(self, email: str) -> tuple:
        self.run_statement("email", (email,))
        row = self.cur.fetchone()
        if row is None:
            raise Refused
        return row

    def create_session(self, user_id: uuid.UUID) -> uuid.UUID:
        now = datetime.now(UTC)
        sid = uuid.uuid4()
        _token, secret = tokens.new_id_token(sid)
        digest = data.session_digest(sid, secret)
        cur, uid, now_db = self.cur, user_id.hex, dt(now)
        cur.execute(self.begin)
        try:
            self.run_statement("insert_session", (
                sid.hex, "{}", digest, dt(now + timedelta(days=30)), None, None, None, now_db, now_db,
                now_db, uid))
            if cur.rowcount != 1:
                raise Refused
            self.run_statement("evict", (uid, sid.hex, now_db, uid, sid.hex, now_db, MAX_SESSIONS - 1))
            cur.fetchall()
            self._audit(now_db, SIGN_IN, uid, {"session_id": str(sid)})
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        data.bare_access_token(user_id, sid, now)  # the library hands out an access token too
        return sid

    def revoke_all(self, user_id: uuid.UUID) -> int:
        cur = self.cur
        cur.execute(self.begin)
        try:
            self.run_statement("revoke_all", (user_id.hex,))
            ids = [str(_as_uuid(row[0])) for row in cur.fetchall()]
            self._audit(dt(datetime.now(UTC)), SESSION_REVOKED, user_id.hex, audit_ids(ids))
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return len(ids)

    def _audit(self, now_db: Any, event: str, uid: str, detail: dict[str, Any]) -> None:
        self.run_statement("audit", (uuid.uuid4().hex, now_db, event, "success", None, uid, None, None, None,
                                     json.dumps(detail)))

    def close(self) -> None:
        self.cur.close()


#: PostgreSQL types of the session INSERT's parameters (its SELECT list infers none).
_INSERT_TYPES = ("uuid", "jsonb", "varchar", "timestamp", "varchar", "varchar", "varchar", "timestamp",
                 "timestamp", "timestamp", "uuid")


class PreparedDriverOps(DriverOps):
    """PostgreSQL: the same SQL as server-side prepared statements on the same connection.

    Each statement is ``PREPARE``d once (on first use) and then sent as
    ``EXECUTE bench_<key> (...)``: the server parses and plans it once per
    connection. This is the honest limit of a hot path on PostgreSQL.
    """

    name = "driver_prepared"

    def __init__(self, target: Any, conn: Any) -> None:
        super().__init__(target, conn)
        self.prepared: dict[str, str] = {}
        self.perms_prepared = permissions_prepared()

    def effective_permissions(self, user_id: uuid.UUID, tenant_id: uuid.UUID) -> list[str]:
        if self.perms_prepared is None:  # a library that prepares the text as it is
            return super().effective_permissions(user_id, tenant_id)
        # The library's own PREPARE (each argument once, the statement's constants written in).
        if "perms" not in self.prepared:
            self.cur.execute(self.perms_prepared[0])
            self.prepared["perms"] = self.perms_prepared[1]
        self.cur.execute(self.prepared["perms"], [user_id.hex, tenant_id.hex, GUARD, *self.perms_prepared[2]])
        return sorted(row[0] for row in self.cur.fetchall())

    def close(self) -> None:
        # The connection outlives this object (the next size builds a new one on it): its own
        # statements go, the library's stay.
        for key in self.prepared:
            self.cur.execute(f"DEALLOCATE bench_{key}")
        super().close()

    def run_statement(self, key: str, params: tuple) -> None:
        execute = self.prepared.get(key)
        if execute is None:
            sql = self.sql[key]
            pieces = sql.split("%s")
            body = "".join(p + (f"${n + 1}" if n < len(pieces) - 1 else "") for n, p in enumerate(pieces))
            types = f" ({', '.join(_INSERT_TYPES)})" if key == "insert_session" else ""
            self.cur.execute(f"PREPARE bench_{key}{types} AS {body}")
            execute = self.prepared[key] = f"EXECUTE bench_{key} ({', '.join(['%s'] * len(params))})"
        self.cur.execute(execute, params)


class FloorOps:
    """``SELECT 1`` on the driver's connection in place of every operation: the round-trip floor."""

    name = "select_1"

    def __init__(self, conn: Any) -> None:
        self.cur = conn.cursor()

    def _floor(self, *args: Any) -> Any:
        self.cur.execute("SELECT 1")
        return self.cur.fetchone()

    def __getattr__(self, name: str) -> Any:
        if any(op.name == name for op in OPERATIONS):  # every operation, whatever its name
            return self._floor
        raise AttributeError(name)

    def close(self) -> None:
        self.cur.close()


def implementations(target: Any, driver_conn: Any, with_sqlalchemy: bool = True) -> list[Any]:
    """The implementations for ``target`` (the library must already be bound to it).

    The library, the bare driver (text SQL), on PostgreSQL the same SQL prepared
    server-side, SQLAlchemy, and ``SELECT 1`` (the round-trip floor).
    """
    impls: list[Any] = [LibraryOps(), DriverOps(target, driver_conn)]
    if target.dialect == "postgres":
        impls.append(PreparedDriverOps(target, driver_conn))
    if with_sqlalchemy:
        from .sa_models import SqlAlchemyOps

        impls.append(SqlAlchemyOps(target.sqlalchemy_url(), target.dialect, KEY_CLOCK_NOW,
                                   max_sessions=MAX_SESSIONS, session_now=SESSION_CLOCK_NOW))
    impls.append(FloorOps(driver_conn))
    return impls
