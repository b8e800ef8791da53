"""The security audit trail (issue 18 item 5): what each security event records, on every dialect.

Successes are written in the transaction of the change (and vanish with its rollback), failures
in their own (they stay although the caller's work rolled back); no column ever holds a secret;
the read paths write nothing; retention is enforced by the clean-up; the service and the CLI read it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import replace

import pyotp
import pytest
from click.testing import CliRunner
from support import CHEAP, KEY, count_queries

import nestauth_peewee
from nestauth_peewee import AuthServices, audit, errors
from nestauth_peewee.cli import main
from nestauth_peewee.config import Settings, ThrottlePolicy
from nestauth_peewee.fields import utcnow
from nestauth_peewee.models import AuditEvent, User
from nestauth_peewee.services.cleanup import ExpiryCleanup
from nestauth_peewee.unit_of_work import transaction

PASSWORD = "the right passphrase 42"
NEW_PASSWORD = "a brand new passphrase 7"
#: Locks after three consecutive failures, no back-off before.
POLICY = ThrottlePolicy(free_failures=3, lock_after=3)


@pytest.fixture
def settings() -> Settings:
    return Settings(secret_key=KEY, argon2=CHEAP, login_throttle=POLICY)


@pytest.fixture
def auth(settings, db) -> AuthServices:
    return AuthServices(settings)


@pytest.fixture
def bob(auth) -> User:
    return auth.users.create(email="bob@example.com", password=PASSWORD)


def rows(event: str | None = None) -> list[AuditEvent]:
    query = AuditEvent.select().order_by(AuditEvent.occurred_at, AuditEvent.id)
    if event is not None:
        query = query.where(AuditEvent.event == event)
    return list(query)


def kinds() -> list[tuple[str, str]]:
    return [(r.event, r.outcome) for r in rows()]


# --- sign-in ---------------------------------------------------------------------------


def test_a_sign_in_is_one_row_with_the_session_its_ip_and_user_agent(auth, bob):
    user = auth.users.authenticate(email="bob@example.com", password=PASSWORD)
    assert rows() == []  # checking a password is no sign-in yet; the session is
    issued = auth.sessions.create(user.id, ip_address="203.0.113.9", user_agent="curl/8")
    [row] = rows()
    assert (row.event, row.outcome, row.user_id) == (audit.SIGN_IN, "success", bob.id)
    assert (row.ip_address, row.user_agent) == ("203.0.113.9", "curl/8")
    assert row.detail == {"session_id": str(issued.session.id)}
    assert row.occurred_at <= utcnow() and row.actor_id is None and row.tenant_id is None


def test_refused_sign_ins_are_recorded_with_their_reason(auth, bob):
    with pytest.raises(errors.InvalidCredentials):
        auth.users.authenticate(email="bob@example.com", password="wrong passphrase 1")
    with pytest.raises(errors.InvalidCredentials):
        auth.users.authenticate(email="nobody@example.com", password=PASSWORD)
    auth.users.deactivate(bob.id)
    with pytest.raises(errors.AccountInactive):
        auth.users.authenticate(email="bob@example.com", password=PASSWORD)
    found = [(r.event, r.outcome, r.user_id, r.detail["reason"]) for r in rows(audit.SIGN_IN)]
    assert found == [
        (audit.SIGN_IN, "failure", bob.id, "INVALID_CREDENTIALS"),
        (audit.SIGN_IN, "failure", None, "INVALID_CREDENTIALS"),  # unknown: no id, and no address stored
        (audit.SIGN_IN, "failure", bob.id, "ACCOUNT_INACTIVE"),
    ]


def test_a_lockout_is_recorded_and_so_is_each_refusal_while_locked(auth, bob):
    for _ in range(3):
        with pytest.raises(errors.InvalidCredentials):
            auth.users.authenticate(email="bob@example.com", password="wrong passphrase 1")
    with pytest.raises(errors.AccountLocked):
        auth.users.authenticate(email="bob@example.com", password=PASSWORD)
    [lock] = rows(audit.LOCKOUT)
    assert (lock.outcome, lock.user_id) == ("failure", bob.id)
    assert lock.detail == {"reason": "ACCOUNT_LOCKED", "scope": "login", "failures": 3,
                           "seconds": int(POLICY.lock_duration.total_seconds())}
    assert [r.detail["reason"] for r in rows(audit.SIGN_IN)] == ["INVALID_CREDENTIALS"] * 3 + ["ACCOUNT_LOCKED"]


def test_a_failure_row_stays_when_the_callers_transaction_rolls_back(auth, bob):
    with pytest.raises(errors.InvalidCredentials), transaction():
        auth.users.create(email="carol@example.com", password=PASSWORD)
        auth.users.authenticate(email="bob@example.com", password="wrong passphrase 1")
    assert User.select().where(User.email == "carol@example.com").count() == 0  # the caller's work is gone
    assert kinds() == [(audit.SIGN_IN, "failure")]  # the failure is not


def test_a_failure_waits_for_the_outer_transaction_to_end(auth, bob, db):
    with transaction():
        with pytest.raises(errors.InvalidCredentials):
            auth.users.authenticate(email="bob@example.com", password="wrong passphrase 1")
        assert rows() == []  # queued, not written in the caller's transaction
    assert kinds() == [(audit.SIGN_IN, "failure")]


def test_a_success_row_rolls_back_with_its_change(auth, bob):
    with pytest.raises(RuntimeError), transaction():
        auth.sessions.create(bob.id)
        raise RuntimeError("the app's own work failed")
    assert rows() == []


def test_admin_sign_ins_are_recorded(auth):
    admin = auth.admins.create(email="root@example.com", password=PASSWORD)
    auth.admins.authenticate(email="root@example.com", password=PASSWORD)
    with pytest.raises(errors.InvalidCredentials):
        auth.admins.authenticate(email="root@example.com", password="wrong passphrase 1")
    assert [(r.event, r.outcome, r.user_id) for r in rows()] == [
        (audit.ADMIN_SIGN_IN, "success", admin.id), (audit.ADMIN_SIGN_IN, "failure", admin.id)]


def test_passwordless_sign_in_records_the_method_and_refused_codes(auth, bob):
    issued = auth.passwordless.request_code(email="bob@example.com")
    with pytest.raises(errors.VerificationCodeInvalid):
        auth.passwordless.sign_in_with_code(email="bob@example.com", code="000000" if issued.code != "000000"
                                            else "111111")
    auth.passwordless.sign_in_with_code(email="bob@example.com", code=issued.code)
    found = [(r.outcome, r.detail.get("method"), r.detail.get("reason")) for r in rows(audit.SIGN_IN)]
    assert found == [("failure", "passwordless_code", "VERIFICATION_CODE_INVALID"),
                     ("success", "passwordless_code", None)]


# --- account changes -------------------------------------------------------------------


def test_password_changes_and_resets(auth, bob):
    auth.users.change_password(bob.id, PASSWORD, NEW_PASSWORD)
    auth.users.set_password(bob.id, PASSWORD)
    issued = auth.password_resets.request(email="bob@example.com")
    auth.password_resets.reset(email="bob@example.com", code=issued.code, new_password=NEW_PASSWORD)
    assert kinds() == [(audit.PASSWORD_CHANGED, "success")] * 2 + [(audit.PASSWORD_RESET, "success")]
    assert all(r.user_id == bob.id for r in rows())
    assert rows(audit.PASSWORD_RESET)[0].detail == {"sessions_revoked": 0, "trusted_devices_revoked": 0,
                                                    "access_keys_deactivated": 0}


def test_mfa_on_and_off_and_a_recovery_code(auth, bob, settings):
    enrolment = auth.mfa.add_totp_device(bob.id, device_name="phone")
    auth.mfa.confirm_totp_device(bob.id, enrolment.device.id, pyotp.TOTP(enrolment.secret).now())
    auth.mfa.enable(bob.id)
    codes = auth.mfa.generate_recovery_codes(bob.id)
    auth.mfa.use_recovery_code(bob.id, codes[0])
    auth.mfa.disable(bob.id)
    assert kinds() == [(audit.MFA_ENABLED, "success"), (audit.RECOVERY_CODE_USED, "success"),
                       (audit.MFA_DISABLED, "success")]
    assert rows(audit.RECOVERY_CODE_USED)[0].detail == {"remaining": settings.recovery_code_count - 1}


def test_revoked_sessions_and_a_replayed_refresh_token(auth, bob):
    first, second = auth.sessions.create(bob.id), auth.sessions.create(bob.id)
    auth.sessions.revoke(first.session.id)
    auth.sessions.refresh(second.refresh_token)
    with pytest.raises(errors.InvalidRefreshToken):
        auth.sessions.refresh(second.refresh_token)  # the rotated-out token again: reuse
    assert kinds() == [(audit.SIGN_IN, "success")] * 2 + [
        (audit.SESSION_REVOKED, "success"), (audit.REFRESH_TOKEN_REUSE, "failure"), (audit.SESSION_REVOKED, "success")]
    revoked = rows(audit.SESSION_REVOKED)
    assert revoked[0].detail == {"reason": "revoked", "count": 1, "session_ids": [str(first.session.id)]}
    assert revoked[1].detail["reason"] == "reuse"
    assert rows(audit.REFRESH_TOKEN_REUSE)[0].detail == {"session_id": str(second.session.id)}


def test_revoke_all_commits_its_row_with_the_delete(auth, bob, db):
    for _ in range(3):
        auth.sessions.create(bob.id)
    AuditEvent.delete().execute()
    with count_queries(db) as queries:
        assert auth.sessions.revoke_all(bob.id) == 3
    assert any(q.lstrip().upper().startswith("INSERT") for q in queries)
    [row] = rows()
    assert row.detail["count"] == 3 and len(row.detail["session_ids"]) == 3


def test_api_keys_created_deactivated_deleted(auth, bob):
    issued = auth.access_keys.create(bob.id, "ci")
    auth.access_keys.deactivate(issued.key.id)
    auth.access_keys.delete(issued.key.id)
    assert kinds() == [(audit.ACCESS_KEY_CREATED, "success"), (audit.ACCESS_KEY_DEACTIVATED, "success"),
                       (audit.ACCESS_KEY_DELETED, "success")]
    assert {r.detail["key_id"] for r in rows()} == {str(issued.key.id)}


def test_role_and_staff_grants_and_revocations(auth, bob):
    tenant = auth.tenants.create(name="Acme", slug="acme")
    editor = auth.roles.create(name="editor", tenant_id=tenant.id)
    viewer = auth.roles.create(name="viewer")
    auth.memberships.ensure(bob.id, tenant.id)
    auth.memberships.set_roles(bob.id, tenant.id, [editor.id, viewer.id])
    auth.memberships.set_roles_by_name(bob.id, tenant.id, ["viewer"])
    auth.memberships.set_roles_by_name(bob.id, tenant.id, ["viewer"])  # nothing changes: no row
    auth.staff.grant(bob.id, [viewer.id])
    auth.staff.grant(bob.id)  # already staff: no row
    auth.staff.deactivate(bob.id)
    auth.staff.revoke(bob.id)
    found = [(r.event, r.tenant_id, r.detail) for r in rows()]
    assert found == [
        (audit.ROLES_CHANGED, tenant.id, {"scope": "membership", "added": ["editor", "viewer"], "removed": []}),
        (audit.ROLES_CHANGED, tenant.id, {"scope": "membership", "added": [], "removed": ["editor"]}),
        (audit.STAFF_ACCESS_CHANGED, None, {"change": "granted"}),
        (audit.ROLES_CHANGED, None, {"scope": "staff", "added": ["viewer"], "removed": []}),
        (audit.STAFF_ACCESS_CHANGED, None, {"change": "deactivated"}),
        (audit.STAFF_ACCESS_CHANGED, None, {"change": "revoked"}),
    ]
    assert {r.user_id for r in rows()} == {bob.id}


def test_deactivation_and_activation(auth, bob):
    auth.sessions.create(bob.id)
    auth.users.deactivate(bob.id)
    auth.users.deactivate(bob.id)  # already off: nothing changes, no row
    auth.users.activate(bob.id)
    auth.users.update(bob.id, metadata={"plan": "pro"})  # not a security event
    assert [(r.event, r.detail) for r in rows()][1:] == [
        (audit.USER_DEACTIVATED, {"sessions_revoked": 1, "trusted_devices_revoked": 0}),
        (audit.USER_ACTIVATED, {"sessions_revoked": 0, "trusted_devices_revoked": 0}),
    ]


def test_rows_outlive_the_deleted_user(auth, bob):
    auth.sessions.create(bob.id)
    auth.users.delete(bob.id)
    assert User.select().count() == 0
    assert [(r.event, r.user_id) for r in rows()] == [(audit.SIGN_IN, bob.id), (audit.USER_DELETED, bob.id)]
    assert [r.event for r in auth.audit.for_user(bob.id).items] == [audit.USER_DELETED, audit.SIGN_IN]


def test_the_context_names_the_actor_ip_and_user_agent(auth, bob):
    admin = uuid.uuid4()
    with audit.context(actor_id=str(admin), ip_address="2001:db8::1", user_agent="  admin console  "), \
            audit.context(ip_address="192.0.2.1"):
        auth.staff.grant(bob.id)
        assert audit.current_context().actor_id == admin
    assert audit.current_context() == audit.AuditContext()
    [row] = rows()
    assert (row.actor_id, row.ip_address, row.user_agent) == (admin, "192.0.2.1", "admin console")
    with pytest.raises(errors.InvalidValue), audit.context(ip_address="not an address"):
        pass


# --- the rules -------------------------------------------------------------------------


def _every_text(row: AuditEvent) -> str:
    return " ".join(str(row.__data__[f.name]) for f in AuditEvent._meta.sorted_fields) + json.dumps(row.detail)


def test_no_column_of_any_row_holds_a_secret(auth, bob, settings):
    secrets = [PASSWORD, NEW_PASSWORD]
    issued = auth.sessions.create(bob.id)
    again = auth.sessions.refresh(issued.refresh_token)
    secrets += [issued.refresh_token, issued.access_token, again.refresh_token, again.access_token]
    with pytest.raises(errors.InvalidRefreshToken):
        auth.sessions.refresh(issued.refresh_token)
    key = auth.access_keys.create(bob.id, "ci")
    secrets.append(key.api_key)
    auth.access_keys.delete(key.key.id)
    enrolment = auth.mfa.add_totp_device(bob.id)
    totp = pyotp.TOTP(enrolment.secret).now()
    auth.mfa.confirm_totp_device(bob.id, enrolment.device.id, totp)
    auth.mfa.enable(bob.id)
    codes = auth.mfa.generate_recovery_codes(bob.id)
    auth.mfa.use_recovery_code(bob.id, codes[0])
    secrets += [enrolment.secret, totp, *codes]
    auth.users.change_password(bob.id, PASSWORD, NEW_PASSWORD)
    reset = auth.password_resets.request(email="bob@example.com")
    auth.password_resets.reset(email="bob@example.com", code=reset.code, new_password=PASSWORD)
    secrets.append(reset.code)
    for attempt in ("wrong passphrase 1", NEW_PASSWORD):
        with pytest.raises(errors.InvalidCredentials):
            auth.users.authenticate(email="bob@example.com", password=attempt)
    hashes = [u.password_hash for u in User.select()]
    found = rows()
    assert {r.event for r in found} >= {audit.SIGN_IN, audit.REFRESH_TOKEN_REUSE, audit.ACCESS_KEY_CREATED,
                                        audit.RECOVERY_CODE_USED, audit.PASSWORD_RESET}
    for row in found:
        text = _every_text(row)
        for secret in [*secrets, *hashes]:
            assert secret not in text, (row.event, secret)
        # nor a part of a token: the secret half of a refresh token or an API key
        for token in (issued.refresh_token, key.api_key):
            assert token.rsplit(".", 1)[-1][-20:] not in text


def test_audit_off_writes_nothing(settings, db):
    quiet = AuthServices(replace(settings, audit=False))
    user = quiet.users.create(email="bob@example.com", password=PASSWORD)
    quiet.sessions.create(user.id)
    quiet.sessions.revoke_all(user.id)
    with pytest.raises(errors.InvalidCredentials):
        quiet.users.authenticate(email="bob@example.com", password="wrong passphrase 1")
    quiet.staff.grant(user.id)
    assert rows() == []


@pytest.mark.parametrize("bad", [{"audit": "yes"}, {"audit": 1}, {"audit_retention": dt.timedelta(0)},
                                 {"audit_retention": 30}, {"audit_retention": dt.timedelta(days=-1)}])
def test_the_settings_are_checked(bad):
    with pytest.raises(errors.ConfigurationError):
        Settings(**bad)


def test_login_is_one_insert_more_and_the_read_paths_write_nothing(auth, bob, db):
    auth.sessions.create(bob.id)
    with count_queries(db) as queries:
        issued = auth.sessions.create(bob.id)
    # the session's two statements, and one INSERT of its audit row in the same transaction
    assert len(queries) == 3 and queries[-1].lstrip().upper().startswith("INSERT"), queries
    key = auth.access_keys.create(bob.id, "ci")
    auth.access_keys.verify(key.api_key)  # the first use dates last_used_at
    before = len(rows())
    with count_queries(db) as queries:
        auth.sessions.authenticate(issued.refresh_token)
        auth.sessions.authenticate_access_token(issued.access_token)
        auth.sessions.check_access_token(issued.access_token)
        auth.access_keys.verify(key.api_key)
    assert len(queries) == 3, queries  # one statement each, the signed-token check none
    assert not any(q.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for q in queries)
    assert len(rows()) == before


# --- reading and retention ----------------------------------------------------------------


def _old_rows(count: int, days: int, user_id: uuid.UUID | None = None) -> None:
    when = utcnow() - dt.timedelta(days=days)
    AuditEvent.insert_many([{"id": uuid.uuid4(), "occurred_at": when + dt.timedelta(seconds=i), "event": audit.SIGN_IN,
                             "outcome": "success", "user_id": user_id, "detail": {}} for i in range(count)]).execute()


def test_the_service_filters_and_pages(auth, bob):
    tenant = auth.tenants.create(name="Acme", slug="acme")
    _old_rows(5, days=10, user_id=bob.id)
    auth.sessions.create(bob.id)
    with pytest.raises(errors.InvalidCredentials):
        auth.users.authenticate(email="bob@example.com", password="wrong passphrase 1")
    auth.memberships.ensure(bob.id, tenant.id)
    auth.memberships.set_roles(bob.id, tenant.id, [auth.roles.create(name="viewer").id])
    page = auth.audit.for_user(bob.id, limit=3)
    assert (page.total, page.pages, len(page.items)) == (8, 3, 3)
    assert [r.event for r in page.items] == [audit.ROLES_CHANGED, audit.SIGN_IN, audit.SIGN_IN]
    assert page.items[0].occurred_at >= page.items[1].occurred_at >= page.items[2].occurred_at
    assert len(auth.audit.for_user(bob.id, limit=3, page=3).items) == 2
    assert auth.audit.list(event=audit.SIGN_IN, outcome="failure").total == 1
    assert auth.audit.list(tenant_id=tenant.id).total == 1
    assert auth.audit.list(since=utcnow() - dt.timedelta(days=1)).total == 3
    assert auth.audit.list(until=utcnow() - dt.timedelta(days=1)).total == 5
    assert auth.audit.for_user(uuid.uuid4()).total == 0
    for bad in ({"event": "nonsense"}, {"outcome": "maybe"}, {"limit": 101}, {"user_id": "x"},
                {"since": utcnow(), "until": utcnow() - dt.timedelta(days=1)}):
        with pytest.raises(errors.ValidationError):
            auth.audit.list(**bad)


def test_retention_deletes_older_rows_in_batches(auth, bob, db):
    _old_rows(7, days=40)
    _old_rows(2, days=10)
    assert ExpiryCleanup().run().audit_events == 0  # no retention: kept forever
    with count_queries(db) as queries:
        assert ExpiryCleanup(audit_retention=dt.timedelta(days=30)).audit_events(batch_size=3) == 7
    assert len(queries) == 3  # 3 + 3 + 1
    assert AuditEvent.select().count() == 2
    assert auth.audit.purge(older_than=dt.timedelta(days=5)) == 2
    assert replace(auth.settings, audit_retention=dt.timedelta(days=1)).audit_retention == dt.timedelta(days=1)
    with pytest.raises(errors.ConfigurationError):
        ExpiryCleanup(audit_retention=dt.timedelta(0))


@pytest.fixture
def cli(db, db_url, monkeypatch):
    monkeypatch.setattr(Settings, "from_env", classmethod(lambda cls, **over: replace(
        Settings(argon2=CHEAP), **over)))

    def run(*args: str, env: dict[str, str] | None = None):
        result = CliRunner().invoke(main, [*args, "--database", db_url], env=env)
        nestauth_peewee.database.initialize(db)
        return result

    return run


def test_the_cli_lists_filters_and_writes_json_lines(cli, auth, bob):
    auth.sessions.create(bob.id, ip_address="203.0.113.9")
    with pytest.raises(errors.InvalidCredentials):
        auth.users.authenticate(email="bob@example.com", password="wrong passphrase 1")
    result = cli("audit", "--user", str(bob.id))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and lines[-1] == "2 of 2 event(s)."
    assert "sign_in" in lines[0] and "failure" in lines[0] and "reason=INVALID_CREDENTIALS" in lines[0]
    assert "ip=203.0.113.9" in lines[1]
    result = cli("audit", "--outcome", "success", "--json", "--all")
    assert result.exit_code == 0, result.output
    [line] = [json.loads(text) for text in result.stdout.splitlines()]
    assert line["event"] == "sign_in" and line["user_id"] == str(bob.id) and line["ip_address"] == "203.0.113.9"
    assert dt.datetime.fromisoformat(line["occurred_at"]).tzinfo is not None
    for bad in (["--user", "nope"], ["--since", "yesterday"], ["--event", "nonsense"]):
        result = cli("audit", *bad)
        assert result.exit_code != 0 and len(result.output.strip().splitlines()) == 1, result.output


def test_cleanup_enforces_the_retention(cli, auth):
    _old_rows(4, days=400)
    _old_rows(1, days=10)
    result = cli("cleanup")
    assert result.exit_code == 0 and "0 audit event(s)" in result.stdout, result.output
    result = cli("cleanup", "--audit-retention-days", "365")
    assert result.exit_code == 0 and "4 audit event(s)" in result.stdout, result.output
    result = cli("cleanup", env={"NESTAUTH_AUDIT_RETENTION_DAYS": "5"})
    assert result.exit_code == 0 and "1 audit event(s)" in result.stdout, result.output
    assert AuditEvent.select().count() == 0


# --- the integrations set the request's context ---------------------------------------


def _app(framework: str, db, settings):
    """A one-route app whose sign-in refuses a wrong password (401)."""
    def sign_in(services):
        try:
            services.users.authenticate(email="bob@example.com", password="wrong passphrase 1")
        except errors.InvalidCredentials:
            return 401
        return 200

    if framework == "flask":
        import flask

        from nestauth_peewee.integrations.flask import NestAuth

        app = flask.Flask(__name__)
        ext = NestAuth(app, database=db, settings=settings)

        @app.post("/sign-in")
        def flask_view():
            return flask.jsonify({}), sign_in(ext.services)

        return app
    import bottle

    from nestauth_peewee.integrations.bottle import NestAuthPlugin

    app = bottle.Bottle()
    plugin = NestAuthPlugin(db, settings=settings)
    app.install(plugin)

    @app.post("/sign-in")
    def bottle_view():
        bottle.response.status = sign_in(plugin.services)
        return {}

    return app


@pytest.mark.parametrize("framework", ["flask", "bottle"])
def test_the_integrations_record_the_peer_address_and_user_agent(framework, settings, auth, bob, db):
    from _wsgi_client import WsgiClient

    client = WsgiClient(framework, _app(framework, db, settings))
    reply = client.call("POST", "/sign-in", headers={"User-Agent": "probe/1.0"}, environ={"REMOTE_ADDR": "198.51.100.7"})
    assert reply.status == 401
    nestauth_peewee.database.initialize(db)
    [row] = rows()
    assert (row.event, row.outcome, row.user_id) == (audit.SIGN_IN, "failure", bob.id)
    assert (row.ip_address, row.user_agent) == ("198.51.100.7", "probe/1.0")
    assert audit.current_context() == audit.AuditContext()  # nothing left behind after the request
    reply = client.call("POST", "/sign-in", headers={"User-Agent": "x\x00y"}, environ={"REMOTE_ADDR": "unix:"})
    assert reply.status == 401  # odd values are left out, the request still served
    assert (rows()[-1].ip_address, rows()[-1].user_agent) == (None, None)
