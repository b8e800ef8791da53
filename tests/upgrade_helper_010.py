"""Run by tests/test_upgrade_010.py in a subprocess whose PYTHONPATH is the unpacked 0.1.0 wheel.

It must work with the released 0.1.0 API only (Settings(password=PasswordParams(...)),
AuthServices of 0.1.0), so it imports nothing from this repository. Two commands:

    python upgrade_helper_010.py fill URL [--schema-exists]
        build the schema with 0.1.0's own migrations (unless it exists: a snapshot was
        applied), fill it through 0.1.0's services, spend one recovery code; print what the
        test needs (JSON) on stdout.
    python upgrade_helper_010.py recover URL USER_ID CODE
        after a rollback to 0.1.0: use CODE as a recovery code with 0.1.0's MfaService;
        print {"left": n} or {"error": code}.
"""

from __future__ import annotations

import json
import sys

import pyotp

import nestauth_peewee
from nestauth_peewee import AuthServices, PasswordParams, Settings, errors, init_database
from nestauth_peewee.schema.migrations import migrate

KEY = "upgrade-test-secret-key-of-at-least-32-bytes"
PASSWORD = "correct horse battery staple"
SETTINGS = Settings(secret_key=KEY, password=PasswordParams(memory_cost=1024, time_cost=1, parallelism=1))


def fill(url: str, *options: str) -> dict:
    db = init_database(url)
    with db.connection_context():
        applied = [] if "--schema-exists" in options else migrate(db)
        auth = AuthServices(SETTINGS)
        user = auth.users.register(email="upgrade@example.com", password=PASSWORD)
        issued = auth.sessions.create(user.id, user_agent="upgrade-test")
        key = auth.access_keys.create(user.id, "ci", description="kept across the upgrade")

        enrolment = auth.mfa.add_totp_device(user.id, device_name="phone")
        auth.mfa.confirm_totp_device(user.id, enrolment.device.id, pyotp.TOTP(enrolment.secret).now())
        auth.mfa.enable(user.id)
        codes = auth.mfa.generate_recovery_codes(user.id)
        left = auth.mfa.use_recovery_code(user.id, codes[0])  # spent under 0.1.0

        auth.permissions.register(["reports.read", "reports.write", "billing.read"])
        tenant = auth.tenants.create("Acme", "acme")
        role = auth.roles.create("analyst", tenant_id=tenant.id, permissions=["reports.read", "billing.read"])
        auth.memberships.ensure(user.id, tenant.id)
        auth.memberships.set_roles(user.id, tenant.id, [role.id])
        return {
            "version": nestauth_peewee.__version__,
            "applied": applied,
            "user_id": str(user.id),
            "email": user.email,
            "password": PASSWORD,
            "refresh_token": issued.refresh_token,
            "session_id": str(issued.session.id),
            "api_key": key.api_key,
            "key_id": str(key.key.id),
            "codes": codes,
            "left": left,
            "tenant_id": str(tenant.id),
            "permissions": auth.authorization.effective_permissions(user.id, tenant.id),
            "roles": auth.authorization.role_names(user.id, tenant.id),
        }


def recover(url: str, user_id: str, code: str) -> dict:
    db = init_database(url)
    with db.connection_context():
        try:
            return {"left": AuthServices(SETTINGS).mfa.use_recovery_code(user_id, code)}
        except errors.NestAuthError as exc:
            return {"error": exc.code}


def main(argv: list[str]) -> int:
    command, url, *rest = argv
    result = fill(url, *rest) if command == "fill" else recover(url, *rest)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
