"""The parties' side: accepting the sent version, returning it with a comment per term, the
threads per term, and the end of a convenant's period.

A party answers with its own log-in: a person of the party's organisation in the role that
signs for it (`drafting.SIGNING_ROLES`). The party's answer is its own row; the steps that
follow from it (actief when the last party accepted; back to concept with a new version
when one returned it) change the convenant itself, which a party may not write, so they
run under the regio's audited system view with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from partners.convenants.drafting import current_version, new_version
from partners.convenants.tables import (
    PARTY_ROLES,
    Convenant,
    ConvenantAcceptance,
    ConvenantComment,
    ConvenantParty,
    ConvenantTerm,
    ConvenantVersion,
)
from portal.core import audit
from portal.core.database import write_transaction
from portal.core.validation import ValidationFailed, clean_text
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

MAX_COMMENT = 2000
NOT_SENT = "Dit convenant ligt nu niet ter ondertekening."


@dataclass(frozen=True)
class Answered:
    """What an answer led to: the convenant's status after it."""

    status: str


async def own_party(data: TenantData, convenant_id: int) -> dict[str, Any]:
    """The actor's own party row of the convenant, or NotFound."""
    scope = data.scope
    row = await (
        data.select(ConvenantParty)
        .where(ConvenantParty.convenant == convenant_id)
        .where(ConvenantParty.organisation == scope.organisation_id)
        .where(ConvenantParty.signing_role == scope.role.value)
        .first()
    )
    if row is None:
        raise NotFound("convenant party")
    return row


async def _open_for_answer(
    scope: Scope, convenant_id: int
) -> tuple[TenantData, dict[str, Any], dict[str, Any], dict[str, Any]]:
    if scope.role not in PARTY_ROLES:
        raise NotFound("convenant")
    data = TenantData(scope)
    convenant = await data.get(Convenant, convenant_id)
    party = await own_party(data, convenant_id)
    if convenant["status"] != "ter_ondertekening":
        raise ValidationFailed({"answer": NOT_SENT})
    version = await current_version(data, convenant_id, convenant["version"])
    answered = await (
        data.exists(ConvenantAcceptance)
        .where(ConvenantAcceptance.version == version["id"])
        .where(ConvenantAcceptance.party == party["id"])
    )
    if answered:
        raise ValidationFailed({"answer": "Uw organisatie heeft deze versie al beantwoord."})
    return data, convenant, party, version


async def accept(scope: Scope, convenant_id: int) -> Answered:
    """The party accepts the sent version (person and time recorded). When it is the last
    party, the version is in force and the convenant actief."""
    data, _, party, version = await _open_for_answer(scope, convenant_id)
    now = datetime.now(UTC)
    async with write_transaction():
        await data.insert(
            ConvenantAcceptance,
            convenant=convenant_id,
            version=version["id"],
            party=party["id"],
            decision="akkoord",
            person=scope.person_id,
            decided_at=now,
        )
        await audit.record(scope, audit.AuditEvent("accept", "convenant", convenant_id))
        parties = await data.count(ConvenantParty).where(ConvenantParty.convenant == convenant_id)
        accepted = await (
            data.count(ConvenantAcceptance)
            .where(ConvenantAcceptance.version == version["id"])
            .where(ConvenantAcceptance.decision == "akkoord")
        )
        if accepted < parties:
            return Answered("ter_ondertekening")
        system = await data.as_system(
            "alle partijen akkoord: convenant actief",
            audit.AuditEvent("activate", "convenant", convenant_id),
        )
        await system.update(ConvenantVersion, version["id"], accepted_at=now)
        await system.update(
            Convenant,
            convenant_id,
            status="actief",
            active_version=version["number"],
            updated_at=now,
        )
    return Answered("actief")


async def return_with_comments(
    scope: Scope, convenant_id: int, comments: dict[int, str]
) -> Answered:
    """The party returns the sent version with a comment on one or more terms (term id →
    text). The convenant goes back to concept in a new version, a copy of this one, and the
    comments stay in the threads of their terms."""
    data, convenant, party, version = await _open_for_answer(scope, convenant_id)
    texts = {
        term_id: clean_text(text, MAX_COMMENT) for term_id, text in comments.items() if text.strip()
    }
    if not texts:
        raise ValidationFailed({"answer": "Schrijf bij minstens één afspraak wat er anders moet."})
    too_long = [term_id for term_id, text in texts.items() if len(text) > MAX_COMMENT]
    if too_long:
        raise ValidationFailed(
            {f"comment-{too_long[0]}": f"Een opmerking mag maximaal {MAX_COMMENT} tekens zijn."}
        )
    lines = await _terms_of_version(data, convenant_id, version["id"], set(texts))
    now = datetime.now(UTC)
    async with write_transaction():
        acceptance_id = await data.insert(
            ConvenantAcceptance,
            convenant=convenant_id,
            version=version["id"],
            party=party["id"],
            decision="teruggestuurd",
            person=scope.person_id,
            decided_at=now,
        )
        await data.insert_many(
            ConvenantComment,
            [
                {
                    "convenant": convenant_id,
                    "term": term_id,
                    "line": lines[term_id],
                    "version_number": version["number"],
                    "text": text,
                    "author": scope.person_id,
                    "author_organisation": scope.organisation_id,
                    "acceptance": acceptance_id,
                    "created_at": now,
                }
                for term_id, text in sorted(texts.items())
            ],
        )
        await audit.record(scope, audit.AuditEvent("return", "convenant", convenant_id))
        system = await data.as_system(
            "teruggestuurd door een partij: nieuwe versie in concept",
            audit.AuditEvent("reopen", "convenant", convenant_id),
        )
        await new_version(system, convenant, None)
    return Answered("concept")


async def _terms_of_version(
    data: TenantData, convenant_id: int, version_id: int, term_ids: set[int]
) -> dict[int, int]:
    """term id → line, for ids that are terms of this version of this convenant; any other
    id (another convenant's, another regio's) is not found."""
    rows = await (
        data.select(ConvenantTerm, ConvenantTerm.id, ConvenantTerm.line)
        .where(ConvenantTerm.convenant == convenant_id)
        .where(ConvenantTerm.version == version_id)
        .where(ConvenantTerm.id.is_in(sorted(term_ids)))
    )
    found = {row["id"]: row["line"] for row in rows}
    if set(found) != term_ids:
        raise NotFound("convenant term")
    return found


async def comment(scope: Scope, convenant_id: int, term_id: int, text: str) -> None:
    """A message in the thread of a term, by the coordinator or a party."""
    if scope.role not in (*PARTY_ROLES, Role.REGIOCOORDINATOR):
        raise NotFound("convenant")
    data = TenantData(scope)
    convenant = await data.get(Convenant, convenant_id, Convenant.id)
    term = await data.get(
        ConvenantTerm, term_id, ConvenantTerm.convenant, ConvenantTerm.line, ConvenantTerm.version
    )
    if term["convenant"] != convenant["id"]:
        raise NotFound("convenant term")
    if scope.role is not Role.REGIOCOORDINATOR:
        await own_party(data, convenant_id)
    cleaned = clean_text(text, MAX_COMMENT)
    if not cleaned:
        raise ValidationFailed({"reply": "Schrijf eerst uw reactie."})
    if len(cleaned) > MAX_COMMENT:
        raise ValidationFailed({"reply": f"Een reactie mag maximaal {MAX_COMMENT} tekens zijn."})
    version = await data.get(ConvenantVersion, term["version"], ConvenantVersion.number)
    async with write_transaction():
        await data.insert(
            ConvenantComment,
            convenant=convenant_id,
            term=term_id,
            line=term["line"],
            version_number=version["number"],
            text=cleaned,
            author=scope.person_id,
            author_organisation=scope.organisation_id,
        )
        await audit.record(scope, audit.AuditEvent("comment", "convenant", convenant_id))


def effective_status(convenant: dict[str, Any], today: date) -> str:
    """The status as of today: an active convenant past its end date is verlopen, even
    before the job has written it."""
    if convenant["status"] == "actief" and convenant["period_end"] < today:
        return "verlopen"
    return convenant["status"]


async def expire(scope: Scope, today: date) -> int:
    """Mark every active convenant whose period ended before `today` verlopen (a job calls
    this with `Scope.system`); returns how many changed."""
    data = TenantData(scope)
    ended = await (
        data.select(Convenant, Convenant.id)
        .where(Convenant.status == "actief")
        .where(Convenant.period_end < today)
    )
    async with write_transaction():
        for row in ended:
            await data.update(Convenant, row["id"], status="verlopen")
            await audit.record(scope, audit.AuditEvent("expire", "convenant", row["id"]))
    return len(ended)
