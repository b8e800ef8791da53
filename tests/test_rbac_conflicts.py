"""Deadlocks become TransactionConflict (the retry itself: test_unit_of_work.py)."""

from __future__ import annotations

import threading
import time

import peewee
import pytest
from _rbac_support import SETTINGS, run_concurrently

from nestauth_peewee import Tenant, TenantService, errors
from nestauth_peewee.unit_of_work import transaction


@pytest.mark.parametrize("dialect", ["postgres", "mysql"], indirect=True)  # SQLite writers queue, never deadlock
def test_a_real_deadlock_is_a_transaction_conflict(db):
    tenants = TenantService(SETTINGS)
    a, b = tenants.create("A", "a"), tenants.create("B", "b")
    both_hold_one = threading.Barrier(2)

    def work(i: int) -> str:
        first, second = (a, b) if i == 0 else (b, a)
        with transaction():
            Tenant.update(description=f"by {i}").where(Tenant.id == first.id).execute()
            both_hold_one.wait(timeout=30)
            Tenant.update(description=f"by {i}").where(Tenant.id == second.id).execute()
        return "committed"

    results = run_concurrently(db, 2, work)
    conflicts = [r for r in results if isinstance(r, errors.TransactionConflict)]
    assert len(conflicts) == 1 and "committed" in results, results
    assert conflicts[0].code == "TRANSACTION_CONFLICT"
    assert isinstance(conflicts[0], peewee.OperationalError)


@pytest.mark.parametrize("dialect", ["postgres", "mysql", "sqlite"], indirect=True)
@pytest.mark.parametrize("second", ["create", "rename"])
def test_a_global_and_a_tenant_role_of_one_name_made_at_once_cannot_both_win(db, monkeypatch, second):
    """No unique index spans scopes, so the rule is a check, serialised per (name, guard)."""
    from nestauth_peewee import Role, RoleService
    from nestauth_peewee.repositories import roles as roles_repo

    tenants, roles = TenantService(SETTINGS), RoleService(SETTINGS)
    acme = tenants.create("Acme", "acme")
    renamed = roles.create("placeholder", tenant_id=acme.id)
    check = roles_repo.name_used_across_scopes

    def slow_check(*args, **kwargs):  # both workers pass the check before either inserts, unless serialised
        found = check(*args, **kwargs)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(roles_repo, "name_used_across_scopes", slow_check)

    def work(i: int):
        if i == 0:
            return roles.create("editor")  # global
        if second == "create":
            return roles.create("editor", tenant_id=acme.id)
        return roles.update(renamed.id, name="editor")

    results = run_concurrently(db, 2, work)
    won = [r for r in results if isinstance(r, Role)]
    refused = [r for r in results if isinstance(r, errors.RoleAlreadyExists)]
    assert len(won) == 1 and len(refused) == 1, results
    assert Role.select().where(Role.name == "editor").count() == 1
