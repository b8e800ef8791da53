"""The invariants hold when their competitors really meet: many rounds of threads released together.

Each rule is enforced by a write both competitors make to one row or unique
key, which every engine orders (a wait on one server, a certification failure
across Galera nodes), and the loser is retried at the outermost transaction,
re-reads, and ends in the typed refusal a later caller would get - never a
stray ``TransactionConflict``. Run on SQLite, PostgreSQL and MariaDB, and
across the nodes of a Galera cluster when ``NESTAUTH_TEST_GALERA_URLS`` names
one (``tests/_cluster.py``).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import support
from _cluster import Nodes, galera_nodes
from support import DIALECTS, KEY, bound, empty_all_tables, require_dialect, session_database

from nestauth_peewee import Settings, errors, events
from nestauth_peewee.models import AdminUser, Role, Session, Tenant, User
from nestauth_peewee.repositories import tenants as tenants_repo
from nestauth_peewee.services import AdminUserService, RoleService, SessionService, TenantService, UserService

ROUNDS = 15
SETTINGS = Settings(secret_key=KEY, argon2=support.CHEAP, guards=("web",))


@pytest.fixture(params=[*DIALECTS, "galera"])
def nodes(request: pytest.FixtureRequest, _sqlite_dir: Path) -> Iterator[Nodes]:
    """One server of each dialect, then the Galera cluster (skipped when none is configured)."""
    if request.param == "galera":
        with galera_nodes() as cluster:
            yield cluster
        return
    require_dialect(request.param)
    with bound(session_database(request.param, _sqlite_dir), empty_all_tables) as db:
        yield Nodes(db, 1, request.param)


def outcome(result: Any) -> str:
    if isinstance(result, errors.NestAuthError):
        return result.code
    if isinstance(result, BaseException):
        return f"untyped {type(result).__name__}: {result}"
    return "ok"


@pytest.fixture
def sent() -> Iterator[Counter]:
    counts: Counter = Counter()
    receivers = []
    for name in ("refresh_token_reuse_detected", "session_refreshed", "user_created", "admin_deleted"):
        def receive(sender: Any, _name: str = name, **payload: Any) -> None:
            counts[_name] += 1
        getattr(events, name).connect(receive, weak=False)
        receivers.append((name, receive))
    yield counts
    for name, receive in receivers:
        getattr(events, name).disconnect(receive)


def test_a_global_and_tenant_roles_of_one_name_made_at_once_never_coexist(nodes, monkeypatch):
    """Two global creators and two tenants' creators race for each name.

    Either one global role wins, or the tenant roles (both may: tenant roles
    of one name in different tenants are fine); every loser is
    ``ROLE_ALREADY_EXISTS``. A tenant creator reads its tenant first, which on
    MariaDB fixes a REPEATABLE READ snapshot older than a global role
    committed meanwhile. In even rounds that first read is followed by a pause
    (a slow client), so a global role always commits inside that window -
    the interleaving that let both exist - instead of by timing luck; odd
    rounds race freely.
    """
    tenants, roles = TenantService(SETTINGS), RoleService(SETTINGS)
    acme, globex = tenants.create("Acme", "acme"), tenants.create("Globex", "globex")
    scopes = [None, acme.id, None, globex.id]
    slow = threading.Event()
    read_tenant = tenants_repo.exists

    def slow_read(tenant_id: Any) -> bool:
        found = read_tenant(tenant_id)
        if slow.is_set():
            time.sleep(0.03)
        return found

    monkeypatch.setattr(tenants_repo, "exists", slow_read)
    with nodes.racers(4) as race:
        for round_ in range(2 * ROUNDS):
            name = f"editor-{round_}"
            slow.set() if round_ % 2 == 0 else slow.clear()
            results = race(lambda i, name=name: roles.create(name, tenant_id=scopes[i]),
                           settle=lambda: Tenant.select().count() == 2)
            made = [(r.tenant_id, r.name) for r in Role.select().where(Role.name == name)]
            outcomes = Counter(outcome(r) for r in results)
            assert set(outcomes) <= {"ok", "ROLE_ALREADY_EXISTS"}, (round_, outcomes)
            global_roles = [m for m in made if m[0] is None]
            assert (len(global_roles) == len(made) == 1) or (not global_roles and 1 <= len(made) <= 2), \
                (round_, made)
            assert outcomes["ok"] == len(made), (round_, outcomes)


def test_a_rename_into_another_scopes_name_at_once_never_makes_both(nodes):
    tenants, roles = TenantService(SETTINGS), RoleService(SETTINGS)
    acme = tenants.create("Acme", "acme")
    with nodes.racers(2) as race:
        for round_ in range(ROUNDS):
            name = f"auditor-{round_}"
            placeholder = roles.create(f"placeholder-{round_}", tenant_id=acme.id)
            results = race(lambda i, name=name, renamed=placeholder.id:
                           roles.create(name) if i == 0 else roles.update(renamed, name=name),
                           settle=lambda renamed=placeholder.id: Role.select().where(Role.id == renamed).exists())
            outcomes = Counter(outcome(r) for r in results)
            assert outcomes == Counter({"ok": 1, "ROLE_ALREADY_EXISTS": 1}), (round_, outcomes)
            assert Role.select().where(Role.name == name).count() == 1


def test_one_email_registered_at_once_has_one_winner_and_only_email_already_exists(nodes, sent):
    users = UserService(SETTINGS)
    racers = 6
    with nodes.racers(racers) as race:
        for round_ in range(ROUNDS):
            email = f"race-{round_}@example.com"
            results = race(lambda i, email=email: users.register(email=email.upper() if i % 2 else email,
                                                                 password=support.PASSWORD))
            outcomes = Counter(outcome(r) for r in results)
            assert outcomes == Counter({"ok": 1, "EMAIL_ALREADY_EXISTS": racers - 1}), (round_, outcomes)
            assert User.select().where(User.email == email).count() == 1
    assert sent["user_created"] == ROUNDS  # no event from a lost attempt


def test_the_last_two_admins_deleted_at_once_leave_one(nodes, sent):
    admins = AdminUserService(SETTINGS)
    with nodes.racers(2) as race:
        for round_ in range(ROUNDS):
            pair = [admins.create(email=f"admin-{round_}-{i}@example.com", password=support.PASSWORD)
                    for i in range(2)]
            results = race(lambda i, pair=pair: admins.delete(pair[i].id),
                           settle=lambda: AdminUser.select().count() == 2)
            outcomes = Counter(outcome(r) for r in results)
            assert outcomes == Counter({"ok": 1, "LAST_ADMIN_USER": 1}), (round_, outcomes)
            assert AdminUser.select().count() == 1
            AdminUser.delete().execute()  # the next round starts from none
    assert sent["admin_deleted"] == ROUNDS


def test_a_replayed_refresh_token_racing_the_legitimate_one_ends_in_reuse_detection(nodes, sent):
    users, sessions = UserService(SETTINGS), SessionService(SETTINGS)
    user = users.create(email="holder@example.com")
    with nodes.racers(2) as race:
        for round_ in range(ROUNDS):
            issued = sessions.create(user.id)
            results = race(lambda i, token=issued.refresh_token: sessions.refresh(token),
                           settle=lambda sid=issued.session.id: Session.select().where(Session.id == sid).exists())
            outcomes = Counter(outcome(r) for r in results)
            assert outcomes == Counter({"ok": 1, "INVALID_REFRESH_TOKEN": 1}), (round_, outcomes)
            assert not Session.select().where(Session.id == issued.session.id).exists(), \
                f"round {round_}: the session survived a replay"
    assert sent["refresh_token_reuse_detected"] == ROUNDS
    assert sent["session_refreshed"] == ROUNDS
