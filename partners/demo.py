"""The whole demo: the case-file demo of `portal.demo`, then each partner package's own."""

from __future__ import annotations

from datetime import date

from partners.begeleiding import demo as begeleiding_demo
from partners.coa import demo as coa_demo
from partners.taal import demo as taal_demo
from portal.demo import seed_demo


async def seed_all(data_key: str, today: date) -> list[str]:
    """Create what is missing of the demo (idempotent); returns a line per thing created."""
    created = await seed_demo(data_key, today)
    for package in (coa_demo, begeleiding_demo, taal_demo):
        created += await package.seed(data_key, today)
    return created
