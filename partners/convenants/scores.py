"""Scores of the convenant terms: per term in force, per partner and per period, the value,
its status (gehaald, bijna gemist, gemist, geen gegevens) and the regio average.

Closed periods show their stored value (`snapshots.py`), with a correction found later on
the period after it; a closed period the job has not stored yet and the open period are
measured on demand. The measures read the whole regio, so the coordinator's monitor and a
partner's own view each read through one audited system view per page; what a partner gets
is cut to its own organisation here, before anything leaves this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import Any

from partners.convenants import snapshots
from partners.convenants import terms as term_rules
from partners.convenants.tables import Declaration
from partners.convenants.views import ConvenantInForce, TermInForce, convenants_in_force
from portal.kpi import catalogue
from portal.kpi.periods import Period, PeriodKind
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

COORDINATOR_REASON = "monitor van de convenantafspraken: scores van alle partners"
PARTNER_REASON = "eigen scores op de convenantafspraken"


class Status(StrEnum):
    MET = "gehaald"
    NEARLY = "bijna_gemist"
    MISSED = "gemist"
    NO_DATA = "geen_gegevens"

    @property
    def label(self) -> str:
        return {
            "gehaald": "Gehaald",
            "bijna_gemist": "Bijna gemist",
            "gemist": "Gemist",
            "geen_gegevens": "Geen gegevens",
        }[self.value]

    @property
    def variant(self) -> str:
        return {"gehaald": "ok", "bijna_gemist": "warning", "gemist": "danger"}.get(
            self.value, "neutral"
        )


def value_centi(numerator: float, denominator: float, unit: catalogue.Unit) -> Fraction | None:
    """The value in hundredths of its unit, exact (85 % of 17 ÷ 20 is exactly 8500), or None
    when there was nothing to measure."""
    if not denominator:
        return None
    scale = 10000 if unit is catalogue.Unit.PERCENT else 100
    return Fraction(numerator) * scale / Fraction(denominator)


def status(comparison: str, target_centi: int, tolerance_centi: int, value: Fraction | None):
    """Gehaald on or beyond the target; bijna gemist up to the tolerance ("bijna gemist
    vanaf"); gemist beyond it; geen gegevens when nothing was measured (never met, never
    missed)."""
    if value is None:
        return Status.NO_DATA
    if comparison == "le":
        if value <= target_centi:
            return Status.MET
        return Status.NEARLY if value <= tolerance_centi else Status.MISSED
    if value >= target_centi:
        return Status.MET
    return Status.NEARLY if value >= tolerance_centi else Status.MISSED


def shown(value: Fraction | None, suffix: str) -> str:
    """Dutch, rounded to one decimal: "85,3 %", or "–" without data."""
    if value is None:
        return "–"
    tenths = round(value / 10)
    return f"{term_rules.number_nl(tenths * 10)}{suffix}"


@dataclass
class Cell:
    period: Period
    numerator: float | None
    denominator: float | None
    value: Fraction | None
    status: Status
    text: str
    # Closed and stored (never changes), closed but measured now, or open (still changing).
    stored: bool = False
    open: bool = False
    # A correction of the period before, shown on this one.
    correction: str = ""
    # Declared terms: whether the coordinator checked the declaration.
    checked: bool | None = None

    @property
    def number(self) -> float | None:
        return None if self.value is None else float(self.value) / 100


@dataclass
class PartnerRow:
    organisation_id: int
    name: str
    cells: list[Cell]


@dataclass
class TermScores:
    convenant_id: int
    title: str
    term: TermInForce
    label: str
    suffix: str
    periods: list[Period]
    partners: list[PartnerRow]
    regio: list[Cell] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"afspraak-{self.convenant_id}-{self.term.line}"

    @property
    def measured(self) -> bool:
        return self.term.kind == "kpi"


def _cell(term: TermInForce, unit: catalogue.Unit, suffix: str, period: Period, figures) -> Cell:
    numerator, denominator = figures if figures else (None, None)
    value = value_centi(numerator or 0, denominator or 0, unit)
    return Cell(
        period,
        numerator,
        denominator,
        value,
        status(term.comparison, term.target_centi, term.tolerance_centi, value),
        shown(value, suffix),
    )


async def _measured(
    data: TenantData,
    convenant: ConvenantInForce,
    term: TermInForce,
    organisations: list[int],
    today: date,
    with_regio: bool,
) -> tuple[list[Period], dict[int, list[Cell]], list[Cell]]:
    kpi = catalogue.kpi(term.code)
    periods = snapshots.periods_of(convenant, PeriodKind(term.period_kind), today)
    if kpi is None:
        return periods, {org: [] for org in organisations}, []
    closed_keys = [p.key for p in periods if p.closed_on(today)]
    known = await snapshots.stored(data, term.code, term.period_kind, closed_keys, organisations)
    fixed = await snapshots.corrections(
        data, term.code, term.period_kind, closed_keys, organisations
    )
    cells: dict[int, list[Cell]] = {org: [] for org in organisations}
    regio: list[Cell] = []
    for period in periods:
        figures: dict[int, tuple[float, float]] = {
            org: known[(org, period.key)] for org in organisations if (org, period.key) in known
        }
        missing = frozenset(org for org in organisations if org not in figures)
        if missing:
            for m in await kpi.measure(data.scope, period, missing):
                if m.organisation_id in missing:
                    figures[m.organisation_id] = (float(m.numerator), float(m.denominator))
        previous = period.previous().key
        for org in organisations:
            cell = _cell(term, kpi.unit, kpi.unit.suffix, period, figures.get(org))
            cell.stored = (org, period.key) in known
            cell.open = not period.closed_on(today)
            if (org, previous) in fixed:
                cell.correction = fixed[(org, previous)]["reason"]
            cells[org].append(cell)
        if with_regio:
            total = (
                sum(f[0] for f in figures.values()),
                sum(f[1] for f in figures.values()),
            )
            regio.append(_cell(term, kpi.unit, kpi.unit.suffix, period, total))
    return periods, cells, regio


async def _declared(
    data: TenantData,
    convenant: ConvenantInForce,
    term: TermInForce,
    organisations: list[int],
    today: date,
) -> tuple[list[Period], dict[int, list[Cell]]]:
    periods = snapshots.periods_of(convenant, PeriodKind(term.period_kind), today)
    suffix = term_rules.unit_suffix(term.code)
    rows = await (
        data.select(
            Declaration,
            Declaration.organisation,
            Declaration.period_key,
            Declaration.value_centi,
            Declaration.checked_at,
        )
        .where(Declaration.convenant == convenant.convenant_id)
        .where(Declaration.line == term.line)
        .where(Declaration.organisation.is_in(organisations or [0]))
    )
    by_place = {(row["organisation"], row["period_key"]): row for row in rows}
    cells: dict[int, list[Cell]] = {}
    for org in organisations:
        cells[org] = []
        for period in periods:
            row = by_place.get((org, period.key))
            value = Fraction(row["value_centi"]) if row else None
            cell = Cell(
                period,
                None,
                None,
                value,
                status(term.comparison, term.target_centi, term.tolerance_centi, value),
                term_rules.number_nl(row["value_centi"]) + suffix if row else "–",
                open=not period.closed_on(today),
                checked=(row["checked_at"] is not None) if row else None,
            )
            cells[org].append(cell)
    return periods, cells


async def _scores(
    data: TenantData,
    convenants: list[ConvenantInForce],
    today: date,
    only: int | None,
) -> list[TermScores]:
    found = []
    for convenant in convenants:
        names = {p.organisation_id: p.name for p in convenant.parties}
        for term in convenant.terms:
            organisations = [
                org for org in snapshots.partner_ids(convenant, term) if only is None or org == only
            ]
            if not organisations:
                continue
            regio: list[Cell] = []
            if term.kind == "kpi":
                periods, cells, regio = await _measured(
                    data, convenant, term, organisations, today, with_regio=only is None
                )
            else:
                periods, cells = await _declared(data, convenant, term, organisations, today)
            found.append(
                TermScores(
                    convenant.convenant_id,
                    convenant.title,
                    term,
                    term_rules.code_label(term.code),
                    term_rules.unit_suffix(term.code),
                    periods,
                    [PartnerRow(org, names[org], cells[org]) for org in organisations],
                    regio,
                )
            )
    return found


async def monitor(scope: Scope, today: date) -> list[TermScores]:
    """The coordinator's scores: every term of its office's convenants in force, every
    partner of the term's kind side by side, with the regio average. One audited system
    view for the whole page."""
    if scope.role is not Role.REGIOCOORDINATOR:
        raise NotFound("scores van de regio")
    convenants = await convenants_in_force(scope, today)
    if not convenants:
        return []
    system = await TenantData(scope).as_system(COORDINATOR_REASON)
    return await _scores(system, convenants, today, only=None)


async def own(scope: Scope, today: date, system: TenantData | None = None) -> list[TermScores]:
    """A partner's own scores: the terms of the convenants it is a party of, only its own
    organisation's values. `system`: the page's audited system view, when it has one."""
    if scope.role not in (Role.TAALAANBIEDER, Role.BEGELEIDER, Role.COA, Role.REGIEVOERDER):
        raise NotFound("eigen scores")
    convenants = await convenants_in_force(scope, today)
    if not any(p.organisation_id == scope.organisation_id for c in convenants for p in c.parties):
        return []
    system = system or await TenantData(scope).as_system(PARTNER_REASON)
    return await _scores(system, convenants, today, only=scope.organisation_id)


def find_term(convenants: list[ConvenantInForce], convenant_id: int, line: int):
    """The convenant in force and its term, or NotFound."""
    for convenant in convenants:
        if convenant.convenant_id != convenant_id:
            continue
        for term in convenant.terms:
            if term.line == line:
                return convenant, term
    raise NotFound("afspraak")


def find_period(convenant: ConvenantInForce, term: TermInForce, key: str, today: date) -> Period:
    for period in snapshots.periods_of(convenant, PeriodKind(term.period_kind), today):
        if period.key == key:
            return period
    raise NotFound("periode")


def export_rows(scores: TermScores) -> tuple[list[str], list[list[Any]]]:
    """A score table as rows for CSV and XLSX: one row per partner (and the regio average),
    per period the value and the status in words."""
    header = ["Partner"]
    for period in scores.periods:
        header += [f"{period.label}: waarde", f"{period.label}: status"]
    rows: list[list[Any]] = []
    labelled = [(p.name, p.cells) for p in scores.partners]
    if scores.regio:
        labelled.append(("Regio (gemiddelde)", scores.regio))
    for name, cells in labelled:
        row: list[Any] = [name]
        for cell in cells:
            row += [cell.number, cell.status.label]
        rows.append(row)
    return header, rows
