"""Measuring periods of a convenant term: a month, a quarter, a half year or a year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from portal.core.clock import MONTHS


class PeriodKind(StrEnum):
    MAAND = "maand"
    KWARTAAL = "kwartaal"
    HALFJAAR = "halfjaar"
    JAAR = "jaar"

    @property
    def months(self) -> int:
        return {"maand": 1, "kwartaal": 3, "halfjaar": 6, "jaar": 12}[self.value]

    @property
    def label(self) -> str:
        return {"maand": "per maand", "kwartaal": "per kwartaal", "halfjaar": "per half jaar"}.get(
            self.value, "per jaar"
        )


@dataclass(frozen=True, order=True)
class Period:
    """A closed interval of days, `first` to `last` inclusive, aligned to the calendar."""

    first: date
    last: date
    kind: PeriodKind

    @classmethod
    def containing(cls, day: date, kind: PeriodKind) -> Period:
        """The period of `kind` that `day` falls in (quarters start in January, April...)."""
        start_month = (day.month - 1) // kind.months * kind.months + 1
        first = date(day.year, start_month, 1)
        return cls(first, _add_months(first, kind.months) - timedelta(days=1), kind)

    @property
    def key(self) -> str:
        """Stable text key for storage and URLs: 2026-11, 2026-K4, 2026-H2, 2026."""
        if self.kind is PeriodKind.MAAND:
            return f"{self.first.year}-{self.first.month:02d}"
        if self.kind is PeriodKind.KWARTAAL:
            return f"{self.first.year}-K{(self.first.month - 1) // 3 + 1}"
        if self.kind is PeriodKind.HALFJAAR:
            return f"{self.first.year}-H{(self.first.month - 1) // 6 + 1}"
        return str(self.first.year)

    @property
    def label(self) -> str:
        """Dutch: "november 2026", "4e kwartaal 2026", "2e halfjaar 2026", "2026"."""
        if self.kind is PeriodKind.MAAND:
            return f"{MONTHS[self.first.month - 1]} {self.first.year}"
        if self.kind is PeriodKind.KWARTAAL:
            return f"{(self.first.month - 1) // 3 + 1}e kwartaal {self.first.year}"
        if self.kind is PeriodKind.HALFJAAR:
            return f"{(self.first.month - 1) // 6 + 1}e halfjaar {self.first.year}"
        return str(self.first.year)

    def previous(self) -> Period:
        return Period.containing(self.first - timedelta(days=1), self.kind)

    def next(self) -> Period:
        return Period.containing(self.last + timedelta(days=1), self.kind)

    def closed_on(self, today: date) -> bool:
        """A period is closed once its last day has passed."""
        return today > self.last

    def last_n(self, n: int) -> list[Period]:
        """This period and the n - 1 before it, oldest first."""
        periods = [self]
        while len(periods) < n:
            periods.append(periods[-1].previous())
        return list(reversed(periods))


def _add_months(day: date, months: int) -> date:
    total = day.month - 1 + months
    return date(day.year + total // 12, total % 12 + 1, 1)
