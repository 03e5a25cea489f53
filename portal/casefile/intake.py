"""The brede intake: saved per section as it is held, every save kept with author and time.

Only the gemeente (regievoerder) reads or writes the intake; partners never see it. The
health section additionally needs a recorded consent or legal ground on the case.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from portal.casefile import timeline
from portal.casefile.inburgeraars import parse_date, subject
from portal.casefile.intake_sections import HEALTH_BASES, SECTIONS_BY_KEY, Section
from portal.casefile.tables import Inburgeraar, IntakeEntry
from portal.core import audit
from portal.core.database import write_transaction
from portal.core.validation import Checker, ValidationFailed
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

MAX_TEXT = 4000


def _require_regievoerder(scope: Scope) -> None:
    if scope.role is not Role.REGIEVOERDER:
        raise NotFound("intake")


async def load(scope: Scope, inburgeraar_id: int) -> dict[str, Any]:
    """Current answers per section, each with who saved it last and when, and the health basis."""
    _require_regievoerder(scope)
    data = TenantData(scope)
    case = await data.get(
        Inburgeraar, inburgeraar_id, Inburgeraar.health_basis, Inburgeraar.health_basis_at
    )
    rows = await (
        data.select(
            IntakeEntry,
            IntakeEntry.section,
            IntakeEntry.answers,
            IntakeEntry.created_at,
            IntakeEntry.author.full_name.as_alias("author_name"),
        )
        .where(IntakeEntry.inburgeraar == inburgeraar_id)
        .order_by(IntakeEntry.id)
    )
    current: dict[str, dict[str, Any]] = {}
    history: dict[str, int] = {}
    for row in rows:
        if row["section"] == "gezondheid" and not case["health_basis"]:
            continue
        current[row["section"]] = {
            "answers": json.loads(row["answers"]),
            "saved_at": row["created_at"],
            "author_name": row["author_name"],
        }
        history[row["section"]] = history.get(row["section"], 0) + 1
    async with write_transaction():
        await audit.record(
            scope,
            audit.AuditEvent("read", "intake", inburgeraar_id, subject_ref=subject(inburgeraar_id)),
        )
    return {
        "sections": current,
        "history": history,
        "health_basis": case["health_basis"],
        "health_basis_at": case["health_basis_at"],
    }


def _clean(section: Section, form: dict[str, str]) -> dict[str, Any]:
    check = Checker()
    answers: dict[str, Any] = {}
    for item in section.fields:
        raw = form.get(item.name, "")
        if item.kind == "checkbox":
            answers[item.name] = raw in ("1", "on", "true")
        elif item.kind == "date":
            parsed = parse_date(raw)
            if raw.strip() and parsed is None:
                check.fail(item.name, "Vul de datum in als dd-mm-jjjj.")
            answers[item.name] = parsed.isoformat() if parsed else ""
        elif item.kind == "select":
            allowed = {value for value, _ in item.options}
            if raw and raw not in allowed:
                check.fail(item.name, "Kies een van de mogelijkheden.")
            answers[item.name] = raw
        else:
            text = raw.strip()
            if len(text) > MAX_TEXT:
                check.fail(item.name, f"Maximaal {MAX_TEXT} tekens.")
            answers[item.name] = text
    check.done()
    return answers


async def save_section(
    scope: Scope, inburgeraar_id: int, section_key: str, form: dict[str, str]
) -> None:
    """Save one section as a new entry (earlier saves stay as history)."""
    _require_regievoerder(scope)
    section = SECTIONS_BY_KEY.get(section_key)
    if section is None:
        raise ValidationFailed({"section": "Dit onderdeel van de intake bestaat niet."})
    answers = _clean(section, form)
    data = TenantData(scope)
    async with write_transaction():
        case = await data.get(
            Inburgeraar, inburgeraar_id, Inburgeraar.status, Inburgeraar.health_basis
        )
        if section.special_category and not case["health_basis"]:
            raise ValidationFailed(
                {"health_basis": "Leg eerst vast op welke grond u gezondheidsgegevens vastlegt."}
            )
        await data.insert(
            IntakeEntry,
            inburgeraar=inburgeraar_id,
            section=section.key,
            answers=json.dumps(answers, ensure_ascii=False),
            author=scope.person_id,
        )
        if case["status"] == "aangemeld":
            await data.update(Inburgeraar, inburgeraar_id, status="intake")
        await timeline.add_event(
            data, inburgeraar_id, "intake", f"Brede intake: {section.title.lower()} bijgewerkt"
        )
        await audit.record(
            scope,
            audit.AuditEvent(
                "update",
                f"intake.{section.key}",
                inburgeraar_id,
                subject_ref=subject(inburgeraar_id),
            ),
        )


async def record_health_basis(scope: Scope, inburgeraar_id: int, basis: str) -> None:
    """Record the consent or legal ground that allows health data on this case."""
    _require_regievoerder(scope)
    if basis not in HEALTH_BASES:
        raise ValidationFailed({"health_basis": "Kies toestemming of een wettelijke grondslag."})
    data = TenantData(scope)
    async with write_transaction():
        await data.update(
            Inburgeraar, inburgeraar_id, health_basis=basis, health_basis_at=datetime.now(UTC)
        )
        await timeline.add_event(
            data,
            inburgeraar_id,
            "intake.grondslag",
            f"Grondslag gezondheidsgegevens: {HEALTH_BASES[basis].lower()}",
        )
        await audit.record(
            scope,
            audit.AuditEvent(
                "record_basis",
                "intake.gezondheid",
                inburgeraar_id,
                subject_ref=subject(inburgeraar_id),
            ),
        )


def pip_suggestions(intake: dict[str, Any]) -> dict[str, str]:
    """What the intake already says for the PIP: alfabetisering and a start of the reasoning."""
    sections = intake["sections"]
    suggestions: dict[str, str] = {}
    taal = sections.get("taalniveau", {}).get("answers", {})
    if taal.get("alfabetisering"):
        suggestions["alfabetisering"] = taal["alfabetisering"]
    lines = []
    toets = sections.get("leerbaarheidstoets", {}).get("answers", {})
    if toets.get("uitslag"):
        lines.append(f"Leerbaarheidstoets: {toets['uitslag']}.")
    if taal.get("niveau_nl"):
        lines.append(f"Niveau Nederlands bij de intake: {taal['niveau_nl']}.")
    opleiding = sections.get("opleiding_werk", {}).get("answers", {})
    if opleiding.get("opleiding"):
        lines.append(f"Opleiding: {opleiding['opleiding']}.")
    if lines:
        suggestions["reasoning"] = " ".join(lines)
    return suggestions


async def prefill(
    scope: Scope,
    inburgeraar_id: int,
    answers: dict[str, dict[str, Any]],
    author_id: int | None,
    source: str,
) -> list[str]:
    """Fill sections that have no entry yet with answers another party already gave (the
    warme overdracht of COA), keeping that party's person as the author. Sections already
    worked on are left alone; the special-category section is never pre-filled. Returns
    the titles of the sections filled. Runs inside the caller's transaction."""
    _require_regievoerder(scope)
    data = TenantData(scope)
    await data.get_writable(Inburgeraar, inburgeraar_id, Inburgeraar.id)
    existing = {
        row["section"]
        for row in await data.select(IntakeEntry, IntakeEntry.section).where(
            IntakeEntry.inburgeraar == inburgeraar_id
        )
    }
    filled = []
    for key, given in answers.items():
        section = SECTIONS_BY_KEY[key]
        known = {item.name for item in section.fields}
        cleaned = {name: value for name, value in given.items() if name in known and value}
        if section.special_category or key in existing or not cleaned:
            continue
        await data.insert(
            IntakeEntry,
            inburgeraar=inburgeraar_id,
            section=key,
            answers=json.dumps(cleaned, ensure_ascii=False),
            author=author_id,
        )
        filled.append(section.title)
    if filled:
        await timeline.add_event(
            data,
            inburgeraar_id,
            "intake",
            f"Brede intake vooraf ingevuld uit {source}: {', '.join(t.lower() for t in filled)}",
        )
        await audit.record(
            scope,
            audit.AuditEvent(
                "prefill", "intake", inburgeraar_id, subject_ref=subject(inburgeraar_id)
            ),
        )
    return filled
