"""Sessions: refresh tokens issued once, stored as digests, rotated with a compare-and-swap.

    from nestauth_peewee.config import Settings
    from nestauth_peewee.services.sessions import SessionService

    sessions = SessionService(Settings(secret_key="a key of at least thirty-two bytes...."))
    issued = sessions.create(user.id, user_agent="curl/8", ip_address="203.0.113.9")
    issued.refresh_token                    # give this to the client; it is never stored
    again = sessions.refresh(issued.refresh_token)   # a new token; the old one is now dead
    sessions.refresh(issued.refresh_token)           # reuse: the session is revoked, InvalidRefreshToken

A refresh token is ``<session id>.<secret>``: the id finds the row in one
query, the digest of the secret is compared in constant time. A token whose
session exists but whose digest no longer matches is a replayed (rotated-out)
token: the session is revoked and ``refresh_token_reuse_detected`` is sent.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from .. import access_tokens, errors, events
from .. import secrets as tokens
from ..models import Session
from ..replicas import auth_check, on_primary, primary_reads, routing
from ..repositories import sessions as repo
from ..unit_of_work import emit, retry_on_conflict, single_statement, transaction
from ..validation import (
    BATCH_SIZE,
    DATETIME,
    DURATION,
    FLAG,
    ID,
    IP_ADDRESS,
    LINE,
    METADATA,
    USER_AGENT,
    checked,
    credential,
)
from . import _recent
from ._base import KeyedService, find_presented
from .cleanup import ExpiryCleanup

__all__ = ["SessionService", "IssuedSession", "ACTIVITY_RESOLUTION"]

_PURPOSE = "refresh-token"
#: ``last_active`` is refreshed by :meth:`SessionService.authenticate` when it is at least this old.
ACTIVITY_RESOLUTION = timedelta(minutes=1)
#: A presented refresh token: anything malformed is ``INVALID_REFRESH_TOKEN``, like a wrong one.
REFRESH_TOKEN = credential(errors.InvalidRefreshToken)
ACCESS_TOKEN = credential(errors.InvalidAccessToken)


@dataclass(frozen=True)
class IssuedSession:
    """A session row, its refresh token (plaintext, shown this once) and a fresh access token.

    Send ``access_token`` with every request (``Authorization: Bearer ...``) and
    ``refresh_token`` to the refresh endpoint only. The access-token fields are
    filled by :meth:`SessionService.create` and :meth:`SessionService.refresh`;
    they default to empty so code that builds an ``IssuedSession`` itself keeps working.
    """

    session: Session
    refresh_token: str
    access_token: str = ""
    access_token_expires_at: datetime | None = None

    def __repr__(self) -> str:  # keep the tokens out of logs and tracebacks
        return f"IssuedSession(session={self.session.id!s}, refresh_token='***', access_token='***')"


class SessionService(KeyedService):
    """Create, authenticate, rotate, list and revoke sessions."""

    # --- issuing -------------------------------------------------------------

    @checked(user_id=ID, user_agent=USER_AGENT, device_name=LINE, ip_address=IP_ADDRESS, data=METADATA,
             mfa_authenticated=FLAG)
    @retry_on_conflict
    def create(self, user_id: uuid.UUID | str, *, user_agent: str | None = None,
               device_name: str | None = None, ip_address: str | None = None,
               data: dict[str, Any] | None = None, mfa_authenticated: bool = False) -> IssuedSession:
        """Start a session; evicts the least recently active ones beyond the per-user maximum.

        Call it once the user has proven a credential: the session's
        ``authenticated_at`` is now; pass ``mfa_authenticated=True`` when MFA
        was passed too (``mfa_authenticated_at``), see :meth:`require_recent`.
        ``user_agent`` is clipped to 512 characters (never inside a character,
        see :func:`~nestauth_peewee.validation.clip_text`); every other value is
        refused, not cut, when it does not fit (``docs/security.md``).
        """
        now = self.now()
        session_id = uuid.uuid4()
        token, secret = tokens.new_id_token(session_id)
        columns: dict[str, Any] = {
            "user_agent": user_agent,
            "device_name": device_name,
            "ip_address": ip_address,
            "data": data if data is not None else {},
        }
        uid = cast(uuid.UUID, user_id)
        limit = self.settings.max_sessions_per_user
        with transaction():
            # One statement checks the user exists, locks its row and inserts; a second removes
            # the user's expired sessions and those beyond the newest limit - 1 (returning them).
            session = repo.insert_for_user(
                session_id=session_id, user_id=uid, now=now,
                refresh_token_hash=self._digest(session_id, secret),
                expires_at=now + self.settings.refresh_token_validity,
                mfa_authenticated=mfa_authenticated, **columns,
            )
            if session is None:
                raise errors.ReferenceNotFound(f"No user with id {uid}; cannot start a session.")
            evicted, _expired = repo.evict(uid, session_id, now=now,
                                           keep=None if limit is None else limit - 1)
            emit(events.session_created, self, session=session, user_id=uid)
            if evicted:
                emit(events.session_revoked, self, user_id=uid, session_ids=evicted, reason="evicted")
        return self._issued(session, token, now)

    # --- presenting a refresh token ---------------------------------------------

    @auth_check
    @checked(refresh_token=REFRESH_TOKEN)
    def authenticate(self, refresh_token: str) -> Session:
        """The live session a refresh token belongs to (``session.user`` loaded); one query.

        Raises :class:`~nestauth_peewee.errors.InvalidRefreshToken` for a
        malformed, unknown, expired, replayed or deactivated-user token alike,
        and its subclass :class:`~nestauth_peewee.errors.SessionExpired` (the
        session is removed) past the absolute lifetime or the idle timeout.
        ``last_active`` is moved to now by a second, conditional statement only
        when it is more than :data:`ACTIVITY_RESOLUTION` old.
        """
        session, _digest, now = self._check(refresh_token)
        self._mark_active(session, now)
        return session

    @on_primary
    @checked(refresh_token=REFRESH_TOKEN, user_agent=USER_AGENT, ip_address=IP_ADDRESS)
    @retry_on_conflict
    def refresh(self, refresh_token: str, *, user_agent: str | None = None,
                ip_address: str | None = None) -> IssuedSession:
        """Rotate: a new refresh token replaces the presented one, atomically.

        A given ``user_agent`` (clipped as in :meth:`create`) or ``ip_address``
        replaces the stored one.

        Of two concurrent refreshes with one token exactly one wins; the other
        finds the digest changed, which is reuse: the session is revoked.
        """
        session, old_digest, _checked_at = self._check(refresh_token)
        now = self.now()
        new_token, new_secret = tokens.new_id_token(session.id)
        columns: dict[str, Any] = {}
        if user_agent is not None:
            columns["user_agent"] = user_agent
        if ip_address is not None:
            columns["ip_address"] = ip_address
        new_digest = self._digest(session.id, new_secret)
        expires_at = now + self.settings.refresh_token_validity
        absolute, _idle = self._deadlines(session)
        if absolute is not None:
            expires_at = min(expires_at, absolute)  # rotation never outlives the absolute lifetime
        with transaction():
            swapped = repo.swap_token(session.id, old_digest, new_digest, now=now,
                                      expires_at=expires_at, **columns)
            if swapped:
                emit(events.session_refreshed, self, session_id=session.id, user_id=session.user_id)
        if not swapped:
            self._revoke_reused(session)
            raise errors.InvalidRefreshToken()
        session.refresh_token_hash = new_digest
        session.expires_at = expires_at
        session.last_active = session.updated_at = now
        for name, value in columns.items():
            setattr(session, name, value)
        session._dirty.clear()
        return self._issued(session, new_token, now)

    # --- access tokens ---------------------------------------------------------

    def _issued(self, session: Session, refresh_token: str, now: datetime) -> IssuedSession:
        access, expires_at = access_tokens.issue(
            self._key, user_id=session.user_id, session_id=session.id, now=now,
            lifetime=self.settings.access_token_validity)
        return IssuedSession(session, refresh_token, access, expires_at)

    def _verification_keys(self) -> tuple[bytes, ...]:
        # The current key signs; verification tries it first, then the previous keys
        # (Settings.secret_key_fallbacks), so a key rotation does not sign everyone out.
        return self._keys.keys

    @checked(access_token=ACCESS_TOKEN)
    def check_access_token(self, access_token: str) -> access_tokens.AccessClaims:
        """The claims of a valid, unexpired access token; **no query**.

        A revoked session's access tokens stay valid here until they expire
        (``Settings.access_token_validity``, 15 minutes by default); use
        :meth:`authenticate_access_token` where a revocation must count at once.
        Raises :class:`~nestauth_peewee.errors.AccessTokenExpired` (refresh and
        retry) or :class:`~nestauth_peewee.errors.InvalidAccessToken`.
        """
        return access_tokens.verify(access_token, self._verification_keys(), now=self.now())

    @auth_check
    @checked(access_token=ACCESS_TOKEN)
    def authenticate_access_token(self, access_token: str) -> Session:
        """Strict check: the token's claims, then its session row and user in one query.

        The session must still exist (not revoked, not expired) and belong to
        the token's user, and the user must be active; otherwise
        :class:`~nestauth_peewee.errors.InvalidAccessToken`. ``session.user`` is loaded.
        """
        claims = self.check_access_token(access_token)
        return self._live(claims.session_id, claims.user_id, errors.InvalidAccessToken)

    @auth_check
    @checked(session_id=ID, user_id=ID.optional)
    def get(self, session_id: uuid.UUID | str, *, user_id: uuid.UUID | str | None = None) -> Session:
        """The live session (``session.user`` loaded) in one query; :class:`SessionNotFound` otherwise.

        Expired sessions, sessions of an inactive user and, when ``user_id`` is
        given, another user's sessions are "not found" alike.
        """
        return self._live(cast("uuid.UUID", session_id), cast("uuid.UUID | None", user_id),
                          errors.SessionNotFound)

    def _live(self, session_id: uuid.UUID, user_id: uuid.UUID | None,
              refusal: type[errors.NestAuthError]) -> Session:
        try:
            return self._live_here(session_id, user_id, refusal)
        except refusal:
            if not routing.may_read_replica():
                raise
        # A replica may lag: a refusal is only decided on the primary.
        with primary_reads():
            return self._live_here(session_id, user_id, refusal)

    def _live_here(self, session_id: uuid.UUID, user_id: uuid.UUID | None,
                   refusal: type[errors.NestAuthError]) -> Session:
        found = repo.get_with_user(session_id)
        if found is None:
            raise refusal()
        session, user = found
        if user_id is not None and session.user_id != user_id:
            raise refusal()
        now = self.now()
        if (session.expires_at is not None and session.expires_at <= now) or not user.is_active:
            raise refusal()
        absolute, idle = self._deadlines(session)  # past either lifetime: refused (refresh removes it)
        if (absolute is not None and absolute <= now) or (idle is not None and idle <= now):
            raise refusal()
        return session

    # --- recent authentication (step-up) ---------------------------------------------

    @on_primary
    @checked(session=ID, within=DURATION.optional, mfa=FLAG, user_id=ID.optional)
    def require_recent(self, session: uuid.UUID | str | Session, *, within: timedelta | None = None,
                       mfa: bool = False, user_id: uuid.UUID | str | None = None) -> Session:
        """The live session if it proved a credential within ``within``, else ``REAUTHENTICATION_REQUIRED``.

        ``within`` defaults to ``Settings.reauthentication_window`` (15
        minutes). With ``mfa`` the session's last MFA pass must be as recent
        too. The error's ``details["needs"]`` is ``"password"`` or ``"mfa"``:
        what to ask the user for (then :meth:`UserService.reauthenticate
        <nestauth_peewee.services.users.UserService.reauthenticate>` or
        :meth:`MfaService.reauthenticate <nestauth_peewee.services.mfa.MfaService.reauthenticate>`).
        The row is read afresh (one query); an unknown, expired or other
        user's session is ``SESSION_NOT_FOUND``.
        """
        found = self._live(cast(uuid.UUID, session), cast("uuid.UUID | None", user_id), errors.SessionNotFound)
        _recent.require_recent(found, now=self.now(), within=within or self.settings.reauthentication_window,
                               mfa=mfa)
        return found

    @on_primary
    @checked(session=ID, mfa=FLAG, user_id=ID.optional)
    @retry_on_conflict
    def mark_authenticated(self, session: uuid.UUID | str | Session, *, mfa: bool = False,
                           user_id: uuid.UUID | str | None = None) -> Session:
        """Record a step-up the app verified itself: ``authenticated_at`` (``mfa``: ``mfa_authenticated_at``) = now.

        For proofs the services do not check in-session (a passwordless code,
        an OAuth round trip, a recovery code); the password and TOTP step-ups
        are :meth:`UserService.reauthenticate` and :meth:`MfaService.reauthenticate`.
        """
        found = self._live(cast(uuid.UUID, session), cast("uuid.UUID | None", user_id), errors.SessionNotFound)
        return _recent.record_step_up(found, now=self.now(), mfa=mfa)

    # --- checking a refresh token -------------------------------------------------

    def _check(self, refresh_token: str) -> tuple[Session, str, datetime]:
        """The live session, its stored digest (made under the current or a previous key), and
        the clock reading it was judged at."""
        # A refusal (or a reuse) seen on a lagging replica is decided again on the primary.
        (session, user), session_id, secret, digest = find_presented(
            tokens.parse_id_token(refresh_token), errors.InvalidRefreshToken, self._digest, repo.get_with_user,
            lambda found, digest: tokens.digests_equal(digest, found[0].refresh_token_hash))
        if self._keys.match_digest(session.refresh_token_hash, _PURPOSE, session_id.hex, secret,
                                   current=digest) is None:
            self._revoke_reused(session)
            raise errors.InvalidRefreshToken()
        now = self.now()
        self._enforce_lifetimes(session, now)
        if session.expires_at is not None and session.expires_at <= now:
            repo.delete(session.id)
            raise errors.InvalidRefreshToken()
        if not user.is_active:
            raise errors.InvalidRefreshToken()
        return session, session.refresh_token_hash, now

    def _enforce_lifetimes(self, session: Session, now: datetime) -> None:
        """Refuse (and remove) a session past its absolute lifetime or idle timeout."""
        absolute, idle = self._deadlines(session)
        reason = ("absolute_lifetime" if absolute is not None and absolute <= now
                  else "idle_timeout" if idle is not None and idle <= now else None)
        if reason is None:
            return
        with transaction():
            removed = repo.delete(session.id)
            if removed:
                emit(events.session_revoked, self, user_id=session.user_id, session_ids=[session.id],
                     reason=reason)
        raise errors.SessionExpired(reason=reason)

    def _deadlines(self, session: Session) -> tuple[datetime | None, datetime | None]:
        """``(absolute, idle)``: when the session ends however it is used, and when it ends unused.

        ``None`` for a limit switched off in the settings. The idle deadline
        counts from ``last_active`` (kept to within :data:`ACTIVITY_RESOLUTION`).
        """
        absolute = self.settings.session_absolute_lifetime
        idle = self.settings.session_idle_timeout
        last = session.last_active or session.created_at
        return (session.created_at + absolute if absolute is not None else None,
                last + idle if idle is not None else None)

    def _mark_active(self, session: Session, now: datetime) -> None:
        stale_at = now - ACTIVITY_RESOLUTION
        if session.last_active is not None and session.last_active > stale_at:
            return  # the common case: no write
        if repo.mark_active(session.id, now=now, stale_at=stale_at):
            session.last_active = now
            session._dirty.clear()

    @retry_on_conflict
    def _revoke_reused(self, session: Session) -> None:
        with transaction():
            removed = repo.delete(session.id)
            emit(events.refresh_token_reuse_detected, self, session_id=session.id, user_id=session.user_id)
            if removed:
                emit(events.session_revoked, self, user_id=session.user_id, session_ids=[session.id],
                     reason="reuse")

    def _digest(self, session_id: uuid.UUID, secret: str) -> str:
        return tokens.keyed_digest(self._key, _PURPOSE, session_id.hex, secret)

    # --- managing ------------------------------------------------------------

    @checked(session_id=ID)
    def touch(self, session_id: uuid.UUID | str) -> None:
        """Record activity now; :class:`SessionNotFound` if the session is gone."""
        if not repo.touch(session_id, self.now()):
            raise errors.SessionNotFound()

    @checked(user_id=ID)
    @retry_on_conflict
    def list_active(self, user_id: uuid.UUID | str) -> list[Session]:
        """The user's live sessions, most recently active first; dead ones are removed.

        Each carries ``absolute_expires_at`` and ``idle_expires_at`` (see
        :meth:`_deadlines`; ``None`` where the limit is off) beside
        ``expires_at`` (the refresh token's own expiry).
        """
        now = self.now()
        live = []
        with transaction():
            repo.delete_expired_for_user(user_id, now=now)
            dead = []
            for session in repo.list_for_user(user_id, now=now):
                absolute, idle = self._deadlines(session)
                if (absolute is not None and absolute <= now) or (idle is not None and idle <= now):
                    dead.append(session.id)
                    continue
                session.absolute_expires_at, session.idle_expires_at = absolute, idle
                live.append(session)
            if dead:
                repo.delete_ids(dead)
                emit(events.session_revoked, self, user_id=user_id, session_ids=dead, reason="expired")
        return live

    @checked(session_id=ID, user_id=ID.optional)
    @retry_on_conflict
    def revoke(self, session_id: uuid.UUID | str, *, user_id: uuid.UUID | str | None = None) -> None:
        """End one session (of ``user_id``, when given); :class:`SessionNotFound` if absent."""
        with transaction():
            session = repo.get(session_id)
            if session is None or (user_id is not None and session.user_id != user_id):
                raise errors.SessionNotFound()
            repo.delete(session.id)
            emit(events.session_revoked, self, user_id=session.user_id, session_ids=[session.id],
                 reason="revoked")

    @checked(user_id=ID, except_session=ID.optional)
    @retry_on_conflict
    def revoke_all(self, user_id: uuid.UUID | str, *, except_session: uuid.UUID | str | None = None
                   ) -> int:
        """End every session of the user (but ``except_session``); returns how many ended.

        One ``DELETE ... RETURNING`` statement (no transaction of its own when
        none is open); two in a transaction where the dialect cannot return
        deleted rows, or when the audit trail is on (``Settings.audit``: the
        audit row's INSERT joins the DELETE's transaction).
        """
        uid, except_id = cast(uuid.UUID, user_id), cast(uuid.UUID | None, except_session)
        # With the audit trail on, a transaction: its row commits with the DELETE.
        one = repo.one_statement_deletes() and not self.settings.audit
        with single_statement() if one else transaction():
            ids = repo.delete_for_user_returning(uid, except_id=except_id)
            if ids:
                emit(events.session_revoked, self, user_id=user_id, session_ids=ids, reason="revoked")
        return len(ids)

    @checked(user_id=ID, current_session=ID)
    def revoke_others(self, user_id: uuid.UUID | str, current_session: uuid.UUID | str) -> int:
        """End every session of the user except the current one."""
        return self.revoke_all(user_id, except_session=current_session)

    @checked(batch_size=BATCH_SIZE.optional, now=DATETIME.optional)
    def cleanup_expired(self, *, batch_size: int | None = None, now: datetime | None = None) -> int:
        """Delete expired sessions in batches of one statement each; returns the total.

        Each batch commits on its own, so locks are held briefly and a long
        clean-up never blocks logins. ``batch_size`` defaults to a per-dialect
        size measured to keep each batch well under a second
        (``repositories.sessions.CLEANUP_BATCH_SIZE``). The same as
        :meth:`ExpiryCleanup.sessions <nestauth_peewee.services.cleanup.ExpiryCleanup.sessions>`,
        which needs no secret key.
        """
        return ExpiryCleanup(clock=self._clock).sessions(batch_size=batch_size, now=now)
