"""Blocked email domains: the list, its enforcement on sign-up, email change and identity linking,
the bulk import, the `nestauth blocked-domains` commands and the seed section."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from support import CHEAP_SETTINGS, PASSWORD

from nestauth_peewee import BlockedDomainService, BlockedEmailDomain, Identity, User, errors
from nestauth_peewee.cli import main
from nestauth_peewee.seeding import Seeder, parse_seed
from nestauth_peewee.services.blocked_domains import normalize_domain


@pytest.fixture
def blocked(db) -> BlockedDomainService:
    return BlockedDomainService(CHEAP_SETTINGS)


@pytest.mark.parametrize(("raw", "stored"), [
    ("Example.COM", "example.com"), ("@example.com", "example.com"), ("example.com.", "example.com"),
    ("  mail.example.co.uk ", "mail.example.co.uk"), ("bücher.de", "xn--bcher-kva.de"), ("localhost", "localhost"),
])
def test_domains_are_stored_lower_case_without_at_or_trailing_dot(raw, stored):
    assert normalize_domain(raw) == stored


@pytest.mark.parametrize("bad", ["", "  ", "bob@example.com", "example..com", "-bad.com", "bad-.com",
                                 "exa mple.com", "example.com/path", "a" * 64 + ".com", ("a" * 60 + ".") * 5,
                                 None, 7, "\x00.com"])
def test_anything_but_a_host_name_is_refused(bad):
    with pytest.raises(errors.InvalidEmailDomain) as info:
        normalize_domain(bad)
    assert info.value.code == "INVALID_EMAIL_DOMAIN"


def test_add_list_count_contains_and_remove(blocked, recorded):
    row = blocked.add("@Mailinator.COM.")
    assert (row.domain, row.source) == ("mailinator.com", "manual")
    blocked.add("spam.example", source="import")
    with pytest.raises(errors.BlockedDomainAlreadyExists) as info:
        blocked.add("MAILINATOR.com")  # the unique index decides, case-folded before
    assert info.value.code == "BLOCKED_DOMAIN_ALREADY_EXISTS"
    assert [(r.domain, r.source) for r in blocked.list_domains()] == [
        ("mailinator.com", "manual"), ("spam.example", "import")]
    assert [r.domain for r in blocked.list_domains(search="MAIL")] == ["mailinator.com"]
    assert [r.domain for r in blocked.list_domains(offset=1, limit=1)] == ["spam.example"]
    assert blocked.count() == 2
    assert blocked.contains("mailinator.com") and not blocked.contains("eu.mailinator.com")
    assert blocked.remove("Mailinator.com") is True
    assert blocked.remove("mailinator.com") is False
    assert blocked.count() == 1
    assert [(n, p["domain"]) for n, p in recorded if n.startswith("blocked")] == [
        ("blocked-domain-added", "mailinator.com"), ("blocked-domain-added", "spam.example"),
        ("blocked-domain-removed", "mailinator.com")]


@pytest.mark.parametrize("bad", [{"search": "50%"}, {"search": "a_b"}, {"limit": 0}, {"limit": 1001},
                                 {"offset": -1}, {"limit": True}])
def test_listing_refuses_bad_arguments(blocked, bad):
    with pytest.raises(errors.InvalidValue):
        blocked.list_domains(**bad)


def test_a_blocked_domain_covers_itself_and_its_subdomains_only(blocked):
    blocked.add("example.com")
    assert blocked.is_blocked("bob@example.com")
    assert blocked.is_blocked("bob@Mail.EU.example.com")
    assert blocked.is_blocked("mail.example.com")
    assert not blocked.is_blocked("bob@notexample.com")
    assert not blocked.is_blocked("bob@example.com.au")
    assert not blocked.is_blocked("example.org")


def test_registering_with_a_blocked_domain_is_refused_and_writes_nothing(blocked, users):
    blocked.add("mailinator.com")
    for email in ("eve@mailinator.com", "Eve@EU.Mailinator.com"):
        with pytest.raises(errors.EmailDomainBlocked) as info:
            users.register(email=email, password=PASSWORD)
        assert info.value.code == "EMAIL_DOMAIN_BLOCKED"
    with pytest.raises(errors.EmailDomainBlocked):
        users.create(email="ops@mailinator.com", email_verified=True)
    assert User.select().count() == 0 and Identity.select().count() == 0
    assert users.register(email="eve@notmailinator.com", password=PASSWORD).email == "eve@notmailinator.com"
    assert users.register(phone="+15550100001").phone == "+15550100001"  # no email, nothing to screen


def test_changing_to_a_blocked_email_is_refused_and_the_old_one_is_kept(blocked, users):
    user = users.register(email="bob@example.org", password=PASSWORD)
    users.verify_email(user.id)
    blocked.add("mailinator.com")
    with pytest.raises(errors.EmailDomainBlocked):
        users.update(user.id, email="bob@mailinator.com")
    kept = User.get_by_id(user.id)
    assert kept.email == "bob@example.org" and kept.email_verified_at is not None
    assert Identity.get(Identity.user == user.id, Identity.provider == "email").provider_id == "bob@example.org"
    assert users.update(user.id, email="bob@example.net").email == "bob@example.net"


def test_a_user_of_a_domain_blocked_later_still_signs_in_and_keeps_the_address(blocked, users):
    user = users.register(email="old@mailinator.com", password=PASSWORD)
    blocked.add("mailinator.com")
    assert users.authenticate(email="old@mailinator.com", password=PASSWORD).id == user.id
    assert users.update(user.id, email="old@mailinator.com", metadata={"x": 1}).metadata == {"x": 1}


def test_linking_an_identity_with_a_blocked_email_is_refused(blocked, users):
    user = users.register(email="bob@example.org", password=PASSWORD)
    blocked.add("mailinator.com")
    with pytest.raises(errors.EmailDomainBlocked):
        users.link_identity(user.id, "google", "bob@mailinator.com")
    with pytest.raises(errors.EmailDomainBlocked):
        users.link_identity(user.id, "github", "583231", metadata={"email": "Bob@Sub.Mailinator.com"})
    assert Identity.select().where(Identity.provider != "email").count() == 0
    users.link_identity(user.id, "github", "583231", metadata={"email": "bob@example.org", "login": "b@"})
    users.link_identity(user.id, "gitlab", "not@an@address")  # not an address: nothing to screen


def test_import_skips_comments_blanks_and_duplicates_and_marks_the_source(blocked, tmp_path, recorded):
    blocked.add("already.example")
    path = tmp_path / "disposable.txt"
    path.write_text("\ufeff# disposable mail\nMailinator.com\n\n  10minutemail.com  # a comment\n"
                    "mailinator.com.\nalready.example\n", encoding="utf-8")
    result = blocked.import_file(path)
    assert (result.added, result.already_blocked) == (2, 1)
    assert {(r.domain, r.source) for r in BlockedEmailDomain.select()} == {
        ("already.example", "manual"), ("mailinator.com", "import"), ("10minutemail.com", "import")}
    assert blocked.import_file(path) == type(result)(added=0, already_blocked=3)
    assert [p for n, p in recorded if n == "blocked-domains-imported"] == [{"added": 2, "source": "import"}]


def test_a_bad_line_refuses_the_whole_import(blocked, tmp_path):
    path = tmp_path / "list.txt"
    path.write_text("good.example\nnot a domain\nother.example\n", encoding="utf-8")
    with pytest.raises(errors.InvalidEmailDomain) as info:
        blocked.import_file(path)
    assert info.value.details["line"] == 2 and "Line 2" in str(info.value)
    assert BlockedEmailDomain.select().count() == 0
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9.example\n")
    with pytest.raises(errors.InvalidValue, match="not UTF-8"):
        blocked.import_file(tmp_path / "latin1.txt")
    with pytest.raises(errors.InvalidValue, match="Cannot read"):
        blocked.import_file(tmp_path / "missing.txt")


def test_a_large_import_goes_in_chunks(blocked):
    result = blocked.import_domains(f"d{i}.example" for i in range(1200))
    assert result.added == 1200 and blocked.count() == 1200
    assert blocked.import_domains(f"d{i}.example" for i in range(1100, 1300)).added == 100


def _cli(db_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["blocked-domains", *args, "--database", db_url])
    return result.exit_code, result.output


def test_the_blocked_domains_commands(db, db_url, tmp_path):
    assert _cli(db_url, "add", "Mailinator.com", "spam.example") == (
        0, "Blocked mailinator.com.\nBlocked spam.example.\n")
    code, output = _cli(db_url, "add", "mailinator.com")
    assert code == 1 and "BLOCKED_DOMAIN_ALREADY_EXISTS" in output and "Traceback" not in output
    path = tmp_path / "list.txt"
    path.write_text("a.example\nb.example\nspam.example\n", encoding="utf-8")
    assert _cli(db_url, "import", str(path)) == (0, "Blocked 2 new domain(s); 1 were already blocked.\n")
    code, output = _cli(db_url, "list")
    assert code == 0 and output.splitlines()[0].split() == ["a.example", "import"]
    assert output.splitlines()[-1] == "4 of 4 blocked domain(s)."
    assert _cli(db_url, "list", "--search", "spam")[1].splitlines()[0].split() == ["spam.example", "manual"]
    assert _cli(db_url, "remove", "a.example", "zzz.example") == (
        0, "Unblocked a.example.\nzzz.example was not blocked.\n")
    code, output = _cli(db_url, "add", "not a domain")
    assert code == 1 and "INVALID_EMAIL_DOMAIN" in output


def test_seed_files_declare_blocked_domains(db, blocked):
    data = {"blocked_domains": ["Mailinator.com", {"domain": "spam.example", "source": "policy"}],
            "users": [{"email": "ok@example.org"}]}
    report = Seeder(CHEAP_SETTINGS).apply(parse_seed(data, CHEAP_SETTINGS))
    assert report.summary()[0] == "blocked_domains: 2 created, 0 updated, 0 unchanged"
    assert {(r.domain, r.source) for r in BlockedEmailDomain.select()} == {
        ("mailinator.com", "seed"), ("spam.example", "policy")}
    again = Seeder(CHEAP_SETTINGS).apply(parse_seed(data, CHEAP_SETTINGS))
    assert again.changes == 0
    with pytest.raises(errors.InvalidSeedFile, match="declared twice"):
        parse_seed({"blocked_domains": ["a.example", "A.example."]}, CHEAP_SETTINGS)
    with pytest.raises(errors.InvalidSeedFile, match="INVALID_EMAIL_DOMAIN"):
        parse_seed({"blocked_domains": ["bob@a.example"]}, CHEAP_SETTINGS)
    with pytest.raises(errors.SeedEntryFailed, match="EMAIL_DOMAIN_BLOCKED"):
        Seeder(CHEAP_SETTINGS).apply(parse_seed({"users": [{"email": "x@mailinator.com"}]}, CHEAP_SETTINGS))
