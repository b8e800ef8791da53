"""Key rotation: previous keys keep what was stored under them working; weak keys are refused."""

from __future__ import annotations

import pytest

from nestauth_peewee import errors
from nestauth_peewee import secrets as tokens
from nestauth_peewee.config import Settings, check_secret_key, key_ring

OLD = "the-previous-app-key-0123456789-abcdefghijkl"
NEW = "the-current-app-key-9876543210-zyxwvutsrqpo"


@pytest.mark.parametrize("weak", ["a" * 32, "a" * 64, "abcd" * 8, "ab" * 40, "0123456" * 6, "short key"])
def test_low_entropy_or_short_keys_are_a_configuration_error(weak):
    with pytest.raises(errors.ConfigurationError):
        check_secret_key(weak)
    with pytest.raises(errors.ConfigurationError):
        key_ring(Settings(secret_key=weak))
    with pytest.raises(errors.ConfigurationError):
        key_ring(Settings(secret_key=NEW, secret_key_fallbacks=(weak,)))


def test_a_random_key_passes():
    import secrets

    for _ in range(50):
        assert check_secret_key(secrets.token_urlsafe(32)) and check_secret_key(secrets.token_hex(16))


def test_fallbacks_come_from_the_environment_comma_separated(monkeypatch):
    monkeypatch.setenv("NESTAUTH_SECRET_KEY", NEW)
    monkeypatch.setenv("NESTAUTH_SECRET_KEY_FALLBACKS", f" {OLD} , ")
    settings = Settings.from_env()
    assert settings.secret_key_fallbacks == (OLD,)
    ring = key_ring(settings)
    assert ring.keys == (NEW.encode(), OLD.encode()) and "the-" not in repr(ring)
    with pytest.raises(errors.ConfigurationError):
        Settings(secret_key=NEW, secret_key_fallbacks=OLD).require_secret_keys()  # type: ignore[arg-type]


def test_from_env_or_random_key_keeps_the_environment_key_else_draws_one_and_warns(monkeypatch, caplog):
    monkeypatch.setenv("NESTAUTH_SECRET_KEY", NEW)
    monkeypatch.delenv("NESTAUTH_SECRET_KEY_FALLBACKS", raising=False)
    assert Settings.from_env_or_random_key(otp_length=8) == Settings(secret_key=NEW, otp_length=8)
    assert not caplog.records
    monkeypatch.delenv("NESTAUTH_SECRET_KEY")
    first, second = Settings.from_env_or_random_key(), Settings.from_env_or_random_key()
    assert check_secret_key(first.secret_key) and first.secret_key != second.secret_key
    assert [r.levelname for r in caplog.records] == ["WARNING", "WARNING"]
    assert "NESTAUTH_SECRET_KEY is not set" in caplog.records[0].getMessage()


def test_a_digest_or_ciphertext_made_under_a_previous_key_matches_with_its_index():
    old_ring = key_ring(Settings(secret_key=OLD))
    ring = key_ring(Settings(secret_key=NEW, secret_key_fallbacks=(OLD,)))
    stored = old_ring.digest("refresh-token", "id", "secret")
    assert ring.match_digest(stored, "refresh-token", "id", "secret") == 1
    assert ring.match_digest(ring.digest("refresh-token", "id", "secret"), "refresh-token", "id", "secret") == 0
    assert ring.match_digest(stored, "refresh-token", "id", "other") is None
    assert key_ring(Settings(secret_key=NEW)).match_digest(stored, "refresh-token", "id", "secret") is None
    sealed = old_ring.encrypt("JBSWY3DPEHPK3PXP", "ctx")
    assert ring.open(sealed, "ctx") == ("JBSWY3DPEHPK3PXP", 1)
    assert ring.open(sealed, "other ctx") == (None, None)
    assert ring.open("JBSWY3DPEHPK3PXP", "ctx") == ("JBSWY3DPEHPK3PXP", 0)
    assert ring.short_digests("recovery-code", "u", "c")[1] == old_ring.short_digest("recovery-code", "u", "c")
    assert tokens.KeyRing(b"x" * 32, (b"x" * 32,)).fallbacks == ()
