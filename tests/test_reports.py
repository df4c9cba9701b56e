"""`ctl timeline` and `ctl stats`: golden output per format, and the acceptance checks as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from ctl.cli import app
from tests.snapshot_formats import extension_for

FORMATS = ["table", "csv", "json", "jsonl", "markdown"]


@pytest.fixture
def ctl(built_db, seeds_dir, monkeypatch):
    """Run ctl in-process against the session database, at a fixed terminal width."""
    monkeypatch.setenv("COLUMNS", "100")
    runner = CliRunner()

    def run(*args: str):
        result = runner.invoke(app, [*args, "--db", str(built_db), "--seeds", str(seeds_dir)])
        return result

    return run


@pytest.mark.parametrize("fmt", FORMATS)
def test_timeline_golden(ctl, snapshot, fmt):
    result = ctl("timeline", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stdout == snapshot(extension_class=extension_for(fmt))


@pytest.mark.parametrize("fmt", FORMATS)
def test_stats_golden(ctl, snapshot, fmt):
    result = ctl("stats", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stdout == snapshot(extension_class=extension_for(fmt))


def test_filtered_timeline_golden(ctl, snapshot):
    result = ctl("timeline", "group:TTP", "--since", "2023")
    assert result.exit_code == 0
    assert result.stdout == snapshot(extension_class=extension_for("table"))


def events(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


MAY_2024 = "2024-05-pk-us-ct-dialogue"
MARCH_2023 = "2023-03-pk-us-ct-dialogue"


@pytest.mark.parametrize("group", ["Daesh", "Tehrik-i-Taliban Pakistan"])
def test_acceptance_group_aliases_return_the_may_2024_dialogue(ctl, group):
    found = [e["id"] for e in events(ctl("timeline", "--group", group, "--format", "json"))]
    assert MAY_2024 in found and MARCH_2023 not in found


def test_acceptance_actor_returns_the_march_2023_dialogue(ctl):
    found = [e["id"] for e in events(ctl("timeline", "--actor", "Christopher Landberg", "--format", "json"))]
    assert found == [MARCH_2023]


def test_acceptance_since_excludes_2023_events(ctl):
    found = events(ctl("timeline", "--since", "2024-01-01", "--format", "json"))
    assert found and all(e["date_end"] >= "2024-01-01" for e in found)
    assert MARCH_2023 not in {e["id"] for e in found}


def test_acceptance_stats_kp_share_and_derived_count(ctl):
    rows = events(ctl("stats", "--region", "KP", "--format", "json"))
    q1 = [r for r in rows if r["measure"] == "fatalities" and r["period_start"] == "2024-01-01"]
    assert len(q1) == 1
    assert (q1[0]["share_pct"], q1[0]["share_basis"]) == (51, "reported")
    assert q1[0]["value_basis"] == "derived" and abs(q1[0]["value"] - 220) <= 1


def test_expression_and_flags_combine(ctl):
    found = [e["id"] for e in events(ctl("timeline", "dialogue", "--group", "TTP", "--format", "json"))]
    assert found == [MAY_2024]
    quoted = [e["id"] for e in events(ctl("timeline", "actor:Elizabeth Richard", "--format", "json"))]
    assert quoted == [MAY_2024]


def test_json_is_an_array_of_objects_and_csv_parses_back(ctl):
    rows = events(ctl("timeline", "--format", "json"))
    assert isinstance(rows, list) and all(isinstance(r, dict) for r in rows)
    parsed = list(csv.DictReader(io.StringIO(ctl("timeline", "--format", "csv").stdout)))
    assert [r["id"] for r in parsed] == [r["id"] for r in rows]


def test_no_match_names_the_filter(ctl):
    result = ctl("timeline", "group:TTP", "--since", "2030")
    assert result.exit_code == 0
    assert result.stdout == "no events match group:TTP since:2030 (8 in all)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["timeline", "grp:TTP"],
            "ctl: error: filter: unknown filter key 'grp'; did you mean group:? (at column 1)",
        ),
        (
            ["timeline", "--type", "dialog"],
            "ctl: error: filter: unknown event type 'dialog'; did you mean dialogue?",
        ),
        (["stats", "--since", "2024-13"], "ctl: error: filter: since: '2024-13' is not a real date"),
        (["timeline", "--format", "xml"], "ctl: error: unknown format 'xml'; choose one of table, csv, json"),
    ],
)
def test_bad_filters_give_one_clear_line(ctl, args, message):
    result = ctl(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_reports_never_import_textual(built_db, seeds_dir):
    code = (
        "import sys; from ctl.__main__ import main; sys.argv = ['ctl', 'timeline', '--db', sys.argv[1], "
        "'--seeds', sys.argv[2], '--format', 'csv'];\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\nprint('clean')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(built_db), str(seeds_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().endswith("clean")
