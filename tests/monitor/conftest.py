"""A small regio made by hand for the monitor's figures, so every answer is known: two
gemeenten, a taalaanbieder, the regio office with its coordinator, and cases built one
field at a time (no services: the figures must count what is stored, however it came)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from partners.registry import register_all
from partners.taal.tables import Attendance, Enrolment, Group, Lesson
from portal.casefile.tables import Inburgeraar, IntakeEntry, Pip
from portal.core.settings import Settings
from tenants.roles import Role
from tenants.scope import Origin, Scope
from tenants.scoped import TenantData
from tenants.tables import Organisation, Person, Regio

TODAY = date(2026, 6, 30)


@dataclass
class HandMade:
    tenant: int
    gemeente_a: int
    gemeente_b: int
    school: int
    office: int
    coordinator: Scope
    system: Scope
    _group: int | None = None
    _count: int = 0

    async def case(
        self,
        gemeente: int,
        *,
        brp: date | None = None,
        koppeling: date | None = None,
        housing: date | None = None,
        intake: datetime | None = None,
        pip: date | None = None,
        pip_status: str = "vastgesteld",
        lesson: date | None = None,
        leerroute: str | None = None,
        status: str = "aangemeld",
        enrolment: str | None = None,
    ) -> int:
        """One case with exactly the milestones given."""
        self._count += 1
        data = TenantData(self.system)
        case_id = await data.insert(
            Inburgeraar,
            gemeente=gemeente,
            bsn_cipher="x",
            bsn_index=f"hash-{self._count}",
            bsn_last3="123",
            given_names="Test",
            family_name=f"Persoon{self._count}",
            birth_date=date(1990, 1, 1),
            doelgroep="asielstatushouder",
            brp_date=brp,
            koppeling_date=koppeling,
            housing_date=housing,
            pip_dagtekening=pip if pip_status != "concept" else None,
            leerroute=leerroute,
            status=status,
        )
        if intake is not None:
            await data.insert(IntakeEntry, inburgeraar=case_id, section="werk", created_at=intake)
        if pip is not None:
            await data.insert(
                Pip, inburgeraar=case_id, status=pip_status, dagtekening=pip, leerroute=leerroute
            )
        if lesson is not None or enrolment is not None:
            await self._enrol(data, case_id, lesson, leerroute, enrolment or "actief")
        return case_id

    async def _enrol(
        self,
        data: TenantData,
        case_id: int,
        lesson: date | None,
        leerroute: str | None,
        status: str,
    ) -> None:
        if self._group is None:
            self._group = await data.insert(
                Group,
                organisation=self.school,
                name="Groep 1",
                start_date=date(2025, 1, 1),
                end_date=date(2027, 1, 1),
            )
        enrolment = await data.insert(
            Enrolment,
            inburgeraar=case_id,
            organisation=self.school,
            groep=self._group,
            leerroute=leerroute,
            status=status,
        )
        if lesson is None:
            return
        # An absence the day before the first lesson attended: it is no start.
        for day, presence in (
            (date.fromordinal(lesson.toordinal() - 1), "ongeoorloofd"),
            (lesson, "aanwezig"),
        ):
            lesson_id = await data.insert(
                Lesson,
                organisation=self.school,
                groep=self._group,
                lesson_date=day,
                starts="09:00",
                ends="12:00",
                minutes=180,
            )
            await data.insert(
                Attendance,
                organisation=self.school,
                lesson=lesson_id,
                enrolment=enrolment,
                inburgeraar=case_id,
                lesson_date=day,
                status=presence,
            )


async def _organisation(tenant: int, name: str, kind: str) -> int:
    rows = await Organisation.insert(Organisation(tenant=tenant, name=name, kind=kind)).returning(
        Organisation.id
    )
    return rows[0]["id"]


async def make_regio(slug: str) -> HandMade:
    """A regio with two gemeenten, a school and a coordinator, no cases."""
    register_all(web=False)
    tenant = (await Regio.insert(Regio(slug=slug, name=f"Regio {slug}")).returning(Regio.id))[0][
        "id"
    ]
    a = await _organisation(tenant, "Gemeente Aa", "gemeente")
    b = await _organisation(tenant, "Gemeente Bee", "gemeente")
    school = await _organisation(tenant, "Taalschool T", "taalaanbieder")
    office = await _organisation(tenant, "Regiobureau", "regio")
    person = (
        await Person.insert(
            Person(email=f"coordinator@{slug}.test", full_name="Co Ordinator")
        ).returning(Person.id)
    )[0]["id"]
    coordinator = Scope(
        tenant, slug, person, office, Role.REGIOCOORDINATOR, origin=Origin("127.0.0.1", "t", "/")
    )
    return HandMade(tenant, a, b, school, office, coordinator, Scope.system(tenant, slug, "test"))


@pytest.fixture
async def regio(db: Settings) -> HandMade:
    return await make_regio("handwerk")


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)
