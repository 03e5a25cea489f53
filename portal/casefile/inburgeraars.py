"""Registering and finding inburgeraars, with the BSN protected and every read audited.

A regievoerder registers and sees the cases of their own gemeente, BSN included. A partner
sees only the minimum for its task (name, leerroute, contact, languages): never the BSN,
never health data. Each read or write of a case writes one audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from portal.casefile import bsn_lookups, timeline
from portal.casefile.pip_rules import DEADLINE_WARNING, PIP_DEADLINE, deadline_state, pip_deadline
from portal.casefile.tables import Inburgeraar, cases_with_open_work, handed_over_by
from portal.core import audit, bsn
from portal.core.database import write_transaction
from portal.core.pagination import Page, PageRequest
from portal.core.validation import Checker, ValidationFailed, clean_text
from tenants.colleagues import colleagues_in_role
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData


class Doelgroep(StrEnum):
    ASIELSTATUSHOUDER = "asielstatushouder"
    GEZINSMIGRANT = "gezinsmigrant"
    OVERIG = "overig"

    @property
    def label(self) -> str:
        return {
            "asielstatushouder": "Asielstatushouder",
            "gezinsmigrant": "Gezinsmigrant",
            "overig": "Overige migrant",
        }[self.value]


DOELGROEP_LABELS = {d.value: d.label for d in Doelgroep}
STATUS_LABELS = {
    "aangemeld": "Aangemeld",
    "intake": "Brede intake",
    "pip": "PIP vastgesteld",
    "afgerond": "Afgerond",
}

# Whom to call about a person: the gemeente and its regievoerder. Which of the person's own
# columns a role reads is declared with the table's policy (casefile/tables.py).
CONTACT_COLUMNS = (
    Inburgeraar.gemeente.name.as_alias("gemeente_name"),
    # How the gemeente is reached (also printed on the inburgeraar's plan).
    Inburgeraar.gemeente.contact_email.as_alias("gemeente_email"),
    Inburgeraar.gemeente.contact_phone.as_alias("gemeente_phone"),
    Inburgeraar.regievoerder.full_name.as_alias("regievoerder_name"),
    Inburgeraar.regievoerder.email.as_alias("regievoerder_email"),
)
LIST_COLUMNS = (
    Inburgeraar.id,
    Inburgeraar.given_names,
    Inburgeraar.family_name,
    Inburgeraar.bsn_last3,
    Inburgeraar.v_nummer,
    Inburgeraar.doelgroep,
    Inburgeraar.brp_date,
    Inburgeraar.leerroute,
    Inburgeraar.pip_dagtekening,
    Inburgeraar.status,
    Inburgeraar.gemeente.name.as_alias("gemeente_name"),
)


@dataclass(frozen=True)
class NewInburgeraar:
    bsn: str
    v_nummer: str
    given_names: str
    family_name: str
    birth_date: str
    doelgroep: str
    nareiziger: bool
    plicht_start: str
    brp_date: str
    languages: str
    interpreter_needed: bool
    phone: str
    email: str


@dataclass(frozen=True)
class InburgeraarFilter:
    search: str = ""
    leerroute: str = ""
    status: str = ""
    deadline: str = ""


# What a registration hears about a number it may not know more of: the same words whether
# the number is at another gemeente or cannot be taken for any other reason.
NOT_HERE = "Dit {label} kan hier niet worden ingeschreven. Neem contact op met het regiobureau."


def subject(inburgeraar_id: int) -> str:
    return f"inburgeraar:{inburgeraar_id}"


def parse_date(raw: str) -> date | None:
    """ISO (from a date input) or dd-mm-jjjj (typed or imported); None when unreadable."""
    text = raw.strip()
    if not text:
        return None
    try:
        if len(text) == 10 and text[2] == "-" and text[5] == "-":
            day, month, year = text.split("-")
            return date(int(year), int(month), int(day))
        return date.fromisoformat(text)
    except ValueError:
        return None


CHECK_DATE = "Controleer de dag en de maand."


def impossible_date(raw: str) -> bool:
    """Written as a date (dd-mm-jjjj or jjjj-mm-dd) but no day of the calendar: 31-02-1990."""
    text = raw.strip()
    shaped = (len(text) == 10 and text[2] == "-" and text[5] == "-") or (
        len(text) == 10 and text[4] == "-" and text[7] == "-"
    )
    return shaped and text.replace("-", "").isdigit() and parse_date(text) is None


def _require_regievoerder(scope: Scope) -> None:
    if scope.role is not Role.REGIEVOERDER:
        raise NotFound("inburgeraar registration")


def _validated(new: NewInburgeraar, check: Checker, today: date) -> dict[str, Any]:
    try:
        number = bsn.normalise(new.bsn)
    except bsn.InvalidBsn as exc:
        check.fail("bsn", str(exc))
        number = ""
    v_nummer = new.v_nummer.strip()
    if v_nummer and (not v_nummer.isdigit() or len(v_nummer) > 10):
        check.fail("v_nummer", "Een V-nummer bestaat uit maximaal 10 cijfers.")
    given = clean_text(new.given_names, 200)
    family = clean_text(new.family_name, 200)
    check.require("given_names", given, "de voornamen")
    check.require("family_name", family, "de achternaam")
    birth = parse_date(new.birth_date)
    if impossible_date(new.birth_date):
        check.fail("birth_date", f"De datum {new.birth_date.strip()} bestaat niet. {CHECK_DATE}")
    elif birth is None:
        check.fail("birth_date", "Vul de geboortedatum in als dd-mm-jjjj.")
    elif birth > today or birth.year < 1900:
        check.fail("birth_date", "Deze geboortedatum kan niet kloppen.")
    if new.doelgroep not in DOELGROEP_LABELS:
        check.fail("doelgroep", "Kies de doelgroep.")
    dates: dict[str, date | None] = {}
    for field, label in (
        ("plicht_start", "de start van de plicht"),
        ("brp_date", "de BRP-inschrijving"),
    ):
        raw = getattr(new, field)
        dates[field] = parse_date(raw)
        if impossible_date(raw):
            check.fail(field, f"De datum {raw.strip()} bestaat niet. {CHECK_DATE}")
        elif raw.strip() and dates[field] is None:
            check.fail(field, f"Vul de datum van {label} in als dd-mm-jjjj.")
        elif dates[field] and dates[field] > today:
            check.fail(field, f"De datum van {label} kan niet in de toekomst liggen.")
    check.email("email", new.email.strip().lower(), required=False)
    return {
        "number": number,
        "v_nummer": v_nummer or None,
        "given_names": given,
        "family_name": family,
        "birth_date": birth,
        "doelgroep": new.doelgroep,
        "nareiziger": new.nareiziger,
        "plicht_start": dates.get("plicht_start"),
        "brp_date": dates.get("brp_date"),
        "languages": clean_text(new.languages, 300),
        "interpreter_needed": new.interpreter_needed,
        "phone": clean_text(new.phone, 40) or None,
        "email": new.email.strip().lower() or None,
    }


def validate_new(new: NewInburgeraar, today: date) -> dict[str, str]:
    """The errors manual registration gives (field -> Dutch message), without duplicates;
    empty when valid. For checks ahead of `register`, such as the DUO import's dry run."""
    check = Checker()
    _validated(new, check, today)
    return check.errors


async def find_duplicates(
    scope: Scope,
    number: str,
    v_nummer: str | None,
    data_key: str,
    *,
    regio: TenantData | None = None,
) -> dict[str, str]:
    """Duplicates anywhere in the regio; the message names the record only if the actor may
    see it, and is otherwise the same neutral one whatever the reason (no BSN oracle). Looks
    across the regio (an audited system view) because the actor cannot see other gemeenten:
    a caller spends the look-up first (`bsn_lookups.spend`). A caller checking many numbers
    (a DUO file) passes the one system view it asked for as `regio`."""
    mine = TenantData(scope)
    if regio is None:
        regio = await mine.as_system("duplicate check of a BSN or V-nummer")
    errors: dict[str, str] = {}
    checks = [("bsn", Inburgeraar.bsn_index == bsn.index(number, data_key), "BSN")]
    if v_nummer:
        checks.append(("v_nummer", Inburgeraar.v_nummer == v_nummer, "V-nummer"))
    for field, condition, label in checks:
        if not await regio.exists(Inburgeraar).where(condition):
            continue
        visible = (
            await mine.select(
                Inburgeraar, Inburgeraar.id, Inburgeraar.given_names, Inburgeraar.family_name
            )
            .where(condition)
            .first()
        )
        if visible:
            errors[field] = (
                f"Dit {label} staat al bij {visible['given_names']} {visible['family_name']} "
                f"(dossier {visible['id']})."
            )
        else:
            errors[field] = NOT_HERE.format(label=label)
    return errors


async def register(
    scope: Scope, new: NewInburgeraar, data_key: str, today: date, *, lookup_spent: bool = False
) -> int:
    """Register an inburgeraar in the regievoerder's own gemeente; returns the id.

    The duplicate check looks at the whole regio, so it is a budgeted, audited look-up
    (`bsn_lookups.spend`); a caller that has spent it already for a whole file (the DUO
    import) says so with `lookup_spent`."""
    _require_regievoerder(scope)
    check = Checker()
    values = _validated(new, check, today)
    check.done()
    if not lookup_spent:
        try:
            await bsn_lookups.spend(scope, [bsn.index(values["number"], data_key)])
        except bsn_lookups.TooManyLookups as exhausted:
            raise ValidationFailed({"bsn": str(exhausted)}) from None
    data = TenantData(scope)
    async with write_transaction():
        for field, message in (
            await find_duplicates(scope, values["number"], values["v_nummer"], data_key)
        ).items():
            check.fail(field, message)
        check.done()
        number = values.pop("number")
        inburgeraar_id = await data.insert(
            Inburgeraar,
            gemeente=scope.organisation_id,
            regievoerder=scope.person_id,
            bsn_cipher=bsn.encrypt(number, data_key),
            bsn_index=bsn.index(number, data_key),
            bsn_last3=number[-3:],
            **values,
        )
        await timeline.add_event(data, inburgeraar_id, "aangemeld", "Ingeschreven in het portaal")
        await audit.record(
            scope,
            audit.AuditEvent(
                "create", "inburgeraar", inburgeraar_id, subject_ref=subject(inburgeraar_id)
            ),
        )
    return inburgeraar_id


def _filtered(query: Any, filters: InburgeraarFilter, data_key: str, today: date) -> Any:
    search = filters.search.strip()
    if search:
        digits = search.replace(" ", "")
        if digits.isdigit() and len(digits) in (8, 9):
            try:
                query = query.where(
                    Inburgeraar.bsn_index == bsn.index(bsn.normalise(digits), data_key)
                )
            except bsn.InvalidBsn:
                query = query.where(Inburgeraar.v_nummer == digits)
        elif digits.isdigit():
            query = query.where(Inburgeraar.v_nummer == digits)
        else:
            term = f"%{search[:100]}%"
            query = query.where(
                Inburgeraar.family_name.ilike(term) | Inburgeraar.given_names.ilike(term)
            )
    if filters.leerroute in ("B", "O", "Z"):
        query = query.where(Inburgeraar.leerroute == filters.leerroute)
    if filters.status in STATUS_LABELS:
        query = query.where(Inburgeraar.status == filters.status)
    late_before = today - PIP_DEADLINE
    warn_before = today - PIP_DEADLINE + DEADLINE_WARNING
    if filters.deadline == "te_laat":
        query = query.where(Inburgeraar.pip_dagtekening.is_null()).where(
            Inburgeraar.brp_date < late_before
        )
    elif filters.deadline == "binnenkort":
        query = (
            query.where(Inburgeraar.pip_dagtekening.is_null())
            .where(Inburgeraar.brp_date >= late_before)
            .where(Inburgeraar.brp_date <= warn_before)
        )
    elif filters.deadline == "op_schema":
        query = query.where(Inburgeraar.pip_dagtekening.is_null()).where(
            Inburgeraar.brp_date > warn_before
        )
    return query


async def list_inburgeraars(
    scope: Scope, filters: InburgeraarFilter, page: PageRequest, data_key: str, today: date
) -> Page:
    """The regievoerder's caseload, filtered and paginated on the server."""
    _require_regievoerder(scope)
    data = TenantData(scope)
    query = _filtered(data.select(Inburgeraar, *LIST_COLUMNS), filters, data_key, today)
    count = _filtered(data.count(Inburgeraar), filters, data_key, today)
    rows = await (
        query.order_by(Inburgeraar.family_name)
        .order_by(Inburgeraar.id)
        .limit(page.size)
        .offset(page.offset)
    )
    for row in rows:
        row["deadline"] = pip_deadline(row["brp_date"])
        row["deadline_state"] = deadline_state(row["brp_date"], row["pip_dagtekening"], today)
    async with write_transaction():
        await audit.record(scope, audit.AuditEvent("list", "inburgeraar"))
    return Page(rows=rows, total=await count, number=page.number, size=page.size)


async def export_rows(
    scope: Scope, filters: InburgeraarFilter, data_key: str, today: date
) -> list[dict]:
    """Every row of the filtered list (no BSN), for the CSV export; audited as one export."""
    _require_regievoerder(scope)
    query = _filtered(
        TenantData(scope).select(Inburgeraar, *LIST_COLUMNS), filters, data_key, today
    )
    rows = await query.order_by(Inburgeraar.family_name).order_by(Inburgeraar.id)
    for row in rows:
        row["deadline"] = pip_deadline(row["brp_date"])
        row["deadline_state"] = deadline_state(row["brp_date"], row["pip_dagtekening"], today)
    async with write_transaction():
        await audit.record(scope, audit.AuditEvent("export", "inburgeraar"))
    return rows


async def person_view(data: TenantData, inburgeraar_id: int) -> dict[str, Any]:
    """The person as far as the scope's role may read them (the projection declared with the
    table: everything for the gemeente, need-to-know for a partner), with whom to call.
    Not audited: the caller records what it did with it."""
    own = [c for c in data.readable(Inburgeraar) if c._meta.name != "bsn_index"]
    return await data.get(Inburgeraar, inburgeraar_id, *own, *CONTACT_COLUMNS)


async def get_case(scope: Scope, inburgeraar_id: int, data_key: str) -> dict[str, Any]:
    """The full case for the gemeente (BSN decrypted), or the partner's minimal view."""
    data = TenantData(scope)
    if scope.role is not Role.REGIEVOERDER:
        # Only open work opens the case page (for COA also the hand-over, see tables.py);
        # ended work leaves the partner's own pages readable.
        opens = Inburgeraar.id.is_in(cases_with_open_work(scope))
        if scope.role is Role.COA:
            opens = opens | handed_over_by(scope)
        if not await data.exists(Inburgeraar).where((Inburgeraar.id == inburgeraar_id) & opens):
            raise NotFound(f"Inburgeraar {inburgeraar_id}")
    row = await person_view(data, inburgeraar_id)
    row["full"] = scope.role is Role.REGIEVOERDER
    cipher = row.pop("bsn_cipher", None)
    if row["full"] and cipher:
        row["bsn"] = bsn.decrypt(cipher, data_key)
    async with write_transaction():
        await audit.record(
            scope,
            audit.AuditEvent(
                "read", "inburgeraar", inburgeraar_id, subject_ref=subject(inburgeraar_id)
            ),
        )
    return row


async def deadline_counts(scope: Scope, data_key: str, today: date) -> dict[str, int]:
    """How many cases are past or near the 10-week PIP deadline (counts only, not audited)."""
    _require_regievoerder(scope)
    data = TenantData(scope)
    return {
        state: await _filtered(
            data.count(Inburgeraar), InburgeraarFilter(deadline=state), data_key, today
        )
        for state in ("te_laat", "binnenkort")
    }


async def colleagues(scope: Scope) -> list[tuple[str, str]]:
    """The regievoerders of the actor's gemeente, for assigning a case."""
    _require_regievoerder(scope)
    return await colleagues_in_role(scope, Role.REGIEVOERDER)


async def assign_regievoerder(scope: Scope, inburgeraar_id: int, person_raw: str) -> None:
    """Make another regievoerder of the same gemeente responsible for a case."""
    _require_regievoerder(scope)
    data = TenantData(scope)
    # Case first, form second: an unseen case is a 404, not a validation message.
    await data.get_writable(Inburgeraar, inburgeraar_id, Inburgeraar.id)
    options = dict(await colleagues(scope))
    if person_raw not in options:
        raise ValidationFailed({"regievoerder": "Kies een regievoerder van uw gemeente."})
    async with write_transaction():
        await data.update(Inburgeraar, inburgeraar_id, regievoerder=int(person_raw))
        await timeline.add_event(
            data, inburgeraar_id, "regievoerder", f"Regievoerder is nu {options[person_raw]}"
        )
        await audit.record(
            scope,
            audit.AuditEvent(
                "assign", "inburgeraar", inburgeraar_id, subject_ref=subject(inburgeraar_id)
            ),
        )


DATE_FIELDS = {
    "plicht_start": "Start inburgeringsplicht",
    "brp_date": "Inschrijving BRP",
}
# The kind of timeline event that keeps the history of these dates.
DATE_EVENT = "datum.gewijzigd"


@dataclass(frozen=True)
class DateChange:
    plicht_start: str
    brp_date: str
    reason: str


async def change_dates(scope: Scope, inburgeraar_id: int, change: DateChange, today: date) -> int:
    """Set or correct the start of the inburgeringsplicht and the BRP date of a case (a case
    accepted from COA has neither). A reason is required; each changed date gets a line in
    the case's history (the timeline) and the change is audited. Returns how many changed."""
    _require_regievoerder(scope)
    data = TenantData(scope)
    # The case first: one the actor may not see is a 404, not a form message.
    case = await data.get_writable(
        Inburgeraar, inburgeraar_id, Inburgeraar.plicht_start, Inburgeraar.brp_date
    )
    check = Checker()
    new: dict[str, date | None] = {}
    for field, label in DATE_FIELDS.items():
        raw = getattr(change, field).strip()
        value = parse_date(raw)
        if raw and value is None:
            check.fail(field, f"Vul de datum ‘{label}’ in als dd-mm-jjjj.")
        elif value is None and case[field] is not None:
            check.fail(field, f"‘{label}’ kan niet leeg worden. Vul de juiste datum in.")
        elif value and value > today:
            check.fail(field, f"‘{label}’ kan niet in de toekomst liggen.")
        elif value and value.year < 2000:
            check.fail(field, f"‘{label}’ kan niet vóór 2000 liggen.")
        new[field] = value
    changed = {field: value for field, value in new.items() if value != case[field]}
    reason = clean_text(change.reason, 200)
    if changed and len(reason) < 5:
        check.fail("reason", "Schrijf waarom de datum verandert (bijvoorbeeld: bericht van DUO).")
    if not changed and not check.errors:
        check.fail("plicht_start", "Er is niets veranderd. Vul een nieuwe datum in.")
    check.done()
    async with write_transaction():
        await data.update(Inburgeraar, inburgeraar_id, **changed)
        for field, value in changed.items():
            old = case[field].strftime("%d-%m-%Y") if case[field] else "leeg"
            await timeline.add_event(
                data,
                inburgeraar_id,
                DATE_EVENT,
                f"{DATE_FIELDS[field]}: {old} → {value:%d-%m-%Y}. Reden: {reason}",
            )
        await audit.record(
            scope,
            audit.AuditEvent(
                "update", "inburgeraar", inburgeraar_id, subject_ref=subject(inburgeraar_id)
            ),
        )
    return len(changed)
