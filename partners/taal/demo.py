"""Demo data of the taal package, on top of the case-file demo (idempotent)."""

from __future__ import annotations

from datetime import date


async def seed(data_key: str, today: date) -> list[str]:
    """Create what is missing of this package's demo; returns a line per thing created."""
    return []
