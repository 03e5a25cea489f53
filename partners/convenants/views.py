"""What the convenant pages show: the list, one convenant with its parties, terms and
threads, the difference between two versions, and the convenants in force for the monitor.

Everything reads through the actor's scope: the coordinator sees the convenants of its regio
office; a party only the sent convenants it is a party of (the policy in `tables.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from partners.convenants import terms as term_rules
from partners.convenants.drafting import current_version
from partners.convenants.signing import effective_status
from partners.convenants.tables import (
    PARTY_ROLES,
    Convenant,
    ConvenantAcceptance,
    ConvenantComment,
    ConvenantParty,
    ConvenantTerm,
    ConvenantVersion,
    own_party_ids,
)
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

STATUS_LABELS = {
    "concept": "Concept",
    "ter_ondertekening": "Ter ondertekening",
    "actief": "Actief",
    "verlopen": "Verlopen",
}
STATUS_VARIANTS = {"concept": "", "ter_ondertekening": "warning", "actief": "ok", "verlopen": ""}
DECISION_LABELS = {"akkoord": "Akkoord", "teruggestuurd": "Teruggestuurd"}


async def list_convenants(scope: Scope, today: date) -> list[dict[str, Any]]:
    """The convenants the actor may see, newest first, with today's status."""
    data = TenantData(scope)
    rows = await data.select(
        Convenant,
        Convenant.id,
        Convenant.title,
        Convenant.period_start,
        Convenant.period_end,
        Convenant.status,
        Convenant.version,
    ).order_by(Convenant.period_start, ascending=False)
    for row in rows:
        row["status"] = effective_status(row, today)
    return rows


@dataclass
class Thread:
    line: int
    messages: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ConvenantView:
    convenant: dict[str, Any]
    status: str
    version: dict[str, Any]
    versions: list[dict[str, Any]]
    parties: list[dict[str, Any]]
    terms: list[dict[str, Any]]
    threads: dict[int, list[dict[str, Any]]]
    own_party: dict[str, Any] | None
    own_answer: str | None
    is_coordinator: bool
    # Who returned the version before this concept, so the next step is plain to see.
    returned: list[dict[str, Any]] = field(default_factory=list)

    @property
    def may_answer(self) -> bool:
        return (
            self.own_party is not None
            and self.status == "ter_ondertekening"
            and self.own_answer is None
        )


async def terms_of(data: TenantData, version_id: int) -> list[dict[str, Any]]:
    """A version's terms in line order, each with its Dutch sentence."""
    rows = await (
        data.select(ConvenantTerm)
        .where(ConvenantTerm.version == version_id)
        .order_by(ConvenantTerm.line)
    )
    for row in rows:
        row["sentence"] = term_rules.sentence(row)
        row["label"] = term_rules.code_label(row["code"])
        row["target"] = term_rules.number_nl(row["target_centi"])
        row["tolerance"] = term_rules.number_nl(row["tolerance_centi"])
    return rows


async def detail(scope: Scope, convenant_id: int, today: date) -> ConvenantView:
    """One convenant as the actor may see it: the current version's terms, every party with
    its answer to that version, the threads per term line, and the list of versions."""
    data = TenantData(scope)
    convenant = await data.get(Convenant, convenant_id)
    version = await current_version(data, convenant_id, convenant["version"])
    versions = await (
        data.select(ConvenantVersion)
        .where(ConvenantVersion.convenant == convenant_id)
        .order_by(ConvenantVersion.number)
    )
    answers = {
        row["party"]: row
        for row in await data.select(
            ConvenantAcceptance,
            ConvenantAcceptance.party,
            ConvenantAcceptance.decision,
            ConvenantAcceptance.decided_at,
            ConvenantAcceptance.person.full_name.as_alias("person_name"),
        ).where(ConvenantAcceptance.version == version["id"])
    }
    parties = await (
        data.select(
            ConvenantParty,
            ConvenantParty.id,
            ConvenantParty.organisation,
            ConvenantParty.kind,
            ConvenantParty.organisation.name.as_alias("name"),
        )
        .where(ConvenantParty.convenant == convenant_id)
        .order_by(ConvenantParty.kind)
    )
    own = None
    for party in parties:
        party["answer"] = answers.get(party["id"])
        if party["organisation"] == scope.organisation_id and scope.role in PARTY_ROLES:
            own = party
    comments = await (
        data.select(
            ConvenantComment,
            ConvenantComment.line,
            ConvenantComment.version_number,
            ConvenantComment.text,
            ConvenantComment.created_at,
            ConvenantComment.acceptance,
            ConvenantComment.author.full_name.as_alias("author_name"),
            ConvenantComment.author_organisation.name.as_alias("organisation_name"),
        )
        .where(ConvenantComment.convenant == convenant_id)
        .order_by(ConvenantComment.created_at)
        .order_by(ConvenantComment.id)
    )
    threads: dict[int, list[dict[str, Any]]] = {}
    for row in comments:
        threads.setdefault(row["line"], []).append(row)
    return ConvenantView(
        convenant=convenant,
        status=effective_status(convenant, today),
        version=version,
        versions=versions,
        parties=parties,
        terms=await terms_of(data, version["id"]),
        threads=threads,
        own_party=own,
        own_answer=(own["answer"] or {}).get("decision") if own else None,
        is_coordinator=scope.role is Role.REGIOCOORDINATOR,
        returned=await _returned_before(data, convenant, versions),
    )


async def _returned_before(
    data: TenantData, convenant: dict[str, Any], versions: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The returns of the previous version while the convenant is back in concept."""
    previous = [v for v in versions if v["number"] == convenant["version"] - 1]
    if convenant["status"] != "concept" or not previous:
        return []
    return await (
        data.select(
            ConvenantAcceptance,
            ConvenantAcceptance.party.organisation.name.as_alias("name"),
            ConvenantAcceptance.person.full_name.as_alias("person_name"),
            ConvenantAcceptance.decided_at,
        )
        .where(ConvenantAcceptance.version == previous[0]["id"])
        .where(ConvenantAcceptance.decision == "teruggestuurd")
        .order_by(ConvenantAcceptance.decided_at)
    )


@dataclass(frozen=True)
class VersionDiff:
    before: int
    after: int
    changes: list[term_rules.TermChange]
    numbers: list[int]


async def version_diff(
    scope: Scope, convenant_id: int, before: int | None, after: int | None
) -> VersionDiff:
    """What changed term by term between two versions (by default the last two)."""
    data = TenantData(scope)
    convenant = await data.get(Convenant, convenant_id, Convenant.version)
    versions = {
        row["number"]: row["id"]
        for row in await data.select(
            ConvenantVersion, ConvenantVersion.id, ConvenantVersion.number
        ).where(ConvenantVersion.convenant == convenant_id)
    }
    after = after if after in versions else convenant["version"]
    before = before if before in versions else max(after - 1, 1)
    if before not in versions or after not in versions:
        raise NotFound("convenant version")
    old = await terms_of(data, versions[before])
    new = await terms_of(data, versions[after])
    return VersionDiff(before, after, term_rules.diff(old, new), sorted(versions))


@dataclass(frozen=True)
class TermInForce:
    line: int
    code: str
    kind: str
    partner_kind: str
    comparison: str
    target_centi: int
    tolerance_centi: int
    period_kind: str
    window_workdays: int | None
    sentence: str


@dataclass(frozen=True)
class PartyInForce:
    organisation_id: int
    name: str
    kind: str


@dataclass(frozen=True)
class ConvenantInForce:
    convenant_id: int
    title: str
    period_start: date
    period_end: date
    version: int
    terms: list[TermInForce]
    parties: list[PartyInForce]


async def convenants_in_force(scope: Scope, day: date) -> list[ConvenantInForce]:
    """The convenants of the regio in force on `day` (all parties accepted a version and
    `day` lies in the period), each with the terms of the version all accepted and its
    parties: what the monitor measures. A partner's scope gets only its own convenants; the
    coordinator's those of its regio office; a job's `Scope.system` the whole regio."""
    data = TenantData(scope)
    convenants = await (
        data.select(Convenant)
        .where(Convenant.active_version.is_not_null())
        .where(Convenant.period_start <= day)
        .where(Convenant.period_end >= day)
        .order_by(Convenant.id)
    )
    found = []
    for convenant in convenants:
        version = await current_version(data, convenant["id"], convenant["active_version"])
        terms = [
            TermInForce(
                **{k: row[k] for k in TermInForce.__dataclass_fields__ if k != "sentence"},
                sentence=row["sentence"],
            )
            for row in await terms_of(data, version["id"])
        ]
        parties = [
            PartyInForce(row["organisation"], row["name"], row["kind"])
            for row in await data.select(
                ConvenantParty,
                ConvenantParty.organisation,
                ConvenantParty.kind,
                ConvenantParty.organisation.name.as_alias("name"),
            )
            .where(ConvenantParty.convenant == convenant["id"])
            .order_by(ConvenantParty.organisation.name)
        ]
        found.append(
            ConvenantInForce(
                convenant["id"],
                convenant["title"],
                convenant["period_start"],
                convenant["period_end"],
                convenant["active_version"],
                terms,
                parties,
            )
        )
    return found


async def waiting(scope: Scope) -> int:
    """For a party: sent convenants its organisation has not answered yet. For the
    coordinator: convenants of its regio office waiting for signatures or back in concept."""
    data = TenantData(scope)
    if scope.role is Role.REGIOCOORDINATOR:
        return await data.count(Convenant).where(
            Convenant.status.is_in(["concept", "ter_ondertekening"])
        )
    sent = await data.select(Convenant, Convenant.id, Convenant.version).where(
        Convenant.status == "ter_ondertekening"
    )
    count = 0
    for row in sent:
        version = await current_version(data, row["id"], row["version"])
        answered = await (
            data.exists(ConvenantAcceptance)
            .where(ConvenantAcceptance.version == version["id"])
            .where(ConvenantAcceptance.party.is_in(own_party_ids(scope)))
        )
        count += not answered
    return count
