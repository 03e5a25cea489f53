"""A personal-data page that is read without an audit entry is a read nobody can account for.

For each role, the pages that show personal data are opened one by one; each GET must add
exactly one audit entry, for the right inburgeraar (or none for a list), with the actor's
person, organisation and role, the origin, a trace id and the UTC time, and never a BSN.
The pages are found the way the person finds them (links on their own lists); the expected
subject is read from the tables, not from the page.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC

from litestar.testing import AsyncTestClient

from partners.taal.tables import Enrolment, ProgressReport
from portal.casefile.tables import Inburgeraar, PipTask
from portal.core import audit
from portal.core.audit import AuditEntry
from portal.core.database import write_transaction
from tenants.roles import Role
from tenants.scope import Origin, Scope
from tenants.tables import Membership, Person
from tests.conftest import login

BASE = "/r/alkmaar"
NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")
SUBJECT = re.compile(r"^(inburgeraar|overdracht):\d+$")

Subject = Callable[[int], Awaitable[str]]


async def _case(case_id: int) -> str:
    return f"inburgeraar:{case_id}"


async def _of_task(task_id: int) -> str:
    row = await PipTask.select(PipTask.inburgeraar).where(PipTask.id == task_id).first().run()
    return f"inburgeraar:{row['inburgeraar']}"


async def _of_enrolment(enrolment_id: int) -> str:
    row = (
        await Enrolment.select(Enrolment.inburgeraar)
        .where(Enrolment.id == enrolment_id)
        .first()
        .run()
    )
    return f"inburgeraar:{row['inburgeraar']}"


async def _overdracht(overdracht_id: int) -> str:
    return f"overdracht:{overdracht_id}"


def _first_id(html: str, pattern: str) -> int:
    match = re.search(pattern, html)
    assert match, f"no link like {pattern}"
    return int(match.group(1))


async def _case_with_overdracht() -> int:
    """A case of Gemeente Alkmaar that came from COA (its case page has the overdracht panel)."""
    rows = await (
        Inburgeraar.select(Inburgeraar.id)
        .where(Inburgeraar.coa_organisation.is_not_null())
        .where(Inburgeraar.gemeente.name == "Gemeente Alkmaar")
        .order_by(Inburgeraar.id)
        .first()
        .run()
    )
    return rows["id"]


class Visitor:
    """One logged-in person who opens pages and counts the audit entries each adds."""

    def __init__(self, client: AsyncTestClient, email: str) -> None:
        self.client = client
        self.email = email
        self.failures: list[str] = []
        self.checked = 0

    async def start(self) -> None:
        self.client.cookies.clear()
        await login(self.client, self.email)
        person = await Person.select(Person.id).where(Person.email == self.email).first().run()
        membership = (
            await Membership.select(Membership.organisation, Membership.role)
            .where(Membership.person == person["id"])
            .first()
            .run()
        )
        self.person_id = person["id"]
        self.organisation_id = membership["organisation"]
        self.role = membership["role"]

    async def page(self, url: str) -> str:
        response = await self.client.get(url)
        assert response.status_code == 200, f"{self.email} {url}: {response.status_code}"
        return response.text

    async def check(self, url: str, subject: str | None) -> str:
        """GET `url` and check that it added exactly one entry about `subject`."""
        last = await AuditEntry.select(AuditEntry.id).order_by(AuditEntry.id, ascending=False)
        before = last[0]["id"] if last else 0
        response = await self.client.get(url)
        self.checked += 1
        added = await AuditEntry.select().where(AuditEntry.id > before).run()
        where = f"{self.email} GET {url}"
        if response.status_code != 200:
            self.failures.append(f"{where}: status {response.status_code}")
            return response.text
        if len(added) != 1:
            summary = [(e["action"], e["object_type"], e["subject_ref"]) for e in added]
            self.failures.append(f"{where}: {len(added)} audit entries {summary}, not 1")
            return response.text
        entry = added[0]
        problems = []
        if entry["subject_ref"] != subject:
            problems.append(f"subject {entry['subject_ref']!r}, expected {subject!r}")
        if entry["subject_ref"] is not None and not SUBJECT.match(entry["subject_ref"]):
            problems.append(f"subject {entry['subject_ref']!r} is not a pseudonymous id")
        if (entry["actor_person_id"], entry["actor_organisation_id"], entry["actor_role"]) != (
            self.person_id,
            self.organisation_id,
            self.role,
        ):
            problems.append("actor (person, organisation, role) is not who asked")
        if not entry["origin_ip"]:
            problems.append("no origin")
        if entry["trace_id"] != response.headers.get("x-trace-id"):
            problems.append("trace id is not the request's")
        if entry["occurred_at"].utcoffset() != UTC.utcoffset(None):
            problems.append("time is not UTC")
        if not entry["action"] or not entry["object_type"] or entry["result"] != "ok":
            problems.append("no action, object or result")
        # The trace id is random hex and may hold nine digits in a row by chance.
        fields = {k: v for k, v in entry.items() if k != "trace_id"}
        if any(NINE_DIGITS.search(str(value)) for value in fields.values()):
            problems.append("a nine-digit number (BSN?) in the entry")
        if problems:
            self.failures.append(f"{where}: " + "; ".join(problems))
        return response.text


async def _regievoerder(visitor: Visitor) -> None:
    case = await _case_with_overdracht()
    subject = await _case(case)
    for path in ("", "/intake", "/pip", "/samenvatting", "/overdracht", "/taal", "/begeleiding"):
        await visitor.check(f"{BASE}/inburgeraars/{case}{path}", subject)
    tasks = await visitor.check(f"{BASE}/taken", None)
    task = _first_id(tasks, rf"{BASE}/taken/(\d+)")
    await visitor.check(f"{BASE}/taken/{task}", await _of_task(task))
    await visitor.check(f"{BASE}/inburgeraars", None)
    await visitor.check(f"{BASE}/inburgeraars/export.csv", None)
    inbox = await visitor.check(f"{BASE}/overdrachten?status=geaccepteerd", None)
    overdracht = _first_id(inbox, rf"{BASE}/overdrachten/(\d+)")
    await visitor.check(f"{BASE}/overdrachten/{overdracht}", await _overdracht(overdracht))


async def _docent(visitor: Visitor) -> None:
    tasks = await visitor.check(f"{BASE}/taken", None)
    task = _first_id(tasks, rf"{BASE}/taken/(\d+)")
    subject = await _of_task(task)
    await visitor.check(f"{BASE}/taken/{task}", subject)
    case = int(subject.split(":")[1])
    await visitor.check(f"{BASE}/inburgeraars/{case}", subject)
    await visitor.check(f"{BASE}/inburgeraars/{case}/taal", subject)
    learners = await visitor.check(f"{BASE}/cursisten", None)
    enrolment = _first_id(learners, rf"{BASE}/cursisten/(\d+)")
    learner = await _of_enrolment(enrolment)
    await visitor.check(f"{BASE}/cursisten/{enrolment}", learner)
    await visitor.check(f"{BASE}/cursisten/{enrolment}/aanwezigheid.csv", learner)
    report = (
        await ProgressReport.select(ProgressReport.id, ProgressReport.inburgeraar)
        .where(ProgressReport.organisation == visitor.organisation_id)
        .first()
        .run()
    )
    await visitor.check(
        f"{BASE}/rapportages/{report['id']}", f"inburgeraar:{report['inburgeraar']}"
    )
    groups = await visitor.page(f"{BASE}/groepen")
    # The group that runs now: an ended year group has no lessons ahead on its page.
    group_id = _first_id(groups, rf"{BASE}/groepen/(\d+)\">NT2 B1 ochtend<")
    group = await visitor.check(f"{BASE}/groepen/{group_id}", None)
    lesson = _first_id(group, rf"{BASE}/lessen/(\d+)")
    await visitor.check(f"{BASE}/lessen/{lesson}", None)


async def _coa(visitor: Visitor) -> None:
    listing = await visitor.check(f"{BASE}/overdrachten", None)
    overdracht = _first_id(listing, rf"{BASE}/overdrachten/(\d+)")
    await visitor.check(f"{BASE}/overdrachten/{overdracht}", await _overdracht(overdracht))


async def _begeleider(visitor: Visitor) -> None:
    listing = await visitor.check(f"{BASE}/begeleiding", None)
    task = _first_id(listing, rf"{BASE}/begeleiding/(\d+)")
    subject = await _of_task(task)
    await visitor.check(f"{BASE}/begeleiding/{task}", subject)
    case = int(subject.split(":")[1])
    await visitor.check(f"{BASE}/inburgeraars/{case}", subject)
    await visitor.check(f"{BASE}/inburgeraars/{case}/begeleiding", subject)
    pvt = _first_id(listing, rf"{BASE}/begeleiding/pvt/(\d+)")
    await visitor.check(f"{BASE}/begeleiding/pvt/{pvt}", await _of_task(pvt))


async def test_every_personal_data_page_writes_exactly_one_audit_entry(
    client: AsyncTestClient,
) -> None:
    failures: list[str] = []
    checked = 0
    for email, visit in (
        ("regievoerder@alkmaar.demo", _regievoerder),
        ("docent@taal.alkmaar.demo", _docent),
        ("coa@alkmaar.demo", _coa),
        ("begeleider@alkmaar.demo", _begeleider),
    ):
        visitor = Visitor(client, email)
        await visitor.start()
        await visit(visitor)
        failures += visitor.failures
        checked += visitor.checked
    assert checked >= 25, "fewer pages checked than listed: did a list page change?"
    assert not failures, "\n".join(failures)


async def test_a_view_is_not_dropped_when_the_first_entry_was_rolled_back(db: object) -> None:
    """One request, one entry per subject: but an entry that a rollback removed does not
    count, or a failed change followed by a page view would leave no entry at all."""
    origin = Origin(ip="192.0.2.1", trace_id="a" * 32, route="/r/{slug}/x")
    actor = Scope(None, None, 1, 1, Role.REGIEVOERDER, origin=origin)
    view = audit.AuditEvent("read", "inburgeraar", 5, subject_ref="inburgeraar:5")

    class Refused(Exception):
        pass

    try:
        async with write_transaction():
            await audit.record(actor, audit.AuditEvent("update", "pip", 1, "inburgeraar:5"))
            raise Refused
    except Refused:
        pass
    await audit.record(actor, view)
    await audit.record(actor, view)
    rows = await AuditEntry.select(AuditEntry.action).run()
    assert [r["action"] for r in rows] == ["read"]
    other_request = Scope(None, None, 1, 1, Role.REGIEVOERDER, origin=replace(origin))
    await audit.record(other_request, view)
    assert await AuditEntry.count().run() == 2
