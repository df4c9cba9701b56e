"""Snapshot tests of the TUI's screens (pytest-textual-snapshot). Each runs the app on a database built
from the repository's seeds into a temporary folder; nothing on screen depends on the clock, on random
numbers or on absolute paths, so the SVGs are stable. Update them with `--snapshot-update` only after
looking at the new screens (snapshot_report.html shows the differences)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from ctl.db import rebuild
from ctl.tui.errors import ErrorScreen
from ctl.tui.facets import SEP, FacetList

sys.path.insert(0, str(Path(__file__).parent / "tui_apps"))
from harness import BROKEN_EVENT, copy_seeds, imported_copy, make_app, seeded_copy, settle

SIZE = (120, 40)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return seeded_copy(tmp_path_factory.mktemp("tui"))


def typing(expr: str) -> Callable[[Pilot], Awaitable[None]]:
    """A run_before that types a filter into the bar and presses Enter, as a person would."""

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("slash", *expr, "enter")
        await settle(pilot)

    return run


def test_default_screen(snap_compare, seeded: tuple[Path, Path]) -> None:
    assert snap_compare(make_app(seeded), terminal_size=SIZE, run_before=settle)


def test_group_filter_ttp(snap_compare, seeded: tuple[Path, Path]) -> None:
    assert snap_compare(make_app(seeded), terminal_size=SIZE, run_before=typing("group:TTP"))


def test_alias_daesh(snap_compare, seeded: tuple[Path, Path]) -> None:
    """group:Daesh is ISIS-K: the May 2024 dialogue and statement, not the March 2023 dialogue."""
    assert snap_compare(make_app(seeded), terminal_size=SIZE, run_before=typing("group:Daesh"))


def test_actor_filter(snap_compare, seeded: tuple[Path, Path]) -> None:
    """Syed Haider Shah co-chaired both dialogues, under two different titles."""
    assert snap_compare(make_app(seeded), terminal_size=SIZE, run_before=typing('actor:"Syed Haider Shah"'))


def test_date_range(snap_compare, seeded: tuple[Path, Path]) -> None:
    assert snap_compare(make_app(seeded), terminal_size=SIZE, run_before=typing("date:2023-03..2023-12"))


def test_facet_toggled(snap_compare, seeded: tuple[Path, Path]) -> None:
    """Enter on the `dialogue` facet adds type:dialogue to the filter and ticks it."""

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f")
        facets = pilot.app.screen.query_one(FacetList)
        facets.highlighted = facets.get_option_index(f"type{SEP}dialogue")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(seeded), terminal_size=SIZE, run_before=run)


def test_detail_pane(snap_compare, seeded: tuple[Path, Path]) -> None:
    """The May 2024 dialogue in full: both co-chairs with the titles they held then, four sources."""

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(seeded, "group:Daesh"), terminal_size=SIZE, run_before=run)


def test_aggregates_with_bars(snap_compare, seeded: tuple[Path, Path]) -> None:
    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)

    assert snap_compare(make_app(seeded), terminal_size=SIZE, run_before=run)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seeds with tests/import_fixtures/acled_q1_2024.csv imported as `q1` (ACLED, 2024-Q1)."""
    return imported_copy(tmp_path_factory.mktemp("imported"))


def test_aggregates_with_imported_events(snap_compare, imported: tuple[Path, Path]) -> None:
    """Each reported count beside the ACLED events' sum and the ratio: KP's ~220 deaths against 110."""

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)

    assert snap_compare(make_app(imported), terminal_size=SIZE, run_before=run)


def test_help(snap_compare, seeded: tuple[Path, Path]) -> None:
    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(seeded), terminal_size=SIZE, run_before=run)


def test_empty_result(snap_compare, seeded: tuple[Path, Path]) -> None:
    assert snap_compare(make_app(seeded), terminal_size=SIZE, run_before=typing("group:TTP type:training"))


def test_bad_filter_inline_error(snap_compare, seeded: tuple[Path, Path]) -> None:
    """A mistake shows under the bar with its column; the last good result stays."""

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("slash")
        # One change, not keystrokes: each prefix typed ("g", "gr", "gro" ...) is a valid search of its
        # own, so which of them became "the last good result" would depend on typing speed.
        pilot.app.screen.query_one("#filter").value = "group:TTP grop:x"
        await pilot.pause(0.3)
        await settle(pilot)
        pilot.app.screen.query_one("#filter").cursor_blink = False

    assert snap_compare(make_app(seeded), terminal_size=SIZE, run_before=run)


def test_small_terminal(snap_compare, seeded: tuple[Path, Path]) -> None:
    """80x24: the facet sidebar starts hidden and the table drops the columns it cannot fit."""
    assert snap_compare(make_app(seeded), terminal_size=(80, 24), run_before=settle)


@pytest.fixture
def broken_seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Seeds that built once, then broke: the database is the last good build."""
    monkeypatch.chdir(tmp_path)  # diagnostics show paths relative to here: seeds/events.toml
    seeds = copy_seeds(tmp_path)
    db = tmp_path / "ctl.duckdb"
    assert rebuild(seeds, db).ok
    events = seeds / "events.toml"
    events.write_text(events.read_text(encoding="utf-8") + BROKEN_EVENT, encoding="utf-8")
    later = time.time_ns() + 2_000_000_000
    os.utime(events, ns=(later, later))
    return seeds, db


def test_error_screen_for_broken_seeds(snap_compare, broken_seeds: tuple[Path, Path]) -> None:
    seeds, db = broken_seeds
    app = make_app((seeds, db))

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        assert isinstance(pilot.app.screen, ErrorScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=run)
