"""The token helpers: shapes, entropy, keyed digests, encryption (no database)."""

from __future__ import annotations

import re
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from nestauth_peewee import secrets as tokens

KEY = b"k" * 32


def test_issued_tokens_parse_back_and_carry_256_random_bits():
    row = uuid.uuid4()
    token, secret = tokens.new_id_token(row)
    assert tokens.parse_id_token(token) == (row, secret)
    assert len(secret) == 43 and len({tokens.new_secret() for _ in range(100)}) == 100
    key, public, secret = tokens.new_access_key()
    assert tokens.parse_access_key(key) == (public, secret)
    assert re.fullmatch(r"nak_[0-9a-f]{24}", public)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120) | st.binary(max_size=80) | st.none() | st.integers())
def test_arbitrary_input_parses_only_if_it_has_exactly_the_issued_shape(value):
    parsed = tokens.parse_id_token(value)
    if parsed is not None:
        assert value == f"{parsed[0].hex}.{parsed[1]}"
    parsed_key = tokens.parse_access_key(value)
    if parsed_key is not None:
        assert value == f"{parsed_key[0]}.{parsed_key[1]}"


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=75), st.characters())
def test_changing_any_character_of_a_token_to_a_foreign_one_makes_it_malformed(position, char):
    token, _ = tokens.new_id_token(uuid.uuid4())
    mutated = token[:position] + char + token[position + 1:]
    allowed = "0123456789abcdef" if position < 32 else ("." if position == 32 else None)
    if allowed is not None and char in allowed or allowed is None and re.fullmatch(r"[A-Za-z0-9_-]", char):
        return
    assert tokens.parse_id_token(mutated) is None


def test_digests_depend_on_key_purpose_and_every_part():
    base = tokens.keyed_digest(KEY, "otp", "user", "mfa", "123456")
    assert len(base) == 64
    assert base != tokens.keyed_digest(b"j" * 32, "otp", "user", "mfa", "123456")
    assert base != tokens.keyed_digest(KEY, "refresh-token", "user", "mfa", "123456")
    assert base != tokens.keyed_digest(KEY, "otp", "usermfa", "", "123456")  # parts are framed
    assert tokens.digests_equal(base, tokens.keyed_digest(KEY, "otp", "user", "mfa", "123456"))
    assert not tokens.digests_equal(base, None) and not tokens.digests_equal(None, None)
    assert len(tokens.short_digest(KEY, "recovery-code", "u", "c")) == 16


def test_random_codes_use_only_their_alphabet():
    assert set("".join(tokens.random_code(50, tokens.UNAMBIGUOUS) for _ in range(20))) <= set(
        "23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    assert tokens.random_code(6).isdigit()


def test_encryption_round_trips_and_is_bound_to_key_and_context():
    sealed = tokens.encrypt(KEY, "JBSWY3DPEHPK3PXP", "ctx-a")
    assert sealed.startswith("enc1:") and "JBSWY3DPEHPK3PXP" not in sealed
    assert sealed != tokens.encrypt(KEY, "JBSWY3DPEHPK3PXP", "ctx-a")  # fresh nonce
    assert tokens.decrypt(KEY, sealed, "ctx-a") == "JBSWY3DPEHPK3PXP"
    assert tokens.decrypt(KEY, sealed, "ctx-b") is None
    assert tokens.decrypt(b"j" * 32, sealed, "ctx-a") is None
    assert tokens.decrypt(KEY, sealed[:-3], "ctx-a") is None
    assert tokens.decrypt(KEY, "PLAINBASE32", "ctx-a") == "PLAINBASE32"
