"""What a person does in the portal, in a real browser: log in and out, switch organisation,
fill in an admin form with a mistake, and find the way with the keyboard only.

Every page visited is checked with axe (WCAG 2.1 A and AA) and for console errors.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Page, expect

if TYPE_CHECKING:
    from tests.e2e.conftest import Audit

pytestmark = pytest.mark.e2e


def header(page: Page):
    return page.get_by_role("banner")


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


async def test_log_in_and_out(page: Page, audit: Audit) -> None:
    await log_in(page, audit, "regievoerder@alkmaar.demo")

    await expect(page).to_have_url(re.compile(r"/r/alkmaar/$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Rachid Regie")
    banner = header(page)
    await expect(banner).to_contain_text("Regio Alkmaar")
    await expect(banner).to_contain_text("Rachid Regie")
    await expect(banner).to_contain_text("Gemeente Alkmaar")
    await expect(banner).to_contain_text("Regievoerder")
    # One role only: nothing to switch to.
    await expect(banner.get_by_role("link", name="Wissel van rol")).to_have_count(0)
    await audit.check("start")

    await banner.get_by_role("button", name="Uitloggen").click()

    await expect(page).to_have_url(re.compile(r"/login$"))
    await expect(page.get_by_role("heading", level=1, name="Inloggen")).to_be_visible()
    await expect(banner).not_to_contain_text("Rachid Regie")
    await audit.check("logged-out")
    audit.assert_clean()


async def test_switching_organisation(page: Page, audit: Audit) -> None:
    await log_in(page, audit, "adviseur@regio.demo")

    await expect(page).to_have_url(re.compile(r"/kies-rol$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Voor wie werkt u nu?")
    await audit.check("choose-role")
    await page.get_by_role("button", name=re.compile(r"^Regiobureau Zaanstreek-Waterland")).click()

    await expect(page).to_have_url(re.compile(r"/r/zaanstreek/$"))
    banner = header(page)
    await expect(banner).to_contain_text("Regio Zaanstreek-Waterland")
    await expect(banner).to_contain_text("Ali Adviseur")
    await expect(banner).to_contain_text("Regiobureau Zaanstreek-Waterland")
    await expect(page.get_by_role("status")).to_contain_text(
        "U werkt nu als Regiocoördinator voor Regiobureau Zaanstreek-Waterland."
    )
    await audit.check("zaanstreek-start")

    await banner.get_by_role("link", name="Wissel van rol").click()

    await expect(page).to_have_url(re.compile(r"/kies-rol$"))
    current = page.get_by_role("button", name=re.compile(r"^Regiobureau Zaanstreek-Waterland"))
    await expect(current).to_have_attribute("aria-current", "true")
    await expect(current).to_contain_text("huidige rol")
    await audit.check("switch-role")
    await page.get_by_role("button", name=re.compile(r"^Regiobureau Inburgering Alkmaar")).click()

    await expect(page).to_have_url(re.compile(r"/r/alkmaar/$"))
    await expect(banner).to_contain_text("Regio Alkmaar")
    await expect(banner).to_contain_text("Regiobureau Inburgering Alkmaar")
    await expect(banner).not_to_contain_text("Zaanstreek")
    await audit.check("alkmaar-start")
    audit.assert_clean()


async def test_admin_form_with_a_validation_error(page: Page, audit: Audit) -> None:
    await log_in(page, audit, "beheer@alkmaar.demo")
    await expect(page).to_have_url(re.compile(r"/r/alkmaar/$"))
    await audit.check("start")

    menu = page.get_by_role("navigation", name="Hoofdmenu")
    await menu.get_by_role("link", name="Organisaties").click()
    await expect(page).to_have_url(re.compile(r"/r/alkmaar/organisaties$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Organisaties in Regio Alkmaar")
    await expect(menu.get_by_role("link", name="Organisaties")).to_have_attribute(
        "aria-current", "page"
    )
    await audit.check("organisations")

    await page.get_by_role("link", name="Organisatie toevoegen").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Organisatie toevoegen")
    await audit.check("new-organisation")

    # Nothing filled in.
    await page.get_by_role("button", name="Opslaan").click()

    summary = page.get_by_role("alert").filter(has_text="Er ging iets mis")
    await expect(summary).to_be_visible()
    await expect(summary.get_by_role("heading", name="Er ging iets mis")).to_be_visible()
    await expect(summary).to_contain_text("Vul de naam in.")
    await expect(summary).to_contain_text("Kies het soort organisatie.")
    # portal.js moves focus to the summary, so a screen reader reads it first.
    await expect(summary).to_be_focused()
    name = page.get_by_label(re.compile(r"^Naam"))
    await expect(name).to_have_attribute("aria-invalid", "true")
    await expect(name).to_have_accessible_description("Vul de naam in.")
    await expect(page.get_by_label("Soort organisatie")).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label("OIN")).not_to_have_attribute("aria-invalid", "true")
    await audit.check("validation-error")
    # The summary's links lead to the fields.
    await summary.get_by_role("link", name="Vul de naam in.").click()
    await expect(name).to_be_focused()

    await name.fill("Taalcafé Heerhugowaard")
    await page.get_by_label("Soort organisatie").select_option(label="Taalaanbieder / ROC")
    await page.get_by_role("button", name="Opslaan").click()

    await expect(page).to_have_url(re.compile(r"/r/alkmaar/organisaties$"))
    await expect(page.get_by_role("status").first).to_contain_text(
        "Organisatie ‘Taalcafé Heerhugowaard’ is toegevoegd."
    )
    row = page.get_by_role("row").filter(has_text="Taalcafé Heerhugowaard")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("Taalaanbieder / ROC")
    await expect(row).to_contain_text("Actief")
    await audit.check("organisation-added")
    audit.assert_clean()


async def test_keyboard_only(page: Page, audit: Audit) -> None:
    await page.goto("/login")
    await page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Naar de inhoud")
    await expect(skip).to_be_focused()
    await expect(skip).to_be_visible()
    # Playwright calls an element moved off-screen "visible": it must be on screen as well.
    await expect(skip).to_be_in_viewport()
    outline = await skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "the focused skip link shows no focus outline"
    await audit.check("skip-link-focused")

    # The skip link jumps past the header; the next Tab lands in the form.
    await page.keyboard.press("Enter")
    await expect(page.locator("main#inhoud")).to_be_focused()
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("E-mailadres")).to_be_focused()
    await page.keyboard.type("regievoerder@alkmaar.demo")
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Wachtwoord")).to_be_focused()
    await page.keyboard.type("demo")
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Inloggen")).to_be_focused()
    await audit.check("login-button-focused")
    await page.keyboard.press("Enter")

    await expect(page).to_have_url(re.compile(r"/r/alkmaar/$"))
    await expect(header(page)).to_contain_text("Rachid Regie")
    await audit.check("start")
    audit.assert_clean()


async def test_menu_marks_the_start_page_as_current(page: Page, audit: Audit) -> None:
    await log_in(page, audit, "regievoerder@alkmaar.demo")
    await expect(page).to_have_url(re.compile(r"/r/alkmaar/$"))
    start = page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Start")
    await expect(start).to_have_attribute("aria-current", "page", timeout=2_000)


async def test_choosing_a_role_page_offers_log_out(page: Page, audit: Audit) -> None:
    await log_in(page, audit, "adviseur@regio.demo")
    await expect(page).to_have_url(re.compile(r"/kies-rol$"))
    banner = header(page)
    await expect(banner.get_by_role("button", name="Uitloggen")).to_be_visible(timeout=2_000)
    await expect(banner.get_by_role("link", name="Inloggen")).to_have_count(0)


async def test_error_summary_lists_the_errors_under_its_heading(page: Page, audit: Audit) -> None:
    await log_in(page, audit, "beheer@alkmaar.demo")
    await expect(page).to_have_url(re.compile(r"/r/alkmaar/$"))
    await page.goto("/r/alkmaar/organisaties/nieuw")
    await page.get_by_role("button", name="Opslaan").click()
    summary = page.get_by_role("alert").filter(has_text="Er ging iets mis")
    heading = await summary.get_by_role("heading").bounding_box()
    first = await summary.get_by_role("link").first.bounding_box()
    assert heading and first
    assert first["y"] >= heading["y"] + heading["height"], (heading, first)
