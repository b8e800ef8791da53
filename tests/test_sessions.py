"""Sessions: refresh tokens stored as digests, rotation, reuse detection, limits, clean-up."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from support import KEY, count_queries, run_together

from nestauth_peewee import errors
from nestauth_peewee.config import Settings
from nestauth_peewee.models import Session
from nestauth_peewee.repositories import sessions as sessions_repo
from nestauth_peewee.services.sessions import SessionService


@pytest.fixture
def service(settings, clock) -> SessionService:
    return SessionService(settings, clock=clock)


def test_create_returns_a_token_whose_digest_alone_is_stored(service, make_user, recorded):
    user = make_user()
    issued = service.create(user.id, user_agent="pytest", ip_address="2001:db8::1")
    row = Session.get_by_id(issued.session.id)
    assert issued.refresh_token not in (row.refresh_token_hash or "")
    assert issued.refresh_token.split(".")[1] not in str(row.__data__)
    assert len(row.refresh_token_hash) == 64
    assert row.ip_address == "2001:db8::1"
    assert [name for name, _ in recorded] == ["session-created"]
    assert "***" in repr(issued)


def test_authenticating_a_refresh_token_issues_exactly_one_query(service, make_user, db):
    user = make_user()
    issued = service.create(user.id, device_name="laptop", data={"tab": "settings", "n": [1, 2]})
    with count_queries(db) as queries:
        session = service.authenticate(issued.refresh_token)
    assert len(queries) == 1, queries
    assert session.id == issued.session.id
    assert session.data == {"tab": "settings", "n": [1, 2]}
    assert session.device_name == "laptop" and session.expires_at > session.last_active
    assert session.user.email == user.email
    assert session.user_id == user.id


def test_refresh_rotates_the_token_and_the_old_one_is_dead(service, make_user, recorded):
    user = make_user()
    first = service.create(user.id)
    second = service.refresh(first.refresh_token, user_agent="new agent")
    assert second.refresh_token != first.refresh_token
    assert second.session.id == first.session.id
    assert service.authenticate(second.refresh_token).user_agent == "new agent"
    assert ("session-refreshed", {"session_id": first.session.id, "user_id": user.id}) in recorded


def test_presenting_a_rotated_out_token_is_reuse_and_revokes_the_session(service, make_user, recorded):
    user = make_user()
    first = service.create(user.id)
    second = service.refresh(first.refresh_token)
    with pytest.raises(errors.InvalidRefreshToken):
        service.refresh(first.refresh_token)
    assert not Session.select().where(Session.id == first.session.id).exists()
    with pytest.raises(errors.InvalidRefreshToken):
        service.authenticate(second.refresh_token)  # the thief's and the owner's tokens both die
    names = [name for name, _ in recorded]
    assert names.count("refresh-token-reuse-detected") == 1
    reuse = dict(recorded)["refresh-token-reuse-detected"]
    assert reuse == {"session_id": first.session.id, "user_id": user.id}


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "x",
        "not-a-token",
        "0" * 76,
        "Z" * 32 + "." + "a" * 43,            # id part not hex
        uuid.uuid4().hex + "." + "a" * 42,    # secret too short
        uuid.uuid4().hex + "." + "a" * 44,    # secret too long
        uuid.uuid4().hex + "." + "a" * 42 + "=",  # wrong alphabet
        uuid.uuid4().hex.upper() + "." + "a" * 43,
        uuid.uuid4().hex + ":" + "a" * 43,
        uuid.uuid4().hex + "." + "a" * 42 + "\n",
        uuid.uuid4().hex + "." + "é" * 43,
        "a" * 1_000_000,
        None,
        b"bytes",
        12345,
    ],
)
def test_malformed_refresh_tokens_are_refused_before_any_query(service, db, bad):
    with count_queries(db) as queries, pytest.raises(errors.InvalidRefreshToken) as info:
        service.refresh(bad)
    assert queries == []
    assert info.value.code == "INVALID_REFRESH_TOKEN"


def test_a_well_formed_unknown_token_gets_the_same_error_as_a_malformed_one(service, make_user):
    user = make_user()
    issued = service.create(user.id)
    session_hex, secret = issued.refresh_token.split(".")
    for token in (uuid.uuid4().hex + "." + secret, "x"):
        with pytest.raises(errors.InvalidRefreshToken) as info:
            service.authenticate(token)
        assert info.value.code == "INVALID_REFRESH_TOKEN"
    assert service.authenticate(issued.refresh_token).id == issued.session.id


def test_an_expired_session_is_refused_and_removed(service, make_user, clock):
    user = make_user()
    issued = service.create(user.id)
    clock.advance(days=30, seconds=1)
    with pytest.raises(errors.InvalidRefreshToken):
        service.refresh(issued.refresh_token)
    assert Session.select().count() == 0


def test_a_deactivated_users_token_is_refused(service, make_user):
    user = make_user()
    issued = service.create(user.id)
    user.is_active = False
    user.save()
    with pytest.raises(errors.InvalidRefreshToken):
        service.authenticate(issued.refresh_token)


def test_the_least_recently_active_session_is_evicted_beyond_the_maximum(make_user, clock, recorded):
    service = SessionService(Settings(secret_key="session-test-key-" + "k" * 40, max_sessions_per_user=3), clock=clock)
    user, other = make_user(), make_user()
    service.create(other.id)
    issued = []
    for _ in range(3):
        issued.append(service.create(user.id))
        clock.advance(seconds=10)
    service.touch(issued[0].session.id)  # the first becomes the most recent
    clock.advance(seconds=10)
    fourth = service.create(user.id)
    alive = {s.id for s in service.list_active(user.id)}
    assert alive == {issued[0].session.id, issued[2].session.id, fourth.session.id}
    assert len(service.list_active(other.id)) == 1
    evicted = [p for name, p in recorded if name == "session-revoked"]
    assert evicted == [{"user_id": user.id, "session_ids": [issued[1].session.id], "reason": "evicted"}]


def test_list_active_is_newest_activity_first_and_drops_expired(make_user, clock):
    service = SessionService(Settings(secret_key=KEY, session_idle_timeout=None,
                                      session_absolute_lifetime=None), clock=clock)
    user = make_user()
    old = service.create(user.id)
    clock.advance(days=29)
    new = service.create(user.id)
    assert [s.id for s in service.list_active(user.id)] == [new.session.id, old.session.id]
    clock.advance(days=2)
    assert [s.id for s in service.list_active(user.id)] == [new.session.id]
    assert Session.select().count() == 1


def test_revoke_one_all_and_all_but_current(service, make_user):
    user, other = make_user(), make_user()
    a, b, c, d = (service.create(user.id) for _ in range(4))
    theirs = service.create(other.id)
    with pytest.raises(errors.SessionNotFound):
        service.revoke(theirs.session.id, user_id=user.id)  # not yours
    service.revoke(a.session.id, user_id=user.id)
    with pytest.raises(errors.SessionNotFound):
        service.revoke(a.session.id)
    assert service.revoke_others(user.id, b.session.id) == 2
    assert [s.id for s in service.list_active(user.id)] == [b.session.id]
    assert service.revoke_all(user.id) == 1
    assert service.list_active(user.id) == []
    assert service.authenticate(theirs.refresh_token).id == theirs.session.id
    with pytest.raises(errors.SessionNotFound):
        service.touch(c.session.id)
    del d


def test_delete_for_user_removes_every_session_and_returns_the_count(service, make_user):
    user, other = make_user(), make_user()
    for _ in range(3):
        service.create(user.id)
    service.create(other.id)
    assert sessions_repo.delete_for_user(user.id) == 3
    assert Session.select().count() == 1


def test_cleanup_removes_expired_sessions_in_batches(service, make_user, clock):
    users = [make_user() for _ in range(3)]
    for user in users:
        for _ in range(3):
            service.create(user.id)
    clock.advance(days=20)
    keep = service.create(users[0].id)
    clock.advance(days=11)
    assert service.cleanup_expired(batch_size=2) == 9
    assert [s.id for s in Session.select()] == [keep.session.id]
    assert service.cleanup_expired(batch_size=2) == 0


def test_creating_a_session_for_an_unknown_user_is_a_typed_error(service, db):
    with pytest.raises(errors.ReferenceNotFound):
        service.create(uuid.uuid4())
    with pytest.raises(errors.InvalidValue):
        service.create(uuid.uuid4(), ip_address="not an ip")


def test_a_missing_secret_key_fails_when_the_service_is_built():
    with pytest.raises(errors.ConfigurationError, match="NESTAUTH_SECRET_KEY"):
        SessionService(Settings())
    with pytest.raises(errors.ConfigurationError, match="at least 32"):
        SessionService(Settings(secret_key="short"))


def test_two_threads_refreshing_one_token_at_once_one_wins_and_the_session_is_revoked(
        service, make_user, db, dialect, monkeypatch, recorded):
    """Both threads read the session before either swaps, so the compare-and-swap decides."""
    user = make_user()
    issued = service.create(user.id)
    db.close()  # each thread opens (and closes) its own connection

    barrier = threading.Barrier(2, timeout=30)
    original_read = sessions_repo.get_with_user

    def read_then_wait_for_the_other_thread(*args, **kwargs):
        found = original_read(*args, **kwargs)
        barrier.wait()  # neither swaps before both have read the same digest
        return found

    original_swap = sessions_repo.swap_token
    swaps: list[bool] = []

    def recorded_swap(*args, **kwargs):
        swaps.append(original_swap(*args, **kwargs))
        return swaps[-1]

    monkeypatch.setattr(sessions_repo, "get_with_user", read_then_wait_for_the_other_thread)
    monkeypatch.setattr(sessions_repo, "swap_token", recorded_swap)
    results = run_together(db, 2, lambda i: service.refresh(issued.refresh_token))
    monkeypatch.undo()

    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], errors.InvalidRefreshToken)
    assert sorted(swaps) == [False, True]  # the compare-and-swap, not a later read, decided
    assert not Session.select().where(Session.id == issued.session.id).exists()
    assert [name for name, _ in recorded].count("refresh-token-reuse-detected") == 1
    with pytest.raises(errors.InvalidRefreshToken):
        service.authenticate(winners[0].refresh_token)


# Events inside the app's transaction (create, revoke_all): one test in test_sessions_statements.py.


# --- lifetimes (0.2): absolute from created_at, idle from last_active -----------------------

def test_a_session_refreshed_every_day_still_ends_at_its_absolute_lifetime(service, make_user, clock,
                                                                          settings, recorded):
    user = make_user()
    token = service.create(user.id).refresh_token
    lifetime = settings.session_absolute_lifetime
    assert lifetime is not None and lifetime <= dt.timedelta(days=90)
    for _ in range(lifetime.days - 1):
        clock.advance(days=1)
        issued = service.refresh(token)
        token = issued.refresh_token
        assert issued.session.expires_at <= issued.session.created_at + lifetime
    clock.advance(days=1)
    recorded.clear()
    with pytest.raises(errors.SessionExpired) as caught:
        service.refresh(token)
    assert caught.value.code == "SESSION_EXPIRED" and isinstance(caught.value, errors.InvalidRefreshToken)
    assert Session.select().count() == 0
    assert recorded[-1][1]["reason"] == "absolute_lifetime"


@pytest.mark.parametrize("how", ["authenticate", "refresh"])
def test_a_session_unused_past_the_idle_timeout_is_refused_and_removed(service, make_user, clock,
                                                                      settings, how):
    user = make_user()
    issued = service.create(user.id)
    idle = settings.session_idle_timeout
    assert idle is not None
    clock.advance(seconds=idle.total_seconds() - 60)
    service.authenticate(issued.refresh_token)  # used: the idle clock starts again
    clock.advance(seconds=idle.total_seconds() - 60)
    assert service.authenticate(issued.refresh_token).id == issued.session.id
    clock.advance(seconds=idle.total_seconds() + 1)
    with pytest.raises(errors.SessionExpired):
        getattr(service, how)(issued.refresh_token)
    assert Session.select().count() == 0


def test_authenticate_writes_last_active_at_most_once_a_minute(service, make_user, clock, db):
    from support import count_queries

    user = make_user()
    issued = service.create(user.id)
    with count_queries(db) as queries:
        service.authenticate(issued.refresh_token)
    assert len(queries) == 1  # fresh: the lookup only
    clock.advance(seconds=61)
    with count_queries(db) as queries:
        session = service.authenticate(issued.refresh_token)
    assert len(queries) == 2 and queries[1].lstrip().upper().startswith("UPDATE")
    assert session.last_active == clock.now == Session.get_by_id(issued.session.id).last_active
    clock.advance(seconds=30)
    with count_queries(db) as queries:
        service.authenticate(issued.refresh_token)
    assert len(queries) == 1


def test_listing_shows_both_deadlines_and_drops_idle_sessions(service, make_user, clock, settings):
    user = make_user()
    idle_one = service.create(user.id)
    clock.advance(days=3)
    used = service.create(user.id)
    listed = service.list_active(user.id)
    assert [s.id for s in listed] == [used.session.id, idle_one.session.id]
    first = listed[0]
    assert first.absolute_expires_at == first.created_at + settings.session_absolute_lifetime
    assert first.idle_expires_at == first.last_active + settings.session_idle_timeout
    clock.advance(days=5)  # the first is 8 days idle
    assert [s.id for s in service.list_active(user.id)] == [used.session.id]
    assert not Session.select().where(Session.id == idle_one.session.id).exists()


def test_a_session_past_a_lifetime_is_not_found_by_get(service, make_user, clock, settings):
    user = make_user()
    issued = service.create(user.id)
    assert service.get(issued.session.id).id == issued.session.id
    clock.advance(seconds=settings.session_idle_timeout.total_seconds() + 1)
    with pytest.raises(errors.SessionNotFound):
        service.get(issued.session.id)
