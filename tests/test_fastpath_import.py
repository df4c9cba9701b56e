"""The fast path of `ctl import` (ctl/__main__.py) must behave exactly like the typer command.

As for `ctl query`, `ctl timeline` and `ctl tui`: both parsers must turn the same command lines into
the same ctl.importers.command.run_import call, the fast parser must leave everything else to typer,
and a real `python -m ctl import` must import neither typer nor the CLI module and end as the typer
command does (its output, its manifest, its exit status).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import ctl.importers.command
from ctl import __main__ as entry
from ctl.cli import app
from tests.fastpath_support import ENVIRONMENTS, set_environment, typer_call

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "import_fixtures"

FAST = [
    ["import", "acled", "data.csv"],
    ["import", "auto", "data.csv", "--id", "mine"],
    ["import", "ucdp", "data.csv", "--skip-bad"],
    ["import", "--skip-bad", "gtd", "data.csv"],  # options before, between and after, as in click
    ["import", "gtd", "--id=x", "data.csv", "--seeds", "s", "--db", "d.duckdb"],
    ["import", "acled", "data.csv", "--id", "a", "--id", "b"],  # the last one wins, as in click
    ["import", "acled", "data.csv", "--id="],
    ["import", "nope", "data.csv"],  # an unknown format: run_import reports it (exit 2) for both
    ["import", "acled", "-"],
    ["import", "acled", "data.csv", "--seeds=", "--db="],
]

FALLBACK = [
    ["import"],
    ["import", "acled"],  # a missing argument: typer's usage error
    ["import", "acled", "a.csv", "b.csv"],  # one too many
    ["import", "acled", "a.csv", "--help"],
    ["import", "-h"],
    ["import", "acled", "a.csv", "--nope"],
    ["import", "acled", "a.csv", "--id"],
    ["import", "acled", "a.csv", "--id", "--skip-bad"],  # click takes "--skip-bad" as the id
    ["import", "acled", "a.csv", "--skip-bad=yes"],
    ["import", "acled", "a.csv", "--no-skip-bad"],
    ["import", "acled", "-1"],
    ["import", "--", "acled", "a.csv"],
    ["import", "acled", "a.csv", "--sk"],  # no abbreviations in click either
    ["importx", "acled", "a.csv"],
]


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace run_import with a recorder; both paths look it up at call time."""
    calls: list[dict[str, Any]] = []

    def record(fmt, file, *, seeds, db, import_id=None, skip_bad=False) -> int:
        calls.append(
            {"fmt": fmt, "file": file, "seeds": seeds, "db": db, "import_id": import_id, "skip_bad": skip_bad}
        )
        return 0

    monkeypatch.setattr(ctl.importers.command, "run_import", record)
    return calls


@pytest.mark.parametrize("argv", FAST, ids=lambda a: " ".join(a[1:]))
def test_fast_parser_matches_typer(argv: list[str], captured) -> None:
    fast = entry.parse_import_args(argv)
    assert fast is not None, "the fast path should handle this command line"
    assert fast == typer_call(argv, captured)


def test_defaults_match_typer(captured) -> None:
    fast = entry.parse_import_args(["import", "acled", "f.csv"])
    assert fast is not None
    assert (fast["import_id"], fast["skip_bad"], fast["file"]) == (None, False, Path("f.csv"))
    assert fast == typer_call(["import", "acled", "f.csv"], captured)


def test_the_options_are_those_of_the_typer_command() -> None:
    import typer.main

    command = typer.main.get_command(app).commands["import"]  # type: ignore[attr-defined]
    options = {o for p in command.params if p.param_type_name == "option" for o in p.opts}
    flags = {o for p in command.params if p.param_type_name == "option" and p.is_flag for o in p.opts}
    assert options - {"--help", "-h"} == set(entry._IMPORT_OPTIONS) | set(entry._IMPORT_FLAGS)
    assert flags == set(entry._IMPORT_FLAGS)
    arguments = [p.name for p in command.params if p.param_type_name == "argument"]
    assert len(arguments) == 2  # FORMAT FILE


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize(
    "argv", [["import", "acled", "f.csv"], ["import", "gtd", "f.csv", "--seeds", "opt", "--db", "o.db"]]
)
def test_environment_matches_typer(argv, env, captured, monkeypatch: pytest.MonkeyPatch) -> None:
    set_environment(monkeypatch, env)
    assert entry.parse_import_args(argv) == typer_call(argv, captured, env=env)


@pytest.mark.parametrize("argv", FALLBACK, ids=lambda a: " ".join(a))
def test_fallback_to_typer(argv: list[str]) -> None:
    assert entry.parse_import_args(argv) is None


def test_the_other_parsers_leave_import_alone() -> None:
    argv = ["import", "acled", "f.csv"]
    assert entry.parse_query_args(argv) is None
    assert entry.parse_timeline_args(argv) is None
    assert entry.parse_tui_args(argv) is None
    assert entry.parse_import_args(["query", "select 1"]) is None


@pytest.mark.parametrize("argv", [["import", "acled", "f.csv", "--skip-bad"], ["import", "acled"]])
def test_main_runs_the_same_command(argv, captured, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fast or not, main() ends in run_import with what typer would pass, or typer's usage error."""
    expected = typer_call(argv, captured)
    captured.clear()
    monkeypatch.setattr(sys, "argv", ["ctl", *argv])
    with pytest.raises(SystemExit) as exit_info:
        entry.main()
    if isinstance(expected, tuple):
        assert exit_info.value.code == 2 and captured == []
    else:
        assert exit_info.value.code == 0 and captured == [expected]


# -- in a real process ------------------------------------------------------------------------------

# Runs `ctl import` through ctl's entry point, then reports its exit status and the modules it loaded.
WRAPPER = """
import json, sys
from ctl.__main__ import main
sys.argv = ["ctl", "import", *sys.argv[1:]]
try:
    main()
except SystemExit as done:
    code = done.code
modules = sorted(m for m in sys.modules if m.split(".")[0] in ("typer", "click", "ctl"))
print(json.dumps({"code": code, "modules": modules}))
"""


def _project(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the repository's seeds without a manifest, and a database path beside it."""
    seeds = tmp_path / "seeds"
    shutil.copytree(REPO / "seeds", seeds, ignore=shutil.ignore_patterns("imports.toml"))
    return seeds, tmp_path / "ctl.duckdb"


def _neutral(text: str, seeds: Path, db: Path) -> list[str]:
    """Output lines with the project's paths named S and D, and the closing line's time left out."""
    lines = text.replace(str(seeds), "S").replace(str(db), "D").splitlines()
    return [re.sub(r"\(\d+\.\d s\)$", "(T)", line) for line in lines]


def test_a_real_import_takes_the_fast_path_and_ends_as_typer_does(tmp_path: Path) -> None:
    args = ["acled", str(FIXTURES / "acled_subset.csv"), "--id", "subset"]
    fast_seeds, fast_db = _project(tmp_path / "fast")
    slow_seeds, slow_db = _project(tmp_path / "slow")
    fast = subprocess.run(
        [sys.executable, "-c", WRAPPER, *args, "--seeds", str(fast_seeds), "--db", str(fast_db)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert fast.returncode == 0, fast.stderr
    *printed, report = fast.stdout.splitlines()
    found = json.loads(report)
    assert found["code"] == 0
    assert "ctl.importers.command" in found["modules"]
    assert not [m for m in found["modules"] if m.startswith(("typer", "click", "ctl.cli"))]

    slow = CliRunner().invoke(app, ["import", *args, "--seeds", str(slow_seeds), "--db", str(slow_db)])
    assert slow.exit_code == 0, slow.output
    assert printed[0] == "imported subset (acled) from " + str(FIXTURES / "acled_subset.csv")
    assert _neutral("\n".join(printed), fast_seeds, fast_db) == _neutral(slow.output, slow_seeds, slow_db)
    manifest = (fast_seeds / "imports.toml").read_text(encoding="utf-8")
    assert 'id = "subset"' in manifest
    assert manifest == (slow_seeds / "imports.toml").read_text(encoding="utf-8")
    assert fast_db.is_file() and slow_db.is_file()
