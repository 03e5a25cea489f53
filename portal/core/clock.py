"""The portal's calendar: dates are Dutch dates (Europe/Amsterdam), whatever the server's zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# The Dutch month names, for dates and periods written out ("2 december 2026").
MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def today() -> date:
    """Today's date in the Netherlands; deadlines and need-to-know ends turn at local midnight."""
    return datetime.now(AMSTERDAM).date()
