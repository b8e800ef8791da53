"""One client over Flask's test client and WebTest, so a test runs the same requests on both frameworks.

Requests go to https://localhost, so the browser-style cookie jars keep and send ``Secure`` cookies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from webtest import TestApp


@dataclass
class Reply:
    status: int
    json: Any
    headers: list[tuple[str, str]]
    text: str

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def set_cookies(self) -> dict[str, str]:
        """``{cookie name: whole Set-Cookie value}``."""
        return {v.split("=", 1)[0]: v for k, v in self.headers if k.lower() == "set-cookie"}


class WsgiClient:
    def __init__(self, framework: str, app: Any, *, cookies: bool = True) -> None:
        """``cookies=False``: no cookie jar (send ``Cookie`` headers by hand)."""
        self.framework = framework
        self.app = app
        if framework == "flask":
            self._flask = app.test_client(use_cookies=cookies)
        else:
            self._webtest = TestApp(app)

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None, *,
             form: dict[str, str] | None = None, raw: bytes | None = None,
             content_type: str | None = None, environ: dict[str, str] | None = None) -> Reply:
        """``environ``: WSGI environment entries to add (``REMOTE_ADDR``...)."""
        headers = dict(headers or {})
        if form is not None:
            from urllib.parse import urlencode

            raw, content_type = urlencode(form).encode(), "application/x-www-form-urlencoded"
        elif raw is None and body is not None:
            raw, content_type = json.dumps(body).encode(), "application/json"
        if self.framework == "flask":
            response = self._flask.open(path, method=method, data=raw, content_type=content_type,
                                        headers=headers, base_url="https://localhost",
                                        **({"environ_base": environ} if environ else {}))
            return Reply(response.status_code, response.get_json(silent=True), list(response.headers.items()),
                         response.get_data(as_text=True))
        response = self._webtest.request("https://localhost" + path, method=method, headers=headers, expect_errors=True,
                                         body=raw or b"", content_type=content_type,
                                         **({"environ": environ} if environ else {}))
        try:
            payload = response.json if response.body else None
        except (ValueError, AttributeError):
            payload = None
        return Reply(response.status_int, payload, list(response.headerlist), response.text)

    def cookie(self, name: str, path: str = "/") -> str | None:
        """The value of a cookie the client holds for ``path`` (its own scope), or ``None``."""
        if self.framework == "flask":
            found = self._flask.get_cookie(name, domain="localhost", path=path)
            return None if found is None else found.value
        return next((c.value for c in self._webtest.cookiejar if c.name == name and c.path == path), None)
