"""The records behind a score, the questions about them, and what a partner can still fix.

The coordinator sees the records of any partner of its office's convenants without names
(`catalogue.for_coordinator`: a pseudonym per case); a partner sees only its own
organisation's records by name, and asking for another organisation's is "not found". Either
way one audited system view per page, since the measures read across the regio.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from partners.convenants import scores
from partners.convenants.snapshots import partner_ids
from partners.convenants.tables import ScoreQuestion
from partners.convenants.views import ConvenantInForce, TermInForce, convenants_in_force
from portal.core import audit
from portal.core.database import write_transaction
from portal.core.validation import Checker, clean_text
from portal.kpi import catalogue
from portal.kpi.periods import Period, PeriodKind
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

PARTNER_ROLES = (Role.TAALAANBIEDER, Role.BEGELEIDER, Role.COA, Role.REGIEVOERDER)
RECORDS_REASON = "records achter een score van een convenantafspraak"


@dataclass
class RecordsView:
    convenant: ConvenantInForce
    term: TermInForce
    label: str
    period: Period
    organisation_id: int
    organisation_name: str
    records: list[catalogue.Record]
    threads: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    coordinator: bool = False

    @property
    def counting(self) -> int:
        return sum(1 for r in self.records if r.counts)


async def _target(
    scope: Scope, convenant_id: int, line: int, organisation_id: int | None, today: date
) -> tuple[ConvenantInForce, TermInForce, int]:
    """The term and the organisation asked about, as far as the actor may ask: the
    coordinator any partner of the term's kind in its own convenant, a partner only itself."""
    if scope.role in PARTNER_ROLES:
        if organisation_id is not None and organisation_id != scope.organisation_id:
            raise NotFound("records van een andere organisatie")
        organisation_id = scope.organisation_id
    elif scope.role is not Role.REGIOCOORDINATOR:
        raise NotFound("records")
    convenants = await convenants_in_force(scope, today)
    convenant, term = scores.find_term(convenants, convenant_id, line)
    if term.kind != "kpi" or organisation_id not in partner_ids(convenant, term):
        raise NotFound("records")
    return convenant, term, organisation_id


async def threads(
    data: TenantData, convenant_id: int, line: int, organisation_id: int, period_key: str
) -> dict[int, list[dict[str, Any]]]:
    rows = await (
        data.select(
            ScoreQuestion,
            ScoreQuestion.record_id,
            ScoreQuestion.text,
            ScoreQuestion.created_at,
            ScoreQuestion.author_organisation.name.as_alias("organisation_name"),
        )
        .where(ScoreQuestion.convenant == convenant_id)
        .where(ScoreQuestion.line == line)
        .where(ScoreQuestion.organisation == organisation_id)
        .where(ScoreQuestion.period_key == period_key)
        .order_by(ScoreQuestion.id)
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["record_id"], []).append(row)
    return found


async def records(
    scope: Scope,
    convenant_id: int,
    line: int,
    period_key: str,
    organisation_id: int | None,
    key: str,
    today: date,
) -> RecordsView:
    """The records behind one value: by name for the partner itself, pseudonymised for the
    coordinator. Another organisation, term, period or regio is "not found"."""
    convenant, term, organisation_id = await _target(
        scope, convenant_id, line, organisation_id, today
    )
    period = scores.find_period(convenant, term, period_key, today)
    kpi = catalogue.kpi(term.code)
    if kpi is None:
        raise NotFound("kpi")
    system = await TenantData(scope).as_system(
        RECORDS_REASON,
        audit.AuditEvent("read_records", "kpi_value", f"{term.code}:{period.key}"),
    )
    found = await kpi.records(system.scope, period, organisation_id)
    coordinator = scope.role is Role.REGIOCOORDINATOR
    if coordinator:
        found = catalogue.for_coordinator(found, scope.tenant_id or 0, key)
    names = {p.organisation_id: p.name for p in convenant.parties}
    return RecordsView(
        convenant,
        term,
        kpi.label,
        period,
        organisation_id,
        names[organisation_id],
        found,
        await threads(TenantData(scope), convenant_id, line, organisation_id, period.key),
        coordinator,
    )


@dataclass(frozen=True)
class QuestionInput:
    convenant_id: int
    line: int
    period_key: str
    organisation_id: int | None
    record_id: int
    text: str


async def ask(scope: Scope, question: QuestionInput, key: str, today: date) -> None:
    """A message in the thread of one record: the coordinator asks about a pseudonymised
    row, the partner answers about its own. The row must be one behind the value."""
    checker = Checker()
    text = clean_text(question.text, 2000)
    checker.require("text", text, "uw vraag of antwoord", max_length=2000)
    checker.done()
    view = await records(
        scope,
        question.convenant_id,
        question.line,
        question.period_key,
        question.organisation_id,
        key,
        today,
    )
    row = next((r for r in view.records if r.record_id == question.record_id), None)
    if row is None:
        raise NotFound("record")
    data = TenantData(scope)
    async with write_transaction():
        question_id = await data.insert(
            ScoreQuestion,
            convenant=question.convenant_id,
            line=question.line,
            code=view.term.code,
            organisation=view.organisation_id,
            period_key=view.period.key,
            record_id=question.record_id,
            pseudonym=row.pseudonym if view.coordinator else "",
            text=text,
            author=scope.person_id,
            author_organisation=scope.organisation_id,
        )
        await audit.record(scope, audit.AuditEvent("create", "score_question", question_id))


async def open_questions(scope: Scope) -> list[dict[str, Any]]:
    """For a partner: the threads about its records, newest first (what the regio asked)."""
    rows = await (
        TenantData(scope)
        .select(
            ScoreQuestion,
            ScoreQuestion.convenant,
            ScoreQuestion.line,
            ScoreQuestion.code,
            ScoreQuestion.period_key,
            ScoreQuestion.record_id,
            ScoreQuestion.text,
            ScoreQuestion.created_at,
            ScoreQuestion.author_organisation.name.as_alias("organisation_name"),
        )
        .where(ScoreQuestion.organisation == scope.organisation_id)
        .order_by(ScoreQuestion.id, ascending=False)
        .limit(50)
    )
    for row in rows:
        row["label"] = scores.term_rules.code_label(row["code"])
    return rows


@dataclass
class Improvement:
    convenant_id: int
    line: int
    label: str
    period: Period
    open_records: list[catalogue.Record]

    @property
    def summary(self) -> str:
        n = len(self.open_records)
        word = "record" if n == 1 else "records"
        return f"{n} {word} van {self.period.label} nog niet in orde"


async def improvements(
    scope: Scope, today: date, system: TenantData | None = None
) -> list[Improvement]:
    """For a partner, per measured term: the counting records of the open period that do
    not meet the term yet ("3 presentielijsten van vorige week niet ondertekend"), by name.
    What it can still fix before the period closes."""
    if scope.role not in PARTNER_ROLES:
        raise NotFound("eigen scores")
    convenants = await convenants_in_force(scope, today)
    wanted = [
        (c, t)
        for c in convenants
        for t in c.terms
        if t.kind == "kpi"
        and catalogue.kpi(t.code) is not None
        and scope.organisation_id in partner_ids(c, t)
    ]
    if not wanted:
        return []
    system = system or await TenantData(scope).as_system(
        RECORDS_REASON, audit.AuditEvent("read_records", "kpi_value", "open")
    )
    found = []
    for convenant, term in wanted:
        kpi = catalogue.kpi(term.code)
        assert kpi is not None
        period = Period.containing(today, PeriodKind(term.period_kind))
        rows = await kpi.records(system.scope, period, scope.organisation_id or 0)
        missing = [r for r in rows if r.counts and r.met is False]
        if missing:
            found.append(Improvement(convenant.convenant_id, term.line, kpi.label, period, missing))
    return found


@dataclass
class OwnPage:
    scores: list[scores.TermScores]
    improvements: list[Improvement]
    questions: list[dict[str, Any]]


async def own_page(scope: Scope, today: date) -> OwnPage:
    """A partner's page: its scores, what it can still fix (its records by name) and the
    regio's questions, through one audited system view."""
    if scope.role not in PARTNER_ROLES:
        raise NotFound("eigen scores")
    system = await TenantData(scope).as_system(
        RECORDS_REASON, audit.AuditEvent("read_records", "kpi_value", "eigen")
    )
    return OwnPage(
        await scores.own(scope, today, system),
        await improvements(scope, today, system),
        await open_questions(scope),
    )
