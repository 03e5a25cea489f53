"""Every state-changing request needs the CSRF token: forms and htmx alike."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.conftest import login, token


async def test_login_without_token_is_refused(client: AsyncTestClient) -> None:
    await client.get("/login")
    response = await client.post(
        "/login", data={"email": "regievoerder@alkmaar.demo", "password": "demo"}
    )
    assert response.status_code == 403
    assert "formulier is verlopen" in response.text


async def test_form_post_with_wrong_token_changes_nothing(client: AsyncTestClient) -> None:
    await login(client, "beheer@alkmaar.demo")
    response = await client.post(
        "/r/alkmaar/organisaties/nieuw",
        data={"name": "Sluiproute BV", "kind": "taalaanbieder", "_csrf_token": "wrong"},
    )
    assert response.status_code == 403
    listing = await client.get("/r/alkmaar/organisaties?zoek=Sluiproute")
    assert "Sluiproute BV" not in listing.text


async def test_htmx_header_token_is_accepted(client: AsyncTestClient) -> None:
    await login(client, "beheer@alkmaar.demo")
    csrf = await token(client)
    response = await client.post(
        "/r/alkmaar/organisaties/nieuw",
        data={"name": "Taalcafé Heiloo", "kind": "taalaanbieder"},
        headers={"x-csrftoken": csrf, "hx-request": "true"},
        follow_redirects=False,
    )
    assert response.status_code == 303


async def test_logout_needs_the_token(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    response = await client.post("/logout")
    assert response.status_code == 403
    assert (await client.get("/r/alkmaar/", follow_redirects=False)).status_code == 200
