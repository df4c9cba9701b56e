"""The fast path of `ctl tui` (ctl/__main__.py) and its preload (ctl.opening.Preload).

As for `ctl query` and `ctl timeline`: both parsers must turn the same command lines into the same
ctl.tui.app.run call, the fast parser must leave everything else to typer, and the fast path must
really avoid typer and pydantic. The preload (the database work started before Textual is imported)
must leave the app's behaviour as it was: the same first screen, and a stale or missing database
still built by the app, with its message. No test here runs the app outside Textual's headless mode.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

import ctl.tui.app
from ctl import __main__ as entry
from ctl import opening
from ctl.cli import app
from tests.fastpath_support import ENVIRONMENTS, set_environment, typer_call

sys.path.insert(0, str(Path(__file__).parent / "tui_apps"))
from harness import copy_seeds, imported_copy, make_app, record_status, seeded_copy, settle, sync

FAST = [
    ["tui"],
    ["tui", "group:TTP"],
    ["tui", "group:TTP", "dialogue", "2024-05"],
    ["tui", "actor:Elizabeth Richard"],  # a word with a space: quoted again by join_args
    ["tui", "Quetta blast"],
    ["tui", ""],
    ["tui", "-"],
    ["tui", "--seeds", "some/seeds", "--db", "x.duckdb"],
    ["tui", "--seeds=s", "--db=d", "group:TTP"],
    ["tui", "group:TTP", "--db", "d", "2024"],  # intermixed, as click takes them
    ["tui", "--db", "a", "--db", "b"],  # the last one wins, as in click
    ["tui", "--seeds=", "--db="],
    ["tui", "--db", "-"],
    ["tui", "grp:TTP"],  # a filter error: the app shows it
]

FALLBACK = [
    ["tuix"],
    ["timeline", "group:TTP"],
    ["tui", "--help"],
    ["tui", "-h"],
    ["tui", "group:TTP", "--help"],
    ["tui", "--", "-type:statement"],
    ["tui", "-type:statement"],
    ["tui", "-1"],
    ["tui", "--nope"],
    ["tui", "--group", "TTP"],  # a timeline option
    ["tui", "--format", "json"],
    ["tui", "-f", "json"],
    ["tui", "--db"],
    ["tui", "--db", "--seeds", "s"],
    ["tui", "--se", "s"],  # no abbreviations in click either
]


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace ctl.tui.app.run with a recorder; both paths look it up at call time. The fast path's
    preload is replaced too (it is recorded as given, not started)."""
    calls: list[dict[str, Any]] = []

    def record(seeds=None, db=None, expr="", preload=None) -> None:
        calls.append({"seeds": seeds, "db": db, "expr": expr})
        if preload is not None:
            calls[-1]["preload"] = preload

    monkeypatch.setattr(ctl.tui.app, "run", record)
    monkeypatch.setattr(opening.Preload, "start", classmethod(lambda cls, seeds, db, expr="": "preload"))
    return calls


@pytest.mark.parametrize("argv", FAST, ids=lambda a: " ".join(a[1:]) or "bare")
def test_fast_parser_matches_typer(argv: list[str], captured) -> None:
    fast = entry.parse_tui_args(argv)
    assert fast is not None, "the fast path should handle this command line"
    assert fast == typer_call(argv, captured)


def test_defaults_match_typer(captured) -> None:
    fast = entry.parse_tui_args(["tui"])
    assert fast == {"seeds": None, "db": None, "expr": ""}
    assert fast == typer_call(["tui"], captured)


def test_the_options_are_those_of_the_typer_command() -> None:
    import typer.main

    command = typer.main.get_command(app).commands["tui"]  # type: ignore[attr-defined]
    typer_options = {o for p in command.params if p.param_type_name == "option" for o in p.opts}
    assert typer_options - {"--help", "-h"} == set(entry._TUI_OPTIONS)


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize("argv", [["tui"], ["tui", "--seeds", "opt", "--db", "o.db", "group:TTP"]])
def test_environment_matches_typer(argv, env, captured, monkeypatch: pytest.MonkeyPatch) -> None:
    set_environment(monkeypatch, env)
    assert entry.parse_tui_args(argv) == typer_call(argv, captured, env=env)


@pytest.mark.parametrize("argv", FALLBACK, ids=lambda a: " ".join(a))
def test_fallback_to_typer(argv: list[str]) -> None:
    assert entry.parse_tui_args(argv) is None


def test_the_other_parsers_leave_tui_alone() -> None:
    assert entry.parse_query_args(["tui", "group:TTP"]) is None
    assert entry.parse_timeline_args(["tui", "group:TTP"]) is None
    assert entry.parse_tui_args(["query", "select 1"]) is None


@pytest.mark.parametrize("argv", [["tui", "group:TTP", "--db", "x.duckdb"], ["tui", "-f", "json"]])
def test_main_runs_the_same_command(argv, captured, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fast or not, main() ends in ctl.tui.app.run with what typer would pass; the fast path adds the
    preload it started."""
    expected = typer_call(argv, captured)
    captured.clear()
    monkeypatch.setattr(sys, "argv", ["ctl", *argv])
    if isinstance(expected, tuple):  # a usage error: typer reports it, exit 2
        with pytest.raises(SystemExit) as exit_info:
            entry.main()
        assert exit_info.value.code == 2 and captured == []
        return
    with pytest.raises(SystemExit) as exit_info:
        entry.main()
    assert exit_info.value.code == 0
    assert captured == [{**expected, "preload": "preload"}]


# -- in a real process ------------------------------------------------------------------------------

# Runs `ctl tui` through ctl's entry point with CtlApp.run replaced (no terminal here): once the
# preload thread is done too, it reports which modules are loaded, as the app would start with them.
WRAPPER = textwrap.dedent(
    """
    import json, sys
    import ctl.tui.app

    def report(self):
        self._preload._thread.join()
        self._preload.close()
        names = {m.split(".")[0] for m in sys.modules} | {m for m in sys.modules if m.startswith("ctl.")}
        names = sorted(names)
        print(json.dumps({"modules": names, "stamp": self._preload.stamp}))

    ctl.tui.app.CtlApp.run = report
    from ctl.__main__ import main
    sys.argv = ["ctl", "tui", *sys.argv[1:]]
    main()
    """
)

NOT_BEFORE_THE_APP = {"typer", "click", "pydantic", "pydantic_core", "tomlkit", "pyarrow", "ctl.cli"}
NOT_WHEN_FRESH = {"ctl.model", "ctl.check", "ctl.load", "ctl.importers"}


def run_tui_wrapper(*args: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-c", WRAPPER, *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_fast_path_imports_neither_typer_nor_pydantic(tmp_path: Path) -> None:
    seeds, db = seeded_copy(tmp_path)
    found = run_tui_wrapper("group:TTP", "--seeds", str(seeds), "--db", str(db))
    modules = set(found["modules"])
    assert {"textual", "_duckdb", "ctl.tui.app", "ctl.opening"} <= modules  # the check sees imports
    assert "duckdb" not in modules  # DuckDB's compiled module alone (ctl.tui.data.duckdb_core)
    assert not modules & NOT_BEFORE_THE_APP
    assert not modules & NOT_WHEN_FRESH  # the database is fresh: no seed checker, no build
    assert found["stamp"] is not None


def test_with_imports_the_check_reads_the_imported_files_from_the_database(tmp_path: Path) -> None:
    """A project with an [[import]]: the staleness check takes the imported files from the database
    (ctl.db.fresh_stamp), not from the manifest, whose reading would import tomllib."""
    from ctl.db import newest_input_ns

    seeds, db = imported_copy(tmp_path)
    found = run_tui_wrapper("--seeds", str(seeds), "--db", str(db))
    assert "tomllib" not in found["modules"]
    assert found["stamp"] == newest_input_ns(seeds)


def test_fresh_stamp_agrees_with_the_manifest_reading_check(tmp_path: Path) -> None:
    import os

    from ctl.db import fresh_stamp, is_stale, newest_input_ns
    from ctl.tui.data import Store

    seeds, db = imported_copy(tmp_path)
    calls: list[list[str]] = []

    def recorded() -> list[str]:
        store = Store.open(db)
        try:
            calls.append(store.import_paths())
        finally:
            store.close()
        return calls[-1]

    def both() -> tuple[tuple[bool, int], tuple[bool, int]]:
        return fresh_stamp(db, seeds, recorded), (is_stale(db, seeds), newest_input_ns(seeds))

    ours, theirs = both()
    assert ours == theirs and ours[0] is False
    assert calls == [["data/acled_q1_2024.csv"]]
    built = db.stat().st_mtime_ns
    data = seeds.parent / "data" / "acled_q1_2024.csv"
    os.utime(data, ns=(built + 10**9, built + 10**9))  # the imported file changed since the build
    ours, theirs = both()
    assert ours == theirs and ours[0] is True and ours[1] == built + 10**9
    os.utime(data, ns=(built - 10**9, built - 10**9))
    manifest = seeds / "imports.toml"
    os.utime(manifest, ns=(built + 2 * 10**9, built + 2 * 10**9))  # the manifest changed: stale at once
    calls.clear()
    ours, theirs = both()
    assert ours == theirs and ours[0] is True and calls == []
    db.unlink()
    assert fresh_stamp(db, seeds, recorded) == (True, newest_input_ns(seeds))


def test_help_goes_to_typer() -> None:
    argv = [sys.executable, "-c", WRAPPER, "--help"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Browse the timeline" in proc.stdout


# -- the preload ------------------------------------------------------------------------------------


def test_preload_opens_a_fresh_database_and_warms_it_up(tmp_path: Path) -> None:
    from ctl.tui.data import Store, compile_query

    seeds, db = seeded_copy(tmp_path)
    preload = opening.Preload.start(seeds, db, "group:TTP")
    stamp, store = preload.take()
    assert isinstance(store, Store) and stamp is not None
    check = Store.open(db)
    try:
        q = compile_query("group:TTP")
        assert store.counts(q) == check.counts(q)
        assert store.rows(q, 0, 100) == check.rows(q, 0, 100)
    finally:
        check.close()
        preload.close()
        assert not store.closed  # the caller took it
        store.close()


def test_preload_leaves_a_missing_database_to_the_app(tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path)
    db = tmp_path / "new" / "ctl.duckdb"
    preload = opening.Preload.start(seeds, db)
    stamp, store = preload.take()
    assert store is None and stamp is not None
    assert not db.exists() and not db.parent.exists()


def test_preload_leaves_a_stale_database_to_the_app(tmp_path: Path) -> None:
    import os

    seeds, db = seeded_copy(tmp_path)
    past = time.time_ns() - 86_400 * 10**9
    os.utime(db, ns=(past, past))
    preload = opening.Preload.start(seeds, db)
    assert preload.take()[1] is None
    assert db.stat().st_mtime_ns == past  # not rebuilt by the preload


def test_a_preload_the_app_never_took_is_closed(tmp_path: Path) -> None:
    seeds, db = seeded_copy(tmp_path)
    preload = opening.Preload.start(seeds, db)
    preload._thread.join()
    store = preload.store
    assert store is not None
    preload.close()
    assert store.closed


def test_the_preload_reads_the_first_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It warms the store with the very call the main screen makes for a new filter."""
    from ctl.tui.data import Store

    asked: list[tuple[str, str | None]] = []
    first_page = Store.first_page

    def recording(self: Store, q, keep):
        asked.append((q.text, keep))
        return first_page(self, q, keep)

    monkeypatch.setattr(Store, "first_page", recording)
    seeds, db = seeded_copy(tmp_path)
    preload = opening.Preload.start(seeds, db, "group:TTP")
    _, store = preload.take()
    try:
        assert asked == [("group:TTP", None)]
    finally:
        preload.close()
        store.close()


def first_screen(app: ctl.tui.app.CtlApp) -> tuple[int, list[str], str]:
    table = app.main.table
    rows = [r.id for i in range(table.count) if (r := table.row_at(i)) is not None]
    return table.count, rows, app.main.selected_id or ""


@pytest.mark.parametrize("expr", ["", "group:TTP", "grp:TTP"])
@sync
async def test_the_app_shows_the_same_first_screen_with_a_preload(tmp_path: Path, expr: str) -> None:
    seeds, db = seeded_copy(tmp_path)
    screens = []
    for preload in (None, opening.Preload.start(seeds, db, expr)):
        app = ctl.tui.app.CtlApp(seeds, db, expr, watch=False, preload=preload)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screens.append(first_screen(app))
            if preload is not None:
                assert app.store is preload.store  # taken over, not opened again
    assert screens[0] == screens[1]
    assert screens[0][0] > 0


@sync
async def test_with_a_preload_a_missing_database_is_still_built_with_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = record_status(monkeypatch)
    seeds = copy_seeds(tmp_path)
    db = tmp_path / "new" / "ctl.duckdb"
    app = make_app((seeds, db))
    app._preload = opening.Preload.start(seeds, db)
    async with app.run_test(size=(120, 40)) as pilot:
        waited = 0.0
        while app.main.table.count != 8 and waited < 120:
            await pilot.pause(0.05)
            waited += 0.05
        assert db.exists()
        assert app.main.table.count == 8
    assert shown and shown[0].startswith("Building the database ")
