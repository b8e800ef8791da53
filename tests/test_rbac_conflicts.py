"""Deadlocks become TransactionConflict (the retry: test_unit_of_work.py; the races: test_races.py)."""

from __future__ import annotations

import threading

import peewee
import pytest
from support import RBAC_SETTINGS, run_together

from nestauth_peewee import Tenant, TenantService, errors
from nestauth_peewee.unit_of_work import transaction


@pytest.mark.parametrize("dialect", ["postgres", "mysql"], indirect=True)  # SQLite writers queue, never deadlock
def test_a_real_deadlock_is_a_transaction_conflict(db):
    tenants = TenantService(RBAC_SETTINGS)
    a, b = tenants.create("A", "a"), tenants.create("B", "b")
    both_hold_one = threading.Barrier(2)

    def work(i: int) -> str:
        first, second = (a, b) if i == 0 else (b, a)
        with transaction():
            Tenant.update(description=f"by {i}").where(Tenant.id == first.id).execute()
            both_hold_one.wait(timeout=30)
            Tenant.update(description=f"by {i}").where(Tenant.id == second.id).execute()
        return "committed"

    results = run_together(db, 2, work)
    conflicts = [r for r in results if isinstance(r, errors.TransactionConflict)]
    assert len(conflicts) == 1 and "committed" in results, results
    assert conflicts[0].code == "TRANSACTION_CONFLICT"
    assert isinstance(conflicts[0], peewee.OperationalError)
