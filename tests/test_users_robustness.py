"""Arbitrary input to every public entry point: only typed errors, nothing half-written.

Hypothesis feeds arbitrary text, overlong strings, NUL bytes, lone surrogates,
wrong types and garbage ids to each method of UserService and
AdminUserService. Every call must either succeed or raise a
:class:`~nestauth_peewee.errors.NestAuthError`; a call that raised must leave
every table exactly as it was; and after every call the invariants of a user
row hold (an email identity per email, a membership, only argon2id hashes).

Examples per dialect: ``NESTAUTH_HYPOTHESIS_EXAMPLES`` (default 150).
"""

from __future__ import annotations

import os
import uuid

import pytest
import support
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from support import empty_all_tables

from nestauth_peewee import (
    AdminUser,
    AdminUserService,
    AuditEvent,
    Identity,
    Membership,
    User,
    UserService,
    errors,
)

EXAMPLES = int(os.environ.get("NESTAUTH_HYPOTHESIS_EXAMPLES", "150"))

_with_nul = st.builds(lambda a, b: a + "\x00" + b, st.text(max_size=8), st.text(max_size=8))
_with_surrogate = st.builds(lambda a: a + "\ud800", st.text(max_size=8))
_overlong = st.builds(lambda c, n: c * n, st.sampled_from(["a", "é", "7", "🔑", " "]),
                      st.integers(min_value=250, max_value=2000))
_plausible = st.sampled_from([
    "bob@example.com", " Bob@Example.COM ", "ann@example.com", "+1 555 010 9999", "5550100", "",
    "   ", "%", "_", "!", "\\", "github", "email", "phone", support.PASSWORD, "a brand new passphrase",
    "admin", "a@b.co", "x" * 64 + "@example.com",
])
_emailish = st.builds(lambda local, dom: f"{local}@{dom}.com",
                      st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12))
_text = st.one_of(st.text(max_size=40), _with_nul, _with_surrogate, _overlong, _plausible, _emailish)
junk = st.one_of(
    _text,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.binary(max_size=16),
    st.uuids().map(str),
    st.uuids(),
    st.lists(st.text(max_size=4), max_size=3),
    st.dictionaries(st.text(max_size=6), st.one_of(st.text(max_size=6), st.integers(),
                                                   st.floats(allow_nan=True)), max_size=3),
    st.just(object()),
)


_good = {
    "email": st.one_of(st.sampled_from(["bob@example.com", " Bob@Example.COM ", "ann@example.com", None]),
                       st.integers(0, 50).map(lambda n: f"user{n}@example.com")),
    "phone": st.one_of(st.none(), st.sampled_from(["+1 555 010 9999", "5550100"]),
                       st.integers(1000, 1050).map(lambda n: f"+44 20 {n}")),
    "password": st.sampled_from([None, support.PASSWORD, "a brand new passphrase", "another fine passphrase"]),
    "metadata": st.one_of(st.none(), st.dictionaries(st.text(max_size=6), st.text(max_size=6), max_size=3)),
    "flag": st.booleans(),
    "optional_flag": st.sampled_from([None, True, False]),
    "provider": st.sampled_from(["github", "google", "GitHub"]),
    "provider_id": st.integers(0, 20).map(str),
    "search": st.sampled_from([None, "example", "%", "_", "555", "BOB"]),
    "page": st.integers(1, 3),
    "limit": st.integers(1, 100),
    "name": st.sampled_from([None, "Root", "Ops team"]),
}


def _arg(data, label, kind=None):
    """Mostly a plausible value of the right kind, sometimes junk."""
    if data.draw(st.integers(0, 3), label=f"{label} is junk") == 0:
        return data.draw(junk, label=label)
    return data.draw(_good[kind or label], label=label)


def _ref(data, label, model):
    """An existing row's id (as UUID or text) most of the time, else junk.

    The draws never depend on the database (Hypothesis replays them): an index
    is drawn and mapped onto whatever rows exist.
    """
    if data.draw(st.integers(0, 3), label=f"{label} is junk") == 0:
        return data.draw(junk, label=label)
    index = data.draw(st.integers(0, 9), label=label)
    ids = [row.id for row in model.select(model.id).order_by(model.created_at, model.id).limit(5)]
    if not ids:
        return uuid.UUID(int=index)
    chosen = ids[index % len(ids)]
    return str(chosen) if index % 2 else chosen


def _user_ref(data):
    return _ref(data, "user_id", User)


def _admin_ref(data):
    return _ref(data, "admin_id", AdminUser)


def _call_users(users: UserService, data) -> None:
    op = data.draw(st.sampled_from([
        "create", "register", "authenticate", "get", "get_by_email", "get_by_phone", "list", "update",
        "verify_email", "unverify_email", "verify_phone", "unverify_phone", "activate", "deactivate",
        "change_password", "set_password", "delete", "link_identity", "unlink_identity",
        "get_by_identity", "identities",
    ]), label="operation")
    if op in ("create", "register"):
        kwargs = {name: _arg(data, name) for name in ("email", "phone", "password", "metadata")}
        kwargs["tenant_id"] = data.draw(st.one_of(st.none(), junk), label="tenant_id")
        if op == "create":
            for name in ("is_active", "must_change_password", "email_verified", "phone_verified"):
                kwargs[name] = _arg(data, name, "flag")
        getattr(users, op)(**kwargs)
    elif op == "authenticate":
        users.authenticate(email=_arg(data, "email"), phone=_arg(data, "phone"),
                           password=_arg(data, "password"))
    elif op in ("get_by_email", "get_by_phone"):
        getattr(users, op)(_arg(data, op[7:]))
    elif op == "list":
        kwargs = {name: _arg(data, name, "optional_flag")
                  for name in ("is_active", "verified", "email_verified", "phone_verified")}
        kwargs.update(search=_arg(data, "search"), page=_arg(data, "page"), limit=_arg(data, "limit"),
                      role=data.draw(st.one_of(st.none(), junk), label="role"),
                      tenant_id=data.draw(st.one_of(st.none(), junk), label="tenant_id"))
        users.list(**kwargs)
    elif op == "update":
        names = data.draw(st.lists(st.sampled_from(
            ["email", "phone", "metadata", "must_change_password", "password", "is_active", "id"]),
            max_size=3, unique=True), label="fields")
        kinds = {"must_change_password": "flag", "is_active": "flag", "id": "provider_id"}
        users.update(_user_ref(data), **{name: _arg(data, name, kinds.get(name)) for name in names})
    elif op == "change_password":
        users.change_password(_user_ref(data), _arg(data, "current", "password"), _arg(data, "new", "password"))
    elif op == "set_password":
        users.set_password(_user_ref(data), _arg(data, "new", "password"),
                           must_change_password=_arg(data, "must_change", "flag"))
    elif op == "link_identity":
        users.link_identity(_user_ref(data), _arg(data, "provider"), _arg(data, "provider_id"),
                            metadata=_arg(data, "metadata"))
    elif op == "unlink_identity":
        users.unlink_identity(_user_ref(data), _arg(data, "provider"), _arg(data, "provider_id"))
    elif op == "get_by_identity":
        users.get_by_identity(_arg(data, "provider"), _arg(data, "provider_id"))
    else:  # get, verify/unverify, activate/deactivate, delete, identities
        getattr(users, op)(_user_ref(data))


def _call_admins(admins: AdminUserService, data) -> None:
    op = data.draw(st.sampled_from(
        ["create", "authenticate", "get", "get_by_email", "list", "update", "change_password",
         "set_password", "revoke_all_sessions", "delete"]), label="admin operation")
    if op == "create":
        admins.create(email=_arg(data, "email"), password=_arg(data, "password"),
                      name=_arg(data, "name"), metadata=_arg(data, "metadata"))
    elif op == "authenticate":
        admins.authenticate(email=_arg(data, "email"), password=_arg(data, "password"))
    elif op == "get_by_email":
        admins.get_by_email(_arg(data, "email"))
    elif op == "list":
        admins.list(page=_arg(data, "page"), limit=_arg(data, "limit"))
    elif op == "update":
        names = data.draw(st.lists(st.sampled_from(["email", "name", "metadata", "password_hash"]),
                                   max_size=3, unique=True), label="fields")
        admins.update(_admin_ref(data), **{n: _arg(data, n, "name" if n == "password_hash" else None)
                                            for n in names})
    elif op == "change_password":
        admins.change_password(_admin_ref(data), _arg(data, "current", "password"),
                               _arg(data, "new", "password"))
    elif op == "set_password":
        admins.set_password(_admin_ref(data), _arg(data, "new", "password"))
    else:
        getattr(admins, op)(_admin_ref(data))


def _check_invariants() -> None:
    for user in User.select():
        assert user.email or user.phone
        assert user.password_hash is None or user.password_hash.startswith("$argon2id$")
        emails = [i.provider_id for i in Identity.select().where(
            (Identity.user == user.id) & (Identity.provider == "email"))]
        assert emails == ([user.email] if user.email else [])
        assert Membership.select().where(Membership.user == user.id).count() >= 1


@pytest.fixture
def services(db):
    return db, UserService(support.CHEAP_SETTINGS), AdminUserService(support.CHEAP_SETTINGS)


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_arbitrary_input_gives_typed_errors_and_never_a_half_written_state(services, data):
    db, users, admins = services
    empty_all_tables(db)  # every example starts from the same state
    users.register(email="seed@example.com", phone="5550100", password=support.PASSWORD)
    admins.create(email="root@example.com", password=support.PASSWORD)
    for _ in range(data.draw(st.integers(1, 3), label="calls")):
        admin_call = data.draw(st.integers(0, 4), label="which service") == 0
        before = support.table_state()
        try:
            if admin_call:
                _call_admins(admins, data)
            else:
                _call_users(users, data)
            event("call succeeded")
        except errors.NestAuthError as exc:
            event(f"raised {exc.code}")
            assert exc.code and str(exc), "an error needs a code and a message"
            after = support.table_state()
            if isinstance(exc, errors.AuthenticationError):  # a refused sign-in is recorded on purpose
                trail = AuditEvent._meta.table_name
                earlier = before.pop(trail)
                gained = [row for row in after.pop(trail) if row not in earlier]
                outcome = AuditEvent._meta.sorted_field_names.index("outcome")
                assert all(row[outcome] == "failure" for row in gained), f"{exc!r} recorded a success"
            assert after == before, f"{exc!r} left a partial write behind"
        _check_invariants()
