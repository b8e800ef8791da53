"""Queries for nest_auth_blocked_email_domains (no policy, no transactions of its own)::

    from nestauth_peewee.repositories import blocked_domains
    blocked_domains.any_of(["mail.example.com", "example.com", "com"])   # the blocked ones
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ..models import BlockedEmailDomain
from ._support import chunks, ignore_duplicates

__all__ = ["insert", "insert_missing", "delete", "any_of", "existing", "page", "count"]

def insert(domain: str, source: str, *, now: datetime) -> BlockedEmailDomain:
    return BlockedEmailDomain.create(domain=domain, source=source, created_at=now)


def existing(domains: Sequence[str]) -> set[str]:
    """The ones among ``domains`` that are stored."""
    found: set[str] = set()
    for chunk in chunks(domains):
        found.update(BlockedEmailDomain.select(BlockedEmailDomain.domain)
                     .where(BlockedEmailDomain.domain.in_(chunk)).scalars())
    return found


def insert_missing(domains: Sequence[str], source: str, *, now: datetime) -> None:
    """Store ``domains``, skipping any that another writer stored meanwhile."""
    for chunk in chunks(domains):
        rows = [{"domain": d, "source": source, "created_at": now} for d in chunk]
        ignore_duplicates(BlockedEmailDomain.insert_many(rows), BlockedEmailDomain).execute()


def delete(domain: str) -> int:
    return BlockedEmailDomain.delete().where(BlockedEmailDomain.domain == domain).execute()


def any_of(domains: Sequence[str]) -> list[str]:
    """Which of ``domains`` are blocked (one indexed lookup)."""
    if not domains:
        return []
    query = BlockedEmailDomain.select(BlockedEmailDomain.domain).where(BlockedEmailDomain.domain.in_(list(domains)))
    return list(query.scalars())


def page(*, search: str | None, offset: int, limit: int) -> list[BlockedEmailDomain]:
    """Blocked domains in name order; ``search`` is a literal substring."""
    query = BlockedEmailDomain.select()
    if search:
        query = query.where(BlockedEmailDomain.domain.contains(search))
    return list(query.order_by(BlockedEmailDomain.domain).offset(offset).limit(limit))


def count() -> int:
    return BlockedEmailDomain.select().count()
