"""The warme overdracht from COA to the gemeente: koppeling, household, informatieprofiel,
the planned handover talk, submitting, and the question-and-answer thread.

States: concept → ingediend → geaccepteerd, or ingediend → teruggestuurd (the gemeente asks)
→ ingediend (COA answers). Acceptance itself lives in `acceptance.py`. Who may see and change
what is decided by the policies in `tables.py`; the services add the state rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from piccolo.query.functions.aggregate import Count

from partners.coa import profile
from partners.coa.tables import Overdracht, OverdrachtMessage, OverdrachtPerson
from portal.casefile.inburgeraars import parse_date
from portal.casefile.inburgeraars import subject as case_subject
from portal.casefile.tables import Inburgeraar
from portal.core import audit, bsn
from portal.core.database import write_transaction
from portal.core.pagination import Page, PageRequest
from portal.core.validation import Checker, ValidationFailed, clean_text
from tenants import organisations
from tenants.roles import OrganisationKind, Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

TEXT_MAX = 2000


@dataclass(frozen=True)
class KoppelingInput:
    gemeente: str
    azc_location: str
    koppeling_date: str
    housing_date: str


@dataclass(frozen=True)
class MemberInput:
    household_role: str
    given_names: str
    family_name: str
    birth_date: str
    v_nummer: str = ""
    bsn: str = ""
    nationality: str = ""
    languages: str = ""
    interpreter_needed: bool = False
    literacy: str = ""
    education: str = ""
    work_experience: str = ""
    voorinburgering: str = ""
    voorinburgering_consent: bool = False
    physical_limitations: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ProfileInput:
    country_of_origin: str = ""
    nareizigers_expected: str = ""
    childcare_needed: bool = False
    medical_info_via_ggd: bool = False
    practical_needs: str = ""
    notes: str = ""


@dataclass(frozen=True)
class TalkInput:
    scenario: str = ""
    talk_date: str = ""
    talk_time: str = ""
    talk_mode: str = ""
    talk_place: str = ""
    attendees: tuple[str, ...] = field(default_factory=tuple)
    talk_held: bool = False
    talk_outcome: str = ""


def subject(overdracht_id: int) -> str:
    """The audit subject of an overdracht before (and besides) the cases it becomes."""
    return f"overdracht:{overdracht_id}"


def _require(scope: Scope, *roles: Role) -> None:
    if scope.role not in roles:
        raise NotFound("overdracht")


async def gemeente_options(scope: Scope) -> list[tuple[str, str]]:
    """The gemeenten of the regio a household can be gekoppeld to."""
    rows = await organisations.organisation_options(
        scope, kinds=frozenset({OrganisationKind.GEMEENTE.value})
    )
    return [(str(r["id"]), r["name"]) for r in rows]


def _long_text(check: Checker, name: str, value: str, label: str) -> str:
    text = value.strip()
    if len(text) > TEXT_MAX:
        check.fail(name, f"{label} mag maximaal {TEXT_MAX} tekens zijn.")
    return text


async def _koppeling_values(
    scope: Scope, form: KoppelingInput, check: Checker, today: date
) -> dict[str, Any]:
    options = dict(await gemeente_options(scope))
    if form.gemeente not in options:
        check.fail("gemeente", "Kies de gemeente waaraan het huishouden is gekoppeld.")
    location = clean_text(form.azc_location, 200)
    check.require("azc_location", location, "de azc-locatie")
    koppeling = parse_date(form.koppeling_date)
    if koppeling is None:
        check.fail("koppeling_date", "Vul de koppelingsdatum in als dd-mm-jjjj.")
    elif koppeling > today:
        check.fail("koppeling_date", "De koppelingsdatum kan niet in de toekomst liggen.")
    housing = parse_date(form.housing_date)
    if form.housing_date.strip() and housing is None:
        check.fail("housing_date", "Vul de verwachte huisvestingsdatum in als dd-mm-jjjj.")
    elif housing and koppeling and housing < koppeling:
        check.fail("housing_date", "De huisvestingsdatum ligt voor de koppelingsdatum.")
    return {
        "gemeente": int(form.gemeente) if form.gemeente in options else None,
        "azc_location": location,
        "koppeling_date": koppeling,
        "housing_date": housing,
    }


def _member_values(form: MemberInput, check: Checker, today: date, data_key: str) -> dict:
    if form.household_role not in profile.HOUSEHOLD_ROLES:
        check.fail("household_role", "Kies hoe deze persoon bij het huishouden hoort.")
    given = clean_text(form.given_names, 200)
    family = clean_text(form.family_name, 200)
    check.require("given_names", given, "de voornamen")
    check.require("family_name", family, "de achternaam")
    birth = parse_date(form.birth_date)
    if birth is None:
        check.fail("birth_date", "Vul de geboortedatum in als dd-mm-jjjj.")
    elif birth > today or birth.year < 1900:
        check.fail("birth_date", "Deze geboortedatum kan niet kloppen.")
    v_nummer = form.v_nummer.strip()
    if v_nummer and (not v_nummer.isdigit() or len(v_nummer) > 10):
        check.fail("v_nummer", "Een V-nummer bestaat uit maximaal 10 cijfers.")
    number = ""
    if form.bsn.strip():
        try:
            number = bsn.normalise(form.bsn)
        except bsn.InvalidBsn as exc:
            check.fail("bsn", str(exc))
    if form.literacy and form.literacy not in profile.LITERACY:
        check.fail("literacy", "Kies een van de mogelijkheden voor alfabetisering.")
    voorinburgering = _long_text(check, "voorinburgering", form.voorinburgering, "Voorinburgering")
    if voorinburgering and not form.voorinburgering_consent:
        check.fail(
            "voorinburgering_consent",
            "Gegevens over voorinburgering mogen alleen mee met toestemming van de persoon. "
            "Vink de toestemming aan, of laat het veld leeg.",
        )
    return {
        "household_role": form.household_role,
        "given_names": given,
        "family_name": family,
        "birth_date": birth,
        "v_nummer": v_nummer,
        "bsn_cipher": bsn.encrypt(number, data_key) if number else None,
        "bsn_last3": number[-3:] if number else None,
        "nationality": clean_text(form.nationality, 100),
        "languages": clean_text(form.languages, 300),
        "interpreter_needed": form.interpreter_needed,
        "literacy": form.literacy or None,
        "education": _long_text(check, "education", form.education, "Opleiding"),
        "work_experience": _long_text(
            check, "work_experience", form.work_experience, "Werkervaring"
        ),
        "voorinburgering": voorinburgering,
        "voorinburgering_consent": form.voorinburgering_consent,
        "physical_limitations": _long_text(
            check,
            "physical_limitations",
            form.physical_limitations,
            "Zichtbare lichamelijke beperkingen",
        ),
        "phone": clean_text(form.phone, 40),
    }


async def _event(scope: Scope, action: str, overdracht_id: int) -> None:
    await audit.record(
        scope,
        audit.AuditEvent(action, "overdracht", overdracht_id, subject_ref=subject(overdracht_id)),
    )


def _now() -> datetime:
    return datetime.now(UTC)


async def create(
    scope: Scope, koppeling: KoppelingInput, first: MemberInput, data_key: str, today: date
) -> int:
    """Register a koppeling by a COA person: the overdracht (concept) and its first person."""
    _require(scope, Role.COA)
    check = Checker()
    values = await _koppeling_values(scope, koppeling, check, today)
    member = _member_values(first, check, today, data_key)
    check.done()
    data = TenantData(scope)
    async with write_transaction():
        overdracht_id = await data.insert(
            Overdracht,
            coa_organisation=scope.organisation_id,
            created_by=scope.person_id,
            **values,
        )
        await data.insert(OverdrachtPerson, overdracht=overdracht_id, **member)
        await _event(scope, "create", overdracht_id)
    return overdracht_id


async def require_writable(scope: Scope, overdracht_id: int) -> None:
    """NotFound unless the actor may change this overdracht now (the page's buttons check
    this first, also when a button has nothing to save)."""
    _require(scope, Role.COA, Role.REGIEVOERDER)
    await TenantData(scope).get_writable(Overdracht, overdracht_id, Overdracht.id)


async def add_member(
    scope: Scope, overdracht_id: int, member: MemberInput, data_key: str, today: date
) -> int:
    """Add a member of the household (partner, child, ...)."""
    _require(scope, Role.COA)
    data = TenantData(scope)
    await data.get_writable(Overdracht, overdracht_id, Overdracht.id)
    check = Checker()
    values = _member_values(member, check, today, data_key)
    check.done()
    async with write_transaction():
        member_id = await data.insert(OverdrachtPerson, overdracht=overdracht_id, **values)
        await data.update(Overdracht, overdracht_id, updated_at=_now())
        await _event(scope, "add_member", overdracht_id)
    return member_id


async def update_member(
    scope: Scope,
    overdracht_id: int,
    member_id: int,
    member: MemberInput,
    data_key: str,
    today: date,
) -> None:
    """Correct a member's details; an empty BSN field keeps the BSN already given."""
    _require(scope, Role.COA)
    data = TenantData(scope)
    await _member_of(data, overdracht_id, member_id, writable=True)
    check = Checker()
    values = _member_values(member, check, today, data_key)
    check.done()
    if values["bsn_cipher"] is None:
        del values["bsn_cipher"], values["bsn_last3"]
    async with write_transaction():
        await data.update(OverdrachtPerson, member_id, **values)
        await data.update(Overdracht, overdracht_id, updated_at=_now())
        await _event(scope, "update_member", overdracht_id)


async def remove_member(scope: Scope, overdracht_id: int, member_id: int) -> None:
    """Take a member out of the household; the last person cannot be removed."""
    _require(scope, Role.COA)
    data = TenantData(scope)
    await _member_of(data, overdracht_id, member_id, writable=True)
    async with write_transaction():
        remaining = await data.count(OverdrachtPerson).where(
            OverdrachtPerson.overdracht == overdracht_id
        )
        if remaining <= 1:
            raise ValidationFailed(
                {"member": "Een overdracht heeft minstens één persoon. Pas deze persoon aan."}
            )
        await data.delete(OverdrachtPerson, member_id)
        await data.update(Overdracht, overdracht_id, updated_at=_now())
        await _event(scope, "remove_member", overdracht_id)


async def _member_of(
    data: TenantData, overdracht_id: int, member_id: int, *, writable: bool
) -> dict[str, Any]:
    fetch = data.get_writable if writable else data.get
    member = await fetch(OverdrachtPerson, member_id, OverdrachtPerson.overdracht)
    if member["overdracht"] != overdracht_id:
        raise NotFound("member")
    return member


def _profile_values(form: ProfileInput, check: Checker) -> dict[str, Any]:
    return {
        "country_of_origin": clean_text(form.country_of_origin, 100),
        "nareizigers_expected": _long_text(
            check, "nareizigers_expected", form.nareizigers_expected, "Verwachte nareizigers"
        ),
        "childcare_needed": form.childcare_needed,
        "medical_info_via_ggd": form.medical_info_via_ggd,
        "practical_needs": _long_text(
            check, "practical_needs", form.practical_needs, "Praktische behoeften"
        ),
        "notes": _long_text(check, "notes", form.notes, "Aantekeningen"),
    }


async def save_profile(scope: Scope, overdracht_id: int, form: ProfileInput) -> None:
    """Save the household part of the informatieprofiel."""
    _require(scope, Role.COA)
    data = TenantData(scope)
    await data.get_writable(Overdracht, overdracht_id, Overdracht.id)
    check = Checker()
    values = _profile_values(form, check)
    check.done()
    async with write_transaction():
        await data.update(Overdracht, overdracht_id, updated_at=_now(), **values)
        await _event(scope, "update_profile", overdracht_id)


async def save_draft(
    scope: Scope,
    overdracht_id: int,
    koppeling: KoppelingInput,
    form: ProfileInput,
    talk: TalkInput,
    today: date,
) -> None:
    """COA's whole overdracht page at once (koppeling, informatieprofiel, talk), so that no
    button on the page throws away what was typed elsewhere on it. Every error of every
    section is reported together; nothing is stored unless all of it is valid."""
    _require(scope, Role.COA)
    data = TenantData(scope)
    row = await data.get_writable(Overdracht, overdracht_id, Overdracht.status, Overdracht.gemeente)
    check = Checker()
    values = {
        **await _koppeling_values(scope, koppeling, check, today),
        **_profile_values(form, check),
        **_talk_values(talk, check),
    }
    if row["status"] != "concept" and values["gemeente"] != row["gemeente"]:
        # A submitted overdracht stays in the inbox of the gemeente that has it.
        check.fail(
            "gemeente",
            "Na het indienen kan de gemeente niet meer veranderen. Klopt de gemeente niet? "
            "Neem contact op met de gemeente.",
        )
    check.done()
    async with write_transaction():
        await data.update(Overdracht, overdracht_id, updated_at=_now(), **values)
        await _event(scope, "update", overdracht_id)


def _talk_values(form: TalkInput, check: Checker) -> dict[str, Any]:
    if form.scenario and form.scenario not in profile.SCENARIOS:
        check.fail("scenario", "Kies een van de drie scenario's.")
    talk_date = parse_date(form.talk_date)
    if form.talk_date.strip() and talk_date is None:
        check.fail("talk_date", "Vul de datum van het gesprek in als dd-mm-jjjj.")
    time = form.talk_time.strip()
    if time and not (len(time) == 5 and time[2] == ":" and time.replace(":", "").isdigit()):
        check.fail("talk_time", "Vul de tijd in als uu:mm, bijvoorbeeld 10:30.")
    if form.talk_mode and form.talk_mode not in profile.TALK_MODES:
        check.fail("talk_mode", "Kies hoe het gesprek wordt gevoerd.")
    attendees = [a for a in form.attendees if a in profile.ATTENDEES]
    outcome = _long_text(check, "talk_outcome", form.talk_outcome, "De uitkomst")
    if form.talk_held and not talk_date:
        check.fail("talk_date", "Vul in wanneer het gesprek is gevoerd.")
    if form.talk_held and not outcome:
        check.fail("talk_outcome", "Schrijf kort op wat de uitkomst van het gesprek is.")
    return {
        "scenario": form.scenario or None,
        "talk_date": talk_date,
        "talk_time": time,
        "talk_mode": form.talk_mode or None,
        "talk_place": clean_text(form.talk_place, 200),
        "talk_attendees": ",".join(attendees),
        "talk_held": form.talk_held,
        "talk_outcome": outcome,
    }


async def save_talk(scope: Scope, overdracht_id: int, form: TalkInput) -> None:
    """Scenario, planned talk and outcome: COA while it may write, the gemeente after
    submission (the talk often takes place after the handover was sent)."""
    _require(scope, Role.COA, Role.REGIEVOERDER)
    data = TenantData(scope)
    await data.get_writable(Overdracht, overdracht_id, Overdracht.id)
    check = Checker()
    values = _talk_values(form, check)
    check.done()
    async with write_transaction():
        await data.update(Overdracht, overdracht_id, updated_at=_now(), **values)
        await _event(scope, "update_talk", overdracht_id)


async def submit(scope: Scope, overdracht_id: int, today: date) -> None:
    """Send a concept to the gemeente, once what the gemeente needs to start is there."""
    _require(scope, Role.COA)
    data = TenantData(scope)
    async with write_transaction():
        row = await data.get_writable(
            Overdracht,
            overdracht_id,
            Overdracht.status,
            Overdracht.scenario,
            Overdracht.talk_date,
            Overdracht.talk_mode,
            Overdracht.country_of_origin,
        )
        if row["status"] != "concept":
            raise ValidationFailed({"status": "Deze overdracht is al ingediend."})
        members = await data.select(OverdrachtPerson, OverdrachtPerson.birth_date).where(
            OverdrachtPerson.overdracht == overdracht_id
        )
        errors: dict[str, str] = {}
        if not any(profile.is_adult(m["birth_date"], today) for m in members):
            errors["members"] = "Voeg minstens één volwassene (18 jaar of ouder) toe."
        if not row["country_of_origin"]:
            errors["country_of_origin"] = "Vul bij het informatieprofiel het land van herkomst in."
        if not row["scenario"]:
            errors["scenario"] = "Kies het scenario van de warme overdracht."
        if not row["talk_date"] or not row["talk_mode"]:
            errors["talk_date"] = (
                "Plan het overdrachtsgesprek: vul de datum en de vorm (op locatie, video of "
                "telefonisch) in."
            )
        if errors:
            raise ValidationFailed(errors)
        await data.update(
            Overdracht, overdracht_id, status="ingediend", submitted_at=_now(), updated_at=_now()
        )
        await _event(scope, "submit", overdracht_id)


async def ask(scope: Scope, overdracht_id: int, text: str) -> None:
    """The gemeente returns a submitted overdracht with a question."""
    _require(scope, Role.REGIEVOERDER)
    data = TenantData(scope)
    row = await data.get_writable(Overdracht, overdracht_id, Overdracht.status)
    question = _message_text(text, "question", "Schrijf uw vraag aan COA.")
    if row["status"] != "ingediend":
        raise ValidationFailed(
            {"question": "U kunt alleen een vraag stellen over een ingediende overdracht."}
        )
    async with write_transaction():
        await _add_message(data, scope, overdracht_id, "vraag", question)
        await data.update(Overdracht, overdracht_id, status="teruggestuurd", updated_at=_now())
        await _event(scope, "ask", overdracht_id)


async def answer(scope: Scope, overdracht_id: int, text: str) -> None:
    """COA answers the gemeente's questions; the overdracht is submitted again."""
    _require(scope, Role.COA)
    data = TenantData(scope)
    row = await data.get_writable(Overdracht, overdracht_id, Overdracht.status)
    reply = _message_text(text, "answer", "Schrijf uw antwoord aan de gemeente.")
    if row["status"] != "teruggestuurd":
        raise ValidationFailed({"answer": "Er staat geen vraag van de gemeente open."})
    async with write_transaction():
        await _add_message(data, scope, overdracht_id, "antwoord", reply)
        await data.update(
            Overdracht, overdracht_id, status="ingediend", submitted_at=_now(), updated_at=_now()
        )
        await _event(scope, "answer", overdracht_id)


def _message_text(text: str, name: str, empty: str) -> str:
    check = Checker()
    value = _long_text(check, name, text, "Het bericht")
    if not value:
        check.fail(name, empty)
    check.done()
    return value


async def _add_message(
    data: TenantData, scope: Scope, overdracht_id: int, kind: str, text: str
) -> None:
    await data.insert(
        OverdrachtMessage,
        overdracht=overdracht_id,
        kind=kind,
        text=text,
        author=scope.person_id,
        author_organisation=scope.organisation_id,
    )


async def get(scope: Scope, overdracht_id: int, today: date) -> dict[str, Any]:
    """The whole overdracht as its reader may see it; the read is audited."""
    _require(scope, Role.COA, Role.REGIEVOERDER)
    data = TenantData(scope)
    row = await data.get(
        Overdracht,
        overdracht_id,
        *Overdracht.all_columns(exclude=[Overdracht.tenant]),
        Overdracht.gemeente.name.as_alias("gemeente_name"),
        Overdracht.coa_organisation.name.as_alias("coa_name"),
        Overdracht.created_by.full_name.as_alias("created_by_name"),
    )
    members = await (
        data.select(
            OverdrachtPerson,
            *OverdrachtPerson.all_columns(exclude=[OverdrachtPerson.tenant]),
        )
        .where(OverdrachtPerson.overdracht == overdracht_id)
        .order_by(OverdrachtPerson.id)
    )
    for member in members:
        member.pop("bsn_cipher")
        member["adult"] = profile.is_adult(member["birth_date"], today)
        member["age"] = profile.age_on(member["birth_date"], today)
    messages = await (
        data.select(
            OverdrachtMessage,
            OverdrachtMessage.kind,
            OverdrachtMessage.text,
            OverdrachtMessage.created_at,
            OverdrachtMessage.author.full_name.as_alias("author_name"),
            OverdrachtMessage.author_organisation.name.as_alias("organisation_name"),
        )
        .where(OverdrachtMessage.overdracht == overdracht_id)
        .order_by(OverdrachtMessage.created_at)
    )
    row["attendees"] = [a for a in row["talk_attendees"].split(",") if a]
    row["writable"] = scope.role is Role.COA and row["status"] in (
        "concept",
        "ingediend",
        "teruggestuurd",
    )
    async with write_transaction():
        await _event(scope, "read", overdracht_id)
    return {"overdracht": row, "members": members, "messages": messages}


@dataclass(frozen=True)
class OverdrachtFilter:
    status: str = ""


async def list_overdrachten(
    scope: Scope, filters: OverdrachtFilter, page: PageRequest, now: datetime
) -> Page:
    """COA: the overdrachten of its own location. Gemeente: its inbox, oldest waiting first,
    with the age in days since submission."""
    _require(scope, Role.COA, Role.REGIEVOERDER)
    data = TenantData(scope)
    query = data.select(
        Overdracht,
        Overdracht.id,
        Overdracht.status,
        Overdracht.koppeling_date,
        Overdracht.housing_date,
        Overdracht.submitted_at,
        Overdracht.created_at,
        Overdracht.gemeente.name.as_alias("gemeente_name"),
        Overdracht.coa_organisation.name.as_alias("coa_name"),
    )
    counter = data.count(Overdracht)
    if filters.status in profile.STATUS_LABELS:
        query = query.where(Overdracht.status == filters.status)
        counter = counter.where(Overdracht.status == filters.status)
    elif scope.role is Role.REGIEVOERDER:
        # The inbox shows what waits for the gemeente unless another status is asked for.
        waiting = Overdracht.status.is_in(["ingediend", "teruggestuurd"])
        query = query.where(waiting)
        counter = counter.where(waiting)
    if scope.role is Role.REGIEVOERDER:
        query = query.order_by(Overdracht.submitted_at)
    else:
        query = query.order_by(Overdracht.created_at, ascending=False)
    rows = await query.limit(page.size).offset(page.offset)
    async with write_transaction():
        await audit.record(scope, audit.AuditEvent("list", "overdracht"))
    names = await _main_names(data, [r["id"] for r in rows])
    for row in rows:
        since = row["submitted_at"] or row["created_at"]
        row["age_days"] = (now - since).days
        row["names"] = names.get(row["id"], "")
    return Page(rows=rows, total=await counter, number=page.number, size=page.size)


async def _main_names(data: TenantData, overdracht_ids: list[int]) -> dict[int, str]:
    if not overdracht_ids:
        return {}
    members = await (
        data.select(
            OverdrachtPerson,
            OverdrachtPerson.overdracht,
            OverdrachtPerson.given_names,
            OverdrachtPerson.family_name,
        )
        .where(OverdrachtPerson.overdracht.is_in(overdracht_ids))
        .order_by(OverdrachtPerson.id)
    )
    names: dict[int, list[str]] = {}
    for m in members:
        names.setdefault(m["overdracht"], []).append(f"{m['given_names']} {m['family_name']}")
    return {key: ", ".join(value) for key, value in names.items()}


async def status_counts(scope: Scope) -> dict[str, int]:
    """How many overdrachten the actor can see, per status (for the start page)."""
    if scope.role not in (Role.COA, Role.REGIEVOERDER):
        return {}
    rows = await (
        TenantData(scope).select(Overdracht, Overdracht.status, Count()).group_by(Overdracht.status)
    )
    counted = {row["status"]: row["count"] for row in rows}
    return {status: counted.get(status, 0) for status in profile.STATUS_LABELS}


async def for_case(scope: Scope, inburgeraar_id: int) -> dict[str, Any] | None:
    """The overdracht a case came from, as its reader may see it (None when there is none)."""
    data = TenantData(scope)
    # A case the reader cannot see is a 404, not "no overdracht".
    await data.get(Inburgeraar, inburgeraar_id, Inburgeraar.id)
    member = await (
        data.select(OverdrachtPerson, OverdrachtPerson.overdracht)
        .where(OverdrachtPerson.inburgeraar == inburgeraar_id)
        .first()
    )
    if member is None:
        return None
    async with write_transaction():
        await audit.record(
            scope,
            audit.AuditEvent(
                "read", "overdracht", member["overdracht"], subject_ref=case_subject(inburgeraar_id)
            ),
        )
    return await data.get(
        Overdracht,
        member["overdracht"],
        Overdracht.id,
        Overdracht.status,
        Overdracht.koppeling_date,
        Overdracht.housing_date,
        Overdracht.scenario,
        Overdracht.talk_date,
        Overdracht.talk_held,
        Overdracht.talk_outcome,
        Overdracht.accepted_at,
        Overdracht.coa_organisation.name.as_alias("coa_name"),
    )
