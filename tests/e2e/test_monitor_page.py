"""The coordinator's monitor in a real browser: from the menu to the charts and tables,
entering a taakstelling, and following a number to the count behind it. Every page is
checked with axe (and so under the strict CSP) and saved as a screenshot."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Page, expect

from tests.e2e.test_casefile_flow import log_in

if TYPE_CHECKING:
    from tests.e2e.conftest import Audit

pytestmark = pytest.mark.e2e


async def test_the_coordinator_reads_the_monitor_and_enters_a_taakstelling(
    page: Page, audit: Audit
) -> None:
    await log_in(page, audit, "coordinator@alkmaar.demo")
    await (
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Monitor").click()
    )
    await expect(page.get_by_role("heading", level=1, name="Monitor van de regio")).to_be_visible()
    await expect(page.get_by_role("img", name="PIP binnen 10 weken, per gemeente")).to_be_visible()
    await audit.check("monitor")

    await page.get_by_role("link", name="Taakstelling invullen of wijzigen").click()
    await page.get_by_label(re.compile(r"^Gemeente")).select_option(label="Gemeente Alkmaar")
    await page.get_by_label(re.compile(r"^Half jaar")).select_option(index=2)
    await page.get_by_label(re.compile(r"^Taakstelling")).fill("20")
    await audit.check("taakstelling")
    await page.get_by_role("button", name="Opslaan").click()
    await expect(page.get_by_text("De taakstelling is opgeslagen.")).to_be_visible()
    await expect(
        page.get_by_role("img", name=re.compile(r"^Huisvesting tegen taakstelling"))
    ).to_be_visible()
    await audit.check("monitor-met-taakstelling")

    await (
        page.locator("#trechter")
        .locator("xpath=..")
        .get_by_role("link", name=re.compile(r"dossiers$"))
        .first.click()
    )
    await expect(page.get_by_role("columnheader", name="Aantal")).to_be_visible()
    await audit.check("cijfer")
    audit.assert_clean()
