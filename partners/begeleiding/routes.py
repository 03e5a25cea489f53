"""Routes of the begeleiding package, mounted by portal/app.py."""

from __future__ import annotations

from typing import Any

# Controllers and route handlers of this package, in the order portal/app.py mounts them.
ROUTE_HANDLERS: list[Any] = []
