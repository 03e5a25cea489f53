"""A session id planted before log-in must not survive it; log-out must end the session."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from portal.auth.sessions import SESSION_COOKIE
from tests.conftest import csrf_from, login, token


async def test_login_issues_a_new_session_id(client: AsyncTestClient) -> None:
    page = await client.get("/login")
    # An anonymous session exists (a flash, or an attacker's planted id).
    client.cookies.set(SESSION_COOKIE, "attacker-chosen-session-id")
    response = await client.post(
        "/login",
        data={
            "email": "regievoerder@alkmaar.demo",
            "password": "demo",
            "_csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    new_id = response.cookies.get(SESSION_COOKIE)
    assert new_id and new_id != "attacker-chosen-session-id"
    # The planted id gives no access.
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, "attacker-chosen-session-id")
    assert (await client.get("/r/alkmaar/", follow_redirects=False)).status_code == 303


async def test_session_id_changes_between_two_logins(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    first = client.cookies.get(SESSION_COOKIE)
    await login(client, "regievoerder@alkmaar.demo")
    assert client.cookies.get(SESSION_COOKIE) not in (None, first)


async def test_logout_ends_the_session_on_the_server(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    old_id = client.cookies.get(SESSION_COOKIE)
    response = await client.post(
        "/logout", data={"_csrf_token": await token(client)}, follow_redirects=False
    )
    assert response.status_code == 303
    # Replaying the old cookie after log-out gets the log-in page, not the regio.
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, old_id)
    response = await client.get("/r/alkmaar/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
