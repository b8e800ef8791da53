"""The read path's shortcuts give what the general code gives.

Reading a row skips some general machinery for speed (see docs/performance.md):
UUIDs and timestamps are converted by dedicated functions, short strings are
checked without peewee's coercion, and prebuilt lookups run on the Database's
cursor unless someone watches the SQL. Each shortcut is checked here against
the general path it replaces.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

import peewee
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nestauth_peewee import dialect_of, errors
from nestauth_peewee.db import prepares
from nestauth_peewee.fields import datetime_from_db, uuid_from_db
from nestauth_peewee.models import Session, User
from nestauth_peewee.repositories import users as users_repo
from nestauth_peewee.repositories._prepared import Prepared
from nestauth_peewee.unit_of_work import transaction

# --- UUIDs ---------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=(1 << 128) - 1))
def test_uuid_from_db_reads_every_spelling_a_driver_returns(number):
    expected = uuid.UUID(int=number)
    for text in (expected.hex, str(expected), expected.hex.upper()):
        value = uuid_from_db(text)
        assert value == expected and type(value) is uuid.UUID
        assert hash(value) == hash(expected) and str(value) == str(expected)
        assert value.version == expected.version and value.is_safe == expected.is_safe
    assert uuid_from_db(expected) is expected
    assert uuid_from_db(None) is None


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(alphabet="0123456789abcdefABCDEFxX+-_ {}g", min_size=30, max_size=38),
    st.text(max_size=40),
))
def test_uuid_from_db_refuses_what_uuid_refuses(text):
    try:
        expected = uuid.UUID(text)
    except ValueError:
        with pytest.raises(ValueError):
            uuid_from_db(text)
    else:
        assert uuid_from_db(text) == expected


@pytest.mark.parametrize("text", ["-" + "f" * 31, "g" * 32, "f" * 30, "f" * 33, "f" * 36, ""])
def test_uuid_from_db_refuses_garbage(text):
    with pytest.raises(ValueError):
        uuid_from_db(text)


# --- timestamps ----------------------------------------------------------------------------

UTC = dt.UTC


@pytest.mark.parametrize(("stored", "expected"), [
    ("2026-11-27 21:34:44.123456", dt.datetime(2026, 11, 27, 21, 34, 44, 123456, tzinfo=UTC)),
    ("2026-11-27 21:34:44", dt.datetime(2026, 11, 27, 21, 34, 44, tzinfo=UTC)),  # CURRENT_TIMESTAMP
    ("2026-11-27T21:34:44+02:00", dt.datetime(2026, 11, 27, 19, 34, 44, tzinfo=UTC)),  # an offset
    ("2026-11-27", dt.datetime(2026, 11, 27, tzinfo=UTC)),
    (dt.datetime(2026, 11, 27, 21, 34, 44), dt.datetime(2026, 11, 27, 21, 34, 44, tzinfo=UTC)),
    (dt.datetime(2026, 11, 27, 23, 34, tzinfo=dt.timezone(dt.timedelta(hours=2))),
     dt.datetime(2026, 11, 27, 21, 34, tzinfo=UTC)),
    (None, None),
])
def test_datetime_from_db_gives_aware_utc(stored, expected):
    value = datetime_from_db(stored)
    assert value == expected
    if expected is not None:
        assert value.tzinfo is UTC and value.utcoffset() == dt.timedelta(0)


def test_datetime_from_db_refuses_text_that_is_no_timestamp():
    with pytest.raises(ValueError):
        datetime_from_db("yesterday")


# --- short strings -------------------------------------------------------------------------


def test_char_field_checks_are_the_same_on_the_fast_path():
    email = User.email
    assert email.db_value("bob@example.com") == "bob@example.com"
    assert email.db_value(None) is None
    assert email.db_value(b"bob@example.com") == "bob@example.com"  # bytes: peewee's coercion
    with pytest.raises(errors.ValueTooLong):
        email.db_value("x" * 256)
    with pytest.raises(errors.InvalidValue, match="NUL"):
        email.db_value("bob\x00@example.com")
    with pytest.raises(errors.ValueTooLong):
        email.db_value(("x" * 256).encode())


# --- prebuilt lookups ----------------------------------------------------------------------


def test_a_query_hook_sees_every_prebuilt_lookup(db, make_user, prepare):
    user = make_user(email="watched@example.com")
    seen: list[peewee.QueryEvent] = []
    db.query_hooks.append(seen.append)
    try:
        assert users_repo.get_by_email("watched@example.com").id == user.id
        assert users_repo.get(user.id).id == user.id
    finally:
        db.query_hooks.remove(seen.append)
    assert len(seen) == 2  # one statement each: a PREPARE is not one of the operation's statements
    assert all(event.exception is None for event in seen)
    if prepare and dialect_of(db) == "postgres":
        assert seen[0].sql == "EXECUTE nestauth_users_by_email (%s)"
    else:
        assert all("nest_auth_users" in event.sql for event in seen)
    assert seen[0].params == ["watched@example.com"]


def test_peewee_debug_logging_sees_prebuilt_lookups(db, make_user, caplog, prepare):
    make_user(email="logged@example.com")
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        users_repo.get_by_email("logged@example.com")
    assert any("nest_auth_users" in str(record.msg) or "nestauth_users_by_email" in str(record.msg)
               for record in caplog.records)


@pytest.mark.parametrize("dialect", ["postgres"], indirect=True)  # the only dialect that prepares
def test_preparation_follows_the_switch_on_postgres(db, make_user, prepare):
    make_user(email="switch@example.com")
    users_repo.get_by_email("switch@example.com")
    names = {row[0] for row in db.execute_sql("SELECT name FROM pg_prepared_statements").fetchall()}
    assert ("nestauth_users_by_email" in names) is prepare


@pytest.mark.parametrize("dialect", ["postgres"], indirect=True)
@pytest.mark.parametrize("where", ["autocommit", "transaction"])
def test_a_statement_the_server_forgot_is_prepared_again(db, make_user, where):
    """DISCARD ALL drops every prepared statement of the session, as a pooler's reset does."""
    if not prepares(db):
        pytest.skip("server-side preparation is switched off for this server (e.g. behind pgbouncer)")
    user = make_user(email="forgot@example.com")
    assert users_repo.get_by_email("forgot@example.com").id == user.id  # prepared now
    assert users_repo.get(user.id).id == user.id
    db.execute_sql("DISCARD ALL")
    db.execute_sql("SET TIME ZONE 'UTC'")  # DISCARD ALL resets the session's settings too
    if where == "autocommit":
        assert users_repo.get_by_email("forgot@example.com").id == user.id  # re-prepared, re-run
    else:
        with pytest.raises(errors.TransactionConflict), transaction():
            users_repo.get_by_email("forgot@example.com")  # the server aborted this transaction
        with transaction():  # the next attempt prepares afresh
            assert users_repo.get_by_email("forgot@example.com").id == user.id
    assert users_repo.get(user.id).id == user.id  # the other statement was forgotten too, and is back
    names = {row[0] for row in db.execute_sql("SELECT name FROM pg_prepared_statements").fetchall()}
    assert {"nestauth_users_by_email", "nestauth_users_by_id"} <= names


def test_a_driver_error_is_the_same_with_and_without_an_observer(db, prepare):
    missing = _MISSING
    _Missing._meta.set_database(db)
    caught = []
    for observed in (False, True):
        if observed:
            db.query_hooks.append(lambda event: None)
        try:
            with pytest.raises(peewee.PeeweeException) as error:
                missing.get(1)
            caught.append(type(error.value))
        finally:
            db.query_hooks.clear()
        if db.in_transaction():  # PostgreSQL: leave the aborted transaction
            db.rollback()
    assert caught[0] is caught[1]  # peewee's class for the driver error, on both paths


class _Missing(peewee.Model):
    """A model whose table is never created: every query on it is a driver error."""

    id = peewee.IntegerField(primary_key=True)

    class Meta:
        table_name = "nest_auth_no_such_table"


_MISSING = Prepared("read_path_missing", lambda key: _Missing.select().where(_Missing.id == key),
                    args=(_Missing.id,), models=(_Missing,))
_JOINED = Prepared("read_path_joined",
                   lambda sid: Session.select(Session, User).join(User).where(Session.id == sid),
                   args=(Session.id,), models=(Session, User))


def test_get_is_for_one_model_and_first_for_several(db):
    joined = _JOINED
    assert joined.first(uuid.uuid4()) is None
    with pytest.raises(TypeError):
        joined.get(uuid.uuid4())


def test_rows_come_back_as_the_general_path_reads_them(db, make_user, prepare):
    user = make_user(email="same@example.com", phone="+15550100")
    general = User.get(User.id == user.id)
    for found in (users_repo.get(user.id), users_repo.get_by_email("same@example.com"),
                  users_repo.get_by_phone("+15550100")):
        assert found.__data__ == general.__data__
        assert not found.is_dirty() and found._pk == user.id


def test_a_statement_binds_an_argument_everywhere_it_stands_and_keeps_constants(db):
    from nestauth_peewee.repositories.authorization import statement

    stmt = statement("permissions", "tenant", True)
    user, tenant = uuid.uuid4(), uuid.uuid4()
    sql, params = stmt.sql_and_params(user, tenant, "web")
    assert params.count(user.hex) == 2 and params.count(tenant.hex) == 1 and params.count("web") == 3
    assert "active" in params  # the membership status: a constant of the statement
    with pytest.raises(TypeError):
        stmt.sql_and_params(user, "web")


def test_a_joined_row_comes_back_as_the_general_path_reads_it(db, make_user, prepare):
    from nestauth_peewee.repositories import sessions as sessions_repo

    user = make_user(email="joined@example.com")
    session_id = uuid.uuid4()
    now = dt.datetime.now(UTC)
    sessions_repo.insert(session_id=session_id, user_id=user.id, refresh_token_hash="h" * 64,
                         expires_at=now + dt.timedelta(days=1), now=now, data={"k": [1, "two"]})
    session, owner = sessions_repo.get_with_user(session_id)
    assert session.__data__ == Session.get(Session.id == session_id).__data__
    assert owner.__data__ == User.get(User.id == user.id).__data__
    assert session.data == {"k": [1, "two"]} and session.expires_at.tzinfo is UTC
    assert not session.is_dirty() and not owner.is_dirty() and session.user is owner


@pytest.mark.parametrize("dialect", ["postgres"], indirect=True)
def test_a_prepared_statement_receives_each_argument_once_and_keeps_its_constants_inline(db, prepare):
    from nestauth_peewee.repositories.authorization import statement

    stmt = statement("permissions", "tenant", True).statement(db)
    user, tenant = uuid.uuid4(), uuid.uuid4()
    assert stmt.execute_params((user, tenant, "web")) == [user.hex, tenant.hex, "web"]
    assert stmt.prepare_sql.count("$1") == 2 and stmt.prepare_sql.count("$3") == 3
    assert "'active'" in stmt.prepare_sql and "$4" not in stmt.prepare_sql
    assert stmt.execute_sql.endswith("(%s, %s, %s)")
    with pytest.raises(TypeError):
        stmt.execute_params((user, "web"))


def test_names_are_unique():
    with pytest.raises(ValueError):
        Prepared("users_by_email", lambda v: User.select().where(User.email == v), args=(User.email,))


@pytest.mark.parametrize("models, link", [((Session, User), "id"), ((Session, User), "nothing"),
                                          ((Session,), "user"), ((User, Session), "user")])
def test_a_link_is_a_foreign_key_of_the_first_of_two_models(models, link):
    with pytest.raises(ValueError, match="link"):
        Prepared("link_check_" + uuid.uuid4().hex[:8], lambda v: Session.select().where(Session.id == v),
                 args=(Session.id,), models=models, link=link)
