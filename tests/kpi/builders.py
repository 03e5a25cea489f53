"""Small hand-made regio's for the KPI tests: one gemeente, two schools and whatever rows a
test names, inserted as the system would (no demo, no services), so every expected value can
be worked out by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from itertools import count
from typing import Any

from partners.taal.tables import (
    Attendance,
    Enrolment,
    Group,
    Lesson,
    ProgressReport,
    VerzuimSignal,
)
from portal.casefile.tables import Inburgeraar, PipTask
from portal.core.clock import AMSTERDAM
from tenants.scope import Scope
from tenants.scoped import TenantData
from tenants.tables import Organisation, Regio

_numbers = count(1)


def at(day: date, hour: int = 10) -> datetime:
    """A moment on a Dutch day (10:00 Amsterdam time unless told)."""
    return datetime.combine(day, time(hour), tzinfo=AMSTERDAM).astimezone(UTC)


@dataclass
class KpiRegio:
    scope: Scope
    gemeente: int
    school: int
    other_school: int
    groups: dict[int, int] = field(default_factory=dict)

    @property
    def data(self) -> TenantData:
        return TenantData(self.scope)

    async def learner(self, family_name: str, pip_dagtekening: date | None = None) -> int:
        n = next(_numbers)
        return await self.data.insert(
            Inburgeraar,
            gemeente=self.gemeente,
            bsn_cipher="test",
            bsn_index=f"kpi-{n}",
            bsn_last3="000",
            given_names="Cursist",
            family_name=family_name,
            birth_date=date(1990, 1, 1),
            doelgroep="asielstatushouder",
            leerroute="B",
            pip_dagtekening=pip_dagtekening,
            status="pip",
        )

    async def group(self, school: int) -> int:
        if school not in self.groups:
            self.groups[school] = await self.data.insert(
                Group,
                organisation=school,
                name=f"Groep {school}",
                start_date=date(2026, 1, 1),
                end_date=date(2027, 12, 31),
            )
        return self.groups[school]

    async def enrolment(
        self,
        learner: int,
        school: int | None = None,
        *,
        created: datetime | None = None,
        intake_date: date | None = None,
        minutes_per_week: int | None = 600,
        status: str = "actief",
    ) -> int:
        school = school or self.school
        values: dict[str, Any] = {
            "inburgeraar": learner,
            "organisation": school,
            "groep": await self.group(school),
            "minutes_per_week": minutes_per_week,
            "intake_date": intake_date,
            "status": status,
        }
        if created is not None:
            values["created_at"] = created
        return await self.data.insert(Enrolment, **values)

    async def lesson(
        self,
        day: date,
        school: int | None = None,
        *,
        minutes: int = 180,
        status: str = "gepland",
        register: str = "ondertekend",
    ) -> int:
        school = school or self.school
        return await self.data.insert(
            Lesson,
            organisation=school,
            groep=await self.group(school),
            lesson_date=day,
            starts="09:00",
            ends="12:00",
            minutes=minutes,
            status=status,
            register_status=register,
        )

    async def line(
        self,
        lesson: int,
        enrolment: int,
        status: str = "aanwezig",
        *,
        attended: int | None = None,
        confirmed: bool = False,
        current: bool = True,
        version: int = 1,
        source: str = "register",
    ) -> int:
        row = await self.data.get(
            Lesson, lesson, Lesson.organisation, Lesson.lesson_date, Lesson.minutes
        )
        learner = await self.data.get(Enrolment, enrolment, Enrolment.inburgeraar)
        present = status in ("aanwezig", "te_laat")
        return await self.data.insert(
            Attendance,
            organisation=row["organisation"],
            lesson=lesson,
            enrolment=enrolment,
            inburgeraar=learner["inburgeraar"],
            lesson_date=row["lesson_date"],
            status=status,
            minutes_offered=row["minutes"],
            minutes_attended=(row["minutes"] if present else 0) if attended is None else attended,
            confirmed_at=at(row["lesson_date"], 12) if confirmed else None,
            current=current,
            version=version,
            source=source,
        )

    async def signal(self, enrolment: int, last_lesson: date, raised: datetime) -> int:
        row = await self.data.get(
            Enrolment, enrolment, Enrolment.inburgeraar, Enrolment.organisation
        )
        return await self.data.insert(
            VerzuimSignal,
            enrolment=enrolment,
            inburgeraar=row["inburgeraar"],
            organisation=row["organisation"],
            gemeente=self.gemeente,
            rule_kind="reeks",
            unique_key=f"kpi-{next(_numbers)}",
            last_lesson_date=last_lesson,
            created_at=raised,
        )

    async def report(
        self,
        enrolment: int,
        period_end: date,
        *,
        filed: datetime | None = None,
        kind: str = "voortgang",
        advice: str = "op_schema",
        **exams: str,
    ) -> int:
        row = await self.data.get(
            Enrolment, enrolment, Enrolment.inburgeraar, Enrolment.organisation
        )
        levels = {f"level_{s}": "A2" for s in ("lezen", "luisteren", "spreken", "schrijven", "knm")}
        return await self.data.insert(
            ProgressReport,
            enrolment=enrolment,
            inburgeraar=row["inburgeraar"],
            organisation=row["organisation"],
            kind=kind,
            period_end=period_end,
            advice=advice,
            created_at=filed or at(period_end),
            **levels,
            **{f"exam_{part}": result for part, result in exams.items()},
        )

    async def task(
        self,
        learner: int,
        kind: str,
        *,
        school: int | None = None,
        due: date | None = None,
        created: datetime | None = None,
        closed: datetime | None = None,
        status: str | None = None,
    ) -> int:
        values: dict[str, Any] = {
            "inburgeraar": learner,
            "assigned_organisation": school or self.school,
            "gemeente": self.gemeente,
            "kind": kind,
            "title": kind,
            "due_date": due,
            "status": status or ("afgerond" if closed else "open"),
        }
        if created is not None:
            values["created_at"] = created
        if closed is not None:
            values["updated_at"] = closed
        elif created is not None:
            values["updated_at"] = created
        return await self.data.insert(PipTask, **values)


async def kpi_regio(slug: str = "kpi") -> KpiRegio:
    """A new regio with a gemeente and two taalaanbieders."""
    made = await Regio.insert(Regio(slug=slug, name=f"Regio {slug}")).returning(Regio.id)
    scope = Scope.system(made[0]["id"], slug, "kpi-test")
    data = TenantData(scope)

    async def organisation(name: str, kind: str) -> int:
        return await data.insert(Organisation, name=name, kind=kind)

    return KpiRegio(
        scope=scope,
        gemeente=await organisation("Gemeente Proef", "gemeente"),
        school=await organisation("Taalschool Noord", "taalaanbieder"),
        other_school=await organisation("Taalschool Zuid", "taalaanbieder"),
    )
