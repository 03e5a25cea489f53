"""What the docent is told about registers: only present learners are waited for to confirm,
and a past lesson whose register was never filled in or signed keeps counting on the start
page and is listed on the lessons page until it is signed. Threats: an absent learner
counted as missing a confirmation (a register never looks complete), a forgotten register
dropping out of sight (norm 2.9.3 asks every lesson to be registered)."""

from __future__ import annotations

import re
from datetime import timedelta

from litestar.testing import AsyncTestClient

from partners.taal import registers, rooster
from portal.core.clock import today
from portal.core.settings import Settings
from portal.demo_cases import demo_scope
from tenants.roles import Role
from tests.conftest import login

DOCENT = "docent@taal.alkmaar.demo"
GROUP = "NT2 B1 ochtend"
CODES = {"Mansour": "246810", "Saleh": "135790", "Kovalenko": "112233", "Noorzai": "445566"}


async def test_absent_learners_are_not_counted_for_confirmation(demo: Settings) -> None:
    docent = await demo_scope(DOCENT, Role.TAALAANBIEDER)
    lesson = next(x for x in await rooster.lessons_on(docent, today()) if x["group_name"] == GROUP)
    learners = {
        x["family_name"]: x["id"] for x in (await registers.load(docent, lesson["id"]))["learners"]
    }
    lines = {
        learners["Mansour"]: registers.LineInput("aanwezig"),
        learners["Noorzai"]: registers.LineInput("te_laat", minutes_late="5"),
        learners["Saleh"]: registers.LineInput("geoorloofd", reason="Ziek"),
        learners["Kovalenko"]: registers.LineInput("ongeoorloofd"),
    }
    await registers.save(docent, lesson["id"], lines, "", today())
    loaded = await registers.load(docent, lesson["id"])
    assert (loaded["present"], loaded["confirmed"]) == (2, 0)
    screen = await registers.confirmation_list(docent, lesson["id"])
    assert [name for _id, name in screen["open"]] == ["Yara Mansour", "Fatima Noorzai"]

    await registers.confirm(docent, lesson["id"], str(learners["Noorzai"]), CODES["Noorzai"])
    loaded = await registers.load(docent, lesson["id"])
    assert (loaded["present"], loaded["confirmed"]) == (2, 1)
    screen = await registers.confirmation_list(docent, lesson["id"])
    assert [name for _id, name in screen["open"]] == ["Yara Mansour"]


async def _tile(client: AsyncTestClient) -> int:
    home = await client.get("/r/alkmaar/")
    found = re.search(
        r"Presentielijsten nog invullen of tekenen</a></h3>\s*<p[^>]*>(\d+)<", home.text
    )
    assert found, "the start page has no tile for open registers"
    return int(found.group(1))


async def _listed(client: AsyncTestClient) -> set[int]:
    page = await client.get("/r/alkmaar/lessen")
    section = page.text.split('id="open-lijsten"', 1)
    if len(section) == 1:
        return set()
    return {
        int(x)
        for x in re.findall(r'href="/r/alkmaar/lessen/(\d+)"', section[1].split("</section>")[0])
    }


async def test_past_register_never_filled_in_counts_until_signed(client: AsyncTestClient) -> None:
    docent = await demo_scope(DOCENT, Role.TAALAANBIEDER)
    day = today()
    group = next(g for g in await rooster.groups(docent) if g["name"] == GROUP)
    # Back-fill the group's lessons of the last three weeks: nobody filled those in.
    await rooster.generate_lessons(docent, group["id"], day, since=day - timedelta(days=21))
    forgotten = [
        lesson
        for back in range(1, 22)
        for lesson in await rooster.lessons_on(docent, day - timedelta(days=back))
        if lesson["register_status"] == "leeg" and lesson["status"] == "gepland"
    ]
    assert forgotten, "the back-fill made no past lessons"
    todays = next(x for x in await rooster.lessons_on(docent, day) if x["group_name"] == GROUP)

    await login(client, DOCENT)
    open_ids = {x["id"] for x in await rooster.open_registers(docent, day)}
    assert {x["id"] for x in forgotten} <= open_ids
    assert todays["id"] not in open_ids, "today's lesson is not overdue before it is saved"
    assert await _tile(client) == len(open_ids)
    assert await _listed(client) == open_ids

    # Saved but not signed still counts; signed does not.
    oldest = min(forgotten, key=lambda x: x["lesson_date"])["id"]
    learners = (await registers.load(docent, oldest))["learners"]
    everyone = {x["id"]: registers.LineInput("aanwezig") for x in learners}
    await registers.save(docent, oldest, everyone, "", day)
    assert await _tile(client) == len(open_ids)
    await registers.sign(docent, oldest, day)
    assert await _tile(client) == len(open_ids) - 1
    assert oldest not in await _listed(client)

    # Today's register counts once it is saved and waits for the signature.
    learners = (await registers.load(docent, todays["id"]))["learners"]
    everyone = {x["id"]: registers.LineInput("aanwezig") for x in learners}
    await registers.save(docent, todays["id"], everyone, "", day)
    assert await _tile(client) == len(open_ids)
    assert todays["id"] in await _listed(client)
