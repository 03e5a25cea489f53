"""The privacy officer finds who processed whose data, per inburgeraar or per staff member."""

from __future__ import annotations

import re

from litestar.testing import AsyncTestClient

from tests.conftest import login


async def test_privacy_officer_searches_per_dossier_and_per_person(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    listing = await client.get("/r/alkmaar/inburgeraars?zoek=Haddad")
    case_id = re.search(r"/r/alkmaar/inburgeraars/(\d+)\"", listing.text).group(1)
    await client.get(f"/r/alkmaar/inburgeraars/{case_id}")
    client.cookies.clear()
    await login(client, "privacy@alkmaar.demo")
    per_case = (await client.get(f"/r/alkmaar/auditlog?dossier={case_id}")).text
    results = per_case.split('id="resultaten"')[1]
    assert "Rachid Regie" in results and f"Dossier {case_id}" in results and "read" in results
    assert "Haddad" not in per_case and "999990019" not in per_case
    per_person = (await client.get("/r/alkmaar/auditlog?medewerker=heiloo")).text.split(
        'id="resultaten"'
    )[1]
    assert "Hanneke Heiloo" in per_person and "Rachid Regie" not in per_person
    nobody = (await client.get("/r/alkmaar/auditlog?medewerker=bestaat-niet")).text
    assert "0 registraties" in nobody
