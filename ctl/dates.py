"""Dates at a precision: the one date syntax used by seeds, filters and reports.

A date is written as the period it names, so its precision is read from its form:

    2024-05-10   day        2024-W20   ISO week      2024-05   month
    2024-Q1      quarter    2024       year

and a range joins two of them with `..` (`2023-03-06..2023-03-07`, `2023-03..2024-05`). Every value
resolves to an inclusive [start, end] pair of days plus the precision, the coarser of a range's two ends.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

PRECISIONS = ("day", "week", "month", "quarter", "year")
_RANK = {p: i for i, p in enumerate(PRECISIONS)}

_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})", re.I)
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])", re.I)
_YEAR = re.compile(r"([0-9]{4})")


class DateError(ValueError):
    """A date that cannot be read; the message says which forms are accepted."""


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date
    precision: str

    def label(self) -> str:
        return period_label(self.start, self.end, self.precision)


def _period(text: str) -> Period:
    t = text.strip()
    try:
        if m := _DAY.fullmatch(t):
            d = date(int(m[1]), int(m[2]), int(m[3]))
            return Period(d, d, "day")
        if m := _WEEK.fullmatch(t):
            d = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return Period(d, d + timedelta(days=6), "week")
        if m := _MONTH.fullmatch(t):
            y, mo = int(m[1]), int(m[2])
            return Period(date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]), "month")
        if m := _QUARTER.fullmatch(t):
            y, q = int(m[1]), int(m[2])
            first = 3 * q - 2
            return Period(
                date(y, first, 1), date(y, first + 2, calendar.monthrange(y, first + 2)[1]), "quarter"
            )
        if m := _YEAR.fullmatch(t):
            y = int(m[1])
            return Period(date(y, 1, 1), date(y, 12, 31), "year")
    except (ValueError, OverflowError) as exc:  # 2024-02-30, week 54, the last week of year 9999
        raise DateError(f"{t!r} is not a real date ({exc})") from None
    raise DateError(f"{t!r} is not a date: use 2024-05-10, 2024-W20, 2024-05, 2024-Q1 or 2024")


def parse_period(value: str | date) -> Period:
    """Read a date, a period or a `..` range. Raises DateError with a readable message."""
    if isinstance(value, datetime):  # TOML reads 2024-05-10T10:30:00 as a datetime, a date subclass
        raise DateError(f"{value.isoformat()!r} has a time of day: write the day only (2024-05-10)")
    if isinstance(value, date):
        return Period(value, value, "day")
    if not isinstance(value, str):
        raise DateError(f"expected a date string, got {type(value).__name__}")
    if ".." in value:
        left, _, right = value.partition("..")
        if not left.strip() or not right.strip():
            raise DateError(f"{value!r} is an open range: write both ends, e.g. 2023-03..2024-05")
        a, b = _period(left), _period(right)
        precision = max(a.precision, b.precision, key=_RANK.__getitem__)
        return Period(a.start, b.end, precision)
    return _period(value)


def period_label(start: date, end: date, precision: str) -> str:
    """The shortest text that names [start, end] at a precision (mirrors the SQL macro date_label)."""

    def one(d: date) -> str:
        if precision == "day":
            return d.isoformat()
        if precision == "week":
            iso = d.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        if precision == "month":
            return f"{d.year}-{d.month:02d}"
        if precision == "quarter":
            return f"{d.year}-Q{(d.month - 1) // 3 + 1}"
        return str(d.year)

    a, b = one(start), one(end)
    return a if a == b else f"{a}..{b}"
