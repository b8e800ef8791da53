"""Hostile input at every public service method, on every dialect (issue 14).

The methods are enumerated from the package's public API (``__all__`` → the
service classes → their public methods), so a method added later is fuzzed
without anyone listing it. Each method's arguments are drawn from its declared
kinds (``method.__kinds__``, see :mod:`nestauth_peewee.validation`): valid
values built around a small seeded world (real ids, tokens, names), with
one hostile value per call mixed in (lone surrogates, NUL, control characters, 2**63,
negative numbers, bytes, lists, dicts, floats, None, overlong text, zero and
negative durations). For each call:

* only a :class:`~nestauth_peewee.errors.NestAuthError` may escape;
* a refusal leaves every table exactly as it was (a refused *credential* may
  write on purpose: a spent attempt, a revoked replayed session);
* after a call that wrote, a row it returns reads back from the database equal
  to what it returned, and each text argument stored in a column of that name
  equals the argument as its kind cleans it (MariaDB must refuse, never truncate).

Examples per method and dialect: ``NESTAUTH_FUZZ_EXAMPLES`` (default 10),
derandomized, so CI runs the same inputs every time.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import inspect
import operator
import os
import traceback
import uuid
from dataclasses import is_dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import peewee
import pyotp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import CHEAP, empty_all_tables

import nestauth_peewee
from nestauth_peewee import NestAuthModels, Settings, errors
from nestauth_peewee.db import dialect_of
from nestauth_peewee.services.bundle import AuthServices

EXAMPLES = int(os.environ.get("NESTAUTH_FUZZ_EXAMPLES", "10"))
KEY = "fuzz-secret-key-" + "k" * 32
SETTINGS = Settings(secret_key=KEY, argon2=CHEAP, guards=("web", "api"), max_sessions_per_user=3)
PASSWORD = "correct horse battery staple"


def _service_classes() -> list[type]:
    """The public classes of the services layer that do work (not results, not the bundle)."""
    found = []
    for name in nestauth_peewee.__all__:
        obj = getattr(nestauth_peewee, name)
        if (isinstance(obj, type) and obj.__module__.startswith("nestauth_peewee.services.")
                and not is_dataclass(obj) and obj is not AuthServices
                and not issubclass(obj, tuple)):
            found.append(obj)
    return found


def _public_methods(cls: type) -> list[str]:
    return sorted(name for name, member in inspect.getmembers(cls, inspect.isfunction)
                  if not name.startswith("_"))


METHODS = [(cls, name) for cls in _service_classes() for name in _public_methods(cls)]


def test_the_public_api_has_services_to_fuzz() -> None:
    names = {cls.__name__ for cls, _ in METHODS}
    assert {"UserService", "TenantService", "SessionService", "ExpiryCleanup"} <= names
    assert len(METHODS) > 100


@pytest.mark.parametrize(("cls", "method"), METHODS, ids=[f"{c.__name__}.{m}" for c, m in METHODS])
def test_every_public_method_declares_its_parameter_kinds(cls: type, method: str) -> None:
    function = getattr(cls, method)
    assert hasattr(function, "__kinds__"), f"{cls.__name__}.{method} is not wrapped by validation.checked"


# --- the world the valid values point into ------------------------------------------------


def _build_world() -> dict[str, Any]:
    auth = AuthServices(SETTINGS)
    users = [auth.users.create(email=f"u{i}@example.com", phone=f"+1555010{i:04d}", password=PASSWORD)
             for i in range(2)]
    tenant = auth.tenants.create("Acme", "acme", description="the first")
    auth.permissions.register(["posts.read", "posts.write"])
    auth.permissions.register(["api.call"], guard="api")
    global_role = auth.roles.create("admin", permissions=["posts.read"])
    tenant_role = auth.roles.create("editor", tenant_id=tenant.id, permissions=["posts.write"])
    auth.memberships.ensure(users[0].id, tenant.id)
    auth.memberships.set_roles(users[0].id, tenant.id, [tenant_role.id])
    auth.staff.grant(users[1].id, roles=[global_role.id])
    session = auth.sessions.create(users[0].id, user_agent="curl/8", ip_address="203.0.113.9")
    key = auth.access_keys.create(users[0].id, "ci")
    otp = auth.otps.create(users[0].id, "email_verification")
    enrolment = auth.mfa.add_totp_device(users[0].id, device_name="phone")
    device = auth.trusted_devices.issue(users[0].id, user_agent="Firefox")
    recovery = auth.mfa.generate_recovery_codes(users[0].id)
    admins = [auth.admins.create(email=f"root{i}@example.com", password=PASSWORD) for i in range(2)]
    auth.users.link_identity(users[0].id, "github", "583231")
    permission = auth.permissions.get_by_name("posts.read")
    return {
        "user": [u.id for u in users], "tenant": [tenant.id], "role": [global_role.id, tenant_role.id],
        "permission": [permission.id], "session": [session.session.id], "key": [key.key.id],
        "device": [enrolment.device.id, device.device.id], "admin": [a.id for a in admins],
        "email": ["u0@example.com", "U1@Example.COM ", "root0@example.com"],
        "phone": ["+15550100000", "+1 555 010 0001"],
        "names": ["posts.read", "posts.write", "api.call", "admin", "editor"],
        "tokens": [session.refresh_token, key.api_key, device.token, otp.code, recovery[0],
                   pyotp.TOTP(enrolment.secret).now()],
        "provider": ["github"], "provider_id": ["583231"],
    }


# --- strategies ------------------------------------------------------------------------------

_ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
HOSTILE = st.one_of(
    st.sampled_from([
        "a\ud800b", "\udfff", "a\x00b", "\x00", "\x1b[31m", "a\x85b", "line\nbreak", "tab\there",
        "", " ", "x" * 256, "é" * 300, "\U0001f600" * 300, "x" * 70_000, "%", "_", "' OR 1=1 --",
        2**63, -(2**63), 2**31, -1, 0, 1.5, float("nan"), b"x", b"\xff\xfe", [1, 2], [], {"a": 1}, {},
        None, True, False, object(), timedelta(0), timedelta(seconds=-1), timedelta.max,
        datetime.min, datetime(1969, 1, 1), "00000000-0000-0000-0000-000000000000",
        "6f1c" + "0" * 28, ("a", "b"), {"name"}, "posts.read\x00",
    ]),
    st.text(_ANY_CHAR, max_size=20),
    st.integers(),
    st.binary(max_size=8),
)
_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFFF, exclude_categories=("Cs", "Cc")),
                min_size=1, max_size=24)
_NOW = datetime.now(UTC)


def _ids(world: dict[str, Any], param: str) -> st.SearchStrategy[Any]:
    sort = {"user_id": "user", "tenant_id": "tenant", "role_id": "role", "permission_id": "permission",
            "session_id": "session", "session": "session", "current_session": "session", "except_session": "session",
            "key_id": "key", "device_id": "device", "admin_id": "admin"}.get(param, "user")
    known = st.sampled_from(world[sort])
    return st.one_of(known, known.map(str), st.uuids())


def _valid(world: dict[str, Any], param: str, kind: Any) -> st.SearchStrategy[Any]:
    name = kind.name
    if name == "id":
        return _ids(world, param)
    if name == "ids":
        return st.lists(st.sampled_from(world["role"]), max_size=2)
    if name in ("name", "line", "text", "long text", "search"):
        return st.one_of(st.sampled_from(world["names"]), _TEXT)
    if name == "names":
        return st.one_of(st.lists(st.sampled_from(world["names"]), max_size=3), st.sampled_from(world["names"]))
    if name == "short name":
        return st.sampled_from(["web", "api", "nope"])
    if name in ("email", "admin email"):
        return st.one_of(st.sampled_from(world["email"]), st.from_regex(r"[a-z]{1,8}@example\.com", fullmatch=True))
    if name == "phone":
        return st.one_of(st.sampled_from(world["phone"]), st.from_regex(r"\+1555[0-9]{7}", fullmatch=True))
    if name == "password":
        return st.one_of(st.just(PASSWORD), _TEXT)
    if name == "ip address":
        return st.sampled_from(["203.0.113.9", "2001:db8::1", " 198.51.100.7 "])
    if name == "user agent":
        return st.one_of(_TEXT, st.just("Mozilla/5.0 " + "x" * 600))
    if name == "flag":
        return st.booleans()
    if name == "metadata":
        return st.dictionaries(st.text(max_size=5), st.one_of(st.integers(-10, 10), st.text(max_size=5)),
                               max_size=2)
    if name in ("page", "limit", "offset", "batch size", "otp length"):
        bounds = {"page": (1, 3), "limit": (1, 100), "offset": (0, 5), "batch size": (1, 50),
                  "otp length": (4, 10)}[name]
        return st.integers(*bounds)
    if name == "duration":
        return st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=30))
    if name == "datetime":
        return st.sampled_from([_NOW + timedelta(days=3), _NOW - timedelta(days=1),
                                (_NOW + timedelta(hours=1)).replace(tzinfo=None)])
    if name in ("choice", "pattern"):
        return st.sampled_from(kind.examples)
    if name == "credential":
        return st.one_of(st.sampled_from(world["tokens"]), _TEXT)
    if name == "permission specs":
        spec = st.fixed_dictionaries({"name": _TEXT}, optional={"description": _TEXT, "category": _TEXT,
                                                                 "guard": st.sampled_from(["web", "api"])})
        return st.lists(st.one_of(_TEXT, spec), max_size=3)
    if name in ("provider", "linked provider"):
        return st.one_of(st.sampled_from(world["provider"] + ["google", "email"]), _TEXT)
    if name == "provider id":
        return st.one_of(st.sampled_from(world["provider_id"]), _TEXT)
    if name == "domain":
        return st.one_of(st.sampled_from(kind.examples), st.from_regex(r"[a-z]{1,8}\.example", fullmatch=True))
    if name == "domain lines":
        return st.lists(st.one_of(st.sampled_from(["example.com", "# a comment", "", "spam.example"]),
                                  st.from_regex(r"[a-z]{1,8}\.example", fullmatch=True)), max_size=4)
    if name == "path":
        return st.sampled_from(["/nonexistent/blocked.txt", "relative/missing.txt"])
    raise AssertionError(f"no strategy for kind {name!r} ({param}); add one")


def _valid_or_none(world: dict[str, Any], param: str, kind: Any) -> st.SearchStrategy[Any]:
    valid = _valid(world, param, kind)
    return st.one_of(valid, st.none()) if kind.nullable else valid


# --- what is checked ------------------------------------------------------------------------


def _tables() -> dict[str, list[Any]]:
    """Every row of every table, as text: one statement on the servers, a query per table on SQLite."""
    db = nestauth_peewee.database.obj
    if dialect_of(db) == "sqlite":
        return {model._meta.table_name: sorted(map(repr, model.select().tuples())) for model in NestAuthModels}
    parts = [model.select(peewee.Value(model._meta.table_name).alias("t"),
                          peewee.fn.CONCAT_WS("|", *model._meta.sorted_fields).alias("r"))
             for model in NestAuthModels]
    union = functools.reduce(operator.add, parts)  # UNION ALL
    found: dict[str, list[Any]] = {model._meta.table_name: [] for model in NestAuthModels}
    for table, row in db.execute(union).fetchall():
        found[table].append(row)
    return {table: sorted(rows) for table, rows in found.items()}


def _rows_in(result: Any) -> list[peewee.Model]:
    if isinstance(result, peewee.Model):
        return [result]
    if is_dataclass(result):
        return [v for v in vars(result).values() if isinstance(v, peewee.Model)]
    return []


_COLUMN_VALUES = (str, int, bool, dict, uuid.UUID, type(None))


def _check_read_back(row: peewee.Model, kinds: dict[str, Any], given: dict[str, Any], where: str) -> None:
    model = type(row)
    stored = model.get_or_none(model._meta.primary_key == row._pk)
    if stored is None:
        return  # the call removed it (or a later part of it did)
    for field in model._meta.sorted_fields:
        mine, theirs = row.__data__.get(field.name), stored.__data__.get(field.name)
        if isinstance(mine, _COLUMN_VALUES) and field.name in row.__data__ and not field.name.endswith("_at"):
            assert theirs == mine, f"{where}: {field.name} stored {theirs!r}, returned {mine!r}"
    for param, value in given.items():
        if param in model._meta.fields and param in kinds and isinstance(value, str):
            expected = kinds[param](param, value)
            assert stored.__data__.get(param) == expected, (
                f"{where}: {param}={value!r} stored as {stored.__data__.get(param)!r}, expected {expected!r}")


def _service(cls: type) -> Any:
    return cls(SETTINGS) if "settings" in inspect.signature(cls).parameters else cls()


CLASSES = _service_classes()


def _counts(tables: dict[str, list[Any]]) -> dict[str, int]:
    return {name: len(rows) for name, rows in tables.items()}


@pytest.mark.parametrize("cls", CLASSES, ids=[c.__name__ for c in CLASSES])
def test_hostile_arguments_get_typed_refusals_and_leave_no_trace(dialect, db, cls: type) -> None:
    if dialect == "postgres":
        db.execute_sql("SET synchronous_commit = off")  # the world is rebuilt often; durability is moot here
    try:
        failures = [f for method in _public_methods(cls) if (f := _fuzz_method(db, cls, method))]
    finally:
        if dialect == "postgres":
            db.execute_sql("SET synchronous_commit = on")
    assert not failures, "\n\n".join(failures)


_world: dict[str, Any] = {}


def _fresh_world(db: peewee.Database) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """The seeded world, rebuilt when an earlier method deleted some of it."""
    tables = _tables()
    if _world.get("db") is not db or any(n < _world["counts"][t] for t, n in _counts(tables).items()):
        empty_all_tables(db)
        _world.update(db=db, data=_build_world())
        tables = _tables()
        _world["counts"] = _counts(tables)
    return _world["data"], tables


def _fuzz_method(db: peewee.Database, cls: type, method: str) -> str | None:
    """Fuzz one method; the failure's description, or None."""
    world, tables = _fresh_world(db)
    service = _service(cls)
    function = getattr(cls, method)
    kinds: dict[str, Any] = function.__kinds__
    signature = inspect.signature(function)
    params = [p for p in signature.parameters.values() if p.name != "self"]
    var_kw = next((p for p in params if p.kind is p.VAR_KEYWORD), None)
    named = [p for p in params if p is not var_kw]
    extra = [name for name in kinds if name not in {p.name for p in named}]
    state = {"before": tables}

    targets = [p.name for p in named] + [f"**{name}" for name in extra]

    @st.composite
    def calls(draw: st.DrawFn) -> dict[str, Any]:
        # At most one hostile argument per call, the others valid, so a call gets past the
        # first check and the hostile value meets the code that uses it.
        hostile = draw(st.sampled_from([*targets, None])) if targets else None
        kwargs: dict[str, Any] = {}
        for p in named:
            if p.name == hostile:
                kwargs[p.name] = draw(HOSTILE)
            elif p.default is p.empty or not draw(st.booleans()):  # else leave it at its default
                kwargs[p.name] = draw(_valid_or_none(world, p.name, kinds[p.name]))
        if var_kw is not None:
            for name in draw(st.lists(st.sampled_from(extra), unique=True, max_size=2)):
                kwargs[name] = draw(_valid_or_none(world, name, kinds[name]))
            if hostile is not None and hostile.startswith("**"):
                kwargs[hostile[2:]] = draw(HOSTILE)
            if draw(st.booleans()):
                kwargs[draw(st.sampled_from(["password", "is_active", "id"]))] = draw(HOSTILE)
        return kwargs

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(kwargs=calls())
    def run(kwargs: dict[str, Any]) -> None:
        where = f"{cls.__name__}.{method}(**{kwargs!r:.300})"
        before = state["before"]
        try:
            result = getattr(service, method)(**kwargs)
            if isinstance(result, concurrent.futures.Future):  # request_in_background: its work too
                with contextlib.suppress(errors.NestAuthError):
                    result = result.result(timeout=60)
        except (errors.CredentialRejected, errors.AuthenticationError):
            # May write on purpose: a spent attempt, a revoked replayed session, a failure counted
            # by login throttling (nest_auth_login_throttles).
            state["before"] = _tables()
            return
        except errors.NestAuthError:
            assert _tables() == before, f"{where} was refused but changed the tables"
            return
        except Exception:  # noqa: BLE001 - exactly what this test exists to catch
            pytest.fail(f"{where} raised a raw exception:\n{traceback.format_exc(limit=-4)}")
        finally:
            if db.in_transaction():
                db.rollback()
        after = state["before"] = _tables()
        if after != before:  # it wrote: what it returned is what the database holds
            for row in _rows_in(result):
                _check_read_back(row, kinds, kwargs, where)

    try:
        run()
    except (AssertionError, pytest.fail.Exception) as failure:
        return f"{cls.__name__}.{method}: {failure}"
    return None
