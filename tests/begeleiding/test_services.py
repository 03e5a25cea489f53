"""The begeleiding services called directly with a begeleider's scope, on both engines."""

from __future__ import annotations

from datetime import timedelta

import pytest

from partners.begeleiding import assignment, begeleidingen, progress, pvt
from portal.core.clock import today
from portal.core.validation import ValidationFailed
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound
from tests.begeleiding.conftest import scalar

TODAY = today()


async def _scope(ids: dict[str, int], who: str = "bea", role: Role = Role.BEGELEIDER) -> Scope:
    tenant = await scalar("SELECT id FROM regio WHERE slug = 'alkmaar'")
    organisation = await scalar(
        "SELECT organisation FROM membership WHERE person = "  # noqa: S608
        f"{ids[who]} AND role = '{role.value}'"
    )
    return Scope(tenant, "alkmaar", ids[who], organisation, role)


async def test_taking_on_work_names_the_begeleider_and_starts_the_task(
    ids: dict[str, int],
) -> None:
    bea = await _scope(ids)
    task = ids["gebre_begeleiding"]
    name = await assignment.name_begeleider(bea, task, str(ids["bea"]))
    assert name == "Bea Begeleider"
    # Named, but not started: the status moves at the first piece of work.
    assert await scalar(f"SELECT status FROM pip_task WHERE id = {task}") == "open"  # noqa: S608
    await begeleidingen.save_item(
        bea, task, begeleidingen.ItemInput("woning", "bezig", "", "Bezichtiging"), TODAY
    )
    assert await scalar(f"SELECT status FROM pip_task WHERE id = {task}") == "in_behandeling"  # noqa: S608
    # Saving an item again changes its one row.
    item = await begeleidingen.save_item(
        bea,
        task,
        begeleidingen.ItemInput("woning", "geregeld", TODAY.isoformat(), "Sleutels"),
        TODAY,
    )
    assert item["status_label"] == "Geregeld" and item["done_on"] == TODAY
    rows = await scalar(
        "SELECT COUNT(*) AS n FROM begeleiding_checklist_item c "  # noqa: S608
        f"JOIN begeleiding b ON b.id = c.begeleiding WHERE b.task = {task}"
    )
    assert rows == 1


async def test_naming_refuses_people_outside_the_organisation_and_closed_tasks(
    ids: dict[str, int],
) -> None:
    bea = await _scope(ids)
    with pytest.raises(ValidationFailed) as refused:
        await assignment.name_begeleider(bea, ids["gebre_pvt"], str(ids["andere_org"]))
    assert refused.value.errors == {"person": "Kies een begeleider van uw organisatie."}
    with pytest.raises(NotFound):
        await assignment.name_begeleider(bea, ids["haddad_intake"], str(ids["bea"]))
    regie = Scope(bea.tenant_id, "alkmaar", None, None, Role.REGIEVOERDER)
    with pytest.raises(NotFound):
        await assignment.overview(regie)


async def test_an_unknown_checklist_item_is_not_found(ids: dict[str, int]) -> None:
    bea = await _scope(ids)
    with pytest.raises(NotFound):
        await begeleidingen.save_item(
            bea,
            ids["haddad_begeleiding"],
            begeleidingen.ItemInput("tenant", "geregeld", "", ""),
            TODAY,
        )


async def test_closing_completes_the_task_once(ids: dict[str, int]) -> None:
    bea = await _scope(ids)
    task = ids["haddad_begeleiding"]
    report = "Alles loopt; bank is nog bezig en wordt door de regievoerder gevolgd."
    await begeleidingen.close(bea, task, report)
    assert await scalar(f"SELECT status FROM pip_task WHERE id = {task}") == "afgerond"  # noqa: S608
    thread = await scalar(
        f"SELECT text FROM task_update WHERE task = {task} ORDER BY id DESC LIMIT 1"  # noqa: S608
    )
    assert thread.startswith("Eindverslag maatschappelijke begeleiding (4 van 11 punten")
    assert thread.endswith(report)
    with pytest.raises(ValidationFailed) as again:
        await begeleidingen.close(bea, task, report)
    assert "afgesloten" in again.value.errors["begeleiding"]
    with pytest.raises(ValidationFailed):
        await begeleidingen.add_contact(
            bea, task, begeleidingen.ContactInput(TODAY.isoformat(), "telefoon", ""), TODAY
        )


async def test_pvt_needs_an_attended_workshop_before_the_verklaring(
    ids: dict[str, int],
) -> None:
    bea = await _scope(ids)
    task = ids["gebre_pvt"]
    await assignment.name_begeleider(bea, task, str(ids["bea"]))
    await pvt.add_workshop(bea, task, pvt.WorkshopInput("Vrijheid", TODAY.isoformat()))
    with pytest.raises(ValidationFailed) as refused:
        await pvt.complete(bea, task, TODAY.isoformat(), TODAY)
    assert "Registreer eerst de gevolgde workshops" in refused.value.errors["verklaring_on"]
    workshop = (await pvt.load(bea, task))["workshops"][0]
    await pvt.set_attendance(bea, task, str(workshop["id"]), "aanwezig", TODAY)
    await pvt.complete(bea, task, TODAY.isoformat(), TODAY)
    assert await scalar(f"SELECT status FROM pip_task WHERE id = {task}") == "afgerond"  # noqa: S608
    with pytest.raises(ValidationFailed):
        await pvt.add_workshop(bea, task, pvt.WorkshopInput("Nog een", TODAY.isoformat()))

    # The gemeente's view of the case: the PVT done, Gebre's begeleiding not named yet.
    regie_org = await scalar("SELECT id FROM organisation WHERE name = 'Gemeente Alkmaar'")
    regie = Scope(bea.tenant_id, "alkmaar", None, regie_org, Role.REGIEVOERDER)
    summary = {t["kind"]: t for t in await progress.case_summary(regie, ids["gebre"])}
    assert summary["pvt"]["verklaring_on"] == TODAY and summary["pvt"]["attended"] == 1
    assert summary["begeleiding"]["person_name"] is None
    assert summary["begeleiding"]["finished"] == 0


async def test_the_gemeente_of_another_case_gets_not_found(ids: dict[str, int]) -> None:
    heiloo = await scalar("SELECT id FROM organisation WHERE name = 'Gemeente Heiloo'")
    tenant = await scalar("SELECT id FROM regio WHERE slug = 'alkmaar'")
    scope = Scope(tenant, "alkmaar", None, heiloo, Role.REGIEVOERDER)
    with pytest.raises(NotFound):
        await progress.case_summary(scope, ids["haddad"])


async def test_pvt_cannot_be_signed_unnoticed_while_a_workshop_is_still_planned(
    ids: dict[str, int],
) -> None:
    bea = await _scope(ids)
    task = ids["gebre_pvt"]
    await assignment.name_begeleider(bea, task, str(ids["bea"]))
    await pvt.add_workshop(bea, task, pvt.WorkshopInput("Vrijheid", TODAY.isoformat()))
    later = TODAY + timedelta(days=5)
    await pvt.add_workshop(bea, task, pvt.WorkshopInput("Participatie", later.isoformat()))
    done = next(w for w in (await pvt.load(bea, task))["workshops"] if w["title"] == "Vrijheid")
    await pvt.set_attendance(bea, task, str(done["id"]), "aanwezig", TODAY)
    with pytest.raises(ValidationFailed) as refused:
        await pvt.complete(bea, task, TODAY.isoformat(), TODAY)
    assert refused.value.errors["planned_confirmed"].startswith(
        f"Er staat nog een workshop gepland: Participatie ({later:%d-%m-%Y})."
    )
    assert await scalar(f"SELECT status FROM pip_task WHERE id = {task}") != "afgerond"  # noqa: S608
    await pvt.complete(bea, task, TODAY.isoformat(), TODAY, planned_confirmed=True)
    assert await scalar(f"SELECT status FROM pip_task WHERE id = {task}") == "afgerond"  # noqa: S608
