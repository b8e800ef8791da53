"""SQLAlchemy 2 ORM models of the same tables, and the six operations written the ORM way.

The tables are created by nestauth-peewee; these classes only map them (no DDL).
Column types reproduce the library's storage: native UUID on PostgreSQL and 32
hex digits elsewhere (SQLAlchemy's ``Uuid``), JSONB on PostgreSQL, UTC
datetimes stored naive. Each operation opens a ``Session`` the way the
SQLAlchemy documentation shows (``with Session(engine) as s`` for a read,
``with Session.begin()`` for a write) and keeps the library's semantics.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    String,
    create_engine,
    delete,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy import (
    Uuid as _Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from nestauth_peewee import secrets as tokens
from nestauth_peewee.audit import SESSION_REVOKED, SIGN_IN

from .data import (
    GUARD,
    Refused,
    audit_ids,
    bare_access_claims,
    bare_access_token,
    presented_api_key,
    presented_refresh_token,
    session_digest,
)

Json = JSON().with_variant(JSONB(), "postgresql")
#: Native on PostgreSQL; 32 hex digits elsewhere (as peewee stores them; MariaDB's own UUID type
#: would bind the dashed form).
Uuid = _Uuid().with_variant(_Uuid(native_uuid=False), "mysql", "mariadb", "sqlite")


class Base(DeclarativeBase):
    pass


def _audit_row(now: datetime, event: str, user_id: uuid.UUID, detail: dict[str, Any]) -> Any:
    """The audit row the library writes with a session change (Settings.audit is on)."""
    return SAAuditEvent(id=uuid.uuid4(), occurred_at=now, event=event, outcome="success", user_id=user_id,
                        detail=detail)


# Mixins for the columns several tables share. ``sort_order`` puts their columns first (the key
# first of all), as in the tables: every SELECT lists its columns in the tables' order.


class _Keyed:
    """The UUID primary key (the library's ``AuthModel`` key)."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, sort_order=-2)


class _Timestamped(_Keyed):
    """The key and the two timestamps of users, sessions and API keys."""

    created_at: Mapped[datetime | None] = mapped_column(DateTime, sort_order=-1)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, sort_order=-1)


class _InGuard(_Keyed):
    """The key and the name within a guard that roles and permissions both have."""

    name: Mapped[str] = mapped_column(String(255), sort_order=-1)
    guard: Mapped[str] = mapped_column(String(64), sort_order=-1)


class SAUser(_Timestamped, Base):
    __tablename__ = "nest_auth_users"
    email: Mapped[str | None] = mapped_column(String(255))
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    phone: Mapped[str | None] = mapped_column(String(32))
    phone_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean)
    must_change_password: Mapped[bool] = mapped_column(Boolean)
    metadata_: Mapped[Any] = mapped_column("metadata", Json)
    is_mfa_enabled: Mapped[bool] = mapped_column(Boolean)
    mfa_recovery_code: Mapped[str | None] = mapped_column(String(255))


class SASession(_Timestamped, Base):
    __tablename__ = "nest_auth_sessions"
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("nest_auth_users.id"))
    data: Mapped[Any] = mapped_column(Json)
    refresh_token_hash: Mapped[str | None] = mapped_column(String(128))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    user_agent: Mapped[str | None] = mapped_column(String(512))
    device_name: Mapped[str | None] = mapped_column(String(255))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    last_active: Mapped[datetime | None] = mapped_column(DateTime)


class SAAccessKey(_Timestamped, Base):
    __tablename__ = "nest_auth_access_keys"
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("nest_auth_users.id"))
    name: Mapped[str] = mapped_column(String(255))
    public_key: Mapped[str] = mapped_column(String(128))
    secret_hash: Mapped[str] = mapped_column(String(128))
    description: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)


class SATenant(Base):
    __tablename__ = "nest_auth_tenants"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean)


class SARole(_InGuard, Base):
    __tablename__ = "nest_auth_roles"
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("nest_auth_tenants.id"))
    is_active: Mapped[bool] = mapped_column(Boolean)


class SAPermission(_InGuard, Base):
    __tablename__ = "nest_auth_permissions"


class SARolePermission(Base):
    __tablename__ = "nest_auth_role_permissions"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    role_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("nest_auth_roles.id"))
    permission_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("nest_auth_permissions.id"))


class SAUserAccess(Base):
    __tablename__ = "nest_auth_user_accesses"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("nest_auth_users.id"))
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("nest_auth_tenants.id"))
    status: Mapped[str] = mapped_column(String(32))


class SAUserAccessRole(Base):
    __tablename__ = "nest_auth_user_access_roles"
    user_access_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("nest_auth_user_accesses.id"),
                                                      primary_key=True)
    role_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("nest_auth_roles.id"), primary_key=True)


class SAPlatformAccess(Base):
    __tablename__ = "nest_auth_platform_accesses"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("nest_auth_users.id"))
    is_active: Mapped[bool] = mapped_column(Boolean)


class SAPlatformAccessRole(Base):
    __tablename__ = "nest_auth_platform_access_roles"
    platform_access_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("nest_auth_platform_accesses.id"), primary_key=True)
    role_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("nest_auth_roles.id"), primary_key=True)


class SAAuditEvent(Base):
    __tablename__ = "nest_auth_audit_events"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    event: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    detail: Mapped[Any] = mapped_column(Json)


def _naive(value: datetime) -> datetime:
    return value.replace(tzinfo=None)


def _with_user(s: Any, model: Any, where: Any) -> Any:
    """The row of ``model`` (a table with a ``user_id``) matching ``where`` and its user: one joined
    SELECT, as the library's lookup; None when there is none."""
    return s.execute(select(model, SAUser).join(SAUser, model.user_id == SAUser.id).where(where)).first()


def _presented(s: Any, model: Any, where: Any, stored: Any, digest: str) -> tuple[Any, SAUser]:
    """:func:`_with_user`'s row and user once the presented ``digest`` matches the row's ``stored``
    column (compared in constant time); ``Refused`` otherwise."""
    row = _with_user(s, model, where)
    if row is None or not tokens.digests_equal(digest, getattr(row[0], stored.key)):
        raise Refused
    return row[0], row[1]


def _mark_if_stale(s: Any, column: Any, row_id: Any, seen: datetime | None, now: datetime) -> None:
    """The conditional write of a check (``last_active`` / ``last_used_at``), at most once a minute."""
    stale_at = now - timedelta(minutes=1)
    if seen is None or seen <= stale_at:
        model = column.class_
        s.execute(update(model).where(model.id == row_id, or_(column.is_(None), column <= stale_at))
                  .values({column.key: now}))
        s.commit()


class SqlAlchemyOps:
    """The operations through the SQLAlchemy 2 ORM."""

    name = "sqlalchemy"

    def __init__(self, url: str, dialect: str, now: datetime, max_sessions: int = 10, *,
                 session_now: datetime | None = None) -> None:
        self.engine = create_engine(url, pool_size=1, max_overflow=0)
        self.Session = sessionmaker(self.engine, expire_on_commit=False)
        self.dialect = dialect
        self.fixed_now = _naive(now)
        self.session_now = _naive(session_now or now)
        self.max_sessions = max_sessions
        self.validity = timedelta(days=30)

    def close(self) -> None:
        self.engine.dispose()

    def authenticate(self, token: str) -> SASession:
        sid, digest = presented_refresh_token(token)
        with self.Session() as s:
            session, user = _presented(s, SASession, SASession.id == sid, SASession.refresh_token_hash, digest)
            now = self.session_now
            if session.expires_at is not None and session.expires_at <= now:
                raise Refused
            if not user.is_active:
                raise Refused
            _mark_if_stale(s, SASession.last_active, session.id, session.last_active, now)
        return session

    def check_access_token(self, token: str) -> tuple:
        return bare_access_claims(token)

    def strict_access_token(self, token: str) -> SASession:
        user_id, sid = bare_access_claims(token)
        with self.Session() as s:
            row = _with_user(s, SASession, SASession.id == sid)
        if row is None or row[0].user_id != user_id or not row[1].is_active:
            raise Refused
        if row[0].expires_at is not None and row[0].expires_at <= _naive(datetime.now(UTC)):
            raise Refused
        return row[0]

    def verify_key(self, api_key: str) -> SAAccessKey:
        public, digest = presented_api_key(api_key)
        with self.Session() as s:
            key, user = _presented(s, SAAccessKey, SAAccessKey.public_key == public, SAAccessKey.secret_hash,
                                   digest)
            if not key.is_active or not user.is_active:
                raise Refused
            now = self.fixed_now
            if key.expires_at is not None and key.expires_at <= now:
                raise Refused
            _mark_if_stale(s, SAAccessKey.last_used_at, key.id, key.last_used_at, now)
        return key

    def effective_permissions(self, user_id: uuid.UUID, tenant_id: uuid.UUID) -> list[str]:
        member = (
            select(SARole.id.label("role_id"), SARole.name.label("role_name"))
            .select_from(SAUserAccess)
            .join(SAUserAccessRole, SAUserAccessRole.user_access_id == SAUserAccess.id)
            .join(SARole, SARole.id == SAUserAccessRole.role_id)
            .join(SATenant, (SATenant.id == SAUserAccess.tenant_id) & SATenant.is_active.is_(True))
            .where(SAUserAccess.user_id == user_id, SAUserAccess.tenant_id == tenant_id,
                   SAUserAccess.status == "active", SARole.is_active.is_(True), SARole.guard == GUARD,
                   or_(SARole.tenant_id.is_(None), SARole.tenant_id == SAUserAccess.tenant_id))
        )
        staff = (
            select(SARole.id.label("role_id"), SARole.name.label("role_name"))
            .select_from(SAPlatformAccess)
            .join(SAPlatformAccessRole, SAPlatformAccessRole.platform_access_id == SAPlatformAccess.id)
            .join(SARole, SARole.id == SAPlatformAccessRole.role_id)
            .where(SAPlatformAccess.user_id == user_id, SAPlatformAccess.is_active.is_(True),
                   SARole.is_active.is_(True), SARole.guard == GUARD, SARole.tenant_id.is_(None))
        )
        held = union_all(member, staff).subquery("held")
        query = (
            select(SAPermission.name).distinct()
            .join_from(held, SARolePermission, SARolePermission.role_id == held.c.role_id)
            .join(SAPermission, SAPermission.id == SARolePermission.permission_id)
            .where(SAPermission.guard == GUARD)
        )
        with self.Session() as s:
            return sorted(s.scalars(query).all())

    def get_user_by_email(self, email: str) -> SAUser:
        with self.Session() as s:
            user = s.execute(select(SAUser).where(SAUser.email == email)).scalar_one_or_none()
        if user is None:
            raise Refused
        return user

    def create_session(self, user_id: uuid.UUID) -> uuid.UUID:
        now = _naive(datetime.now(UTC))
        sid = uuid.uuid4()
        _token, secret = tokens.new_id_token(sid)
        digest = session_digest(sid, secret)
        with self.Session.begin() as s:
            user = s.get(SAUser, user_id, with_for_update=self.dialect != "sqlite")
            if user is None:
                raise Refused
            live = or_(SASession.expires_at.is_(None), SASession.expires_at > now)
            newest = (
                select(SASession.id)
                .where(SASession.user_id == user_id, live)
                .order_by(SASession.last_active.is_(None), SASession.last_active.desc(),
                          SASession.created_at.desc())
                .offset(self.max_sessions - 1)
                .subquery()
            )
            beyond = select(newest.c.id)  # a derived table: MySQL refuses the table itself here
            s.execute(
                delete(SASession)
                .where(SASession.user_id == user_id,
                       or_(SASession.expires_at <= now, SASession.id.in_(beyond)))
                .returning(SASession.id, SASession.expires_at)
                .execution_options(synchronize_session=False)
            ).all()
            s.add(SASession(id=sid, user_id=user.id, data={}, refresh_token_hash=digest,
                            expires_at=now + self.validity, last_active=now, created_at=now,
                            updated_at=now))
            s.add(_audit_row(now, SIGN_IN, user_id, {"session_id": str(sid)}))
        bare_access_token(user_id, sid, datetime.now(UTC))  # the library hands out an access token too
        return sid

    def revoke_all(self, user_id: uuid.UUID) -> int:
        with self.Session.begin() as s:
            ids = s.scalars(
                delete(SASession).where(SASession.user_id == user_id).returning(SASession.id)
                .execution_options(synchronize_session=False)
            ).all()
            s.add(_audit_row(_naive(datetime.now(UTC)), SESSION_REVOKED, user_id,
                             audit_ids([str(i) for i in ids])))
        return len(ids)
