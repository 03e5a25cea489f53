"""Maatschappelijke begeleiding through the web: the begeleider takes a begeleiding on, works
the checklist (with and without htmx), records contact, closes with a report; the regievoerder
sees it on the case."""

from __future__ import annotations

import re
from datetime import timedelta

from litestar.testing import AsyncTestClient

from portal.core.clock import today
from tests.begeleiding.conftest import BEA, scalar
from tests.conftest import csrf_from, login, token

TODAY = today()
HTMX = {"hx-request": "true"}


async def _take(client: AsyncTestClient, task: int, person: int) -> None:
    overview = await client.get("/r/alkmaar/begeleiding")
    response = await client.post(
        f"/r/alkmaar/begeleiding/taken/{task}/begeleider",
        data={"person": str(person), "_csrf_token": csrf_from(overview.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


async def test_overview_shows_own_and_unnamed_work(
    ids: dict[str, int], client: AsyncTestClient
) -> None:
    await login(client, BEA)
    page = await client.get("/r/alkmaar/begeleiding")
    assert page.status_code == 200
    assert 'aria-current="page"' in page.text and "Mijn begeleidingen" in page.text
    mine, unnamed = page.text.split('id="nog-toewijzen"')
    assert "Amina Haddad" in mine and "Layla Ahmadi" in mine
    assert "4 van 11 geregeld" in mine
    assert "Tesfalem Gebre" in unnamed and "Tesfalem Gebre" not in mine
    # The colleague is offered for naming, next to "Ik neem deze".
    assert "Ik neem deze" in unnamed and "Cas Collega" in unnamed
    assert "of wijs een collega aan" in unnamed


async def test_begeleider_hands_own_work_to_a_colleague_from_its_page(
    ids: dict[str, int], client: AsyncTestClient
) -> None:
    await login(client, BEA)
    for url in (
        f"/r/alkmaar/begeleiding/{ids['haddad_begeleiding']}",
        f"/r/alkmaar/begeleiding/pvt/{ids['haddad_pvt']}",
    ):
        page = await client.get(url)
        section = page.text.split('id="overdragen"', 1)[1].split("</section>", 1)[0]
        task = url.rsplit("/", 1)[1]
        assert f'action="/r/alkmaar/begeleiding/taken/{task}/begeleider"' in section
        options = re.findall(r'<option value="(\d+)">([^<]+)</option>', section)
        assert options == [(str(ids["collega"]), "Cas Collega")], "only colleagues, not oneself"
    handed = await client.post(
        f"/r/alkmaar/begeleiding/taken/{ids['haddad_pvt']}/begeleider",
        data={"person": str(ids["collega"]), "_csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert handed.status_code == 303
    assert (await client.get(f"/r/alkmaar/begeleiding/pvt/{ids['haddad_pvt']}")).status_code == 404


async def test_without_a_colleague_nothing_promises_naming_one(client: AsyncTestClient) -> None:
    await login(client, BEA)
    overview = await client.get("/r/alkmaar/begeleiding")
    assert "of wijs een collega aan" not in overview.text
    assert "Een collega aanwijzen kan zodra er een tweede begeleider" in overview.text
    mine = re.search(r'href="(/r/alkmaar/begeleiding/\d+)"', overview.text).group(1)
    page = await client.get(mine)
    assert "Er is nog geen andere begeleider bij VluchtelingenWerk Noord-Holland" in page.text


async def test_start_page_counts_own_and_waiting_work(
    ids: dict[str, int], client: AsyncTestClient
) -> None:
    await login(client, BEA)
    home = await client.get("/r/alkmaar/")
    # Haddad's begeleiding and PVT, Ahmadi's begeleiding; Gebre's two and Ahmadi's PVT wait.
    assert re.search(
        r"Mijn lopende begeleidingen</a></h3>\s*<p class=\"portal-card__figure\">3<", home.text
    )
    assert re.search(
        r"Wachten op een begeleider</a></h3>\s*<p class=\"portal-card__figure\">3<", home.text
    )
    client.cookies.clear()
    await login(client, "regievoerder@alkmaar.demo")
    assert "Wachten op een begeleider" not in (await client.get("/r/alkmaar/")).text


async def test_begeleider_works_the_checklist_and_closes_with_a_report(
    ids: dict[str, int], client: AsyncTestClient
) -> None:
    await login(client, BEA)
    task = ids["gebre_begeleiding"]
    await _take(client, task, ids["bea"])
    overview = await client.get("/r/alkmaar/begeleiding")
    assert "Tesfalem Gebre" in overview.text.split('id="nog-toewijzen"')[0]

    url = f"/r/alkmaar/begeleiding/{task}"
    page = await client.get(url)
    assert page.status_code == 200
    assert "Begeleiding Tesfalem Gebre" in page.text
    for shown in ("06 23456789", "Tigrinya", "tolk nodig", "Gemeente Alkmaar", "Rachid Regie"):
        assert shown in page.text
    assert "999990378" not in page.text and "BSN" not in page.text
    assert "0 van 11 punten geregeld" in page.text
    csrf = csrf_from(page.text)

    # With htmx: the item comes back on its own, saved.
    saved = await client.post(
        f"{url}/checklist",
        data={
            "item": "bank",
            "status": "geregeld",
            "done_on": TODAY.isoformat(),
            "notes": "ING",
            "_csrf_token": csrf,
        },
        headers=HTMX,
    )
    assert saved.status_code == 200
    assert saved.text.lstrip().startswith('<li class="portal-checklist__item" id="punt-bank"')
    assert "Opgeslagen." in saved.text and "Geregeld" in saved.text and 'value="ING"' in saved.text
    assert "<html" not in saved.text

    # A wrong date comes back in the item with htmx, and as a page with a summary without.
    wrong = {"item": "huisarts", "status": "bezig", "done_on": "31-02-2026", "_csrf_token": csrf}
    refused = await client.post(f"{url}/checklist", data=wrong, headers=HTMX)
    assert refused.status_code == 200 and "Vul de datum in als dd-mm-jjjj." in refused.text
    assert 'value="31-02-2026"' in refused.text
    refused = await client.post(f"{url}/checklist", data=wrong)
    assert refused.status_code == 400 and 'id="foutmeldingen"' in refused.text
    future = (TODAY + timedelta(days=3)).isoformat()
    refused = await client.post(
        f"{url}/checklist",
        data={"item": "huisarts", "status": "geregeld", "done_on": future, "_csrf_token": csrf},
    )
    assert refused.status_code == 400 and "geen datum in de toekomst" in refused.text

    # Without JS: the same form, a redirect back to the item.
    plain = await client.post(
        f"{url}/checklist",
        data={"item": "school", "status": "niet_nodig", "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert plain.status_code == 303 and plain.headers["location"].endswith("#punt-school")
    assert "2 van 11 punten geregeld" in (await client.get(url)).text

    # Contact moments: not in the future, kind required.
    refused = await client.post(
        f"{url}/contactmomenten",
        data={"held_on": future, "kind": "", "_csrf_token": csrf},
    )
    assert refused.status_code == 400
    assert (
        "kan niet in de toekomst liggen" in refused.text
        and "Kies het soort contact" in refused.text
    )
    added = await client.post(
        f"{url}/contactmomenten",
        data={
            "held_on": TODAY.isoformat(),
            "kind": "huisbezoek",
            "note": "Post",
            "_csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    page = await client.get(url)
    assert "1 contactmoment<" in page.text and "Huisbezoek" in page.text

    # The closing report ends the begeleiding and completes the PIP task.
    short = await client.post(f"{url}/afsluiten", data={"report": "Klaar.", "_csrf_token": csrf})
    assert short.status_code == 400 and "Schrijf een eindverslag" in short.text
    report = "Woning, bank en school geregeld. Huisarts loopt nog; graag vinger aan de pols."
    # Closing cannot be undone: first a summary and "Weet u het zeker?", nothing closed yet.
    summary = await client.post(f"{url}/afsluiten", data={"report": report, "_csrf_token": csrf})
    assert summary.status_code == 200 and "Weet u het zeker?" in summary.text
    assert "2 van 11 punten geregeld" in summary.text and report in summary.text
    assert "Huisarts en tandarts: nog te doen" in summary.text
    assert "1 contactmoment, het laatste op" in summary.text
    assert await scalar(f"SELECT status FROM pip_task WHERE id = {task}") != "afgerond"  # noqa: S608
    back = await client.post(
        f"{url}/afsluiten", data={"report": report, "stap": "wijzigen", "_csrf_token": csrf}
    )
    assert back.status_code == 200 and f">{report}</textarea>" in back.text
    assert await scalar(f"SELECT status FROM pip_task WHERE id = {task}") != "afgerond"  # noqa: S608
    closed = await client.post(
        f"{url}/afsluiten",
        data={"report": report, "stap": "bevestigd", "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    page = await client.get(url)
    assert "Afgesloten op" in page.text and report in page.text
    assert f"{url}/checklist" not in page.text and "Contactmoment vastleggen" not in page.text
    assert await scalar(f"SELECT status FROM pip_task WHERE id = {task}") == "afgerond"  # noqa: S608
    thread = await client.get(f"/r/alkmaar/taken/{task}")
    assert "Eindverslag maatschappelijke begeleiding (2 van 11 punten geregeld)" in thread.text
    assert "Begeleider: Bea Begeleider." in thread.text

    late = await client.post(
        f"{url}/checklist", data={"item": "bank", "status": "open", "_csrf_token": csrf}
    )
    assert late.status_code == 400 and "afgesloten" in late.text
    # With htmx (a tab left open): the browser is sent to the page, which says why.
    late = await client.post(
        f"{url}/checklist",
        data={"item": "bank", "status": "open", "_csrf_token": csrf},
        headers=HTMX,
    )
    assert late.headers["hx-redirect"] == url
    assert "afgesloten en kan niet meer" in (await client.get(url)).text

    # The regievoerder sees the report, the progress and the count, not the contact note.
    client.cookies.clear()
    await login(client, "regievoerder@alkmaar.demo")
    case = await client.get(f"/r/alkmaar/inburgeraars/{ids['gebre']}")
    assert f"/r/alkmaar/inburgeraars/{ids['gebre']}/begeleiding" in case.text
    assert "Bea Begeleider is begeleider" not in case.text  # the thread says it, not the timeline
    assert "Taak ‘Maatschappelijke begeleiding: eerste gesprek’: afgerond" in case.text
    panel = await client.get(f"/r/alkmaar/inburgeraars/{ids['gebre']}/begeleiding", headers=HTMX)
    assert panel.status_code == 200 and "<html" not in panel.text
    for shown in ("2 van 11 punten geregeld", "begeleider Bea Begeleider", report, "Afgerond"):
        assert shown in panel.text
    assert re.search(r"Contactmomenten</dt><dd>1 · laatste [\d-]+ \(huisbezoek\)", panel.text)
    assert "Post" not in panel.text
    full = await client.get(f"/r/alkmaar/inburgeraars/{ids['gebre']}/begeleiding")
    assert "<html" in full.text and "Terug naar het dossier" in full.text


async def test_pvt_workshops_and_verklaring_close_the_pvt_task(
    ids: dict[str, int], client: AsyncTestClient
) -> None:
    await login(client, BEA)
    task = ids["gebre_pvt"]
    await _take(client, task, ids["bea"])
    url = f"/r/alkmaar/begeleiding/pvt/{task}"
    page = await client.get(url)
    assert page.status_code == 200 and "Participatieverklaring Tesfalem Gebre" in page.text
    csrf = csrf_from(page.text)
    future = (TODAY + timedelta(days=7)).isoformat()
    past = (TODAY - timedelta(days=2)).isoformat()

    refused = await client.post(f"{url}/workshops", data={"title": "", "_csrf_token": csrf})
    assert refused.status_code == 400 and "het onderwerp van de workshop" in refused.text
    for title, when in (("Participatie", future), ("Vrijheid", past)):
        added = await client.post(
            f"{url}/workshops",
            data={"title": title, "planned_on": when, "_csrf_token": csrf},
            follow_redirects=False,
        )
        assert added.status_code == 303
    page = await client.get(url)
    workshops = dict(
        (title, int(wid))
        for wid, title in re.findall(
            r'name="workshop" value="(\d+)">\s*<label[^>]*>Aanwezigheid (\w+)', page.text
        )
    )

    signed = await client.post(
        f"{url}/verklaring", data={"verklaring_on": TODAY.isoformat(), "_csrf_token": csrf}
    )
    assert signed.status_code == 400 and "Registreer eerst de gevolgde workshops" in signed.text
    early = await client.post(
        f"{url}/aanwezigheid",
        data={"workshop": workshops["Participatie"], "attendance": "aanwezig", "_csrf_token": csrf},
    )
    assert early.status_code == 400 and "nog niet geweest" in early.text
    attended = await client.post(
        f"{url}/aanwezigheid",
        data={"workshop": workshops["Vrijheid"], "attendance": "aanwezig", "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert attended.status_code == 303
    # A workshop id of another PVT (Haddad's) is not found.
    other = await scalar(
        "SELECT id FROM pvt_workshop WHERE title = 'Participatie' ORDER BY id LIMIT 1"
    )
    foreign = await client.post(
        f"{url}/aanwezigheid",
        data={"workshop": other, "attendance": "afwezig", "_csrf_token": csrf},
    )
    assert foreign.status_code == 404
    in_future = await client.post(
        f"{url}/verklaring", data={"verklaring_on": future, "_csrf_token": csrf}
    )
    assert in_future.status_code == 400 and "niet in de toekomst" in in_future.text
    # "Participatie" is still planned: the page warns, and signing needs an explicit yes.
    page = await client.get(url)
    assert "er staat nog 1 workshop op gepland (Participatie" in page.text
    warned = await client.post(
        f"{url}/verklaring", data={"verklaring_on": TODAY.isoformat(), "_csrf_token": csrf}
    )
    assert warned.status_code == 400
    assert "Er staat nog een workshop gepland: Participatie" in warned.text
    assert await scalar(f"SELECT status FROM pip_task WHERE id = {task}") != "afgerond"  # noqa: S608
    done = await client.post(
        f"{url}/verklaring",
        data={"verklaring_on": TODAY.isoformat(), "planned_confirmed": "ja", "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert await scalar(f"SELECT status FROM pip_task WHERE id = {task}") == "afgerond"  # noqa: S608
    page = await client.get(url)
    assert "De participatieverklaring is ondertekend op" in page.text
    assert f"{url}/verklaring" not in page.text

    client.cookies.clear()
    await login(client, "regievoerder@alkmaar.demo")
    panel = await client.get(f"/r/alkmaar/inburgeraars/{ids['gebre']}/begeleiding", headers=HTMX)
    assert "1 van 2 gevolgd" in panel.text and "Verklaring ondertekend</dt><dd>" in panel.text
    assert re.search(r"Verklaring ondertekend</dt><dd>\d+ \w+ \d{4}</dd>", panel.text)
    thread = await client.get(f"/r/alkmaar/taken/{task}")
    assert (
        "Participatieverklaring ondertekend op" in thread.text
        and "1 van 2 workshops gevolgd, 1 nog gepland." in thread.text
    )


async def test_the_demo_shows_haddads_progress_to_the_regievoerder(
    ids: dict[str, int], client: AsyncTestClient
) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    panel = await client.get(f"/r/alkmaar/inburgeraars/{ids['haddad']}/begeleiding", headers=HTMX)
    assert panel.status_code == 200
    assert "4 van 11 punten geregeld" in panel.text
    assert re.search(r"Contactmomenten</dt><dd>3 · laatste [\d-]+ \(telefoon\)", panel.text)
    assert "1 van 2 gevolgd" in panel.text and "nog niet" in panel.text
    assert "Afspraak bank bevestigd." not in panel.text  # a contact note stays with VWN
    assert "Sleutels ontvangen, huurcontract getekend." in panel.text  # checklist notes show


async def test_generic_task_page_cannot_close_work_that_has_its_own_closing(
    client: AsyncTestClient,
) -> None:
    """A begeleiding is done with its closing report, not with a status on the task page."""
    await login(client, "begeleider@alkmaar.demo")
    overview = (await client.get("/r/alkmaar/begeleiding")).text
    task_id = re.search(r'href="/r/alkmaar/begeleiding/(\d+)">Amina Haddad', overview).group(1)
    csrf = await token(client)
    refused = await client.post(
        f"/r/alkmaar/taken/{task_id}/voortgang",
        data={"text": "Klaar", "status": "afgerond", "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert refused.status_code == 400
    assert "eindverslag" in refused.text
    page = (await client.get(f"/r/alkmaar/taken/{task_id}")).text
    assert "Afgerond" not in re.sub(r"<option[^>]*>[^<]*</option>", "", page)
    # Other messages on the thread still work.
    allowed = await client.post(
        f"/r/alkmaar/taken/{task_id}/voortgang",
        data={"text": "Huisbezoek gepland", "status": "", "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert allowed.status_code == 303
