"""Edits to the filter text that the facets and the period keys make. Pure functions, no Textual.

The filter bar's text is the one source of truth for what the screen shows: a facet toggle or a period
step rewrites the text, and the text is parsed again like anything the user typed. Rewritten text is
`describe`d from terms, so `dialogue` comes back as `type:dialogue`: the same filter, spelled out.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from ctl.dates import DateError, Period, parse_period, period_label
from ctl.filters import FilterError, Term, describe, parse

STEPS = ("year", "quarter", "month")  # period sizes, coarse to fine (hledger-ui's shift+up/down)


def quote(value: str) -> str:
    return f'"{value}"' if not value or any(c.isspace() for c in value) else value


def _terms(text: str) -> list[Term]:
    try:
        return parse(text, "timeline")
    except FilterError:
        return []


def toggle(text: str, key: str, value: str, selecting: set[int]) -> str:
    """Turn a facet off when `selecting` (indexes of the terms that select it) is not empty, by
    removing those terms; otherwise turn it on by adding `key:value`."""
    terms = _terms(text)
    if selecting:
        return describe([t for i, t in enumerate(terms) if i not in selecting])
    added = f"{key}:{quote(value)}"
    return f"{text.rstrip()} {added}".strip()


# -- periods ------------------------------------------------------------------------------------------


def _month_add(d: date, months: int) -> date:
    n = d.year * 12 + d.month - 1 + months
    return date(n // 12, n % 12 + 1, 1)


def _last_day(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def unit_of(p: Period) -> str | None:
    """year, quarter or month when `p` is exactly one of these, else None."""
    if p.start.day != 1:
        return None
    for unit, months in (("year", 12), ("quarter", 3), ("month", 1)):
        if unit == "year" and p.start.month != 1:
            continue
        if unit == "quarter" and p.start.month % 3 != 1:
            continue
        if p.end == _last_day(_month_add(p.start, months - 1)):
            return unit
    return None


def period_of(d: date, unit: str) -> Period:
    """The year, quarter or month that contains a day."""
    months = {"year": 12, "quarter": 3, "month": 1}[unit]
    first = date(d.year, 1 if unit == "year" else ((d.month - 1) // months) * months + 1, 1)
    return Period(first, _last_day(_month_add(first, months - 1)), unit)


def current_period(text: str) -> tuple[int | None, Period | None]:
    """The index and period of the filter's last plain `date:` term, if any."""
    for i, t in reversed(list(enumerate(_terms(text)))):
        if t.key == "date" and not t.negated:
            try:
                return i, parse_period(t.value)
            except DateError:
                return None, None
    return None, None


def _with_period(text: str, index: int | None, period: Period | None) -> str:
    terms = _terms(text)
    if index is not None:
        del terms[index]
    if period is not None:
        terms.append(Term("date", period_label(period.start, period.end, period.precision)))
    return describe(terms)


def step(text: str, direction: int) -> str:
    """Move the date filter one period back (-1) or on (+1): 2024 -> 2025, 2024-Q1 -> 2024-Q2,
    2023..2024 -> 2025..2026. A period of whole months moves by its months, others by their days."""
    index, period = current_period(text)
    if period is None:
        return text
    if period.start.day == 1 and period.end == _last_day(period.end):
        n = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
        start = _month_add(period.start, direction * n)
        moved = Period(start, _last_day(_month_add(start, n - 1)), period.precision)
    else:
        length = period.end - period.start + timedelta(days=1)
        moved = Period(period.start + direction * length, period.end + direction * length, period.precision)
    return _with_period(text, index, moved)


def zoom(text: str, finer: bool, anchor: date | None) -> str:
    """Change the period size: none -> year -> quarter -> month when finer, back when coarser.
    The new period is the one holding `anchor` (the selected event's date) when the current period
    holds it, else the current period's start; with no date filter yet, `anchor` picks the year."""
    index, period = current_period(text)
    unit = unit_of(period) if period else None
    if period is not None and (anchor is None or not period.start <= anchor <= period.end):
        anchor = period.start
    if anchor is None:
        return text
    sizes: list[str | None] = [None, *STEPS]
    if period is not None and unit is None:  # a range, a week or a day: year when finer, none when coarser
        new = "year" if finer else None
    else:
        at = sizes.index(unit)
        new = sizes[min(at + 1, len(sizes) - 1)] if finer else sizes[max(at - 1, 0)]
        if new == unit:
            return text
    return _with_period(text, index, period_of(anchor, new) if new else None)
