"""A BSN never lands in a URL: not in an address, a redirect, a link, a form action or a log.

Every demo person walks the pages they can reach; every search form the app renders (a GET
form, or a form posting to the search route) gets a valid BSN in each of its text fields and
is submitted as a browser would, redirects followed. Every URL seen on the way (request URLs,
Location headers, every href/action/hx-* attribute of every answer) and every access-log line
is scanned for nine-digit numbers that pass the elfproef.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import unquote_plus, urljoin, urlsplit

import pytest
from litestar.testing import AsyncTestClient
from stdnum.nl import bsn as stdnum_bsn

from portal.core.settings import Settings
from portal.demo import LOGINS
from tests.conftest import csrf_from, login

BSN = "111222333"  # passes the elfproef; whether a case has it does not matter here
URL_ATTRIBUTES = {"href", "action", "src", "hx-get", "hx-post", "hx-put", "hx-push-url"}
TEXT_TYPES = {"text", "search", "tel", "email", "number", ""}
MAX_PAGES_PER_PERSON = 30
# Nine digits, maybe grouped, not part of a longer number or of a word; written independently
# of the app. A run of digits inside a hex token (a trace id, a CSRF token) is not a BSN a
# person typed, and one in nine of those passes the elfproef by chance.
NINE = re.compile(r"(?<![0-9A-Za-z])\d(?:[ .\-]?\d){8}(?![0-9A-Za-z])")


def bsns_in(text: str) -> list[str]:
    found = []
    for candidate in (text, unquote_plus(text)):
        for match in NINE.finditer(candidate):
            digits = re.sub(r"\D", "", match.group())
            if stdnum_bsn.is_valid(digits):
                found.append(digits)
    return found


class AccessLog(logging.Handler):
    """The lines of the portal's access log while a test runs (attached to the logger itself:
    the app's logging set-up may replace the root logger's handlers)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # The random hex trace id may hold nine digits in a row; it is not a URL.
        self.lines.append(re.sub(r" trace=[0-9a-f-]+$", "", record.getMessage()))


@pytest.fixture
def access_log() -> Iterator[AccessLog]:
    handler = AccessLog()
    logger = logging.getLogger("portal.access")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


class Form:
    def __init__(self, attrs: dict[str, str]) -> None:
        self.method = (attrs.get("method") or "get").lower()
        self.action = attrs.get("action") or ""
        self.fields: list[tuple[str, str, str]] = []  # (name, type, value)
        self.select: str | None = None


class Page(HTMLParser):
    """The URLs and the forms of one HTML answer."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.urls += [v for k, v in values.items() if k in URL_ATTRIBUTES and v]
        self.links += [v for k, v in values.items() if k in ("href", "hx-get") and v]
        if tag == "form":
            self._form = Form(values)
            self.forms.append(self._form)
        elif self._form is None or not values.get("name"):
            return
        elif tag == "input":
            kind = values.get("type", "").lower()
            if kind in ("checkbox", "radio") and "checked" not in values:
                return
            if kind in ("submit", "button", "file"):
                return
            self._form.fields.append((values["name"], kind, values.get("value", "")))
        elif tag == "textarea":
            self._form.fields.append((values["name"], "", ""))
        elif tag == "select":
            self._select = (values["name"], None)
        elif tag == "option" and self._select is not None:
            name, chosen = self._select
            if chosen is None or "selected" in values:
                self._select = (name, values.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, chosen = self._select
            self._form.fields.append((name, "select", chosen or ""))
            self._select = None


class Walk:
    """One person's requests, with every URL it met."""

    def __init__(self, client: AsyncTestClient, who: str) -> None:
        self.client = client
        self.who = who
        self.leaks: list[str] = []
        self.requests = 0

    def scan(self, where: str, url: str) -> None:
        if bsns_in(url):
            self.leaks.append(f"{self.who}: {where}: {url}")

    async def fetch(self, method: str, url: str, **kwargs: object) -> tuple[str, object]:
        """Send a request and follow redirects as a browser would, scanning every hop."""
        for _ in range(6):
            self.scan("request URL", url)
            self.requests += 1
            response = await self.client.request(method, url, follow_redirects=False, **kwargs)
            location = response.headers.get("location")
            for header in ("location", "hx-push-url", "hx-redirect", "hx-location"):
                if value := response.headers.get(header):
                    self.scan(f"{header} header of {url}", value)
            if response.status_code in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                method, kwargs = "GET", {}
                continue
            return url, response
        raise AssertionError(f"{self.who}: too many redirects at {url}")

    def parse(self, url: str, response: object) -> Page:
        page = Page()
        if "text/html" in response.headers.get("content-type", ""):  # type: ignore[attr-defined]
            page.feed(response.text)  # type: ignore[attr-defined]
        for found in page.urls:
            self.scan(f"link on {urlsplit(url).path}", found)
        return page


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def _worth_following(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return False
    return not parts.path.startswith(("/static/", "/logout")) and not parts.path.endswith(
        (".csv", ".pdf")
    )


async def _log_in(client: AsyncTestClient, email: str) -> None:
    response = await login(client, email)
    if response.headers["location"].startswith("/kies-rol"):
        page = await client.get("/kies-rol")
        choice = re.search(r'name="membership"[^>]*value="(\d+)"', page.text) or re.search(
            r'value="(\d+)"[^>]*name="membership"', page.text
        )
        assert choice, "no role to choose"
        await client.post(
            "/kies-rol",
            data={"membership": choice.group(1), "_csrf_token": csrf_from(page.text)},
            follow_redirects=False,
        )


def _filled(form: Form) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, kind, value in form.fields:
        data.setdefault(name, []).append(BSN if kind in TEXT_TYPES else value)
    return data


def _is_search(form: Form) -> bool:
    return form.method == "get" or form.action.rstrip("/").endswith("/zoeken")


async def test_a_bsn_typed_into_any_search_never_reaches_a_url_or_the_access_log(
    client: AsyncTestClient, access_log: AccessLog
) -> None:
    leaks, submitted, requests = await _walk_everyone(client)
    assert not leaks, "\n".join(leaks)
    # The walk met the search forms of the lists where a BSN is most likely pasted.
    for path in ("/r/alkmaar/inburgeraars", "/r/alkmaar/taken", "/r/alkmaar/auditlog"):
        assert any(s.startswith(path + " ") for s in submitted), f"no search form on {path}"
    lines = access_log.lines
    assert len(lines) >= requests
    assert not [line for line in lines if bsns_in(line)]


async def _walk_everyone(client: AsyncTestClient) -> tuple[list[str], set[str], int]:
    """Each demo person's pages and search forms; the leaks found, the forms sent, and the
    number of requests made."""
    leaks: list[str] = []
    submitted: set[str] = set()
    requests = 0
    for email, _, _ in LOGINS:
        client.cookies.clear()
        await _log_in(client, email)
        walk = Walk(client, email)
        seen: set[str] = set()
        forms: dict[str, tuple[str, Form]] = {}
        queue = deque(["/"])
        while queue and len(seen) < MAX_PAGES_PER_PERSON:
            url = queue.popleft()
            if _shape(url) in seen:
                continue
            seen.add(_shape(url))
            final, response = await walk.fetch("GET", url)
            page = walk.parse(final, response)
            for form in page.forms:
                if _is_search(form):
                    key = f"{form.method} {form.action} {[f[0] for f in form.fields]}"
                    forms.setdefault(key, (final, form))
            queue.extend(urljoin(final, u) for u in page.links if _worth_following(u))
        for key, (on_page, form) in forms.items():
            action = urljoin(on_page, form.action or on_page)
            data = _filled(form)
            if form.method == "get":
                final, response = await walk.fetch("GET", action, params=data)
            else:
                final, response = await walk.fetch("POST", action, data=data)
            assert response.status_code == 200, f"{email}: {key} answered {response.status_code}"
            walk.parse(final, response)
            submitted.add(f"{urlsplit(on_page).path} {form.method}")
        leaks += walk.leaks
        requests += walk.requests
    return leaks, submitted, requests


async def test_a_bsn_in_a_typed_address_is_refused_and_masked_in_the_access_log(
    client: AsyncTestClient, access_log: AccessLog
) -> None:
    anonymous = await client.get(f"/r/alkmaar/inburgeraars?zoek={BSN}", follow_redirects=False)
    # Not even the log-in redirect (?next=...) may echo it.
    assert anonymous.status_code == 400
    assert not bsns_in(anonymous.headers.get("location", "")) and BSN not in anonymous.text
    await login(client, "regievoerder@alkmaar.demo")
    for query in (f"zoek={BSN}", "zoek=111.222.333", "zoek=%31%311222333", f"pagina=1&x={BSN}"):
        response = await client.get(f"/r/alkmaar/inburgeraars?{query}", follow_redirects=False)
        assert response.status_code == 400, query
        assert "Een BSN hoort niet in een webadres" in response.text
        assert not bsns_in(response.text), query
    lines = access_log.lines
    refused = [line for line in lines if line.endswith('" 400')]
    assert len(refused) == 5
    assert all("*********" in line and not bsns_in(line) for line in refused)


async def test_a_search_keeps_its_text_server_side_for_the_person_and_its_links(
    client: AsyncTestClient, demo: Settings
) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    listing = await client.get("/r/alkmaar/inburgeraars")
    by_bsn = await client.post(
        "/r/alkmaar/zoeken",
        data={
            "lijst": "/r/alkmaar/inburgeraars",
            "_tekst": "zoek",
            "zoek": "999990019",
            "_csrf_token": csrf_from(listing.text),
        },
    )
    assert ">Haddad, " in by_bsn.text
    # Kept server-side, but sealed: the session store holds no BSN in clear either.
    stored = [p.read_bytes() for p in (demo.var_path / "store").rglob("*") if p.is_file()]
    assert stored and not [raw for raw in stored if b"999990019" in raw]
    response = await client.post(
        "/r/alkmaar/zoeken",
        data={
            "lijst": "/r/alkmaar/inburgeraars",
            "_tekst": "zoek",
            "zoek": "Haddad",
            "status": "",
            "leerroute": "B",
            "_csrf_token": csrf_from(listing.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert "Haddad" not in location and "leerroute=B" in location and "zoek=zk-" in location
    found = await client.get(location)
    assert ">Haddad, " in found.text
    token = re.search(r"zoek=(zk-[A-Za-z]+)", location).group(1)
    assert f"export.csv?leerroute=B&amp;zoek={token}" in found.text
    export = await client.get(f"/r/alkmaar/inburgeraars/export.csv?zoek={token}")
    assert "Haddad" in export.text

    # The token is the person's own: another person with it gets no search, and is told.
    client.cookies.clear()
    await login(client, "regievoerder@heiloo.demo")
    other = await client.get(f"/r/alkmaar/inburgeraars?zoek={token}")
    assert "Uw zoekopdracht is verlopen" in other.text

    # A list outside the regio (an open redirect) is refused.
    page = await client.get("/r/alkmaar/taken")
    outside = await client.post(
        "/r/alkmaar/zoeken",
        data={"lijst": "https://example.org/", "zoek": "x", "_csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert outside.status_code == 400
