"""Sign-up screening: nest_auth_blocked_email_domains (upstream 2.8)."""

from __future__ import annotations

from .. import errors
from ..fields import CharField
from .base import Record, named_index

__all__ = ["BlockedEmailDomain", "SOURCE_MANUAL", "SOURCE_IMPORT"]

#: ``source`` of an entry added one by one (the server default) and of a bulk import.
SOURCE_MANUAL = "manual"
SOURCE_IMPORT = "import"


class BlockedEmailDomain(Record):
    """One blocked email domain, lower-case, without a leading ``@`` or a trailing dot.

    A blocked domain also blocks its subdomains (see services/blocked_domains.py).
    """

    domain = CharField(max_length=255, exact=True)
    source = CharField(max_length=32, default=SOURCE_MANUAL, server_default=SOURCE_MANUAL)

    class Meta:
        table_name = "nest_auth_blocked_email_domains"


named_index(BlockedEmailDomain, BlockedEmailDomain.domain, name="nest_auth_blocked_email_domains_domain_idx",
            unique=True, error=errors.BlockedDomainAlreadyExists)
