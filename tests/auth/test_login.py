"""Log-in as people experience it: right, wrong, slowed, switching roles, timing out."""

from __future__ import annotations

import json
import re
import time

from litestar.testing import AsyncTestClient

from portal.auth import actor as session_keys
from tests.conftest import csrf_from, login, token


async def _post_login(client: AsyncTestClient, email: str, password: str):
    page = await client.get("/login")
    return await client.post(
        "/login",
        data={"email": email, "password": password, "_csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )


async def test_regievoerder_lands_on_their_regio_with_header(client: AsyncTestClient) -> None:
    response = await login(client, "regievoerder@alkmaar.demo")
    assert response.headers["location"] == "/r/alkmaar/"
    home = await client.get("/r/alkmaar/")
    assert home.status_code == 200
    assert "Rachid Regie" in home.text
    assert "Gemeente Alkmaar" in home.text and "Regievoerder" in home.text
    assert 'lang="nl"' in home.text


async def test_wrong_password_gives_dutch_error_and_no_session(client: AsyncTestClient) -> None:
    response = await _post_login(client, "regievoerder@alkmaar.demo", "fout")
    assert response.status_code == 400
    assert "Het e-mailadres of het wachtwoord klopt niet." in response.text
    assert (await client.get("/r/alkmaar/", follow_redirects=False)).status_code == 303


async def test_unknown_email_gets_the_same_message(client: AsyncTestClient) -> None:
    response = await _post_login(client, "niemand@nergens.demo", "demo")
    assert response.status_code == 400
    assert "Het e-mailadres of het wachtwoord klopt niet." in response.text


async def test_person_with_two_regios_chooses_and_switches(client: AsyncTestClient) -> None:
    response = await login(client, "adviseur@regio.demo")
    assert response.headers["location"].startswith("/kies-rol")
    await login(client, "adviseur@regio.demo", choose="Regiobureau Zaanstreek-Waterland")
    home = await client.get("/r/zaanstreek/")
    assert "Regiobureau Zaanstreek-Waterland" in home.text and "Wissel van rol" in home.text
    # Opening the other regio's URL offers the switch instead of a dead end.
    response = await client.get("/r/alkmaar/organisaties", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/kies-rol?regio=alkmaar"


async def test_demo_passwords_refused_when_not_allowed(demo) -> None:
    from litestar.testing import AsyncTestClient as Client

    from portal.app import create_app
    from tests.conftest import Database, make_settings

    settings = make_settings(
        Database("strict", demo.database_url, demo.var_path), allow_demo_passwords=False
    )
    async with Client(app=create_app(settings), base_url="http://127.0.0.1:8000") as strict:
        response = await _post_login(strict, "regievoerder@alkmaar.demo", "demo")
        assert response.status_code == 400


async def test_idle_session_ends_with_a_dutch_message(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    # Age the server-side session past the idle limit, as 31 minutes without a request would.
    await _age_session(client, session_keys.SEEN_AT, 31 * 60)
    response = await client.get("/r/alkmaar/", follow_redirects=False)
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "niet actief" in page.text


async def test_deactivation_ends_existing_sessions(client: AsyncTestClient) -> None:
    # One client, two people: the docent's browser cookies are kept aside while the
    # beheerder works, then put back.
    await login(client, "docent@roc.alkmaar.demo")
    assert (await client.get("/r/alkmaar/")).status_code == 200
    docent_cookies = dict(client.cookies)
    client.cookies.clear()
    await login(client, "beheer@alkmaar.demo")
    people = await client.get("/r/alkmaar/personen?zoek=docent@roc")
    person_id = re.search(r"/r/alkmaar/personen/(\d+)", people.text).group(1)
    response = await client.post(
        f"/r/alkmaar/personen/{person_id}/deactiveren", data={"_csrf_token": await token(client)}
    )
    assert response.status_code == 200
    assert "Wie voor deze regio was ingelogd, is uitgelogd" in response.text
    client.cookies.clear()
    for name, value in docent_cookies.items():
        client.cookies.set(name, value)
    assert (await client.get("/r/alkmaar/", follow_redirects=False)).status_code == 303


async def test_htmx_request_without_session_gets_hx_redirect(client: AsyncTestClient) -> None:
    response = await client.get(
        "/r/alkmaar/organisaties", headers={"hx-request": "true"}, follow_redirects=False
    )
    assert response.headers.get("hx-redirect", "").startswith("/login")
    assert "<form" not in response.text


async def test_next_parameter_never_leaves_the_site(client: AsyncTestClient) -> None:
    page = await client.get("/login?next=https://evil.example/")
    assert "evil.example" not in page.text
    response = await client.post(
        "/login",
        data={
            "email": "regievoerder@alkmaar.demo",
            "password": "demo",
            "next": "//evil.example/",
            "_csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/r/alkmaar/"


async def _age_session(client: AsyncTestClient, key: str, seconds_ago: float) -> None:
    store = client.app.stores.get("sessions")
    session_id = client.cookies.get("portal_session")
    data = json.loads(await store.get(session_id))
    data[key] = time.time() - seconds_ago
    await store.set(session_id, json.dumps(data).encode())


async def test_session_ends_after_twelve_hours_even_when_active(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    await _age_session(client, session_keys.LOGIN_AT, 12 * 3600 + 60)
    response = await client.get("/r/alkmaar/", follow_redirects=False)
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "maximale tijd" in page.text


async def test_regio_can_shorten_the_idle_limit(client: AsyncTestClient) -> None:
    await login(client, "beheer@alkmaar.demo")
    too_long = await client.post(
        "/r/alkmaar/instellingen",
        data={"session_idle_minutes": "90", "_csrf_token": await token(client)},
    )
    assert (
        too_long.status_code == 400 and "langer dan de platforminstelling kan niet" in too_long.text
    )
    saved = await client.post(
        "/r/alkmaar/instellingen",
        data={"session_idle_minutes": "10", "_csrf_token": await token(client)},
    )
    assert saved.status_code == 200 and "opgeslagen" in saved.text
    await _age_session(client, session_keys.SEEN_AT, 11 * 60)
    response = await client.get("/r/alkmaar/", follow_redirects=False)
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "langer dan 10 minuten niet actief" in page.text
