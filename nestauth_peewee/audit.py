"""The security audit trail: what is recorded, from which signal, and the request's context.

Rows go to nest_auth_audit_events (``models/audit.py``). They are written from
one place, :mod:`~nestauth_peewee.unit_of_work`:

* a **success** is derived from the event a service already emits
  (:func:`unit_of_work.emit <nestauth_peewee.unit_of_work.emit>` asks
  :func:`success_row` for the row) and written in the *same* transaction as
  the change, as one ``INSERT`` of all the rows an operation queued, just
  before its commit; a rolled-back operation leaves no row;
* a **failure** (a refused sign-in, a lockout) is handed to
  :func:`unit_of_work.record_failure <nestauth_peewee.unit_of_work.record_failure>`
  and written in its *own* transaction once the caller's outermost
  :func:`~nestauth_peewee.unit_of_work.transaction` has ended, committed or
  rolled back, so it stays although the caller's work did not.

Reads write nothing: checking an access token, a refresh token or an API key
adds no row. A row never holds a secret: :func:`success_row` builds each
``detail`` from named, non-secret fields (ids, counts, reasons), never from a
payload copied whole, and no column takes a password, token, code or key.

Who and where come from the services' arguments (a session's IP address and
user agent) or from :func:`context`, which an app (or the integrations) sets
around a request::

    from nestauth_peewee import audit

    with audit.context(ip_address=request.remote_addr, user_agent=request.user_agent.string,
                       actor_id=current_admin.id):
        auth.staff.grant(user_id)
"""

from __future__ import annotations

import contextvars
import functools
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, cast

from blinker import Signal

from . import errors, events
from .fields import utcnow
from .models.audit import OUTCOME_FAILURE, OUTCOME_SUCCESS
from .validation import ID, IP_ADDRESS, USER_AGENT, Kind, checked

__all__ = [
    "AuditContext", "context", "current_context", "enter_request", "leave_request", "success_row", "failure_row", "wanted", "EVENT_TYPES",
    "SIGN_IN", "ADMIN_SIGN_IN", "LOCKOUT", "PASSWORD_CHANGED", "PASSWORD_RESET", "MFA_ENABLED",
    "MFA_DISABLED", "RECOVERY_CODE_USED", "SESSION_REVOKED", "REFRESH_TOKEN_REUSE", "ACCESS_KEY_CREATED",
    "ACCESS_KEY_DEACTIVATED", "ACCESS_KEY_DELETED", "ROLES_CHANGED", "STAFF_ACCESS_CHANGED", "USER_DELETED",
    "USER_ACTIVATED", "USER_DEACTIVATED",
]

SIGN_IN = "sign_in"
ADMIN_SIGN_IN = "admin.sign_in"
LOCKOUT = "lockout"
PASSWORD_CHANGED = "password.changed"
PASSWORD_RESET = "password.reset"
MFA_ENABLED = "mfa.enabled"
MFA_DISABLED = "mfa.disabled"
RECOVERY_CODE_USED = "recovery_code.used"
SESSION_REVOKED = "session.revoked"
REFRESH_TOKEN_REUSE = "refresh_token.reuse"
ACCESS_KEY_CREATED = "access_key.created"
ACCESS_KEY_DEACTIVATED = "access_key.deactivated"
ACCESS_KEY_DELETED = "access_key.deleted"
ROLES_CHANGED = "roles.changed"
STAFF_ACCESS_CHANGED = "staff_access.changed"
USER_DELETED = "user.deleted"
USER_ACTIVATED = "user.activated"
USER_DEACTIVATED = "user.deactivated"

#: Every event type the library records.
EVENT_TYPES = (SIGN_IN, ADMIN_SIGN_IN, LOCKOUT, PASSWORD_CHANGED, PASSWORD_RESET, MFA_ENABLED, MFA_DISABLED,
               RECOVERY_CODE_USED, SESSION_REVOKED, REFRESH_TOKEN_REUSE, ACCESS_KEY_CREATED,
               ACCESS_KEY_DEACTIVATED, ACCESS_KEY_DELETED, ROLES_CHANGED, STAFF_ACCESS_CHANGED, USER_DELETED,
               USER_ACTIVATED, USER_DEACTIVATED)

#: At most this many ids are listed in a row's detail (the count is always there).
MAX_LISTED = 20


@dataclass(frozen=True)
class AuditContext:
    """Who acts and from where, for the rows written while it is current (see :func:`context`)."""

    actor_id: uuid.UUID | None = None
    ip_address: str | None = None
    user_agent: str | None = None
    tenant_id: uuid.UUID | None = None


_EMPTY = AuditContext()
_current: contextvars.ContextVar[AuditContext] = contextvars.ContextVar("nestauth_audit_context", default=_EMPTY)


@contextmanager
@checked(actor_id=ID.optional, ip_address=IP_ADDRESS, user_agent=USER_AGENT, tenant_id=ID.optional)
def context(*, actor_id: uuid.UUID | str | None = None, ip_address: str | None = None,
            user_agent: str | None = None, tenant_id: uuid.UUID | str | None = None) -> Iterator[AuditContext]:
    """Record ``actor_id``, ``ip_address``, ``user_agent`` (and ``tenant_id``) with the rows written inside.

    Values are checked like service arguments (an IP address in canonical form,
    the user agent clipped to 512 characters); a value left out is inherited
    from an enclosing context. Per thread and per asyncio task (a context variable).
    """
    outer = _current.get()
    merged = AuditContext(
        actor_id=actor_id if actor_id is not None else outer.actor_id,  # type: ignore[arg-type]
        ip_address=ip_address if ip_address is not None else outer.ip_address,
        user_agent=user_agent if user_agent is not None else outer.user_agent,
        tenant_id=tenant_id if tenant_id is not None else outer.tenant_id,  # type: ignore[arg-type]
    )
    token = _current.set(merged)
    try:
        yield merged
    finally:
        _current.reset(token)


def enter_request(ip_address: Any, user_agent: Any) -> contextvars.Token[AuditContext]:
    """Start a request's context (the integrations call it); a value that does not check is left out.

    Never raises: a request with an odd peer address or user agent is served, its
    rows just lack that value. Pair with :func:`leave_request`.
    """
    outer = _current.get()
    if (ip_address is None or ip_address.__class__ is str) and (user_agent is None or user_agent.__class__ is str):
        return _current.set(_request_context(outer, ip_address, user_agent))
    return _current.set(_request_context.__wrapped__(outer, ip_address, user_agent))


@functools.lru_cache(maxsize=1024)
def _request_context(outer: AuditContext, ip_address: Any, user_agent: Any) -> AuditContext:
    # Cached for text: a server sees the same few peers and user agents request after request,
    # and every request enters a context (checking an IP address costs several µs).
    ip = _request_value(IP_ADDRESS, "ip_address", ip_address)
    agent = _request_value(USER_AGENT, "user_agent", user_agent)
    if ip is None and agent is None:
        return outer
    return replace(outer, ip_address=ip or outer.ip_address, user_agent=agent or outer.user_agent)


def _request_value(kind: Kind, name: str, value: Any) -> str | None:
    """``value`` checked by ``kind`` (None: absent or refused)."""
    if value is None:
        return None
    try:
        return cast("str | None", kind(name, value))
    except errors.NestAuthError:
        return None


def leave_request(token: contextvars.Token[AuditContext]) -> None:
    """End the context :func:`enter_request` started (a token of another context is ignored)."""
    try:  # noqa: SIM105 - contextlib.suppress costs two more frames on every request
        _current.reset(token)
    except ValueError:  # made in another contextvars.Context: nothing of ours to undo
        pass


def current_context() -> AuditContext:
    """The :class:`AuditContext` in force here (empty outside any :func:`context`)."""
    return _current.get()


def wanted(settings: Any) -> bool:
    """Whether ``settings`` (a :class:`~nestauth_peewee.config.Settings`, or None) keep the trail."""
    return bool(getattr(settings, "audit", True))


def _row(event: str, outcome: str, *, user_id: Any = None, tenant_id: Any = None, ip_address: str | None = None,
         user_agent: str | None = None, detail: dict[str, Any] | None = None) -> dict[str, Any]:
    ctx = _current.get()
    return {
        "occurred_at": utcnow(),
        "event": event,
        "outcome": outcome,
        "actor_id": ctx.actor_id,
        "user_id": user_id,
        "tenant_id": tenant_id if tenant_id is not None else ctx.tenant_id,
        "ip_address": ip_address if ip_address is not None else ctx.ip_address,
        "user_agent": user_agent if user_agent is not None else ctx.user_agent,
        "detail": detail or {},
    }


def _ids(values: Any) -> dict[str, Any]:
    listed = [str(v) for v in (values or [])]
    return {"count": len(listed), "session_ids": listed[:MAX_LISTED]}


def failure_row(settings: Any, event: str, *, user_id: Any = None, reason: str,
                detail: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The row of a refused attempt (``reason``: the error code), or None when ``settings`` keep no trail."""
    if not wanted(settings):
        return None
    return _row(event, OUTCOME_FAILURE, user_id=user_id, detail={"reason": reason, **(detail or {})})


# --- successes, from the signals the services emit ----------------------------------

Recorder = Callable[[dict[str, Any]], dict[str, Any] | None]


def _session_created(p: dict[str, Any]) -> dict[str, Any]:
    session = p["session"]
    method = (session.data or {}).get("auth_method") if isinstance(session.data, dict) else None
    return _row(SIGN_IN, OUTCOME_SUCCESS, user_id=p.get("user_id"), ip_address=session.ip_address,
                user_agent=session.user_agent,
                detail={"session_id": str(session.id), **({"method": str(method)[:32]} if method else {})})


def _session_revoked(p: dict[str, Any]) -> dict[str, Any]:
    return _row(SESSION_REVOKED, OUTCOME_SUCCESS, user_id=p.get("user_id"),
                detail={"reason": p.get("reason"), **_ids(p.get("session_ids"))})


def _reuse(p: dict[str, Any]) -> dict[str, Any]:
    return _row(REFRESH_TOKEN_REUSE, OUTCOME_FAILURE, user_id=p.get("user_id"),
                detail={"session_id": str(p.get("session_id"))})


def _counts(*names: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda p: {name: p[name] for name in names if isinstance(p.get(name), int)}


def _simple(event: str, detail: Callable[[dict[str, Any]], dict[str, Any]] = lambda p: {},
            outcome: str = OUTCOME_SUCCESS) -> Recorder:
    return lambda p: _row(event, outcome, user_id=p.get("user_id"), tenant_id=p.get("tenant_id"),
                          detail=detail(p))


def _activation(p: dict[str, Any]) -> dict[str, Any] | None:
    """``user_updated`` is a security event only when it switches the account on or off."""
    if "is_active" not in (p.get("changed") or ()):
        return None
    user = p.get("user")
    event = USER_ACTIVATED if getattr(user, "is_active", False) else USER_DEACTIVATED
    return _row(event, OUTCOME_SUCCESS, user_id=p.get("user_id"),
                detail=_counts("sessions_revoked", "trusted_devices_revoked")(p))


def _key_id(p: dict[str, Any]) -> dict[str, Any]:
    key = p.get("key")
    return {"key_id": str(key.id if key is not None else p.get("key_id"))}


def _roles(p: dict[str, Any]) -> dict[str, Any]:
    return {"scope": p.get("scope"), "added": list(p.get("added", []))[:MAX_LISTED],
            "removed": list(p.get("removed", []))[:MAX_LISTED]}


_RECORDERS: dict[Signal, Recorder] = {
    events.session_created: _session_created,
    events.session_revoked: _session_revoked,
    events.refresh_token_reuse_detected: _reuse,
    events.password_changed: _simple(PASSWORD_CHANGED, _counts("sessions_revoked", "trusted_devices_revoked")),
    events.password_reset: _simple(PASSWORD_RESET, _counts("sessions_revoked", "trusted_devices_revoked",
                                                           "access_keys_deactivated")),
    events.mfa_enabled: _simple(MFA_ENABLED),
    events.mfa_disabled: _simple(MFA_DISABLED),
    events.recovery_code_used: _simple(RECOVERY_CODE_USED, _counts("remaining")),
    events.access_key_created: _simple(ACCESS_KEY_CREATED, _key_id),
    events.access_key_deactivated: _simple(ACCESS_KEY_DEACTIVATED, _key_id),
    events.access_key_deleted: _simple(ACCESS_KEY_DELETED, _key_id),
    events.roles_changed: _simple(ROLES_CHANGED, _roles),
    events.staff_access_changed: _simple(STAFF_ACCESS_CHANGED, lambda p: {"change": p.get("change")}),
    events.user_deleted: _simple(USER_DELETED),
    events.user_updated: _activation,
    events.admin_signed_in: lambda p: _row(ADMIN_SIGN_IN, OUTCOME_SUCCESS, user_id=p.get("admin_id")),
}


def success_row(signal: Signal, sender: Any, payload: dict[str, Any]) -> dict[str, Any] | None:
    """The audit row ``signal`` (sent by ``sender``, a service) stands for, or None.

    None for a signal that is not a security event, and when the sender's
    settings switch the trail off (``Settings.audit``).
    """
    recorder = _RECORDERS.get(signal)
    if recorder is None or not wanted(getattr(sender, "settings", None)):
        return None
    return recorder(payload)
