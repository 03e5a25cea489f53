"""The bell and the inbox as the regievoerder uses them, after the reminder job ran for the
demo: without JavaScript (a form posts, the server redirects) and with htmx."""

from __future__ import annotations

import re

from litestar.testing import AsyncTestClient

from partners.registry import register_all
from portal.casefile.tables import Inburgeraar
from portal.core.clock import today
from portal.core.settings import Settings
from portal.demo_cases import demo_scope
from portal.notifications import runner
from portal.notifications.tables import Notification
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData
from tenants.tables import Organisation
from tests.conftest import login, token

register_all(web=False)

RACHID = "regievoerder@alkmaar.demo"
INBOX = "/r/alkmaar/meldingen"
HTMX = {"hx-request": "true"}
BELL_RE = re.compile(r'portal-bell__count">([\d.]+)</span><span class="portal-visually-hidden">')
ROW_RE = re.compile(
    r'<tr class="utrecht-table__row">\s*<td class="utrecht-table__cell">(.*?)</td>', re.S
)


async def _remind() -> Scope:
    """The reminder job's run for Regio Alkmaar (what `portal remind` does after seeding)."""
    rachid = await demo_scope(RACHID)
    system = Scope.system(rachid.tenant_id or 0, "alkmaar", "test-remind")
    await runner.run_reminders(system, today())
    return system


def _bell(html: str) -> int | None:
    match = BELL_RE.search(html)
    return int(match.group(1).replace(".", "")) if match else None


def _titles(html: str) -> list[str]:
    """The first cell of each inbox row, tags stripped."""
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in ROW_RE.findall(html)]


async def _rachids(system: Scope) -> list[dict]:
    rachid = await demo_scope(RACHID)
    return await (
        TenantData(system)
        .select(Notification, Notification.id, Notification.kind, Notification.read_at)
        .where(Notification.recipient == rachid.person_id)
        .order_by(Notification.id)
    )


async def test_the_regievoerder_reads_the_reminders_in_the_bell_and_the_inbox_without_javascript(
    demo: Settings, client: AsyncTestClient
) -> None:
    system = await _remind()
    await login(client, RACHID)
    start = await client.get("/r/alkmaar")
    unread = _bell(start.text)
    assert unread is not None and unread >= 2
    inbox = await client.get(INBOX)
    titles = _titles(inbox.text)
    assert len(titles) == unread
    assert any(t.startswith("PIP-deadline") for t in titles)
    assert "Taak te laat: Gesprek over de brede intake plannen" in titles
    assert f"{unread} meldingen ongelezen" in inbox.text

    # Mark one read: a plain form post, answered by a redirect back to the inbox.
    first = (await _rachids(system))[0]
    response = await client.post(
        f"{INBOX}/{first['id']}/gelezen",
        data={"_csrf_token": await token(client, INBOX)},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == INBOX
    inbox = await client.get(INBOX)
    assert _bell(inbox.text) == unread - 1
    assert len(_titles(inbox.text)) == unread - 1
    # The filter "Alle meldingen" still lists it, as read.
    everything = await client.get(f"{INBOX}?filter=alle")
    assert len(_titles(everything.text)) == unread
    assert re.search(r'<td class="utrecht-table__cell">Gelezen\s*</td>', everything.text)
    assert 'aria-current="page">Alle meldingen' in everything.text

    # Mark all read: the bell shows no count, the inbox says so in words.
    response = await client.post(
        f"{INBOX}/gelezen",
        data={"_csrf_token": await token(client, INBOX)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = await client.get(INBOX)
    assert _bell(page.text) is None
    assert "Alle meldingen zijn gelezen." in page.text
    assert "U heeft geen ongelezen meldingen." in page.text
    assert all(row["read_at"] is not None for row in await _rachids(system))


async def test_marking_read_with_htmx_answers_the_inbox_with_the_lower_count(
    demo: Settings, client: AsyncTestClient
) -> None:
    system = await _remind()
    await login(client, RACHID)
    unread = _bell((await client.get(INBOX)).text)
    assert unread is not None
    csrf = await token(client, INBOX)
    first = (await _rachids(system))[0]
    # htmx sends the CSRF token as a header and follows the redirect itself.
    response = await client.post(
        f"{INBOX}/{first['id']}/gelezen", headers={**HTMX, "x-csrftoken": csrf}
    )
    assert response.status_code == 200
    assert _bell(response.text) == unread - 1
    assert len(_titles(response.text)) == unread - 1
    response = await client.post(f"{INBOX}/gelezen", headers={**HTMX, "x-csrftoken": csrf})
    assert response.status_code == 200
    assert _bell(response.text) is None
    assert "U heeft geen ongelezen meldingen." in response.text


async def test_a_notification_whose_case_moved_away_is_plain_text_not_a_link(
    demo: Settings, client: AsyncTestClient
) -> None:
    system = await _remind()
    pip = next(r for r in await _rachids(system) if r["kind"] == "pip_deadline")
    row = await TenantData(system).get(Notification, pip["id"], Notification.link_id)
    await login(client, RACHID)
    link = f'href="{INBOX}/{pip["id"]}"'
    assert link in (await client.get(INBOX)).text
    # The case moves to Gemeente Heiloo: Rachid may no longer open it.
    heiloo = await (
        TenantData(system)
        .select(Organisation, Organisation.id)
        .where(Organisation.name == "Gemeente Heiloo")
        .first()
    )
    await TenantData(system).update(
        Inburgeraar, row["link_id"], gemeente=heiloo["id"], regievoerder=None
    )
    inbox = await client.get(INBOX)
    assert link not in inbox.text
    assert any(t.startswith("PIP-deadline") for t in _titles(inbox.text))
    # The mail's link still works: it marks the notification read and says why it goes nowhere.
    response = await client.get(f"{INBOX}/{pip['id']}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"{INBOX}?filter=alle"
    landing = await client.get(response.headers["location"])
    assert "U kunt de pagina van deze melding niet (meer) openen." in landing.text
    assert f"/inburgeraars/{row['link_id']}" not in landing.text


async def test_an_open_link_leads_to_the_task_and_marks_the_notification_read(
    demo: Settings, client: AsyncTestClient
) -> None:
    system = await _remind()
    task = next(r for r in await _rachids(system) if r["kind"] == "task_due")
    target = await TenantData(system).get(Notification, task["id"], Notification.link_id)
    await login(client, RACHID)
    response = await client.get(f"{INBOX}/{task['id']}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/r/alkmaar/taken/{target['link_id']}"
    assert (await client.get(response.headers["location"])).status_code == 200
    assert next(r for r in await _rachids(system) if r["id"] == task["id"])["read_at"] is not None


async def test_nobody_else_marks_or_opens_someone_elses_notification(
    demo: Settings, client: AsyncTestClient
) -> None:
    system = await _remind()
    before = await _rachids(system)
    target = before[0]["id"]
    for email, role in (
        ("regievoerder@heiloo.demo", Role.REGIEVOERDER),
        ("coordinator@alkmaar.demo", Role.REGIOCOORDINATOR),
        ("docent@taal.alkmaar.demo", Role.TAALAANBIEDER),
    ):
        client.cookies.clear()
        await login(client, email)
        csrf = await token(client, INBOX)
        plain = await client.post(
            f"{INBOX}/{target}/gelezen", data={"_csrf_token": csrf}, follow_redirects=False
        )
        htmx = await client.post(f"{INBOX}/{target}/gelezen", headers={**HTMX, "x-csrftoken": csrf})
        opened = await client.get(f"{INBOX}/{target}", follow_redirects=False)
        assert (plain.status_code, htmx.status_code, opened.status_code) == (404, 404, 404), role
        # Marking all of one's own read leaves Rachid's alone.
        await client.post(f"{INBOX}/gelezen", data={"_csrf_token": csrf})
        inbox = await client.get(f"{INBOX}?filter=alle")
        assert f'"{INBOX}/{target}"' not in inbox.text
    assert await _rachids(system) == before


async def test_a_wrong_digest_time_is_refused_in_dutch_and_kept(
    demo: Settings, client: AsyncTestClient
) -> None:
    await login(client, RACHID)
    response = await client.post(
        f"{INBOX}/e-mail",
        data={"_csrf_token": await token(client, INBOX), "mode": "dagelijks", "digest_time": "25u"},
    )
    assert response.status_code == 400
    assert "Vul een tijd in als 08:30 (uren en minuten)." in response.text
    assert 'value="25u"' in response.text
    response = await client.post(
        f"{INBOX}/e-mail",
        data={
            "_csrf_token": await token(client, INBOX),
            "mode": "dagelijks",
            "digest_time": "07:45",
        },
    )
    assert "Uw keuze voor e-mail is opgeslagen." in response.text
    assert 'value="07:45"' in response.text


async def test_the_docent_finds_the_unsigned_register_reminder_and_opens_the_register(
    demo: Settings, client: AsyncTestClient
) -> None:
    await _remind()
    await login(client, "docent@taal.alkmaar.demo")
    inbox = await client.get(INBOX)
    assert _bell(inbox.text)
    match = re.search(
        rf'href="({INBOX}/\d+)">Presentielijst nog niet ondertekend: NT2 B1 ochtend</a>',
        inbox.text,
    )
    assert match, "the docent's inbox has the register reminder as a link"
    response = await client.get(match.group(1), follow_redirects=False)
    assert re.fullmatch(r"/r/alkmaar/lessen/\d+", response.headers["location"])
    assert (await client.get(response.headers["location"])).status_code == 200
