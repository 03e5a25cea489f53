"""A CSRF token is bound to the session it was issued in, and in production its cookie (and the
session cookie) carry the `__Host-` prefix: Secure, Path=/, no Domain."""

from __future__ import annotations

import dataclasses

from litestar.testing import AsyncTestClient

from portal.app import create_app
from portal.core.settings import Settings
from tests.conftest import csrf_from, login, token


async def test_token_of_another_session_is_refused(client: AsyncTestClient) -> None:
    await login(client, "beheer@alkmaar.demo")
    first_session_token = await token(client)
    # The same person in a second session (same browser, same CSRF cookie): still not that
    # session's token.
    await login(client, "beheer@alkmaar.demo")
    response = await client.post(
        "/r/alkmaar/organisaties/nieuw",
        data={"name": "Leentoken BV", "kind": "taalaanbieder", "_csrf_token": first_session_token},
        follow_redirects=False,
    )
    assert response.status_code == 403
    response = await client.post(
        "/r/alkmaar/organisaties/nieuw",
        data={"name": "Leentoken BV", "kind": "taalaanbieder"},
        headers={"x-csrftoken": first_session_token, "hx-request": "true"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "Leentoken BV" not in (await client.get("/r/alkmaar/organisaties?zoek=Leentoken")).text
    # Its own token works.
    response = await client.post(
        "/r/alkmaar/organisaties/nieuw",
        data={"name": "Leentoken BV", "kind": "taalaanbieder", "_csrf_token": await token(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303


async def test_token_from_before_log_in_is_refused_after_it(client: AsyncTestClient) -> None:
    anonymous_token = csrf_from((await client.get("/login")).text)
    await login(client, "beheer@alkmaar.demo")
    response = await client.post(
        "/r/alkmaar/organisaties/nieuw",
        data={"name": "Oudtoken BV", "kind": "taalaanbieder", "_csrf_token": anonymous_token},
    )
    assert response.status_code == 403


async def test_an_attackers_own_log_in_token_does_not_fit_the_victims_form(
    client: AsyncTestClient, demo: Settings
) -> None:
    attacker_token = csrf_from((await client.get("/login")).text)
    client.cookies.clear()
    await client.get("/login")  # the victim's browser has its own CSRF cookie
    response = await client.post(
        "/login",
        data={"email": "beheer@alkmaar.demo", "password": "demo", "_csrf_token": attacker_token},
    )
    assert response.status_code == 403


async def test_production_cookies_carry_the_host_prefix(demo: Settings) -> None:
    settings = dataclasses.replace(demo, env="production", base_url="https://portaal.example.nl")
    app = create_app(settings)
    async with AsyncTestClient(app=app, base_url="https://127.0.0.1:8000") as client:
        page = await client.get("/login")
        csrf_cookie = next(
            value for name, value in page.headers.multi_items() if name == "set-cookie"
        )
        assert csrf_cookie.startswith("__Host-portal_csrf=")
        attributes = {part.strip().split("=")[0].lower() for part in csrf_cookie.split(";")}
        assert {"secure", "path", "httponly"} <= attributes and "domain" not in attributes
        assert "Path=/;" in csrf_cookie + ";"
        response = await login(client, "regievoerder@alkmaar.demo")
        session_cookie = next(
            value
            for name, value in response.headers.multi_items()
            if name == "set-cookie" and value.startswith("__Host-portal_session=")
        )
        assert "Secure" in session_cookie and "Domain" not in session_cookie
        assert (await client.get("/r/alkmaar/", follow_redirects=False)).status_code == 200
