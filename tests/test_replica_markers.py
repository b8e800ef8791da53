"""Every public service method is where the routing table says it is (docs/scaling.md).

The methods come from the public API, as the fuzz test enumerates them
(``__all__`` → service classes → public methods), and each must appear in
exactly one row of :data:`DECLARED` with the marker that row requires. So a
marker dropped in a merge (``UserService.lookup`` once lost its ``@replica_ok``),
a read-only method added without one, or a credential check left unmarked (an
unmarked method inside an app's ``replica_reads()`` reads the replica) fails
here until someone decides where it reads and says so in the table.
"""

from __future__ import annotations

import pytest
from test_input_fuzz import METHODS

from nestauth_peewee.replicas import MARKER_ATTRIBUTE

#: Lookups, lists, effective permissions: may read a replica (``@replica_ok``).
REPLICA_OK = {
    "AccessKeyService": {"list_for_user"},
    "AdminUserService": {"get", "get_by_email", "list"},
    "AuditService": {"for_user", "list"},
    "AuthorizationService": {"effective_permissions", "has_permission", "has_role", "role_names",
                             "staff_permissions"},
    "BlockedDomainService": {"contains", "count", "is_blocked", "list_domains"},
    "ContactChangeService": {"pending"},
    "MembershipService": {"get", "is_member", "roles", "tenants_of"},
    "MfaService": {"list_devices", "recovery_codes_left"},
    "PermissionService": {"categories", "get", "get_by_name", "search"},
    "RoleService": {"get", "get_by_name", "list_for_tenant", "list_roles", "permissions_of"},
    "StaffAccessService": {"get", "is_staff", "roles"},
    "TenantService": {"get", "get_by_slug", "list_tenants"},
    "TrustedDeviceService": {"list_active"},
    "UserService": {"get", "get_by_email", "get_by_identity", "get_by_phone", "identities", "list",
                    "login_identifier", "lookup"},
}
#: Credential checks: the primary unless ``replica_reads(auth_checks=True)`` (``@auth_check``);
#: a refusal seen on a replica is decided again on the primary.
AUTH_CHECK = {
    "AccessKeyService": {"verify"},
    "SessionService": {"authenticate", "authenticate_access_token", "get"},
}
#: Reads that may write, and the other one-time credentials: always the primary (``@on_primary``).
ON_PRIMARY = {
    "AdminUserService": {"authenticate"},
    "ContactChangeService": {"cancel", "confirm_email_change", "confirm_phone_change", "request_email_change",
                             "request_phone_change"},
    "MfaService": {"reauthenticate", "verify_totp"},
    "OtpService": {"check", "verify"},
    "PasswordResetService": {"check", "request", "reset"},
    "PasswordlessService": {"request_code", "request_link", "sign_in_with_code", "sign_in_with_link"},
    "SessionService": {"mark_authenticated", "refresh", "require_recent"},
    "TrustedDeviceService": {"is_trusted", "validate"},
    "UserService": {"authenticate", "reauthenticate"},
}
#: Writes, unmarked: every query they make is a write or runs in their own transaction,
#: and both go to the primary. A method that reads before its transaction belongs above.
WRITES = {
    "AccessKeyService": {"activate", "create", "deactivate", "delete", "set_expiry"},
    "AdminUserService": {"change_password", "create", "delete", "revoke_all_sessions", "set_password",
                         "unlock", "update"},
    "BlockedDomainService": {"add", "import_domains", "import_file", "remove"},
    "AuditService": {"purge"},
    "ExpiryCleanup": {"audit_events", "login_throttles", "otps", "run", "sessions", "trusted_devices"},
    "MembershipService": {"deactivate", "delete", "ensure", "set_roles", "set_roles_by_name"},
    "MfaService": {"add_totp_device", "confirm_totp_device", "disable", "enable", "generate_recovery_codes",
                   "remove_device", "use_recovery_code"},
    "OtpService": {"cleanup_expired", "create", "dummy_create", "dummy_verify"},
    "PasswordResetService": {"request_in_background"},  # runs `request` (pinned) on its own thread
    "PermissionService": {"create", "delete", "register", "update"},
    "RoleService": {"create", "delete", "update"},
    "SessionService": {"cleanup_expired", "create", "list_active", "revoke", "revoke_all", "revoke_others",
                       "touch"},
    "StaffAccessService": {"activate", "deactivate", "grant", "revoke", "set_roles", "set_roles_by_name"},
    "TenantService": {"activate", "create", "deactivate", "delete", "update"},
    "TrustedDeviceService": {"cleanup", "issue", "revoke", "revoke_all"},
    "UserService": {"activate", "change_password", "create", "deactivate", "delete", "link_identity",
                    "register", "set_password", "unlink_identity", "unlock", "unverify_email",
                    "unverify_phone", "update", "verify_email", "verify_phone"},
}
#: No query at all.
NO_QUERY = {
    "AccessKeyService": {"now"},
    "MfaService": {"now"},
    "OtpService": {"now"},
    "SessionService": {"check_access_token", "now"},
    "TrustedDeviceService": {"now"},
}

#: Each row of the table and the marker its methods must carry (None: none).
DECLARED = {"replica_ok": REPLICA_OK, "auth_check": AUTH_CHECK, "on_primary": ON_PRIMARY,
            None: WRITES, "no query": NO_QUERY}


def _rows_of(cls_name: str, method: str) -> list[str | None]:
    return [row for row, table in DECLARED.items() if method in table.get(cls_name, ())]


def _expected_marker(row: str | None) -> str | None:
    return None if row == "no query" else row


@pytest.mark.parametrize(("cls", "name"), METHODS, ids=[f"{c.__name__}.{n}" for c, n in METHODS])
def test_each_public_service_method_carries_its_declared_marker_outermost(cls, name):
    rows = _rows_of(cls.__name__, name)
    assert len(rows) == 1, (
        f"{cls.__name__}.{name} is in {len(rows)} rows of the routing table: decide where it reads "
        "(docs/scaling.md) and list it once in tests/test_replica_markers.py"
    )
    method = getattr(cls, name)
    assert getattr(method, MARKER_ATTRIBUTE, None) == _expected_marker(rows[0]), (
        f"{cls.__name__}.{name} is declared {rows[0] or 'a plain write'} but carries "
        f"{getattr(method, MARKER_ATTRIBUTE, None) or 'no marker'}"
    )
    # The marker is the outermost decorator (the house order), so it scopes @checked and the retries:
    # below it, nothing carries one (functools.wraps would copy an inner marker outwards).
    inner = getattr(method, "__wrapped__", None)
    assert getattr(inner, MARKER_ATTRIBUTE, None) is None, f"{cls.__name__}.{name}: a marker below the top"


def test_the_table_names_only_methods_that_exist():
    public = {(cls.__name__, name) for cls, name in METHODS}
    declared = {(cls_name, name) for table in DECLARED.values()
                for cls_name, names in table.items() for name in names}
    assert declared - public == set()
    assert len(public) > 100  # the enumeration found the services


def test_a_dropped_or_misplaced_marker_is_seen():
    """The check itself: an unmarked copy and a marker under ``@checked`` both fail it."""
    from nestauth_peewee.replicas import replica_ok
    from nestauth_peewee.services.users import UserService
    from nestauth_peewee.validation import EMAIL, checked

    def lookup(self, *, email=None):  # noqa: ANN001, ANN202 - a stand-in
        return None

    unmarked = checked(email=EMAIL)(lookup)
    assert getattr(unmarked, MARKER_ATTRIBUTE, None) is None
    misplaced = checked(email=EMAIL)(replica_ok(lookup))
    assert getattr(misplaced, MARKER_ATTRIBUTE, None) == "replica_ok"
    assert getattr(misplaced.__wrapped__, MARKER_ATTRIBUTE, None) == "replica_ok"  # caught above
    assert getattr(UserService.lookup, MARKER_ATTRIBUTE) == "replica_ok"
