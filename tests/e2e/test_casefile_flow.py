"""The case file in a real browser, as four people in turn: the gemeente registers an
inburgeraar and sets the PIP, the taalaanbieder, the begeleider and the participatie partner
find their tasks, the school and the participatie partner report progress, and the gemeente
reads it back, finds the partners' tasks and prints the inburgeraar's plan.

Each person works in a fresh browser context (own cookies). One `audit` follows whoever is at
the keyboard, so every page of the whole flow is checked with axe (WCAG 2.1 A and AA) and for
console errors, and the screenshots are numbered in the order the pages were seen.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Browser, Page, expect

from portal.casefile.routes import today
from tests.e2e.conftest import ARTIFACTS, TIMEOUT_MS

if TYPE_CHECKING:
    from tests.e2e.conftest import Audit, LiveServer

pytestmark = pytest.mark.e2e

REGIEVOERDER = "regievoerder@alkmaar.demo"
DOCENT = "docent@taal.alkmaar.demo"
BEGELEIDER = "begeleider@alkmaar.demo"
PARTICIPATIE = "participatie@alkmaar.demo"
BSN = "999990081"
WRONG_BSN = "123456789"
INTAKE = "Intake en plaatsingstoets"
PVT = "Participatieverklaringstraject (PVT)"
BEGELEIDING = "Maatschappelijke begeleiding: eerste gesprek"
MAP = "Module Arbeidsmarkt en Participatie (MAP)"
MESSAGE = "Intake gepland op maandag"


async def log_in(
    page: Page,
    audit: Audit,
    email: str,
    password: str = "demo",  # noqa: S107 (the demo password)
) -> None:
    await page.goto("/login")
    await expect(page.get_by_role("heading", level=1, name="Inloggen")).to_be_visible()
    await audit.check("login")
    await page.get_by_label("E-mailadres").fill(email)
    await page.get_by_label("Wachtwoord").fill(password)
    await page.get_by_role("button", name="Inloggen").click()
    await expect(page).to_have_url(re.compile(r"/r/alkmaar/$"))


@asynccontextmanager
async def person(
    browser: Browser, live_server: LiveServer, audit: Audit, email: str, who: str
) -> AsyncIterator[Page]:
    """A fresh browser context (as the `page` fixture makes one), logged in as `email`.

    While it is open, `audit` checks this person's pages; on leaving, its last page is saved
    as `<test>-<engine>-<who>.png`, as the `page` fixture does for the test's own page."""
    context = await browser.new_context(
        base_url=live_server.url,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = await context.new_page()
    tab.on("console", audit.on_console)
    tab.on("pageerror", lambda error: audit.console_errors.append(f"page error: {error}"))
    previous = audit.page
    audit.page = tab
    try:
        await log_in(tab, audit, email)
        yield tab
    finally:
        audit.page = previous
        try:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            await tab.screenshot(path=ARTIFACTS / f"{audit.name}-{who}.png", full_page=True)
        finally:
            await context.close()


def menu(page: Page):
    return page.get_by_role("navigation", name="Hoofdmenu")


def task_row(page: Page, title: str):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))


async def test_case_from_registration_to_partner_progress(
    page: Page, audit: Audit, browser: Browser, live_server: LiveServer
) -> None:
    day = today()

    # --- 1. The regievoerder registers Farah Osman and sets the PIP (the fixture's page).
    await log_in(page, audit, REGIEVOERDER)
    await menu(page).get_by_role("link", name="Inburgeraars").click()
    await expect(page).to_have_url(re.compile(r"/r/alkmaar/inburgeraars/?$"))
    await audit.check("regie-caseload")

    await page.get_by_role("link", name="Inburgeraar inschrijven").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Inburgeraar inschrijven")
    await audit.check("regie-register-form")
    await page.get_by_label(re.compile(r"^BSN")).fill(WRONG_BSN)
    await page.get_by_label(re.compile(r"^Voornamen")).fill("Farah")
    await page.get_by_label(re.compile(r"^Achternaam")).fill("Osman")
    await page.get_by_label(re.compile(r"^Geboortedatum")).fill("1995-03-14")
    await page.get_by_label(re.compile(r"^Doelgroep")).select_option(label="Asielstatushouder")
    await page.get_by_label("Inschrijving in de BRP").fill((day - timedelta(days=20)).isoformat())
    await page.get_by_label("Start inburgeringsplicht").fill((day - timedelta(days=40)).isoformat())
    await page.get_by_role("button", name="Inschrijven").click()

    summary = page.get_by_role("alert").filter(has_text="Er ging iets mis")
    await expect(summary).to_be_visible()
    await expect(summary).to_contain_text("Dit BSN klopt niet (de elfproef faalt)")
    await expect(summary).to_be_focused()
    bsn = page.get_by_label(re.compile(r"^BSN"))
    await expect(bsn).to_have_attribute("aria-invalid", "true")
    await expect(bsn).to_have_accessible_description(
        re.compile(r"Dit BSN klopt niet \(de elfproef faalt\)")
    )
    # What was typed is kept.
    await expect(page.get_by_label(re.compile(r"^Achternaam"))).to_have_value("Osman")
    await audit.check("regie-register-wrong-bsn")

    await bsn.fill(BSN)
    await page.get_by_role("button", name="Inschrijven").click()

    await expect(page).to_have_url(re.compile(r"/r/alkmaar/inburgeraars/\d+$"))
    case_url = page.url
    await expect(page.get_by_role("heading", level=1)).to_have_text("Farah Osman")
    await expect(page.get_by_role("status").first).to_contain_text("Farah Osman is ingeschreven.")
    await expect(page.locator("main").get_by_text("PIP-termijn:")).to_contain_text("Op schema")
    await expect(page.locator("main").get_by_text("PIP-termijn:")).to_contain_text("nog 50 dagen")
    await expect(page.locator("main")).to_contain_text(BSN)
    await audit.check("regie-case-registered")

    await page.get_by_role("link", name="PIP opstellen").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("PIP opstellen: Farah Osman")
    await audit.check("regie-pip-form")
    await page.get_by_label(re.compile(r"^Dagtekening")).fill((day - timedelta(days=1)).isoformat())
    await page.get_by_label(re.compile(r"^Leerroute")).select_option(label="B1-route")
    await page.get_by_label("Taalaanbieder", exact=True).select_option(
        label="Taalhuis Kennemerland"
    )
    await page.get_by_label("Begeleiding en PVT door").select_option(
        label="VluchtelingenWerk Noord-Holland"
    )
    await page.get_by_label("MAP door").select_option(label="Werkkracht Participatie")
    await page.get_by_label("Ontzorgen (maanden)").fill("6")
    await page.get_by_role("button", name="Vaststellen").click()

    await expect(page).to_have_url(case_url)
    await expect(page.get_by_role("status").first).to_contain_text(
        "De PIP is vastgesteld. De taken staan klaar bij de partners."
    )
    await expect(task_row(page, INTAKE)).to_contain_text("Taalhuis Kennemerland")
    await expect(task_row(page, PVT)).to_contain_text("VluchtelingenWerk Noord-Holland")
    await expect(task_row(page, BEGELEIDING)).to_contain_text("VluchtelingenWerk Noord-Holland")
    await expect(page.locator(".portal-timeline")).to_contain_text("PIP versie 1 vastgesteld")
    await audit.check("regie-case-pip-vastgesteld")

    # --- 2. The docent of Taalhuis Kennemerland: sees the intake, not the PVT, never the BSN.
    async with person(browser, live_server, audit, DOCENT, "docent") as docent:
        await menu(docent).get_by_role("link", name="Mijn taken").click()
        await expect(docent.get_by_role("heading", level=1)).to_have_text("Mijn taken")
        intake = task_row(docent, INTAKE).filter(has_text="Farah Osman")
        await expect(intake).to_have_count(1)
        await expect(task_row(docent, PVT)).to_have_count(0)
        assert BSN not in await docent.content()
        await audit.check("docent-my-tasks")

        await intake.get_by_role("link", name=INTAKE).click()
        await expect(docent.get_by_role("heading", level=1)).to_have_text(INTAKE)
        assert BSN not in await docent.content()
        await audit.check("docent-task")
        await docent.get_by_label("Bericht").fill(MESSAGE)
        await docent.get_by_label("Nieuwe status").select_option(label="In behandeling")
        await docent.get_by_label("Voortgang in procenten").fill("20")
        await docent.get_by_role("button", name="Melden").click()

        await expect(docent.get_by_role("status").first).to_contain_text(
            "Uw bericht is toegevoegd aan de taak."
        )
        thread = docent.locator(".portal-timeline")
        await expect(thread).to_contain_text(MESSAGE)
        await expect(thread).to_contain_text("In behandeling")
        await expect(thread).to_contain_text("Taalhuis Kennemerland")
        await expect(docent.locator(".portal-details")).to_contain_text(
            "In behandeling · 20% klaar"
        )
        await audit.check("docent-task-reported")

        await docent.get_by_role("link", name="Farah Osman").click()
        await expect(docent).to_have_url(case_url)
        await expect(docent.get_by_role("heading", level=1)).to_have_text("Farah Osman")
        await expect(docent.locator(".portal-details")).to_contain_text("B1-route")
        await expect(docent.locator(".portal-details")).not_to_contain_text("BSN")
        assert BSN not in await docent.content()
        await audit.check("docent-case")

    # --- 3. The begeleider of VluchtelingenWerk: PVT and the first talk, not the intake.
    async with person(browser, live_server, audit, BEGELEIDER, "begeleider") as begeleider:
        await menu(begeleider).get_by_role("link", name="Mijn taken").click()
        await expect(begeleider.get_by_role("heading", level=1)).to_have_text("Mijn taken")
        for title in (PVT, BEGELEIDING):
            await expect(task_row(begeleider, title).filter(has_text="Farah Osman")).to_have_count(
                1
            )
        await expect(task_row(begeleider, INTAKE)).to_have_count(0)
        assert BSN not in await begeleider.content()
        await audit.check("begeleider-my-tasks")

    # --- 4. The participatie partner works its MAP task (it got 404 before, issue 8 item 11).
    async with person(browser, live_server, audit, PARTICIPATIE, "participatie") as partner:
        await menu(partner).get_by_role("link", name="Mijn taken").click()
        row = task_row(partner, MAP).filter(has_text="Farah Osman")
        await expect(row).to_have_count(1)
        await expect(task_row(partner, INTAKE)).to_have_count(0)
        await row.get_by_role("link", name=MAP).click()
        await partner.get_by_label("Nieuwe status").select_option(label="In behandeling")
        await partner.get_by_role("button", name="Melden").click()
        await expect(partner.get_by_role("status").first).to_contain_text(
            "Uw bericht is toegevoegd aan de taak."
        )
        assert BSN not in await partner.content()
        await audit.check("participatie-task-reported")

    # --- 5. The regievoerder again, in a new context: the docent's message is on the task.
    async with person(browser, live_server, audit, REGIEVOERDER, "regie-again") as regie:
        await regie.goto(case_url)
        await regie.get_by_role("link", name=INTAKE, exact=True).click()
        await expect(regie.get_by_role("heading", level=1)).to_have_text(INTAKE)
        await expect(regie.locator(".portal-timeline")).to_contain_text(MESSAGE)
        await expect(regie.locator(".portal-details")).to_contain_text("In behandeling · 20% klaar")
        await audit.check("regie-task-with-message")

        # "Mijn taken" is the gemeente's own work; the partners' work is one choice away.
        await menu(regie).get_by_role("link", name="Mijn taken").click()
        await expect(task_row(regie, INTAKE)).to_have_count(0)
        await audit.check("regie-my-tasks")
        await regie.get_by_label("Van wie").select_option(value="partners")
        await regie.get_by_role("button", name="Filteren").click()
        await expect(task_row(regie, INTAKE).filter(has_text="Farah Osman")).to_have_count(1)
        await audit.check("regie-my-tasks-partners")

        # The plan for the inburgeraar: no internal work, and whom to call.
        await regie.goto(case_url)
        await regie.get_by_role("link", name="Samenvatting voor de inburgeraar (afdrukken)").click()
        await expect(regie.get_by_role("heading", level=1)).to_have_text("Uw plan voor inburgering")
        await expect(regie.locator("main")).to_contain_text("Vragen? Neem contact op")
        await expect(regie.locator("main")).not_to_contain_text("Aanmelden bij de taalaanbieder")
        await audit.check("regie-plan")

    audit.assert_clean()
