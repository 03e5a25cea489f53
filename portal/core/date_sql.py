"""Date arithmetic inside a query, the same on SQLite and PostgreSQL.

Piccolo has no portable "days between two dates" or "half year of a date", and the regio's
figures need both inside GROUP BY so that only aggregates leave the database. SQLite keeps
dates as ISO text (`julianday`, `strftime`); PostgreSQL subtracts dates to whole days.
Timestamps count by their UTC date on both engines, so the two give the same answers.
Each helper answers a `QueryString` to select (with an alias) and group by that alias.
"""

from __future__ import annotations

from piccolo.columns import Column
from piccolo.querystring import QueryString

from portal.core.database import current_engine

Expression = Column | QueryString


def _postgres() -> bool:
    return current_engine().engine_type != "sqlite"


def as_date(value: Expression) -> QueryString:
    """A date or timestamp as a calendar date (UTC for timestamps)."""
    if _postgres():
        return QueryString("CAST({} AS date)", value)
    return QueryString("date({})", value)


def days_between(start: Expression, end: Expression, alias: str | None = None) -> QueryString:
    """Whole days from `start` to `end` (negative when `end` comes first; NULL when either
    is NULL)."""
    if _postgres():
        return QueryString("(CAST({} AS date) - CAST({} AS date))", end, start, alias=alias)
    return QueryString(
        "CAST(julianday(date({})) - julianday(date({})) AS INTEGER)", end, start, alias=alias
    )


def half_year_key(value: Expression, alias: str | None = None) -> QueryString:
    """The half year of a date as a number: 20261 for January–June 2026, 20262 for
    July–December (NULL for NULL)."""
    if _postgres():
        return QueryString(
            "(CAST(EXTRACT(YEAR FROM {}) AS integer) * 10 + "
            "CASE WHEN EXTRACT(MONTH FROM {}) <= 6 THEN 1 ELSE 2 END)",
            value,
            value,
            alias=alias,
        )
    return QueryString(
        "(CAST(strftime('%Y', {}) AS INTEGER) * 10 + "
        "CASE WHEN CAST(strftime('%m', {}) AS INTEGER) <= 6 THEN 1 ELSE 2 END)",
        value,
        value,
        alias=alias,
    )


def subquery(select: object) -> QueryString:
    """A Piccolo select of one value (e.g. a correlated MIN) as an expression."""
    return QueryString("({})", select.querystrings[0])  # type: ignore[attr-defined]


def alias(name: str) -> QueryString:
    """A select alias, to GROUP BY it: a parameterised expression repeated in GROUP BY would
    get other parameter numbers on PostgreSQL and no longer match the select list."""
    return QueryString(f'"{name}"')


def month_key(value: Expression, alias: str | None = None) -> QueryString:
    """The month of a date as a number: 202603 for March 2026 (NULL for NULL)."""
    if _postgres():
        return QueryString(
            "(CAST(EXTRACT(YEAR FROM {}) AS integer) * 100 + "
            "CAST(EXTRACT(MONTH FROM {}) AS integer))",
            value,
            value,
            alias=alias,
        )
    return QueryString("CAST(strftime('%Y%m', {}) AS INTEGER)", value, alias=alias)
