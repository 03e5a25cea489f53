"""The coordinator's convenant reminders on hand-made data: a convenant about to expire and a
term missed in the last closed period reach the regiocoördinator of the convenant's regio
office (no one else), once, and stop when the thing is done."""

from __future__ import annotations

from datetime import date, timedelta

from partners.convenants import reminders
from partners.convenants.tables import Convenant
from partners.registry import register_all
from portal.core.clock import today
from portal.core.settings import Settings
from portal.kpi.periods import Period, PeriodKind
from portal.notifications import outbox, runner
from portal.notifications.tables import MAIL_NONE, Notification
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData
from tests.convenants.builders import Term, active_convenant, office, stored_value
from tests.kpi.builders import KpiRegio, kpi_regio

register_all(web=False)

ATTENDANCE = "taal.aanwezigheid"


async def _rows(regio: KpiRegio, kind: str) -> list[dict]:
    return await (
        TenantData(regio.scope)
        .select(
            Notification,
            Notification.recipient,
            Notification.title,
            Notification.link_id,
            Notification.mail_status,
        )
        .where(Notification.kind == kind)
        .order_by(Notification.id)
    )


async def test_a_convenant_ending_within_60_days_reminds_its_own_coordinator_once(
    db: Settings,
) -> None:
    regio = await kpi_regio()
    people = await office(regio)
    day = today()
    ending = await active_convenant(
        regio, people.organisation, day - timedelta(days=300), day + timedelta(days=59)
    )
    await active_convenant(
        regio,
        people.organisation,
        day - timedelta(days=300),
        day + timedelta(days=61),
        title="Convenant later",
    )

    report = await runner.run_reminders(regio.scope, day)
    assert report.new["convenant_expiring"] == 1
    [row] = await _rows(regio, "convenant_expiring")
    assert row["recipient"] == people.coordinator
    assert row["title"] == "Convenant loopt af: Convenant taal Proef"
    coordinator = Scope(
        regio.scope.tenant_id,
        "kpi",
        people.coordinator,
        people.organisation,
        Role.REGIOCOORDINATOR,
    )
    [item] = await outbox.inbox(coordinator)
    assert item.href == f"/r/kpi/convenanten/{ending}"
    # The gemeente's coordinator is no party to the office's convenant: nothing for them.
    outsider = Scope(
        regio.scope.tenant_id, "kpi", people.outsider, regio.gemeente, Role.REGIOCOORDINATOR
    )
    assert await outbox.inbox(outsider) == []
    # The next run (the afternoon slot) adds nothing.
    assert (await runner.run_reminders(regio.scope, day)).new["convenant_expiring"] == 0


async def test_a_renewal_in_force_stops_the_expiry_reminder_and_withdraws_its_mail(
    db: Settings,
) -> None:
    regio = await kpi_regio()
    people = await office(regio)
    day = today()
    end = day + timedelta(days=10)
    await active_convenant(regio, people.organisation, day - timedelta(days=300), end)
    await runner.run_reminders(regio.scope, day)
    assert len(await _rows(regio, "convenant_expiring")) == 1

    # A renewal still in concept is no renewal yet.
    concept = await active_convenant(
        regio,
        people.organisation,
        end + timedelta(days=1),
        end + timedelta(days=366),
        title="Convenant taal Proef 2",
        status="concept",
    )
    await regio.data.update(Convenant, concept, active_version=None)
    assert (await runner.run_reminders(regio.scope, day)).withdrawn == 0

    await regio.data.update(Convenant, concept, active_version=1, status="actief")
    report = await runner.run_reminders(regio.scope, day)
    assert report.new["convenant_expiring"] == 0 and report.withdrawn == 1
    [row] = await _rows(regio, "convenant_expiring")
    assert row["mail_status"] == MAIL_NONE


async def test_an_ended_convenant_is_not_reminded_about(db: Settings) -> None:
    regio = await kpi_regio()
    people = await office(regio)
    day = today()
    await active_convenant(
        regio, people.organisation, day - timedelta(days=400), day - timedelta(days=1)
    )
    assert (await runner.run_reminders(regio.scope, day)).new["convenant_expiring"] == 0


async def test_a_term_missed_last_month_reminds_the_coordinator_per_partner_until_next_close(
    db: Settings,
) -> None:
    regio = await kpi_regio()
    people = await office(regio)
    day = today()
    last = Period.containing(day, PeriodKind.MAAND).previous()
    before = last.previous()
    await active_convenant(
        regio,
        people.organisation,
        before.first,
        day + timedelta(days=200),
        terms=(Term(ATTENDANCE),),
    )
    # Noord: 70 % (gemist); Zuid: 82 % (bijna gemist, no reminder). The month before, Noord
    # missed too: that period is no longer the last closed one.
    await stored_value(regio.scope, ATTENDANCE, regio.school, last.key, 70, 100)
    await stored_value(regio.scope, ATTENDANCE, regio.other_school, last.key, 82, 100)
    await stored_value(regio.scope, ATTENDANCE, regio.school, before.key, 10, 100)

    report = await runner.run_reminders(regio.scope, day)
    assert report.new["term_missed"] == 1
    [row] = await _rows(regio, "term_missed")
    assert row["recipient"] == people.coordinator
    assert row["title"] == f"Afspraak gemist door Taalschool Noord in {last.label}: aanwezigheid"
    assert (await runner.run_reminders(regio.scope, day)).new["term_missed"] == 0

    # The next month closed (nothing stored for it missed): the reminder stops, its unsent
    # mail is withdrawn.
    later = Period.containing(day, PeriodKind.MAAND).next().first
    report = await runner.run_reminders(regio.scope, later)
    assert report.new["term_missed"] == 0 and report.withdrawn >= 1
    assert [r["mail_status"] for r in await _rows(regio, "term_missed")] == [MAIL_NONE]


async def test_the_days_after_the_period_delay_the_missed_term_reminder(db: Settings) -> None:
    regio = await kpi_regio()
    people = await office(regio)
    first = date(today().year, today().month, 1)
    last = Period.containing(first, PeriodKind.MAAND).previous()
    await active_convenant(
        regio,
        people.organisation,
        last.first,
        first + timedelta(days=200),
        terms=(Term(ATTENDANCE),),
    )
    await stored_value(regio.scope, ATTENDANCE, regio.school, last.key, 70, 100)
    assert await reminders.term_missed(regio.scope, first, 3) == []
    assert len(await reminders.term_missed(regio.scope, first + timedelta(days=2), 3)) == 1
