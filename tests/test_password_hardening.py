"""Passwords (0.2): NFKC before policy and hashing with the raw-form fallback, the default
common-password list from the zxcvbn package, and the k-anonymity breached-password check
against a range server on loopback."""

from __future__ import annotations

import hashlib
import http.server
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator

import pytest
from support import CHEAP

from nestauth_peewee import errors
from nestauth_peewee.config import PasswordPolicy, Settings
from nestauth_peewee.models import User
from nestauth_peewee.passwords import (
    PasswordHasher,
    RangeBreachChecker,
    check_policy,
    common_passwords,
    normalize_password,
)
from nestauth_peewee.services.users import UserService

NFC = unicodedata.normalize("NFC", "crème brûlée à Noël 2026")
NFD = unicodedata.normalize("NFD", NFC)
WIDE = "ｐａｓｓｐｈｒａｓｅ ｗｉｔｈ ｆｕｌｌ ｗｉｄｔｈ"  # NFKC folds full-width letters to ASCII


@pytest.fixture
def users(db) -> UserService:
    return UserService(Settings(argon2=CHEAP))


def test_a_password_registered_in_nfc_signs_in_typed_in_nfd_and_vice_versa(users):
    assert NFC != NFD
    users.create(email="nfc@example.com", password=NFC)
    users.create(email="nfd@example.com", password=NFD)
    assert users.authenticate(email="nfc@example.com", password=NFD).email == "nfc@example.com"
    assert users.authenticate(email="nfd@example.com", password=NFC).email == "nfd@example.com"
    users.create(email="wide@example.com", password=WIDE)
    assert users.authenticate(email="wide@example.com", password="passphrase with full width")


def test_a_hash_made_from_the_raw_form_before_0_2_still_verifies_and_is_rehashed(users):
    """0.1 hashed the password as typed; such hashes are accepted once and upgraded."""
    legacy = PasswordHasher(CHEAP)._argon2.hash(NFD.encode("utf-8"))
    user = users.create(email="old@example.com")
    User.update(password_hash=legacy).where(User.id == user.id).execute()
    assert users.authenticate(email="old@example.com", password=NFD).id == user.id
    upgraded = User.get_by_id(user.id).password_hash
    assert upgraded != legacy
    assert PasswordHasher(CHEAP)._argon2.verify(upgraded, normalize_password(NFD).encode())
    assert users.authenticate(email="old@example.com", password=NFC).id == user.id  # now either form
    with pytest.raises(errors.InvalidCredentials):
        users.authenticate(email="old@example.com", password=NFC + "x")


def test_the_dummy_verification_pays_the_fallback_too(monkeypatch):
    hasher = PasswordHasher(CHEAP)
    calls = []
    original = hasher._matches
    monkeypatch.setattr(hasher, "_matches", lambda encoded, secret: calls.append(secret) or original(encoded,
                                                                                                     secret))
    hasher.dummy_verify(NFD)
    known_wrong = hasher.hash("something else entirely")
    hasher.verify(known_wrong, NFD)
    assert len(calls) == 4  # two for the unknown account, two for the known one with a wrong password
    calls.clear()
    hasher.dummy_verify("plain ascii password")
    assert len(calls) == 1


def test_policy_sees_the_normalised_password_and_returns_it():
    policy = PasswordPolicy(min_length=8, common_passwords=frozenset())
    assert check_policy(WIDE, policy) == "passphrase with full width"
    # "ab\ufb00" is 3 characters as typed; its NFKC form "abff" has 4, which is what is counted
    assert check_policy("ab\ufb00", PasswordPolicy(min_length=4, common_passwords=frozenset())) == "abff"


def test_the_default_common_list_comes_from_zxcvbn_once_and_refuses_well_known_passwords():
    words = common_passwords()
    assert len(words) >= 10_000 and common_passwords() is words
    for weak in ("qwerty123456", "1234567890a", "Password123", "ｑｗｅｒｔｙ１２３４５６"):
        with pytest.raises(errors.PasswordPolicyViolation) as caught:
            check_policy(weak, PasswordPolicy())
        assert "common" in caught.value.details["reasons"]
    assert check_policy("vivid orange tractor sings", PasswordPolicy())


def test_the_list_is_loaded_lazily():
    code = ("import sys, nestauth_peewee, nestauth_peewee.passwords as p; "
            "assert 'zxcvbn' not in sys.modules; p.common_passwords(); assert 'zxcvbn' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# --- the breached-password check, against a range server on 127.0.0.1 ------------------------

BREACHED = "correct horse battery staple"


class _RangeServer:
    def __init__(self) -> None:
        self.paths: list[str] = []
        self.bodies: list[bytes] = []
        self.headers: list[dict[str, str]] = []
        self.delay = 0.0
        self.broken = False
        digest = hashlib.sha1(BREACHED.encode()).hexdigest().upper()
        self.prefix, self.suffix = digest[:5], digest[5:]
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                outer.paths.append(self.path)
                outer.headers.append(dict(self.headers))
                length = int(self.headers.get("Content-Length") or 0)
                outer.bodies.append(self.rfile.read(length) if length else b"")
                time.sleep(outer.delay)
                prefix = self.path.rsplit("/", 1)[-1]
                lines = ["0" * 35 + ":0", "F" * 35 + ":0"]  # padding
                if prefix == outer.prefix:
                    lines.append(f"{outer.suffix}:3730471")
                body = ("\r\n".join(lines) if not outer.broken else "<html>oops</html>").encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/range/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def range_server() -> Iterator[_RangeServer]:
    server = _RangeServer()
    try:
        yield server
    finally:
        server.close()


def test_the_check_is_off_by_default():
    assert Settings().password_policy.breached_checker is None


def test_a_breached_password_is_refused_and_only_five_hex_characters_leave(range_server):
    policy = PasswordPolicy(common_passwords=frozenset(), breached_checker=RangeBreachChecker(range_server.url))
    with pytest.raises(errors.PasswordPolicyViolation) as caught:
        check_policy(BREACHED, policy)
    assert caught.value.details["reasons"] == ["breached"]
    assert check_policy("a passphrase nobody ever leaked 7731", policy)
    assert range_server.paths[0] == "/range/" + range_server.prefix
    full = hashlib.sha1(BREACHED.encode()).hexdigest()
    for path, body, headers in zip(range_server.paths, range_server.bodies, range_server.headers, strict=True):
        segment = path.rsplit("/", 1)[-1]
        assert len(segment) == 5 and all(c in "0123456789ABCDEF" for c in segment)
        assert body == b"" and full[5:].upper() not in path and "horse" not in path
        assert headers.get("Add-Padding") == "true"


def test_a_slow_or_broken_service_fails_open_or_closed_as_configured(range_server, caplog):
    range_server.delay = 1.0
    open_policy = PasswordPolicy(common_passwords=frozenset(),
                                 breached_checker=RangeBreachChecker(range_server.url, timeout=0.2))
    started = time.monotonic()
    assert check_policy(BREACHED, open_policy) == BREACHED  # fail open: accepted, logged
    assert time.monotonic() - started < 0.9
    assert "breached-password check unavailable" in caplog.text
    closed = PasswordPolicy(common_passwords=frozenset(),
                            breached_checker=RangeBreachChecker(range_server.url, timeout=0.2, fail_closed=True))
    with pytest.raises(errors.PasswordPolicyViolation) as caught:
        check_policy("a passphrase nobody ever leaked 7731", closed)
    assert caught.value.details["reasons"] == ["breach_check_unavailable"]
    range_server.delay, range_server.broken = 0.0, True
    with pytest.raises(errors.PasswordPolicyViolation):
        check_policy("a passphrase nobody ever leaked 7731", closed)
    unreachable = RangeBreachChecker("http://127.0.0.1:9/range/", timeout=0.5, fail_closed=True)
    with pytest.raises(errors.PasswordPolicyViolation):
        check_policy("a passphrase nobody ever leaked 7731",
                     PasswordPolicy(common_passwords=frozenset(), breached_checker=unreachable))


def test_registration_uses_the_configured_checker(db, range_server):
    checker = RangeBreachChecker(range_server.url)
    users = UserService(Settings(argon2=CHEAP, password_policy=PasswordPolicy(
        common_passwords=frozenset(), breached_checker=checker)))
    with pytest.raises(errors.PasswordPolicyViolation):
        users.create(email="leaky@example.com", password=BREACHED)
    assert users.create(email="fine@example.com", password="a passphrase nobody ever leaked 7731")
