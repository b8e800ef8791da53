"""Normalisation, the argon2id hasher and the password policy (no database needed)."""

from __future__ import annotations

import argon2
import pytest

from nestauth_peewee import Argon2Params, PasswordHasher, PasswordPolicy, errors
from nestauth_peewee.normalize import normalize_email, normalize_phone
from nestauth_peewee.passwords import check_policy

CHEAP = Argon2Params(memory_cost=1024, time_cost=1, parallelism=1)


# --- email and phone -------------------------------------------------------------------

#: What each normaliser makes of a raw value: emails are trimmed and lower-cased, phones lose
#: white space, dashes, dots and brackets; a blank value is None for both.
NORMAL_FORMS = {
    normalize_email: {
        "Bob@Example.COM ": "bob@example.com",
        "  bob@example.com": "bob@example.com",
        "first.last+tag@sub.example.co.uk": "first.last+tag@sub.example.co.uk",
        "ÉLODIE@exemple.fr": "élodie@exemple.fr",
        "": None,
        "   \t\n": None,
        None: None,
    },
    normalize_phone: {
        "+1 (555) 010-9999": "+15550109999",
        " 020 7946.0958 ": "02079460958",
        "+44\t20\n7946 0958": "+442079460958",
        "[0] 555 0100": "05550100",
        "  ": None,
        " - . ": None,
        None: None,
    },
}


@pytest.mark.parametrize(("normalize", "raw", "expected"), [
    (normalize, raw, expected) for normalize, forms in NORMAL_FORMS.items() for raw, expected in forms.items()
])
def test_emails_and_phones_come_to_one_normal_form_and_blank_is_none(normalize, raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "bob",
        "bob@",
        "@example.com",
        "bob@example",
        "bob smith@example.com",
        "bob@exa mple.com",
        "bob@@example.com",
        "bob@example..com",
        "bob@-example.com",
        ".bob@example.com",
        "bob.@example.com",
        "bo..b@example.com",
        "bob@example.com.",
        "bob\x00@example.com",
        "bob\ud800@example.com",
        "a" * 65 + "@example.com",
        "bob@" + "a" * 250 + ".com",
        12,
        b"bob@example.com",
        ["bob@example.com"],
    ],
)
def test_invalid_emails_raise_invalid_email_with_a_message(raw):
    with pytest.raises(errors.InvalidEmail) as info:
        normalize_email(raw)
    assert info.value.code == "INVALID_EMAIL"
    assert len(str(info.value)) > 20


@pytest.mark.parametrize(
    "raw", ["555-CALL-NOW", "+1 555 O10 9999", "++15550109", "1+5550109", "123", "1" * 16, "٣٣٣٣٣", "²²²²", 5550100]
)
def test_phones_with_letters_or_wrong_lengths_raise_invalid_phone(raw):
    with pytest.raises(errors.InvalidPhone) as info:
        normalize_phone(raw)
    assert info.value.code == "INVALID_PHONE"


# --- hasher ----------------------------------------------------------------------------


def test_hashes_are_argon2id_with_the_configured_parameters_and_never_the_password():
    hasher = PasswordHasher(CHEAP)
    encoded = hasher.hash("correct horse battery staple")
    assert encoded.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert "correct horse" not in encoded
    assert hasher.hash("correct horse battery staple") != encoded  # fresh salt


def test_the_default_parameters_are_upstreams():
    params = argon2.extract_parameters(PasswordHasher().hash("x"))
    assert (params.memory_cost, params.time_cost, params.parallelism) == (65536, 3, 4)
    assert params.type is argon2.Type.ID


def test_verify_accepts_the_right_password_and_refuses_a_wrong_one():
    hasher = PasswordHasher(CHEAP)
    encoded = hasher.hash("pässwörd ✓ 🔑 long enough")
    assert hasher.verify(encoded, "pässwörd ✓ 🔑 long enough") == (True, None)
    assert hasher.verify(encoded, "pässwörd ✓ 🔑 long enougH") == (False, None)


def test_long_passwords_are_not_truncated():
    hasher = PasswordHasher(CHEAP)
    base = "x" * 100
    encoded = hasher.hash(base + "A")
    assert hasher.verify(encoded, base + "B") == (False, None)


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        "",
        "plaintext",
        "$argon2id$",
        "$argon2id$v=19$m=1024,t=1,p=1$",
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA",
        "$argon2id$v=19$m=x,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=1024,t=1,p=1$!!!!$????",
        "$2b$12$abcdefghijklmnopqrstuu5P1Jm3tjkvjKXfGkXZp2Lx5Y4BqQb2a",
        "$argon2id\x00$v=19",
        "$argon2id$v=19$m=1024,t=1,p=1$\ud800",
        12345,
        b"$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA",
    ],
)
def test_verifying_against_a_garbage_hash_returns_false_and_never_raises(garbage):
    assert PasswordHasher(CHEAP).verify(garbage, "whatever password") == (False, None)


@pytest.mark.parametrize("password", [None, 12, b"bytes", "\ud800 lone surrogate", "nul\x00inside"])
def test_verifying_an_odd_password_value_returns_false_and_never_raises(password):
    hasher = PasswordHasher(CHEAP)
    assert hasher.verify(hasher.hash("real password"), password) == (False, None)
    hasher.dummy_verify(password)  # must not raise either


def test_a_match_on_old_parameters_returns_an_upgraded_hash():
    old = PasswordHasher(Argon2Params(memory_cost=512, time_cost=1, parallelism=1))
    new = PasswordHasher(CHEAP)
    encoded = old.hash("correct horse battery staple")
    ok, upgraded = new.verify(encoded, "correct horse battery staple")
    assert ok and upgraded is not None
    assert upgraded.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert new.verify(upgraded, "correct horse battery staple") == (True, None)
    assert new.verify(encoded, "wrong") == (False, None)  # no upgrade without a match


def test_an_argon2i_hash_is_upgraded_to_argon2id():
    legacy = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=argon2.Type.I)
    ok, upgraded = PasswordHasher(CHEAP).verify(legacy.hash("pw"), "pw")
    assert ok and upgraded.startswith("$argon2id$")


def test_dummy_verify_runs_a_real_argon2_verification(monkeypatch):
    hasher = PasswordHasher(CHEAP)
    calls = []
    real_verify = argon2.PasswordHasher.verify

    def spy(self, encoded, secret):
        calls.append(encoded)
        return real_verify(self, encoded, secret)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", spy)
    hasher.dummy_verify("any password")
    hasher.dummy_verify("another")
    assert len(calls) == 2
    assert calls[0].startswith("$argon2id$v=19$m=1024,t=1,p=1$")  # same cost as real hashes


# --- policy ----------------------------------------------------------------------------


def test_the_policy_accepts_long_unicode_passphrases_without_composition_rules():
    policy = PasswordPolicy()
    assert check_policy("all lower case words here", policy)
    assert check_policy("ça marche très bien ✓", policy)
    assert check_policy("x" * 64, policy)
    assert check_policy("y" * 128, policy)


#: Each reason the policy gives, and a password that earns it (for the email BobSmith@example.com).
REFUSALS = {
    "too_short": "short",
    "too_long": "z" * 129,
    "common": "Password123",
    "nul_character": "nul\x00character",
    "invalid_unicode": "lone \ud800 surrogate",
    "contains_email": "my bobsmith secret",
}


@pytest.mark.parametrize(("reason", "password"), REFUSALS.items())
def test_the_policy_refuses_with_a_reason_and_a_message_saying_what_to_fix(reason, password):
    with pytest.raises(errors.PasswordPolicyViolation) as info:
        check_policy(password, PasswordPolicy(), email="BobSmith@example.com")
    assert reason in info.value.details["reasons"]
    assert info.value.code == "PASSWORD_POLICY_VIOLATION"
    assert "use" in str(info.value) or "choose" in str(info.value) or "remove" in str(info.value) or "do not" in str(info.value)


def test_the_policy_is_configurable():
    lax = PasswordPolicy(min_length=4, common_passwords=frozenset(), forbid_email_local_part=False)
    assert check_policy("password", lax, email="password@example.com") == "password"
    with pytest.raises(errors.PasswordPolicyViolation):
        check_policy("hunter2hunter2", PasswordPolicy(common_passwords=frozenset({"hunter2hunter2"})))


@pytest.mark.parametrize("value", [None, 12345678, b"bytes-password", ["a list"]])
def test_the_policy_refuses_a_non_string_password(value):
    with pytest.raises(errors.PasswordPolicyViolation):
        check_policy(value, PasswordPolicy())
