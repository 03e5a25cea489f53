"""The demo: Regio Alkmaar and Regio Zaanstreek-Waterland with their partners and people.

Idempotent by natural keys (regio slug, organisation name, e-mail, membership): a second run
adds what is missing and changes nothing that exists, so what users typed is kept.
Demo people log in with the password `demo`, which only embedded mode accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.core.database import write_transaction
from portal.core.passwords import hash_password
from portal.demo_cases import seed_cases
from tenants import accounts
from tenants.roles import OrganisationKind as K
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData
from tenants.tables import Membership, Organisation

DEMO_PASSWORD = "demo"  # noqa: S105 (the documented demo password, refused in production)


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    organisation: str
    role: Role


REGIOS = {
    "alkmaar": (
        "Regio Alkmaar",
        [
            ("Regiobureau Inburgering Alkmaar", K.REGIO),
            ("Gemeente Alkmaar", K.GEMEENTE),
            ("Gemeente Bergen", K.GEMEENTE),
            ("Gemeente Castricum", K.GEMEENTE),
            ("Gemeente Dijk en Waard", K.GEMEENTE),
            ("Gemeente Heiloo", K.GEMEENTE),
            ("Gemeente Uitgeest", K.GEMEENTE),
            ("Taalhuis Kennemerland", K.TAALAANBIEDER),
            ("Leerwerkplaats De Brug", K.TAALAANBIEDER),
            ("ROC Noordkust", K.TAALAANBIEDER),
            ("COA-locatie Alkmaar", K.COA),
            # A second COA location and begeleiding organisation: the access tests try each
            # role from another organisation of the same role against the demo's cases.
            ("COA-locatie Castricum", K.COA),
            ("VluchtelingenWerk Noord-Holland", K.BEGELEIDING),
            ("Stichting Thuis in de Regio", K.BEGELEIDING),
            ("Werkkracht Participatie", K.PARTICIPATIE),
        ],
        [
            DemoPerson(
                "beheer@alkmaar.demo",
                "Bram Beheer",
                "Regiobureau Inburgering Alkmaar",
                Role.BEHEERDER,
            ),
            DemoPerson(
                "coordinator@alkmaar.demo",
                "Carla Coördinator",
                "Regiobureau Inburgering Alkmaar",
                Role.REGIOCOORDINATOR,
            ),
            DemoPerson(
                "regievoerder@alkmaar.demo", "Rachid Regie", "Gemeente Alkmaar", Role.REGIEVOERDER
            ),
            DemoPerson(
                "regievoerder@heiloo.demo", "Hanneke Heiloo", "Gemeente Heiloo", Role.REGIEVOERDER
            ),
            DemoPerson(
                "docent@taal.alkmaar.demo",
                "Dirk Docent",
                "Taalhuis Kennemerland",
                Role.TAALAANBIEDER,
            ),
            DemoPerson("docent@roc.alkmaar.demo", "Rosa ROC", "ROC Noordkust", Role.TAALAANBIEDER),
            DemoPerson("coa@alkmaar.demo", "Cor COA", "COA-locatie Alkmaar", Role.COA),
            DemoPerson("coa@castricum.demo", "Cas Castricum", "COA-locatie Castricum", Role.COA),
            DemoPerson(
                "begeleider@alkmaar.demo",
                "Bea Begeleider",
                "VluchtelingenWerk Noord-Holland",
                Role.BEGELEIDER,
            ),
            # The participatie partner works the MAP tasks; the begeleider role is the one
            # a participatie organisation holds (tenants/roles.py).
            DemoPerson(
                "participatie@alkmaar.demo",
                "Pieter Participatie",
                "Werkkracht Participatie",
                Role.BEGELEIDER,
            ),
            DemoPerson(
                "begeleider@thuis.alkmaar.demo",
                "Tom Thuis",
                "Stichting Thuis in de Regio",
                Role.BEGELEIDER,
            ),
            DemoPerson(
                "privacy@alkmaar.demo",
                "Pim Privacy",
                "Regiobureau Inburgering Alkmaar",
                Role.PRIVACY,
            ),
            # Works in both regio's, to show choosing and switching a role.
            DemoPerson(
                "adviseur@regio.demo",
                "Ali Adviseur",
                "Regiobureau Inburgering Alkmaar",
                Role.REGIOCOORDINATOR,
            ),
        ],
    ),
    "zaanstreek": (
        "Regio Zaanstreek-Waterland",
        [
            ("Regiobureau Zaanstreek-Waterland", K.REGIO),
            ("Gemeente Zaanstad", K.GEMEENTE),
            ("Gemeente Purmerend", K.GEMEENTE),
            ("Gemeente Edam-Volendam", K.GEMEENTE),
            ("Taalschool Zaan", K.TAALAANBIEDER),
            ("COA-locatie Zaandam", K.COA),
            ("VluchtelingenWerk Zaanstreek", K.BEGELEIDING),
        ],
        [
            DemoPerson(
                "regievoerder@zaanstreek.demo",
                "Zeynep Zaan",
                "Gemeente Zaanstad",
                Role.REGIEVOERDER,
            ),
            DemoPerson(
                "docent@zaanstreek.demo", "Daan Docent", "Taalschool Zaan", Role.TAALAANBIEDER
            ),
            DemoPerson("coa@zaanstreek.demo", "Zoë Zaandam", "COA-locatie Zaandam", Role.COA),
            DemoPerson(
                "vwn@zaanstreek.demo",
                "Bas Begeleider",
                "VluchtelingenWerk Zaanstreek",
                Role.BEGELEIDER,
            ),
            DemoPerson(
                "beheer@zaanstreek.demo",
                "Wim Waterland",
                "Regiobureau Zaanstreek-Waterland",
                Role.BEHEERDER,
            ),
            DemoPerson(
                "adviseur@regio.demo",
                "Ali Adviseur",
                "Regiobureau Zaanstreek-Waterland",
                Role.REGIOCOORDINATOR,
            ),
        ],
    ),
}

# How an inburgeraar reaches the gemeente (printed on their plan).
CONTACTS = {
    "Gemeente Alkmaar": {
        "contact_email": "inburgering@alkmaar.demo",
        "contact_phone": "072 548 88 88",
    }
}

SUPERADMIN = ("superadmin@portal.demo", "Sanne Superadmin")

LOGINS = [
    (SUPERADMIN[0], "het platform", Role.SUPERADMIN),
    *[(p.email, p.organisation, p.role) for _, (_, _, persons) in REGIOS.items() for p in persons],
]


async def _person(email: str, name: str, demo_hash: str, *, superadmin: bool = False) -> int:
    account = await accounts.account_by_email(email)
    if account is not None:
        return account.id
    return await accounts.create_account(
        email, name, demo_hash, is_demo=True, is_superadmin=superadmin
    )


async def seed_demo(data_key: str, today: date) -> list[str]:
    """Create what is missing of the demo; returns a line per thing created."""
    created = await _seed_tenancy()
    created += await seed_cases(data_key, today)
    return created


async def _seed_tenancy() -> list[str]:
    created: list[str] = []
    demo_hash = hash_password(DEMO_PASSWORD)
    async with write_transaction():
        if await accounts.account_by_email(SUPERADMIN[0]) is None:
            created.append(f"person {SUPERADMIN[0]}")
        await _person(*SUPERADMIN, demo_hash, superadmin=True)
        for slug, (regio_name, organisations, persons) in REGIOS.items():
            regio = await accounts.regio_by_slug(slug)
            if regio is None:
                tenant_id = await accounts.create_regio(slug, regio_name)
                created.append(f"regio {slug}")
            else:
                tenant_id = regio["id"]
            data = TenantData(Scope.system(tenant_id, slug, job="seed-demo"))
            org_ids: dict[str, int] = {}
            for name, kind in organisations:
                row = (
                    await data.select(Organisation, Organisation.id)
                    .where(Organisation.name == name)
                    .first()
                )
                if row is None:
                    org_ids[name] = await data.insert(
                        Organisation, name=name, kind=kind.value, **CONTACTS.get(name, {})
                    )
                    created.append(f"organisation {name}")
                else:
                    org_ids[name] = row["id"]
            for person in persons:
                if await accounts.account_by_email(person.email) is None:
                    created.append(f"person {person.email}")
                person_id = await _person(person.email, person.name, demo_hash)
                exists = await data.exists(Membership).where(
                    (Membership.person == person_id)
                    & (Membership.organisation == org_ids[person.organisation])
                    & (Membership.role == person.role.value)
                )
                if not exists:
                    await data.insert(
                        Membership,
                        person=person_id,
                        organisation=org_ids[person.organisation],
                        role=person.role.value,
                    )
                    created.append(f"membership {person.email} {person.role.value}")
    return created
