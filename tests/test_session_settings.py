"""What the library sets on its connections, and that correctness does not hang on it.

PostgreSQL connections send no startup ``options`` (a default pgbouncer refuses
them), so the session time zone is whatever the role, database or server says;
timestamps must stay UTC anyway. MySQL keeps an app's own ``init_command`` and
appends the UTC time zone to it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import urlparse, urlunparse

import pytest
from _engines import behind_pgbouncer

from nestauth_peewee import Settings, errors, init_database
from nestauth_peewee.fields import utcnow
from nestauth_peewee.models import AccessKey, Session, Tenant, User
from nestauth_peewee.services import AccessKeyService, SessionService
from nestauth_peewee.services.cleanup import ExpiryCleanup

KEY = "session-settings-secret-key-0123456789abcdef"
KATHMANDU = "Asia/Kathmandu"  # +05:45: no whole-hour mistake can pass for it


def check_timestamps_are_utc(db) -> None:
    """Server defaults, Python-set values and SQL comparisons all in UTC."""
    now = utcnow()
    tenant_id = uuid.uuid4()
    id_value = Tenant.id.db_value(tenant_id)
    # A row written by hand: created_at / updated_at come from the database defaults.
    db.execute_sql(f"INSERT INTO {Tenant._meta.table_name} (id, name) VALUES ({db.param}, {db.param})",
                   (id_value, "hand-written"))
    tenant = Tenant.get_by_id(tenant_id)
    for stamp in (tenant.created_at, tenant.updated_at):
        assert stamp.tzinfo is dt.UTC
        assert abs(stamp - now) < dt.timedelta(minutes=2), (stamp, now)

    settings = Settings(secret_key=KEY)
    user = User.create(email=f"tz-{uuid.uuid4().hex[:8]}@example.com")
    assert abs(User.get_by_id(user.id).created_at - now) < dt.timedelta(minutes=2)
    issued = SessionService(settings).create(user.id)
    assert SessionService(settings).authenticate(issued.refresh_token).id == issued.session.id
    # Comparisons made by the database: an aware datetime in a query, the clean-up's cut-off.
    soon = now + dt.timedelta(hours=1)
    assert Session.select().where(Session.expires_at > soon).count() == 1
    assert Session.select().where(Session.expires_at > soon.astimezone(
        dt.timezone(dt.timedelta(hours=5, minutes=45)))).count() == 1
    gone = SessionService(settings).create(user.id).session
    Session.update(expires_at=now - dt.timedelta(minutes=1)).where(Session.id == gone.id).execute()
    assert ExpiryCleanup().sessions() == 1
    assert [s.id for s in Session.select()] == [issued.session.id]
    # API keys: the expiry check and last_used_at.
    keys = AccessKeyService(settings)
    live = keys.create(user.id, "live", expires_at=now + dt.timedelta(minutes=10))
    assert abs(keys.verify(live.api_key).last_used_at - utcnow()) < dt.timedelta(minutes=2)
    dead = keys.create(user.id, "dead", expires_at=now + dt.timedelta(minutes=10))
    AccessKey.update(expires_at=now - dt.timedelta(minutes=1)).where(AccessKey.id == dead.key.id).execute()
    with pytest.raises(errors.ExpiredAccessKey):
        keys.verify(dead.api_key)


def _as_user(url: str, user: str) -> str:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(netloc=f"{user}@{parsed.hostname}:{parsed.port or 5432}"))


@pytest.mark.parametrize("dialect", ["postgres"], indirect=True)
def test_postgres_timestamps_stay_utc_for_a_role_in_kathmandu(db, db_url):
    if behind_pgbouncer(db_url):
        # pgbouncer admits only its auth_file's users; .ci/scale-out runs its server in Kathmandu.
        zone = db.execute_sql("SHOW TimeZone").fetchone()[0]
        assert zone != "UTC", "behind pgbouncer this test needs a server whose time zone is not UTC"
        check_timestamps_are_utc(db)
        return
    role = f"{urlparse(db_url).path.lstrip('/')}_kathmandu"
    exists = db.execute_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
    if not exists:
        db.execute_sql(f'CREATE ROLE "{role}" LOGIN')
    db.execute_sql(f"ALTER ROLE \"{role}\" SET timezone = '{KATHMANDU}'")
    db.execute_sql(f'GRANT USAGE ON SCHEMA public TO "{role}"')
    db.execute_sql(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"')
    theirs = init_database(_as_user(db_url, role))
    try:
        with theirs.connection_context():
            assert theirs.execute_sql("SHOW TimeZone").fetchone()[0] == KATHMANDU
            check_timestamps_are_utc(theirs)
    finally:
        theirs.close()
        db.execute_sql(f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"')
        db.execute_sql(f'REVOKE USAGE ON SCHEMA public FROM "{role}"')
        db.execute_sql(f'DROP ROLE "{role}"')


@pytest.mark.parametrize("dialect", ["postgres"], indirect=True)
def test_postgres_connections_send_no_startup_options(db_url):
    assert "options" not in init_database(db_url).connect_params
    # An app's own options are its business and are passed on untouched.
    assert init_database(db_url, options="-c statement_timeout=5000").connect_params["options"] == (
        "-c statement_timeout=5000")


@pytest.mark.parametrize("dialect", ["mysql"], indirect=True)
def test_mysql_timestamps_stay_utc_in_a_kathmandu_session(db, db_url):
    theirs = init_database(db_url, init_command="SET time_zone = '+05:45'")
    try:
        with theirs.connection_context():
            assert theirs.execute_sql("SELECT @@SESSION.time_zone").fetchone()[0] == "+05:45"
            check_timestamps_are_utc(theirs)
    finally:
        theirs.close()


@pytest.mark.parametrize("dialect", ["mysql"], indirect=True)
def test_an_apps_init_command_is_kept_and_the_utc_time_zone_appended(db, db_url):
    theirs = init_database(db_url, init_command="SET SESSION wait_timeout = 1234")
    assert theirs.connect_params["init_command"] == (
        "SET SESSION wait_timeout = 1234, time_zone = '+00:00'")
    try:
        with theirs.connection_context():
            row = theirs.execute_sql("SELECT @@SESSION.wait_timeout, @@SESSION.time_zone").fetchone()
            assert row == (1234, "+00:00")
    finally:
        theirs.close()


def test_init_command_rules_need_no_server():
    url = "mysql://root@127.0.0.1:1/never_connected"
    assert init_database(url).connect_params["init_command"] == "SET time_zone = '+00:00'"
    # Configuring one Database twice appends nothing twice.
    twice = init_database(url, init_command="SET SESSION wsrep_sync_wait = 1;")
    init_database(twice)
    assert twice.connect_params["init_command"] == "SET SESSION wsrep_sync_wait = 1, time_zone = '+00:00'"
    # An app that sets the time zone itself keeps its choice.
    own = init_database(url, init_command="SET time_zone = 'Europe/Paris'")
    assert own.connect_params["init_command"] == "SET time_zone = 'Europe/Paris'"
    # PyMySQL runs one statement only: two cannot be combined, which is said up front.
    for bad in ("SET a = 1; SET b = 2", "SELECT 1"):
        with pytest.raises(errors.ConfigurationError) as caught:
            init_database(url, init_command=bad)
        assert "one SET statement" in str(caught.value)
