"""Sessions on the request path: how many statements each operation sends, and that the
fewer-statement forms keep the rules (per-user limit under concurrency, events, fallbacks)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from support import count_queries, run_together

from nestauth_peewee import errors
from nestauth_peewee.config import Settings
from nestauth_peewee.models import Session
from nestauth_peewee.repositories import sessions as sessions_repo
from nestauth_peewee.services.sessions import SessionService
from nestauth_peewee.unit_of_work import transaction


@pytest.fixture(autouse=True)
def _prepared_and_text(prepare) -> None:
    """Every test here runs with server-side preparation on and off (PostgreSQL; the same elsewhere)."""


@pytest.fixture
def service(settings, clock) -> SessionService:
    return SessionService(settings, clock=clock)


@pytest.fixture(params=["returning", "select-then-delete"])
def returning(request, monkeypatch, db) -> bool:
    """Run a test with DELETE ... RETURNING, and again with the fallback MySQL proper would use."""
    if request.param == "select-then-delete":
        monkeypatch.setattr(sessions_repo, "supports_delete_returning", lambda db: False)
    return request.param == "returning"


@pytest.fixture
def unaudited(settings, clock) -> SessionService:
    """The session statements alone (the audit trail adds one INSERT to a write: tests/test_audit.py)."""
    return SessionService(replace(settings, audit=False), clock=clock)


def test_creating_a_session_is_two_statements_in_one_transaction(unaudited, make_user, db):
    service = unaudited
    user = make_user()
    service.create(user.id)
    with count_queries(db) as queries:
        service.create(user.id)
    assert len(queries) == 2, queries  # INSERT ... SELECT (locks the user), DELETE ... RETURNING
    assert queries[0].lstrip().upper().startswith("INSERT") and "DELETE" in queries[1].upper()


def test_revoke_all_is_one_statement_without_a_transaction_of_its_own(unaudited, make_user, db, recorded):
    service = unaudited
    user, other = make_user(), make_user()
    ids = {service.create(user.id).session.id for _ in range(3)}
    kept = service.create(other.id)
    recorded.clear()
    with count_queries(db) as queries:
        assert service.revoke_all(user.id) == 3
    assert len(queries) == 1, queries
    assert not db.in_transaction()
    assert recorded == [("session-revoked", {"user_id": user.id, "session_ids": recorded[0][1]["session_ids"],
                                             "reason": "revoked"})]
    assert set(recorded[0][1]["session_ids"]) == ids
    assert [s.id for s in Session.select()] == [kept.session.id]


@pytest.mark.parametrize(("write", "sessions_before", "event"), [
    ("create", 0, "session-created"),
    ("revoke_all", 1, "session-revoked"),
])
def test_events_wait_for_the_outer_commit_and_vanish_on_rollback(service, make_user, recorded, write,
                                                                 sessions_before, event):
    """A write inside the app's transaction (create: a savepoint of it; revoke_all: a single statement
    where it can be) sends its event when that commits, and nothing when it rolls back."""
    user = make_user()
    for _ in range(sessions_before):
        service.create(user.id)
    recorded.clear()
    with pytest.raises(RuntimeError), transaction():
        done = getattr(service, write)(user.id)
        assert recorded == []
        raise RuntimeError("the app's own work failed")
    assert recorded == [] and Session.select().count() == sessions_before
    if write == "revoke_all":
        assert done == 1  # it did revoke the session, before the rollback brought it back
    with transaction():
        getattr(service, write)(user.id)
        assert recorded == []
    assert [name for name, _ in recorded] == [event]


def test_revoke_others_and_eviction_hold_with_and_without_delete_returning(make_user, clock, recorded,
                                                                           returning):
    service = SessionService(Settings(secret_key="session-test-key-" + "k" * 40, max_sessions_per_user=2), clock=clock)
    user = make_user()
    first = service.create(user.id)
    clock.advance(seconds=5)
    second = service.create(user.id)
    clock.advance(seconds=5)
    third = service.create(user.id)  # evicts the least recently active: the first
    evicted = [p for name, p in recorded if name == "session-revoked"]
    assert evicted == [{"user_id": user.id, "session_ids": [first.session.id], "reason": "evicted"}]
    assert {s.id for s in Session.select()} == {second.session.id, third.session.id}
    assert service.revoke_others(user.id, third.session.id) == 1
    assert [s.id for s in Session.select()] == [third.session.id]
    assert service.revoke_all(str(user.id)) == 1
    assert Session.select().count() == 0


def test_expired_sessions_go_without_an_eviction_event(make_user, clock, recorded, returning):
    service = SessionService(Settings(secret_key="session-test-key-" + "k" * 40, max_sessions_per_user=5), clock=clock)
    user = make_user()
    old = service.create(user.id)
    clock.advance(days=31)
    recorded.clear()
    new = service.create(user.id)
    assert [name for name, _ in recorded] == ["session-created"]
    assert [s.id for s in Session.select()] == [new.session.id]
    assert not Session.select().where(Session.id == old.session.id).exists()


def test_concurrent_creations_for_one_user_never_exceed_the_limit(make_user, db, clock):
    """The INSERT ... SELECT locks the user row, so each eviction sees the others' sessions."""
    service = SessionService(Settings(secret_key="session-test-key-" + "k" * 40, max_sessions_per_user=3), clock=clock)
    user = make_user()
    for _ in range(2):
        service.create(user.id)
    db.close()  # each thread opens (and closes) its own connection

    def create_three(i: int) -> None:
        for _ in range(3):
            service.create(user.id)

    failures = [r for r in run_together(db, 4, create_three) if isinstance(r, BaseException)]
    assert failures == []
    assert Session.select().where(Session.user == user.id).count() == 3


def test_a_session_for_a_missing_user_leaves_nothing_behind(service, db, returning):
    import uuid

    with pytest.raises(errors.ReferenceNotFound):
        service.create(uuid.uuid4())
    assert Session.select().count() == 0


def test_cleanup_batches_are_one_statement_each(service, make_user, clock, db):
    user = make_user()
    for _ in range(5):
        service.create(user.id)
    clock.advance(days=31)
    with count_queries(db) as queries:
        assert service.cleanup_expired(batch_size=2) == 5
    assert len(queries) == 3, queries  # 2 + 2 + 1: the short batch ends it
    assert not db.in_transaction()
    assert set(sessions_repo.CLEANUP_BATCH_SIZE) == {"sqlite", "postgres", "mysql"}
    service.create(user.id)
    clock.advance(days=31)
    assert service.cleanup_expired() == 1  # the per-dialect default size


def test_user_lookups_are_one_prebuilt_statement(make_user, db):
    from nestauth_peewee.repositories import users as users_repo

    user = make_user(email="prepared@example.com", phone="+15550100")
    with count_queries(db) as queries:
        by_email = users_repo.get_by_email("prepared@example.com")
        by_phone = users_repo.get_by_phone("+15550100")
        by_id = users_repo.get(user.id)
    assert len(queries) == 3
    assert by_email.id == by_phone.id == by_id.id == user.id
    assert by_email.metadata == {} and by_email.is_active is True and by_email.created_at.tzinfo
    assert users_repo.get_by_email("nobody@example.com") is None
    by_email.metadata = {"seen": 1}
    by_email.save()  # a prebuilt row saves like any other
    assert users_repo.get(user.id).metadata == {"seen": 1}
