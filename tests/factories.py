"""Factories for tests that need a case of their own: made through the real services, with
defaults a regievoerder would type, so a test names only what it is about."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from portal.casefile import inburgeraars, pips
from portal.core.clock import today
from tenants.scope import Scope
from tenants.scoped import TenantData
from tenants.tables import Organisation

PARTNERS = {
    "taalaanbieder": "Taalhuis Kennemerland",
    "begeleider_organisation": "VluchtelingenWerk Noord-Holland",
    "participatie_organisation": "Werkkracht Participatie",
}


async def organisation_id(scope: Scope, name: str) -> int:
    """The id of an organisation of the scope's regio, by its name."""
    row = await (
        TenantData(scope)
        .select(Organisation, Organisation.id)
        .where(Organisation.name == name)
        .first()
    )
    assert row is not None, f"no organisation {name!r} in the regio"
    return row["id"]


def new_inburgeraar(bsn: str, family_name: str, **overrides: Any) -> inburgeraars.NewInburgeraar:
    """A registration as the form sends it: BRP registration 20 days ago, plicht 10 days
    before that; `overrides` replace any field."""
    brp = today() - timedelta(days=20)
    person = inburgeraars.NewInburgeraar(
        bsn=bsn,
        v_nummer="",
        given_names="Noor",
        family_name=family_name,
        birth_date="1990-01-01",
        doelgroep="asielstatushouder",
        nareiziger=False,
        plicht_start=(brp - timedelta(days=10)).isoformat(),
        brp_date=brp.isoformat(),
        languages="Arabisch",
        interpreter_needed=False,
        phone="",
        email="",
    )
    return replace(person, **overrides)


async def register_case(
    regie: Scope, data_key: str, bsn: str, family_name: str, **overrides: Any
) -> int:
    """A new case of the regievoerder's gemeente; returns its dossier number."""
    return await inburgeraars.register(
        regie, new_inburgeraar(bsn, family_name, **overrides), data_key, today()
    )


async def pip_input(regie: Scope, **overrides: Any) -> pips.PipInput:
    """A B1-route PIP dated today with the demo regio's partners (by name in `PARTNERS`;
    another organisation's name, or None for no partner, passed as an override)."""
    partners = {**PARTNERS, **{k: v for k, v in overrides.items() if k in PARTNERS}}
    partners = {key: name for key, name in partners.items() if name is not None}
    fields = {k: v for k, v in overrides.items() if k not in PARTNERS}
    return pips.PipInput(
        **{
            "dagtekening": today().isoformat(),
            "leerroute": "B",
            "niveau": "B1",
            "reasoning": "Test",
            **{key: str(await organisation_id(regie, name)) for key, name in partners.items()},
            **fields,
        }
    )


async def case_with_pip(
    regie: Scope,
    data_key: str,
    bsn: str,
    family_name: str,
    *,
    person: dict[str, Any] | None = None,
    on: date | None = None,
    **pip: Any,
) -> int:
    """A new case with a vastgesteld PIP (and so its partner tasks); returns its number.
    `person` overrides registration fields, `pip` the PIP's."""
    case_id = await register_case(regie, data_key, bsn, family_name, **(person or {}))
    await pips.save_concept(regie, case_id, await pip_input(regie, **pip))
    await pips.vaststellen(regie, case_id, on or today())
    return case_id
