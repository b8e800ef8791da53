"""``nestauth roles ...`` and ``nestauth tenants ...``: who holds which role where.

    nestauth tenants create "Acme Inc." --slug acme
    nestauth roles grant alice@example.com editor --tenant acme
    nestauth roles grant carol@example.com support --staff
    nestauth roles revoke alice@example.com editor --tenant acme
    nestauth roles list --tenant acme

Roles are found by name as the tenant sees them (its own roles, then global
ones). Granting in a tenant makes the user a member of it; granting with
``--staff`` gives staff access, whose global roles apply in every tenant.
"""

from __future__ import annotations

import uuid
from typing import Any

import click

from .. import errors
from ..models import Role
from ..services import MembershipService, RoleService, StaffAccessService, TenantService
from ..services.users import UserService
from ..unit_of_work import transaction
from .accounts import find_user
from .base import command_settings, database_option, fail, main


@main.group("roles")
def roles_group() -> None:
    """Grant and revoke roles; list the roles of a tenant or the global ones."""


def _scope_options(func: Any) -> Any:
    func = click.option("--guard", metavar="GUARD", default=None,
                        help="The roles' guard [default: the first configured, 'web'].")(func)
    func = click.option("--staff", is_flag=True, help="Staff access (global roles, every tenant).")(func)
    return click.option("--tenant", metavar="SLUG", help="The tenant's membership (else the global one).")(func)


def _change_roles(user_ref: str, names: tuple[str, ...], tenant: str | None, staff: bool, guard: str | None,
                  grant: bool) -> None:
    if staff and tenant:
        fail("--staff and --tenant exclude each other: staff roles are global.")
    settings = command_settings()
    roles = RoleService(settings)
    with transaction():
        user = find_user(UserService(settings), user_ref)
        tenant_id = TenantService(settings).get_by_slug(tenant).id if tenant else None
        named = {name: roles.get_by_name(name, guard=guard, tenant_id=tenant_id) for name in names}
        if staff:
            service: Any = StaffAccessService(settings)
            if grant:
                service.grant(user.id)
            held = _held(lambda: service.roles(user.id))
        else:
            service = MembershipService(settings)
            if grant:
                service.ensure(user.id, tenant_id)
            held = _held(lambda: service.roles(user.id, tenant_id))
        wanted: dict[uuid.UUID, Role] = {role.id: role for role in held}
        for role in named.values():
            if grant:
                wanted[role.id] = role
            else:
                wanted.pop(role.id, None)
        missing = [n for n, r in named.items() if not grant and r.id not in {h.id for h in held}]
        if held or wanted:
            if staff:
                result = service.set_roles(user.id, list(wanted))
            else:
                result = service.set_roles(user.id, tenant_id, list(wanted))
        else:
            result = []
    where = "as staff" if staff else (f"in tenant {tenant}" if tenant else "globally")
    label = user.email or user.phone or str(user.id)
    if missing:
        click.echo(f"{label} did not hold {', '.join(missing)} {where}.")
    click.echo(f"{label} now holds {where}: {', '.join(r.name for r in result) or '(no role)'}.")


def _held(read: Any) -> list[Role]:
    try:
        return list(read())
    except (errors.MembershipNotFound, errors.StaffAccessNotFound):
        return []


def _roles_command(name: str, *, grant: bool, help: str) -> click.Command:
    """``roles NAME USER ROLES... [--tenant SLUG | --staff] [--guard GUARD]``: :func:`_change_roles`
    granting (or revoking) ROLES."""

    @roles_group.command(name, help=help)
    @click.argument("user")
    @click.argument("roles", nargs=-1, required=True)
    @_scope_options
    @database_option
    def command(db: Any, user: str, roles: tuple[str, ...], tenant: str | None, staff: bool,
                guard: str | None) -> None:
        _change_roles(user, roles, tenant, staff, guard, grant=grant)

    return command


roles_grant = _roles_command(
    "grant", grant=True, help="Give USER (email, phone or id) the named ROLES, keeping the ones they hold.")
roles_revoke = _roles_command(
    "revoke", grant=False, help="Take the named ROLES away from USER (email, phone or id).")


@roles_group.command("list")
@click.option("--tenant", metavar="SLUG", help="The roles usable in this tenant (its own and the global ones).")
@click.option("--guard", metavar="GUARD", default=None, help="Only roles of this guard.")
@database_option
def roles_list(db: Any, tenant: str | None, guard: str | None) -> None:
    """List roles with their permissions (the global ones, or those usable in a tenant)."""
    settings = command_settings()
    roles = RoleService(settings)
    if tenant:
        found = roles.list_for_tenant(TenantService(settings).get_by_slug(tenant).id, guard=guard)
    else:
        found = roles.list_roles(guard=guard)
    for role in found:
        flags = [f for f, on in (("system", role.is_system), ("inactive", not role.is_active),
                                 ("tenant", role.tenant_id is not None)) if on]
        note = f" [{', '.join(flags)}]" if flags else ""
        click.echo(f"{role.name} ({role.guard}){note}: {', '.join(roles.permissions_of(role.id)) or '-'}")
    click.echo(f"{len(found)} role(s).")


@main.group("tenants")
def tenants_group() -> None:
    """Tenants: create and list."""


@tenants_group.command("create")
@click.argument("name")
@click.option("--slug", required=True, metavar="SLUG", help="Unique; lowercase letters, digits, '-' and '_'.")
@click.option("--description", metavar="TEXT", help="What the tenant is.")
@database_option
def tenants_create(db: Any, name: str, slug: str, description: str | None) -> None:
    """Create a tenant called NAME."""
    tenant = TenantService(command_settings()).create(name, slug, description=description)
    click.echo(f"Created tenant {tenant.slug} ({tenant.id}).")


@tenants_group.command("list")
@click.option("--search", metavar="TEXT", help="Part of the name or slug.")
@click.option("--all", "include_inactive", is_flag=True, help="Include deactivated tenants.")
@click.option("--limit", type=click.IntRange(1, 100), default=100, show_default=True,
              help="At most this many (100 at most).")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True,
              help="Skip this many first.")
@database_option
def tenants_list(db: Any, search: str | None, include_inactive: bool, limit: int, offset: int) -> None:
    """List tenants by name."""
    found = TenantService(command_settings()).list_tenants(
        active=None if include_inactive else True, search=search, limit=limit, offset=offset)
    for tenant in found:
        state = "" if tenant.is_active else "  [inactive]"
        click.echo(f"{tenant.slug:30}  {tenant.name}{state}")
    click.echo(f"{len(found)} tenant(s).")
