"""What a route reads off a request: the actor's scope, the data key, a text field of a form.

One place for these, so every route reads them the same way."""

from __future__ import annotations

from typing import Any

from litestar import Request

from tenants.scope import Scope


def actor_scope(request: Request) -> Scope:
    """The scope the authenticated request acts in (set by the actor middleware)."""
    return request.scope["auth"]


def data_key(request: Request) -> str:
    """The key that encrypts BSNs and other sealed personal data."""
    return request.app.state.settings.data_key


def form_text(form: Any, name: str) -> str:
    """A text field of a submitted form, stripped; empty when missing or when a file was sent
    in its place."""
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""
