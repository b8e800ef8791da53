"""Read replicas: which reads leave the primary, on every dialect.

The "replica" here is a second database with the schema that never caught up:
it holds only the rows a test copies into it, so every answer shows where the
read went (a maximal replica lag). The real streaming replica is in
test_scale_out.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import peewee
import pytest
import support
from support import KEYED_SETTINGS, empty_all_tables

import nestauth_peewee
from nestauth_peewee import (
    AccessKeyService,
    AuthorizationService,
    NestAuthModels,
    SessionService,
    TrustedDeviceService,
    UserService,
    create_tables,
    errors,
    init_database,
)
from nestauth_peewee.models import AccessKey, Session, User
from nestauth_peewee.replicas import DEFAULT_STICKY_SECONDS, primary_reads, replica_reads, routing
from nestauth_peewee.services.sessions import IssuedSession
from nestauth_peewee.unit_of_work import transaction


class Lagging:
    """The primary (the ``db`` fixture's) and a replica that has only what is copied to it."""

    def __init__(self, primary: peewee.Database, replica: peewee.Database) -> None:
        self.primary = primary
        self.replica = replica

    @contextmanager
    def writing_replica(self) -> Iterator[None]:
        with self.replica.bind_ctx(NestAuthModels):
            yield

    def copy(self, model: type[peewee.Model], *ids: object) -> None:
        """Put the primary's current rows ``ids`` of ``model`` on the replica."""
        with primary_reads():
            rows = list(model.select().where(model.id.in_(list(ids))).dicts())
        assert rows
        with self.writing_replica():
            model.insert_many(rows).execute()

    def route(self, *, sticky_seconds: float = 0.0) -> None:
        init_database(self.primary, replicas=[self.replica], sticky_seconds=sticky_seconds)


@pytest.fixture
def lagging(db, empty_db_url) -> Iterator[Lagging]:
    replica = init_database(empty_db_url)
    with replica.connection_context():
        create_tables()
        with replica.bind_ctx(NestAuthModels):
            empty_all_tables(replica)
    nestauth_peewee.database.initialize(db)
    setup = Lagging(db, replica)
    setup.route()
    try:
        yield setup
    finally:
        routing.configure((), sticky_seconds=DEFAULT_STICKY_SECONDS)
        replica.connect(reuse_if_open=True)
        with replica.bind_ctx(NestAuthModels):
            empty_all_tables(replica)
        replica.close()


def _user(email: str) -> User:
    return UserService(KEYED_SETTINGS).register(email=email, password=support.PASSWORD)


def _session_on_both(lagging: Lagging, sessions: SessionService) -> tuple[User, IssuedSession]:
    """A user and a session of theirs, both copied to the replica (which then stops following)."""
    user = _user("owner@example.com")
    issued = sessions.create(user.id)
    lagging.copy(User, user.id)
    lagging.copy(Session, issued.session.id)
    return user, issued


def test_marked_read_only_operations_read_the_replica_and_writes_go_to_the_primary(lagging):
    users = UserService(KEYED_SETTINGS)
    on_both = _user("both@example.com")
    lagging.copy(User, on_both.id)
    fresh = _user("fresh@example.com")  # registered through the routing: a write, so the primary
    assert users.lookup(email="both@example.com").id == on_both.id
    assert users.lookup(email="fresh@example.com") is None  # the replica has not seen it
    with pytest.raises(errors.UserNotFound):
        users.get(fresh.id)
    assert [u.email for u in users.list().items] == ["both@example.com"]
    # Effective permissions read the replica too (it knows no grants: nothing held there).
    assert AuthorizationService().effective_permissions(fresh.id) == []
    with lagging.writing_replica():
        assert User.select().count() == 1
    assert User.select().count() == 2  # unmarked code reads the primary


def test_reads_in_a_transaction_and_in_primary_reads_stay_on_the_primary(lagging):
    users = UserService(KEYED_SETTINGS)
    fresh = _user("fresh@example.com")
    with transaction():
        assert users.lookup(email="fresh@example.com").id == fresh.id
    with lagging.primary.atomic():  # the app's own transaction too
        assert users.get(fresh.id).id == fresh.id
    with primary_reads():
        assert users.lookup(email="fresh@example.com").id == fresh.id
        with replica_reads():  # an inner scope cannot undo the pin
            assert users.lookup(email="fresh@example.com").id == fresh.id
            assert User.get_or_none(User.email == "fresh@example.com") is not None


def test_the_apps_own_queries_read_a_replica_only_inside_replica_reads(lagging):
    _user("fresh@example.com")
    assert User.get_or_none(User.email == "fresh@example.com") is not None
    with replica_reads():
        assert User.get_or_none(User.email == "fresh@example.com") is None
        assert nestauth_peewee.database.execute_sql(f"SELECT count(*) FROM {User._meta.table_name}"
                                                    ).fetchone()[0] == 0
        # A locking read is not a plain read: the primary.
        assert routing.for_query(lagging.primary, User.select().for_update()) is lagging.primary
        assert routing.for_sql(lagging.primary, "SELECT 1 FROM t FOR SHARE") is lagging.primary
        assert routing.for_sql(lagging.primary, "  select 1") is lagging.replica
        # Writes inside it still go to the primary.
        _user("second@example.com")
    assert User.select().count() == 2


def test_a_write_makes_this_context_read_the_primary_for_sticky_seconds(lagging):
    lagging.route(sticky_seconds=60)
    users = UserService(KEYED_SETTINGS)
    fresh = _user("fresh@example.com")
    assert routing.wrote_recently()
    assert users.lookup(email="fresh@example.com").id == fresh.id  # read-your-writes
    seen_elsewhere: list[object] = []
    thread = threading.Thread(target=lambda: seen_elsewhere.append(users.lookup(email="fresh@example.com")))
    thread.start()
    thread.join()
    assert seen_elsewhere == [None]  # another thread wrote nothing: the replica
    routing.forget_writes()
    assert users.lookup(email="fresh@example.com") is None


def test_refresh_token_and_api_key_checks_read_the_primary_unless_opted_in(lagging):
    sessions, keys = SessionService(KEYED_SETTINGS), AccessKeyService(KEYED_SETTINGS)
    user, issued = _session_on_both(lagging, sessions)
    key = keys.create(user.id, "ci")
    lagging.copy(AccessKey, key.key.id)
    # Revoked on the primary, still alive on the lagging replica.
    sessions.revoke(issued.session.id)
    keys.deactivate(key.key.id)
    routing.forget_writes()
    with replica_reads():  # the default: credential checks stay on the primary
        with pytest.raises(errors.InvalidRefreshToken):
            sessions.authenticate(issued.refresh_token)
        with pytest.raises(errors.InactiveAccessKey):
            keys.verify(key.api_key)
    with replica_reads(auth_checks=True):  # opted in: the replica's (stale) answer is accepted
        assert sessions.authenticate(issued.refresh_token).id == issued.session.id
        assert keys.verify(key.api_key).id == key.key.id
    # The last_used_at write of that check went to the primary.
    with primary_reads():
        assert AccessKey.get_by_id(key.key.id).last_used_at is not None


def test_a_replica_that_lags_never_refuses_or_revokes_a_valid_credential(lagging):
    sessions, keys = SessionService(KEYED_SETTINGS), AccessKeyService(KEYED_SETTINGS)
    user, issued = _session_on_both(lagging, sessions)
    rotated = sessions.refresh(issued.refresh_token)  # the replica keeps the old digest
    fresh_key = keys.create(user.id, "new")  # the replica has never seen it
    routing.forget_writes()
    with replica_reads(auth_checks=True):
        # The mismatch on the replica is decided on the primary: the new token is good, no reuse.
        assert sessions.authenticate(rotated.refresh_token).id == issued.session.id
        assert keys.verify(fresh_key.api_key).id == fresh_key.key.id
        again = sessions.refresh(rotated.refresh_token)  # rotation always runs on the primary
    assert sessions.authenticate(again.refresh_token).id == issued.session.id


def test_access_token_and_device_checks_read_the_primary_inside_replica_reads(lagging):
    """The strict access-token check is a credential check; a trusted-device check is pinned."""
    sessions, devices = SessionService(KEYED_SETTINGS), TrustedDeviceService(KEYED_SETTINGS)
    user, revoked = _session_on_both(lagging, sessions)
    sessions.revoke(revoked.session.id)  # gone on the primary, alive on the lagging replica
    fresh = sessions.create(user.id)  # the replica has never seen it
    device = devices.issue(user.id)  # nor this
    routing.forget_writes()
    with replica_reads():  # the default: the primary decides
        with pytest.raises(errors.InvalidAccessToken):
            sessions.authenticate_access_token(revoked.access_token)
        with pytest.raises(errors.SessionNotFound):
            sessions.get(revoked.session.id)
        assert sessions.authenticate_access_token(fresh.access_token).id == fresh.session.id
        assert devices.validate(user.id, device.token).id == device.device.id
    with replica_reads(auth_checks=True):
        # Opted in: the replica's stale "alive" is accepted, its "unknown" is asked of the primary.
        assert sessions.authenticate_access_token(revoked.access_token).id == revoked.session.id
        assert sessions.get(fresh.session.id).id == fresh.session.id
        assert devices.is_trusted(user.id, device.token)  # pinned whatever the scope says


def test_login_reads_the_primary_even_inside_replica_reads(lagging):
    users = UserService(KEYED_SETTINGS)
    user = _user("login@example.com")
    routing.forget_writes()
    with replica_reads(auth_checks=True):
        assert users.authenticate(email="login@example.com", password=support.PASSWORD).id == user.id
        with pytest.raises(errors.InvalidCredentials):
            users.authenticate(email="login@example.com", password="wrong password here")


def test_routing_is_per_thread_at_the_same_moment(lagging):
    users = UserService(KEYED_SETTINGS)
    _user("fresh@example.com")
    routing.forget_writes()
    barrier = threading.Barrier(4)
    seen: dict[str, list[bool]] = {"replica": [], "primary": []}
    lock = threading.Lock()

    def worker(where: str) -> None:
        scope = replica_reads() if where == "replica" else primary_reads()
        try:
            with scope:
                barrier.wait(timeout=30)
                for _ in range(20):
                    found = users.lookup(email="fresh@example.com") is not None
                    with lock:
                        seen[where].append(found)
        finally:
            nestauth_peewee.database.close()

    threads = [threading.Thread(target=worker, args=(w,)) for w in ("replica", "primary") * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert seen == {"replica": [False] * 40, "primary": [True] * 40}


def test_closing_through_the_proxy_closes_this_threads_replica_connection(lagging):
    UserService(KEYED_SETTINGS).lookup(email="nobody@example.com")
    assert not lagging.replica.is_closed()
    nestauth_peewee.database.close()
    assert lagging.replica.is_closed()
    lagging.primary.connect(reuse_if_open=True)  # the fixture's teardown expects it open


@pytest.mark.parametrize("dialect", ["postgres", "mysql"], indirect=True)
def test_an_unreachable_replica_sends_reads_to_the_primary(db, db_url, caplog):
    scheme = "postgresql" if db_url.startswith("postgres") else "mysql"
    init_database(db, replicas=[f"{scheme}://root@127.0.0.1:1/nowhere"], sticky_seconds=0)
    try:
        fresh = _user("fresh@example.com")
        with caplog.at_level(logging.WARNING, logger="nestauth_peewee.replicas"):
            assert UserService(KEYED_SETTINGS).lookup(email="fresh@example.com").id == fresh.id
            assert UserService(KEYED_SETTINGS).lookup(email="fresh@example.com").id == fresh.id
        assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1
    finally:
        routing.configure((), sticky_seconds=DEFAULT_STICKY_SECONDS)


def test_replicas_must_be_other_databases_of_the_primarys_dialect(tmp_path):
    primary = f"sqlite:///{tmp_path / 'p.db'}"
    with pytest.raises(errors.ConfigurationError, match="dialect"):
        init_database(primary, replicas=["postgresql://postgres@127.0.0.1:1/x"])
    mine = peewee.SqliteDatabase(str(tmp_path / "mine.db"))
    with pytest.raises(errors.ConfigurationError, match="another database"):
        init_database(mine, replicas=[mine])
    with pytest.raises(errors.ConfigurationError, match="URL or a peewee Database"):
        init_database(primary, replicas=[42])
    try:
        init_database(primary, replicas=[f"sqlite:///{tmp_path / 'r.db'}"])
        assert len(routing.replicas) == 1
        init_database(primary)  # binding again without replicas turns routing off
        assert routing.replicas == ()
    finally:
        routing.configure((), sticky_seconds=DEFAULT_STICKY_SECONDS)


def test_no_replicas_means_no_routing_work(db):
    assert routing.replicas == ()
    assert nestauth_peewee.database.for_read() is db
    assert not routing.may_read_replica()
    with replica_reads():
        assert nestauth_peewee.database.for_read() is db
    # The expiry of a check does not depend on routing; a sanity check of the clock used.
    assert dt.datetime.now(dt.UTC).tzinfo is dt.UTC


def test_one_scope_object_can_be_entered_by_several_threads_and_sticky_seconds_is_checked(lagging):
    scope = replica_reads()
    _user("fresh@example.com")
    routing.forget_writes()
    barrier = threading.Barrier(3)
    seen: list[bool] = []

    def worker() -> None:
        try:
            with scope:
                barrier.wait(timeout=30)
                seen.append(User.get_or_none(User.email == "fresh@example.com") is None)
        finally:
            nestauth_peewee.database.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert seen == [True, True, True]
    for bad in (-1, float("nan"), float("inf"), True, "5"):
        with pytest.raises(errors.ConfigurationError, match="sticky_seconds"):
            init_database(lagging.primary, replicas=[lagging.replica], sticky_seconds=bad)
