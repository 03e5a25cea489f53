"""SQL expressions the KPI aggregates group by, the same on SQLite and PostgreSQL.

A measure groups its rows in the database by a small set of values (an organisation, a date
pair, a week) and weighs the groups in Python; these helpers write the few expressions whose
SQL differs per engine. They take columns, never text from outside.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from piccolo.columns import Column
from piccolo.querystring import QueryString

# Weeks are counted from this Monday: the week of a date is (date - Monday) // 7.
_MONDAY = "2000-01-03"


def _engine(column: Column) -> str:
    return column._meta.table._meta.db.engine_type


def local_date(column: Column, alias: str) -> QueryString:
    """The Dutch (Europe/Amsterdam) calendar date of a timestamp column. SQLite has no time
    zones, so the expression applies the EU rule itself: summer time (UTC+2) from the last
    Sunday of March to the last Sunday of October, at 01:00 UTC; otherwise UTC+1."""
    if _engine(column) == "postgres":
        return QueryString(
            "CAST(({} AT TIME ZONE 'Europe/Amsterdam') AS DATE)", column, alias=alias
        )
    summer = (
        "datetime({c}) >= datetime(date(strftime('%Y', {c}) || '-03-31', '-6 days', "
        "'weekday 0'), '+1 hour') AND datetime({c}) < datetime(date(strftime('%Y', {c}) || "
        "'-10-31', '-6 days', 'weekday 0'), '+1 hour')"
    )
    template = f"date({{c}}, CASE WHEN {summer} THEN '+2 hours' ELSE '+1 hour' END)"
    template = template.replace("{c}", "{}")
    return QueryString(template, *[column] * template.count("{}"), alias=alias)


def week_number(column: Column) -> QueryString:
    """A whole number per Monday–Sunday week of a date column (the same on both engines)."""
    if _engine(column) == "postgres":
        return QueryString(f"(({{}} - DATE '{_MONDAY}') / 7)", column)
    return QueryString(f"CAST((julianday({{}}) - julianday('{_MONDAY}')) / 7 AS INTEGER)", column)


def count_distinct_pairs(first: Column, second: QueryString | Column, alias: str) -> QueryString:
    """COUNT(DISTINCT (first, second)) for two whole-number values."""
    return QueryString(
        "COUNT(DISTINCT (CAST({} AS TEXT) || '-' || CAST({} AS TEXT)))", first, second, alias=alias
    )


def as_date(value: Any) -> date | None:
    """A date from a grouped expression: PostgreSQL answers a date, SQLite text."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def weeks_starting_in(first: date, last: date) -> tuple[date, date]:
    """The days of the weeks whose Monday falls from `first` to `last`: a week belongs
    wholly to the period its Monday is in, so a week is never split over two periods."""
    start = first + timedelta(days=(7 - first.weekday()) % 7)
    end = last - timedelta(days=last.weekday()) + timedelta(days=6)
    return start, end


def count_distinct(value: QueryString | Column, alias: str) -> QueryString:
    """COUNT(DISTINCT value) for one value or expression."""
    return QueryString("COUNT(DISTINCT {})", value, alias=alias)
