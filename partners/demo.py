"""The whole demo: the case-file demo of `portal.demo`, then each partner package's own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from partners.begeleiding import demo as begeleiding_demo
from partners.coa import demo as coa_demo
from partners.convenants import demo as convenants_demo
from partners.taal import demo as taal_demo
from partners.taal import demo_history as taal_history
from portal.demo import seed_demo


async def seed_all(data_key: str, today: date, documents_root: Path | None = None) -> list[str]:
    """Create what is missing of the demo (idempotent); returns a line per thing created.
    Without a documents folder the demo attaches no documents."""
    created = await seed_demo(data_key, today)
    created += await coa_demo.seed(data_key, today, documents_root)
    for package in (begeleiding_demo, taal_demo, taal_history):
        created += await package.seed(data_key, today)
    created += await convenants_demo.seed(today, documents_root)
    return created
