"""Roles and organisation kinds, and which role may be held at which kind of organisation."""

from __future__ import annotations

from enum import StrEnum


class OrganisationKind(StrEnum):
    GEMEENTE = "gemeente"
    TAALAANBIEDER = "taalaanbieder"
    COA = "coa"
    BEGELEIDING = "begeleiding"
    PARTICIPATIE = "participatie"
    REGIO = "regio"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    OrganisationKind.GEMEENTE: "Gemeente",
    OrganisationKind.TAALAANBIEDER: "Taalaanbieder / ROC",
    OrganisationKind.COA: "COA-locatie",
    OrganisationKind.BEGELEIDING: "Maatschappelijke begeleiding",
    OrganisationKind.PARTICIPATIE: "Participatiepartner",
    OrganisationKind.REGIO: "Regiobureau",
}


class Role(StrEnum):
    REGIEVOERDER = "regievoerder"
    TAALAANBIEDER = "taalaanbieder"
    COA = "coa"
    BEGELEIDER = "begeleider"
    REGIOCOORDINATOR = "regiocoordinator"
    BEHEERDER = "beheerder"
    PRIVACY = "privacy"
    # Not held through a membership: a platform flag on the person, or a background job.
    SUPERADMIN = "superadmin"
    SYSTEM = "system"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.REGIEVOERDER: "Regievoerder",
    Role.TAALAANBIEDER: "Taalaanbieder",
    Role.COA: "COA-medewerker",
    Role.BEGELEIDER: "Begeleider",
    Role.REGIOCOORDINATOR: "Regiocoördinator",
    Role.BEHEERDER: "Beheerder",
    Role.PRIVACY: "Privacyfunctionaris",
    Role.SUPERADMIN: "Platformbeheerder",
    Role.SYSTEM: "Systeem",
}

# Which organisation kinds a membership role fits; a taalaanbieder role at a gemeente would
# hand a school's view to the wrong party, so memberships are checked against this.
ROLE_KINDS: dict[Role, frozenset[OrganisationKind]] = {
    Role.REGIEVOERDER: frozenset({OrganisationKind.GEMEENTE}),
    Role.TAALAANBIEDER: frozenset({OrganisationKind.TAALAANBIEDER}),
    Role.COA: frozenset({OrganisationKind.COA}),
    Role.BEGELEIDER: frozenset({OrganisationKind.BEGELEIDING, OrganisationKind.PARTICIPATIE}),
    Role.REGIOCOORDINATOR: frozenset({OrganisationKind.REGIO, OrganisationKind.GEMEENTE}),
    Role.BEHEERDER: frozenset({OrganisationKind.REGIO, OrganisationKind.GEMEENTE}),
    Role.PRIVACY: frozenset({OrganisationKind.REGIO, OrganisationKind.GEMEENTE}),
}

MEMBERSHIP_ROLES: tuple[Role, ...] = tuple(ROLE_KINDS)


def role_fits(role: Role, kind: OrganisationKind) -> bool:
    return kind in ROLE_KINDS.get(role, frozenset())
