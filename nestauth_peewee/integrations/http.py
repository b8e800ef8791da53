"""The HTTP status and JSON body for a library error, for any web framework.

    from nestauth_peewee import errors
    from nestauth_peewee.integrations.http import error_body, status_for

    try:
        users.register(email=email, password=password)
    except errors.NestAuthError as exc:
        return error_body(exc), status_for(exc)      # {"error": "EMAIL_ALREADY_EXISTS", ...}, 409

Bodies carry the stable ``code`` and the message, which says what to do and
never contains a secret.
"""

from __future__ import annotations

from typing import Any

from .. import errors

__all__ = ["status_for", "error_body"]

# Most specific first: the first class the error is an instance of decides.
_STATUSES: tuple[tuple[type[errors.NestAuthError], int], ...] = (
    (errors.AccountInactive, 403),
    (errors.AccountLocked, 429),
    (errors.AuthenticationError, 401),
    (errors.CredentialRejected, 401),
    (errors.NotFound, 404),
    (errors.LastAdminUser, 409),
    (errors.ReferenceNotFound, 422),
    (errors.ConflictError, 409),
    (errors.ValidationError, 422),
    (errors.DatabaseBusy, 503),
    (errors.DatabaseUnavailable, 503),
    (errors.DatabaseReadOnly, 503),
    (errors.ConfigurationError, 500),
)


def status_for(error: errors.NestAuthError) -> int:
    """401 for refused credentials, 403 inactive account, 429 throttled (``ACCOUNT_LOCKED``), 404,
    409 conflicts, 422 bad input, 503 busy."""
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
    return body
