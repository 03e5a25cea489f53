"""The catalogue of quality terms a convenant can agree on: measured KPIs and declarations.

The catalogue is code, not configuration: each measured KPI brings its own definition (for
docs/kpis.md, generated from here) and the aggregate that computes it. The case file and the
partner packages own the data, so they register their KPIs here in their `register()`
(DESIGN.md: a lower package owns a registry, a higher one adds to it); the convenants read
the catalogue without importing any partner.

A measure function gets a scope that may read the whole regio (a job's `Scope.system`, or a
request's audited `TenantData.as_system`) and a period, and answers one `Measurement` per
organisation it measured: a numerator and a denominator from database aggregates, so a
value can be summed across organisations (the regio average) and stored per closed period.
Who may see which organisation's value is the caller's rule, not the measure's.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from portal.kpi.periods import Period, PeriodKind
from tenants.roles import OrganisationKind
from tenants.scope import Scope


class Unit(StrEnum):
    """How a value is shown: a share in percent, a mean number of (working) days, hours a
    week, a count. `ratio` values are numerator ÷ denominator; `percent` is that × 100."""

    PERCENT = "procent"
    WORKDAYS = "werkdagen"
    DAYS = "dagen"
    HOURS = "uren"
    COUNT = "aantal"

    @property
    def suffix(self) -> str:
        return {
            "procent": " %",
            "werkdagen": " werkdagen",
            "dagen": " dagen",
            "uren": " uur",
            "aantal": "",
        }[self.value]


class Better(StrEnum):
    """Which way is good: the comparison a term usually makes (≥ for higher, ≤ for lower)."""

    HIGHER = "hoger"
    LOWER = "lager"


@dataclass(frozen=True)
class Definition:
    """The precise definition, in English, as docs/kpis.md prints it."""

    numerator: str
    denominator: str
    period: str
    counts: str
    excluded: str


@dataclass(frozen=True)
class Measurement:
    """One organisation's raw figures for one period."""

    organisation_id: int
    numerator: float
    denominator: float

    def value(self, unit: Unit) -> float | None:
        """The shown value, or None when nothing was there to measure (no division by 0)."""
        if not self.denominator:
            return None
        ratio = self.numerator / self.denominator
        return ratio * 100 if unit is Unit.PERCENT else ratio


@dataclass(frozen=True)
class Record:
    """One record behind a value: what the partner sees by name and the coordinator only by
    pseudonym. `case_id` links to the case for whoever may open it; `pseudonym` is stable per
    regio and case (never the BSN, never the dossier number)."""

    record_id: int
    case_id: int | None
    pseudonym: str
    name: str
    day: str
    detail: str
    counts: bool
    # Why the record does not count in the value (when `counts` is false), in Dutch.
    note: str = ""
    # Whether the record meets the term (on time, signed, confirmed, passed): what a partner
    # can still fix is a counting record with `met` false. None where the record is a share
    # of its own (a learner's attendance) rather than a yes or no.
    met: bool | None = None


def pseudonym(tenant_id: int, case_id: int, key: str) -> str:
    """A stable pseudonym of a case within its regio: a keyed hash (under a key derived from
    the data key for this purpose only, as portal/core/bsn.py derives its keys) of regio and
    case id. The same case gets the same pseudonym on every page and every period, so the
    coordinator can ask about "the same person" without knowing who it is."""
    derived = hmac.new(key.encode(), b"kpi-pseudonym", hashlib.sha256).digest()
    digest = hmac.new(derived, f"{tenant_id}:{case_id}".encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:10].upper()}"


def for_coordinator(records: Iterable[Record], tenant_id: int, key: str) -> list[Record]:
    """The records as the coordinator sees them: no name, a pseudonym for the case."""
    return [
        replace(
            record,
            name="",
            pseudonym=pseudonym(tenant_id, record.case_id, key) if record.case_id else "",
        )
        for record in records
    ]


def complete(
    measured: dict[int, tuple[float, float]], organisation_ids: Iterable[int]
) -> list[Measurement]:
    """One Measurement per organisation, in id order: the measured figures, or 0 ÷ 0 (value
    None) for an organisation with nothing to measure in the period."""
    return [
        Measurement(org, *measured.get(org, (0, 0)))
        for org in sorted(set(organisation_ids) | set(measured))
    ]


MeasureFn = Callable[[Scope, Period, frozenset[int] | None], Awaitable[list[Measurement]]]
RecordsFn = Callable[[Scope, Period, int], Awaitable[list[Record]]]


@dataclass(frozen=True)
class Kpi:
    """A quality term the portal measures from its own data."""

    code: str
    label: str
    unit: Unit
    better: Better
    partner_kind: OrganisationKind
    definition: Definition
    measure: MeasureFn
    records: RecordsFn
    # Dutch: what the value means in one sentence, shown beside the term.
    explanation: str = ""
    default_period: PeriodKind = PeriodKind.MAAND
    # A timeliness KPI's standard window in working days ("binnen 2 werkdagen"); a term may
    # agree another (portal/kpi/agreed.py). None: the KPI has no window.
    window: int | None = None


class AnswerKind(StrEnum):
    YES_NO = "ja_nee"
    PERCENT = "procent"
    SCORE = "cijfer"
    DAYS = "dagen"


@dataclass(frozen=True)
class DeclarationKind:
    """A term the data cannot measure: the partner states a value per period with evidence,
    the coordinator marks it checked."""

    code: str
    label: str
    answer: AnswerKind
    partner_kind: OrganisationKind
    explanation: str
    default_period: PeriodKind = PeriodKind.KWARTAAL


_KPIS: dict[str, Kpi] = {}
_DECLARATIONS: dict[str, DeclarationKind] = {}


def register_kpi(kpi: Kpi) -> None:
    """Add (or replace, on a second register()) a measured KPI."""
    _KPIS[kpi.code] = kpi


def register_declaration(kind: DeclarationKind) -> None:
    """Add (or replace) a declaration kind."""
    _DECLARATIONS[kind.code] = kind


def kpis() -> list[Kpi]:
    return list(_KPIS.values())


def declarations() -> list[DeclarationKind]:
    return list(_DECLARATIONS.values())


def kpi(code: str) -> Kpi | None:
    return _KPIS.get(code)


def declaration(code: str) -> DeclarationKind | None:
    return _DECLARATIONS.get(code)


def catalogue_codes() -> dict[str, Any]:
    """Every code of the catalogue, measured and declared (a term must name one)."""
    return {**_KPIS, **_DECLARATIONS}
