"""Blocked email domains (upstream 2.8's sign-up screening)::

    from nestauth_peewee.services.blocked_domains import BlockedDomainService

    blocked = BlockedDomainService()
    blocked.add("Mailinator.com.")            # stored as "mailinator.com", source "manual"
    blocked.import_file("disposable.txt")     # one domain a line, '#' comments; source "import"
    blocked.is_blocked("bob@eu.mailinator.com")   # True: a blocked domain covers its subdomains
    blocked.remove("mailinator.com")

What is blocked: an address whose domain IS a blocked domain or is a
SUBDOMAIN of one (blocking ``example.com`` blocks ``mail.example.com``, never
``notexample.com``). One indexed lookup of the domain and its parents.

Where it is enforced (:func:`ensure_allowed`, typed error
``EMAIL_DOMAIN_BLOCKED``): :meth:`UserService.create` and ``register``, an
email change through :meth:`UserService.update`, and
:meth:`UserService.link_identity` when the identity carries an email (a
``provider_id`` that is an address, or ``metadata["email"]``). Existing users
of a domain blocked later keep signing in: the list screens new addresses,
it does not lock accounts out.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import errors, events
from ..config import Settings
from ..fields import utcnow
from ..models import SOURCE_IMPORT, SOURCE_MANUAL, BlockedEmailDomain
from ..normalize import normalize_email
from ..replicas import replica_ok
from ..repositories import blocked_domains as repo
from ..unit_of_work import emit, retry_on_conflict, transaction
from ..validation import OFFSET, SEARCH, Kind, checked, int_in, pattern, text

__all__ = ["BlockedDomainService", "ImportResult", "normalize_domain", "ensure_allowed", "email_is_blocked",
           "DOMAIN", "ADDRESS_OR_DOMAIN", "SOURCE", "DOMAIN_LINES", "FILE_PATH"]

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_SOURCE = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_SEARCH = re.compile(r"[a-z0-9.-]{1,255}")
_MAX_DOMAIN = 253
#: Bytes read from an import file at most (a list of disposable domains is well under this).
MAX_IMPORT_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class ImportResult:
    """What a bulk import did: domains newly blocked, and those already on the list."""

    added: int
    already_blocked: int


def normalize_domain(value: Any) -> str:
    """``value`` lower-cased, without a leading ``@`` or a trailing dot, IDNA-encoded.

    Anything that is not a host name (``INVALID_EMAIL_DOMAIN``): empty, a
    path, an address, a label longer than 63 characters or starting or
    ending with ``-``, more than 253 characters.
    """
    if not isinstance(value, str):
        raise errors.InvalidEmailDomain(f"A domain must be a string, not {type(value).__name__}.")
    if len(value) > 4 * _MAX_DOMAIN:
        raise errors.InvalidEmailDomain("The domain is too long (at most 253 characters).")
    domain = value.strip().lower().removeprefix("@").removesuffix(".")
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise errors.InvalidEmailDomain(f"{domain[:60]!r} is not a valid domain name.") from exc
    if not domain or len(domain) > _MAX_DOMAIN or not all(_LABEL.fullmatch(p) for p in domain.split(".")):
        raise errors.InvalidEmailDomain(f"{domain[:60]!r} is not a domain name like example.com.")
    return domain


def _candidates(domain: str) -> list[str]:
    """The domain and each parent: ``a.b.c`` -> ``a.b.c``, ``b.c``, ``c``."""
    parts = domain.split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]


def email_is_blocked(email: str) -> bool:
    """Whether a NORMALISED email's domain (or a parent of it) is blocked."""
    domain = email.rpartition("@")[2]
    try:
        domain = normalize_domain(domain)
    except errors.InvalidEmailDomain:
        return False  # a literal address ([192.0.2.1]) has no domain to block
    return bool(repo.any_of(_candidates(domain)))


def ensure_allowed(email: str | None) -> None:
    """Raise ``EMAIL_DOMAIN_BLOCKED`` when a normalised email's domain is blocked."""
    if email is not None and email_is_blocked(email):
        raise errors.EmailDomainBlocked(domain=email.rpartition("@")[2])


def _domain_kind(field: str, value: Any) -> str:
    return normalize_domain(value)


def _address_or_domain(field: str, value: Any) -> str:
    if isinstance(value, str) and "@" in value.strip().removeprefix("@"):
        email = normalize_email(value)
        if email is None:
            raise errors.InvalidEmail("The email must not be blank.", field=field)
        return email
    return normalize_domain(value)


def _lines(field: str, value: Any) -> list[str]:
    if isinstance(value, (str, bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise errors.InvalidValue(f"{field} must be a list of domains (one per item), not {type(value).__name__}.",
                                  field=field)
    items = list(value)
    if not all(isinstance(item, str) for item in items):
        raise errors.InvalidValue(f"{field} must hold strings only.", field=field)
    return items


def _path(field: str, value: Any) -> Path:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise errors.InvalidValue(f"{field} must be the path of a text file, not {type(value).__name__}.",
                                  field=field)
    return Path(str(text(field, value, max_length=4096)))


#: A domain name (normalised by :func:`normalize_domain`).
DOMAIN = Kind("domain", _domain_kind, examples=("example.com", "Mail.Example.ORG.", "@spam.example"))
#: An email address or a domain (:meth:`BlockedDomainService.is_blocked`).
ADDRESS_OR_DOMAIN = Kind("domain", _address_or_domain, examples=("bob@example.com", "eu.example.com"))
SOURCE = pattern(_SOURCE, errors.InvalidValue, "a short lower-case word such as 'manual' or 'import'.",
                 examples=(SOURCE_MANUAL, SOURCE_IMPORT, "seed"))
DOMAIN_LINES = Kind("domain lines", _lines)
FILE_PATH = Kind("path", _path)


class BlockedDomainService:
    """Add, remove, list and bulk-import blocked email domains; check an address."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()

    @checked(domain=DOMAIN, source=SOURCE)
    @retry_on_conflict
    def add(self, domain: str, *, source: str = SOURCE_MANUAL) -> BlockedEmailDomain:
        """Block ``domain`` (and its subdomains); already blocked: ``BLOCKED_DOMAIN_ALREADY_EXISTS``."""
        name, origin = domain, source
        with transaction():
            try:
                row = repo.insert(name, origin, now=utcnow())
            except errors.BlockedDomainAlreadyExists as exc:
                raise errors.BlockedDomainAlreadyExists(f"{name} is already blocked.", domain=name) from exc
            emit(events.blocked_domain_added, self, domain=name, source=origin)
        return row

    @checked(domain=DOMAIN)
    @retry_on_conflict
    def remove(self, domain: str) -> bool:
        """Unblock ``domain``; False if it was not blocked (its parents stay blocked)."""
        name = domain
        with transaction():
            removed = repo.delete(name) > 0
            if removed:
                emit(events.blocked_domain_removed, self, domain=name)
        return removed

    @replica_ok
    @checked(search=SEARCH, offset=OFFSET, limit=int_in(1, 1000, "limit"))
    def list_domains(self, *, search: str | None = None, offset: int = 0,
                     limit: int = 100) -> list[BlockedEmailDomain]:
        """Blocked domains in name order; ``search``: part of the name. ``limit`` is 1..1000."""
        if search:
            search = search.lower()
            if not _SEARCH.fullmatch(search):
                raise errors.InvalidValue("search must be part of a domain name (letters, digits, '.', '-').",
                                          field="search")
        return repo.page(search=search or None, offset=offset, limit=limit)

    @replica_ok
    @checked()
    def count(self) -> int:
        """How many domains are blocked."""
        return repo.count()

    @replica_ok
    @checked(domain=DOMAIN)
    def contains(self, domain: str) -> bool:
        """Whether exactly ``domain`` is on the list (not whether a parent of it is)."""
        return bool(repo.existing([domain]))

    @replica_ok
    @checked(email_or_domain=ADDRESS_OR_DOMAIN)
    def is_blocked(self, email_or_domain: str) -> bool:
        """Whether this address (or domain) is refused: it, or a parent domain, is blocked."""
        if "@" in email_or_domain:
            return email_is_blocked(email_or_domain)
        return bool(repo.any_of(_candidates(email_or_domain)))

    @checked(domains=DOMAIN_LINES, source=SOURCE)
    @retry_on_conflict
    def import_domains(self, domains: Iterable[str], *, source: str = SOURCE_IMPORT) -> ImportResult:
        """Block every domain given (in one transaction); all are checked before any is stored.

        Blank items and ``#`` comments are skipped; a malformed one refuses the
        whole import (``INVALID_EMAIL_DOMAIN``, with its ``line`` number).
        """
        origin = source
        wanted: dict[str, None] = {}
        for line_no, raw in enumerate(domains, start=1):
            entry = raw.split("#", 1)[0].strip()
            if entry == "":
                continue
            try:
                wanted[normalize_domain(entry)] = None
            except errors.InvalidEmailDomain as exc:
                raise errors.InvalidEmailDomain(f"Line {line_no}: {exc.message}", line=line_no) from exc
        names = list(wanted)
        with transaction():
            present = repo.existing(names)
            missing = [n for n in names if n not in present]
            repo.insert_missing(missing, origin, now=utcnow())
            if missing:
                emit(events.blocked_domains_imported, self, added=len(missing), source=origin)
        return ImportResult(added=len(missing), already_blocked=len(present))

    @checked(path=FILE_PATH, source=SOURCE)
    def import_file(self, path: str | Path, *, source: str = SOURCE_IMPORT) -> ImportResult:
        """:meth:`import_domains` from a UTF-8 text file, one domain a line."""
        file = Path(path)
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_IMPORT_BYTES + 1)
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            raise errors.InvalidValue(f"Cannot read {file}: {reason}.", field="path") from exc
        if len(data) > MAX_IMPORT_BYTES:
            raise errors.InvalidValue(f"{file} is larger than {MAX_IMPORT_BYTES} bytes.", field="path")
        try:
            content = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise errors.InvalidValue(f"{file} is not UTF-8 text.", field="path") from exc
        return self.import_domains(content.splitlines(), source=source)

