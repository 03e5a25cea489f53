"""Searches whose text never reaches a URL.

A person may paste a BSN into any search field. A GET form would put it in the address bar,
the browser history, the access log and every pagination or export link. So the search form
of every list (the `search_form` macro, templates/macros/search.html) posts, with CSRF, to
one route, `/r/{regio}/zoeken` (portal/web/search_routes.py). That route keeps the free-text
fields in the person's server-side session under a short-lived opaque token (`keep`) and
sends the browser (303) to the list with `?zoek=<token>`; the list's other filters (choices,
dates, check boxes) travel in the query string as before. A list reads its text through
`read_search`, and its pagination and export links carry the token, never the text.
"""

from __future__ import annotations

import json
import re
import secrets
import string
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.exceptions import ValidationException

from portal.core import bsn
from portal.web.flash import flash
from portal.web.request_values import data_key

SEARCH_PARAM = "zoek"
# Letters only: a token can never look like a BSN to the guard on query strings.
SEARCH_PREFIX = "zk-"
_TOKEN_ALPHABET = string.ascii_letters
_TOKEN_LENGTH = 24
SESSION_KEY = "zoekopdrachten"
LIFETIME_SECONDS = 60 * 60
# Live search posts at every pause in typing; keep only the newest searches of a session.
MAX_KEPT = 20
MAX_TEXT = 200
# The fields of the search form itself, not filters of the list.
FORM_FIELDS = {"_csrf_token", "lijst", "_tekst"}
# A list of the regio the search was made in: no other site, no query of its own.
LIST_PATH = re.compile(r"/r/[a-z0-9-]+(?:/[a-z0-9_-]+)*/?")
EXPIRED = "Uw zoekopdracht is verlopen. Vul de zoekterm opnieuw in."


@dataclass(frozen=True)
class Search:
    """The free-text fields of a list's search, and how its links carry them."""

    texts: Mapping[str, str] = field(default_factory=dict)
    token: str = ""

    def text(self, name: str) -> str:
        """The text searched for in one field ('' when none)."""
        return self.texts.get(name, "")

    def link_params(self, **filters: str) -> dict[str, str]:
        """Query parameters for a link to this list with the same search (pagination,
        export): the other filters as they are, the text as its token."""
        carried = {SEARCH_PARAM: self.token} if self.token else dict(self.texts)
        return {key: value for key, value in {**filters, **carried}.items() if value}

    def query(self, **filters: str) -> str:
        """`link_params` as a query string (without '?')."""
        return urlencode(self.link_params(**filters))


def _session(request: Request) -> dict[str, Any] | None:
    session = request.scope.get("session")
    return session if isinstance(session, dict) else None


def _person_id(request: Request) -> int | None:
    auth = request.scope.get("auth")
    return getattr(auth, "person_id", None)


def _new_token() -> str:
    return SEARCH_PREFIX + "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(_TOKEN_LENGTH))


def keep(request: Request, texts: Mapping[str, str]) -> str:
    """Store the texts of a search for this person and return its opaque token."""
    session = _session(request)
    if session is None:
        raise ValidationException("no session to keep a search in")
    now = time.time()
    kept = {
        token: entry
        for token, entry in session.get(SESSION_KEY, {}).items()
        if entry.get("until", 0) > now
    }
    token = _new_token()
    # Sealed like a stored BSN: the session store (files or Redis) never holds one in clear.
    sealed = bsn.encrypt(
        json.dumps({name: text[:MAX_TEXT] for name, text in texts.items()}), data_key(request)
    )
    kept[token] = {"person": _person_id(request), "until": now + LIFETIME_SECONDS, "texts": sealed}
    newest = sorted(kept.items(), key=lambda item: item[1]["until"])[-MAX_KEPT:]
    session[SESSION_KEY] = dict(newest)
    return token


def read_search(request: Request, *fields: str) -> Search:
    """The free-text fields of a list's search, from the token in `?zoek=` when there is one.

    A link without a token (a tile on the start page, a link from another page) may name a
    text itself; the guard on query strings has already refused one that holds a BSN. An
    unknown or expired token, or one of another person, is no search; the person is told."""
    raw = request.query_params.get(SEARCH_PARAM, "")
    if not raw.startswith(SEARCH_PREFIX):
        return Search(texts={name: request.query_params.get(name, "") for name in fields})
    session = _session(request)
    entry = (session or {}).get(SESSION_KEY, {}).get(raw)
    if (
        not entry
        or entry.get("until", 0) <= time.time()
        or entry.get("person") != _person_id(request)
    ):
        flash(request, EXPIRED, "warning")
        return Search()
    stored = json.loads(bsn.decrypt(entry["texts"], data_key(request)))
    return Search(texts={name: stored.get(name, "") for name in fields}, token=raw)
