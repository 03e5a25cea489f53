"""Milestones of a case and caseloads of partners that only a partner package can measure,
for the regio's own figures (the coordinator's monitor) and the KPIs.

The case file knows koppeling, housing, intake and PIP; the start of the leerroute is the
taalaanbieder's first lesson, which lives in `partners/taal`. The case file may not import a
partner, so a partner package registers here, in its `register()`:

- a `Milestone`: `first_date(data)` answers a Piccolo select of ONE aggregate value, the
  first date of the milestone for the case in the outer query, correlated on the case's id
  (`WHERE <table>.inburgeraar = "inburgeraar"."id"`), built through `data` so it carries the
  tenant and visibility predicates. The case file embeds it as a sub-select and groups in
  the database, so no per-case row ever reaches Python.
- a `Caseload`: `count(data)` answers the partner's active inburgeraars per organisation and
  leerroute, one aggregate query (`GROUP BY` with `Count`).

`data` is the caller's `TenantData`: for the monitor, the coordinator's audited
`as_system` view. A registered function never widens it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from piccolo.query import Select

from tenants.scoped import TenantData

# The milestone the funnel ends with: the first lesson of the leerroute.
LEERROUTE_START = "leerroute_start"


@dataclass(frozen=True)
class Milestone:
    """A date in a case's course that a partner package records."""

    code: str
    label: str
    first_date: Callable[[TenantData], Select]


@dataclass(frozen=True)
class PartnerCount:
    """Active inburgeraars of one partner organisation in one leerroute (None: unknown)."""

    organisation_id: int
    organisation: str
    leerroute: str | None
    count: int


@dataclass(frozen=True)
class Caseload:
    """How a kind of partner counts its active inburgeraars."""

    code: str
    label: str
    count: Callable[[TenantData], Awaitable[list[PartnerCount]]]


_MILESTONES: dict[str, Milestone] = {}
_CASELOADS: dict[str, Caseload] = {}


def register_milestone(milestone: Milestone) -> None:
    """Add (or replace, on a second register()) a milestone."""
    _MILESTONES[milestone.code] = milestone


def register_caseload(caseload: Caseload) -> None:
    """Add (or replace) a partner caseload."""
    _CASELOADS[caseload.code] = caseload


def milestone(code: str) -> Milestone | None:
    return _MILESTONES.get(code)


def caseloads() -> list[Caseload]:
    return list(_CASELOADS.values())
