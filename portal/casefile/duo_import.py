"""Import of new inburgeraars from a CSV of DUO signals (gebeurtenissen SS101 and SS139).

One code path serves both steps: `check` (the dry run) says per row what an import would do
("wordt ingeschreven", "staat er al (wordt overgeslagen)", or the Dutch errors), and `run`
registers every new row in one transaction, or nothing at all when any row has an error.

- The rules are those of manual registration (`inburgeraars.validate_new`, `register`), plus
  what belongs to a signal: a known gebeurtenis, a start of the plicht, and for SS139 the date
  of the BRP registration (the 10-week PIP clock).
- A BSN already in the caseload of the actor's own gemeente is the same person when name and
  birth date agree: the row creates nothing (so a second import of the same file creates
  nothing), but fills the case's start of the plicht and BRP date when they are empty, and
  with the regievoerder's consent replaces a different one, with a note on the timeline.
  When name or birth date differ, the row is a conflict shown side by side, which blocks the
  import until it is resolved.
- A BSN or V-nummer the actor may not see gets the neutral answer of manual registration;
  every number looked up beyond the own caseload is budgeted and audited (`bsn_lookups`).
  The same BSN (or V-nummer) twice in one file is an error.
- Every error of a row is reported at once.
- The BSN only lives in memory during the request; it is never logged or kept in the session.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from portal.casefile import bsn_lookups, inburgeraars, timeline
from portal.casefile.tables import Inburgeraar
from portal.core import audit, bsn
from portal.core.database import write_transaction
from portal.core.validation import ValidationFailed
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
MAX_ROWS_TEXT = "1.000"

# The gebeurtenissen this import reads (DOMAIN.md §8), with what they mean for the case.
GEBEURTENISSEN = {
    "SS101": "De persoon is inburgeringsplichtig geworden.",
    "SS139": "De persoon is inburgeringsplichtig en de termijn van 10 weken voor de PIP is "
    "gestart (ook na vertrek uit het azc).",
}


@dataclass(frozen=True)
class Column:
    name: str
    required: str  # "ja", "nee", or when it is required
    description: str


COLUMNS = (
    Column("gebeurtenis", "ja", "De code van de gebeurtenis van DUO: SS101 of SS139."),
    Column(
        "bsn",
        "ja",
        "Burgerservicenummer, 8 of 9 cijfers. Een BSN van 8 cijfers krijgt een 0 ervoor "
        "(Excel laat die vaak weg).",
    ),
    Column("geslachtsnaam", "ja", "De achternaam, zoals in de BRP."),
    Column("voornamen", "ja", "Alle voornamen, zoals in de BRP."),
    Column("geboortedatum", "ja", "Datum, zie hieronder."),
    Column("doelgroep", "ja", "asielstatushouder, gezinsmigrant of overig."),
    Column("datum_plicht", "ja", "De datum waarop de inburgeringsplicht begon."),
    Column(
        "datum_inschrijving_brp",
        "bij SS139",
        "De datum van inschrijving in de BRP van de gemeente. Vanaf die datum loopt de termijn "
        "van 10 weken voor de PIP. Verplicht bij SS139, mag leeg bij SS101.",
    ),
    Column("v_nummer", "nee", "Het V-nummer (vreemdelingennummer), maximaal 10 cijfers."),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
REQUIRED_COLUMNS = tuple(c.name for c in COLUMNS if c.required == "ja")

# Field of NewInburgeraar -> column of the file, to say where an error is.
FIELD_COLUMNS = {
    "bsn": "bsn",
    "v_nummer": "v_nummer",
    "given_names": "voornamen",
    "family_name": "geslachtsnaam",
    "birth_date": "geboortedatum",
    "doelgroep": "doelgroep",
    "plicht_start": "datum_plicht",
    "brp_date": "datum_inschrijving_brp",
}

# d-m-jjjj as Excel writes dates in Dutch, made dd-mm-jjjj for parse_date.
SHORT_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


class FileRefused(ValueError):
    """The file as a whole cannot be read; the message is Dutch and names no personal data."""


class RowState(StrEnum):
    NEW = "nieuw"
    UPDATE = "bijwerken"
    SKIP = "overslaan"
    CONFLICT = "conflict"
    ERROR = "fout"

    @property
    def label(self) -> str:
        return {
            "nieuw": "wordt ingeschreven",
            "bijwerken": "staat er al, datums worden bijgewerkt",
            "overslaan": "staat er al (wordt overgeslagen)",
            "conflict": "ander persoon met dit BSN?",
            "fout": "fout",
        }[self.value]


@dataclass(frozen=True)
class Conflict:
    """A BSN of the own caseload on a row about (it seems) someone else: both sides shown."""

    case_id: int
    case_name: str
    case_birth: date
    file_name: str
    file_birth: date | None


@dataclass(frozen=True)
class DateChange:
    """A date of an existing case that the row would fill or replace."""

    column: str  # "brp_date" | "plicht_start"
    label: str
    case_value: date | None
    file_value: date

    @property
    def fills(self) -> bool:
        return self.case_value is None


DATE_LABELS = {"plicht_start": "Start inburgeringsplicht", "brp_date": "Inschrijving BRP"}


@dataclass
class Row:
    """One line of the file: where it is (the row number as a spreadsheet shows it, the
    header being row 1), whom it is about, and what the import does with it."""

    number: int
    name: str
    gebeurtenis: str
    errors: list[str] = field(default_factory=list)
    skip: bool = False
    new: inburgeraars.NewInburgeraar | None = None
    bsn: str = ""  # normalised, or "" when invalid; never shown or logged
    case_id: int | None = None  # the own case with this BSN
    conflict: Conflict | None = None
    # Dates of the existing case this row fills (always) or replaces (only when asked).
    date_changes: list[DateChange] = field(default_factory=list)
    replace_dates: bool = False

    @property
    def changes(self) -> list[DateChange]:
        """The date changes the import will make."""
        return [c for c in self.date_changes if c.fills or self.replace_dates]

    @property
    def state(self) -> RowState:
        if self.errors:
            return RowState.ERROR
        if self.conflict:
            return RowState.CONFLICT
        if self.skip:
            return RowState.UPDATE if self.changes else RowState.SKIP
        return RowState.NEW


@dataclass
class Plan:
    rows: list[Row]
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(row.errors or row.conflict for row in self.rows)

    @property
    def updates(self) -> int:
        return sum(row.state is RowState.UPDATE for row in self.rows)

    @property
    def conflicts(self) -> int:
        return sum(row.state is RowState.CONFLICT for row in self.rows)

    @property
    def differing_dates(self) -> int:
        """Rows whose existing case has another date than the file (replaced only on request)."""
        return sum(any(not c.fills for c in row.date_changes) for row in self.rows)

    @property
    def new_rows(self) -> list[Row]:
        return [row for row in self.rows if row.state is RowState.NEW]

    @property
    def skipped(self) -> int:
        return sum(row.state is RowState.SKIP for row in self.rows)

    @property
    def error_rows(self) -> int:
        return sum(row.state is RowState.ERROR for row in self.rows)


@dataclass(frozen=True)
class Outcome:
    plan: Plan
    created: int = 0


def decode(raw: bytes) -> str:
    """UTF-8 text, with or without BOM; anything else is refused with a Dutch message."""
    if not raw.strip():
        raise FileRefused("Het bestand is leeg.")
    if b"\x00" in raw:
        raise FileRefused(
            "Dit is geen CSV-bestand. Is het een Excel-bestand (.xlsx)? Kies dan in Excel "
            "'Opslaan als' en 'CSV UTF-8 (door komma's gescheiden)'."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            "Het bestand is niet als UTF-8 opgeslagen. Kies in Excel 'Opslaan als' en "
            "'CSV UTF-8 (door komma's gescheiden)', en probeer het opnieuw."
        ) from None


def _column_name(cell: str) -> str:
    return "_".join(cell.strip().lower().replace("-", " ").split())


def parse(raw: bytes) -> tuple[list[tuple[int, dict[str, str], bool]], list[str]]:
    """The data rows as (row number, values per known column, too many cells), and the
    columns that are not used. `,` or `;` as separator, whichever the header line uses."""
    text = decode(raw)
    header_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            if any(cell.strip() for cell in cells):
                records.append((number, cells))
            if len(records) > MAX_ROWS + 1:
                raise FileRefused(
                    f"Het bestand heeft meer dan {MAX_ROWS_TEXT} regels met gegevens. Splits "
                    "het in kleinere bestanden."
                )
    except csv.Error:
        raise FileRefused(
            f"Het bestand is geen geldige CSV (rond rij {reader.line_num}). Controleer de "
            "aanhalingstekens, of begin opnieuw met het voorbeeldbestand."
        ) from None
    if not records:
        raise FileRefused("Het bestand is leeg.")
    _, header_cells = records[0]
    header = [_column_name(cell) for cell in header_cells]
    doubled = sorted({name for name in header if name and header.count(name) > 1})
    if doubled:
        raise FileRefused(f"De kolom {_names(doubled)} staat meer dan eens in het bestand.")
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        word = "ontbreekt" if len(missing) == 1 else "ontbreken"
        noun = "De kolom" if len(missing) == 1 else "De kolommen"
        raise FileRefused(
            f"{noun} {_names(missing)} {word}. De eerste regel moet de kolomnamen bevatten, "
            "zoals in het voorbeeldbestand."
        )
    if len(records) == 1:
        raise FileRefused("Het bestand bevat alleen kolomnamen en geen regels met gegevens.")
    rows = []
    for number, cells in records[1:]:
        values = {
            name: cells[i].strip() if i < len(cells) else ""
            for i, name in enumerate(header)
            if name in COLUMN_NAMES
        }
        too_many = any(cell.strip() for cell in cells[len(header) :])
        rows.append((number, values, too_many))
    ignored = [name for name in header if name and name not in COLUMN_NAMES]
    return rows, ignored


def _joined(items: list[str]) -> str:
    """a; a en b; a, b en c."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def _names(names: list[str]) -> str:
    return _joined([f"'{name}'" for name in names])


def _date(raw: str) -> str:
    match = SHORT_DATE.match(raw.strip())
    if match:
        day, month, year = match.groups()
        return f"{int(day):02d}-{int(month):02d}-{year}"
    return raw.strip()


def _row(number: int, values: dict[str, str], too_many: bool, today: date) -> Row:
    """A row checked on its own, with the rules of manual registration."""
    code = values.get("gebeurtenis", "").strip().upper()
    name = " ".join(
        part for part in (values.get("voornamen", ""), values.get("geslachtsnaam", "")) if part
    )
    row = Row(number=number, name=" ".join(name.split())[:120], gebeurtenis=code)
    if too_many:
        row.errors.append("Deze regel heeft meer cellen dan er kolommen zijn.")
    # Every error of the row at once: a wrong gebeurtenis does not hide the other fields.
    if not code:
        row.errors.append("gebeurtenis: Vul de gebeurtenis in (SS101 of SS139).")
    elif code not in GEBEURTENISSEN:
        row.errors.append(f"gebeurtenis: Deze gebeurtenis wordt (nog) niet ingelezen ({code}).")
    new = inburgeraars.NewInburgeraar(
        bsn=values.get("bsn", ""),
        v_nummer=values.get("v_nummer", ""),
        given_names=values.get("voornamen", ""),
        family_name=values.get("geslachtsnaam", ""),
        birth_date=_date(values.get("geboortedatum", "")),
        doelgroep=values.get("doelgroep", "").strip().lower(),
        nareiziger=False,
        plicht_start=_date(values.get("datum_plicht", "")),
        brp_date=_date(values.get("datum_inschrijving_brp", "")),
        languages="",
        interpreter_needed=False,
        phone="",
        email="",
    )
    errors = inburgeraars.validate_new(new, today)
    if "doelgroep" in errors:
        errors["doelgroep"] = "Vul asielstatushouder, gezinsmigrant of overig in."
    if not new.plicht_start:
        errors.setdefault("plicht_start", "Vul de datum van de start van de plicht in.")
    if code == "SS139" and not new.brp_date:
        errors.setdefault("brp_date", "Bij SS139 is de datum van inschrijving in de BRP verplicht.")
    for field_name, message in errors.items():
        row.errors.append(f"{FIELD_COLUMNS.get(field_name, field_name)}: {message}")
    if "bsn" not in errors:
        row.bsn = bsn.normalise(new.bsn)
    row.new = new
    return row


def _doubles_in_file(rows: list[Row]) -> None:
    """The same BSN or V-nummer on more than one row: an error on each of those rows."""
    for column, key in (("bsn", lambda r: r.bsn), ("v_nummer", _v_nummer)):
        seen: dict[str, list[int]] = {}
        for row in rows:
            if value := key(row):
                seen.setdefault(value, []).append(row.number)
        for row in rows:
            others = [n for n in seen.get(key(row), []) if n != row.number] if key(row) else []
            if others:
                where = _joined([str(n) for n in others])
                label = "Dit BSN" if column == "bsn" else "Dit V-nummer"
                row.errors.append(f"{column}: {label} staat ook in rij {where} van dit bestand.")


def _v_nummer(row: Row) -> str:
    return row.new.v_nummer.strip() if row.new else ""


def _same_person(case: dict, new: inburgeraars.NewInburgeraar) -> bool:
    def name(given: str, family: str) -> str:
        return " ".join(f"{given} {family}".lower().split())

    return name(case["given_names"], case["family_name"]) == name(
        new.given_names, new.family_name
    ) and case["birth_date"] == inburgeraars.parse_date(new.birth_date)


def _against_own_case(row: Row, case: dict, replace_dates: bool) -> None:
    """A row whose BSN is in the own caseload: the same person (dates to fill or replace),
    or a conflict to resolve."""
    assert row.new is not None
    row.skip = True
    row.case_id = case["id"]
    if not _same_person(case, row.new):
        row.conflict = Conflict(
            case_id=case["id"],
            case_name=f"{case['given_names']} {case['family_name']}",
            case_birth=case["birth_date"],
            file_name=row.name,
            file_birth=inburgeraars.parse_date(row.new.birth_date),
        )
        return
    row.replace_dates = replace_dates
    for column, raw in (("plicht_start", row.new.plicht_start), ("brp_date", row.new.brp_date)):
        value = inburgeraars.parse_date(raw)
        if value is not None and value != case[column]:
            row.date_changes.append(DateChange(column, DATE_LABELS[column], case[column], value))


async def _against_the_regio(
    scope: Scope, rows: list[Row], data_key: str, replace_dates: bool
) -> None:
    """Rows whose BSN is in this gemeente's caseload are compared with the case; for the
    rest the rules of `register`, after spending one look-up per number (`bsn_lookups`)."""
    checked = [row for row in rows if row.bsn and row.new is not None]
    indexes = {row.number: bsn.index(row.bsn, data_key) for row in checked}
    own = {
        case["bsn_index"]: case
        for case in await TenantData(scope)
        .select(
            Inburgeraar,
            Inburgeraar.id,
            Inburgeraar.bsn_index,
            Inburgeraar.given_names,
            Inburgeraar.family_name,
            Inburgeraar.birth_date,
            Inburgeraar.plicht_start,
            Inburgeraar.brp_date,
        )
        .where(Inburgeraar.bsn_index.is_in(sorted(set(indexes.values())) or [""]))
    }
    beyond = [row for row in checked if indexes[row.number] not in own]
    try:
        await bsn_lookups.spend(scope, [indexes[row.number] for row in beyond])
    except bsn_lookups.TooManyLookups as exhausted:
        raise FileRefused(str(exhausted)) from None
    regio = await TenantData(scope).as_system("duplicate check of a DUO file") if beyond else None
    for row in checked:
        assert row.new is not None
        if case := own.get(indexes[row.number]):
            _against_own_case(row, case, replace_dates)
            continue
        v_nummer = row.new.v_nummer.strip() or None
        # The same duplicate check (and wording) as manual registration.
        duplicates = await inburgeraars.find_duplicates(
            scope, row.bsn, v_nummer, data_key, regio=regio
        )
        for field_name, message in duplicates.items():
            row.errors.append(f"{FIELD_COLUMNS.get(field_name, field_name)}: {message}")


async def _plan(scope: Scope, raw: bytes, data_key: str, today: date, replace_dates: bool) -> Plan:
    parsed, ignored = parse(raw)
    rows = [_row(number, values, too_many, today) for number, values, too_many in parsed]
    _doubles_in_file(rows)
    await _against_the_regio(scope, rows, data_key, replace_dates)
    return Plan(rows=rows, ignored_columns=ignored)


def _require_regievoerder(scope: Scope) -> None:
    if scope.role is not Role.REGIEVOERDER:
        raise NotFound("inburgeraar import")


async def check(
    scope: Scope, raw: bytes, data_key: str, today: date, *, replace_dates: bool = False
) -> Plan:
    """The dry run: what an import of this file would do, row by row. Stores no case."""
    _require_regievoerder(scope)
    plan = await _plan(scope, raw, data_key, today, replace_dates)
    async with write_transaction():
        await audit.record(scope, audit.AuditEvent("import_check", "inburgeraar"))
    return plan


REFUSED = "refused"


class _RowFailed(Exception):
    """A row failed while registering: leave the transaction so it rolls back."""


async def _change_dates(data: TenantData, row: Row) -> None:
    """Fill or replace dates of an existing case, each with a note on its timeline."""
    assert row.case_id is not None
    changes = row.changes
    await data.update(Inburgeraar, row.case_id, **{c.column: c.file_value for c in changes})
    for change in changes:
        was = change.case_value.strftime("%d-%m-%Y") if change.case_value else "leeg"
        await timeline.add_event(
            data,
            row.case_id,
            "gegevens",
            f"{change.label}: {change.file_value:%d-%m-%Y} (was {was}), uit DUO-signaal "
            f"{row.gebeurtenis}",
        )
    await audit.record(
        data.scope,
        audit.AuditEvent(
            "update",
            "inburgeraar",
            row.case_id,
            subject_ref=inburgeraars.subject(row.case_id),
        ),
    )


async def run(
    scope: Scope, raw: bytes, data_key: str, today: date, *, replace_dates: bool = False
) -> Outcome:
    """Register every new row and change the dates of existing cases in one transaction;
    with any error or conflict, store nothing.

    The plan is made inside the write transaction (IMMEDIATE on SQLite), so what was checked
    is what is stored. `register` joins this transaction (Piccolo nests by joining), so a
    failure on row N also undoes rows 1..N-1, their timeline events and audit entries."""
    _require_regievoerder(scope)
    created = 0
    try:
        async with write_transaction():
            plan = await _plan(scope, raw, data_key, today, replace_dates)
            if not plan.ok:
                await audit.record(scope, audit.AuditEvent("import", "inburgeraar", result=REFUSED))
                return Outcome(plan=plan)
            data = TenantData(scope)
            for row in plan.rows:
                if row.state is RowState.UPDATE:
                    await _change_dates(data, row)
            for row in plan.new_rows:
                assert row.new is not None
                try:
                    await inburgeraars.register(scope, row.new, data_key, today, lookup_spent=True)
                except ValidationFailed as failed:
                    row.errors.extend(
                        f"{FIELD_COLUMNS.get(name, name)}: {message}"
                        for name, message in failed.errors.items()
                    )
                    raise _RowFailed from failed
                created += 1
            await audit.record(scope, audit.AuditEvent("import", "inburgeraar"))
    except _RowFailed:
        # Rolled back: rows 1..N-1 are gone again. The attempt itself is still recorded.
        async with write_transaction():
            await audit.record(scope, audit.AuditEvent("import", "inburgeraar", result=REFUSED))
        return Outcome(plan=plan)
    return Outcome(plan=plan, created=created)
