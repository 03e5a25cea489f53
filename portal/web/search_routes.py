"""The one route every list's search form posts to (see portal/web/search.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Request, post
from litestar.exceptions import ValidationException
from litestar.params import FromPath
from litestar.response import Redirect

from portal.auth.guards import allow
from portal.core import bsn
from portal.web.search import FORM_FIELDS, LIST_PATH, SEARCH_PARAM, keep
from tenants.roles import MEMBERSHIP_ROLES


# Every role of a regio has a list with a search (tasks, organisations, the audit log...).
@post("/r/{slug:str}/zoeken", guards=[allow(*MEMBERSHIP_ROLES)], name="search")
async def search(request: Request, slug: FromPath[str]) -> Redirect:
    """Turn a posted search into the list's address with a token instead of the text."""
    form = await request.form()
    target = str(form.get("lijst", ""))
    if not LIST_PATH.fullmatch(target) or not target.startswith(f"/r/{slug}/"):
        raise ValidationException("search for an unknown list")
    text_fields = {str(name) for name in form.getall("_tekst")} if "_tekst" in form else set()
    texts: dict[str, str] = {}
    filters: list[tuple[str, str]] = []
    for name, value in form.multi_items():
        if name in FORM_FIELDS or not isinstance(value, str):
            continue
        # A BSN typed where the form expects none still stays out of the address.
        if name in text_fields or bsn.contains(value):
            if value.strip():
                texts[name] = value.strip()
        elif value:
            filters.append((name, value))
    if texts:
        filters.append((SEARCH_PARAM, keep(request, texts)))
    query = urlencode(filters)
    return Redirect(path=f"{target}?{query}" if query else target, status_code=303)


ROUTES = [search]
