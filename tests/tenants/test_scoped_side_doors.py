"""The side doors of the scoped data layer stay shut: new values are checked against the
write rule, joined tables are read under their own rule, a role reads only its declared
columns, the bulk insert checks what the single insert checks, and a request's system view
is audited with who asked and why."""

from __future__ import annotations

from datetime import date

import pytest

from partners.taal.tables import Holiday
from portal.casefile.tables import PARTNER_VIEW, Inburgeraar, PipTask
from portal.core.audit import AuditEntry
from portal.core.settings import Settings
from portal.demo_cases import demo_scope
from tenants.roles import Role
from tenants.scope import Origin, Scope
from tenants.scoped import NotFound, ProtectedField, ScopeError, TenantData
from tenants.tables import Organisation

DOCENT = "docent@taal.alkmaar.demo"
BEGELEIDER = "begeleider@alkmaar.demo"
REGIE = "regievoerder@alkmaar.demo"


async def _system(scope: Scope) -> TenantData:
    return TenantData(Scope.system(scope.tenant_id or 0, scope.tenant_slug or "", "test"))


async def _organisation(data: TenantData, name: str) -> int:
    row = await data.select(Organisation, Organisation.id).where(Organisation.name == name).first()
    return row["id"]


async def test_partner_cannot_move_its_task_to_another_organisation(demo: Settings) -> None:
    docent = await demo_scope(DOCENT, Role.TAALAANBIEDER)
    system = await _system(docent)
    data = TenantData(docent)
    task = await data.select(PipTask, PipTask.id, PipTask.inburgeraar).first()
    assert task is not None
    other = await _organisation(system, "ROC Noordkust")
    with pytest.raises(NotFound):
        await data.update(PipTask, task["id"], assigned_organisation=other)
    after = await system.get(PipTask, task["id"], PipTask.assigned_organisation)
    assert after["assigned_organisation"] == docent.organisation_id


async def test_partner_cannot_insert_a_row_its_rule_would_not_let_it_write(
    demo: Settings,
) -> None:
    docent = await demo_scope(DOCENT, Role.TAALAANBIEDER)
    system = await _system(docent)
    data = TenantData(docent)
    task = await data.select(PipTask, PipTask.inburgeraar, PipTask.gemeente).first()
    other = await _organisation(system, "ROC Noordkust")
    before = await system.count(PipTask)
    with pytest.raises(NotFound):
        await data.insert(
            PipTask,
            inburgeraar=task["inburgeraar"],
            gemeente=task["gemeente"],
            assigned_organisation=other,
            kind="handmatig",
            title="Voor een ander",
        )
    assert await system.count(PipTask) == before


async def test_bulk_insert_checks_what_a_single_insert_checks(demo: Settings) -> None:
    docent = await demo_scope(DOCENT, Role.TAALAANBIEDER)
    system = await _system(docent)
    data = TenantData(docent)
    other = await _organisation(system, "ROC Noordkust")
    zaan = await demo_scope("docent@zaanstreek.demo", Role.TAALAANBIEDER)
    day = date(2031, 1, 6)

    def holiday(organisation: int | None) -> dict[str, object]:
        return {"organisation": organisation, "name": "Vrij", "first_day": day, "last_day": day}

    before = await system.count(Holiday)
    with pytest.raises(ProtectedField):
        await data.insert_many(Holiday, [holiday(docent.organisation_id) | {"tenant": 99}])
    # Another school's row among the school's own: the write rule holds for every new row.
    with pytest.raises(NotFound):
        await data.insert_many(Holiday, [holiday(docent.organisation_id), holiday(other)])
    # A reference into another regio.
    with pytest.raises(NotFound):
        await data.insert_many(Holiday, [holiday(zaan.organisation_id)])
    assert await system.count(Holiday) == before
    await data.insert_many(Holiday, [holiday(docent.organisation_id)] * 3)
    assert await system.count(Holiday) == before + 3


async def test_columns_through_a_join_are_read_under_the_joined_tables_rule(
    demo: Settings,
) -> None:
    begeleider = await demo_scope(BEGELEIDER, Role.BEGELEIDER)
    system = await _system(begeleider)
    # A case nobody has named to this begeleider, with a task of the organisation that
    # nobody is named to yet: the begeleider sees the task, not the case.
    named = system.select(PipTask, PipTask.inburgeraar).where(
        PipTask.assigned_person == begeleider.person_id
    )
    case = (
        await system.select(Inburgeraar, Inburgeraar.id, Inburgeraar.gemeente)
        .where(Inburgeraar.id.not_in(named))
        .first()
    )
    task_id = await system.insert(
        PipTask,
        inburgeraar=case["id"],
        gemeente=case["gemeente"],
        assigned_organisation=begeleider.organisation_id,
        kind="begeleiding",
        title="Nog niemand",
    )
    data = TenantData(begeleider)
    with pytest.raises(NotFound):
        await data.get(Inburgeraar, case["id"], Inburgeraar.phone)
    assert await data.get(PipTask, task_id, PipTask.id)
    # Declared with the task's policy: whose task it is.
    row = await data.get(PipTask, task_id, PipTask.inburgeraar.family_name.as_alias("name"))
    assert row["name"]
    # Not declared: the joined case's own rule applies, and hides it.
    through = data.select(PipTask, PipTask.id, PipTask.inburgeraar.phone.as_alias("phone"))
    assert await through.where(PipTask.id == task_id) == []


async def test_a_role_reads_only_the_columns_declared_for_it(demo: Settings) -> None:
    docent = await demo_scope(DOCENT, Role.TAALAANBIEDER)
    data = TenantData(docent)
    case = await data.select(Inburgeraar, Inburgeraar.id).first()
    assert case is not None
    for column in (Inburgeraar.bsn_cipher, Inburgeraar.birth_date, Inburgeraar.health_basis):
        with pytest.raises(ScopeError):
            await data.get(Inburgeraar, case["id"], column)
    with pytest.raises(ScopeError):
        await data.select(PipTask, PipTask.id, PipTask.inburgeraar.birth_date.as_alias("born"))
    everything = await data.get(Inburgeraar, case["id"])
    assert set(everything) == {column._meta.name for column in PARTNER_VIEW}
    regie = TenantData(await demo_scope(REGIE))
    assert "bsn_cipher" in await regie.select(Inburgeraar).first()


async def test_a_request_looks_across_the_regio_only_through_an_audited_system_view(
    demo: Settings,
) -> None:
    regie = await demo_scope(REGIE)
    scope = Scope(
        **{**regie.__dict__, "origin": Origin(ip="192.0.2.7", trace_id="t-as-system", route="/x")}
    )
    own = TenantData(scope)
    system = await own.as_system("proef: dubbele BSN")
    assert system.scope.role is Role.SYSTEM and system.scope.tenant_id == scope.tenant_id
    assert await system.count(Inburgeraar) > await own.count(Inburgeraar)
    entries = await AuditEntry.select().where(AuditEntry.trace_id == "t-as-system")
    assert len(entries) == 1
    entry = entries[0]
    assert entry["action"] == "as_system"
    assert entry["actor_person_id"] == regie.person_id
    assert "proef: dubbele BSN" in entry["purpose"]
