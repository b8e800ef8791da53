"""Reading and checking a seed file into a :class:`SeedPlan`, before any database work."""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from .. import errors
from ..config import Settings
from ..normalize import normalize_email, normalize_phone
from ..passwords import check_policy
from ..services.blocked_domains import normalize_domain

__all__ = [
    "Entry",
    "PermissionSpec",
    "TenantSpec",
    "RoleSpec",
    "MembershipSpec",
    "StaffSpec",
    "UserSpec",
    "AdminSpec",
    "BlockedDomainSpec",
    "SeedPlan",
    "load_seed",
    "parse_seed",
    "SECTIONS",
]

#: The sections of a seed file, in the order they are applied.
SECTIONS = ("blocked_domains", "permissions", "tenants", "roles", "users", "admins")


@dataclass(frozen=True)
class Entry:
    """Where a declaration sits in the file: ``users`` entry 3 (``bob@example.com``)."""

    section: str
    position: int  # 1-based, within its section
    label: str

    def __str__(self) -> str:
        return f"{self.section} entry {self.position} ({self.label})"


@dataclass(frozen=True)
class BlockedDomainSpec:
    entry: Entry
    domain: str
    source: str = "seed"


@dataclass(frozen=True)
class PermissionSpec:
    entry: Entry
    name: str
    guard: str
    description: str | None = None  # None: not declared (left as it is)
    category: str | None = None


@dataclass(frozen=True)
class TenantSpec:
    entry: Entry
    slug: str
    name: str
    description: str | None = None
    active: bool | None = None
    metadata: dict[str, Any] | None = None


@dataclass(frozen=True)
class RoleSpec:
    entry: Entry
    name: str
    guard: str
    tenant: str | None  # slug; None: a global role
    system: bool = False
    active: bool | None = None
    permissions: tuple[str, ...] | None = None  # None: not declared


@dataclass(frozen=True)
class MembershipSpec:
    tenant: str | None  # slug; None: the user's global membership
    guard: str
    roles: tuple[str, ...] | None = None
    active: bool | None = None


@dataclass(frozen=True)
class StaffSpec:
    guard: str
    roles: tuple[str, ...] | None = None
    active: bool | None = None


@dataclass(frozen=True)
class UserSpec:
    entry: Entry
    email: str | None
    phone: str | None
    password: str | None = field(default=None, repr=False)
    active: bool | None = None
    email_verified: bool | None = None
    phone_verified: bool | None = None
    must_change_password: bool | None = None
    metadata: dict[str, Any] | None = None
    memberships: tuple[MembershipSpec, ...] = ()
    staff: StaffSpec | None = None


@dataclass(frozen=True)
class AdminSpec:
    entry: Entry
    email: str
    password: str = field(repr=False)
    name: str | None = None
    metadata: dict[str, Any] | None = None


@dataclass(frozen=True)
class SeedPlan:
    """A checked seed file: every entry valid in itself, passwords within the policy."""

    source: str
    blocked_domains: tuple[BlockedDomainSpec, ...] = ()
    permissions: tuple[PermissionSpec, ...] = ()
    tenants: tuple[TenantSpec, ...] = ()
    roles: tuple[RoleSpec, ...] = ()
    users: tuple[UserSpec, ...] = ()
    admins: tuple[AdminSpec, ...] = ()

    @property
    def size(self) -> int:
        """How many entries the plan holds (the length of a progress bar)."""
        return sum(len(getattr(self, section)) for section in SECTIONS)


# --- loading -----------------------------------------------------------------------


def load_seed(path: str | os.PathLike[str], settings: Settings | None = None, *,
              environ: Mapping[str, str] | None = None) -> SeedPlan:
    """Read a ``.toml`` or ``.json`` seed file and check it (:func:`parse_seed`)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise errors.InvalidSeedFile(f"{path}: a seed file ends in .toml or .json, not {suffix or '(none)'!r}.")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise errors.InvalidSeedFile(f"{path}: cannot read it ({exc.strerror or exc}).") from exc
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text) if suffix == ".toml" else json.loads(text)
    except UnicodeDecodeError as exc:
        raise errors.InvalidSeedFile(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}).") from exc
    except tomllib.TOMLDecodeError as exc:
        raise errors.InvalidSeedFile(f"{path}: not valid TOML: {exc}.") from exc
    except json.JSONDecodeError as exc:
        raise errors.InvalidSeedFile(f"{path}: not valid JSON: {exc}.") from exc
    return parse_seed(data, settings, source=str(path), environ=environ)


def parse_seed(data: Any, settings: Settings | None = None, *, source: str = "<seed>",
               environ: Mapping[str, str] | None = None) -> SeedPlan:
    """Check a seed document (the dict a TOML or JSON file gives) and return its plan.

    Everything that can be checked without the database is checked here:
    unknown keys, types, email and phone syntax, guards, duplicates within
    the file, passwords against the policy, and ``password_env`` variables
    being set. The first problem raises :class:`~nestauth_peewee.errors.InvalidSeedFile`
    naming the entry by section and position.
    """
    settings = settings or Settings()
    env = os.environ if environ is None else environ
    if not isinstance(data, Mapping):
        raise errors.InvalidSeedFile(f"{source}: the top level must be a table (object), not {_kind(data)}.")
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise errors.InvalidSeedFile(
            f"{source}: unknown section(s) {', '.join(map(repr, unknown))}; "
            f"a seed file has {', '.join(SECTIONS)}."
        )
    parsers: dict[str, Callable[[_Reader], Any]] = {
        "blocked_domains": _blocked_domain,
        "permissions": lambda r: _permission(r, settings),
        "tenants": _tenant,
        "roles": lambda r: _role(r, settings),
        "users": lambda r: _user(r, settings, env),
        "admins": lambda r: _admin(r, settings, env),
    }
    sections: dict[str, tuple[Any, ...]] = {}
    for section, parse in parsers.items():
        items = data.get(section, [])
        if not isinstance(items, list):
            raise errors.InvalidSeedFile(
                f"{source}: {section} must be a list (an array of tables, [[{section}]]), not {_kind(items)}."
            )
        specs = []
        seen: dict[Any, int] = {}
        for position, item in enumerate(items, start=1):
            reader = _Reader(source, section, position, item)
            spec = parse(reader)
            key = _identity(spec)
            if key in seen:
                reader.fail(f"declared twice: {section} entry {seen[key]} already declares it")
            seen[key] = position
            specs.append(spec)
        sections[section] = tuple(specs)
    return SeedPlan(source=source, **sections)


def _identity(spec: Any) -> Any:
    if isinstance(spec, BlockedDomainSpec):
        return ("blocked_domain", spec.domain)
    if isinstance(spec, PermissionSpec):
        return (spec.name, spec.guard)
    if isinstance(spec, TenantSpec):
        return spec.slug
    if isinstance(spec, RoleSpec):
        return (spec.name, spec.guard, spec.tenant)
    if isinstance(spec, UserSpec):
        return ("email", spec.email) if spec.email is not None else ("phone", spec.phone)
    return spec.email


# --- one entry ---------------------------------------------------------------------


class _Reader:
    """Typed access to one entry's keys; every problem names the entry."""

    def __init__(self, source: str, section: str, position: int, item: Any) -> None:
        self.source = source
        self.entry = Entry(section, position, _provisional_label(item))
        self.item = item

    def label(self, text: str) -> None:
        self.entry = Entry(self.entry.section, self.entry.position, text)

    def fail(self, problem: str, cause: BaseException | None = None) -> NoReturn:
        raise errors.InvalidSeedFile(
            f"{self.source}: {self.entry}: {problem}", section=self.entry.section,
            position=self.entry.position, label=self.entry.label,
        ) from cause

    def table(self, allowed: set[str], what: Any = None) -> Mapping[str, Any]:
        item = self.item if what is None else what
        if not isinstance(item, Mapping):
            self.fail(f"must be a table (object), not {_kind(item)}")
        unknown = sorted(set(item) - allowed)
        if unknown:
            self.fail(f"unknown key(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(sorted(allowed))}")
        return item

    def text(self, item: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
        value = item.get(key)
        if value is None:
            if required:
                self.fail(f"{key!r} is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{key!r} must be a non-empty string, not {value!r}")
        return value.strip()

    def flag(self, item: Mapping[str, Any], key: str) -> bool | None:
        value = item.get(key)
        if value is not None and not isinstance(value, bool):
            self.fail(f"{key!r} must be true or false, not {value!r}")
        return value

    def names(self, item: Mapping[str, Any], key: str) -> tuple[str, ...] | None:
        value = item.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(f"{key!r} must be a list of names, not {value!r}")
        return tuple(dict.fromkeys(v.strip() for v in value))

    def metadata(self, item: Mapping[str, Any]) -> dict[str, Any] | None:
        value = item.get("metadata")
        if value is not None and not isinstance(value, Mapping):
            self.fail(f"'metadata' must be a table (object), not {_kind(value)}")
        return None if value is None else dict(value)

    def guard(self, item: Mapping[str, Any], settings: Settings) -> str:
        try:
            return settings.resolve_guard(self.text(item, "guard"))
        except errors.InvalidGuard as exc:
            return self.fail(str(exc), exc)

    def checked(self, check: Callable[[], Any]) -> Any:
        try:
            return check()
        except errors.NestAuthError as exc:
            return self.fail(f"{exc.code}: {exc}", exc)

    def password(self, item: Mapping[str, Any], env: Mapping[str, str], settings: Settings,
                 email: str | None, *, required: bool) -> str | None:
        if "password" in item and "password_env" in item:
            self.fail("give 'password' or 'password_env', not both")
        if "password_env" in item:
            name = self.text(item, "password_env")
            value = env.get(name or "")
            if not value:
                self.fail(f"the environment variable {name} (password_env) is not set or empty")
        else:
            value = item.get("password")
            if value is None:
                if required:
                    self.fail("'password' (or 'password_env', the name of an environment variable) is required")
                return None
            if not isinstance(value, str):
                self.fail(f"'password' must be a string, not {_kind(value)}")
        self.checked(lambda: check_policy(value, settings.password_policy, email=email))
        return value


def _blocked_domain(r: _Reader) -> BlockedDomainSpec:
    item = r.item
    if isinstance(item, str):
        item = {"domain": item}
    item = r.table({"domain", "source"}, item)
    domain = r.checked(lambda: normalize_domain(r.text(item, "domain", required=True)))
    r.label(domain)
    return BlockedDomainSpec(entry=r.entry, domain=domain, source=r.text(item, "source") or "seed")


def _permission(r: _Reader, settings: Settings) -> PermissionSpec:
    item = r.item
    if isinstance(item, str):
        item = {"name": item}
    item = r.table({"name", "guard", "description", "category"}, item)
    return PermissionSpec(entry=r.entry, name=r.text(item, "name", required=True) or "",
                          guard=r.guard(item, settings), description=r.text(item, "description"),
                          category=r.text(item, "category"))


def _tenant(r: _Reader) -> TenantSpec:
    item = r.table({"slug", "name", "description", "active", "metadata"})
    slug = r.text(item, "slug", required=True) or ""
    return TenantSpec(entry=r.entry, slug=slug, name=r.text(item, "name") or slug,
                      description=r.text(item, "description"), active=r.flag(item, "active"),
                      metadata=r.metadata(item))


def _role(r: _Reader, settings: Settings) -> RoleSpec:
    item = r.table({"name", "tenant", "guard", "system", "active", "permissions"})
    tenant = item.get("tenant")
    r.label(f"{item.get('name')} in {tenant}" if tenant is not None else str(item.get("name")))
    tenant = r.text(item, "tenant")
    system = bool(r.flag(item, "system"))
    if system and tenant is not None:
        r.fail("a system role is global: remove 'tenant' or 'system'")
    return RoleSpec(entry=r.entry, name=r.text(item, "name", required=True) or "",
                    guard=r.guard(item, settings), tenant=tenant, system=system,
                    active=r.flag(item, "active"), permissions=r.names(item, "permissions"))


_USER_KEYS = {"email", "phone", "password", "password_env", "active", "email_verified", "phone_verified",
              "must_change_password", "metadata", "memberships", "staff"}


def _user(r: _Reader, settings: Settings, env: Mapping[str, str]) -> UserSpec:
    item = r.table(_USER_KEYS)
    email = r.checked(lambda: normalize_email(item.get("email")))
    phone = r.checked(lambda: normalize_phone(item.get("phone")))
    if email is None and phone is None:
        r.fail("a user needs an 'email' or a 'phone'")
    r.label(email or phone)
    memberships = item.get("memberships", [])
    if not isinstance(memberships, list):
        r.fail(f"'memberships' must be a list of tables, not {_kind(memberships)}")
    parsed = []
    for m in memberships:
        m = r.table({"tenant", "roles", "guard", "active"}, m)
        parsed.append(MembershipSpec(tenant=r.text(m, "tenant"), guard=r.guard(m, settings),
                                     roles=r.names(m, "roles"), active=r.flag(m, "active")))
    tenants = [m.tenant for m in parsed]
    if len(set(tenants)) != len(tenants):
        r.fail("two memberships name the same tenant (or both are global)")
    staff = None
    if item.get("staff") is not None:
        s = r.table({"roles", "guard", "active"}, item["staff"])
        staff = StaffSpec(guard=r.guard(s, settings), roles=r.names(s, "roles"), active=r.flag(s, "active"))
    return UserSpec(
        entry=r.entry, email=email, phone=phone,
        password=r.password(item, env, settings, email, required=False),
        active=r.flag(item, "active"), email_verified=r.flag(item, "email_verified"),
        phone_verified=r.flag(item, "phone_verified"),
        must_change_password=r.flag(item, "must_change_password"), metadata=r.metadata(item),
        memberships=tuple(parsed), staff=staff,
    )


def _admin(r: _Reader, settings: Settings, env: Mapping[str, str]) -> AdminSpec:
    item = r.table({"email", "password", "password_env", "name", "metadata"})
    email = r.checked(lambda: normalize_email(item.get("email")))
    if email is None:
        r.fail("an admin needs an 'email'")
    r.label(email)
    return AdminSpec(entry=r.entry, email=email,
                     password=r.password(item, env, settings, email, required=True) or "",
                     name=r.text(item, "name"), metadata=r.metadata(item))


def _provisional_label(item: Any) -> str:
    """What names an entry in messages before it is checked: its name, slug, email or phone."""
    if isinstance(item, str):
        return item
    if isinstance(item, Mapping):
        for key in ("email", "phone", "slug", "name", "domain"):
            if isinstance(item.get(key), str) and item[key].strip():
                return item[key].strip()
    return "?"


def _kind(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string", bool: "a boolean", int: "a number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)
