"""Reminders found from hand-made data, and the outbox delivered on a real SMTP server."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from partners.registry import register_all
from portal.casefile import pips
from portal.casefile.tables import PipTask
from portal.core.clock import today
from portal.core.settings import Settings
from portal.notifications import delivery, mail, outbox, runner
from portal.notifications.tables import MAIL_SENT, Notification
from tenants import accounts
from tenants.scope import Scope
from tenants.scoped import TenantData
from tests.factories import case_with_pip, register_case
from tests.notifications.smtp import smtp_server

# The reminder kinds are registered as the worker registers them.
register_all(web=False)

BSN_A, BSN_B = "111222333", "123456782"


async def regievoerder_scope(email: str = "regievoerder@alkmaar.demo") -> Scope:
    """The demo regievoerder acting for their gemeente."""
    account = await accounts.account_by_email(email)
    assert account is not None
    choice = next(
        m for m in await accounts.own_memberships(account.id) if m.role.value == "regievoerder"
    )
    return Scope(
        choice.tenant_id, choice.tenant_slug, account.id, choice.organisation_id, choice.role
    )


async def _system(slug: str) -> Scope:
    regio = await accounts.regio_by_slug(slug)
    assert regio is not None
    return Scope.system(regio["id"], slug, "test")


async def _rows(scope: Scope) -> list[dict]:
    return await TenantData(scope).select(Notification).order_by(Notification.id)


async def test_pip_deadline_warns_in_week_8_then_overdue_and_stops_once_vastgesteld(
    demo: Settings,
) -> None:
    regie = await regievoerder_scope()
    system = await _system(regie.tenant_slug or "")
    brp = today() - timedelta(weeks=8, days=1)
    case = await register_case(
        regie, demo.data_key, BSN_A, "Week8", brp_date=brp.isoformat(), plicht_start=brp.isoformat()
    )
    await runner.run_reminders(system, today())
    mine = [r for r in await _rows(system) if r["dossier"] == case]
    assert [r["title"] for r in mine] == ["PIP-deadline nadert"]
    assert (mine[0]["recipient"], mine[0]["kind"]) == (regie.person_id, "pip_deadline")
    # Two weeks later the deadline has passed: one overdue reminder, the warning is not repeated.
    await runner.run_reminders(system, today() + timedelta(weeks=2))
    again = await runner.run_reminders(system, today() + timedelta(weeks=2))
    assert again.new["pip_deadline"] == 0
    titles = sorted(r["title"] for r in await _rows(system) if r["dossier"] == case)
    assert titles == ["PIP-deadline nadert", "PIP-deadline verstreken"]
    # Vastgesteld: nothing more is found, and the mail not yet sent is withdrawn.
    from tests.factories import pip_input

    await pips.save_concept(regie, case, await pip_input(regie))
    await pips.vaststellen(regie, case, today())
    report = await runner.run_reminders(system, today())
    assert report.new["pip_deadline"] == 0 or all(
        r["dossier"] != case for r in await _rows(system) if r["mail_status"] == "nieuw"
    )
    assert all(r["mail_status"] != "nieuw" for r in await _rows(system) if r["dossier"] == case)


async def test_task_overdue_goes_to_the_organisation_it_is_for(demo: Settings) -> None:
    regie = await regievoerder_scope()
    system = await _system(regie.tenant_slug or "")
    case = await case_with_pip(regie, demo.data_key, BSN_B, "Taakman")
    data = TenantData(system)
    task = (
        await data.select(PipTask, PipTask.id, PipTask.assigned_organisation)
        .where(PipTask.inburgeraar == case)
        .first()
    )
    await data.update(PipTask, task["id"], due_date=today() - timedelta(days=1))
    await runner.run_reminders(system, today())
    rows = [
        r for r in await _rows(system) if r["link_kind"] == "task" and r["link_id"] == task["id"]
    ]
    assert rows and all(r["title"].startswith("Taak te laat") for r in rows)
    # Done: the next run finds nothing for it, and the unsent mails are withdrawn.
    await data.update(PipTask, task["id"], status="vervallen")
    await runner.run_reminders(system, today())
    rows = [
        r for r in await _rows(system) if r["link_id"] == task["id"] and r["link_kind"] == "task"
    ]
    assert all(r["mail_status"] == "geen" and r["read_at"] is not None for r in rows)


async def test_one_regios_run_never_touches_another_regios_rows(demo: Settings) -> None:
    regios = await accounts.all_regios()
    assert len(regios) >= 2
    first, second = [await _system(r["slug"]) for r in regios[:2]]
    await runner.run_reminders(second, today())
    before = await _rows(second)
    await runner.run_reminders(first, today() + timedelta(weeks=30))
    assert await _rows(second) == before
    assert all(r["tenant"] == first.tenant_id for r in await _rows(first))


async def test_delivery_twice_sends_each_mail_once_without_bsn(demo: Settings) -> None:
    regie = await regievoerder_scope()
    system = await _system(regie.tenant_slug or "")
    await runner.run_reminders(system, today())
    waiting = [r for r in await _rows(system) if r["mail_status"] == "nieuw"]
    assert waiting
    with smtp_server() as (mailbox, port):
        settings = dataclasses.replace(
            demo, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False
        )
        first = await delivery.deliver(system, settings, datetime.now(UTC))
        second = await delivery.deliver(system, settings, datetime.now(UTC))
        assert second.mails == 0
        assert len(mailbox.messages) == first.mails
    ids = [m["Message-ID"] for m in mailbox.messages]
    assert len(set(ids)) == len(ids)
    sample = mailbox.messages[0]
    assert "Regio Alkmaar" in sample["From"]
    body = str(sample)
    assert "dossiernummer" in body and "/meldingen/" in body
    assert all(
        r["mail_status"] == MAIL_SENT
        for r in await _rows(system)
        if r["id"] in {w["id"] for w in waiting}
    )


async def test_crash_between_sending_and_marking_drops_nothing_and_keeps_one_message_id(
    demo: Settings,
) -> None:
    regie = await regievoerder_scope()
    system = await _system(regie.tenant_slug or "")
    await runner.run_reminders(system, today())
    now = datetime.now(UTC)
    with smtp_server() as (mailbox, port):
        settings = dataclasses.replace(
            demo, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False
        )
        # A worker claims, sends the first mail and dies before marking anything.
        outgoing, _ = await delivery.claim_batch(system, settings, now, "crashed-worker")
        await delivery.transmit(system, settings, outgoing[0], "crashed-worker")
        # Another worker, while the lease holds, takes none of the dead worker's rows...
        assert (await delivery.deliver(system, settings, now + timedelta(minutes=1))).mails == 0
        # ...and after it, sends them all: the one already sent again with its Message-ID.
        later = await delivery.deliver(
            system, settings, now + delivery.CLAIM_LEASE + timedelta(minutes=1)
        )
        assert later.mails == len(outgoing)
    ids = [m["Message-ID"] for m in mailbox.messages]
    assert len(set(ids)) == len(outgoing), "every mail arrived"
    assert ids.count(outgoing[0].mail.message_id) == 2, (
        "the resent mail carries the same Message-ID"
    )
    assert all(
        r["mail_status"] != "nieuw" and r["mail_status"] != "bezig" for r in await _rows(system)
    )


async def test_embedded_mode_writes_one_eml_file_per_mail_even_after_a_crash(
    demo: Settings,
) -> None:
    regie = await regievoerder_scope()
    system = await _system(regie.tenant_slug or "")
    await runner.run_reminders(system, today())
    now = datetime.now(UTC)
    outgoing, _ = await delivery.claim_batch(system, demo, now, "crashed-worker")
    await delivery.transmit(system, demo, outgoing[0], "crashed-worker")
    await delivery.deliver(system, demo, now + delivery.CLAIM_LEASE + timedelta(minutes=1))
    files = list(demo.outbox_path.glob("*.eml"))
    assert len(files) == len(outgoing)
    assert mail.eml_path(demo, outgoing[0].mail.message_id) in {str(f) for f in files}
    for f in files:
        f.unlink()


async def test_daily_digest_waits_for_the_chosen_time_and_sends_one_mail(demo: Settings) -> None:
    regie = await regievoerder_scope()
    system = await _system(regie.tenant_slug or "")
    await outbox.save_preference(regie, "dagelijks", "09:00")
    await runner.run_reminders(system, today())
    mine = [r for r in await _rows(system) if r["recipient"] == regie.person_id]
    assert len(mine) >= 2
    day = datetime.now(delivery.AMSTERDAM).replace(hour=8, minute=0)
    with smtp_server() as (mailbox, port):
        settings = dataclasses.replace(
            demo, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False
        )
        await delivery.deliver(system, settings, day.astimezone(UTC))
        to_regie = [m for m in mailbox.messages if "regievoerder" in m["To"]]
        assert to_regie == []
        await delivery.deliver(system, settings, day.replace(hour=9, minute=5).astimezone(UTC))
        await delivery.deliver(system, settings, day.replace(hour=10).astimezone(UTC))
    digests = [m for m in mailbox.messages if "nieuwe melding" in m["Subject"]]
    assert len(digests) == 1
