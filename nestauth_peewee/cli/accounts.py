"""``nestauth users ...`` and ``nestauth admins ...``: account administration.

    nestauth users create alice@example.com --verified --tenant acme --role editor
    nestauth users list --search example.com
    nestauth users set-password alice@example.com
    nestauth users deactivate alice@example.com
    nestauth users unlock alice@example.com          # after too many failed logins
    NESTAUTH_ADMIN_PASSWORD=... nestauth admins create root@example.com --password-env NESTAUTH_ADMIN_PASSWORD

A USER argument is an email address, a phone number or a user id. Passwords
are never taken from the command line (where shell history and ``ps`` would
keep them): they are typed at a hidden prompt, or read from the environment
variable named by ``--password-env`` for scripts.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .. import errors
from ..models import AdminUser, User
from ..services import MembershipService, TenantService
from ..services.admin_users import AdminUserService
from ..services.users import UserService
from ..unit_of_work import transaction
from .base import command_settings, database_option, fail, main

__all__ = ["read_password", "find_user", "password_env_option"]


def password_env_option(func: Any) -> Any:
    return click.option(
        "--password-env", metavar="VAR", default=None,
        help="Read the password from environment variable VAR (non-interactive); "
             "without it the password is asked at a hidden prompt.",
    )(func)


def read_password(password_env: str | None, *, prompt: str = "Password") -> str:
    """The password from ``$password_env``, else typed twice at a hidden prompt."""
    if password_env:
        value = os.environ.get(password_env)
        if not value:
            fail(f"the environment variable {password_env} (--password-env) is not set or empty.")
        return value
    try:
        return click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    except click.Abort:
        fail("no password given: type it at the prompt, or use --password-env VAR in scripts.")


def find_user(users: UserService, ref: str) -> User:
    """The user an email address, phone number or id designates."""
    ref = ref.strip()
    try:
        uuid.UUID(ref)
    except ValueError:
        return users.get_by_email(ref) if "@" in ref else users.get_by_phone(ref)
    return users.get(ref)


def _exists(users: UserService, ref: str) -> bool:
    try:
        find_user(users, ref)
    except errors.UserNotFound:
        return False
    return True


def _id(value: uuid.UUID) -> str:
    """Ids are printed one way everywhere (the dashed form), and every USER argument takes it."""
    return str(value)


def _label(user: User) -> str:
    return user.email or user.phone or _id(user.id)


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"


# --- users -------------------------------------------------------------------------


@main.group("users")
def users_group() -> None:
    """Application users: create, list, set passwords, (de)activate, delete."""



S = TypeVar("S", UserService, AdminUserService)


def _throttled(service: S) -> S:
    """``service``, or a failure when login throttling is off (nothing to unlock)."""
    if not service.throttle.enabled:
        fail("login throttling is off here (no NESTAUTH_SECRET_KEY, or Settings.login_throttle=None).")
    return service


def _delete_command(group: click.Group, argument: str) -> Callable[[Callable[..., None]], click.Command]:
    """``group``'s ``delete`` command: the account ARGUMENT, ``--yes`` and ``--database``."""

    def declare(func: Callable[..., None]) -> click.Command:
        func = database_option(func)
        func = click.option("--yes", is_flag=True, help="Do not ask for confirmation.")(func)
        return group.command("delete")(click.argument(argument)(func))

    return declare


def _delete(service: UserService | AdminUserService, account_id: uuid.UUID, label: str, yes: bool, *,
            attached: str = "") -> None:
    """Delete the account once ``--yes`` or the operator says so ("Delete LABEL[ATTACHED]?")."""
    if not (yes or click.confirm(f"Delete {label}{attached}?", default=False)):
        click.echo("Nothing deleted.")
        return
    service.delete(account_id)
    click.echo(f"Deleted {label}.")


@users_group.command("create")
@click.argument("email", required=False)
@click.option("--phone", metavar="PHONE", help="Phone number (a user needs an email or a phone).")
@password_env_option
@click.option("--no-password", is_flag=True, help="Create the user without a password (e.g. OAuth only).")
@click.option("--verified", is_flag=True, help="Mark the email (and phone) as verified.")
@click.option("--tenant", metavar="SLUG", help="Make the user a member of this tenant (else: global).")
@click.option("--role", "roles", multiple=True, metavar="NAME",
              help="Give this role on that membership; repeatable.")
@click.option("--must-change-password", is_flag=True, help="Ask the user to choose a new password.")
@click.option("--inactive", is_flag=True, help="Create the account deactivated.")
@database_option
def users_create(db: Any, email: str | None, phone: str | None, password_env: str | None, no_password: bool,
                 verified: bool, tenant: str | None, roles: tuple[str, ...], must_change_password: bool,
                 inactive: bool) -> None:
    """Create a user (with its email identity and membership)."""
    if no_password and password_env:
        fail("--no-password and --password-env contradict each other.")
    if not (email or "").strip() and not (phone or "").strip():
        fail("give the user's EMAIL, or --phone PHONE (or both).")
    settings = command_settings()
    users = UserService(settings)
    tenant_id = TenantService(settings).get_by_slug(tenant).id if tenant else None
    for ref in (email, phone):
        if ref and _exists(users, ref):  # say so before asking for a password
            raise (errors.EmailAlreadyExists() if ref == email else errors.PhoneAlreadyExists())
    password = None if no_password else read_password(password_env)
    with transaction():  # the roles are part of the same unit: a bad role name creates nothing
        user = users.create(email=email, phone=phone, password=password, tenant_id=tenant_id,
                            is_active=not inactive, must_change_password=must_change_password,
                            email_verified=verified, phone_verified=verified)
        if roles:
            MembershipService(settings).set_roles_by_name(user.id, tenant_id, roles)
    where = f" in tenant {tenant}" if tenant else ""
    held = f" with role(s) {', '.join(roles)}{where}" if roles else where
    click.echo(f"Created user {_label(user)} ({_id(user.id)}){held}.")


@users_group.command("list")
@click.option("--search", metavar="TEXT", help="Part of the email or phone.")
@click.option("--tenant", metavar="SLUG", help="Only members of this tenant.")
@click.option("--role", metavar="NAME", help="Only holders of a role of this name.")
@click.option("--active/--inactive", "active", default=None, help="Only active (or only deactivated) users.")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Which page.")
@click.option("--limit", type=click.IntRange(1, 100), default=50, show_default=True,
              help="Rows per page (at most 100).")
@database_option
def users_list(db: Any, search: str | None, tenant: str | None, role: str | None, active: bool | None,
               page: int, limit: int) -> None:
    """List users, newest first."""
    settings = command_settings()
    tenant_id = TenantService(settings).get_by_slug(tenant).id if tenant else None
    result = UserService(settings).list(search=search, tenant_id=tenant_id, role=role, is_active=active,
                                        page=page, limit=limit)
    if result.items:
        click.echo(f"{'id':36}  {'email / phone':40}  {'active':6}  {'verified':8}  created")
    for user in result.items:
        is_verified = user.email_verified_at is not None or user.phone_verified_at is not None
        click.echo(f"{_id(user.id):36}  {_label(user)[:40]:40}  {'yes' if user.is_active else 'no':6}  "
                   f"{'yes' if is_verified else 'no':8}  {_when(user.created_at)}")
    click.echo(f"{result.total} user(s); page {page} of {max(result.pages, 1)}.")


@users_group.command("set-password")
@click.argument("user")
@password_env_option
@click.option("--must-change", is_flag=True, help="Ask the user to change it at the next sign-in.")
@click.option("--keep-sessions", is_flag=True, help="Do not sign the user out everywhere.")
@database_option
def users_set_password(db: Any, user: str, password_env: str | None, must_change: bool,
                       keep_sessions: bool) -> None:
    """Set USER's password (email, phone or id); signs them out everywhere unless told not to."""
    users = UserService(command_settings())
    target = find_user(users, user)
    password = read_password(password_env, prompt="New password")
    users.set_password(target.id, password, must_change_password=must_change, revoke_sessions=not keep_sessions)
    click.echo(f"Password of {_label(target)} set" + ("." if keep_sessions else "; their sessions were ended."))


def _activation_command(name: str, *, active: bool, state: str, help: str) -> click.Command:
    """``users NAME USER``: activate (or deactivate) USER and say so ("USER is STATE.")."""

    @users_group.command(name, help=help)
    @click.argument("user")
    @database_option
    def command(db: Any, user: str) -> None:
        users = UserService(command_settings())
        target = find_user(users, user)
        (users.activate if active else users.deactivate)(target.id)
        click.echo(f"{_label(target)} is {state}" + (" (it already was)." if target.is_active == active else "."))

    return command


users_activate = _activation_command("activate", active=True, state="active", help="Let USER sign in again.")
users_deactivate = _activation_command("deactivate", active=False, state="deactivated",
                                       help="Stop USER from signing in and end their sessions.")


@users_group.command("unlock")
@click.argument("user")
@database_option
def users_unlock(db: Any, user: str) -> None:
    """Forget USER's failed logins and failed OTP/TOTP/recovery-code attempts (ends a lock).

    USER is an email address, a phone number or a user id; an address that
    belongs to no account is unlocked too (unknown addresses are throttled alike).
    """
    users = _throttled(UserService(command_settings()))
    if _exists(users, user):
        removed = users.unlock(user_id=find_user(users, user).id)
    else:
        ref = user.strip()
        removed = users.unlock(email=ref) if "@" in ref else users.unlock(phone=ref)
    click.echo(f"{user.strip()}: {removed} failure counter(s) removed" + ("." if removed else " (none was set)."))


@_delete_command(users_group, "user")
def users_delete(db: Any, user: str, yes: bool) -> None:
    """Delete USER and everything attached (sessions, keys, memberships, ...)."""
    users = UserService(command_settings())
    target = find_user(users, user)
    _delete(users, target.id, _label(target), yes, attached=" and everything attached to it")


# --- admins ------------------------------------------------------------------------


@main.group("admins")
def admins_group() -> None:
    """Admin-console accounts: create, list, set passwords, delete."""


@admins_group.command("create")
@click.argument("email")
@click.option("--name", metavar="NAME", help="Display name.")
@password_env_option
@click.option("--exists-ok", is_flag=True,
              help="Succeed without changes when the admin already exists (for provisioning scripts).")
@database_option
def admins_create(db: Any, email: str, name: str | None, password_env: str | None, exists_ok: bool) -> None:
    """Create an admin account.

    For scripts: NESTAUTH_ADMIN_PASSWORD=... nestauth admins create EMAIL
    --password-env NESTAUTH_ADMIN_PASSWORD --exists-ok
    """
    admins = AdminUserService(command_settings())
    if exists_ok:
        try:
            existing = admins.get_by_email(email)
        except errors.AdminUserNotFound:
            existing = None
        if existing is not None:
            click.echo(f"Admin {existing.email} already exists; nothing changed.")
            return
    password = read_password(password_env)
    admin = admins.create(email=email, password=password, name=name)
    click.echo(f"Created admin {admin.email} ({_id(admin.id)}).")


@admins_group.command("list")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Which page.")
@click.option("--limit", type=click.IntRange(1, 100), default=50, show_default=True,
              help="Rows per page (at most 100).")
@database_option
def admins_list(db: Any, page: int, limit: int) -> None:
    """List admin accounts, oldest first."""
    result = AdminUserService(command_settings()).list(page=page, limit=limit)
    for admin in result.items:
        click.echo(f"{_id(admin.id):36}  {admin.email:40}  {admin.name or '-':20}  "
                   f"last login {_when(admin.last_login_at)}")
    click.echo(f"{result.total} admin(s); page {page} of {max(result.pages, 1)}.")


def _admin(admins: AdminUserService, email: str) -> AdminUser:
    return admins.get_by_email(email)


@admins_group.command("set-password")
@click.argument("email")
@password_env_option
@database_option
def admins_set_password(db: Any, email: str, password_env: str | None) -> None:
    """Set an admin's password; their console sessions end (token version bumped)."""
    admins = AdminUserService(command_settings())
    admin = _admin(admins, email)
    admins.set_password(admin.id, read_password(password_env, prompt="New password"))
    click.echo(f"Password of admin {admin.email} set; their console sessions were ended.")


@admins_group.command("unlock")
@click.argument("email")
@database_option
def admins_unlock(db: Any, email: str) -> None:
    """Forget the failed console logins of EMAIL (ends a lock)."""
    admins = _throttled(AdminUserService(command_settings()))
    removed = admins.unlock(email)
    click.echo(f"{email.strip()}: " + ("unlocked." if removed else "no failed logins were counted."))


@_delete_command(admins_group, "email")
def admins_delete(db: Any, email: str, yes: bool) -> None:
    """Delete an admin account (never the last one)."""
    admins = AdminUserService(command_settings())
    admin = _admin(admins, email)
    _delete(admins, admin.id, f"admin {admin.email}", yes)
