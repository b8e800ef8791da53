"""The seeder: through the services, idempotent, one transaction per entry, errors by position."""

from __future__ import annotations

import json
import threading
from dataclasses import replace

import pytest
from click.testing import CliRunner
from support import CHEAP, CHEAP_SETTINGS

import nestauth_peewee
from nestauth_peewee import PasswordHasher, errors
from nestauth_peewee.cli import main
from nestauth_peewee.config import Settings
from nestauth_peewee.models import AdminUser, Permission, Role, Tenant, User
from nestauth_peewee.seeding import EXAMPLE_SEED, Seeder, load_seed, parse_seed
from nestauth_peewee.services import AuthorizationService, TenantService, UserService

EXAMPLE = EXAMPLE_SEED


def apply(data, settings=CHEAP_SETTINGS, environ=None):
    return Seeder(settings).apply(parse_seed(data, settings, environ=environ or {}))


def small_seed(**users_extra):
    return {
        "permissions": ["posts.read", {"name": "posts.write", "category": "posts"}],
        "tenants": [{"slug": "acme", "name": "Acme"}],
        "roles": [
            {"name": "reader", "permissions": ["posts.read"]},
            {"name": "editor", "tenant": "acme", "permissions": ["posts.read", "posts.write"]},
        ],
        "users": [
            {"email": "ann@example.com", "password": "north star passphrase 1", "email_verified": True,
             "memberships": [{"tenant": "acme", "roles": ["editor"]}], **users_extra},
            {"email": "ben@example.com", "password": "south wind passphrase 2",
             "memberships": [{"roles": ["reader"]}]},
        ],
        "admins": [{"email": "root@example.com", "password": "console passphrase 3", "name": "Root"}],
    }


def test_seeding_the_example_file_twice_reports_zero_changes_the_second_time(db, db_url):
    runner = CliRunner()
    first = runner.invoke(main, ["seed", str(EXAMPLE), "--database", db_url])
    assert first.exit_code == 0, first.output
    assert "Applied 14 change(s)" in first.output
    assert "users: 3 created, 0 updated, 0 unchanged" in first.output
    second = runner.invoke(main, ["seed", str(EXAMPLE), "--database", db_url])
    assert second.exit_code == 0, second.output
    assert "Nothing to change" in second.output
    assert "users: 0 created, 0 updated, 3 unchanged" in second.output
    nestauth_peewee.database.initialize(db)
    alice = UserService().get_by_email("alice@example.com")
    acme = TenantService().get_by_slug("acme")
    auth = AuthorizationService()
    assert auth.effective_permissions(alice.id, acme.id) == ["reports.read", "reports.write"]
    assert auth.effective_permissions(alice.id) == ["reports.read"]
    carol = UserService().get_by_email("carol@example.com")
    assert auth.effective_permissions(carol.id, acme.id) == ["reports.read", "tenants.manage"]
    assert UserService().authenticate(email="alice@example.com", password="wonderland dev passphrase")


def test_the_second_run_changes_no_row_and_sends_no_event(db, recorder):
    apply(small_seed())
    assert sorted(set(recorder.names())) == ["admin-created", "permission-created", "role-created",
                                             "roles-changed", "tenant-created", "user-created"]
    before = {m.__name__: sorted(map(str, m.select().tuples())) for m in nestauth_peewee.NestAuthModels}
    recorder.clear()
    report = apply(small_seed())
    assert report.changes == 0
    assert recorder == []
    after = {m.__name__: sorted(map(str, m.select().tuples())) for m in nestauth_peewee.NestAuthModels}
    assert after == before


def test_passwords_go_through_the_service_and_are_hashed_off_the_main_thread(db):
    threads = []

    class Recording(PasswordHasher):
        def hash(self, password):
            threads.append(threading.current_thread().name)
            return super().hash(password)

    Seeder(CHEAP_SETTINGS, hasher=Recording(CHEAP), workers=2).apply(parse_seed(small_seed(), CHEAP_SETTINGS))
    assert len(threads) == 3 and all(name.startswith("nestauth-hash") for name in threads)
    ann = User.get(User.email == "ann@example.com")
    ben = User.get(User.email == "ben@example.com")
    assert ann.password_hash.startswith("$argon2id$") and ann.password_hash != ben.password_hash
    users = UserService(CHEAP_SETTINGS)
    assert users.authenticate(email="ann@example.com", password="north star passphrase 1").id == ann.id
    assert ann.email_verified_at is not None and ben.email_verified_at is None
    assert AdminUser.get(AdminUser.email == "root@example.com").password_hash.startswith("$argon2id$")


def test_a_bad_entry_is_reported_by_position_and_leaves_the_database_as_before_it(db, recorder):
    data = small_seed()
    data["users"].insert(1, {"email": "bad@example.com", "password": "east river passphrase 9",
                             # editor belongs to acme: not usable on the global membership
                             "memberships": [{"roles": ["reader"]}, {"tenant": "acme", "roles": ["nope"]}]})
    with pytest.raises(errors.SeedEntryFailed) as caught:
        apply(data)
    failure = caught.value
    assert failure.details["section"] == "users" and failure.details["position"] == 2
    assert failure.details["cause_code"] == "ROLE_NOT_FOUND"
    assert "users entry 2 (bad@example.com)" in str(failure)
    # Everything before the bad entry is there, nothing of it, nothing after it.
    assert [u.email for u in User.select()] == ["ann@example.com"]
    assert AdminUser.select().count() == 0
    assert Role.select().count() == 2 and Tenant.select().count() == 1
    assert failure.report.changes == 6
    assert "bad@example.com" not in str(recorder)


def test_a_failing_seed_on_the_command_line_is_one_line_after_the_partial_summary(db, db_url, tmp_path):
    path = tmp_path / "seed.json"
    path.write_text(json.dumps({
        "tenants": [{"slug": "one"}, {"slug": "Not A Slug"}, {"slug": "three"}],
    }))
    result = CliRunner().invoke(main, ["seed", str(path), "--database", db_url])
    assert result.exit_code == 1
    error_lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(error_lines) == 1
    assert "SEED_ENTRY_FAILED" in error_lines[0] and "tenants entry 2 (Not A Slug)" in error_lines[0]
    assert "INVALID_SLUG_FORMAT" in error_lines[0]
    assert "tenants: 1 created" in result.stdout
    nestauth_peewee.database.initialize(db)
    assert [t.slug for t in Tenant.select()] == ["one"]


@pytest.mark.parametrize("mutate,fragment", [
    (lambda d: d["users"][1].update(password="short"), "users entry 2 (ben@example.com): PASSWORD_POLICY_VIOLATION"),
    (lambda d: d["users"][0].update(pasword="typo"), "users entry 1 (ann@example.com): unknown key(s) 'pasword'"),
    (lambda d: d["users"].append({"email": "ANN@example.com "}), "users entry 3 (ann@example.com): declared twice"),
    (lambda d: d["roles"][0].update(guard="api"), "roles entry 1 (reader): Guard 'api' is not configured"),
    (lambda d: d.update(groups=[]), "unknown section(s) 'groups'"),
    (lambda d: d["admins"][0].pop("password"), "admins entry 1 (root@example.com): 'password'"),
    (lambda d: d["users"][0].update(email="not an email"), "users entry 1 (not an email): INVALID_EMAIL"),
    (lambda d: d["admins"][0].update(password=None, password_env="ROOT_PW"),
     "admins entry 1 (root@example.com): give 'password' or 'password_env', not both"),
])
def test_a_malformed_file_is_refused_before_anything_is_written(db, mutate, fragment):
    data = small_seed()
    mutate(data)
    with pytest.raises(errors.InvalidSeedFile) as caught:
        apply(data)
    assert fragment in str(caught.value)
    assert Permission.select().count() == 0


def test_passwords_can_come_from_the_environment(db):
    data = small_seed()
    data["admins"][0].pop("password")
    data["admins"][0]["password_env"] = "ROOT_PW"
    with pytest.raises(errors.InvalidSeedFile, match="ROOT_PW .* is not set"):
        apply(data)
    plan = parse_seed(data, CHEAP_SETTINGS, environ={"ROOT_PW": "from the environment"})
    Seeder(CHEAP_SETTINGS).apply(plan)
    from nestauth_peewee import AdminUserService
    assert AdminUserService(CHEAP_SETTINGS).authenticate(email="root@example.com", password="from the environment")


def test_a_second_run_aligns_what_the_file_declares_and_keeps_the_rest(db):
    apply(small_seed())
    users = UserService(CHEAP_SETTINGS)
    ann = users.get_by_email("ann@example.com")
    original_hash = ann.password_hash
    users.link_identity(ann.id, "github", "42")            # not declared: kept
    data = small_seed(active=False, metadata={"team": "docs"})
    data["roles"][1]["permissions"] = ["posts.read"]
    data["tenants"][0]["name"] = "Acme Inc."
    data["users"][0]["password"] = "a different passphrase"  # passwords apply on creation only
    report = apply(data)
    assert [(str(e), o) for e, o in report.outcomes if o != "unchanged"] == [
        ("tenants entry 1 (acme)", "updated"), ("roles entry 2 (editor in acme)", "updated"),
        ("users entry 1 (ann@example.com)", "updated"),
    ]
    ann = users.get(ann.id)
    assert (ann.is_active, ann.metadata, ann.password_hash) == (False, {"team": "docs"}, original_hash)
    assert users.get_by_identity("github", "42").id == ann.id
    acme = TenantService().get_by_slug("acme")
    assert acme.name == "Acme Inc."
    assert apply(data).changes == 0


def test_memberships_and_staff_access_follow_the_file(db):
    data = small_seed()
    data["roles"].append({"name": "support", "system": True, "permissions": ["posts.write"]})
    data["users"][1]["staff"] = {"roles": ["support"]}
    apply(data)
    ben = UserService().get_by_email("ben@example.com")
    acme = TenantService().get_by_slug("acme")
    auth = AuthorizationService()
    assert auth.effective_permissions(ben.id, acme.id) == ["posts.write"]
    data["users"][1]["staff"] = {"roles": ["support"], "active": False}
    data["users"][1]["memberships"] = [{"roles": []}, {"tenant": "acme", "roles": ["editor"]}]
    report = apply(data)
    assert report.count("users", "updated") == 1
    assert auth.effective_permissions(ben.id) == []
    assert auth.effective_permissions(ben.id, acme.id) == ["posts.read", "posts.write"]
    assert auth.staff_permissions(ben.id) == []
    assert apply(data).changes == 0


def test_json_and_toml_files_give_the_same_plan(tmp_path):
    data = small_seed()
    (tmp_path / "seed.json").write_text(json.dumps(data))
    toml_plan = load_seed(EXAMPLE, CHEAP_SETTINGS)
    assert toml_plan.size == 14 and [u.email for u in toml_plan.users][0] == "alice@example.com"
    json_plan = load_seed(tmp_path / "seed.json", CHEAP_SETTINGS)
    assert json_plan == parse_seed(data, CHEAP_SETTINGS, source=str(tmp_path / "seed.json"))
    (tmp_path / "broken.toml").write_text("[[users]\nemail = 1")
    with pytest.raises(errors.InvalidSeedFile, match="not valid TOML"):
        load_seed(tmp_path / "broken.toml")
    with pytest.raises(errors.InvalidSeedFile, match=r"\.toml or \.json"):
        load_seed(tmp_path / "seed.yaml")


def test_progress_is_reported_once_per_entry(db):
    steps = []
    plan = parse_seed(small_seed(), CHEAP_SETTINGS)
    Seeder(CHEAP_SETTINGS).apply(plan, progress=steps.append)
    assert sum(steps) == plan.size == 8


def test_the_example_seed_ships_with_the_package_and_is_shown_or_applied(db, db_url, monkeypatch):
    monkeypatch.setattr(Settings, "from_env", classmethod(lambda cls, **over: replace(CHEAP_SETTINGS, **over)))
    runner = CliRunner()
    shown = runner.invoke(main, ["seed", "--show-example"])
    assert shown.exit_code == 0 and shown.output == EXAMPLE_SEED.read_text(encoding="utf-8")
    neither = runner.invoke(main, ["seed", "--database", db_url])
    both = runner.invoke(main, ["seed", str(EXAMPLE_SEED), "--example", "--database", db_url])
    assert neither.exit_code == both.exit_code == 1
    assert "give a seed FILE or --example" in neither.output and "give a seed FILE or --example" in both.output
    applied = runner.invoke(main, ["seed", "--example", "--database", db_url])
    assert applied.exit_code == 0, applied.output
    assert "users: 3 created" in applied.output
