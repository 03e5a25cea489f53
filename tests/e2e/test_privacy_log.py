"""The privacy officer searches the audit log in a real browser: by the name of an
inburgeraar and a period, and reads Dutch sentences; the page passes axe."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Page, expect

from portal.core.clock import AMSTERDAM
from tests.e2e.test_browser_flows import log_in

if TYPE_CHECKING:
    from tests.e2e.conftest import Audit

pytestmark = pytest.mark.e2e


async def test_privacy_officer_searches_the_log_by_name_and_period(
    page: Page, audit: Audit
) -> None:
    await log_in(page, audit, "regievoerder@alkmaar.demo")
    await page.goto("/r/alkmaar/inburgeraars?zoek=Haddad")
    await page.get_by_role("link", name=re.compile("Haddad")).first.click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Haddad")
    # The case page loads its partner sections with htmx; a late answer would set the
    # regievoerder's session cookie again after the clear, and the next log-in form would not
    # fit it. A person closing the browser waits for nothing either.
    await page.wait_for_load_state("networkidle")
    await page.context.clear_cookies()

    await log_in(page, audit, "privacy@alkmaar.demo")
    await page.get_by_role("link", name="Auditlog").first.click()
    await expect(page.get_by_role("heading", level=1, name="Auditlog")).to_be_visible()
    await page.get_by_label("Naam van de inburgeraar").fill("Haddad")
    today = datetime.now(AMSTERDAM).date().isoformat()
    await page.get_by_label("Van (datum)").fill(today)
    await page.get_by_label("Tot en met (datum)").fill(today)
    await page.get_by_role("button", name="Zoeken").click()

    results = page.locator("#resultaten")
    await expect(results).to_contain_text(
        re.compile(r"Rachid Regie \(Gemeente Alkmaar, regievoerder\) bekeek dossier \d+\.")
    )
    await expect(results).not_to_contain_text("Haddad")
    await expect(results.get_by_role("link", name="CSV (Excel)")).to_be_visible()
    await audit.check("auditlog-search")
    audit.assert_clean()
