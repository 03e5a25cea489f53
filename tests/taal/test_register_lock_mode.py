"""The learners' confirmation runs on the docent's logged-in tablet, so it is a locked mode:
while locked, the session reaches nothing but the confirmation screen, whatever URL is typed
or posted, until the docent unlocks it with their own password. Threats: a learner reading
other pages or other learners' data, or acting as the docent (saving, signing, logging out,
switching role), on the docent's open screen."""

from __future__ import annotations

import contextlib
import re

from litestar.testing import AsyncTestClient

from partners.taal import registers
from portal.auth import device_lock
from portal.auth.throttle import LoginThrottle, TooManyAttempts
from portal.demo_cases import demo_scope
from tenants.roles import Role
from tests.conftest import csrf_from, login

DOCENT = "docent@taal.alkmaar.demo"
CODES = {"Mansour": "246810", "Saleh": "135790", "Kovalenko": "112233", "Noorzai": "445566"}


async def _locked_lesson(client: AsyncTestClient) -> tuple[str, dict[str, str], str]:
    """Today's lesson with a saved register (Kovalenko absent), the screen locked. Returns the
    register's URL, family name -> enrolment id, and a CSRF token of the locked page."""
    await login(client, DOCENT)
    page = await client.get("/r/alkmaar/lessen")
    lesson = re.search(r'href="/r/alkmaar/lessen/(\d+)">NT2 B1 ochtend<', page.text).group(1)
    url = f"/r/alkmaar/lessen/{lesson}"
    page = await client.get(url)
    found = re.findall(
        r'name="learner_(\d+)".*?taal-register__name">\S+ ([^\s<]+)', page.text, flags=re.DOTALL
    )
    learners = {family: number for number, family in found}
    data = {"_csrf_token": csrf_from(page.text)}
    for family, number in learners.items():
        data[f"learner_{number}"] = "1"
        data[f"status_{number}"] = "ongeoorloofd" if family == "Kovalenko" else "aanwezig"
    assert (await client.post(url, data=data, follow_redirects=False)).status_code == 303
    page = await client.get(url)
    response = await client.post(
        f"{url}/vergrendelen", data={"_csrf_token": csrf_from(page.text)}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{url}/bevestigen"
    locked = await client.get(f"{url}/bevestigen")
    assert locked.status_code == 200
    return url, learners, csrf_from(locked.text)


async def _current_lines(url: str) -> dict[int, tuple[str, bool]]:
    docent = await demo_scope(DOCENT, Role.TAALAANBIEDER)
    lesson = await registers.load(docent, int(url.rsplit("/", 1)[1]))
    return {
        x["id"]: (x["line"]["status"], x["line"]["confirmed_at"] is not None)
        for x in lesson["learners"]
    }


async def test_while_locked_only_the_confirmation_screen_answers(client: AsyncTestClient) -> None:
    url, learners, csrf = await _locked_lesson(client)
    locked = await client.get(f"{url}/bevestigen")
    # No menu, no way out: every link on the page stays on the page (or is a static file).
    assert "Hoofdmenu" not in locked.text
    assert "Uitloggen" not in locked.text
    links = re.findall(r'href="([^"]+)"', locked.text)
    assert all(link.startswith(("#", "/static/")) for link in links), links
    # Only the names of present learners still to confirm: the absent one is not offered.
    options = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', locked.text)
    assert sorted(options) == ["Fatima Noorzai", "Omar Saleh", "Yara Mansour"]
    assert "Kovalenko" not in locked.text
    # The browser must not fill in the docent's saved password where a learner holds it.
    assert re.search(r'name="password" type="password"\s*autocomplete="new-password"', locked.text)
    # Any other page of the portal answers the locked page, not the page asked for.
    home = f"{url}/bevestigen"
    for path in (
        "/r/alkmaar/",
        "/r/alkmaar/lessen",
        url,
        "/r/alkmaar/cursisten",
        "/r/alkmaar/taken",
        "/r/alkmaar/groepen",
        "/kies-rol",
        "/account/wachtwoord",
        "/login",
        "/",
    ):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == home, path
        followed = await client.get(path)
        assert "Bevestig dat u er bent" in followed.text, path
    # An htmx request gets a client redirect to the locked page, never a fragment.
    response = await client.get("/r/alkmaar/cursisten", headers={"hx-request": "true"})
    assert response.headers.get("hx-redirect") == home
    assert response.text == ""
    # Posts elsewhere (save, sign, cancel, log out, switch role) are refused unrun.
    before = await _current_lines(url)
    everyone_absent = {"_csrf_token": csrf}
    for number in learners.values():
        everyone_absent[f"learner_{number}"] = "1"
        everyone_absent[f"status_{number}"] = "ongeoorloofd"
    for path, data in (
        (url, everyone_absent),
        (f"{url}/ondertekenen", {"_csrf_token": csrf}),
        (f"{url}/annuleren", {"_csrf_token": csrf, "cancel_reason": "x"}),
        ("/logout", {"_csrf_token": csrf}),
        ("/kies-rol", {"_csrf_token": csrf, "membership": "1"}),
    ):
        response = await client.post(path, data=data, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"{url}/bevestigen", path
    assert await _current_lines(url) == before
    docent = await demo_scope(DOCENT, Role.TAALAANBIEDER)
    lesson = await registers.load(docent, int(url.rsplit("/", 1)[1]))
    assert lesson["register_status"] == "opgeslagen"
    assert lesson["status"] == "gepland"
    # Still the same session, still locked: log-out did not run.
    assert (await client.get(f"{url}/bevestigen")).status_code == 200
    # What the screen is for: a learner confirms with their own code.
    response = await client.post(
        f"{url}/bevestigen",
        data={"enrolment": learners["Saleh"], "code": CODES["Saleh"], "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.headers["location"] == f"{url}/bevestigen"
    locked = await client.get(f"{url}/bevestigen")
    assert "Dank u, Omar Saleh." in locked.text
    assert "1 van 3 aanwezige cursisten hebben bevestigd" in locked.text
    assert "Omar Saleh</option>" not in locked.text
    assert (await _current_lines(url))[int(learners["Saleh"])] == ("aanwezig", True)


async def test_wrong_password_keeps_it_locked_right_password_unlocks_it(
    client: AsyncTestClient,
) -> None:
    url, learners, csrf = await _locked_lesson(client)
    response = await client.post(
        f"{url}/ontgrendelen", data={"password": "geraden", "_csrf_token": csrf}
    )
    assert response.status_code == 400
    assert "Dit wachtwoord klopt niet." in response.text
    response = await client.get("/r/alkmaar/cursisten", follow_redirects=False)
    assert response.headers["location"] == f"{url}/bevestigen"
    response = await client.post(
        f"{url}/ontgrendelen",
        data={"password": "demo", "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.headers["location"] == url
    response = await client.get("/r/alkmaar/cursisten", follow_redirects=False)
    assert response.status_code == 200
    assert "Hoofdmenu" in response.text
    # Unlocked, learners cannot confirm on the docent's open screen.
    response = await client.post(
        f"{url}/bevestigen",
        data={"enrolment": learners["Mansour"], "code": CODES["Mansour"], "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.headers["location"] == url
    assert (await _current_lines(url))[int(learners["Mansour"])] == ("aanwezig", False)
    # Without the lock, the confirmation page itself is not there either.
    response = await client.get(f"{url}/bevestigen", follow_redirects=False)
    assert response.headers["location"] == url


async def test_too_many_wrong_passwords_end_the_session(client: AsyncTestClient) -> None:
    url, _learners, csrf = await _locked_lesson(client)
    for _ in range(device_lock.MAX_UNLOCK_FAILURES - 1):
        response = await client.post(
            f"{url}/ontgrendelen", data={"password": "geraden", "_csrf_token": csrf}
        )
        assert response.status_code == 400
    response = await client.post(
        f"{url}/ontgrendelen",
        data={"password": "geraden", "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/login"
    # The session is over: neither the locked page nor any other page opens without log-in.
    for path in (f"{url}/bevestigen", "/r/alkmaar/cursisten"):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code in (302, 303, 401), path
        assert "Mansour" not in response.text


async def test_unlocking_is_throttled_like_log_in(client: AsyncTestClient) -> None:
    url, _learners, csrf = await _locked_lesson(client)
    # Someone has been guessing the docent's password from this address (the log-in
    # throttle's own counters): the locked screen asks to wait and checks no password.
    app = client.app
    throttle = LoginThrottle.from_settings(app.state.counters, app.state.settings)
    for _ in range(app.state.settings.login_free_failures + 1):
        with contextlib.suppress(TooManyAttempts):
            await throttle.attempt(DOCENT, "testclient")
    response = await client.post(
        f"{url}/ontgrendelen", data={"password": "demo", "_csrf_token": csrf}
    )
    assert response.status_code == 429
    assert "Te veel pogingen. Wacht" in response.text
    assert "Bevestig dat u er bent" in response.text and "Hoofdmenu" not in response.text
    response = await client.get("/r/alkmaar/cursisten", follow_redirects=False)
    assert response.headers["location"] == f"{url}/bevestigen"
