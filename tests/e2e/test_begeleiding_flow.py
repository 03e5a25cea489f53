"""Maatschappelijke begeleiding in a real browser: the begeleider of VluchtelingenWerk takes
on Tesfalem Gebre, works the checklist (htmx saves one item at a time), records a contact,
reports the PVT (warned about a workshop still planned) and closes with a report after a
"Weet u het zeker?" summary; the regievoerder then finds it all on the case.

Each page is checked with axe (WCAG 2.1 A and AA) and for console errors; screenshots go to
test-artifacts/e2e/ in the order the pages were seen.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Browser, Page, expect

from portal.core.clock import today
from tests.e2e.test_casefile_flow import log_in, menu, person

if TYPE_CHECKING:
    from tests.e2e.conftest import Audit, LiveServer

pytestmark = pytest.mark.e2e

BEGELEIDER = "begeleider@alkmaar.demo"
REGIEVOERDER = "regievoerder@alkmaar.demo"
REPORT = "Woning en bank geregeld; huisarts nog zoeken. Tesfalem redt zich goed met de post."


def item(page: Page, label: str):
    return page.locator(".portal-checklist__item").filter(
        has=page.get_by_role("group", name=re.compile(f"^{label}"))
    )


async def save_item(page: Page, label: str, status: str, day: str, note: str) -> None:
    await page.get_by_label(f"Status {label}").select_option(label=status)
    await page.get_by_label(f"Datum {label}").fill(day)
    await page.get_by_label(f"Notitie {label}").fill(note)
    await page.get_by_role("button", name=f"Opslaan {label}").click()
    await expect(item(page, label).get_by_role("status")).to_have_text("Opgeslagen.")


async def test_begeleider_works_the_checklist_and_the_regievoerder_sees_it(
    page: Page, audit: Audit, browser: Browser, live_server: LiveServer
) -> None:
    day = today()

    # --- 1. Bea takes Tesfalem Gebre's begeleiding on (the fixture's page).
    await log_in(page, audit, BEGELEIDER)
    await menu(page).get_by_role("link", name="Mijn begeleidingen").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mijn begeleidingen")
    await audit.check("begeleider-overview")
    await page.get_by_role(
        "button", name="Ik neem deze (Maatschappelijke begeleiding Tesfalem Gebre)"
    ).click()
    await expect(page.locator(".portal-flash, [role=status]").first).to_contain_text(
        "U bent nu de begeleider"
    )
    await page.get_by_role("link", name="Tesfalem Gebre").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Begeleiding Tesfalem Gebre")
    await expect(page.locator(".portal-details")).to_contain_text("Tigrinya")
    await expect(page.locator(".portal-details")).not_to_contain_text("BSN")
    # Not checked with axe yet: axe leaves empty style attributes behind, which htmx's settle
    # step would copy onto the swapped item (a CSP report). The page is checked after the swaps.

    # --- 2. The checklist, one item at a time: htmx swaps the item, the page stays.
    url = page.url
    await save_item(page, "Woning en huurcontract", "Geregeld", day.isoformat(), "Sleutels")
    await save_item(page, "Bankrekening", "Geregeld", (day - timedelta(days=1)).isoformat(), "ING")
    await expect(item(page, "Bankrekening")).to_contain_text("Geregeld")
    # The button keeps focus after the swap, so the keyboard user stays where they were.
    await expect(page.get_by_role("button", name="Opslaan Bankrekening")).to_be_focused()
    assert page.url == url
    # A wrong date is refused inside the item.
    await page.get_by_label("Status Huisarts en tandarts").select_option(label="Geregeld")
    await page.get_by_label("Datum Huisarts en tandarts").fill(
        (day + timedelta(days=5)).isoformat()
    )
    await page.get_by_role("button", name="Opslaan Huisarts en tandarts").click()
    await expect(item(page, "Huisarts en tandarts")).to_contain_text("geen datum in de toekomst")
    # The counter above the list follows the htmx saves, without a reload.
    await expect(page.locator("#checklist-voortgang")).to_have_text("2 van 11 punten geregeld.")
    await audit.check("begeleider-checklist")

    # --- 3. A contact moment.
    await page.locator("#field-kind").select_option(label="Huisbezoek")
    await page.locator("#field-note").fill("Post doorgenomen.")
    await page.get_by_role("button", name="Contactmoment vastleggen").click()
    await expect(page.get_by_role("table").filter(has_text="contactmoment")).to_contain_text(
        "Huisbezoek"
    )
    await expect(page.locator("#checklist-voortgang")).to_have_text("2 van 11 punten geregeld.")
    await audit.check("begeleider-contact")

    # --- 4. The PVT: take it on, one workshop attended, the verklaring signed.
    await menu(page).get_by_role("link", name="Mijn begeleidingen").click()
    await page.get_by_role(
        "button", name="Ik neem deze (Participatieverklaring (PVT) Tesfalem Gebre)"
    ).click()
    await (
        page.get_by_role("row")
        .filter(has_text="Participatieverklaring (PVT)")
        .filter(has_text="Tesfalem Gebre")
        .get_by_role("link", name="Tesfalem Gebre")
        .click()
    )
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Participatieverklaring Tesfalem Gebre"
    )
    await expect(menu(page).get_by_role("link", name="Mijn begeleidingen")).to_have_attribute(
        "aria-current", "page"
    )
    await page.get_by_label(re.compile(r"^Onderwerp")).fill("Vrijheid en gelijkwaardigheid")
    await page.locator("#field-planned_on").fill((day - timedelta(days=3)).isoformat())
    await page.get_by_role("button", name="Workshop plannen").click()
    await page.get_by_label(re.compile(r"^Aanwezigheid Vrijheid")).select_option(label="Gevolgd")
    await page.get_by_role("button", name=re.compile(r"^Opslaan aanwezigheid")).click()
    await expect(page.get_by_role("table")).to_contain_text("1 workshop, 1 gevolgd")
    # A second workshop is still planned: signing warns and needs an explicit yes.
    await page.get_by_label(re.compile(r"^Onderwerp")).fill("Participatie")
    await page.locator("#field-planned_on").fill((day + timedelta(days=7)).isoformat())
    await page.get_by_role("button", name="Workshop plannen").click()
    await expect(page.get_by_role("table")).to_contain_text("2 workshops, 1 gevolgd")
    await audit.check("begeleider-pvt")
    await page.get_by_label(re.compile(r"^Datum van ondertekening")).fill(day.isoformat())
    await page.get_by_role("button", name="Ondertekening vastleggen").click()
    await expect(page.locator("#foutmeldingen")).to_contain_text(
        "Er staat nog een workshop gepland: Participatie"
    )
    await audit.check("begeleider-pvt-planned-warning")
    await page.get_by_label(re.compile(r"^De verklaring is ondertekend")).check()
    await page.get_by_role("button", name="Ondertekening vastleggen").click()
    await expect(page.get_by_role("heading", name="Afgerond")).to_be_visible()
    await audit.check("begeleider-pvt-done")

    # --- 5. The closing report ends the begeleiding.
    await menu(page).get_by_role("link", name="Mijn begeleidingen").click()
    await (
        page.get_by_role("row")
        .filter(has_text="Maatschappelijke begeleiding")
        .filter(has_text="Tesfalem Gebre")
        .get_by_role("link", name="Tesfalem Gebre")
        .click()
    )
    # A required field is not red before anything was typed (:user-invalid, not :invalid).
    note_border = await page.locator("#field-note").evaluate(
        "element => getComputedStyle(element).borderTopColor"
    )
    await expect(page.locator("#field-report")).to_have_css("border-top-color", note_border)
    await page.get_by_label(re.compile(r"^Eindverslag")).fill(REPORT)
    await page.get_by_role("button", name="Verder naar afsluiten").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Begeleiding van Tesfalem Gebre afsluiten?"
    )
    await expect(page.locator("main")).to_contain_text(REPORT)
    await audit.check("begeleider-close-confirm")
    await page.get_by_role("button", name="Ja, afsluiten en verslag sturen").click()
    await expect(page.get_by_role("heading", name=re.compile("^Afgesloten op"))).to_be_visible()
    await audit.check("begeleider-closed")

    # --- 6. The regievoerder finds it on the case page.
    async with person(browser, live_server, audit, REGIEVOERDER, "regievoerder") as regie:
        await menu(regie).get_by_role("link", name="Inburgeraars").click()
        await regie.get_by_role("link", name="Gebre, Tesfalem").click()
        await expect(regie.get_by_role("heading", level=1)).to_have_text("Tesfalem Gebre")
        panel = regie.locator("#begeleiding-voortgang")
        await expect(panel).to_contain_text("2 van 11 punten geregeld")
        await expect(panel).to_contain_text("begeleider Bea Begeleider")
        await expect(panel).to_contain_text(REPORT)
        await expect(panel).to_contain_text("1 van 2 gevolgd")
        await expect(panel).to_contain_text(re.compile(r"Verklaring ondertekend\s*\d+ \w+ \d{4}"))
        await expect(panel).not_to_contain_text("Post doorgenomen.")
        await regie.locator("#begeleiding-voortgang").scroll_into_view_if_needed()
        await audit.check("regievoerder-case")

    audit.assert_clean()
