"""Demo data of the begeleiding package, on top of the case-file demo (idempotent).

Bea Begeleider (VluchtelingenWerk Noord-Holland) begeleidt Amina Haddad (checklist partly
done, contact moments, a PVT with one workshop behind her) and Layla Ahmadi (just started).
Tesfalem Gebre's begeleiding and PVT wait for someone to take them on. Everything goes through
the same services people use: the regievoerder registers and sets the PIP, Bea takes the work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from partners.begeleiding import assignment, begeleidingen, pvt
from portal.casefile import inburgeraars, pips
from portal.casefile.tables import Inburgeraar, PipTask
from portal.core import bsn
from portal.demo_cases import demo_scope
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData
from tenants.tables import Organisation

REGIEVOERDER = "regievoerder@alkmaar.demo"
BEGELEIDER = "begeleider@alkmaar.demo"
VWN = "VluchtelingenWerk Noord-Holland"


@dataclass(frozen=True)
class DemoWork:
    """What Bea has done for one person: checklist items (status, days ago, notes), contact
    moments (kind, days ago, note) and PVT workshops (title, days from today, attended)."""

    items: dict[str, tuple[str, int | None, str]] = field(default_factory=dict)
    contacts: tuple[tuple[str, int, str], ...] = ()
    workshops: tuple[tuple[str, int, bool], ...] = ()


@dataclass(frozen=True)
class DemoPerson:
    bsn: str
    given_names: str
    family_name: str
    birth_date: str
    languages: str
    work: DemoWork | None  # None: nobody is named yet


HADDAD = DemoWork(
    items={
        "woning": ("geregeld", 20, "Sleutels ontvangen, huurcontract getekend."),
        "brp": ("geregeld", 18, ""),
        "bank": ("bezig", None, "Afspraak bij de bank staat."),
        "zorgverzekering": ("geregeld", 15, "Basisverzekering via de gemeente."),
        "school": ("niet_nodig", None, "Geen kinderen."),
    },
    contacts=(
        ("huisbezoek", 21, "Kennismaking en woning bekeken."),
        ("spreekuur", 14, "Post doorgenomen."),
        ("telefoon", 3, "Afspraak bank bevestigd."),
    ),
    workshops=(("Vrijheid en gelijkwaardigheid", -10, True), ("Participatie", 14, False)),
)
PEOPLE = (
    DemoPerson(
        "999990366",
        "Layla",
        "Ahmadi",
        "1993-03-14",
        "Farsi, Engels",
        DemoWork(
            items={"woning": ("geregeld", 2, "Sleutels ontvangen."), "brp": ("bezig", None, "")},
            contacts=(("huisbezoek", 2, "Eerste gesprek, samen met tolk."),),
        ),
    ),
    DemoPerson("999990378", "Tesfalem", "Gebre", "1996-07-02", "Tigrinya, Engels", None),
)


async def _organisation_id(scope: Scope, name: str) -> str:
    row = await (
        TenantData(scope)
        .select(Organisation, Organisation.id)
        .where(Organisation.name == name)
        .first()
    )
    return str(row["id"])


async def _register(regie: Scope, person: DemoPerson, data_key: str, today: date) -> int:
    brp = today - timedelta(days=40)
    inburgeraar_id = await inburgeraars.register(
        regie,
        inburgeraars.NewInburgeraar(
            bsn=person.bsn,
            v_nummer="",
            given_names=person.given_names,
            family_name=person.family_name,
            birth_date=person.birth_date,
            doelgroep="asielstatushouder",
            nareiziger=False,
            plicht_start=(brp - timedelta(days=30)).isoformat(),
            brp_date=brp.isoformat(),
            languages=person.languages,
            interpreter_needed=True,
            phone="06 23456789",
            email="",
        ),
        data_key,
        today,
    )
    await pips.save_concept(
        regie,
        inburgeraar_id,
        pips.PipInput(
            dagtekening=(today - timedelta(days=7)).isoformat(),
            leerroute="Z",
            reasoning="Laag op de leerbaarheidstoets; weinig eerder onderwijs.",
            ontzorgen_months="6",
            taalaanbieder=await _organisation_id(regie, "Leerwerkplaats De Brug"),
            begeleider_organisation=await _organisation_id(regie, VWN),
            participatie_organisation=await _organisation_id(regie, "Werkkracht Participatie"),
        ),
    )
    await pips.vaststellen(regie, inburgeraar_id, today)
    return inburgeraar_id


async def _tasks(bea: Scope, inburgeraar_id: int) -> dict[str, dict]:
    rows = await (
        TenantData(bea)
        .select(PipTask, PipTask.id, PipTask.kind, PipTask.assigned_person)
        .where(PipTask.inburgeraar == inburgeraar_id)
        .where(PipTask.kind.is_in(list(assignment.KINDS)))
    )
    return {row["kind"]: row for row in rows}


async def _work(bea: Scope, tasks: dict[str, dict], work: DemoWork, today: date) -> None:
    begeleiding_id = tasks[assignment.BEGELEIDING]["id"]
    await assignment.name_begeleider(bea, begeleiding_id, str(bea.person_id))
    for key, (status, days_ago, notes) in work.items.items():
        done_on = (today - timedelta(days=days_ago)).isoformat() if days_ago is not None else ""
        await begeleidingen.save_item(
            bea, begeleiding_id, begeleidingen.ItemInput(key, status, done_on, notes), today
        )
    for kind, days_ago, note in work.contacts:
        held_on = (today - timedelta(days=days_ago)).isoformat()
        await begeleidingen.add_contact(
            bea, begeleiding_id, begeleidingen.ContactInput(held_on, kind, note), today
        )
    if not work.workshops:
        return
    pvt_id = tasks[assignment.PVT]["id"]
    await assignment.name_begeleider(bea, pvt_id, str(bea.person_id))
    for title, days_ahead, _attended in work.workshops:
        planned_on = (today + timedelta(days=days_ahead)).isoformat()
        await pvt.add_workshop(bea, pvt_id, pvt.WorkshopInput(title, planned_on))
    loaded = await pvt.load(bea, pvt_id)
    for workshop, (_title, _days, attended) in zip(
        loaded["workshops"], work.workshops, strict=True
    ):
        if attended:
            await pvt.set_attendance(bea, pvt_id, str(workshop["id"]), "aanwezig", today)


async def seed(data_key: str, today: date) -> list[str]:
    """Create what is missing of this package's demo; returns a line per thing created."""
    regie = await demo_scope(REGIEVOERDER, Role.REGIEVOERDER)
    bea = await demo_scope(BEGELEIDER, Role.BEGELEIDER)
    regio = TenantData(Scope.system(regie.tenant_id or 0, regie.tenant_slug or "", "seed-demo"))
    created: list[str] = []
    haddad = await (
        regio.select(Inburgeraar, Inburgeraar.id).where(Inburgeraar.family_name == "Haddad").first()
    )
    if haddad:
        # Bea sees the task while nobody is named to it, and after she took it on.
        tasks = await _tasks(bea, haddad["id"])
        begeleiding = tasks.get(assignment.BEGELEIDING)
        if begeleiding and begeleiding["assigned_person"] is None:
            await _work(bea, tasks, HADDAD, today)
            created.append("begeleiding Amina Haddad")
    for person in PEOPLE:
        if await regio.exists(Inburgeraar).where(
            Inburgeraar.bsn_index == bsn.index(person.bsn, data_key)
        ):
            continue
        inburgeraar_id = await _register(regie, person, data_key, today)
        created.append(f"inburgeraar {person.given_names} {person.family_name}")
        if person.work is not None:
            await _work(bea, await _tasks(bea, inburgeraar_id), person.work, today)
            created.append(f"begeleiding {person.given_names} {person.family_name}")
    return created
