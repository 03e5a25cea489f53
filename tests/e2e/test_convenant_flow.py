"""Issue 9's "Done when" in a real browser: the coordinator drafts a convenant with three
measured terms and two taalaanbieders, and sends it; ROC Noordkust accepts, Taalhuis
Kennemerland returns the intake term with a comment; the coordinator reads the comment,
changes that term's target (a new version, whose difference the versions page shows) and
sends again; both schools accept and the convenant is actief. The monitor then shows each
school's attendance computed from the demo data, and the Taalhuis docent sees the same value
on "Mijn scores" and the records behind it, by name.

Every page is checked with axe (WCAG 2.1 A and AA) and for console errors; screenshots are
numbered in the order the pages were seen (test-artifacts/e2e/).
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from partners.convenants.scores import shown, value_centi
from portal.core.clock import today
from portal.demo_cases import demo_scope
from portal.kpi import catalogue
from portal.kpi.periods import Period, PeriodKind
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData
from tenants.tables import Organisation
from tests.e2e.test_casefile_flow import log_in, menu, person

if TYPE_CHECKING:
    from tests.e2e.conftest import Audit, LiveServer

pytestmark = pytest.mark.e2e

COORDINATOR = "coordinator@alkmaar.demo"
TAALHUIS = "docent@taal.alkmaar.demo"
ROC = "docent@roc.alkmaar.demo"
TITLE = "Convenant taal 2027 (e2e)"
# (catalogue label, comparison, target, "bijna gemist" from, period)
TERMS = (
    ("Aanwezigheid (gemeten)", "minstens (≥)", "85", "80", "per maand"),
    ("Presentielijsten ondertekend (gemeten)", "minstens (≥)", "100", "95", "per maand"),
    ("Doorlooptijd aanmelding tot intake (gemeten)", "hoogstens (≤)", "10", "15", "per kwartaal"),
)
COMMENT = "Tien werkdagen halen wij niet in de zomer. Kunnen we twaalf afspreken?"


async def expected_attendance(period: Period) -> dict[str, str]:
    """Each school's attendance in `period` as the KPI catalogue measures it from the demo
    data, shown as the pages show a value ("87,5 %")."""
    coordinator = await demo_scope(COORDINATOR, Role.REGIOCOORDINATOR)
    system = Scope.system(coordinator.tenant_id or 0, coordinator.tenant_slug or "", "e2e")
    schools = {
        row["id"]: row["name"]
        for row in await TenantData(system)
        .select(Organisation, Organisation.id, Organisation.name)
        .where(Organisation.name.is_in(["Taalhuis Kennemerland", "ROC Noordkust"]))
    }
    kpi = catalogue.kpi("taal.aanwezigheid")
    assert kpi is not None
    measured = await kpi.measure(system, period, frozenset(schools))
    return {
        schools[m.organisation_id]: shown(
            value_centi(m.numerator, m.denominator, kpi.unit), kpi.unit.suffix
        )
        for m in measured
        if m.organisation_id in schools
    }


def caption(text: str) -> re.Pattern[str]:
    """A score table's caption: the term, and (for screen readers) the convenant's title."""
    return re.compile(rf"^{re.escape(text)}\s*: {re.escape(TITLE)}$")


async def check(audit: Audit, tab: Page, step: str) -> None:
    """axe and a screenshot of `tab`: two schools and the coordinator are logged in at once."""
    audit.page = tab
    await audit.check(step)


async def open_convenant(page: Page) -> None:
    await menu(page).get_by_role("link", name="Convenanten").click()
    await page.get_by_role("link", name=TITLE).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


async def cell_in_column(table: Locator, row_name: str, column: str) -> Locator:
    """The cell of the row headed `row_name` under the column headed `column`."""
    await expect(table.get_by_role("columnheader", name=column, exact=True)).to_be_visible()
    headers = await table.get_by_role("columnheader").all_inner_texts()
    index = [h.strip() for h in headers].index(column)
    row = table.get_by_role("row").filter(
        has=table.page.get_by_role("rowheader", name=row_name, exact=True)
    )
    # The row header takes the first column; the cells the others.
    return row.get_by_role("cell").nth(index - 1)


async def test_convenant_from_draft_to_scores(
    page: Page, audit: Audit, browser: Browser, live_server: LiveServer
) -> None:
    day = today()
    start = date(day.year - 1, day.month, 1)
    end = date(day.year + 1, day.month, 1)

    # --- 1. The coordinator drafts the convenant: three measured terms, two schools.
    await log_in(page, audit, COORDINATOR)
    await menu(page).get_by_role("link", name="Convenanten").click()
    await page.get_by_role("link", name="Nieuw convenant").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Nieuw convenant")
    await page.get_by_label(re.compile(r"^Titel")).fill(TITLE)
    await page.get_by_label(re.compile(r"^Begindatum")).fill(start.isoformat())
    await page.get_by_label(re.compile(r"^Einddatum")).fill(end.isoformat())
    await page.get_by_label(re.compile(r"^Taalhuis Kennemerland")).check()
    await page.get_by_label(re.compile(r"^ROC Noordkust")).check()
    # Three empty term rows at once: no "Afspraak toevoegen" round trip for each.
    await expect(page.get_by_role("group", name=re.compile(r"^Afspraak \d$"))).to_have_count(3)
    for number, (code, comparison, target, tolerance, period) in enumerate(TERMS, start=1):
        term = page.get_by_role("group", name=f"Afspraak {number}")
        await term.get_by_label(re.compile(r"^Wat wordt er gemeten")).select_option(label=code)
        await term.get_by_label(re.compile(r"^Vergelijking")).select_option(label=comparison)
        await term.get_by_label(re.compile(r"^Norm")).fill(target)
        await term.get_by_label(re.compile(r"^Bijna gemist vanaf")).fill(tolerance)
        await term.get_by_label(re.compile(r"^Meetperiode")).select_option(label=period)
    await audit.check("coordinator-concept-form")
    await page.get_by_role("button", name="Concept opslaan").click()
    await expect(page.get_by_role("status").first).to_contain_text("Het concept is opgeslagen.")
    await expect(page.get_by_role("heading", name=re.compile(r"^Afspraak \d:"))).to_have_count(3)
    await audit.check("coordinator-concept")
    await page.get_by_role("button", name="Versturen ter ondertekening").click()
    await expect(page.get_by_role("status").first).to_contain_text("Het convenant is verstuurd.")
    await expect(page.locator("main")).to_contain_text("Ter ondertekening")

    # --- 2. ROC Noordkust accepts; Taalhuis Kennemerland returns the intake term. Each
    # school logs in once and stays logged in for its second answer and its scores.
    async with (
        person(browser, live_server, audit, ROC, "roc") as roc,
        person(browser, live_server, audit, TAALHUIS, "taalhuis") as taalhuis,
    ):
        await open_convenant(roc)
        await check(audit, roc, "roc-to-sign")
        await roc.get_by_role("button", name="Akkoord", exact=True).click()
        await expect(roc.get_by_role("status").first).to_contain_text("U heeft akkoord gegeven.")

        await open_convenant(taalhuis)
        await taalhuis.get_by_label("Wat moet er anders bij afspraak 3?").fill(COMMENT)
        await check(audit, taalhuis, "taalhuis-returns")
        await taalhuis.get_by_role("button", name="Terugsturen met opmerkingen").click()
        await expect(taalhuis.get_by_role("status").first).to_contain_text(
            "U heeft het convenant teruggestuurd"
        )

        # --- 3. The coordinator reads the comment and changes the target: version 2.
        await page.reload()
        term = page.get_by_role("region", name=re.compile(r"^Afspraak 3:"))
        await expect(term).to_contain_text(COMMENT)
        await expect(term).to_contain_text("Dirk Docent (Taalhuis Kennemerland)")
        await expect(page.get_by_role("note")).to_contain_text(
            "Versie 1 is teruggestuurd door Taalhuis Kennemerland (Dirk Docent,"
        )
        await check(audit, page, "coordinator-reads-comment")
        await page.get_by_role("link", name="Concept bewerken").click()
        intake = page.get_by_role("group", name="Afspraak 3")
        await intake.get_by_label(re.compile(r"^Norm")).fill("12")
        await page.get_by_role("button", name="Concept opslaan").click()
        await expect(page.get_by_role("status").first).to_contain_text("Het concept is opgeslagen.")
        await page.get_by_role("link", name="Wat is er veranderd tussen de versies").click()
        changed = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="3"))
        await expect(changed).to_contain_text("gewijzigd (norm)")
        await expect(changed.locator("del")).to_contain_text("≤ 10 werkdagen")
        await expect(changed.locator("ins")).to_contain_text("≤ 12 werkdagen")
        await expect(
            page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="1"))
        ).to_contain_text("ongewijzigd")
        await check(audit, page, "coordinator-version-diff")
        await page.get_by_role("link", name=f"Terug naar {TITLE}").click()
        await page.get_by_role("button", name="Versturen ter ondertekening").click()
        await expect(page.get_by_role("status").first).to_contain_text(
            "Het convenant is verstuurd."
        )

        # --- 4. Both schools accept version 2: the convenant is actief.
        await roc.reload()
        await expect(roc.locator("main")).to_contain_text("Versie 2")
        await roc.get_by_role("button", name="Akkoord", exact=True).click()
        await expect(roc.get_by_role("status").first).to_contain_text("U heeft akkoord gegeven.")
        await taalhuis.reload()
        await taalhuis.get_by_role("button", name="Akkoord", exact=True).click()
        await expect(taalhuis.get_by_role("status").first).to_contain_text(
            "Alle partijen zijn akkoord: het convenant is actief."
        )
        await check(audit, taalhuis, "taalhuis-active")

        # The attendance of last month (closed, so it no longer changes during the test).
        period = Period.containing(day, PeriodKind.MAAND).previous()
        expected = await expected_attendance(period)
        assert set(expected) == {"Taalhuis Kennemerland", "ROC Noordkust"}
        assert all(value != "–" for value in expected.values()), expected

        # --- 5. The coordinator: actief, and each school's value on the monitor.
        await page.reload()
        await expect(page.locator("main")).to_contain_text("Actief")
        await page.get_by_role("link", name="Scores per partner op dit convenant").click()
        table = page.get_by_role("table", name=caption("Aanwezigheid per partner en periode"))
        for school, value in expected.items():
            await expect(await cell_in_column(table, school, period.label)).to_contain_text(value)
        await check(audit, page, "coordinator-monitor-scores")

        # --- 6. The Taalhuis docent: the same value on "Mijn scores", and the records.
        await taalhuis.get_by_role("link", name="Mijn scores op dit convenant").click()
        table = taalhuis.get_by_role("table", name=caption("Aanwezigheid per periode"))
        row = table.get_by_role("row").filter(
            has=taalhuis.get_by_role("rowheader", name=period.label, exact=True)
        )
        await expect(row).to_contain_text(expected["Taalhuis Kennemerland"])
        await check(audit, taalhuis, "taalhuis-own-scores")
        await row.get_by_role("link", name=expected["Taalhuis Kennemerland"]).click()
        await expect(taalhuis.get_by_role("heading", level=1)).to_have_text(
            f"Aanwezigheid: Taalhuis Kennemerland, {period.label}"
        )
        records = taalhuis.get_by_role("table", name=re.compile("^Records achter de waarde"))
        # By name for the school itself (the coordinator sees only codes like "P-3F2A").
        await expect(records.get_by_role("rowheader").first).not_to_have_text(re.compile(r"^P-"))
        await check(audit, taalhuis, "taalhuis-records")

    audit.assert_clean()
