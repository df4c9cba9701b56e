"""The fast path of `ctl query` (ctl/__main__.py) must behave exactly like the typer command.

It exists only for speed (typer imports pydantic); these tests pin that it parses the same command
lines into the same query_command arguments, falls back to typer for anything else, really avoids
the heavy imports, and prints the same output.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import ctl.query
from ctl import __main__ as entry
from ctl.cli import app

# Command lines the fast parser handles itself (the last ones test option forms and overrides).
FAST = [
    ["query", "select 1"],
    ["query", "-"],
    ["query", "--file", "q.sql"],
    ["query", "--file=q.sql"],
    ["query", "--file", "-"],
    ["query", "select 1", "--timeout", "2.5"],
    ["query", "--timeout", "1e1", "select 1"],
    ["query", "--timeout", "0", "select 1"],
    ["query", "--max-rows", "0", "select 1"],
    ["query", "--max-rows=5", "select 1"],
    ["query", "-f", "json", "select 1"],
    ["query", "-fcsv", "select 1"],
    ["query", "--format", "markdown", "select 1"],
    ["query", "--format=jsonl", "select 1"],
    ["query", "--seeds", "some/seeds", "--db", "x.duckdb", "select 1"],
    ["query", "--seeds=", "select 1"],
    ["query", "", "--db", "a", "--db", "b"],  # the last of a repeated option wins, as in click
    ["query", "--timeout", "1", "--timeout", "3", "select 1"],
]

# Command lines it must leave to typer (help, errors, forms where argparse and click differ).
FALLBACK = [
    [],
    ["--version"],
    ["check"],
    ["query", "--help"],
    ["query", "-h"],
    ["query", "select 1", "--help"],
    ["query", "--", "-x"],
    ["query", "-1"],
    ["query", "--nope", "select 1"],
    ["query", "select 1", "select 2"],
    ["query", "--timeout"],
    ["query", "--timeout", "abc", "select 1"],
    ["query", "--timeout", "1_000", "select 1"],
    ["query", "--timeout", " 5", "select 1"],
    ["query", "--timeout", "-1", "select 1"],
    ["query", "--max-rows", "1.5", "select 1"],
    ["query", "--max-rows", "0x10", "select 1"],
    ["query", "-f", "xml", "select 1"],
    ["query", "-f=json", "select 1"],
    ["query", "--file", "--db", "x"],
    ["query", "--tim", "1", "select 1"],  # no abbreviations in click either
]


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace query_command with a recorder; typer's command imports it at call time."""
    calls: list[dict[str, Any]] = []

    def record(**kwargs: Any) -> int:
        calls.append(kwargs)
        return 0

    monkeypatch.setattr(ctl.query, "query_command", record)
    return calls


def typer_kwargs(argv: list[str], captured: list[dict[str, Any]], env: dict[str, str] | None = None):
    """What the typer command passes to query_command for argv, or (exit code, output) on an error."""
    captured.clear()
    result = CliRunner().invoke(app, argv, env=env)
    if captured:
        return captured[0]
    return (result.exit_code, result.output)


@pytest.mark.parametrize("argv", FAST, ids=[" ".join(a[1:]) or "empty" for a in FAST])
def test_fast_parser_matches_typer(argv: list[str], captured, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = entry.parse_query_args(argv)
    assert fast is not None, "the fast path should handle this command line"
    assert fast == typer_kwargs(argv, captured)


def test_defaults_match_typer(captured) -> None:
    fast = entry.parse_query_args(["query", "select 1"])
    assert fast == {
        "sql": "select 1",
        "file": None,
        "timeout": 30.0,
        "max_rows": 1000,
        "fmt": "table",
        "seeds": None,
        "db": None,
    }
    assert fast == typer_kwargs(["query", "select 1"], captured)
    assert isinstance(fast["timeout"], float) and isinstance(fast["max_rows"], int)


@pytest.mark.parametrize(
    "env",
    [
        {"CTL_SEEDS": "env/seeds", "CTL_DB": "env/ctl.duckdb"},
        {"CTL_SEEDS": "", "CTL_DB": ""},
        {"CTL_DB": "d"},
    ],
)
@pytest.mark.parametrize(
    "argv", [["query", "select 1"], ["query", "--seeds", "opt", "--db", "o.db", "select 1"]]
)
def test_environment_matches_typer(argv, env, captured, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    fast = entry.parse_query_args(argv)
    assert fast == typer_kwargs(argv, captured, env=env)


def test_no_sql_goes_through_the_fast_path_too(captured) -> None:
    # `ctl query` alone is handled by query_command (a usage error there), identically on both paths.
    assert entry.parse_query_args(["query"]) == typer_kwargs(["query"], captured)


@pytest.mark.parametrize("argv", FALLBACK, ids=lambda a: " ".join(a) or "empty")
def test_fallback_to_typer(argv: list[str]) -> None:
    assert entry.parse_query_args(argv) is None


@pytest.mark.parametrize(
    "argv",
    [
        ["query", "--timeout", "1_000", "select 1"],
        ["query", "--timeout", "-1", "select 1"],
        ["query", "--", "-x"],
    ],
)
def test_main_falls_back_to_the_same_command(argv, captured, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the fast parser declines, main() runs the typer app, which still calls query_command."""
    expected = typer_kwargs(argv, captured)
    captured.clear()
    monkeypatch.setattr(sys, "argv", ["ctl", *argv])
    with pytest.raises(SystemExit) as exit_info:
        entry.main()
    assert exit_info.value.code == 0
    assert captured == [expected]


# -- in a real process ------------------------------------------------------------------------------

HEAVY = ("typer", "pydantic", "textual", "pyarrow", "rich", "click")

# Runs ctl's entry point like the console script does, then reports which heavy modules got imported.
WRAPPER = textwrap.dedent(
    """
    import json, sys
    from ctl.__main__ import main
    sys.argv = ["ctl", *sys.argv[1:]]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    heavy = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(HEAVY)))
    sys.stderr.write("HEAVY=" + json.dumps(heavy) + "\\n")
    sys.exit(code)
    """
)


def run_wrapper(*args: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    code = WRAPPER.replace("json.loads(HEAVY)", repr(list(HEAVY)))
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    heavy_line = [line for line in proc.stderr.splitlines() if line.startswith("HEAVY=")]
    assert heavy_line, proc.stderr
    return proc, json.loads(heavy_line[-1].removeprefix("HEAVY="))


def test_fast_path_imports_no_heavy_module(built_db: Path, seeds_dir: Path) -> None:
    proc, heavy = run_wrapper("query", "select 42", "--seeds", str(seeds_dir), "--db", str(built_db))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1].strip() == "42"
    assert heavy == []


def test_fallback_does_import_typer() -> None:
    """The check above is meaningful: the same wrapper does see typer on the typer path."""
    proc, heavy = run_wrapper("query", "--help")
    assert proc.returncode == 0
    assert "typer" in heavy


def test_python_m_ctl_query_avoids_heavy_imports(built_db: Path, seeds_dir: Path) -> None:
    """`python -m ctl` itself, checked with -X importtime (which lists every module imported)."""
    argv = [sys.executable, "-X", "importtime", "-m", "ctl", "query", "select 42"]
    proc = subprocess.run(
        [*argv, "--seeds", str(seeds_dir), "--db", str(built_db)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    assert "duckdb" in imported  # the parsing of -X importtime output works
    assert not {m for m in imported if m.split(".")[0] in HEAVY}


@pytest.mark.parametrize("fmt", ["json", "table", "csv"])
def test_same_output_as_the_typer_command(fmt: str, built_db: Path, seeds_dir: Path) -> None:
    sql = "select id, date_start, actors, source_count from timeline order by id"
    args = ["query", "--format", fmt, sql, "--seeds", str(seeds_dir), "--db", str(built_db)]
    fast = subprocess.run([sys.executable, "-m", "ctl", *args], capture_output=True, text=True, timeout=120)
    via_typer = CliRunner().invoke(app, args)
    assert (fast.returncode, via_typer.exit_code) == (0, 0)
    assert fast.stdout == via_typer.stdout
    assert fast.stdout.strip()


def test_same_error_as_the_typer_command(built_db: Path, seeds_dir: Path) -> None:
    args = ["query", "drop view timeline", "--seeds", str(seeds_dir), "--db", str(built_db)]
    fast = subprocess.run([sys.executable, "-m", "ctl", *args], capture_output=True, text=True, timeout=120)
    via_typer = CliRunner().invoke(app, args)
    assert fast.returncode == via_typer.exit_code == 1
    assert fast.stderr == via_typer.stderr == "ctl: error: ctl query is read-only: DROP (DDL) is refused\n"
