"""Issue 5's "Done when" in a real browser: the docent opens today's lesson, marks one late
and one unexcused absence, two learners confirm with their own code, the docent signs; the
third unexcused absence gives the regievoerder exactly one verzuim signal; the docent files a
voortgangsrapportage and the regievoerder reads it on the case.

Every page is checked with axe (WCAG 2.1 A and AA) and for console errors; screenshots are
numbered in the order the pages were seen (test-artifacts/e2e/). The learners confirm on the
locked screen, which no other URL of the session gets past.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.test_casefile_flow import log_in, menu, person

if TYPE_CHECKING:
    from tests.e2e.conftest import Audit, LiveServer

pytestmark = pytest.mark.e2e

DOCENT = "docent@taal.alkmaar.demo"
REGIEVOERDER = "regievoerder@alkmaar.demo"
# The demo's personal codes (docs/taal.md).
CODES = {"Yara Mansour": "246810", "Omar Saleh": "135790"}


def learner(page: Page, name: str):
    return page.get_by_role("group", name=re.compile(re.escape(name)))


async def test_register_verzuim_and_report(
    page: Page, audit: Audit, browser: Browser, live_server: LiveServer
) -> None:
    # --- 1. The docent opens today's lesson from "Lessen".
    await log_in(page, audit, DOCENT)
    await menu(page).get_by_role("link", name="Lessen").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mijn lessen vandaag")
    await audit.check("docent-lessons-today")
    # Today's lesson comes first; past registers still to fill in or sign are listed below.
    await page.get_by_role("link", name="NT2 B1 ochtend").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Presentielijst NT2 B1 ochtend")
    await audit.check("docent-register-empty")

    # "Iedereen aanwezig" in one click, then the exceptions.
    await page.get_by_role("button", name="Iedereen aanwezig").click()
    await expect(page.get_by_role("status").first).to_contain_text("Iedereen staat op aanwezig")
    fatima = learner(page, "Fatima Noorzai")
    await fatima.get_by_label("Te laat", exact=True).check()
    await fatima.get_by_label("Minuten te laat").fill("10")
    await learner(page, "Lina Kovalenko").get_by_label("Afwezig, ongeoorloofd").check()
    await page.get_by_role("button", name="Presentielijst opslaan").click()
    await expect(page.get_by_role("status").first).to_contain_text(
        "De presentielijst is opgeslagen (2 regels gewijzigd)."
    )
    await expect(
        learner(page, "Fatima Noorzai").get_by_label("Te laat", exact=True)
    ).to_be_checked()
    await audit.check("docent-register-saved")

    # --- 2. The docent locks the screen; two learners confirm with their own code.
    await page.get_by_role("button", name="Start bevestigen door cursisten").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Bevestig dat u er bent")
    await expect(page.get_by_role("navigation")).to_have_count(0)
    await audit.check("learners-locked-confirmation")
    for name, code in CODES.items():
        await page.get_by_label("Uw naam").select_option(label=name)
        await page.get_by_label("Uw persoonlijke code").fill(code)
        await page.get_by_role("button", name="Bevestig mijn aanwezigheid").click()
        await expect(page.get_by_role("status").first).to_contain_text(
            f"Dank u, {name}. Uw aanwezigheid is bevestigd."
        )
    # Lina was absent: only the three present learners are counted.
    await expect(page.locator("main")).to_contain_text(
        "2 van 3 aanwezige cursisten hebben bevestigd"
    )
    await audit.check("learners-confirmed-locked")
    # Any other page of the portal answers the locked screen.
    await page.goto(f"{live_server.url}/r/alkmaar/cursisten")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Bevestig dat u er bent")
    await page.get_by_label("Wachtwoord van de docent").fill("demo")
    await page.get_by_role("button", name="Scherm ontgrendelen").click()
    await expect(page.get_by_role("status").first).to_contain_text("Het scherm is ontgrendeld.")
    await expect(page.locator(".portal-details")).to_contain_text(
        "2 van 3 aanwezige cursisten hebben bevestigd"
    )
    for name in CODES:
        await expect(learner(page, name)).to_contain_text("Bevestigd door cursist")
    await audit.check("docent-register-confirmed")

    # --- 3. The docent signs; Lina's third unexcused absence raises one signal.
    await page.get_by_role("button", name="Presentielijst ondertekenen").click()
    await expect(page.get_by_role("status").first).to_contain_text(
        "Er is 1 verzuimsignaal naar de gemeente gestuurd."
    )
    await expect(page.locator(".portal-details")).to_contain_text("Ondertekend door Dirk Docent")
    await audit.check("docent-register-signed")

    # --- 4. The docent files a voortgangsrapportage for Yara Mansour.
    await menu(page).get_by_role("link", name="Cursisten").click()
    await audit.check("docent-learners")
    await page.get_by_role("link", name="Yara Mansour").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Yara Mansour")
    report_form = page.locator("form[action$='/rapportages']")
    for skill, level in (
        ("lezen", "A2"),
        ("luisteren", "A2"),
        ("spreken", "A1"),
        ("schrijven", "A2"),
        ("KNM", "A1"),
    ):
        await report_form.get_by_label(f"Niveau {skill}").select_option(level)
    await report_form.get_by_label("Advies").select_option(label="Op schema")
    await report_form.get_by_label("Opmerkingen").fill("Schrijft nu korte e-mails zelfstandig.")
    await audit.check("docent-report-form")
    await report_form.get_by_role("button", name="Rapportage indienen").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Voortgangsrapportage: Yara Mansour"
    )
    await audit.check("docent-report-filed")

    # --- The school's other pages: groups and rooster, the attendance import.
    await menu(page).get_by_role("link", name="Groepen").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Groepen")
    await audit.check("docent-groups")
    await page.get_by_role("link", name="NT2 B1 ochtend").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Groep NT2 B1 ochtend")
    await expect(page.locator("main")).to_contain_text("Elke maandag van 09:00 tot 12:00")
    await audit.check("docent-group")
    await menu(page).get_by_role("link", name="Lessen").click()
    await page.get_by_role("link", name=re.compile("Aanwezigheid inlezen")).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Aanwezigheid inlezen")
    await audit.check("docent-import")

    # --- 5. The regievoerder: exactly one verzuim signal for Lina, and Amina's report.
    async with person(browser, live_server, audit, REGIEVOERDER, "regie") as regie:
        await menu(regie).get_by_role("link", name="Mijn taken").click()
        await regie.get_by_label("Zoek op naam of taak").fill("Kovalenko")
        await regie.get_by_role("button", name="Filteren").click()
        signals = regie.get_by_role("row").filter(has_text="Verzuimsignaal")
        await expect(signals).to_have_count(1)
        await audit.check("regie-tasks-signal")
        await signals.get_by_role("link", name="Lina Kovalenko").click()
        panel = regie.locator("section[aria-labelledby='panel-taal']")
        await expect(panel).to_contain_text("3 lessen achter elkaar ongeoorloofd afwezig")
        await audit.check("regie-case-signal")
        await panel.get_by_label("Opvolging").select_option(label="Gesprek met de inburgeraar")
        await panel.get_by_label("Reden").fill("Gesprek gepland over de afwezigheid.")
        await panel.get_by_role("button", name="Opvolging vastleggen").click()
        await expect(regie.get_by_role("status").first).to_contain_text(
            "De opvolging van het verzuimsignaal is vastgelegd."
        )

        await menu(regie).get_by_role("link", name="Inburgeraars").click()
        await regie.get_by_role("link", name="Mansour, Yara").click()
        panel = regie.locator("section[aria-labelledby='panel-taal']")
        await expect(panel).to_contain_text("Voortgangsrapportage")
        await audit.check("regie-case-reports")
        await panel.get_by_role("link", name=re.compile("Voortgangsrapportage tot")).first.click()
        await expect(regie.get_by_role("heading", level=1)).to_have_text(
            "Voortgangsrapportage: Yara Mansour"
        )
        await expect(regie.locator("main")).to_contain_text(
            "Schrijft nu korte e-mails zelfstandig."
        )
        await audit.check("regie-report")

    audit.assert_clean()
