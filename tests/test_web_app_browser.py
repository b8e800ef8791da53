"""The server-rendered example (examples/web_app.py) driven in a real headless Chromium through Selenium.

The whole journey: sign up, sign out and in, enrol TOTP by reading the secret off the page, sign
out and in with a code, revoke another session, sign out everywhere, reset the password with the
code the listener printed, and sign in with a recovery code. A screenshot of each page goes to
``$NESTAUTH_TEST_ARTEFACTS`` (default ``test-artefacts/`` in the checkout; not committed).

CI installs Debian's ``chromium`` and ``chromium-driver`` (.ci/run); elsewhere the test is skipped
when they are missing.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pyotp
import pytest
import web_app
from support import CHEAP

import nestauth_peewee
from nestauth_peewee import Session, User, events
from nestauth_peewee.config import Settings
from nestauth_peewee.services.sessions import SessionService

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1000,900"]
SETTINGS = Settings(secret_key="web-app-browser-test-key-" + "k" * 32, argon2=CHEAP)
ARTEFACTS = Path(os.environ.get("NESTAUTH_TEST_ARTEFACTS", Path(__file__).parent.parent / "test-artefacts"))
EMAIL, PASSWORD, NEW_PASSWORD = "web@example.com", "a long enough passphrase", "another long passphrase"

pytestmark = pytest.mark.parametrize("dialect", ["sqlite"], indirect=True)


def _have_browser() -> bool:
    return os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)


if not _have_browser() and os.environ.get("CI") != "true":  # in CI a missing browser is a failure
    pytest.skip("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)",
                allow_module_level=True)


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server(db, db_url) -> Iterator[str]:
    app = web_app.create_app(db_url, SETTINGS)
    httpd = make_server("127.0.0.1", 0, app, server_class=_Server, handler_class=_Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        nestauth_peewee.database.initialize(db)


@pytest.fixture
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def reset_codes() -> Iterator[list[str]]:
    """What the example's listener prints, caught the same way (a listener of otp_requested)."""
    codes: list[str] = []

    def catch(sender: Any, *, type: str, code: str, **_: Any) -> None:
        if type == "password_reset":
            codes.append(code)

    events.otp_requested.connect(catch)
    yield codes
    events.otp_requested.disconnect(catch)


class Journey:
    def __init__(self, driver: Any, base: str) -> None:
        self.driver, self.base, self.shots = driver, base, 0
        ARTEFACTS.mkdir(parents=True, exist_ok=True)

    def by_id(self, element_id: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.ID, element_id)

    def all(self, css: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def fill(self, **fields: str) -> None:
        for name, value in fields.items():
            box = self.by_id(name)
            box.clear()
            box.send_keys(value)

    def submit(self, button: str = "submit") -> None:
        self.click(self.by_id(button))

    def click(self, element: Any) -> None:
        """Click, then wait for the next page (a click returns before the navigation on a busy machine)."""
        self.navigating(lambda: element.click())

    def navigating(self, action: Any) -> None:
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.wait import WebDriverWait

        page = self.driver.find_element(By.TAG_NAME, "html")
        action()

        def left(_driver: Any) -> bool:
            # The old page is gone once its root node cannot be asked anything. ChromeDriver
            # reports that either as a stale element or, mid-navigation, as the generic
            # "Node with given id does not belong to the document": both mean the same here.
            try:
                page.is_enabled()
            except WebDriverException:
                return True
            return False

        WebDriverWait(self.driver, 30).until(left)
        WebDriverWait(self.driver, 30).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def path(self) -> str:
        return str(self.driver.current_url)[len(self.base):].split("?")[0]

    def shot(self, name: str) -> None:
        self.shots += 1
        self.driver.save_screenshot(str(ARTEFACTS / f"web-{self.shots:02d}-{name}.png"))

    def cookie(self, name: str) -> dict[str, Any] | None:
        return next((c for c in self.driver.get_cookies() if c["name"] == name), None)


def test_the_whole_journey_in_a_real_browser(server, browser, reset_codes, db):
    j = Journey(browser, server)

    # Sign up: signed in at once.
    j.open("/signup")
    j.shot("signup")
    j.fill(email=EMAIL, password=PASSWORD)
    j.submit()
    assert j.path() == "/account" and j.by_id("account-email").text == EMAIL
    j.shot("account")
    access = j.cookie("nestauth_access")
    assert access and access["httpOnly"] and access["secure"] and access["sameSite"] == "Strict"
    assert j.cookie("nestauth_refresh") is None  # path-scoped to /auth: the pages never see it
    csrf = j.cookie("nestauth_csrf")
    assert csrf and not csrf["httpOnly"]

    # Sign out, sign in with the password.
    j.submit("signout")
    assert j.path() == "/signin" and j.cookie("nestauth_access") is None
    j.shot("signin")
    j.fill(email=EMAIL, password=PASSWORD)
    j.submit()
    assert j.path() == "/account"

    # Enrol TOTP: read the secret off the page, type the current code.
    j.click(j.by_id("enrol"))
    assert j.by_id("qr").find_element("css selector", "svg")
    secret = j.by_id("totp-secret").text
    j.shot("enrol")
    totp = pyotp.TOTP(secret)
    j.fill(code=totp.now())
    j.submit()
    codes = [li.text for li in j.all("#recovery-codes li")]
    assert len(codes) == 10
    j.shot("recovery-codes")
    j.click(j.by_id("continue"))
    assert "is on" in j.by_id("mfa-status").text

    # Sign out and in with a code (the next step's: each code works once, and ±1 step is accepted).
    j.submit("signout")
    j.fill(email=EMAIL, password=PASSWORD)
    j.submit()
    assert j.path() == "/signin/code"
    j.shot("signin-code")
    j.fill(code=totp.at(time.time() + 30))
    j.submit()
    assert j.path() == "/account"

    # Revoke another session (another device signed in meanwhile).
    user = User.get(User.email == EMAIL)
    other = SessionService(SETTINGS).create(user.id, user_agent="Other device", device_name="phone")
    j.open("/sessions")
    rows = j.all("tr.session")
    assert len(rows) == 2
    j.shot("sessions")
    j.click(next(r for r in rows if r.get_attribute("data-session") == other.session.id.hex
                 ).find_element("css selector", "button.revoke"))
    assert j.path() == "/sessions" and len(j.all("tr.session")) == 1
    assert Session.get_or_none(Session.id == other.session.id) is None

    # A forged form (no CSRF token) is refused.
    j.navigating(lambda: browser.execute_script(
        "const f = document.createElement('form'); f.method = 'post'; f.action = '/sessions/revoke-all';"
        "document.body.appendChild(f); f.submit();"))
    assert "Refused" in browser.title
    assert Session.select().where(Session.user == user.id).count() == 1

    # Sign out everywhere.
    j.open("/sessions")
    j.submit("revoke-all")
    assert j.path() == "/signin"
    assert Session.select().where(Session.user == user.id).count() == 0

    # Reset the password with the printed code.
    j.click(j.by_id("forgot"))
    j.shot("reset")
    j.fill(email=EMAIL)
    j.submit()
    assert j.path() == "/reset/confirm" and len(reset_codes) == 1
    j.fill(code=reset_codes[0], new_password=NEW_PASSWORD)
    j.shot("reset-confirm")
    j.submit()
    assert j.path() == "/signin"

    # The old password is refused; the new one and a recovery code sign in.
    j.fill(email=EMAIL, password=PASSWORD)
    j.submit()
    assert j.path() == "/signin"
    j.shot("signin-refused")
    j.fill(email=EMAIL, password=NEW_PASSWORD)
    j.submit()
    assert j.path() == "/signin/code"
    j.fill(recovery_code=codes[0])
    j.submit()
    assert j.path() == "/account" and "9 recovery codes left" in j.by_id("mfa-status").text
    j.shot("account-after-reset")

    # An expired access cookie goes through the refresh route and back, rotating the refresh token.
    before = Session.get(Session.user == user.id).refresh_token_hash
    browser.delete_cookie("nestauth_access")
    j.open("/sessions")
    assert j.path() == "/sessions" and j.cookie("nestauth_access") is not None
    assert Session.get(Session.user == user.id).refresh_token_hash != before
    assert j.shots >= 10
