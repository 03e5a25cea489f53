"""Accepting a warme overdracht: every adult of the household becomes (or is linked to) a
case of the gemeente, the household is linked, and the brede intake starts pre-filled with
what COA wrote, so nothing typed by COA is lost or typed again.

All of it happens in one transaction: one adult whose BSN is refused leaves every case
unmade and the overdracht as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from partners.coa import profile
from partners.coa.handover import subject
from partners.coa.tables import Overdracht, OverdrachtPerson
from portal.casefile import households, inburgeraars, intake, timeline
from portal.casefile.inburgeraars import NewInburgeraar
from portal.casefile.tables import Inburgeraar
from portal.core import audit, bsn
from portal.core.database import write_transaction
from portal.core.validation import ValidationFailed
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

SOURCE = "de warme overdracht van COA"


@dataclass(frozen=True)
class Accepted:
    case_ids: list[int]
    linked_existing: int


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


async def _existing_case(data: TenantData, number: str, v_nummer: str, data_key: str) -> int | None:
    condition = Inburgeraar.bsn_index == bsn.index(number, data_key)
    if v_nummer:
        condition = condition | (Inburgeraar.v_nummer == v_nummer)
    row = await data.select(Inburgeraar, Inburgeraar.id).where(condition).first()
    return row["id"] if row else None


def _numbers(adults: list[dict[str, Any]], given: dict[int, str], data_key: str) -> dict[int, str]:
    """The BSN of every adult: as COA gave it, or as the regievoerder adds it now."""
    numbers: dict[int, str] = {}
    errors: dict[str, str] = {}
    for member in adults:
        raw = given.get(member["id"], "").strip()
        if raw:
            try:
                numbers[member["id"]] = bsn.normalise(raw)
            except bsn.InvalidBsn as exc:
                errors[f"bsn_{member['id']}"] = f"{_name(member)}: {exc}"
        elif member["bsn_cipher"]:
            numbers[member["id"]] = bsn.decrypt(member["bsn_cipher"], data_key)
        else:
            errors[f"bsn_{member['id']}"] = (
                f"Vul het BSN van {_name(member)} in: zonder BSN kan er geen dossier komen."
            )
    if errors:
        raise ValidationFailed(errors)
    return numbers


async def accept(
    scope: Scope, overdracht_id: int, given_bsns: dict[int, str], data_key: str, today: date
) -> Accepted:
    """Accept a submitted overdracht (regievoerder of the gemeente it was handed to)."""
    if scope.role is not Role.REGIEVOERDER:
        raise NotFound("overdracht")
    data = TenantData(scope)
    async with write_transaction():
        overdracht = await data.get_writable(
            Overdracht, overdracht_id, *Overdracht.all_columns(exclude=[Overdracht.tenant])
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
        numbers = _numbers(adults, given_bsns, data_key)
        case_ids: list[int] = []
        linked = 0
        for member in adults:
            case_id = await _existing_case(
                data, numbers[member["id"]], member["v_nummer"], data_key
            )
            if case_id is None:
                case_id = await _register(scope, member, numbers[member["id"]], data_key, today)
            else:
                linked += 1
            await data.update(
                Inburgeraar,
                case_id,
                coa_organisation=overdracht["coa_organisation"],
                koppeling_date=overdracht["koppeling_date"],
                housing_date=overdracht["housing_date"],
            )
            await data.update(OverdrachtPerson, member["id"], inburgeraar=case_id)
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
    return Accepted(case_ids=case_ids, linked_existing=linked)


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
