"""Trust reports: `ctl sources`, and the warnings of `ctl check --strict`.

tests/export_cases/ holds one event that rests on a single source and two reports that give different
national fatality counts for the same quarter; the bundled seeds have single-source events (correct
data: some events are known from one article) and no conflicting figures.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctl.check import check
from ctl.cli import app
from ctl.trust import strict_warnings, with_warnings
from tests.snapshot_formats import extension_for

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CASES = TESTS / "export_cases"
CASES_REL = CASES.relative_to(REPO)

# The bundled events that cite one source (each known from a single article).
BUNDLED_SINGLE_SOURCE = {
    "2022-11-ttp-truce-ends",
    "2023-03-separate-handouts",
    "2024-01-crss-annual-report-2023",
    "2024-04-crss-q1-report",
}


def line_of(path: Path, text: str) -> int:
    """The 1-based line where `text` first appears, so the tests survive edits above it."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.fixture
def in_repo(monkeypatch):
    """Run from the repository root, so diagnostics print stable relative paths."""
    monkeypatch.chdir(REPO)


def run(*args: str):
    return CliRunner().invoke(app, list(args))


# -- ctl check --strict ---------------------------------------------------------------------------------


def test_strict_warns_of_single_source_and_conflicting_figures(in_repo):
    result = run("check", "--strict", "--seeds", str(CASES_REL))
    assert result.exit_code == 0, result.output  # warnings alone do not fail the check
    events, stats = CASES_REL / "events.toml", CASES_REL / "statistics.toml"
    single = line_of(CASES / "events.toml", 'sources = ["news-bare"]')
    conflict = line_of(CASES / "statistics.toml", "value = 412")
    first = line_of(CASES / "statistics.toml", 'id = "institute-q1-fatalities-pk"')
    assert (
        f"{events}:{single}:11: warning[single-source]: event '2023-12-truce-talks' rests on one source "
        "(news-bare)\n"
        f'  {single} | sources = ["news-bare"]\n'
    ) in result.output
    assert (
        f"{stats}:{conflict}:9: warning[conflicting-figures]: statistic 'monitor-q1-fatalities-pk' gives "
        "412 fatalities for pakistan, 2024-Q1 in report 'report-monitor'; 'institute-q1-fatalities-pk' "
        f"({stats}:{first - 1}) gives at least 400 in report 'report-institute'\n"
    ) in result.output
    assert "= hint: check both figures against their sources" in result.output
    assert result.output.rstrip().splitlines()[-1].endswith("; 2 warnings")
    assert result.output.count("warning[") == 2


def test_without_strict_there_are_no_warnings(in_repo):
    result = run("check", "--seeds", str(CASES_REL))
    assert result.exit_code == 0
    assert "warning" not in result.output


def test_strict_json_marks_warnings(in_repo):
    result = run("check", "--strict", "--json", "--seeds", str(CASES_REL))
    found = json.loads(result.stdout)
    assert {(d["code"], d["severity"]) for d in found} == {
        ("single-source", "warning"),
        ("conflicting-figures", "warning"),
    }


def test_strict_keeps_errors_failing(in_repo):
    result = run("check", "--strict", "--seeds", str(TESTS.relative_to(REPO) / "check_cases" / "multiple"))
    assert result.exit_code == 1
    assert "error[" in result.output


def test_bundled_seeds_single_source_but_no_conflicts(seeds_dir):
    warnings = strict_warnings(check(seeds_dir).dataset)
    assert all(w.severity == "warning" for w in warnings)
    assert not [w for w in warnings if w.code == "conflicting-figures"]
    single = {w.message.split("'")[1] for w in warnings if w.code == "single-source"}
    assert single == BUNDLED_SINGLE_SOURCE


def test_strict_summary_counts_warnings(seeds_dir):
    result = with_warnings(check(seeds_dir))
    assert result.ok
    assert result.summary().endswith("; 4 warnings")


def _conflicts(tmp_path: Path, extra: str) -> list[str]:
    """The conflicting-figures messages once `extra` is appended to a copy of the export cases."""
    seeds = tmp_path / "seeds"
    shutil.copytree(CASES, seeds)
    with (seeds / "statistics.toml").open("a", encoding="utf-8") as f:
        f.write(extra)
    result = check(seeds)
    assert result.ok, result.diagnostics
    return [w.message for w in strict_warnings(result.dataset) if w.code == "conflicting-figures"]


STAT = """
[[statistic]]
id = "{id}"
publisher = "monitor"
report = "report-monitor"
period = "{period}"
region = "{region}"
measure = "fatalities"
value = {value}
sources = ["{source}"]
"""


def test_same_figure_elsewhere_is_no_conflict(tmp_path):
    extra = STAT.format(id="m-kp", period="2024-Q1", region="kp", value=220, source="report-monitor")
    assert len(_conflicts(tmp_path, extra)) == 1  # only the pair already in the cases


def test_a_period_spelled_differently_is_the_same_period(tmp_path):
    extra = STAT.format(
        id="m-pk2", period="2024-01..2024-03", region="pakistan", value=399, source="news-full"
    )
    messages = _conflicts(tmp_path, extra)
    assert len(messages) == 2
    assert any("'m-pk2' gives 399 fatalities" in m for m in messages)


def test_different_period_or_region_is_no_conflict(tmp_path):
    monitor = "report-monitor"
    extra = STAT.format(id="m-h1", period="2024-Q2", region="pakistan", value=999, source=monitor)
    extra += STAT.format(id="m-balo", period="2024-Q1", region="balochistan", value=5, source=monitor)
    assert len(_conflicts(tmp_path, extra)) == 1


# -- ctl sources ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cases_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ctl.db import rebuild

    db = tmp_path_factory.mktemp("trust") / "ctl.duckdb"
    assert rebuild(CASES, db).ok
    return db


def sources(db: Path, seeds: Path, fmt: str):
    return run("sources", "--format", fmt, "--db", str(db), "--seeds", str(seeds))


def test_sources_table_golden(cases_db, snapshot):
    result = sources(cases_db, CASES, "table")
    assert result.exit_code == 0, result.output
    assert result.stdout == snapshot(extension_class=extension_for("table"))


def test_sources_json_lists_support(cases_db):
    found = {s["id"]: s for s in json.loads(sources(cases_db, CASES, "json").stdout)}
    assert list(found) == ["news-full", "news-bare", "report-institute", "report-monitor"]  # seed order
    bare = found["news-bare"]
    assert bare["outlet"] == "unknown" and bare["title"] is None and bare["published_label"] == "2024-W20"
    assert bare["event_count"] == 4 and bare["sole_source_of"] == ["2023-12-truce-talks"]
    monitor = found["report-monitor"]
    assert monitor["statistics"] == ["monitor-q1-fatalities-pk"] and monitor["event_count"] == 0
    assert found["news-full"]["byline"] == "Zoë O’Brien"


def test_sources_on_the_bundled_seeds(built_db, seeds_dir):
    found = {s["id"]: s for s in json.loads(sources(built_db, seeds_dir, "json").stdout)}
    webdesk = found["news-webdesk-2024-05-13"]
    assert webdesk["outlet"] == "unknown"
    assert webdesk["sole_source_of"] == ["2024-04-crss-q1-report"]
    assert webdesk["statistic_count"] == 10
    sole = {e for s in found.values() for e in s["sole_source_of"]}
    assert sole == BUNDLED_SINGLE_SOURCE


def test_sources_rejects_an_unknown_format(cases_db):
    result = sources(cases_db, CASES, "yaml")
    assert result.exit_code == 2
