"""The library's exceptions: one base class, one subclass per stable code.

Every error carries a ``code`` (a stable string an API can return to its
clients) and a human message that says what to do. Driver exceptions are
translated into these at the database boundary (see :mod:`.driver_errors`), so a
caller never has to import psycopg2 or pymysql to handle a conflict::

    from nestauth_peewee import errors

    try:
        users.register(email="bob@example.com", password="...")
    except errors.EmailAlreadyExists as exc:
        return {"error": exc.code}, 409

Conflict errors also subclass :class:`peewee.IntegrityError`, so code written
against plain peewee keeps working.
"""

from __future__ import annotations

from typing import Any, ClassVar

import peewee

__all__ = [
    "NestAuthError",
    "ConfigurationError",
    "DatabaseUnavailable",
    "SchemaMissing",
    "ForeignKeyRefused",
    "DatabaseReadOnly",
    "TransactionsRefused",
    "ValidationError",
    "InvalidValue",
    "ValueTooLong",
    "RequiredValueMissing",
    "ConflictError",
    "UniqueViolation",
    "EmailAlreadyExists",
    "PhoneAlreadyExists",
    "IdentityAlreadyLinked",
    "AccessKeyAlreadyExists",
    "MembershipAlreadyExists",
    "StaffAccessAlreadyExists",
    "RoleAlreadyExists",
    "PermissionAlreadyExists",
    "RolePermissionAlreadyExists",
    "TenantAlreadyExists",
    "AdminEmailAlreadyExists",
    "SessionTokenCollision",
    "BlockedDomainAlreadyExists",
    "ReferenceNotFound",
    "NotFound",
    "MigrationError",
    # users, passwords, identities, admin users
    "UserNotFound",
    "IdentityNotFound",
    "AdminUserNotFound",
    "EmailOrPhoneRequired",
    "InvalidEmail",
    "InvalidPhone",
    "EmailDomainBlocked",
    "InvalidEmailDomain",
    "UserHasNoEmail",
    "UserHasNoPhone",
    "PasswordPolicyViolation",
    "NewPasswordSameAsCurrent",
    "AuthenticationError",
    "InvalidCredentials",
    "CurrentPasswordIncorrect",
    "AccountInactive",
    "AccountLocked",
    "LastAdminUser",
    "DatabaseBusy",
    # tenancy and RBAC
    "InvalidSlugFormat",
    "InvalidGuard",
    "InvalidRoleScope",
    "RolePermissionValidationFailed",
    "TenantNotFound",
    "RoleNotFound",
    "PermissionNotFound",
    "MembershipNotFound",
    "StaffAccessNotFound",
    "TransactionConflict",
    # sessions, API keys, OTPs, MFA, trusted devices
    "CredentialRejected",
    "InvalidRefreshToken",
    "SessionNotFound",
    "InvalidAccessToken",
    "MalformedRequest",
    "RequestTooLarge",
    "AccessTokenExpired",
    "AuthenticationRequired",
    "ReauthenticationRequired",
    "PermissionDenied",
    "CsrfRejected",
    "InvalidAccessKey",
    "InactiveAccessKey",
    "ExpiredAccessKey",
    "AccessKeyNotFound",
    "VerificationCodeInvalid",
    "VerificationCodeExpired",
    "MfaCodeInvalid",
    "MfaDeviceNotFound",
    "MfaMethodRequired",
    "RecoveryCodeInvalid",
    "TrustedDeviceInvalid",
    "TrustedDeviceNotFound",
    # seeding
    "InvalidSeedFile",
    "SeedEntryFailed",
]


class NestAuthError(Exception):
    """Base class of every error this library raises on purpose."""

    code: ClassVar[str] = "NEST_AUTH_ERROR"
    default_message: ClassVar[str] = "The auth layer refused the operation."

    def __init__(self, message: str | None = None, **details: Any) -> None:
        self.message = message or self.default_message
        self.details = details
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


# --- configuration and connectivity -----------------------------------------


class ConfigurationError(NestAuthError):
    """The library was set up wrongly (bad URL, unknown dialect, missing key)."""

    code = "CONFIGURATION_ERROR"


class DatabaseUnavailable(NestAuthError):
    """The database server could not be reached, refused the connection, or dropped it.

    Also a cluster node that is not ready (MariaDB Galera 1047). Nothing was
    written by the failed statement; retry once the database is back.
    """

    code = "DATABASE_UNAVAILABLE"
    default_message = "The database cannot be reached (or dropped the connection); retry shortly."


class DatabaseReadOnly(NestAuthError):
    """A write reached a read-only database (a replica, a read-only transaction or file).

    PostgreSQL SQLSTATE 25006, MySQL/MariaDB 1290/1792, SQLite's "readonly
    database". Point writes at the primary; nothing was written.
    """

    code = "DATABASE_READ_ONLY"
    default_message = "The database is read-only (a replica?); send writes to the primary."


class SchemaMissing(NestAuthError, peewee.OperationalError, peewee.ProgrammingError):
    """A table (or column) the models use is not in the database: the schema was never
    created, or is older than the library. Still the peewee error the driver's was
    (SQLite: ``OperationalError``; PostgreSQL, MySQL: ``ProgrammingError``)."""

    code = "SCHEMA_MISSING"
    default_message = (
        "The database lacks a table the library needs: run `nestauth migrate` (or, in "
        "development, `nestauth create-tables`) on it."
    )


class ForeignKeyRefused(NestAuthError, peewee.OperationalError):
    """MySQL/MariaDB refused to create a foreign key (errno 150), usually a character-set mismatch."""

    code = "FOREIGN_KEY_REFUSED"
    default_message = (
        "MySQL/MariaDB refused a foreign key (errno 150): the referencing column must have the "
        "same type, character set and collation as the column it references. The nest-auth "
        "tables are utf8mb4: a database whose default character set is another one (latin1, "
        "say; see SELECT @@character_set_database) gives an app table without its own "
        "CHARSET that character set. Create the database with CHARACTER SET utf8mb4 (or ALTER "
        "DATABASE ... CHARACTER SET utf8mb4), or derive the app model from AuthModel."
    )


class TransactionsRefused(DatabaseUnavailable):
    """The connection was closed at ``BEGIN``: what pgbouncer in statement pooling mode does.

    The library needs transactions; put pgbouncer in ``pool_mode = transaction``
    (see docs/scaling.md).
    """

    code = "TRANSACTIONS_REFUSED"


# --- bad values ---------------------------------------------------------------


class ValidationError(NestAuthError, ValueError):
    """A value was refused before (or by) the database."""

    code = "VALIDATION_ERROR"


class InvalidValue(ValidationError):
    """A value of the wrong type or shape (NUL byte, not JSON, not a UUID)."""

    code = "INVALID_VALUE"


class ValueTooLong(ValidationError):
    """A string is longer than its column allows; nothing is truncated."""

    code = "VALUE_TOO_LONG"


class RequiredValueMissing(ValidationError):
    """A NOT NULL column was given no value."""

    code = "REQUIRED_VALUE_MISSING"


# --- conflicts -----------------------------------------------------------------


class ConflictError(NestAuthError, peewee.IntegrityError):
    """The database refused a write because of a constraint."""

    code = "CONFLICT"


class UniqueViolation(ConflictError):
    """A unique index refused a duplicate."""

    code = "UNIQUE_VIOLATION"
    default_message = "A row with the same unique value already exists."


class EmailAlreadyExists(UniqueViolation):
    code = "EMAIL_ALREADY_EXISTS"
    default_message = "A user with this email already exists; sign in or use another email."


class PhoneAlreadyExists(UniqueViolation):
    code = "PHONE_ALREADY_EXISTS"
    default_message = "A user with this phone number already exists; sign in or use another number."


class IdentityAlreadyLinked(UniqueViolation):
    code = "IDENTITY_ALREADY_LINKED"
    default_message = "This provider account is already linked to a user."


class AccessKeyAlreadyExists(UniqueViolation):
    code = "ACCESS_KEY_ALREADY_EXISTS"
    default_message = "An API key with this public key already exists."


class MembershipAlreadyExists(UniqueViolation):
    code = "MEMBERSHIP_ALREADY_EXISTS"
    default_message = "The user already has a membership for this tenant (or a global one)."


class StaffAccessAlreadyExists(UniqueViolation):
    code = "STAFF_ACCESS_ALREADY_EXISTS"
    default_message = "The user already has staff (platform) access."


class RoleAlreadyExists(UniqueViolation):
    code = "ROLE_ALREADY_EXISTS"
    default_message = "A role with this name and guard already exists in this scope."


class PermissionAlreadyExists(UniqueViolation):
    code = "PERMISSION_ALREADY_EXISTS"
    default_message = "A permission with this name and guard already exists."


class RolePermissionAlreadyExists(UniqueViolation):
    code = "ROLE_PERMISSION_ALREADY_EXISTS"
    default_message = "The role already has this permission."


class TenantAlreadyExists(UniqueViolation):
    code = "TENANT_ALREADY_EXISTS"
    default_message = "A tenant with this slug already exists; choose another slug."


class AdminEmailAlreadyExists(UniqueViolation):
    code = "ADMIN_EMAIL_ALREADY_EXISTS"
    default_message = "An admin user with this email already exists."


class SessionTokenCollision(UniqueViolation):
    code = "SESSION_TOKEN_COLLISION"
    default_message = "Two sessions produced the same token digest; retry."


class BlockedDomainAlreadyExists(UniqueViolation):
    code = "BLOCKED_DOMAIN_ALREADY_EXISTS"
    default_message = "This email domain is already blocked."


class ReferenceNotFound(ConflictError):
    """A foreign key pointed at a row that does not exist."""

    code = "REFERENCE_NOT_FOUND"
    default_message = "The row this refers to does not exist (unknown user, tenant or role id)."


class NotFound(NestAuthError, LookupError):
    """Base for "no such row" errors raised by services."""

    code = "NOT_FOUND"
    default_message = "No such record."


class MigrationError(NestAuthError):
    """A schema migration could not run (or be rolled back); the message says what to check."""

    code = "MIGRATION_FAILED"
    default_message = "A schema migration failed; see `nestauth migrations` for the database's state."


# --- tenancy and RBAC ------------------------------------------------------------


class InvalidSlugFormat(ValidationError):
    code = "INVALID_SLUG_FORMAT"
    default_message = (
        "A tenant slug is required and may contain only lowercase letters, digits, '-' and '_'."
    )


class InvalidGuard(ValidationError):
    code = "INVALID_GUARD"
    default_message = "Unknown guard; use one of the guards listed in Settings.guards."


class InvalidRoleScope(ValidationError):
    """A role used outside its scope (a tenant role on another tenant, a system role with a tenant)."""

    code = "INVALID_ROLE_SCOPE"
    default_message = "The role does not belong to this scope; use a global role or one of this tenant."


class RolePermissionValidationFailed(ValidationError):
    """Permission names that are not registered for the role's guard (``missing``)."""

    code = "ROLE_PERMISSION_VALIDATION_FAILED"
    default_message = "Some permission names are not registered for the role's guard; register them first."

    @property
    def missing(self) -> list[str]:
        return list(self.details.get("missing", ()))


class TenantNotFound(NotFound):
    code = "TENANT_NOT_FOUND"
    default_message = "No such tenant; check the tenant id or slug."


class RoleNotFound(NotFound):
    code = "ROLE_NOT_FOUND"
    default_message = "No such role; check the role id or name, guard and tenant."


class PermissionNotFound(NotFound):
    code = "PERMISSION_NOT_FOUND"
    default_message = "No such permission; check the id, or the name and guard."


class MembershipNotFound(NotFound):
    code = "MEMBERSHIP_NOT_FOUND"
    default_message = "The user has no membership for this tenant; create one with ensure() first."


class StaffAccessNotFound(NotFound):
    code = "STAFF_ACCESS_NOT_FOUND"
    default_message = "The user has no staff (platform) access; grant it first."


class DatabaseBusy(NestAuthError, peewee.OperationalError):
    """Concurrent work got in the way (lock timeout, SQLite busy); nothing was written.

    Still a :class:`peewee.OperationalError`, as the driver's error was.
    """

    code = "DATABASE_BUSY"
    default_message = (
        "The database was busy with concurrent changes and rolled this operation back; retry it."
    )


class TransactionConflict(DatabaseBusy):
    """The database aborted the transaction to break a deadlock or a serialization conflict.

    The services retry it when they own the outermost transaction.
    """

    code = "TRANSACTION_CONFLICT"
    default_message = (
        "The database aborted the transaction because of a concurrent one (deadlock); "
        "retry the whole operation."
    )


class UserNotFound(NotFound):
    code = "USER_NOT_FOUND"
    default_message = "No user has this id (or email/phone); check the value or create the user first."


class IdentityNotFound(NotFound):
    code = "IDENTITY_NOT_FOUND"
    default_message = "This user has no identity with that provider (and provider id)."


class AdminUserNotFound(NotFound):
    code = "ADMIN_USER_NOT_FOUND"
    default_message = "No admin user has this id or email."


class EmailOrPhoneRequired(ValidationError):
    code = "EMAIL_OR_PHONE_REQUIRED"
    default_message = "A user needs an email address or a phone number; give at least one."


class InvalidEmail(InvalidValue):
    code = "INVALID_EMAIL"
    default_message = "The email address is not valid; use the form name@example.com."


class EmailDomainBlocked(ValidationError):
    """The email's domain (or a parent of it) is on the blocked list."""

    code = "EMAIL_DOMAIN_BLOCKED"
    default_message = "Email addresses of this domain are not accepted; use another address."


class InvalidEmailDomain(InvalidValue):
    code = "INVALID_EMAIL_DOMAIN"
    default_message = "Not an email domain; give a name like example.com (no @ or path)."


class InvalidPhone(InvalidValue):
    code = "INVALID_PHONE"
    default_message = (
        "The phone number is not valid; use digits with an optional leading + "
        "(spaces, dashes, dots and brackets are ignored)."
    )


class UserHasNoEmail(ValidationError):
    code = "USER_HAS_NO_EMAIL"
    default_message = "The user has no email address to verify; set one with update() first."


class UserHasNoPhone(ValidationError):
    code = "USER_HAS_NO_PHONE"
    default_message = "The user has no phone number to verify; set one with update() first."


class PasswordPolicyViolation(ValidationError):
    """The new password breaks the configured policy; ``details['reasons']`` lists why."""

    code = "PASSWORD_POLICY_VIOLATION"
    default_message = "The password does not meet the password policy."


class NewPasswordSameAsCurrent(ValidationError):
    code = "NEW_PASSWORD_SAME_AS_CURRENT"
    default_message = "The new password is the same as the current one; choose a different password."


class AuthenticationError(NestAuthError):
    """Base for "who you say you are was not proven" errors."""

    code = "AUTHENTICATION_FAILED"
    default_message = "Authentication failed."


class InvalidCredentials(AuthenticationError):
    code = "INVALID_CREDENTIALS"
    default_message = "The email (or phone) and password do not match an account; check both and retry."


class CurrentPasswordIncorrect(AuthenticationError):
    code = "CURRENT_PASSWORD_INCORRECT"
    default_message = "The current password is incorrect; type the password you sign in with now."


class AccountInactive(AuthenticationError):
    code = "ACCOUNT_INACTIVE"
    default_message = "This account is deactivated; an administrator can reactivate it."


class AccountLocked(AuthenticationError):
    """Too many consecutive failures: attempts are refused for ``retry_after`` seconds."""

    code = "ACCOUNT_LOCKED"
    default_message = "Too many failed attempts; wait before trying again."

    def __init__(self, message: str | None = None, *, retry_after: int, **details: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message or f"Too many failed attempts; try again in {retry_after} seconds.",
                         retry_after=retry_after, **details)


class LastAdminUser(NestAuthError):
    code = "LAST_ADMIN_USER"
    default_message = "The last remaining admin user cannot be deleted; create another admin first."


# --- sessions, API keys, OTPs, MFA, trusted devices ----------------------------


class CredentialRejected(NestAuthError):
    """Base for a presented token, key or code that was refused.

    A malformed value and a wrong one raise the same class, so a caller cannot
    tell which part was wrong.
    """

    code = "CREDENTIAL_REJECTED"
    default_message = "The presented credential was refused."


class InvalidRefreshToken(CredentialRejected):
    code = "INVALID_REFRESH_TOKEN"
    default_message = "The refresh token is invalid, expired or already used; sign in again."


class SessionExpired(InvalidRefreshToken):
    """The session outlived its absolute lifetime or sat idle past the idle timeout (it is removed)."""

    code = "SESSION_EXPIRED"
    default_message = "The session has ended (too old, or unused for too long); sign in again."


class MalformedRequest(ValidationError):
    """An HTTP request body that is not what the route reads (not a JSON object, a field of the wrong type)."""

    code = "MALFORMED_REQUEST"
    default_message = "Send a JSON object with Content-Type: application/json."


class RequestTooLarge(ValidationError):
    code = "REQUEST_TOO_LARGE"
    default_message = "The request body is too large."


class InvalidAccessToken(CredentialRejected):
    code = "INVALID_ACCESS_TOKEN"
    default_message = "The access token is not valid; sign in or refresh the session."


class AccessTokenExpired(InvalidAccessToken):
    code = "ACCESS_TOKEN_EXPIRED"
    default_message = "The access token has expired; get a new one from the refresh endpoint."


class AuthenticationRequired(AuthenticationError):
    """A protected route was called without any credential."""

    code = "AUTHENTICATION_REQUIRED"
    default_message = "Sign in first: send Authorization: Bearer <access token>."


class ReauthenticationRequired(AuthenticationError):
    """The session's last sign-in (or MFA pass) is too old for this change; prove it again.

    ``details``: ``needs`` (``"password"`` or ``"mfa"``: what to ask for) and
    ``within`` (the window, in seconds).
    """

    code = "REAUTHENTICATION_REQUIRED"
    default_message = "Confirm it is you (sign in again) before making this change."


class PermissionDenied(NestAuthError):
    """The caller is known but lacks the permission or role the route needs."""

    code = "PERMISSION_DENIED"
    default_message = "You do not have the permission this needs."


class CsrfRejected(NestAuthError):
    """A cookie-authenticated request without the session's CSRF token."""

    code = "CSRF_REJECTED"
    default_message = "Missing or wrong CSRF token: send the csrf cookie's value in X-CSRF-Token."


class SessionNotFound(NotFound):
    code = "SESSION_NOT_FOUND"
    default_message = "No such session (it may have expired or been revoked already)."


class InvalidAccessKey(CredentialRejected):
    code = "INVALID_ACCESS_KEY"
    default_message = "The API key is not valid; check that it was copied whole."


class InactiveAccessKey(CredentialRejected):
    code = "INACTIVE_ACCESS_KEY"
    default_message = "The API key (or its owner) is deactivated; ask its owner to re-enable it."


class ExpiredAccessKey(CredentialRejected):
    code = "EXPIRED_ACCESS_KEY"
    default_message = "The API key has expired; create a new one or extend its expiry."


class AccessKeyNotFound(NotFound):
    code = "ACCESS_KEY_NOT_FOUND"
    default_message = "No such API key for this user."


class VerificationCodeInvalid(CredentialRejected):
    code = "VERIFICATION_CODE_INVALID"
    default_message = "The code is wrong or no longer usable; request a new one."


class VerificationCodeExpired(CredentialRejected):
    code = "VERIFICATION_CODE_EXPIRED"
    default_message = "The code has expired; request a new one."


class MfaCodeInvalid(CredentialRejected):
    code = "MFA_CODE_INVALID"
    default_message = "The authenticator code is wrong or was already used; wait for the next one."


class MfaDeviceNotFound(NotFound):
    code = "MFA_DEVICE_NOT_FOUND"
    default_message = "No such authenticator device for this user."


class MfaMethodRequired(ValidationError):
    code = "MFA_METHOD_REQUIRED"
    default_message = (
        "Multi-factor authentication needs at least one verified method: add an authenticator "
        "device and confirm it with a first code."
    )


class RecoveryCodeInvalid(CredentialRejected):
    code = "MFA_RECOVERY_CODE_INVALID"
    default_message = "The recovery code is wrong or was already used."


class TrustedDeviceInvalid(CredentialRejected):
    code = "TRUSTED_DEVICE_INVALID"
    default_message = "This device is not (or no longer) trusted; complete the second factor."


class TrustedDeviceNotFound(NotFound):
    code = "TRUSTED_DEVICE_NOT_FOUND"
    default_message = "No such trusted device for this user."


# --- seeding -----------------------------------------------------------------------


class InvalidSeedFile(ValidationError):
    """The seed file cannot be read, or an entry is malformed (checked before anything is written)."""

    code = "INVALID_SEED_FILE"
    default_message = "The seed file is not valid; see docs/seeding.md for its format."


class SeedEntryFailed(NestAuthError):
    """One entry of a seed file was refused; the entries before it are applied, it and the rest are not.

    ``details``: ``section``, ``position`` (1-based), ``label``, ``cause_code``;
    ``report`` is what the run had done before this entry.
    """

    code = "SEED_ENTRY_FAILED"
    default_message = "An entry of the seed file was refused; fix it and run the seed again."
    report: Any = None
