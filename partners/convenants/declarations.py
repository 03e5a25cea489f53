"""Declarations: the value a partner states for a declared term ("NT2-gekwalificeerde
docenten") per measuring period, with evidence, and the coordinator's check.

A partner declares only for a convenant in force that it is a party of, only for declared
terms of the version all accepted that apply to its kind of organisation, and only for a
period that has begun inside the convenant's period. The evidence is checked by content
(`portal/core/uploads.py`); a declaration can be replaced until the coordinator has checked
it. A partner sees only its own declarations; every upload and download is audited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from partners.convenants import terms as term_rules
from partners.convenants.drafting import current_version
from partners.convenants.signing import own_party
from partners.convenants.tables import PARTY_ROLES, Convenant, ConvenantTerm, Declaration
from portal.core import audit, uploads
from portal.core.database import write_transaction
from portal.core.uploads import StoredDocument
from portal.core.validation import Checker, ValidationFailed, clean_text
from portal.kpi import catalogue
from portal.kpi.periods import Period, PeriodKind
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

ANSWER_HINTS = {
    catalogue.AnswerKind.YES_NO: "ja of nee",
    catalogue.AnswerKind.PERCENT: "een percentage van 0 tot 100, zoals 95",
    catalogue.AnswerKind.SCORE: "een cijfer van 1 tot 10, zoals 7,5",
    catalogue.AnswerKind.DAYS: "een aantal dagen, zoals 12",
}


def answer_kind(code: str) -> catalogue.AnswerKind:
    """How a declared term is answered; a code the catalogue lacks is a percentage."""
    kind = catalogue.declaration(code)
    return kind.answer if kind else catalogue.AnswerKind.PERCENT


def parse_value(kind: catalogue.AnswerKind, raw: str) -> int | None:
    """The stated value in hundredths, or None when it does not fit the answer kind."""
    text = raw.strip().lower()
    if kind is catalogue.AnswerKind.YES_NO:
        return {"ja": 100, "nee": 0}.get(text)
    value = term_rules.parse_number(text)
    if value is None:
        return None
    if kind is catalogue.AnswerKind.PERCENT and value > 100:
        return None
    if kind is catalogue.AnswerKind.SCORE and not 1 <= value <= 10:
        return None
    return term_rules.to_centi(value)


def show_value(code: str, centi: int) -> str:
    kind = answer_kind(code)
    if kind is catalogue.AnswerKind.YES_NO:
        return "ja" if centi else "nee"
    return term_rules.number_nl(centi) + term_rules.unit_suffix(code)


def periods(convenant: dict[str, Any], kind: PeriodKind, today: date) -> list[Period]:
    """The periods of the convenant that have begun by today, newest first."""
    last_day = min(today, convenant["period_end"])
    if last_day < convenant["period_start"]:
        return []
    found = [Period.containing(last_day, kind)]
    while found[-1].first > convenant["period_start"]:
        found.append(found[-1].previous())
    return found


@dataclass(frozen=True)
class DeclaredTerm:
    line: int
    code: str
    label: str
    sentence: str
    hint: str
    yes_no: bool
    periods: list[Period]


@dataclass(frozen=True)
class DeclarationInput:
    line: str
    period_key: str
    value: str
    note: str


async def _in_force(data: TenantData, convenant_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    convenant = await data.get(Convenant, convenant_id)
    if convenant["active_version"] is None:
        raise ValidationFailed(
            {"declaration": "Dit convenant is nog niet door alle partijen ondertekend."}
        )
    version = await current_version(data, convenant_id, convenant["active_version"])
    return convenant, version


async def declared_terms(scope: Scope, convenant_id: int, today: date) -> list[DeclaredTerm]:
    """The declared terms of the version in force that the actor's organisation answers
    (the coordinator: all), each with the periods it can be declared for."""
    data = TenantData(scope)
    convenant = await data.get(Convenant, convenant_id)
    if convenant["active_version"] is None:
        return []
    version = await current_version(data, convenant_id, convenant["active_version"])
    query = (
        data.select(ConvenantTerm)
        .where(ConvenantTerm.version == version["id"])
        .where(ConvenantTerm.kind == "verklaring")
        .order_by(ConvenantTerm.line)
    )
    if scope.role is not Role.REGIOCOORDINATOR:
        party = await own_party(data, convenant_id)
        query = query.where(ConvenantTerm.partner_kind == party["kind"])
    return [
        DeclaredTerm(
            line=row["line"],
            code=row["code"],
            label=term_rules.code_label(row["code"]),
            sentence=term_rules.sentence(row),
            hint=ANSWER_HINTS[answer_kind(row["code"])],
            yes_no=answer_kind(row["code"]) is catalogue.AnswerKind.YES_NO,
            periods=periods(convenant, PeriodKind(row["period_kind"]), today),
        )
        for row in await query
    ]


async def listing(scope: Scope, convenant_id: int) -> list[dict[str, Any]]:
    """The declarations the actor may see (a partner: its own; the coordinator: all)."""
    data = TenantData(scope)
    await data.get(Convenant, convenant_id, Convenant.id)
    rows = await (
        data.select(
            Declaration,
            Declaration.id,
            Declaration.line,
            Declaration.code,
            Declaration.period_key,
            Declaration.value_centi,
            Declaration.note,
            Declaration.filename,
            Declaration.size,
            Declaration.submitted_at,
            Declaration.checked_at,
            Declaration.organisation.name.as_alias("organisation_name"),
            Declaration.submitted_by.full_name.as_alias("submitted_by_name"),
            Declaration.checked_by.full_name.as_alias("checked_by_name"),
        )
        .where(Declaration.convenant == convenant_id)
        .order_by(Declaration.period_key, ascending=False)
        .order_by(Declaration.line)
    )
    for row in rows:
        row["label"] = term_rules.code_label(row["code"])
        row["value"] = show_value(row["code"], row["value_centi"])
    return rows


async def submit(
    scope: Scope,
    convenant_id: int,
    form: DeclarationInput,
    filename: str,
    content: bytes,
    root: Path,
    today: date,
) -> int:
    """Declare a value with its evidence for one term and period (replacing a declaration
    not yet checked). Refused in Dutch when the value or the file does not fit."""
    if scope.role not in PARTY_ROLES:
        raise NotFound("convenant")
    data = TenantData(scope)
    await own_party(data, convenant_id)
    await _in_force(data, convenant_id)
    terms = {str(t.line): t for t in await declared_terms(scope, convenant_id, today)}
    checker = Checker()
    term = terms.get(form.line)
    if term is None:
        raise NotFound("declared term")
    period = next((p for p in term.periods if p.key == form.period_key), None)
    if period is None:
        checker.fail("period", "Kies een periode uit de lijst.")
    value = parse_value(answer_kind(term.code), form.value)
    if value is None:
        checker.fail("value", f"Vul als waarde {term.hint} in.")
    note = clean_text(form.note, 1000)
    if len(note) > 1000:
        checker.fail("note", "De toelichting mag maximaal 1000 tekens zijn.")
    if not filename:
        checker.fail("evidence", "Voeg een bewijsstuk toe (PDF, JPEG of PNG).")
    checker.done()
    checked = uploads.check("evidence", filename, content)
    assert period is not None and value is not None
    existing = await (
        data.select(Declaration, Declaration.id, Declaration.checked_at, Declaration.storage_key)
        .where(Declaration.convenant == convenant_id)
        .where(Declaration.line == term.line)
        .where(Declaration.organisation == scope.organisation_id)
        .where(Declaration.period_key == period.key)
        .first()
    )
    if existing and existing["checked_at"] is not None:
        raise ValidationFailed(
            {"period": "De verklaring over deze periode is al gecontroleerd door de regio."}
        )
    values = {
        "value_centi": value,
        "note": note,
        "filename": checked.filename,
        "content_type": checked.content_type,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "submitted_by": scope.person_id,
        "submitted_at": datetime.now(UTC),
    }
    tenant = scope.tenant_id or 0
    with uploads.stored_file(root, tenant, content) as storage_key:
        async with write_transaction():
            if existing:
                declaration_id = existing["id"]
                await data.update(Declaration, declaration_id, storage_key=storage_key, **values)
            else:
                declaration_id = await data.insert(
                    Declaration,
                    convenant=convenant_id,
                    line=term.line,
                    code=term.code,
                    organisation=scope.organisation_id,
                    period_key=period.key,
                    storage_key=storage_key,
                    **values,
                )
            await audit.record(
                scope, audit.AuditEvent("submit", "convenant_declaration", declaration_id)
            )
    if existing:
        uploads.remove(root, tenant, existing["storage_key"])
    return declaration_id


async def download(scope: Scope, declaration_id: int, root: Path) -> StoredDocument:
    """The evidence of a declaration, for its partner and the regio office; audited."""
    data = TenantData(scope)
    row = await data.get(
        Declaration,
        declaration_id,
        Declaration.filename,
        Declaration.content_type,
        Declaration.storage_key,
    )
    content = uploads.read(root, scope.tenant_id or 0, row["storage_key"])
    if content is None:
        raise NotFound("declaration file")
    async with write_transaction():
        await audit.record(
            scope, audit.AuditEvent("download", "convenant_declaration", declaration_id)
        )
    return StoredDocument(row["filename"], row["content_type"], content)


async def mark_checked(scope: Scope, declaration_id: int) -> int:
    """The coordinator marks a declaration checked; returns its convenant's id."""
    if scope.role is not Role.REGIOCOORDINATOR:
        raise NotFound("declaration")
    data = TenantData(scope)
    row = await data.get_writable(
        Declaration, declaration_id, Declaration.convenant, Declaration.checked_at
    )
    if row["checked_at"] is None:
        async with write_transaction():
            await data.update(
                Declaration,
                declaration_id,
                checked_by=scope.person_id,
                checked_at=datetime.now(UTC),
            )
            await audit.record(
                scope, audit.AuditEvent("check", "convenant_declaration", declaration_id)
            )
    return row["convenant"]
