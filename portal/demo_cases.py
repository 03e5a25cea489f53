"""Demo inburgeraars in every stage, registered through the same services people use.

Dates are relative to today, so the demo always shows a case that is late, one that is due
within two weeks, one on schedule and one with a vastgesteld PIP and its tasks. BSNs are in
the 99999xxxx test range and pass the elfproef. Idempotent: a case whose BSN exists is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from portal.casefile import inburgeraars, intake, pip_tasks, pips
from portal.casefile.tables import Inburgeraar
from portal.core import bsn
from tenants import accounts
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData
from tenants.tables import Organisation


@dataclass(frozen=True)
class DemoCase:
    regievoerder: str
    bsn: str
    v_nummer: str
    given_names: str
    family_name: str
    birth_date: str
    doelgroep: str
    brp_days_ago: int
    languages: str
    pip: bool = False
    intake: bool = False
    # A task the regievoerder added by hand for their own gemeente, due this many days ago
    # (so the demo shows a task that is overdue, and its reminder).
    late_task_days: int | None = None


CASES = (
    DemoCase(
        "regievoerder@alkmaar.demo",
        "999990019",
        "2301456789",
        "Amina",
        "Haddad",
        "1991-04-12",
        "asielstatushouder",
        50,
        "Arabisch, Engels",
        pip=True,
    ),
    DemoCase(
        "regievoerder@alkmaar.demo",
        "999990020",
        "2301456790",
        "Yonas",
        "Tesfay",
        "1998-09-03",
        "asielstatushouder",
        60,
        "Tigrinya",
    ),
    DemoCase(
        "regievoerder@alkmaar.demo",
        "999990032",
        "",
        "Samir",
        "Al-Masri",
        "1985-01-22",
        "gezinsmigrant",
        90,
        "Arabisch",
        late_task_days=5,
    ),
    DemoCase(
        "regievoerder@alkmaar.demo",
        "999990044",
        "2301456792",
        "Mariam",
        "Yusuf",
        "2001-06-30",
        "asielstatushouder",
        10,
        "Somalisch, Engels",
        intake=True,
    ),
    DemoCase(
        "regievoerder@heiloo.demo",
        "999990056",
        "2301456793",
        "Dawit",
        "Bekele",
        "1994-11-15",
        "asielstatushouder",
        30,
        "Amhaars",
    ),
    DemoCase(
        "regievoerder@zaanstreek.demo",
        "999990068",
        "2301456794",
        "Hassan",
        "Nouri",
        "1989-02-08",
        "asielstatushouder",
        40,
        "Dari, Farsi",
    ),
)


DEMO_INTAKE = {
    "gesprekken": {"aanwezigen": "Inburgeraar, regievoerder, tolk", "tolk": "1"},
    "taalniveau": {"niveau_nl": "A0", "alfabetisering": "NVT", "andere_talen": "Engels A2"},
    "opleiding_werk": {"opleiding": "Middelbare school afgerond", "werkervaring": "Verkoper"},
    "werk_participatie": {"ambities": "Werken in de zorg"},
}


async def demo_scope(email: str, role: Role = Role.REGIEVOERDER) -> Scope:
    """The scope a demo person acts in with one of their roles (the demo's own log-in)."""
    account = await accounts.account_by_email(email)
    membership = next(m for m in await accounts.own_memberships(account.id) if m.role is role)
    return Scope(
        tenant_id=membership.tenant_id,
        tenant_slug=membership.tenant_slug,
        person_id=account.id,
        organisation_id=membership.organisation_id,
        role=role,
        membership_id=membership.membership_id,
    )


async def _organisation_id(scope: Scope, name: str) -> str:
    row = (
        await TenantData(scope)
        .select(Organisation, Organisation.id)
        .where(Organisation.name == name)
        .first()
    )
    return str(row["id"])


async def seed_cases(data_key: str, today: date) -> list[str]:
    """Register the demo cases that are missing; returns a line per case created."""
    created = []
    for case in CASES:
        scope = await demo_scope(case.regievoerder)
        regio = TenantData(Scope.system(scope.tenant_id or 0, scope.tenant_slug or "", "seed-demo"))
        if await regio.exists(Inburgeraar).where(
            Inburgeraar.bsn_index == bsn.index(case.bsn, data_key)
        ):
            continue
        brp = today - timedelta(days=case.brp_days_ago)
        inburgeraar_id = await inburgeraars.register(
            scope,
            inburgeraars.NewInburgeraar(
                bsn=case.bsn,
                v_nummer=case.v_nummer,
                given_names=case.given_names,
                family_name=case.family_name,
                birth_date=case.birth_date,
                doelgroep=case.doelgroep,
                nareiziger=False,
                plicht_start=(brp - timedelta(days=30)).isoformat(),
                brp_date=brp.isoformat(),
                languages=case.languages,
                interpreter_needed=True,
                phone="06 12345678",
                email="",
            ),
            data_key,
            today,
        )
        created.append(f"inburgeraar {case.given_names} {case.family_name}")
        if case.intake or case.pip:
            for section, answers in DEMO_INTAKE.items():
                await intake.save_section(scope, inburgeraar_id, section, answers)
        if case.pip:
            await pips.save_concept(
                scope,
                inburgeraar_id,
                pips.PipInput(
                    dagtekening=(today - timedelta(days=3)).isoformat(),
                    leerroute="B",
                    niveau="B1",
                    intensiteit_b1="900",
                    reasoning="Leerbaarheidstoets ruim voldoende; eerder onderwijs in Syrië (hbo).",
                    ontzorgen_months="6",
                    taalaanbieder=await _organisation_id(scope, "Taalhuis Kennemerland"),
                    begeleider_organisation=await _organisation_id(
                        scope, "VluchtelingenWerk Noord-Holland"
                    ),
                    participatie_organisation=await _organisation_id(
                        scope, "Werkkracht Participatie"
                    ),
                ),
            )
            await pips.vaststellen(scope, inburgeraar_id, today)
        if case.late_task_days is not None:
            await pip_tasks.add_task(
                scope,
                inburgeraar_id,
                pip_tasks.NewTask(
                    title="Gesprek over de brede intake plannen",
                    organisation_id=str(scope.organisation_id),
                    due_date=(today - timedelta(days=case.late_task_days)).isoformat(),
                ),
                today,
            )
    return created
