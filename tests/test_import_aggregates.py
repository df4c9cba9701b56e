"""Event-based aggregates and the comparison with reported figures (`ctl stats --compare`).

acled_q1_2024.csv (invented) puts events in Khyber Pakhtunkhwa and Balochistan around the first quarter
of 2024, the period of the bundled CRSS figures (432 deaths in Pakistan, 51% of them in KP): 60 and 50
deaths in KP inside the quarter, one KP event with unknown deaths, 40 in Balochistan (known to the
month, March), one event whose week runs into April and one in May.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from tests.import_fixtures.support import Project, make_project


@pytest.fixture(scope="module")
def q1(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = make_project(tmp_path_factory.mktemp("q1"))
    result = project.import_("acled", "acled_q1_2024.csv", "--id", "q1")
    assert result.exit_code == 0, result.output
    return project


def aggregate(project: Project, region: str, grain: str, start: str) -> dict:
    [row] = project.rows(
        "SELECT * FROM event_aggregates "
        "WHERE dataset = 'acled' AND region = ? AND grain = ? AND period_start = ?",
        region,
        grain,
        date.fromisoformat(start),
    )
    return row


def test_views_have_their_documented_columns(q1, snapshot):
    columns = {
        view: [(r["column_name"], r["column_type"]) for r in q1.rows(f"DESCRIBE {view}")]
        for view in ("event_aggregates", "statistic_vs_events")
    }
    assert columns == snapshot


def test_events_count_in_the_periods_their_dates_lie_inside(q1):
    quarter = aggregate(q1, "kp", "quarter", "2024-01-01")
    assert (quarter["events"], quarter["period_end"], quarter["period_label"]) == (
        3,
        date(2024, 3, 31),
        "2024-Q1",
    )
    assert (quarter["fatalities_low"], quarter["fatalities_best"], quarter["fatalities_high"]) == (
        110,
        110,
        110,
    )
    assert quarter["events_with_fatalities"] == 2  # one event's deaths are unknown
    assert aggregate(q1, "kp", "month", "2024-02-01")["fatalities_best"] == 50  # its week lies in February
    march = aggregate(q1, "kp", "month", "2024-03-01")
    assert (march["events"], march["fatalities_best"]) == (1, None)  # only the unknown one
    year = aggregate(q1, "kp", "year", "2024-01-01")
    assert (year["events"], year["fatalities_best"]) == (5, 120)  # the March/April week and May count here


def test_regions_include_sub_regions_and_composites(q1):
    assert aggregate(q1, "pakistan", "quarter", "2024-01-01")["fatalities_best"] == 150
    assert aggregate(q1, "kp-balochistan", "quarter", "2024-01-01")["events"] == 4
    assert aggregate(q1, "balochistan", "month", "2024-03-01")["fatalities_best"] == 40


def comparisons(project: Project, *args: str) -> list[dict]:
    result = project.ctl("stats", "--compare", *args, "--format", "csv")
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_each_reported_count_meets_the_event_sum_for_its_region_period_and_measure(q1):
    rows = {
        (r["region"], r["measure"]): r for r in comparisons(q1, "--since", "2024-01", "--until", "2024-03")
    }
    kp = rows[("kp", "fatalities")]
    assert (kp["reported"], kp["value_basis"], kp["dataset"]) == ("220.0", "derived", "acled")
    assert (kp["events"], kp["event_value"], kp["events_unknown"], kp["ratio"]) == ("3", "110", "1", "2.0")
    pakistan = rows[("pakistan", "fatalities")]
    assert (pakistan["reported"], pakistan["event_value"], pakistan["ratio"]) == ("432.0", "150", "2.88")
    incidents = rows[("pakistan", "incidents")]
    assert (incidents["reported"], incidents["event_value"], incidents["ratio"]) == ("245.0", "4", "61.25")


def test_compare_table_for_people(q1):
    result = q1.ctl("stats", "--compare", "--region", "KP", "fatalities")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "2024-Q1  Q1 2024 Security Report (Centre for Research and Security Studies)"
    assert lines[1].split() == ["REGION", "MEASURE", "REPORTED", "DATASET", "EVENTS", "EVENT-BASED", "RATIO"]
    assert lines[2].split() == ["Khyber", "Pakhtunkhwa", "fatalities", "~220", "acled", "3", "110", "2.00"]


def test_without_imports_there_is_nothing_to_compare(tmp_path):
    project = make_project(tmp_path)
    result = project.ctl("stats", "--compare")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("no comparisons match")
