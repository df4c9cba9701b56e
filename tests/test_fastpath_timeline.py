"""The fast path of `ctl timeline` (ctl/__main__.py) must behave exactly like the typer command.

As for `ctl query` (tests/test_fastpath.py): both parsers must turn the same command lines into the
same ctl.reports.timeline_command call, the fast parser must leave everything else to typer, the fast
path must really avoid the heavy imports, and both must print the same output, errors and warnings.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import ctl.reports
from ctl import __main__ as entry
from ctl.cli import app
from tests.fastpath_support import ENVIRONMENTS, set_environment, typer_call
from tests.test_fastpath import HEAVY, run_wrapper

# Command lines the fast parser handles itself.
FAST = [
    ["timeline"],
    ["timeline", "group:TTP"],
    ["timeline", "group:TTP", "dialogue", "2024-05"],
    ["timeline", "actor:Elizabeth Richard"],
    ["timeline", ""],
    ["timeline", "-"],
    ["timeline", "--group", "TTP"],
    ["timeline", "--group=TTP", "--group", "Daesh"],  # repeatable: both kept, in order
    ["timeline", "--actor", "a", "--region", "r", "--type", "dialogue", "--search", "talks"],
    ["timeline", "--dataset", "ucdp", "--dataset=acled"],
    ["timeline", "--since", "2010-01-01", "--until", "2010-12-31"],
    ["timeline", "--since", "2010", "--since", "2011"],  # a single option: the last wins, as in click
    ["timeline", "--since=", "--group="],
    ["timeline", "--group", "TTP", "--dataset", "ucdp", "--since", "2010-01-01", "--until", "2010-12-31"],
    ["timeline", "group:TTP", "--since", "2023", "dialogue", "--until", "2024", "statement"],  # intermixed
    ["timeline", "-f", "json"],
    ["timeline", "-fcsv", "group:TTP"],
    ["timeline", "--format", "markdown"],
    ["timeline", "--format=jsonl"],
    ["timeline", "--format", "xml"],  # timeline_command reports it, on both paths
    ["timeline", "--seeds", "some/seeds", "--db", "x.duckdb"],
    ["timeline", "--seeds=", "--db", "a", "--db", "b"],
    ["timeline", "--group", "-"],
    ["timeline", "grp:TTP"],  # a filter error, reported by timeline_command
]

# Command lines it must leave to typer.
FALLBACK = [
    ["timelines"],
    ["stats", "--group", "TTP"],
    ["timeline", "--help"],
    ["timeline", "-h"],
    ["timeline", "group:TTP", "--help"],
    ["timeline", "--", "-type:statement"],
    ["timeline", "-type:statement"],
    ["timeline", "-1"],
    ["timeline", "--nope"],
    ["timeline", "--measure", "fatalities"],  # a stats option
    ["timeline", "--file", "q.sql"],  # a query option
    ["timeline", "--group"],
    ["timeline", "--group", "--since", "2010"],
    ["timeline", "--since", "-1"],
    ["timeline", "-f=json"],
    ["timeline", "-g", "TTP"],
    ["timeline", "--grou", "TTP"],  # no abbreviations in click either
]


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace timeline_command with a recorder; both paths look it up in ctl.reports at call time."""
    calls: list[dict[str, Any]] = []

    def record(expr, options, fmt, seeds, db) -> int:
        calls.append({"expr": expr, "options": options, "fmt": fmt, "seeds": seeds, "db": db})
        return 0

    monkeypatch.setattr(ctl.reports, "timeline_command", record)
    return calls


@pytest.mark.parametrize("argv", FAST, ids=lambda a: " ".join(a[1:]) or "bare")
def test_fast_parser_matches_typer(argv: list[str], captured) -> None:
    fast = entry.parse_timeline_args(argv)
    assert fast is not None, "the fast path should handle this command line"
    assert fast == typer_call(argv, captured)


def test_defaults_match_typer(captured) -> None:
    fast = entry.parse_timeline_args(["timeline"])
    options = dict.fromkeys(("actor", "group", "region", "type", "since", "until", "search", "dataset"))
    assert fast == {"expr": None, "options": options, "fmt": "table", "seeds": None, "db": None}
    assert fast == typer_call(["timeline"], captured)


def test_the_options_are_those_of_the_typer_command() -> None:
    """Every option of the typer command is known to the fast parser, and no other."""
    import typer.main

    command = typer.main.get_command(app).commands["timeline"]  # type: ignore[attr-defined]
    typer_options = {o for p in command.params if p.param_type_name == "option" for o in p.opts}
    assert typer_options - {"--help", "-h"} == set(entry._TIMELINE_OPTIONS)


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize("argv", [["timeline"], ["timeline", "--seeds", "opt", "--db", "o.db", "group:TTP"]])
def test_environment_matches_typer(argv, env, captured, monkeypatch: pytest.MonkeyPatch) -> None:
    set_environment(monkeypatch, env)
    assert entry.parse_timeline_args(argv) == typer_call(argv, captured, env=env)


@pytest.mark.parametrize("argv", FALLBACK, ids=lambda a: " ".join(a))
def test_fallback_to_typer(argv: list[str]) -> None:
    assert entry.parse_timeline_args(argv) is None


def test_the_query_parser_leaves_timeline_alone() -> None:
    assert entry.parse_query_args(["timeline", "--group", "TTP"]) is None
    assert entry.parse_timeline_args(["query", "select 1"]) is None


@pytest.mark.parametrize(
    "argv",
    [["timeline", "--", "group:TTP"], ["timeline", "-f=json"], ["timeline", "--format", "csv", "group:TTP"]],
)
def test_main_runs_the_same_command(argv, captured, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fast or not, main() ends in timeline_command with what typer would pass."""
    expected = typer_call(argv, captured)
    captured.clear()
    monkeypatch.setattr(sys, "argv", ["ctl", *argv])
    with pytest.raises(SystemExit) as exit_info:
        entry.main()
    assert exit_info.value.code == 0
    assert captured == [expected]


# -- in a real process ------------------------------------------------------------------------------


def test_fast_path_imports_no_heavy_module(built_db: Path, seeds_dir: Path) -> None:
    proc, heavy = run_wrapper("timeline", "--group", "TTP", "--seeds", str(seeds_dir), "--db", str(built_db))
    assert proc.returncode == 0, proc.stderr
    assert " match group:TTP" in proc.stdout
    assert heavy == []


def test_python_m_ctl_timeline_avoids_heavy_imports(built_db: Path, seeds_dir: Path) -> None:
    """`python -m ctl timeline --group TTP --format csv`, checked with -X importtime."""
    argv = [sys.executable, "-X", "importtime", "-m", "ctl", "timeline", "--group", "TTP", "--format", "csv"]
    proc = subprocess.run(
        [*argv, "--seeds", str(seeds_dir), "--db", str(built_db)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("id,date_start,")
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    assert {"duckdb", "ctl.reports", "ctl.filters"} <= imported  # the parsing of -X importtime works
    assert not {m for m in imported if m.split(".")[0] in HEAVY}


def both(args: list[str], env: dict[str, str] | None = None):
    """(fast subprocess, typer in-process) results of the same `ctl` command line."""
    env = {"COLUMNS": "100", **(env or {})}
    fast = subprocess.run(
        [sys.executable, "-m", "ctl", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )
    assert entry.parse_timeline_args(args) is not None
    via_typer = CliRunner().invoke(app, args, env=env)
    return fast, via_typer


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "jsonl", "markdown"])
@pytest.mark.parametrize("filters", [[], ["--group", "TTP"], ["dialogue", "--since", "2024"]], ids=str)
def test_same_output_as_the_typer_command(fmt, filters, built_db: Path, seeds_dir: Path) -> None:
    args = ["timeline", *filters, "--format", fmt, "--seeds", str(seeds_dir), "--db", str(built_db)]
    fast, via_typer = both(args)
    assert (fast.returncode, via_typer.exit_code) == (0, 0), fast.stderr
    assert fast.stdout == via_typer.stdout
    assert fast.stdout.strip()
    assert fast.stderr == via_typer.stderr == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["grp:TTP"], "ctl: error: filter: unknown filter key 'grp'; did you mean group:? (at column 1)\n"),
        (["--type", "dialog"], "ctl: error: filter: unknown event type 'dialog'; did you mean dialogue?"),
        (["--format", "xml"], "ctl: error: unknown format 'xml'; choose one of table, csv, json"),
    ],
)
def test_same_errors_as_the_typer_command(args, message, built_db: Path, seeds_dir: Path) -> None:
    fast, via_typer = both(["timeline", *args, "--seeds", str(seeds_dir), "--db", str(built_db)])
    assert fast.returncode == via_typer.exit_code == 2
    assert fast.stderr == via_typer.stderr
    assert fast.stderr.startswith(message) and fast.stderr.count("\n") == 1
    assert fast.stdout == via_typer.stdout == ""


@pytest.fixture
def own_seeds(tmp_path: Path, seeds_dir: Path) -> Path:
    """A copy of the seeds this test may break."""
    copy = tmp_path / "seeds"
    shutil.copytree(seeds_dir, copy, ignore=shutil.ignore_patterns("imports.toml"))
    return copy


def test_builds_a_missing_database_like_the_typer_command(own_seeds: Path, tmp_path: Path) -> None:
    db = tmp_path / "fresh" / "ctl.duckdb"
    args = ["timeline", "--group", "TTP", "--format", "csv", "--seeds", str(own_seeds), "--db", str(db)]
    fast = subprocess.run([sys.executable, "-m", "ctl", *args], capture_output=True, text=True, timeout=300)
    shutil.rmtree(db.parent)
    via_typer = CliRunner().invoke(app, args)
    assert fast.returncode == via_typer.exit_code == 0, fast.stderr
    assert fast.stderr == via_typer.stderr == f"ctl: building {db} from {own_seeds} ...\n"
    assert fast.stdout == via_typer.stdout


def break_seeds(seeds: Path) -> None:
    with (seeds / "events.toml").open("a", encoding="utf-8") as f:
        f.write("\nthis is not toml\n")


def test_warns_of_broken_seeds_like_the_typer_command(own_seeds: Path, tmp_path: Path) -> None:
    from ctl.db import rebuild

    db = tmp_path / "ctl.duckdb"
    assert rebuild(own_seeds, db).ok
    break_seeds(own_seeds)
    fast, via_typer = both(["timeline", "--format", "csv", "--seeds", str(own_seeds), "--db", str(db)])
    assert fast.returncode == via_typer.exit_code == 0, fast.stderr
    assert fast.stderr == via_typer.stderr
    assert "; using the last good build (run `ctl check`)\n" in fast.stderr
    assert fast.stderr.startswith(f"ctl: building {db} from {own_seeds} ...\nctl: warning: ")
    assert fast.stdout == via_typer.stdout and fast.stdout.startswith("id,")


def test_fails_on_broken_seeds_like_the_typer_command(own_seeds: Path, tmp_path: Path) -> None:
    break_seeds(own_seeds)
    db = tmp_path / "never" / "ctl.duckdb"
    fast, via_typer = both(["timeline", "--seeds", str(own_seeds), "--db", str(db)])
    assert fast.returncode == via_typer.exit_code == 1
    assert fast.stderr == via_typer.stderr
    message = f"ctl: error: cannot build the database: 1 errors in {own_seeds} (see above)\n"
    assert fast.stderr.endswith(message)
    assert fast.stdout == via_typer.stdout == ""


# -- the csv and json renderers' shortcuts -----------------------------------------------------------

TRICKY = ["", " ", "a", "a,b", 'say "hi"', '"', "line\nbreak", "cr\rhere", "crlf\r\n", "nul\x00", "é ü 中文"]


@pytest.mark.parametrize("width", [1, 2, 3])
def test_csv_matches_the_csv_module_cell_by_cell(width: int) -> None:
    """_render_csv joins plain columns itself; it must write what csv.writer writes of cell_text."""
    import csv
    import datetime as dt
    import io
    import itertools
    from decimal import Decimal

    from ctl.output import cell_text, render

    values: list[Any] = [*TRICKY, None, 0, -7, 1.5, float("nan"), True, Decimal("2.50"), dt.date(2024, 5, 1)]
    values += [["a", "b,c"], [], ["x", None, 3], dt.datetime(2024, 5, 1, 12, 0), {"k": "v,w"}, b"\x01"]
    columns = [f"c{i}" for i in range(width)]
    # Columns of one type and columns of every type, with and without the characters that need quotes.
    samples = [[(v,) * width for v in values], list(itertools.product(values[:8], repeat=width))]
    samples += [[(v,) * width for v in TRICKY if v and not set(v) & set(',"\n\r\x00')]]
    quotable = [v for v in values if not (isinstance(v, str) and set(v) & set("\r\x00"))]
    samples += [[(v,) * width for v in quotable], list(itertools.product(quotable[:9], repeat=width))]
    samples += [[(f"r{i}",) * width for i in range(5)], []]
    for rows in samples:
        expected = io.StringIO()
        writer = csv.writer(expected, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([cell_text(v, "; ") for v in row] for row in rows)
        got = io.StringIO()
        render(columns, rows, "csv", got)
        assert got.getvalue() == expected.getvalue()


def json_values() -> list[Any]:
    import datetime as dt
    import uuid
    from decimal import Decimal

    return [
        *TRICKY, None, 0, -1, 2**70, 1.5, float("nan"), float("inf"), True, False, Decimal("2.50"),
        Decimal("3"), Decimal("NaN"), dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4), dt.time(1, 2),
        dt.timedelta(days=-1), uuid.UUID(int=5), b"\x01", [], ["a", None, 1, True], ["x", 1.5, float("nan")],
        [["x"], {"k": 1}], {"a": [1, {"b": None}], 2: "x"}, ("t", 1), {},
    ]  # fmt: skip


@pytest.mark.parametrize("width", [1, 2])
def test_json_matches_json_dumps_with_indent(width: int) -> None:
    """_render_json lays the indented JSON out itself; it must be json.dumps(..., indent=2) exactly."""
    import datetime as dt
    import io
    import itertools
    import json
    from decimal import Decimal

    from ctl.output import _objects, render

    values = json_values()
    columns = ["c", "c"][:width]  # a repeated name too
    plain = [v for v in values if not isinstance(v, float | dict | tuple) and not (isinstance(v, list) and v)]
    samples = [[(v,) * width for v in values], list(itertools.product(values, repeat=width)), []]
    samples += [[(v,) * width for v in plain], [(["a", "b"], *([[]] * (width - 1)))] * 3]
    by_type = [[1.5, float("nan"), None, -0.0], [dt.date(2024, 1, 2), None], [[1.5], [float("inf")]]]
    by_type += [[Decimal("2.50"), Decimal("3"), None]]
    samples += [[(v,) * width for v in column] for column in by_type]  # float, date, list, decimal columns
    for rows in samples:
        expected = json.dumps(list(_objects(columns, rows)), ensure_ascii=False, indent=2, allow_nan=False)
        got = io.StringIO()
        render(columns, rows, "json", got)
        assert got.getvalue() == expected + "\n"
