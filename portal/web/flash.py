"""One-time messages shown on the next page ("Opgeslagen."), kept in the session."""

from __future__ import annotations

from typing import Literal

from litestar.connection import ASGIConnection

Category = Literal["info", "ok", "warning", "error"]
KEY = "flash"


def flash(connection: ASGIConnection, message: str, category: Category = "ok") -> None:
    session = connection.scope.get("session")
    if isinstance(session, dict):
        session.setdefault(KEY, []).append({"category": category, "message": message})


def pop_flashes(connection: ASGIConnection) -> list[dict[str, str]]:
    session = connection.scope.get("session")
    if not isinstance(session, dict) or not session.get(KEY):
        return []
    return session.pop(KEY)
