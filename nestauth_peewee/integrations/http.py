"""The HTTP status, JSON body and headers for a library error, for any web framework.

    from nestauth_peewee import errors
    from nestauth_peewee.integrations.http import error_body, status_for

    try:
        users.register(email=email, password=password)
    except errors.NestAuthError as exc:
        return error_body(exc), status_for(exc)      # {"error": "EMAIL_ALREADY_EXISTS", ...}, 409

Bodies carry the stable ``code`` and the message, which says what to do and
never contains a secret. Every refusal has this one shape, the 401s and 403s of
the ``auth_required`` / ``permission_required`` / ``role_required`` decorators
included::

    401  {"error": "AUTHENTICATION_REQUIRED" | "INVALID_ACCESS_TOKEN" | "ACCESS_TOKEN_EXPIRED"
                   | "INVALID_ACCESS_KEY" | ..., "message": "..."}
         + WWW-Authenticate: Bearer (RFC 6750; error="invalid_token" for a bad or expired token)
    403  {"error": "PERMISSION_DENIED", "message": "You need the reports.read permission."}
    403  {"error": "CSRF_REJECTED", "message": "..."}

:func:`refusal` gives all three parts at once. The other way round, :func:`json_object` and
:func:`text_fields` read a request body, and :func:`token_body` is the answer that hands a
bearer client its tokens.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .. import errors

if TYPE_CHECKING:
    from ..services.sessions import IssuedSession

__all__ = ["status_for", "error_body", "headers_for", "refusal", "MAX_BODY_BYTES", "json_object",
           "text_fields", "token_body"]

#: The request-body limit of the example apps (and a sane default for JSON auth routes): 64 KiB.
MAX_BODY_BYTES = 64 * 1024

# Most specific first: the first class the error is an instance of decides.
_STATUSES: tuple[tuple[type[errors.NestAuthError], int], ...] = (
    (errors.AccountInactive, 403),
    (errors.AccountLocked, 429),
    (errors.PermissionDenied, 403),
    (errors.CsrfRejected, 403),
    (errors.AuthenticationError, 401),
    (errors.CredentialRejected, 401),
    (errors.NotFound, 404),
    (errors.LastAdminUser, 409),
    (errors.ReferenceNotFound, 422),
    (errors.MalformedRequest, 400),
    (errors.RequestTooLarge, 413),
    (errors.ConflictError, 409),
    (errors.ValidationError, 422),
    (errors.DatabaseBusy, 503),
    (errors.DatabaseUnavailable, 503),
    (errors.DatabaseReadOnly, 503),
    (errors.ConfigurationError, 500),
)


def status_for(error: errors.NestAuthError) -> int:
    """401 refused or missing credentials, 403 inactive account / missing permission / CSRF,
    429 throttled (``ACCOUNT_LOCKED``), 400 malformed body, 404, 409 conflicts, 413 body too
    large, 422 bad input, 503 busy."""
    for cls, status in _STATUSES:
        if isinstance(error, cls):
            return status
    return 400


def error_body(error: errors.NestAuthError) -> dict[str, Any]:
    """``{"error": code, "message": text}``, plus the broken rules of a password policy violation."""
    body: dict[str, Any] = {"error": error.code, "message": error.message}
    if isinstance(error, errors.PasswordPolicyViolation) and "reasons" in error.details:
        body["reasons"] = list(error.details["reasons"])
    if isinstance(error, errors.AccountLocked):
        body["retry_after"] = error.retry_after  # seconds; also worth a Retry-After header
    if isinstance(error, errors.ReauthenticationRequired) and "needs" in error.details:
        body["needs"] = error.details["needs"]  # "password" or "mfa": what to ask for
    return body


def headers_for(error: errors.NestAuthError) -> dict[str, str]:
    """Extra response headers: ``WWW-Authenticate`` on a 401 (RFC 6750's bearer scheme)."""
    if status_for(error) != 401:
        return {}
    if isinstance(error, errors.InvalidAccessToken):
        return {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    if isinstance(error, errors.ReauthenticationRequired):  # a step-up, RFC 9470
        return {"WWW-Authenticate": 'Bearer error="insufficient_user_authentication"'}
    return {"WWW-Authenticate": "Bearer"}


def refusal(error: errors.NestAuthError) -> tuple[int, dict[str, Any], dict[str, str]]:
    """``(status, body, headers)`` of the answer to a refused request."""
    return status_for(error), error_body(error), headers_for(error)


def json_object(raw: bytes, content_type: str | None, *, limit: int = MAX_BODY_BYTES) -> dict[str, Any]:
    """The body as a JSON object; an empty body is ``{}``.

    :class:`~nestauth_peewee.errors.RequestTooLarge` past ``limit`` bytes,
    :class:`~nestauth_peewee.errors.MalformedRequest` for another content type,
    bytes that are not UTF-8, JSON that does not parse, or JSON that is not an object.
    """
    if len(raw) > limit:
        raise errors.RequestTooLarge(f"The request body is over {limit} bytes.")
    if not raw.strip():
        return {}
    if (content_type or "").split(";")[0].strip().lower() != "application/json":
        raise errors.MalformedRequest()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise errors.MalformedRequest("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise errors.MalformedRequest("The body must be a JSON object ({...}).")
    return data


def text_fields(data: dict[str, Any], *names: str) -> list[str | None]:
    """The named fields of a JSON object, each a string or ``None`` (absent or null).

    Any other type, a NUL or a lone surrogate is a
    :class:`~nestauth_peewee.errors.MalformedRequest` naming the field.
    """
    values: list[str | None] = []
    for name in names:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise errors.MalformedRequest(f"{name} must be a string.", field=name)
        if value is not None and ("\x00" in value or not _encodable(value)):
            raise errors.MalformedRequest(f"{name} contains a NUL or a lone surrogate.", field=name)
        values.append(value)
    return values


def token_body(issued: IssuedSession) -> dict[str, Any]:
    """The JSON answer to a sign-in or a refresh for a bearer client (the example apps' /login)::

        {"access_token": "...", "token_type": "Bearer", "expires_at": "2026-...+00:00",
         "refresh_token": "...", "session_id": "<hex>", "user_id": "<hex>"}

    ``expires_at`` is the access token's (ISO 8601, UTC). The refresh token belongs to the
    refresh route only; the access token goes with every request as ``Authorization: Bearer``.
    """
    expires_at = issued.access_token_expires_at
    return {"access_token": issued.access_token, "token_type": "Bearer",
            "expires_at": expires_at.isoformat() if expires_at is not None else None,
            "refresh_token": issued.refresh_token, "session_id": issued.session.id.hex,
            "user_id": issued.session.user_id.hex}


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

