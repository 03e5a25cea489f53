"""Hand-made convenants for reminder and overlap tests: inserted as the system would, on a
hand-made regio (tests/kpi/builders.py), so every expected reminder can be worked out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from partners.convenants.tables import (
    Convenant,
    ConvenantParty,
    ConvenantTerm,
    ConvenantVersion,
    KpiValue,
)
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData
from tenants.tables import Membership, Organisation, Person
from tests.kpi.builders import KpiRegio


@dataclass(frozen=True)
class Term:
    code: str
    comparison: str = "ge"
    target_centi: int = 8500
    tolerance_centi: int = 8000
    period_kind: str = "maand"
    window_workdays: int | None = None


@dataclass
class Office:
    organisation: int
    coordinator: int
    # A regiocoördinator at a gemeente: not of the convenant's regio office.
    outsider: int


async def person(regio: KpiRegio, email: str, organisation: int, role: Role) -> int:
    made = await Person.insert(Person(email=email, full_name=email.split("@")[0])).returning(
        Person.id
    )
    await regio.data.insert(
        Membership, person=made[0]["id"], organisation=organisation, role=role.value
    )
    return made[0]["id"]


async def office(regio: KpiRegio) -> Office:
    """The regio office with its coordinator, and a coordinator who works at the gemeente."""
    organisation = await regio.data.insert(Organisation, name="Regiobureau Proef", kind="regio")
    return Office(
        organisation,
        await person(regio, "coordinator@regio.test", organisation, Role.REGIOCOORDINATOR),
        await person(regio, "coordinator@gemeente.test", regio.gemeente, Role.REGIOCOORDINATOR),
    )


async def active_convenant(
    regio: KpiRegio,
    office_id: int,
    start: date,
    end: date,
    terms: tuple[Term, ...] = (),
    title: str = "Convenant taal Proef",
    status: str = "actief",
) -> int:
    """A convenant all parties accepted (version 1) with the two schools as parties."""
    data = regio.data
    now = datetime.now(UTC)
    convenant = await data.insert(
        Convenant,
        regio_organisation=office_id,
        title=title,
        period_start=start,
        period_end=end,
        status=status,
        version=1,
        active_version=1,
        first_sent_at=now,
    )
    version = await data.insert(
        ConvenantVersion, convenant=convenant, number=1, sent_at=now, accepted_at=now
    )
    await data.insert(
        ConvenantParty,
        convenant=convenant,
        organisation=office_id,
        kind="regio",
        signing_role=Role.REGIOCOORDINATOR.value,
    )
    for school in (regio.school, regio.other_school):
        await data.insert(
            ConvenantParty,
            convenant=convenant,
            organisation=school,
            kind="taalaanbieder",
            signing_role=Role.TAALAANBIEDER.value,
        )
    for line, term in enumerate(terms, start=1):
        values = {
            "convenant": convenant,
            "version": version,
            "line": line,
            "code": term.code,
            "kind": "kpi",
            "partner_kind": "taalaanbieder",
            "comparison": term.comparison,
            "target_centi": term.target_centi,
            "tolerance_centi": term.tolerance_centi,
            "period_kind": term.period_kind,
        }
        if term.window_workdays is not None:
            values["window_workdays"] = term.window_workdays
        await data.insert(ConvenantTerm, **values)
    return convenant


async def stored_value(
    scope: Scope, code: str, organisation: int, key: str, numerator: float, denominator: float
) -> None:
    """A value the nightly close stored for a closed month."""
    await TenantData(scope).insert(
        KpiValue,
        code=code,
        organisation=organisation,
        period_kind="maand",
        period_key=key,
        numerator=numerator,
        denominator=denominator,
    )
