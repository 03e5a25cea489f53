"""The regio's own figures for the coordinator's monitor: PIPs within the 10-week norm,
the funnel from koppeling to the first lesson, active inburgeraars, and the taakstelling
against realisatie. Counts and medians only: no name, no BSN, no row about one person
leaves this module.

How the coordinator reads across the regio: through `TenantData(scope).as_system(reason)`,
once per page or export (`regio_view`), which writes an audit entry with the person and the
reason. Not a read rule for the coordinator on the case tables: a rule can restrict columns
but not insist on aggregates, so every service would then be one `select` away from a
per-case list of dates per gemeente (indirectly identifying in a small gemeente), and the
figures need four tables of three packages. Here the wide view lives only inside this
module's functions, each a GROUP BY in the database whose answer is counts per group.

Medians: the database groups the days of a step per gemeente into (days, count) pairs, a
histogram, and the median is read from that; no per-case row reaches Python.

Definitions (also on the page):
- PIP within the norm: cases by the half year of their BRP registration. On time: the first
  vastgestelde PIP's dagtekening at most 70 days (10 weeks, pip_rules.PIP_DEADLINE) after the
  BRP date. Late: later than that, or none while the deadline has passed. Running: no PIP
  yet and the deadline still ahead. Cases without a BRP date cannot be judged: they are
  counted apart per gemeente.
- Funnel: per gemeente, how many cases reached each milestone (koppeling, housing, first
  save of the brede intake, first vastgestelde PIP, first lesson attended) and the median
  days from the previous milestone, over the cases that have both dates. The intake may
  start before housing (in the azc), so that step can be negative.
- Active: cases that are not afgerond, per leerroute (none yet: no PIP); per partner as the
  partner package counts its active learners (portal/kpi/milestones.py).
- Taakstelling: the target the coordinator entered; realisatie: cases with a housing date in
  that half year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from piccolo.query.functions.aggregate import Count, Min
from piccolo.querystring import QueryString

from portal.casefile.pip_rules import LEERROUTE_LABELS, PIP_DEADLINE
from portal.casefile.tables import CASE_CLOSED, Inburgeraar, IntakeEntry, Pip, Taakstelling
from portal.core import date_sql
from portal.core.csv_export import ExportTable
from portal.core.database import write_transaction
from portal.core.validation import Checker
from portal.kpi import milestones
from portal.kpi.periods import MONTHS
from tenants.roles import OrganisationKind, Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData
from tenants.tables import Organisation

NORM_DAYS = PIP_DEADLINE.days
REASON = "cijfers van de regio (monitor regiocoördinator)"
# The PIP statuses that were vastgesteld at some point (a concept never counts).
VASTGESTELD = ("vastgesteld", "gewijzigd", "afgerond")
OUTCOMES = {"op_tijd": "Op tijd", "te_laat": "Te laat", "lopend": "Nog binnen termijn"}
STEPS = (
    ("koppeling", "Koppeling"),
    ("huisvesting", "Huisvesting"),
    ("intake", "Brede intake"),
    ("pip", "PIP vastgesteld"),
    ("leerroute", "Start leerroute"),
)
STEP_LABELS = dict(STEPS)
MAX_TARGET = 100_000


@dataclass(frozen=True)
class Gemeente:
    id: int
    name: str


@dataclass(frozen=True)
class PipNormRow:
    """One gemeente in one half year (`half_year` as 20261: first half of 2026)."""

    gemeente: Gemeente
    half_year: int
    op_tijd: int = 0
    te_laat: int = 0
    lopend: int = 0

    @property
    def decided(self) -> int:
        return self.op_tijd + self.te_laat

    @property
    def share(self) -> float | None:
        """Percent on time of the cases that can be judged (None when none can)."""
        return 100 * self.op_tijd / self.decided if self.decided else None


@dataclass(frozen=True)
class FunnelStep:
    step: str
    reached: int
    # Median days from the previous milestone (None for the first, or without pairs).
    median_days: float | None
    pairs: int


@dataclass(frozen=True)
class FunnelRow:
    gemeente: Gemeente
    steps: list[FunnelStep]


@dataclass(frozen=True)
class TaakstellingRow:
    gemeente: Gemeente
    half_year: int
    target: int | None
    realisatie: int

    @property
    def share(self) -> float | None:
        return 100 * self.realisatie / self.target if self.target else None


@dataclass(frozen=True)
class ActiveCount:
    label: str
    count: int
    organisation_id: int | None = None
    kind: str = ""
    # The leerroute's code in a link ("geen": no PIP yet).
    key: str = ""


@dataclass
class RegioFigures:
    """Everything the monitor page shows."""

    gemeenten: list[Gemeente]
    half_years: list[int]
    pip_norm: list[PipNormRow]
    without_brp: dict[int, int]
    funnel: list[FunnelRow]
    funnel_regio: FunnelRow
    per_leerroute: list[ActiveCount]
    per_partner: list[ActiveCount]
    taakstelling: list[TaakstellingRow]
    notes: list[str] = field(default_factory=list)


def half_year_label(key: int) -> str:
    """20261 -> "1e helft 2026"."""
    return f"{key % 10}e helft {key // 10}"


def half_year_of(day: date) -> int:
    return day.year * 10 + (1 if day.month <= 6 else 2)


def last_half_years(today: date, n: int) -> list[int]:
    """This half year and the n - 1 before it, oldest first."""
    keys = [half_year_of(today)]
    while len(keys) < n:
        last = keys[-1]
        keys.append(last - 1 if last % 10 == 2 else (last // 10 - 1) * 10 + 2)
    return list(reversed(keys))


def median_of(histogram: Iterable[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how often) pairs."""
    pairs = sorted((value, count) for value, count in histogram if count > 0)
    total = sum(count for _, count in pairs)
    if not total:
        return None
    wanted = (total - 1) // 2, total // 2
    found: list[int] = []
    seen = 0
    for value, count in pairs:
        for position in wanted:
            if seen <= position < seen + count:
                found.append(value)
        seen += count
    return (found[0] + found[1]) / 2


async def regio_view(scope: Scope) -> TenantData:
    """The audited view across the regio for the coordinator's figures (one entry per
    page or export); any other role finds nothing."""
    if scope.role is not Role.REGIOCOORDINATOR:
        raise NotFound("cijfers van de regio")
    return await TenantData(scope).as_system(REASON)


async def gemeenten(data: TenantData) -> list[Gemeente]:
    """The regio's gemeenten (inactive ones too: their history still counts)."""
    rows = await (
        data.select(Organisation, Organisation.id, Organisation.name)
        .where(Organisation.kind == OrganisationKind.GEMEENTE.value)
        .order_by(Organisation.name)
    )
    return [Gemeente(r["id"], r["name"]) for r in rows]


def _first_pip(data: TenantData) -> QueryString:
    """The first vastgestelde PIP's dagtekening of the outer case."""
    return date_sql.subquery(
        data.select(Pip, Min(Pip.dagtekening))
        .where(Pip.inburgeraar == Inburgeraar.id)
        .where(Pip.status.is_in(list(VASTGESTELD)))
    )


def _first_intake(data: TenantData) -> QueryString:
    """The day of the first save of the outer case's brede intake."""
    return date_sql.subquery(
        data.select(IntakeEntry, Min(IntakeEntry.created_at)).where(
            IntakeEntry.inburgeraar == Inburgeraar.id
        )
    )


def _first_lesson(data: TenantData) -> QueryString | None:
    found = milestones.milestone(milestones.LEERROUTE_START)
    return date_sql.subquery(found.first_date(data)) if found else None


async def pip_norm(data: TenantData, today: date) -> tuple[list[PipNormRow], dict[int, int]]:
    """PIPs within 10 weeks of BRP registration, per gemeente and half year of the BRP
    date; and per gemeente the cases without a BRP date (see the module's text)."""
    first_pip = _first_pip(data)
    late_before = today - PIP_DEADLINE
    outcome = QueryString(
        "CASE WHEN {} IS NULL THEN (CASE WHEN {} < {} THEN 'te_laat' ELSE 'lopend' END) "
        "WHEN {} <= {} THEN 'op_tijd' ELSE 'te_laat' END",
        first_pip,
        Inburgeraar.brp_date,
        late_before,
        date_sql.days_between(Inburgeraar.brp_date, first_pip),
        NORM_DAYS,
        alias="fig_outcome",
    )
    rows = await (
        data.select(
            Inburgeraar,
            Inburgeraar.gemeente.as_alias("gemeente_id"),
            Inburgeraar.gemeente.name.as_alias("gemeente_name"),
            date_sql.half_year_key(Inburgeraar.brp_date, alias="fig_half"),
            outcome,
            Count(),
        )
        .where(Inburgeraar.brp_date.is_not_null())
        .group_by(
            Inburgeraar.gemeente,
            Inburgeraar.gemeente.name,
            date_sql.alias("fig_half"),
            date_sql.alias("fig_outcome"),
        )
    )
    cells: dict[tuple[int, int], dict[str, int]] = {}
    names: dict[int, str] = {}
    for row in rows:
        names[row["gemeente_id"]] = row["gemeente_name"]
        key = (row["gemeente_id"], int(row["fig_half"]))
        cells.setdefault(key, {})[row["fig_outcome"]] = row["count"]
    result = [
        PipNormRow(Gemeente(gid, names[gid]), half, **counts)
        for (gid, half), counts in cells.items()
    ]
    result.sort(key=lambda r: (r.half_year, r.gemeente.name))
    without = await (
        data.select(Inburgeraar, Inburgeraar.gemeente.as_alias("gemeente_id"), Count())
        .where(Inburgeraar.brp_date.is_null())
        .group_by(Inburgeraar.gemeente)
    )
    return result, {r["gemeente_id"]: r["count"] for r in without}


def _milestone_dates(data: TenantData) -> dict[str, QueryString | object]:
    dates: dict[str, object] = {
        "koppeling": Inburgeraar.koppeling_date,
        "huisvesting": Inburgeraar.housing_date,
        "intake": _first_intake(data),
        "pip": _first_pip(data),
    }
    lesson = _first_lesson(data)
    if lesson is not None:
        dates["leerroute"] = lesson
    return dates


async def funnel(data: TenantData) -> tuple[list[FunnelRow], FunnelRow]:
    """Per gemeente and for the regio as a whole: cases reaching each milestone, and the
    median days of each step from the milestone before it (see the module's text)."""
    dates = _milestone_dates(data)
    reached_columns = [
        QueryString(
            "SUM(CASE WHEN {} IS NULL THEN 0 ELSE 1 END)", expression, alias=f"fig_n_{step}"
        )
        for step, expression in dates.items()
    ]
    reached_rows = await data.select(
        Inburgeraar, Inburgeraar.gemeente.as_alias("gemeente_id"), *reached_columns
    ).group_by(Inburgeraar.gemeente)
    reached = {r["gemeente_id"]: r for r in reached_rows}
    steps = list(dates)
    histograms: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for previous, step in pairwise(steps):
        rows = await data.select(
            Inburgeraar,
            Inburgeraar.gemeente.as_alias("gemeente_id"),
            date_sql.days_between(dates[previous], dates[step], alias="fig_days"),
            Count(),
        ).group_by(Inburgeraar.gemeente, date_sql.alias("fig_days"))
        for row in rows:
            if row["fig_days"] is not None:
                histograms.setdefault((row["gemeente_id"], step), []).append(
                    (int(row["fig_days"]), row["count"])
                )
    rows = []
    for gemeente in await gemeenten(data):
        counts = reached.get(gemeente.id)
        if counts is not None:
            rows.append(_funnel_row(gemeente, steps, counts, histograms))
    # The regio as a whole: the same histograms added up (a median of medians would be wrong).
    regio_total = {
        f"fig_n_{step}": sum(int(r[f"fig_n_{step}"] or 0) for r in reached_rows) for step in steps
    }
    merged: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for (_, step), pairs in histograms.items():
        merged.setdefault((0, step), []).extend(pairs)
    return rows, _funnel_row(Gemeente(0, "Regio"), steps, regio_total, merged)


def _funnel_row(
    gemeente: Gemeente,
    steps: list[str],
    counts: dict,
    histograms: dict[tuple[int, str], list[tuple[int, int]]],
) -> FunnelRow:
    return FunnelRow(
        gemeente,
        [
            FunnelStep(
                step,
                int(counts[f"fig_n_{step}"] or 0),
                median_of(histograms.get((gemeente.id, step), [])),
                sum(n for _, n in histograms.get((gemeente.id, step), [])),
            )
            for step in steps
        ],
    )


async def active_per_leerroute(data: TenantData) -> list[ActiveCount]:
    """Cases not afgerond, per leerroute of their vastgestelde PIP (or none yet)."""
    rows = await (
        data.select(Inburgeraar, Inburgeraar.leerroute, Count())
        .where(Inburgeraar.status != CASE_CLOSED)
        .group_by(Inburgeraar.leerroute)
    )
    counts = {r["leerroute"]: r["count"] for r in rows}
    result = [
        ActiveCount(label, counts.get(code, 0), key=code)
        for code, label in LEERROUTE_LABELS.items()
    ]
    result.append(ActiveCount("Nog geen PIP", counts.get(None, 0), key="geen"))
    return result


async def active_per_partner(data: TenantData) -> list[ActiveCount]:
    """Active inburgeraars per partner organisation, as each partner package counts them."""
    result = []
    for caseload in milestones.caseloads():
        totals: dict[int, tuple[str, int]] = {}
        for item in await caseload.count(data):
            name, count = totals.get(item.organisation_id, (item.organisation, 0))
            totals[item.organisation_id] = (name, count + item.count)
        result.extend(
            ActiveCount(name, count, organisation_id, caseload.label)
            for organisation_id, (name, count) in sorted(totals.items(), key=lambda i: i[1][0])
        )
    return result


async def taakstelling(data: TenantData, half_years: list[int]) -> list[TaakstellingRow]:
    """Per gemeente and half year: the target entered and the cases housed in it."""
    realised = await (
        data.select(
            Inburgeraar,
            Inburgeraar.gemeente.as_alias("gemeente_id"),
            date_sql.half_year_key(Inburgeraar.housing_date, alias="fig_half"),
            Count(),
        )
        .where(Inburgeraar.housing_date.is_not_null())
        .group_by(Inburgeraar.gemeente, date_sql.alias("fig_half"))
    )
    done = {(r["gemeente_id"], int(r["fig_half"])): r["count"] for r in realised}
    targets = await data.select(
        Taakstelling,
        Taakstelling.gemeente,
        Taakstelling.year,
        Taakstelling.half,
        Taakstelling.target,
    )
    wanted = {(r["gemeente"], r["year"] * 10 + r["half"]): r["target"] for r in targets}
    regio_gemeenten = await gemeenten(data)
    return [
        TaakstellingRow(
            gemeente, half, wanted.get((gemeente.id, half)), done.get((gemeente.id, half), 0)
        )
        for half in half_years
        for gemeente in regio_gemeenten
    ]


async def figures(scope: Scope, today: date, half_years: int = 4) -> RegioFigures:
    """All of the monitor's figures, under one audited view across the regio."""
    data = await regio_view(scope)
    norm, without = await pip_norm(data, today)
    keys = last_half_years(today, half_years)
    funnel_rows, funnel_regio = await funnel(data)
    return RegioFigures(
        gemeenten=await gemeenten(data),
        half_years=keys,
        pip_norm=[row for row in norm if row.half_year in keys],
        without_brp=without,
        funnel=funnel_rows,
        funnel_regio=funnel_regio,
        per_leerroute=await active_per_leerroute(data),
        per_partner=await active_per_partner(data),
        taakstelling=await taakstelling(data, keys),
    )


@dataclass(frozen=True)
class TaakstellingInput:
    gemeente: str
    half_year: str
    target: str


async def set_taakstelling(scope: Scope, given: TaakstellingInput) -> None:
    """Enter or change the housing target of a gemeente for a half year (coordinator)."""
    if scope.role is not Role.REGIOCOORDINATOR:
        raise NotFound("taakstelling")
    data = TenantData(scope)
    check = Checker()
    options = {str(g.id): g for g in await gemeenten(data)}
    if given.gemeente not in options:
        check.fail("gemeente", "Kies een gemeente van de regio.")
    year, half = _parse_half_year(given.half_year)
    if year is None:
        check.fail("half_year", "Kies een half jaar, zoals 2026-1 (januari tot en met juni).")
    raw = given.target.strip().replace(".", "")
    if not raw.isdigit() or int(raw) > MAX_TARGET:
        check.fail("target", "Vul de taakstelling in als een heel aantal, 0 of meer.")
    check.done()
    gemeente_id = options[given.gemeente].id
    async with write_transaction():
        existing = await (
            data.select(Taakstelling, Taakstelling.id)
            .where(Taakstelling.gemeente == gemeente_id)
            .where(Taakstelling.year == year)
            .where(Taakstelling.half == half)
            .first()
        )
        values = {"target": int(raw), "updated_by": scope.person_id}
        if existing:
            await data.update(Taakstelling, existing["id"], **values)
        else:
            await data.insert(Taakstelling, gemeente=gemeente_id, year=year, half=half, **values)


def _parse_half_year(raw: str) -> tuple[int | None, int | None]:
    parts = raw.strip().split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None, None
    year, half = int(parts[0]), int(parts[1])
    if not 2000 <= year <= 2100 or half not in (1, 2):
        return None, None
    return year, half


async def taakstelling_targets(scope: Scope) -> dict[tuple[int, int], int]:
    """The targets entered, by (gemeente id, half year key), for the form."""
    if scope.role is not Role.REGIOCOORDINATOR:
        raise NotFound("taakstelling")
    rows = await TenantData(scope).select(
        Taakstelling,
        Taakstelling.gemeente,
        Taakstelling.year,
        Taakstelling.half,
        Taakstelling.target,
    )
    return {(r["gemeente"], r["year"] * 10 + r["half"]): r["target"] for r in rows}


def export_tables(figures: RegioFigures) -> dict[str, ExportTable]:
    """Every table of the monitor as an `ExportTable`, by the key its export link uses."""
    without = figures.without_brp
    return {
        "pip-norm": ExportTable(
            "PIP binnen 10 weken na inschrijving (BRP), per gemeente en half jaar",
            ["Half jaar", "Gemeente", "Op tijd", "Te laat", "Nog binnen termijn", "Op tijd (%)"],
            [
                [
                    half_year_label(r.half_year),
                    r.gemeente.name,
                    r.op_tijd,
                    r.te_laat,
                    r.lopend,
                    None if r.share is None else round(r.share, 1),
                ]
                for r in figures.pip_norm
            ],
        ),
        "zonder-brp": ExportTable(
            "Dossiers zonder datum van inschrijving (BRP)",
            ["Gemeente", "Dossiers"],
            [[g.name, without.get(g.id, 0)] for g in figures.gemeenten],
        ),
        "trechter": ExportTable(
            "Van koppeling tot start leerroute, per gemeente",
            ["Gemeente", *_funnel_headings()],
            [_funnel_cells(row) for row in [*figures.funnel, figures.funnel_regio]],
        ),
        "leerroutes": ExportTable(
            "Actieve inburgeraars per leerroute",
            ["Leerroute", "Inburgeraars"],
            [[item.label, item.count] for item in figures.per_leerroute],
        ),
        "partners": ExportTable(
            "Actieve inburgeraars per partner",
            ["Soort", "Organisatie", "Inburgeraars"],
            [[item.kind, item.label, item.count] for item in figures.per_partner],
        ),
        "taakstelling": ExportTable(
            "Taakstelling huisvesting en realisatie, per gemeente en half jaar",
            ["Half jaar", "Gemeente", "Taakstelling", "Gehuisvest", "Gerealiseerd (%)"],
            [
                [
                    half_year_label(r.half_year),
                    r.gemeente.name,
                    r.target,
                    r.realisatie,
                    None if r.share is None else round(r.share, 1),
                ]
                for r in figures.taakstelling
            ],
        ),
    }


def _funnel_headings() -> list[str]:
    headings = []
    for index, (_, label) in enumerate(STEPS):
        headings.append(f"{label}: aantal")
        if index:
            headings.append(f"{label}: dagen sinds vorige stap (mediaan)")
    return headings


def _funnel_cells(row: FunnelRow) -> list[object]:
    cells: list[object] = [row.gemeente.name]
    by_step = {s.step: s for s in row.steps}
    for index, (step, _) in enumerate(STEPS):
        found = by_step.get(step)
        cells.append(found.reached if found else None)
        if index:
            cells.append(found.median_days if found else None)
    return cells


# What is behind a number: the same count split further, never a row about a person.


@dataclass(frozen=True)
class BreakdownQuery:
    """A number of the monitor, named by the query string of its link."""

    figure: str
    gemeente: int | None = None
    half_year: int | None = None
    outcome: str | None = None
    step: str | None = None
    leerroute: str | None = None
    organisation: int | None = None


@dataclass(frozen=True)
class Breakdown:
    title: str
    explanation: str
    by: str
    rows: list[tuple[str, int]]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.rows)


def month_label(key: int) -> str:
    return f"{MONTHS[key % 100 - 1]} {key // 100}"


def _in_half_year(column: object, key: int) -> list[object]:
    year, half = divmod(key, 10)
    first = date(year, 1 if half == 1 else 7, 1)
    last = date(year, 6, 30) if half == 1 else date(year, 12, 31)
    return [column >= first, column <= last]  # type: ignore[operator]


async def breakdown(scope: Scope, query: BreakdownQuery, today: date) -> Breakdown:
    """The count behind one number of the monitor, split per month, half year, gemeente or
    leerroute: what the coordinator may see behind it (no personal data). An unknown
    gemeente, step or organisation is not found."""
    data = await regio_view(scope)
    names = {g.id: g.name for g in await gemeenten(data)}
    if query.gemeente is not None and query.gemeente not in names:
        raise NotFound("gemeente")
    where_gemeente = [Inburgeraar.gemeente == query.gemeente] if query.gemeente is not None else []
    place = names.get(query.gemeente, "de regio") if query.gemeente else "de regio"
    if query.figure == "pip" and query.half_year and query.outcome in OUTCOMES:
        first_pip = _first_pip(data)
        outcome = QueryString(
            "CASE WHEN {} IS NULL THEN (CASE WHEN {} < {} THEN 'te_laat' ELSE 'lopend' END) "
            "WHEN {} <= {} THEN 'op_tijd' ELSE 'te_laat' END",
            first_pip,
            Inburgeraar.brp_date,
            today - PIP_DEADLINE,
            date_sql.days_between(Inburgeraar.brp_date, first_pip),
            NORM_DAYS,
            alias="fig_outcome",
        )
        select = data.select(
            Inburgeraar,
            date_sql.month_key(Inburgeraar.brp_date, alias="fig_month"),
            outcome,
            Count(),
        )
        for predicate in [*where_gemeente, *_in_half_year(Inburgeraar.brp_date, query.half_year)]:
            select = select.where(predicate)
        rows = await select.group_by(date_sql.alias("fig_month"), date_sql.alias("fig_outcome"))
        counts = {
            int(r["fig_month"]): r["count"] for r in rows if r["fig_outcome"] == query.outcome
        }
        return Breakdown(
            f"PIP binnen 10 weken: {OUTCOMES[query.outcome].lower()}, {place}, "
            f"{half_year_label(query.half_year)}",
            "Dossiers per maand van inschrijving in de gemeente (BRP).",
            "Maand van inschrijving",
            [(month_label(k), counts[k]) for k in sorted(counts)],
        )
    if query.figure == "huisvesting" and query.half_year:
        select = data.select(
            Inburgeraar, date_sql.month_key(Inburgeraar.housing_date, alias="fig_month"), Count()
        )
        for predicate in [
            *where_gemeente,
            *_in_half_year(Inburgeraar.housing_date, query.half_year),
        ]:
            select = select.where(predicate)
        rows = await select.group_by(date_sql.alias("fig_month"))
        counts = {int(r["fig_month"]): r["count"] for r in rows}
        return Breakdown(
            f"Gehuisvest: {place}, {half_year_label(query.half_year)}",
            "Dossiers per maand van de huisvestingsdatum.",
            "Maand van huisvesting",
            [(month_label(k), counts[k]) for k in sorted(counts)],
        )
    if query.figure == "trechter" and query.step in STEP_LABELS:
        dates = _milestone_dates(data)
        if query.step not in dates:
            raise NotFound("stap")
        select = data.select(
            Inburgeraar, date_sql.half_year_key(dates[query.step], alias="fig_half"), Count()
        )
        for predicate in where_gemeente:
            select = select.where(predicate)
        rows = await select.group_by(date_sql.alias("fig_half"))
        counts = {int(r["fig_half"]): r["count"] for r in rows if r["fig_half"] is not None}
        return Breakdown(
            f"{STEP_LABELS[query.step]}: {place}",
            "Dossiers die deze stap bereikten, per half jaar waarin dat gebeurde.",
            "Half jaar",
            [(half_year_label(k), counts[k]) for k in sorted(counts)],
        )
    if query.figure == "leerroute" and (
        query.leerroute in LEERROUTE_LABELS or query.leerroute == "geen"
    ):
        leerroute = None if query.leerroute == "geen" else query.leerroute
        select = data.select(
            Inburgeraar, Inburgeraar.gemeente.as_alias("gemeente_id"), Count()
        ).where(Inburgeraar.status != CASE_CLOSED)
        select = select.where(
            Inburgeraar.leerroute.is_null()
            if leerroute is None
            else Inburgeraar.leerroute == leerroute
        )
        rows = await select.group_by(Inburgeraar.gemeente)
        counts = {r["gemeente_id"]: r["count"] for r in rows}
        label = LEERROUTE_LABELS.get(leerroute or "", "Nog geen PIP")
        return Breakdown(
            f"Actieve inburgeraars: {label}",
            "Dossiers die niet zijn afgerond, per gemeente.",
            "Gemeente",
            [(names[g], counts[g]) for g in sorted(counts, key=lambda g: names.get(g, ""))],
        )
    if query.figure == "partner" and query.organisation is not None:
        for caseload in milestones.caseloads():
            items = [
                item
                for item in await caseload.count(data)
                if item.organisation_id == query.organisation
            ]
            if items:
                return Breakdown(
                    f"Actieve inburgeraars bij {items[0].organisation}",
                    f"{caseload.label}: actieve inburgeraars per leerroute.",
                    "Leerroute",
                    [
                        (LEERROUTE_LABELS.get(item.leerroute or "", "Onbekend"), item.count)
                        for item in items
                    ],
                )
    raise NotFound("cijfer")


def pip_norm_regio(rows: list[PipNormRow], half_years: list[int]) -> list[PipNormRow]:
    """The regio as a whole per half year: the gemeenten's counts added up."""
    totals = []
    for half in half_years:
        mine = [r for r in rows if r.half_year == half]
        totals.append(
            PipNormRow(
                Gemeente(0, "Regio"),
                half,
                op_tijd=sum(r.op_tijd for r in mine),
                te_laat=sum(r.te_laat for r in mine),
                lopend=sum(r.lopend for r in mine),
            )
        )
    return totals
