"""``nestauth blocked-domains ...``: the email domains sign-up refuses.

    nestauth blocked-domains add mailinator.com
    nestauth blocked-domains import disposable.txt      # one domain a line, '#' comments
    nestauth blocked-domains list --search mail
    nestauth blocked-domains remove mailinator.com

A blocked domain also blocks its subdomains (see services/blocked_domains.py).
"""

from __future__ import annotations

from typing import Any

import click

from ..services.blocked_domains import BlockedDomainService
from .base import command_settings, database_option, main


@main.group("blocked-domains")
def blocked_domains_group() -> None:
    """Block, unblock, list and bulk-import email domains refused at sign-up."""


def _service() -> BlockedDomainService:
    return BlockedDomainService(command_settings())


@blocked_domains_group.command("add")
@click.argument("domains", nargs=-1, required=True)
@database_option
def blocked_add(db: Any, domains: tuple[str, ...]) -> None:
    """Block each of DOMAINS (and its subdomains)."""
    for row in map(_service().add, domains):
        click.echo(f"Blocked {row.domain}.")


@blocked_domains_group.command("remove")
@click.argument("domains", nargs=-1, required=True)
@database_option
def blocked_remove(db: Any, domains: tuple[str, ...]) -> None:
    """Unblock each of DOMAINS (a blocked parent domain still applies)."""
    service = _service()
    for domain in domains:
        removed = service.remove(domain)
        click.echo(f"Unblocked {domain.strip().lower()}." if removed else f"{domain} was not blocked.")


@blocked_domains_group.command("list")
@click.option("--search", metavar="TEXT", help="Part of the domain name.")
@click.option("--limit", type=click.IntRange(1, 1000), default=1000, show_default=True, help="At most this many.")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True, help="Skip this many first.")
@database_option
def blocked_list(db: Any, search: str | None, limit: int, offset: int) -> None:
    """List blocked domains by name, with where each came from."""
    service = _service()
    found = service.list_domains(search=search, offset=offset, limit=limit)
    for row in found:
        click.echo(f"{row.domain:50}  {row.source}")
    click.echo(f"{len(found)} of {service.count()} blocked domain(s).")


@blocked_domains_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@database_option
def blocked_import(db: Any, path: str) -> None:
    """Block every domain in the file PATH (UTF-8, one a line; blank lines and '#' comments skipped).

    The whole file is checked first: one malformed line blocks nothing.
    """
    result = _service().import_file(path)
    click.echo(f"Blocked {result.added} new domain(s); {result.already_blocked} were already blocked.")
