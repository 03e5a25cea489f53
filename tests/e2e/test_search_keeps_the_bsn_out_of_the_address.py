"""In a real browser, a BSN typed into the caseload search finds the case while the address
bar, and so the browser history, only ever holds an opaque token (htmx swaps the results)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Page, expect

from tests.e2e.test_browser_flows import log_in

if TYPE_CHECKING:
    from tests.e2e.conftest import Audit

pytestmark = pytest.mark.e2e

HADDAD_BSN = "999990019"  # the demo case of Amina Haddad (Gemeente Alkmaar)


async def test_a_bsn_searched_in_the_browser_stays_out_of_the_address_bar(
    page: Page, audit: Audit
) -> None:
    await log_in(page, audit, "regievoerder@alkmaar.demo")
    await expect(page).to_have_url(re.compile(r"/r/alkmaar/$"))
    await page.goto("/r/alkmaar/inburgeraars")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    await page.get_by_label("Zoek op naam, BSN of V-nummer").fill(HADDAD_BSN)
    results = page.locator("#resultaten")
    await expect(results.get_by_role("link", name="Haddad, Amina")).to_be_visible()
    await expect(results.locator("tbody tr")).to_have_count(1)
    # htmx swapped the results and pushed the list's address with the token.
    await expect(page).to_have_url(re.compile(r"/r/alkmaar/inburgeraars\?zoek=zk-[A-Za-z]+$"))
    assert HADDAD_BSN not in page.url
    assert not [url for url in requests if HADDAD_BSN in url]
    await expect(page.get_by_label("Zoek op naam, BSN of V-nummer")).to_have_value(HADDAD_BSN)
    await audit.check("search-by-bsn")
    audit.assert_clean()
