"""Numbers a convenant fixes for the whole regio: one place to set them, not two.

A timeliness KPI has a window in working days ("verzuimsignaal binnen 2 werkdagen"); a term
in force may agree another window. Where it does, that number is the regio's only number:
the KPI measures with it, and a reminder interval that is the same number (the register
reminder is the verzuim signal's window) shows it read-only with the convenant that fixed it.
The convenants package owns the terms, so it registers the source here (DESIGN.md: a lower
package owns a registry, a higher one adds to it); readers never import a partner.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from tenants.scope import Scope


@dataclass(frozen=True)
class Agreed:
    """A window a convenant in force fixes: the KPI code, the number, and where it is set."""

    code: str
    workdays: int
    convenant_id: int
    title: str
    line: int


# The windows fixed on `day`, by KPI code. Given any scope of the regio (a source that needs
# more than the actor may read opens its own audited system view).
Source = Callable[[Scope, date], Awaitable[dict[str, Agreed]]]

_SOURCES: dict[str, Source] = {}


def register_source(name: str, source: Source) -> None:
    """Add (or replace, on re-import) a source of agreed windows."""
    _SOURCES[name] = source


async def windows(scope: Scope, day: date) -> dict[str, Agreed]:
    """Every window fixed on `day` in the scope's regio, by KPI code."""
    found: dict[str, Agreed] = {}
    for name in sorted(_SOURCES):
        for code, agreed in (await _SOURCES[name](scope, day)).items():
            found.setdefault(code, agreed)
    return found


async def window(scope: Scope, code: str, day: date, standard: int) -> int:
    """The KPI's window on `day`: the one a convenant in force agreed, else `standard`."""
    agreed = (await windows(scope, day)).get(code)
    return agreed.workdays if agreed else standard
