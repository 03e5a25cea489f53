"""Accepting a warme overdracht: every adult of the household becomes a case of the gemeente
(or, by the regievoerder's decision, joins a case that already exists), the household is
linked, and the brede intake starts pre-filled with what COA wrote, so nothing typed by COA
is lost or typed again.

A number sent by a partner never decides which record it reaches. COA's BSN or V-nummer may
be mistyped or another person's; linking on it alone would give COA sight of that person's
case (through `coa_organisation` and the housing date) and put COA's text in their intake.
So the page shows each adult beside the cases of the regievoerder's own gemeente that look
like them (same BSN, same V-nummer, or same family name and birth date), with what differs,
and only an explicit choice links one. Without it an adult becomes a new case, which the
regio's uniqueness of the BSN and V-nummer refuses when the number is already known. A number
known on a case the regievoerder may not see is only reported neutrally: whose it is, and in
which gemeente, stays unsaid.

All of it happens in one transaction: one adult whose BSN or choice is refused leaves every
case unmade and the overdracht as it was (ingediend).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import reduce
from typing import Any

from partners.coa import profile
from partners.coa.handover import subject
from partners.coa.tables import Overdracht, OverdrachtPerson
from portal.casefile import bsn_lookups, households, inburgeraars, intake, timeline
from portal.casefile.inburgeraars import NewInburgeraar
from portal.casefile.tables import Inburgeraar
from portal.core import audit, bsn
from portal.core.database import write_transaction
from portal.core.validation import ValidationFailed
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

SOURCE = "de warme overdracht van COA"


NEW = "nieuw"
KNOWN_ELSEWHERE = (
    "Dit BSN of V-nummer is al bekend in de regio; neem contact op met het regiobureau."
)
# At most this many look-alike cases are offered per adult (same name and birth date).
MAX_CANDIDATES = 10


@dataclass(frozen=True)
class Candidate:
    """A case of the reader's own gemeente that may be the same person as an adult of COA."""

    id: int
    given_names: str
    family_name: str
    birth_date: date
    v_nummer: str
    bsn_last3: str
    gemeente_name: str
    same_bsn: bool
    same_v_nummer: bool
    # What differs from COA's data: "naam", "geboortedatum", "v_nummer", "bsn".
    differs: frozenset[str]


@dataclass(frozen=True)
class AdultMatch:
    """One adult of the overdracht, the cases that look like them, and whether their BSN or
    V-nummer is known in the regio on a case the reader may not see."""

    member_id: int
    given_names: str
    family_name: str
    birth_date: date
    v_nummer: str
    bsn_last3: str
    bsn_from_coa: bool
    candidates: list[Candidate]
    known_elsewhere: bool


@dataclass(frozen=True)
class Accepted:
    case_ids: list[int]
    # The cases that already existed and were linked by the regievoerder's decision.
    linked: list[int]


def _name(member: dict[str, Any]) -> str:
    return f"{member['given_names']} {member['family_name']}"


def _composition(members: list[dict[str, Any]], me: dict[str, Any], today: date) -> str:
    others = [m for m in members if m["id"] != me["id"]]
    if not others:
        return "Alleenstaand (volgens COA)."
    parts = [
        f"{profile.HOUSEHOLD_ROLES.get(m['household_role'], 'Gezinslid')}: {_name(m)} "
        f"({profile.age_on(m['birth_date'], today)} jaar)"
        for m in others
    ]
    return "Volgens COA: " + "; ".join(parts) + "."


def _intake_answers(
    overdracht: dict[str, Any], members: list[dict[str, Any]], me: dict[str, Any], today: date
) -> dict[str, dict[str, Any]]:
    """COA's informatieprofiel in the sections of the brede intake."""
    taal_notes = []
    if me["voorinburgering"] and me["voorinburgering_consent"]:
        taal_notes.append(f"Voorinburgering bij COA (met toestemming): {me['voorinburgering']}")
    young = [m for m in members if profile.age_on(m["birth_date"], today) < 4]
    gezin = {
        "gezinssituatie": _composition(members, me, today),
        "vve": (
            "Kinderen onder 4 jaar: " + ", ".join(_name(m) for m in young) + ". Vve bespreken."
            if young
            else ""
        ),
    }
    if overdracht["nareizigers_expected"]:
        gezin["gezinssituatie"] += f" Verwachte nareizigers: {overdracht['nareizigers_expected']}"
    gesprekken: dict[str, Any] = {}
    if overdracht["talk_held"] and overdracht["talk_date"]:
        gesprekken = {
            "deel_a": overdracht["talk_date"].isoformat(),
            "tolk": "tolk" in overdracht["talk_attendees"].split(","),
            "aanwezigen": ", ".join(
                profile.ATTENDEES[a] for a in overdracht["talk_attendees"].split(",") if a
            ),
        }
    return {
        "gesprekken": gesprekken,
        "taalniveau": {
            "alfabetisering": me["literacy"] or "",
            "andere_talen": me["languages"],
            "toelichting": "\n".join(taal_notes),
        },
        "opleiding_werk": {"opleiding": me["education"], "werkervaring": me["work_experience"]},
        "gezin_netwerk": gezin,
    }


def _typed_indexes(given: dict[int, str], data_key: str) -> list[str]:
    """The keyed hashes of the valid BSNs the regievoerder typed on the acceptance form."""
    indexes = []
    for raw in given.values():
        try:
            indexes.append(bsn.index(bsn.normalise(raw), data_key))
        except bsn.InvalidBsn:
            continue
    return indexes


def _known_number(member: dict[str, Any], given: dict[int, str], data_key: str) -> str:
    """The BSN to look for: as the regievoerder types it, else as COA gave it ("" if none)."""
    raw = given.get(member["id"], "").strip()
    if raw:
        try:
            return bsn.normalise(raw)
        except bsn.InvalidBsn:
            return ""
    if member["bsn_cipher"]:
        return bsn.decrypt(member["bsn_cipher"], data_key)
    return ""


async def _match(scope: Scope, member: dict[str, Any], number: str, data_key: str) -> AdultMatch:
    data = TenantData(scope)
    v_nummer = member["v_nummer"] or ""
    number_index = bsn.index(number, data_key) if number else None
    # The regievoerder's own visibility rule limits the look-up: a case of another gemeente
    # is never offered, and never named. Cases sharing a number come first and all of them;
    # look-alikes by name and birth date fill up to MAX_CANDIDATES.
    columns = (
        Inburgeraar.id,
        Inburgeraar.given_names,
        Inburgeraar.family_name,
        Inburgeraar.birth_date,
        Inburgeraar.v_nummer,
        Inburgeraar.bsn_last3,
        Inburgeraar.bsn_index,
        Inburgeraar.gemeente.name.as_alias("gemeente_name"),
    )
    shares_number = []
    if number_index:
        shares_number.append(Inburgeraar.bsn_index == number_index)
    if v_nummer:
        shares_number.append(Inburgeraar.v_nummer == v_nummer)
    rows: list[dict[str, Any]] = []
    if shares_number:
        rows = await (
            data.select(Inburgeraar, *columns)
            .where(reduce(operator.or_, shares_number))
            .order_by(Inburgeraar.id)
        )
    looks_alike = await (
        data.select(Inburgeraar, *columns)
        .where(Inburgeraar.family_name == member["family_name"])
        .where(Inburgeraar.birth_date == member["birth_date"])
        .order_by(Inburgeraar.id)
        .limit(MAX_CANDIDATES)
    )
    seen = {row["id"] for row in rows}
    rows += [row for row in looks_alike if row["id"] not in seen][
        : max(0, MAX_CANDIDATES - len(rows))
    ]
    candidates = [_candidate(row, member, number, number_index) for row in rows]
    known_elsewhere = False
    if number or v_nummer:
        # Known anywhere in the regio; only the fields, never the record, are used here.
        known = await inburgeraars.find_duplicates(scope, number, v_nummer or None, data_key)
        known_elsewhere = ("bsn" in known and not any(c.same_bsn for c in candidates)) or (
            "v_nummer" in known and not any(c.same_v_nummer for c in candidates)
        )
    return AdultMatch(
        member_id=member["id"],
        given_names=member["given_names"],
        family_name=member["family_name"],
        birth_date=member["birth_date"],
        v_nummer=v_nummer,
        bsn_last3=number[-3:] if number else "",
        bsn_from_coa=bool(member["bsn_cipher"]),
        candidates=candidates,
        known_elsewhere=known_elsewhere,
    )


def _candidate(
    row: dict[str, Any], member: dict[str, Any], number: str, number_index: str | None
) -> Candidate:
    same_bsn = number_index is not None and row["bsn_index"] == number_index
    same_v_nummer = bool(member["v_nummer"]) and row["v_nummer"] == member["v_nummer"]
    differs = set()
    if (row["given_names"], row["family_name"]) != (member["given_names"], member["family_name"]):
        differs.add("naam")
    if row["birth_date"] != member["birth_date"]:
        differs.add("geboortedatum")
    if (row["v_nummer"] or "") != (member["v_nummer"] or ""):
        differs.add("v_nummer")
    if not same_bsn:
        differs.add("bsn")
    return Candidate(
        id=row["id"],
        given_names=row["given_names"],
        family_name=row["family_name"],
        birth_date=row["birth_date"],
        v_nummer=row["v_nummer"] or "",
        bsn_last3=row["bsn_last3"],
        gemeente_name=row["gemeente_name"] or "",
        same_bsn=same_bsn,
        same_v_nummer=same_v_nummer,
        differs=frozenset(differs),
    )


async def _adults(data: TenantData, overdracht_id: int, today: date) -> list[dict[str, Any]]:
    members = await (
        data.select(OverdrachtPerson, *OverdrachtPerson.all_columns())
        .where(OverdrachtPerson.overdracht == overdracht_id)
        .order_by(OverdrachtPerson.id)
    )
    return [m for m in members if profile.is_adult(m["birth_date"], today)]


async def review(
    scope: Scope, overdracht_id: int, given_bsns: dict[int, str], data_key: str, today: date
) -> list[AdultMatch]:
    """What the regievoerder decides on before accepting: per adult, the cases of their own
    gemeente that look like this person, and a neutral warning when the BSN or V-nummer is
    known elsewhere in the regio. Every case shown is an audited read."""
    if scope.role is not Role.REGIEVOERDER:
        raise NotFound("overdracht")
    data = TenantData(scope)
    row = await data.get(Overdracht, overdracht_id, Overdracht.status)
    if row["status"] not in ("ingediend", "teruggestuurd"):
        return []
    async with write_transaction():
        adults = await _adults(data, overdracht_id, today)
        matches = [
            await _match(scope, m, _known_number(m, given_bsns, data_key), data_key) for m in adults
        ]
        for match in matches:
            for candidate in match.candidates:
                await audit.record(
                    scope,
                    audit.AuditEvent(
                        "compare_overdracht",
                        "inburgeraar",
                        candidate.id,
                        subject_ref=inburgeraars.subject(candidate.id),
                    ),
                )
    return matches


def _plan(
    adults: list[dict[str, Any]],
    matches: dict[int, AdultMatch],
    decisions: dict[int, str],
    given: dict[int, str],
    data_key: str,
) -> tuple[dict[int, int | None], dict[int, str]]:
    """Per adult the case chosen (None: a new one) and the BSN of every new case, or the
    Dutch errors of all adults at once."""
    plan: dict[int, int | None] = {}
    numbers: dict[int, str] = {}
    errors: dict[str, str] = {}
    chosen: set[int] = set()
    for member in adults:
        key = member["id"]
        match = matches[key]
        name = _name(member)
        choice = decisions.get(key, "").strip() or NEW
        if choice != NEW:
            offered = {c.id for c in match.candidates}
            if not choice.isdigit() or int(choice) not in offered:
                errors[f"dossier_{key}"] = (
                    f"{name}: kies een dossier uit de lijst, of een nieuw dossier."
                )
            elif int(choice) in chosen:
                errors[f"dossier_{key}"] = (
                    f"{name}: dit dossier is al gekozen voor een ander gezinslid."
                )
            else:
                chosen.add(int(choice))
                plan[key] = int(choice)
            continue
        plan[key] = None
        raw = given.get(key, "").strip()
        if raw:
            try:
                numbers[key] = bsn.normalise(raw)
            except bsn.InvalidBsn as exc:
                errors[f"bsn_{key}"] = f"{name}: {exc}"
                continue
        elif member["bsn_cipher"]:
            numbers[key] = bsn.decrypt(member["bsn_cipher"], data_key)
        else:
            errors[f"bsn_{key}"] = (
                f"Vul het BSN van {name} in: zonder BSN kan er geen dossier komen."
            )
            continue
        same = next((c for c in match.candidates if c.same_bsn or c.same_v_nummer), None)
        if same is not None:
            errors[f"dossier_{key}"] = (
                f"{name}: het BSN of V-nummer staat al in dossier {same.id} "
                f"({same.given_names} {same.family_name}). Er kan geen tweede dossier komen. "
                "Kies dat dossier als het dezelfde persoon is, of stel COA een vraag."
            )
        elif match.known_elsewhere:
            errors[f"dossier_{key}"] = (
                f"{name}: {KNOWN_ELSEWHERE} Er kan zo geen nieuw dossier komen."
            )
    if errors:
        raise ValidationFailed(errors)
    return plan, numbers


async def accept(
    scope: Scope,
    overdracht_id: int,
    given_bsns: dict[int, str],
    data_key: str,
    today: date,
    decisions: dict[int, str] | None = None,
) -> Accepted:
    """Accept a submitted overdracht (regievoerder of the gemeente it was handed to).

    `decisions` maps an adult to `NEW` (the default) or the id of a case the review offered
    for them; nothing but that choice links an existing case."""
    if scope.role is not Role.REGIEVOERDER:
        raise NotFound("overdracht")
    # A BSN the regievoerder types here is looked up across the regio like one typed at
    # registration: budgeted and audited before anything else (no BSN oracle).
    try:
        await bsn_lookups.spend(scope, _typed_indexes(given_bsns, data_key))
    except bsn_lookups.TooManyLookups as exhausted:
        raise ValidationFailed({"bsn": str(exhausted)}) from None
    data = TenantData(scope)
    async with write_transaction():
        overdracht = await data.get_writable(
            Overdracht,
            overdracht_id,
            *Overdracht.all_columns(exclude=[Overdracht.tenant]),
            Overdracht.coa_organisation.name.as_alias("coa_name"),
        )
        if overdracht["status"] != "ingediend":
            raise ValidationFailed(
                {
                    "status": "Alleen een ingediende overdracht zonder open vragen kan worden "
                    "geaccepteerd."
                }
            )
        members = await (
            data.select(OverdrachtPerson, *OverdrachtPerson.all_columns())
            .where(OverdrachtPerson.overdracht == overdracht_id)
            .order_by(OverdrachtPerson.id)
        )
        adults = [m for m in members if profile.is_adult(m["birth_date"], today)]
        matches = {
            m["id"]: await _match(scope, m, _known_number(m, given_bsns, data_key), data_key)
            for m in adults
        }
        plan, numbers = _plan(adults, matches, decisions or {}, given_bsns, data_key)
        case_ids: list[int] = []
        linked: list[int] = []
        for member in adults:
            case_id = plan[member["id"]]
            if case_id is None:
                case_id = await _register(scope, member, numbers[member["id"]], data_key, today)
            else:
                linked.append(case_id)
                await _record_link(scope, data, case_id, member, overdracht)
            # A new case, or an existing one by the decision above: COA reads it until the
            # housing date (need-to-know), as it does every case it handed over.
            await data.update(
                Inburgeraar,
                case_id,
                coa_organisation=overdracht["coa_organisation"],
                koppeling_date=overdracht["koppeling_date"],
                housing_date=overdracht["housing_date"],
            )
            await data.update(
                OverdrachtPerson,
                member["id"],
                inburgeraar=case_id,
                linked_existing=plan[member["id"]] is not None,
            )
            await intake.prefill(
                scope,
                case_id,
                _intake_answers(overdracht, members, member, today),
                overdracht["created_by"],
                SOURCE,
            )
            await timeline.add_event(
                data, case_id, "overdracht", "Warme overdracht van COA geaccepteerd"
            )
            case_ids.append(case_id)
        await _link_household(scope, adults, case_ids)
        await data.update(
            Overdracht,
            overdracht_id,
            status="geaccepteerd",
            accepted_at=datetime.now(UTC),
            accepted_by=scope.person_id,
            updated_at=datetime.now(UTC),
        )
        await audit.record(
            scope,
            audit.AuditEvent(
                "accept", "overdracht", overdracht_id, subject_ref=subject(overdracht_id)
            ),
        )
    return Accepted(case_ids=case_ids, linked=linked)


async def _record_link(
    scope: Scope,
    data: TenantData,
    case_id: int,
    member: dict[str, Any],
    overdracht: dict[str, Any],
) -> None:
    housing = overdracht["housing_date"]
    until = f"tot {housing.strftime('%d-%m-%Y')}" if housing else "tot de huisvestingsdatum"
    await timeline.add_event(
        data,
        case_id,
        "overdracht",
        f"Door de regievoerder gekoppeld aan de warme overdracht van {overdracht['coa_name']} "
        f"({_name(member)} volgens COA); COA kan dit dossier lezen {until}",
    )
    await audit.record(
        scope,
        audit.AuditEvent(
            "link_overdracht", "inburgeraar", case_id, subject_ref=inburgeraars.subject(case_id)
        ),
    )


async def _register(
    scope: Scope, member: dict[str, Any], number: str, data_key: str, today: date
) -> int:
    new = NewInburgeraar(
        bsn=number,
        v_nummer=member["v_nummer"],
        given_names=member["given_names"],
        family_name=member["family_name"],
        birth_date=member["birth_date"].isoformat(),
        doelgroep="asielstatushouder",
        nareiziger=False,
        plicht_start="",
        brp_date="",
        languages=member["languages"],
        interpreter_needed=member["interpreter_needed"],
        phone=member["phone"],
        email="",
    )
    try:
        return await inburgeraars.register(scope, new, data_key, today)
    except ValidationFailed as failed:
        # The register form's fields mean nothing on the accept page: name the person.
        raise ValidationFailed(
            {
                f"bsn_{member['id']}": f"{_name(member)}: {message}"
                for message in failed.errors.values()
            }
        ) from None


async def _link_household(scope: Scope, adults: list[dict[str, Any]], case_ids: list[int]) -> None:
    if len(case_ids) < 2:
        return
    main = case_ids[0]
    for member, case_id in zip(adults[1:], case_ids[1:], strict=True):
        role = "partner" if member["household_role"] == "partner" else "overig"
        if member["household_role"] == "kind":
            role = "kind"
        await households.link(scope, case_id, str(main), role)
