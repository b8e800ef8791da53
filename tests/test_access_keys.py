"""API keys: one-query verification, typed errors, throttled last use, management."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from support import count_queries

from nestauth_peewee import errors
from nestauth_peewee.models import AccessKey
from nestauth_peewee.services.access_keys import AccessKeyService


@pytest.fixture
def service(settings, clock) -> AccessKeyService:
    return AccessKeyService(settings, clock=clock)


def test_create_returns_public_dot_secret_once_and_stores_only_a_digest(service, make_user, recorded):
    user = make_user()
    issued = service.create(user.id, "deploy", description="CI")
    public, secret = issued.api_key.split(".")
    assert public.startswith("nak_") and len(public) == 28 and len(secret) == 43
    row = AccessKey.get_by_id(issued.key.id)
    assert row.public_key == public
    assert secret not in row.secret_hash and len(row.secret_hash) == 64
    assert [name for name, _ in recorded] == ["access-key-created"]
    assert secret not in repr(issued)


def test_verifying_a_key_issues_exactly_one_query(service, make_user, db, clock):
    user = make_user()
    issued = service.create(user.id, "deploy")
    service.verify(issued.api_key)  # first use records last_used_at
    clock.advance(seconds=30)
    with count_queries(db) as queries:
        key = service.verify(issued.api_key)
    assert len(queries) == 1, queries
    assert key.id == issued.key.id
    assert key.user.email == user.email and key.user_id == user.id


def test_last_used_at_is_written_at_most_once_a_minute(service, make_user, db, clock):
    user = make_user()
    issued = service.create(user.id, "deploy")
    first_use = clock.now
    with count_queries(db) as queries:
        service.verify(issued.api_key)
    assert len(queries) == 2  # the lookup, and the first last_used_at write
    assert AccessKey.get_by_id(issued.key.id).last_used_at == first_use
    for _ in range(5):
        clock.advance(seconds=10)
        with count_queries(db) as queries:
            service.verify(issued.api_key)
        assert len(queries) == 1
    assert AccessKey.get_by_id(issued.key.id).last_used_at == first_use
    clock.advance(seconds=10)
    service.verify(issued.api_key)
    assert AccessKey.get_by_id(issued.key.id).last_used_at == clock.now


def test_unknown_wrong_inactive_and_expired_keys_have_their_own_codes(service, make_user, clock):
    user = make_user()
    issued = service.create(user.id, "deploy", expires_at=clock.now + dt.timedelta(days=1))
    public, secret = issued.api_key.split(".")
    other_secret = service.create(user.id, "other").api_key.split(".")[1]
    unknown = "nak_" + "0" * 24 + "." + secret
    for bad in (unknown, f"{public}.{other_secret}"):
        with pytest.raises(errors.InvalidAccessKey) as info:
            service.verify(bad)
        assert info.value.code == "INVALID_ACCESS_KEY"
    assert service.deactivate(issued.key.id, user_id=user.id) is True
    assert service.deactivate(issued.key.id) is False
    with pytest.raises(errors.InactiveAccessKey) as info:
        service.verify(issued.api_key)
    assert info.value.code == "INACTIVE_ACCESS_KEY"
    # The state is revealed only to a holder of the right secret.
    with pytest.raises(errors.InvalidAccessKey):
        service.verify(f"{public}.{other_secret}")
    service.activate(issued.key.id)
    clock.advance(days=1)
    with pytest.raises(errors.ExpiredAccessKey) as info:
        service.verify(issued.api_key)
    assert info.value.code == "EXPIRED_ACCESS_KEY"
    service.set_expiry(issued.key.id, None)
    assert service.verify(issued.api_key).id == issued.key.id


def test_a_deactivated_owner_makes_the_key_inactive(service, make_user):
    user = make_user()
    issued = service.create(user.id, "deploy")
    user.is_active = False
    user.save()
    with pytest.raises(errors.InactiveAccessKey):
        service.verify(issued.api_key)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "nak_",
        "nak_" + "0" * 24,
        "nak_" + "0" * 24 + ".",
        "nak_" + "0" * 23 + "." + "a" * 43,
        "nak_" + "0" * 25 + "." + "a" * 43,
        "nak_" + "G" * 24 + "." + "a" * 43,
        "NAK_" + "0" * 24 + "." + "a" * 43,
        "sk_" + "0" * 25 + "." + "a" * 43,
        "nak_" + "0" * 24 + "." + "a" * 42 + "+",
        "nak_" + "0" * 24 + "." + "a" * 42,
        "nak_" + "0" * 24 + "." + "a" * 42 + "\x00",
        "nak_" + "0" * 24 + "." + "a" * 43 + "\n",
        "x" * 10_000_000,
        None,
        42,
        b"nak_",
    ],
)
def test_malformed_keys_are_refused_before_any_query_with_the_invalid_error(service, db, bad):
    with count_queries(db) as queries, pytest.raises(errors.InvalidAccessKey) as info:
        service.verify(bad)
    assert queries == []
    assert type(info.value) is errors.InvalidAccessKey


def test_list_is_newest_first_and_delete_and_ownership_are_checked(service, make_user, clock, recorded):
    user, other = make_user(), make_user()
    first = service.create(user.id, "first")
    clock.advance(seconds=1)
    second = service.create(user.id, "second")
    theirs = service.create(other.id, "theirs")
    assert [k.name for k in service.list_for_user(user.id)] == ["second", "first"]
    with pytest.raises(errors.AccessKeyNotFound):
        service.delete(theirs.key.id, user_id=user.id)
    with pytest.raises(errors.AccessKeyNotFound):
        service.deactivate(uuid.uuid4())
    service.delete(first.key.id, user_id=user.id)
    with pytest.raises(errors.InvalidAccessKey):
        service.verify(first.api_key)
    assert [k.id for k in service.list_for_user(user.id)] == [second.key.id]
    deleted = [p for name, p in recorded if name == "access-key-deleted"]
    assert deleted == [{"key_id": first.key.id, "user_id": user.id, "public_key": first.key.public_key}]


def test_create_validates_name_expiry_and_owner(service, make_user, clock, db):
    user = make_user()
    with pytest.raises(errors.RequiredValueMissing):
        service.create(user.id, "  ")
    with pytest.raises(errors.InvalidValue):
        service.create(user.id, "old", expires_at=clock.now - dt.timedelta(seconds=1))
    with pytest.raises(errors.ReferenceNotFound):
        service.create(uuid.uuid4(), "nobody")
    assert AccessKey.select().count() == 0
