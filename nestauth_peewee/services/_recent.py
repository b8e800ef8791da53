"""Recent authentication: what the ``session=`` parameters of the services check (ASVS 5.0 7.5.1).

A session records when a credential was last proven in it (``authenticated_at``:
its creation, or a password step-up) and when MFA was last passed
(``mfa_authenticated_at``). A change of email, phone, password or MFA made
with ``session=`` given needs the first within ``Settings.reauthentication_window``,
and the second too when the user has MFA on; otherwise
:class:`~nestauth_peewee.errors.ReauthenticationRequired` says which to ask for.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from .. import errors
from ..models import Session, User
from ..repositories import sessions as sessions_repo

__all__ = ["require_recent", "live_session", "check_session", "record_step_up"]


def require_recent(session: Session, *, now: datetime, within: timedelta, mfa: bool) -> None:
    """Refuse unless the session's sign-in (and with ``mfa`` its MFA pass) is younger than ``within``."""
    oldest = now - within
    proofs = [("password", session.authenticated_at)]
    if mfa:
        proofs.append(("mfa", session.mfa_authenticated_at))
    for needs, at in proofs:
        if at is None or at <= oldest:
            raise errors.ReauthenticationRequired(needs=needs, within=int(within.total_seconds()))


def live_session(session_id: uuid.UUID, *, now: datetime, user_id: uuid.UUID | None = None
                 ) -> tuple[Session, User]:
    """The unexpired session (of ``user_id``, when given) of an active user, and that user (one query).

    Anything else is :class:`~nestauth_peewee.errors.SessionNotFound`.
    """
    found = sessions_repo.get_with_user(session_id)
    if found is None:
        raise errors.SessionNotFound()
    session, user = found
    if ((user_id is not None and session.user_id != user_id) or not user.is_active
            or (session.expires_at is not None and session.expires_at <= now)):
        raise errors.SessionNotFound()
    return session, user


def check_session(session_id: uuid.UUID | None, user_id: uuid.UUID, *, now: datetime, within: timedelta) -> None:
    """The ``session=`` check of a sensitive change: nothing when no session is given.

    The session must be the user's and live; its sign-in recent, and its MFA
    pass too when the user has MFA on.
    """
    if session_id is None:
        return
    session, user = live_session(session_id, now=now, user_id=user_id)
    require_recent(session, now=now, within=within, mfa=user.is_mfa_enabled)


def record_step_up(session: Session, *, now: datetime, mfa: bool) -> Session:
    """Store a proof just made in ``session``: ``authenticated_at`` (``mfa``: ``mfa_authenticated_at``) = now."""
    if not sessions_repo.mark_authenticated(session.id, now=now, mfa=mfa):
        raise errors.SessionNotFound()
    setattr(session, "mfa_authenticated_at" if mfa else "authenticated_at", now)
    session._dirty.clear()
    return session
