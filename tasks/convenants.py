"""The daily convenant job: store the values of periods that closed, note corrections of
earlier ones, and mark convenants whose end date passed verlopen, for every regio."""

from __future__ import annotations

from dataclasses import dataclass

from partners.convenants import signing, snapshots
from portal.core.clock import today
from tasks import runtime
from tasks.celery_app import app
from tenants import accounts
from tenants.scope import Scope


@dataclass(frozen=True)
class Closed:
    stored: int = 0
    corrected: int = 0
    expired: int = 0


async def close_all() -> Closed:
    """Each regio in its own system scope: expire, then store the closed periods."""
    day = today()
    stored = corrected = expired = 0
    for regio in await accounts.all_regios():
        scope = Scope.system(regio["id"], regio["slug"], "close-periods")
        expired += await signing.expire(scope, day)
        result = await snapshots.close_periods(scope, day)
        stored += result.stored
        corrected += result.corrected
    return Closed(stored, corrected, expired)


@app.task(name="portal.convenants.close_periods")
def close_periods() -> dict[str, int]:
    """Run the daily close; returns the counts (for the worker's log)."""
    return runtime.run(close_all()).__dict__
