"""What the taal package tells the regio's figures: when a case's leerroute started (its
first lesson attended) and how many inburgeraars each taalaanbieder teaches now. Both are
aggregates in the database (portal/kpi/milestones.py gives the contract)."""

from __future__ import annotations

from piccolo.query import Select
from piccolo.query.functions.aggregate import Count, Min

from partners.taal.registers import PRESENT
from partners.taal.tables import Attendance, Enrolment
from portal.casefile.tables import Inburgeraar
from portal.kpi.milestones import PartnerCount
from tenants.scoped import TenantData

# A learner being taught: placed and not ended (an interruption still holds the place).
ACTIVE_ENROLMENT = ("actief", "onderbroken")


def first_lesson(data: TenantData) -> Select:
    """The first day the case's inburgeraar attended a lesson (present or late, the current
    version of the register line): the start of the leerroute."""
    return (
        data.select(Attendance, Min(Attendance.lesson_date))
        .where(Attendance.inburgeraar == Inburgeraar.id)
        .where(Attendance.current.eq(True))
        .where(Attendance.status.is_in(list(PRESENT)))
    )


async def active_learners(data: TenantData) -> list[PartnerCount]:
    """Inburgeraars with an active or interrupted enrolment, per taalaanbieder and leerroute."""
    rows = await (
        data.select(
            Enrolment,
            Enrolment.organisation.as_alias("organisation_id"),
            Enrolment.organisation.name.as_alias("organisation"),
            Enrolment.leerroute,
            Count(distinct=[Enrolment.inburgeraar]),
        )
        .where(Enrolment.status.is_in(list(ACTIVE_ENROLMENT)))
        .group_by(Enrolment.organisation, Enrolment.organisation.name, Enrolment.leerroute)
    )
    return [
        PartnerCount(r["organisation_id"], r["organisation"], r["leerroute"], r["count"])
        for r in rows
    ]
