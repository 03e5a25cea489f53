"""Health of the parts the portal cannot work without: database and broker."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from portal.core import database
from portal.core.broker import broker_reachable
from portal.core.settings import Settings

CHECK_TIMEOUT = 3.0


@dataclass(frozen=True)
class HealthReport:
    database: str
    broker: str

    @property
    def ok(self) -> bool:
        return self.database == "ok" and self.broker == "ok"

    def as_dict(self) -> dict[str, str]:
        return {
            "status": "ok" if self.ok else "unavailable",
            "database": self.database,
            "broker": self.broker,
        }


async def check_health(settings: Settings) -> HealthReport:
    """Ask the database for `SELECT 1` and the broker for a connection, each time-boxed."""
    try:
        await asyncio.wait_for(database.ping(), CHECK_TIMEOUT)
        db_state = "ok"
    except Exception:
        db_state = "unavailable"
    try:
        broker_ok = await asyncio.wait_for(
            asyncio.to_thread(broker_reachable, settings), CHECK_TIMEOUT
        )
        broker_state = "ok" if broker_ok else "unavailable"
    except Exception:
        broker_state = "unavailable"
    return HealthReport(database=db_state, broker=broker_state)
