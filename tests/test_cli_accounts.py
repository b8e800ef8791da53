"""`nestauth users / admins / roles / tenants / cleanup`, `--help` everywhere, one-line failures."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import click
import pytest
from click.testing import CliRunner
from support import CHEAP_SETTINGS

import nestauth_peewee
from nestauth_peewee import (
    AdminUserService,
    AuthorizationService,
    Otp,
    PermissionService,
    RoleService,
    Session,
    TenantService,
    TrustedDevice,
    User,
    UserService,
)
from nestauth_peewee.cli import main
from nestauth_peewee.config import Settings
from nestauth_peewee.fields import utcnow
from nestauth_peewee.models import LoginThrottle
from nestauth_peewee.services.otps import OtpService
from nestauth_peewee.services.sessions import SessionService
from nestauth_peewee.services.throttling import Throttle
from nestauth_peewee.services.trusted_devices import TrustedDeviceService

PASSWORD = "a long enough passphrase"
KEYED = replace(CHEAP_SETTINGS, secret_key="cli-test-key-" + "s" * 40)


@pytest.fixture(autouse=True)
def cheap_cli_settings(monkeypatch):
    """The commands build their services from Settings.from_env(): make that cheap to hash with."""
    monkeypatch.setattr(Settings, "from_env", classmethod(lambda cls, **over: replace(CHEAP_SETTINGS, **over)))


@pytest.fixture
def cli(db, db_url):
    def run(*args, input=None, env=None):
        result = CliRunner().invoke(main, [*args, "--database", db_url], input=input, env=env)
        nestauth_peewee.database.initialize(db)
        return result

    return run


def one_error_line(result) -> str:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_users_create_list_and_manage(cli):
    created = cli("users", "create", "Ann@Example.com", "--password-env", "PW", "--verified",
                  env={"PW": PASSWORD})
    assert created.exit_code == 0, created.output
    assert created.stdout.startswith("Created user ann@example.com (")
    users = UserService(CHEAP_SETTINGS)
    ann = users.authenticate(email="ann@example.com", password=PASSWORD)
    assert ann.email_verified_at is not None

    prompted = cli("users", "create", "--phone", "+1 555 010 0002", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompted.exit_code == 0, prompted.output
    assert PASSWORD not in prompted.stdout                       # hidden input is not echoed back
    assert users.get_by_phone("+15550100002").password_hash.startswith("$argon2id$")

    listed = cli("users", "list", "--search", "example.com")
    assert "ann@example.com" in listed.stdout and "1 user(s)" in listed.stdout

    assert cli("users", "deactivate", "ann@example.com").stdout == "ann@example.com is deactivated.\n"
    assert not users.get(ann.id).is_active
    assert "1 user(s)" in cli("users", "list", "--inactive").stdout
    assert cli("users", "activate", str(ann.id)).exit_code == 0
    assert users.get(ann.id).is_active

    new = "another long passphrase"
    assert cli("users", "set-password", "ann@example.com", "--password-env", "NEW", env={"NEW": new}).exit_code == 0
    assert users.authenticate(email="ann@example.com", password=new)

    assert cli("users", "delete", "ann@example.com", input="n\n").stdout.endswith("Nothing deleted.\n")
    assert cli("users", "delete", "ann@example.com", "--yes").exit_code == 0
    assert [u.phone for u in User.select()] == ["+15550100002"]


def test_users_create_with_a_bad_role_creates_nothing(cli):
    TenantService().create("Acme", slug="acme")
    line = one_error_line(cli("users", "create", "bo@example.com", "--tenant", "acme", "--role", "ghost",
                              "--password-env", "PW", env={"PW": PASSWORD}))
    assert line.startswith("nestauth: ROLE_NOT_FOUND")
    assert User.select().count() == 0


def test_admins_create_non_interactively_from_the_environment(cli):
    result = cli("admins", "create", "root@example.com", "--name", "Root", "--password-env", "ADMIN_PW",
                 env={"ADMIN_PW": PASSWORD})
    assert result.exit_code == 0, result.output
    assert AdminUserService(CHEAP_SETTINGS).authenticate(email="root@example.com", password=PASSWORD)
    again = cli("admins", "create", "root@example.com", "--password-env", "ADMIN_PW", "--exists-ok",
                env={"ADMIN_PW": "ignored"})
    assert again.exit_code == 0 and "already exists; nothing changed" in again.stdout
    assert "ADMIN_EMAIL_ALREADY_EXISTS" in one_error_line(
        cli("admins", "create", "root@example.com", "--password-env", "ADMIN_PW", env={"ADMIN_PW": PASSWORD}))
    assert "ADMIN_PW (--password-env) is not set" in one_error_line(
        cli("admins", "create", "two@example.com", "--password-env", "ADMIN_PW", env={"ADMIN_PW": ""}))
    assert "root@example.com" in cli("admins", "list").stdout
    assert "LAST_ADMIN_USER" in one_error_line(cli("admins", "delete", "root@example.com", "--yes"))


def test_roles_grant_and_revoke_in_a_tenant_globally_and_as_staff(cli):
    PermissionService().register(["posts.read", "posts.write", "tenants.manage"])
    acme = TenantService().create("Acme", slug="acme")
    RoleService().create("editor", tenant_id=acme.id, permissions=["posts.read", "posts.write"])
    RoleService().create("reader", permissions=["posts.read"])
    RoleService().create("support", is_system=True, permissions=["tenants.manage"])
    bo = UserService(CHEAP_SETTINGS).create(email="bo@example.com")
    auth = AuthorizationService()

    granted = cli("roles", "grant", "bo@example.com", "editor", "reader", "--tenant", "acme")
    assert granted.stdout == "bo@example.com now holds in tenant acme: editor, reader.\n"
    assert auth.effective_permissions(bo.id, acme.id) == ["posts.read", "posts.write"]
    assert cli("roles", "grant", "bo@example.com", "reader").exit_code == 0
    assert auth.effective_permissions(bo.id) == ["posts.read"]
    assert cli("roles", "grant", "bo@example.com", "support", "--staff").exit_code == 0
    assert auth.staff_permissions(bo.id) == ["tenants.manage"]

    revoked = cli("roles", "revoke", "bo@example.com", "editor", "--tenant", "acme")
    assert revoked.stdout == "bo@example.com now holds in tenant acme: reader.\n"
    assert auth.effective_permissions(bo.id, acme.id) == ["posts.read", "tenants.manage"]
    not_held = cli("roles", "revoke", "bo@example.com", "editor", "--tenant", "acme")
    assert "did not hold editor in tenant acme" in not_held.stdout
    # Staff roles are global: a tenant's role is not even visible from there.
    assert "ROLE_NOT_FOUND" in one_error_line(cli("roles", "grant", "bo@example.com", "editor", "--staff"))
    assert "exclude each other" in one_error_line(
        cli("roles", "grant", "bo@example.com", "support", "--staff", "--tenant", "acme"))

    listed = cli("roles", "list", "--tenant", "acme").stdout
    assert "editor (web) [tenant]: posts.read, posts.write" in listed
    assert "support (web) [system]: tenants.manage" in listed


def test_tenants_create_and_list(cli):
    assert cli("tenants", "create", "Acme Inc.", "--slug", "acme").exit_code == 0
    assert "INVALID_SLUG_FORMAT" in one_error_line(cli("tenants", "create", "Bad", "--slug", "Bad Slug"))
    assert "TENANT_ALREADY_EXISTS" in one_error_line(cli("tenants", "create", "Again", "--slug", "acme"))
    TenantService().deactivate(TenantService().get_by_slug("acme").id)
    assert "0 tenant(s)" in cli("tenants", "list").stdout
    assert "acme                            Acme Inc.  [inactive]" in cli("tenants", "list", "--all").stdout


def test_cleanup_deletes_expired_sessions_otps_and_dead_devices(cli):
    user = UserService(CHEAP_SETTINGS).create(email="old@example.com")
    live = SessionService(KEYED).create(user.id)
    revoked = TrustedDeviceService(KEYED).issue(user.id)
    TrustedDeviceService(KEYED).revoke(user.id, revoked.device.id)
    past = utcnow() - timedelta(days=90)  # made back then, so expired by now
    SessionService(KEYED, clock=lambda: past).create(user.id)
    OtpService(KEYED, clock=lambda: past).create(user.id, "email_verification")
    TrustedDeviceService(KEYED, clock=lambda: past).issue(user.id)
    then, today = Throttle(KEYED, clock=lambda: past), Throttle(KEYED)
    then.failed(then.check("login", "email:gone@example.com"))  # forgotten since
    today.failed(today.check("login", "email:recent@example.com"))

    result = cli("cleanup", "--batch-size", "1")
    assert result.exit_code == 0, result.output
    assert result.stdout == ("Deleted 1 expired session(s), 1 expired OTP(s), 2 expired or revoked "
                             "trusted device(s), 1 forgotten login-throttle counter(s) and 0 audit "
                             "event(s) past their retention.\n")
    assert LoginThrottle.select().count() == 1
    assert [s.id for s in Session.select()] == [live.session.id]
    assert Otp.select().count() == 0 and TrustedDevice.select().count() == 0


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


def test_every_command_and_subcommand_describes_itself_and_its_options():
    paths = list(_commands(main))
    assert {("users", "create"), ("admins", "create"), ("roles", "grant"), ("tenants", "list"), ("seed",),
            ("cleanup",)} <= {p for p, _ in paths}
    for path, command in paths:
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0, path
        assert result.output.startswith("Usage: "), path
        assert command.help, path
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, (path, param.name)


@pytest.mark.parametrize("args,fragment", [
    (["users", "create"], "give the user's EMAIL"),
    (["users", "set-password"], "Missing argument 'USER'"),
    (["users", "list", "--limit", "1000"], "1000 is not in the range"),
    (["users", "activate", "nobody@example.com"], "USER_NOT_FOUND"),
    (["users", "activate", "not an email"], "INVALID_PHONE"),
    (["users", "create", "x@example.com", "--password-env", "UNSET_VARIABLE_8"], "is not set or empty"),
    (["users", "create", "x@example.com", "--bogus"], "No such option '--bogus'"),
    (["roles", "grant", "x@example.com"], "Missing argument 'ROLES...'"),
    (["admins", "set-password", "nobody@example.com", "--password-env", "UNSET_VARIABLE_8"],
     "ADMIN_USER_NOT_FOUND"),
    (["tenants", "create", "Acme"], "Missing option '--slug'"),
    (["seed", "missing.toml"], "INVALID_SEED_FILE"),
    (["cleanup", "--batch-size", "0"], "0 is not in the range"),
    (["users", "frobnicate"], "No such command 'frobnicate'"),
    (["frobnicate"], "No such command 'frobnicate'"),
    (["--bogus"], "No such option '--bogus'"),
])
def test_bad_input_fails_with_one_readable_line(cli, args, fragment):
    line = one_error_line(cli(*args))
    assert line.startswith("nestauth: ") and fragment in line
