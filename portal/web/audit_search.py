"""The privacy officer's search through the audit log of their own regio, and its export.

Searches by inburgeraar (name or dossier number), by employee, by organisation and by
period. A name is resolved to dossier numbers through the case file
(`portal/casefile/privacy_lookup.py`, audited); the result shows dossier numbers and log
lines, never case content. Every query is bound to the scope's own regio.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from portal.casefile import privacy_lookup
from portal.core import audit
from portal.core.clock import AMSTERDAM
from portal.core.csv_export import Flavour, encode_rows
from portal.core.database import write_transaction
from portal.core.pagination import Page, PageRequest
from portal.core.validation import ValidationFailed, clean_text
from portal.web.audit_sentences import Names, actor_phrase, role_noun, sentence, subject_phrase
from tenants import staff_lookup
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditSearch:
    """The search form as typed (all text, so it can be shown back unchanged)."""

    naam: str = ""
    dossier: str = ""
    medewerker: str = ""
    organisatie: str = ""
    van: str = ""
    tot: str = ""

    def params(self) -> dict[str, str]:
        return {key: value for key, value in self.__dict__.items() if value}


@dataclass(frozen=True)
class SearchResult:
    page: Page
    errors: dict[str, str]
    organisations: dict[int, str]
    too_many_names: bool


def _require_privacy(scope: Scope) -> None:
    if scope.role is not Role.PRIVACY:
        raise NotFound("audit log")


def _parse_day(raw: str) -> date | None:
    text = raw.strip()
    try:
        if len(text) == 10 and text[2] == "-" and text[5] == "-":
            day, month, year = text.split("-")
            return date(int(year), int(month), int(day))
        return date.fromisoformat(text)
    except ValueError:
        return None


def _start_of(day: date) -> datetime:
    """Midnight in the Netherlands at the start of `day`, in UTC."""
    return datetime.combine(day, time(0), tzinfo=AMSTERDAM).astimezone(UTC)


async def _filter(
    scope: Scope, form: AuditSearch, organisations: dict[int, str]
) -> tuple[audit.AuditFilter, bool]:
    """The form as a filter, or ValidationFailed with every problem at once."""
    errors: dict[str, str] = {}
    dossier = form.dossier.strip()
    if dossier and not (dossier.isdigit() and len(dossier) <= 12):
        errors["dossier"] = "Vul het dossiernummer in met alleen cijfers, bijvoorbeeld 14."
    name = clean_text(form.naam, 100)
    if name and len(name.replace(" ", "")) < 2:
        errors["naam"] = "Vul minstens 2 letters van de naam in."
    elif len(name) > 100:
        errors["naam"] = "Een naam mag maximaal 100 tekens zijn."
    organisation: int | None = None
    if form.organisatie.strip():
        raw = form.organisatie.strip()
        organisation = int(raw) if raw.isdigit() and len(raw) <= 12 else None
        if organisation not in organisations:
            errors["organisatie"] = "Kies een organisatie uit de lijst."
    since = until = None
    if form.van.strip() and (since := _parse_day(form.van)) is None:
        errors["van"] = "Vul de begindatum in als dd-mm-jjjj, bijvoorbeeld 01-03-2026."
    if form.tot.strip() and (until := _parse_day(form.tot)) is None:
        errors["tot"] = "Vul de einddatum in als dd-mm-jjjj, bijvoorbeeld 31-03-2026."
    if since and until and until < since:
        errors["tot"] = "De einddatum ligt voor de begindatum."
    if errors:
        raise ValidationFailed(errors)
    subjects: set[str] | None = None
    too_many = False
    if name:
        ids, too_many = await privacy_lookup.dossiers_by_name(scope, name)
        subjects = {f"inburgeraar:{i}" for i in ids}
    if dossier:
        wanted = {f"inburgeraar:{int(dossier)}"}
        subjects = wanted if subjects is None else subjects & wanted
    people = None
    if form.medewerker.strip():
        people = tuple(await staff_lookup.matching_people(scope, form.medewerker))
    return (
        audit.AuditFilter(
            subject_refs=None if subjects is None else tuple(sorted(subjects)),
            actor_person_ids=people,
            actor_organisation_id=organisation,
            since=_start_of(since) if since else None,
            until=_start_of(until + timedelta(days=1)) if until else None,
        ),
        too_many,
    )


async def _names(scope: Scope, rows: list[dict[str, Any]], organisations: dict[int, str]) -> Names:
    people = {r["actor_person_id"] for r in rows if r["actor_person_id"]}
    for row in rows:
        kind, _, number = (row["subject_ref"] or "").partition(":")
        if kind == "person" and number.isdigit():
            people.add(int(number))
    tasks = {
        int(r["object_id"])
        for r in rows
        if r["object_type"] == "pip_task" and (r["object_id"] or "").isdigit()
    }
    return Names(
        people=await staff_lookup.names(scope, people),
        organisations=organisations,
        task_kinds=await privacy_lookup.task_kinds(scope, tasks),
    )


def _dossier(subject_ref: str | None) -> int | None:
    kind, _, number = (subject_ref or "").partition(":")
    return int(number) if kind == "inburgeraar" and number.isdigit() else None


async def search(scope: Scope, form: AuditSearch, page_request: PageRequest) -> SearchResult:
    """One page of log lines of the scope's regio, newest first, each as a Dutch sentence.
    Bad input comes back as Dutch messages per field, with an empty page."""
    _require_privacy(scope)
    organisations = await staff_lookup.organisation_names(scope)
    try:
        filters, too_many = await _filter(scope, form, organisations)
    except ValidationFailed as failed:
        empty = Page(rows=[], total=0, number=1, size=page_request.size)
        return SearchResult(empty, failed.errors, organisations, False)
    rows, total = await audit.search(
        scope.tenant_id or 0, filters, limit=page_request.size, offset=page_request.offset
    )
    names = await _names(scope, rows, organisations)
    lines = [
        {
            "occurred_at": row["occurred_at"],
            "sentence": sentence(row, names),
            "dossier": _dossier(row["subject_ref"]),
            "origin_ip": row["origin_ip"],
            "result": row["result"],
        }
        for row in rows
    ]
    result = Page(rows=lines, total=total, number=page_request.number, size=page_request.size)
    return SearchResult(result, {}, organisations, too_many)


EXPORT_HEADER = (
    "Tijd (Nederland)",
    "Tijd (UTC)",
    "Wat er gebeurde",
    "Medewerker",
    "Rol",
    "Actie",
    "Object",
    "Object-id",
    "Betrokkene",
    "Resultaat",
    "Herkomst (IP-adres)",
    "Trace-id",
    "Route",
)


def _export_row(row: dict[str, Any], names: Names) -> list[object]:
    at: datetime = row["occurred_at"]
    subject = subject_phrase(row["subject_ref"], names)
    return [
        at.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M"),
        at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        sentence(row, names),
        actor_phrase(row, names),
        role_noun(row["actor_role"]),
        row["action"],
        row["object_type"],
        row["object_id"] or "",
        subject[1] if subject else "",
        row["result"],
        row["origin_ip"] or "",
        row["trace_id"],
        row["purpose"] or "",
    ]


async def export(scope: Scope, form: AuditSearch, flavour: Flavour) -> AsyncIterator[bytes]:
    """The whole search result as CSV, streamed in batches. The export is written to the log
    before the first byte leaves; bad input raises ValidationFailed."""
    _require_privacy(scope)
    organisations = await staff_lookup.organisation_names(scope)
    filters, _ = await _filter(scope, form, organisations)
    async with write_transaction():
        await audit.record(scope, audit.AuditEvent("export", "audit_log"))
    return _export_stream(scope, filters, flavour, organisations)


async def _export_stream(
    scope: Scope, filters: audit.AuditFilter, flavour: Flavour, organisations: dict[int, str]
) -> AsyncIterator[bytes]:
    yield encode_rows([EXPORT_HEADER], flavour, first=True)
    async for rows in audit.batches(scope.tenant_id or 0, filters):
        names = await _names(scope, rows, organisations)
        yield encode_rows((_export_row(row, names) for row in rows), flavour, first=False)
