"""Helpers for the begeleiding tests: ids of the demo's tasks, and extra begeleiders (a
colleague at VluchtelingenWerk, one at another organisation, one in the other regio)."""

from __future__ import annotations

import pytest

from portal.core.database import current_engine
from portal.core.settings import Settings
from tenants import people
from tenants.roles import Role
from tenants.scope import Scope

PASSWORD = "Lang-Genoeg-Wachtwoord-2026"
BEA = "begeleider@alkmaar.demo"
COLLEGA = "collega@vwn.alkmaar.demo"
ANDERE_ORG = "prodemos@alkmaar.demo"
ZAANSTREEK = "begeleider@zaanstreek.demo"


async def scalar(sql: str) -> int:
    rows = await current_engine().run_ddl(sql)
    return next(iter(rows[0].values()))


async def task_id(family_name: str, kind: str) -> int:
    where = f"i.family_name = '{family_name}' AND t.kind = '{kind}'"
    return await scalar(
        f"SELECT t.id FROM pip_task t JOIN inburgeraar i ON i.id = t.inburgeraar WHERE {where}"  # noqa: S608
    )


async def case_id(family_name: str) -> int:
    return await scalar(f"SELECT id FROM inburgeraar WHERE family_name = '{family_name}'")  # noqa: S608


async def person_id(email: str) -> int:
    return await scalar(f"SELECT id FROM person WHERE email = '{email}'")  # noqa: S608


async def _add_begeleider(regio: str, organisation: str, email: str, name: str) -> None:
    tenant = await scalar(f"SELECT id FROM regio WHERE slug = '{regio}'")  # noqa: S608
    organisation_id = await scalar(
        f"SELECT id FROM organisation WHERE name = '{organisation}'"  # noqa: S608
    )
    await people.create_person(
        Scope.system(tenant, regio, "test"),
        people.NewPerson(email, name, organisation_id, Role.BEGELEIDER.value, PASSWORD),
    )


@pytest.fixture
async def begeleiders(demo: Settings) -> dict[str, str]:
    """Three more begeleiders; request it before `client` (it queries the database first)."""
    await _add_begeleider("alkmaar", "VluchtelingenWerk Noord-Holland", COLLEGA, "Cas Collega")
    await _add_begeleider("alkmaar", "Werkkracht Participatie", ANDERE_ORG, "Pia Participatie")
    await _add_begeleider("zaanstreek", "VluchtelingenWerk Zaanstreek", ZAANSTREEK, "Zoë Zaan")
    return {"collega": COLLEGA, "andere_org": ANDERE_ORG, "zaanstreek": ZAANSTREEK}


@pytest.fixture
async def ids(begeleiders: dict[str, str]) -> dict[str, int]:
    """Demo ids the tests use; request it before `client`."""
    return {
        "haddad": await case_id("Haddad"),
        "gebre": await case_id("Gebre"),
        "haddad_begeleiding": await task_id("Haddad", "begeleiding"),
        "haddad_pvt": await task_id("Haddad", "pvt"),
        "haddad_intake": await task_id("Haddad", "taal.intake"),
        "gebre_begeleiding": await task_id("Gebre", "begeleiding"),
        "gebre_pvt": await task_id("Gebre", "pvt"),
        "bea": await person_id(BEA),
        "collega": await person_id(COLLEGA),
        "andere_org": await person_id(ANDERE_ORG),
    }
