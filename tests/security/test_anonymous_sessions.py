"""An anonymous client cannot make the server keep anything: no session per request (each one
used to be a file or Redis key kept 12 hours), and a planted cookie creates nothing either."""

from __future__ import annotations

from pathlib import Path

from litestar.testing import AsyncTestClient

from portal.auth.sessions import SESSION_COOKIE
from portal.core.settings import Settings
from tests.conftest import csrf_from, login


def _session_files(settings: Settings) -> list[Path]:
    folder = settings.var_path / "store" / "sessions"
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


async def test_anonymous_requests_create_no_session(
    client: AsyncTestClient, demo: Settings
) -> None:
    for number in range(12):
        client.cookies.clear()
        if number % 4 == 3:
            # A cookie made up by the client is no reason to store anything either.
            client.cookies.set(SESSION_COOKIE, f"verzonnen-{number}")
        for path in ("/login", "/", "/r/alkmaar/", "/health", "/kies-rol", "/bestaat-niet"):
            response = await client.get(path, follow_redirects=False)
            assert SESSION_COOKIE not in response.cookies, path
        if number % 3:
            continue
        page = await client.get("/login")
        wrong = await client.post(
            "/login",
            data={
                "email": f"niemand{number}@x.demo",
                "password": "fout",
                "_csrf_token": csrf_from(page.text),
            },
        )
        assert wrong.status_code == 400
    assert _session_files(demo) == []


async def test_log_in_makes_one_session_and_log_out_removes_it(
    client: AsyncTestClient, demo: Settings
) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    assert len(_session_files(demo)) == 1
    page = await client.get("/r/alkmaar/")
    response = await client.post(
        "/logout", data={"_csrf_token": csrf_from(page.text)}, follow_redirects=False
    )
    assert response.status_code == 303
    await client.get("/login")
    assert _session_files(demo) == []
