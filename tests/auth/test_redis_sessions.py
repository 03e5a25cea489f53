"""With PORTAL_REDIS_URL set, sessions live in Redis and survive across app instances."""

from __future__ import annotations

import dataclasses

import pytest
from litestar.testing import AsyncTestClient

from portal.app import create_app
from portal.auth.sessions import SESSION_COOKIE
from portal.core.settings import Settings
from tests.conftest import REDIS_URL, login, require_redis


@pytest.mark.redis
async def test_session_in_redis_is_seen_by_a_second_web_process(demo: Settings) -> None:
    require_redis()
    settings = dataclasses.replace(demo, redis_url=REDIS_URL)
    async with AsyncTestClient(app=create_app(settings), base_url="http://127.0.0.1:8000") as first:
        await login(first, "regievoerder@alkmaar.demo")
        cookie = first.cookies.get(SESSION_COOKIE)
    async with AsyncTestClient(
        app=create_app(settings), base_url="http://127.0.0.1:8000"
    ) as second:
        second.cookies.set(SESSION_COOKIE, cookie)
        response = await second.get("/r/alkmaar/", follow_redirects=False)
        assert response.status_code == 200 and "Rachid Regie" in response.text
