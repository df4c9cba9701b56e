"""ctl.dates: one date syntax, read at the precision of its form."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctl.dates import PRECISIONS, DateError, Period, parse_period, period_label

D = date


# -- single periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("2024-05-10", D(2024, 5, 10), D(2024, 5, 10), "day"),
        ("2024-W20", D(2024, 5, 13), D(2024, 5, 19), "week"),
        ("2024-w01", D(2024, 1, 1), D(2024, 1, 7), "week"),
        ("2025-W01", D(2024, 12, 30), D(2025, 1, 5), "week"),  # ISO week 1 starts in the previous year
        ("2020-W53", D(2020, 12, 28), D(2021, 1, 3), "week"),
        ("2024-05", D(2024, 5, 1), D(2024, 5, 31), "month"),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "month"),  # leap year
        ("2023-02", D(2023, 2, 1), D(2023, 2, 28), "month"),
        ("2024-Q1", D(2024, 1, 1), D(2024, 3, 31), "quarter"),
        ("2024-q2", D(2024, 4, 1), D(2024, 6, 30), "quarter"),
        ("2024-Q3", D(2024, 7, 1), D(2024, 9, 30), "quarter"),
        ("2024-Q4", D(2024, 10, 1), D(2024, 12, 31), "quarter"),
        ("2024", D(2024, 1, 1), D(2024, 12, 31), "year"),
        ("  2024-05 ", D(2024, 5, 1), D(2024, 5, 31), "month"),
    ],
)
def test_every_form_reads_as_an_inclusive_period(text: str, start: date, end: date, precision: str):
    assert parse_period(text) == Period(start, end, precision)


def test_a_date_object_is_a_day():
    assert parse_period(D(2024, 5, 10)) == Period(D(2024, 5, 10), D(2024, 5, 10), "day")


def test_precisions_run_from_fine_to_coarse():
    assert PRECISIONS == ("day", "week", "month", "quarter", "year")


# -- ranges -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("2023-03-06..2023-03-07", D(2023, 3, 6), D(2023, 3, 7), "day"),
        ("2024-05-10 .. 2024-05-12", D(2024, 5, 10), D(2024, 5, 12), "day"),
        ("2023-03..2024-05", D(2023, 3, 1), D(2024, 5, 31), "month"),
        ("2024-W19..2024-W20", D(2024, 5, 6), D(2024, 5, 19), "week"),
        ("2023..2024", D(2023, 1, 1), D(2024, 12, 31), "year"),
    ],
)
def test_range_of_one_precision(text: str, start: date, end: date, precision: str):
    assert parse_period(text) == Period(start, end, precision)


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("2024-05-10..2024-06", D(2024, 5, 10), D(2024, 6, 30), "month"),
        ("2024-06..2024-06-10", D(2024, 6, 1), D(2024, 6, 10), "month"),
        ("2024-04..2024-W20", D(2024, 4, 1), D(2024, 5, 19), "month"),
        ("2024-05-13..2024-W21", D(2024, 5, 13), D(2024, 5, 26), "week"),
        ("2023-Q4..2024-02", D(2023, 10, 1), D(2024, 2, 29), "quarter"),
        ("2023-03-06..2024", D(2023, 3, 6), D(2024, 12, 31), "year"),
    ],
)
def test_mixed_range_takes_the_coarser_precision(text: str, start: date, end: date, precision: str):
    assert parse_period(text) == Period(start, end, precision)


def test_backward_range_is_read_as_written_for_check_to_report():
    period = parse_period("2024-05..2024-03")
    assert period.start == D(2024, 5, 1)
    assert period.end == D(2024, 3, 31)
    assert period.end < period.start


# -- bad dates ----------------------------------------------------------------------------------------

FORMS_HINT = "use 2024-05-10, 2024-W20, 2024-05, 2024-Q1 or 2024"


@pytest.mark.parametrize(
    "text", ["", "May 2024", "2024-5-1", "24-05-10", "2024-Q5", "2024/05/10", "2024-05-10T10"]
)
def test_unreadable_date_names_the_accepted_forms(text: str):
    with pytest.raises(DateError) as info:
        parse_period(text)
    assert str(info.value) == f"{text.strip()!r} is not a date: {FORMS_HINT}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2024-02-30", "day is out of range for month"),
        ("2023-02-29", "day is out of range for month"),
        ("2024-13", "month must be in 1..12"),
        ("2024-00", "month must be in 1..12"),
        ("2024-W00", "Invalid week: 0"),
        ("2024-W53", "Invalid week: 53"),
        ("0000", "year 0 is out of range"),
    ],
)
def test_impossible_date_says_it_is_not_real(text: str, reason: str):
    with pytest.raises(DateError) as info:
        parse_period(text)
    assert str(info.value) == f"{text!r} is not a real date ({reason})"


@pytest.mark.parametrize("text", ["2024..", "..2024", "2024-05..May", "2024..2025..2026"])
def test_range_with_a_bad_end_raises(text: str):
    with pytest.raises(DateError, match=r"is not a date|is an open range"):
        parse_period(text)


@pytest.mark.parametrize("value", [2024, 2024.5, None, ["2024"]])
def test_non_string_is_refused_by_type_name(value: object):
    with pytest.raises(DateError) as info:
        parse_period(value)  # type: ignore[arg-type]
    assert str(info.value) == f"expected a date string, got {type(value).__name__}"


def test_date_error_is_a_value_error_so_pydantic_reports_it():
    assert issubclass(DateError, ValueError)


# -- labels -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["2024-05-10", "2024-W20", "2020-W53", "2025-W01", "2024-05", "2024-Q1", "2024", "2023-03..2024-05"],
)
def test_label_of_a_written_period_is_the_text(text: str):
    assert parse_period(text).label() == text


def test_label_of_a_range_within_one_unit_is_that_unit():
    assert period_label(D(2024, 5, 1), D(2024, 5, 31), "month") == "2024-05"
    assert period_label(D(2024, 5, 6), D(2024, 5, 12), "week") == "2024-W19"


def test_label_of_a_mixed_range_is_at_the_coarser_precision():
    assert parse_period("2024-05-10..2024-06").label() == "2024-05..2024-06"


@st.composite
def single_periods(draw) -> Period:
    day = draw(st.dates(min_value=D(1000, 1, 8), max_value=D(9998, 12, 24)))
    precision = draw(st.sampled_from(PRECISIONS))
    return parse_period(period_label(day, day, precision))


@settings(max_examples=200)
@given(single_periods())
def test_label_round_trips_for_single_periods(period: Period):
    assert parse_period(period.label()) == period
    assert period.start <= period.end


@settings(max_examples=200)
@given(st.dates(min_value=D(1000, 1, 1), max_value=D(9998, 12, 1)), st.sampled_from(PRECISIONS))
def test_a_period_contains_the_day_it_was_made_from(day: date, precision: str):
    period = parse_period(period_label(day, day, precision))
    assert period.precision == precision
    assert period.start <= day <= period.end
    assert period.end - period.start <= timedelta(days=365)


# -- bugs ---------------------------------------------------------------------------------------------


def test_week_ending_after_the_last_date_raises_date_error():
    with pytest.raises(DateError):
        parse_period("9999-W52")


def test_datetime_is_read_as_its_day_or_refused():
    try:
        period = parse_period(datetime(2024, 5, 10, 10, 30))
    except DateError:
        return
    assert type(period.start) is date
    assert parse_period(period.label()) == period
