"""/health tells monitoring whether the database and the broker answer."""

from __future__ import annotations

import dataclasses

from litestar.testing import AsyncTestClient

from portal.app import create_app
from portal.core.settings import Settings


async def test_health_is_ok_with_database_and_broker(client: AsyncTestClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


async def test_health_is_503_when_the_broker_is_down(db: Settings) -> None:
    # A Redis broker on a port where nothing listens.
    down = dataclasses.replace(db, broker_url="redis://127.0.0.1:1/0")
    async with AsyncTestClient(app=create_app(down)) as client:
        response = await client.get("/health")
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"


async def test_health_is_503_when_the_database_is_down(db: Settings) -> None:
    down = dataclasses.replace(db, database_url="postgresql://postgres@127.0.0.1:1/none")
    async with AsyncTestClient(app=create_app(down)) as client:
        response = await client.get("/health")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


async def test_app_with_a_connection_pool_serves_pages(db: Settings, engine_name: str) -> None:
    pooled = dataclasses.replace(db, database_pool_size=2)
    async with AsyncTestClient(app=create_app(pooled)) as client:
        assert (await client.get("/health")).json()["database"] == "ok"
        assert (await client.get("/login")).status_code == 200
