"""The TUI's main flows, driven through Textual's pilot: filter, select, detail, clear, step the period,
facets, help, reload, watch, the first run and broken seeds."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Static

from ctl import reports
from ctl.db import rebuild
from ctl.filters import Term, parse
from ctl.tui import app as app_module
from ctl.tui.actions import ACTIONS, SCOPE_TITLES, help_rows, in_scope, keys_label
from ctl.tui.aggregates import AggregatesScreen
from ctl.tui.app import CtlApp
from ctl.tui.data import Store, compile_query
from ctl.tui.detail import DetailPane
from ctl.tui.errors import ErrorScreen
from ctl.tui.facets import SEP, FacetList
from ctl.tui.help import HelpScreen
from ctl.tui.main import MainScreen
from ctl.tui.table import CACHE_PAGES, PAGE_SIZE, EventTable
from ctl.tui.titlebar import TitleBar

sys.path.insert(0, str(Path(__file__).parent / "tui_apps"))
from harness import (
    BROKEN_EVENT,
    copy_seeds,
    imported_copy,
    make_app,
    plain,
    record_status,
    seeded_copy,
    settle,
    sync,
)
from synthetic import build_synthetic

MAY_2024 = "2024-05-pk-us-ct-dialogue"
MARCH_2023 = "2023-03-pk-us-ct-dialogue"
SIZE = (120, 40)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return seeded_copy(tmp_path_factory.mktemp("tui"))


def ids(app: CtlApp) -> list[str]:
    table = app.main.table
    return [r.id for i in range(table.count) if (r := table.row_at(i)) is not None]


def text_of(app: CtlApp, selector: str) -> str:
    return plain(app.screen.query_one(selector, Static))


def detail_text(app: CtlApp) -> str:
    return plain(app.main.query_one("#detail-body", Static))


async def type_filter(pilot: Pilot, text: str, submit: bool = True) -> None:
    """`/`, then the text typed key by key over what the bar held, then (unless told not to) Enter."""
    app = pilot.app
    assert isinstance(app, CtlApp)
    await pilot.press("slash")
    app.main.filter_input.value = ""
    await pilot.press(*text)
    if submit:
        await pilot.press("enter")
    await settle(pilot)


@sync
async def test_default_screen_lists_every_event(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.table.count == 8
        assert ids(app)[0] == "2022-11-ttp-truce-ends"
        assert "8 events" in text_of(app, "#count")
        assert app.main.selected_id == "2022-11-ttp-truce-ends"
        assert "TTP truce with the Pakistani government ends" in detail_text(app)
        assert isinstance(app.focused, EventTable)


@sync
async def test_filter_daesh_shows_may_2024_not_march_2023(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_filter(pilot, "group:Daesh")
        assert MAY_2024 in ids(app) and MARCH_2023 not in ids(app)
        assert "2 of 8 events match group:Daesh" in text_of(app, "#count")
        assert isinstance(app.focused, EventTable)  # Enter returns to the table
        facets = app.main.query_one(FacetList).facets
        assert facets is not None
        assert [(f.value, f.active) for f in facets.sections["group"]] == [("ISIS-K", True), ("TTP", False)]


@sync
async def test_filter_is_live_without_enter(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_filter(pilot, "dialogue", submit=False)
        await pilot.pause(0.3)
        await settle(pilot)
        assert app.main.table.count == 2
        assert isinstance(app.focused, Input)


@sync
async def test_a_bad_filter_shows_inline_and_keeps_the_last_result(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_filter(pilot, "group:TTP")
        assert app.main.table.count == 3
        await type_filter(pilot, "grop:TTP")
        error = app.main.query_one("#filter-error", Static)
        assert error.has_class("shown")
        assert "unknown filter key 'grop'; did you mean group:? (column 1)" in plain(error)
        assert app.main.table.count == 3
        assert isinstance(app.focused, Input)  # Enter on a bad filter stays in the bar
        await type_filter(pilot, "group:TTP dialogue")
        assert not error.has_class("shown")
        assert app.main.table.count == 1


@sync
async def test_select_moves_the_detail_and_enter_opens_it(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down")
        await settle(pilot)
        assert app.main.selected_id == MARCH_2023
        text = detail_text(app)
        assert "Additional Secretary for the UN and Economic Diplomacy" in text
        assert "seeds/events.toml:21" in text
        await pilot.press("enter")
        assert app.main.maximized is app.main.query_one(DetailPane)
        await pilot.press("escape")
        assert app.main.maximized is None
        assert isinstance(app.focused, EventTable)
        await pilot.press("end")
        await settle(pilot)
        assert app.main.selected_id == "2024-05-joint-statement"
        await pilot.press("home")
        await settle(pilot)
        assert app.main.selected_id == "2022-11-ttp-truce-ends"


@sync
async def test_detail_of_may_2024_has_both_chairs_and_four_sources(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded, "group:Daesh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.selected_id == MAY_2024
        text = detail_text(app)
        for needle in (
            "Syed Haider Shah, co-chair — Ambassador, Additional Foreign Secretary for the UN and OIC",
            "Elizabeth Richard, co-chair — Ambassador, Coordinator for Counterterrorism",
            "Sources (4)",
            "“Pakistan, US commit to detect, deter violent extremism” — Mariana Baabar",
            "(untitled) — no byline",
            "(untitled) — Agencies",
            "“Pakistan, US term TTP, Daesh ‘most pressing challenges’ to global security” — Web Desk",
            "seeds/events.toml:92",
        ):
            assert needle in text


@sync
async def test_click_selects_a_row(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click(EventTable, offset=(5, 4))  # border, header, then rows 0, 1, 2
        await settle(pilot)
        assert app.main.table.cursor == 2
        assert app.main.selected_id == MARCH_2023


@sync
async def test_escape_clears_the_filter(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded, "group:TTP")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.table.count == 3
        await pilot.press("escape")
        await settle(pilot)
        assert app.main.filter_input.value == ""
        assert app.main.table.count == 8


@sync
async def test_no_match_names_the_filter(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded, "group:nothing-like-this")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.table.count == 0
        assert app.main.table.message == (
            "No events match group:nothing-like-this (8 in all). Esc clears the filter."
        )
        assert "No event matches the filter." in detail_text(app)


@sync
async def test_filter_keeps_the_selection_when_it_still_matches(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("end", "up")
        await settle(pilot)
        assert app.main.selected_id == MAY_2024
        await type_filter(pilot, "group:TTP")
        assert app.main.selected_id == MAY_2024
        assert app.main.table.cursor == 1


@sync
async def test_step_and_zoom_the_period(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded, "group:TTP")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("shift+down")  # the selected event's year: 2022
        await settle(pilot)
        assert app.main.filter_input.value == "group:TTP date:2022"
        assert ids(app) == ["2022-11-ttp-truce-ends"]
        await pilot.press("shift+right", "shift+right")
        await settle(pilot)
        assert app.main.filter_input.value == "group:TTP date:2024"
        assert app.main.table.count == 2
        await pilot.press("shift+down")
        await settle(pilot)
        assert app.main.filter_input.value == "group:TTP date:2024-Q2"  # holds the selected May event
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.main.filter_input.value == "group:TTP date:2024-Q1"
        assert app.main.table.count == 0
        await pilot.press("shift+up", "shift+up")
        await settle(pilot)
        assert app.main.filter_input.value == "group:TTP"


@sync
async def test_a_facet_toggles_on_and_off(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        facets = app.main.query_one(FacetList)
        assert facets.has_focus
        facets.highlighted = facets.get_option_index(f"type{SEP}dialogue")
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.filter_input.value == "type:dialogue"
        assert app.main.table.count == 2
        await pilot.press("enter")  # the highlight stays on dialogue: off again
        await settle(pilot)
        assert app.main.filter_input.value == ""
        assert app.main.table.count == 8


@sync
async def test_a_facet_turns_off_the_alias_that_selected_it(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded, "group:Daesh dialogue")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        facets = app.main.query_one(FacetList)
        facets.focus()
        facets.highlighted = facets.get_option_index(f"group{SEP}isis-k")
        await pilot.press("space")
        await settle(pilot)
        assert app.main.filter_input.value == "type:dialogue"


@sync
async def test_facets_hide_on_narrow_terminals_and_f_brings_them_back(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        facets = app.main.query_one(FacetList)
        assert not facets.display
        await pilot.press("f")
        assert facets.display and facets.has_focus
        await pilot.press("f")
        assert not facets.display and isinstance(app.focused, EventTable)


@sync
async def test_help_lists_every_registered_key(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        rows = dict(help_rows())
        for a in ACTIONS:
            assert (keys_label(a.keys), a.help or a.description) in rows[SCOPE_TITLES[a.scope]]


def test_bindings_and_footer_come_from_the_registry() -> None:
    for cls, scope in ((CtlApp, "app"), (MainScreen, "main"), (EventTable, "table"), (FacetList, "facets")):
        declared = {(b.key, b.action, b.show) for b in cls.BINDINGS}  # type: ignore[union-attr]
        assert declared == {(a.keys, a.action, a.footer) for a in in_scope(scope)}


@sync
async def test_footer_shows_the_registry_descriptions(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = {b.description for _, b, enabled, _ in app.screen.active_bindings.values() if b.show}
        assert {a.description for a in ACTIONS if a.footer and a.scope in ("app", "main")} <= shown


@sync
async def test_command_palette_offers_the_registry_actions(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.main)}
        assert {"Help", "Figures", "Facets", "Edit", "Reload", "Detail"} <= titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


@sync
async def test_the_title_bar_names_the_screen_and_its_icon_opens_the_palette(
    seeded: tuple[Path, Path],
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(TitleBar)
        line = bar.render().plain
        assert line.startswith(" ≡ ") and line.strip().endswith("ctl — timeline")
        assert line.index("ctl") == (SIZE[0] - 8 - 10 - len("ctl — timeline")) // 2 + 8  # centred as Header
        await pilot.click(TitleBar, offset=(20, 0))  # the title itself does nothing
        await pilot.pause()
        assert app.screen is app.main
        await pilot.click(TitleBar, offset=(1, 0))
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


@sync
async def test_aggregates_view_switches_measure(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AggregatesScreen)
        text = plain(screen.query_one("#aggregates", Static))
        assert "Q1 2024 Security Report" in text and "█" in text and "~220" in text
        await pilot.press("m")
        await settle(pilot)
        assert screen.measure == "injuries"
        assert "1,463" in plain(screen.query_one("#aggregates", Static))
        await pilot.press("escape")
        assert app.screen is app.main


# -- the figures view: reported figures beside imported events, and the main screen's filter


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seeds with tests/import_fixtures/acled_q1_2024.csv imported (ACLED events of 2024-Q1)."""
    return imported_copy(tmp_path_factory.mktemp("imported"))


async def open_figures(pilot: Pilot) -> AggregatesScreen:
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AggregatesScreen)
    return screen


@sync
async def test_figures_show_the_imported_events_beside_each_reported_count(
    imported: tuple[Path, Path],
) -> None:
    app = make_app(imported)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_figures(pilot)
        text = plain(screen.query_one("#aggregates", Static))
        headings = [line.split() for line in text.splitlines() if line.startswith("REGION")]
        assert headings and all(h[-4:] == ["REPORTED", "DERIVED", "SHARE", "ACLED"] for h in headings)
        q1 = text[text.index("2024-Q1") :]
        rows = {line.split("  ")[0]: line for line in q1.splitlines()[2:7]}
        # reported (or derived) / the ACLED events' deaths, as `ctl stats --compare` computes them
        assert rows["Pakistan"].split()[1:4] == ["≥432", "150", "×2.88"]
        assert rows["Khyber Pakhtunkhwa"].split()[2:6] == ["~220", "51%", "110", "×2.00"]
        assert rows["Balochistan"].split()[1:5] == ["~177", "41%", "40", "×4.43"]
        # a remainder region holds no events: 0, and no ratio
        assert rows["Pakistan outside KP and Balochistan"].split()[5:8] == ["~35", "<8%", "0"]
        # a subgroup's figure is not compared: blank
        subgroup = next(line for line in q1.splitlines() if "civilians" in line)
        assert "×" not in subgroup and subgroup.split()[2:4] == ["281", "~65%"]
        assert "ACLED: the dataset's events in the region" in text
        await pilot.press("m")  # injuries: ACLED gives none for these events
        await settle(pilot)
        text = plain(screen.query_one("#aggregates", Static))
        assert "≥370" in text and text[text.index("≥370") :].split()[1] == "?"


@sync
async def test_figures_without_imports_have_no_comparison_column(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_figures(pilot)
        text = plain(screen.query_one("#aggregates", Static))
        assert screen.comparisons == {}
        assert "ACLED" not in text and "×" not in text and "ctl stats --compare" not in text
        assert screen.sub_title == "regional figures"


@sync
async def test_figures_follow_the_region_and_date_terms_of_the_filter(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_filter(pilot, "region:KP 2024 group:TTP")
        screen = await open_figures(pilot)
        assert screen.sub_title == "figures for region:KP date:2024 (group:TTP does not apply)"
        text = plain(screen.query_one("#aggregates", Static))
        assert "Figures for region:KP date:2024 (group:TTP does not apply)." in text
        assert [r.period_label for r in screen.reports or []] == ["2024-Q1"]
        assert {f.region for r in screen.reports or [] for f in r.figures} == {"Khyber Pakhtunkhwa"}
        assert "~220" in text and "Balochistan" not in text and "1,524" not in text
        await pilot.press("m")  # no injuries figure for KP: says so, with the filter
        await settle(pilot)
        assert "No figures for injuries match region:KP date:2024." in plain(
            screen.query_one("#aggregates", Static)
        )
        await pilot.press("escape")
        await type_filter(pilot, "2023 type:attack -region:Balochistan")
        screen = await open_figures(pilot)
        assert screen.sub_title == "figures for date:2023 -region:Balochistan (type:attack does not apply)"
        assert [r.period_label for r in screen.reports or []] == ["2023"]
        await pilot.press("escape")
        await type_filter(pilot, "dialogue statement")  # nothing that applies: every figure
        screen = await open_figures(pilot)
        assert screen.sub_title == "all figures (type:dialogue type:statement do not apply)"
        assert [r.period_label for r in screen.reports or []] == ["2023", "2024-Q1"]


@sync
async def test_filtered_figures_keep_their_comparisons(imported: tuple[Path, Path]) -> None:
    app = make_app(imported, "region:Balochistan since:2024-02")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_figures(pilot)
        assert screen.sub_title == "figures for region:Balochistan since:2024-02"
        assert [(f.region, f.value) for r in screen.reports or [] for f in r.figures] == [
            ("Balochistan", 177)
        ]
        [rows] = screen.comparisons.values()
        assert [(c["dataset"], c["event_value"], c["ratio"]) for c in rows] == [("acled", 40, 4.43)]
        assert "40 ×4.43" in plain(screen.query_one("#aggregates", Static))


def test_comparisons_are_the_statistic_vs_events_view(imported: tuple[Path, Path]) -> None:
    """Store.comparisons, for every measure and a filter, against the view read here on its own."""
    _, db = imported
    store = Store.open(db)
    try:
        for measure in [*store.measures(), "attacks"]:
            expected: dict[tuple, list[tuple]] = {}
            for report, period, region, subgroup, *rest in store._all(
                "SELECT report, period_label, coalesce(region_name, region), subgroup, dataset, events, "
                "event_low, event_value, event_high, events_unknown, ratio FROM statistic_vs_events "
                "WHERE measure = ? ORDER BY dataset",
                [measure],
            ):
                expected.setdefault((report, period, region, subgroup), []).append(tuple(rest))
            found = store.comparisons(measure)
            assert {k: [tuple(c.values()) for c in v] for k, v in found.items()} == expected
            # every comparison belongs to a figure the view shows, and compares its value
            shown = {
                (r.report, r.period_label, f.region, f.subgroup): f.value
                for r in store.aggregates(measure)
                for f in r.figures
            }
            for key, rows in found.items():
                assert key in shown
                for c in rows:
                    if c["ratio"] is not None:
                        # two decimals, rounded half away from zero by DuckDB (177 / 40 gives 4.43)
                        assert c["ratio"] == pytest.approx(shown[key] / c["event_value"], abs=0.0051)
        q1 = ("report-crss-q1-2024", "2024-Q1")
        fatalities = store.comparisons("fatalities")
        assert [
            (c["events"], c["event_value"], c["events_unknown"], c["ratio"])
            for c in fatalities[(*q1, "Khyber Pakhtunkhwa", "all")]
        ] == [(3, 110, 1, 2.0)]
        assert fatalities[(*q1, "Pakistan", "all")][0]["ratio"] == 2.88
        # under a filter: the figures and comparisons `ctl stats` and `ctl stats --compare` give for it
        terms = tuple(compile_query("region:KP 2024").terms)
        stat_terms = parse("region:KP 2024", "aggregates")
        assert list(store.comparisons("fatalities", terms)) == [(*q1, "Khyber Pakhtunkhwa", "all")]
        compared = reports.compare(store._con, [*stat_terms, Term("measure", "fatalities")]).records()
        assert [(r["region_name"], r["event_value"]) for r in compared] == [("Khyber Pakhtunkhwa", 110)]
        listed = reports.stats(store._con, [*stat_terms, Term("measure", "fatalities")]).records()
        assert sorted((r["region_name"], r["subgroup"], r["value"]) for r in listed) == sorted(
            (f.region, f.subgroup, f.value) for r in store.aggregates("fatalities", terms) for f in r.figures
        )
    finally:
        store.close()


def test_without_imports_there_are_no_comparisons(built_db: Path) -> None:
    store = Store.open(built_db)
    try:
        assert store.comparisons("fatalities") == {}
        assert store._all("SELECT count(*) FROM statistic_vs_events") == [(0,)]
    finally:
        store.close()


@sync
async def test_edit_opens_the_editor_at_the_seed_line(
    seeded: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    monkeypatch.setenv("EDITOR", "myeditor --wait")
    monkeypatch.setattr(app_module.subprocess, "run", lambda cmd, check: calls.append(cmd))
    app = make_app(seeded, "group:Daesh")
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
    assert calls == [["myeditor", "--wait", "+92", str(seeded[0].resolve() / "events.toml")]]


@sync
async def test_reload_keeps_the_selection(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "down")
        await settle(pilot)
        chosen = app.main.selected_id
        old_store = app.store
        await pilot.press("r")
        await settle(pilot)
        assert app.store is not old_store and old_store is not None and old_store.closed
        assert app.main.selected_id == chosen
        assert app.main.table.cursor == 3


def _touch_later(path: Path) -> None:
    """Make a seed edit visible to a watcher that compares mtimes, even within one clock tick."""
    stamp = time.time_ns() + 2_000_000_000
    os.utime(path, ns=(stamp, stamp))


@sync
async def test_watch_rebuilds_reloads_and_survives_broken_seeds(tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path)
    db = tmp_path / "db" / "ctl.duckdb"
    assert rebuild(seeds, db).ok
    app = make_app((seeds, db), watch=True)
    events = seeds / "events.toml"
    good = events.read_text(encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        assert app.main.selected_id == "2024-05-joint-statement"
        events.write_text(
            good + '\n[[event]]\nid = "2021-01-extra"\ntitle = "An earlier event"\ntype = "other"\n'
            'date = 2021-01-05\nregion = "pakistan"\nsources = ["news-unsigned-2024-w20"]\n'
            'summary = "Added while the browser runs."\n',
            encoding="utf-8",
        )
        _touch_later(events)
        await _wait_for(pilot, lambda: app.main.table.count == 9)
        await settle(pilot)
        assert ids(app)[0] == "2021-01-extra"
        assert app.main.selected_id == "2024-05-joint-statement"  # kept across the reload
        assert app.main.table.cursor == 8

        events.write_text(good + BROKEN_EVENT, encoding="utf-8")
        _touch_later(events)
        await _wait_for(pilot, lambda: isinstance(app.screen, ErrorScreen))
        screen = app.screen
        assert isinstance(screen, ErrorScreen) and screen.has_data
        assert any(d.path.endswith("events.toml") for d in screen.diagnostics)
        await pilot.press("escape")
        assert app.screen is app.main
        assert app.main.table.count == 9  # the last good data

        events.write_text(good, encoding="utf-8")
        _touch_later(events)
        await _wait_for(pilot, lambda: app.main.table.count == 8)
        assert not isinstance(app.screen, ErrorScreen)


async def _wait_for(pilot: Pilot, condition: Callable[[], bool], limit: float = 15.0) -> None:
    waited = 0.0
    while not condition():
        assert waited < limit, "timed out"
        await pilot.pause(0.05)
        waited += 0.05
    await settle(pilot)


@sync
async def test_first_run_builds_with_a_visible_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = record_status(monkeypatch)
    db = tmp_path / "new" / "ctl.duckdb"
    app = make_app((copy_seeds(tmp_path), db))
    async with app.run_test(size=SIZE) as pilot:
        await _wait_for(pilot, lambda: app.main.table.count == 8)
        assert db.exists()
    assert shown and shown[0].startswith("Building the database ")
    assert shown[0].endswith("ctl.duckdb from seeds …") or "seeds" in shown[0]


@sync
async def test_broken_seeds_without_a_database_show_errors_not_a_crash(tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path)
    (seeds / "events.toml").write_text(
        (seeds / "events.toml").read_text(encoding="utf-8") + BROKEN_EVENT, encoding="utf-8"
    )
    app = make_app((seeds, tmp_path / "ctl.duckdb"))
    async with app.run_test(size=SIZE) as pilot:
        await _wait_for(pilot, lambda: isinstance(app.screen, ErrorScreen))
        screen = app.screen
        assert isinstance(screen, ErrorScreen) and not screen.has_data
        await pilot.press("escape")  # nothing to go back to
        assert app.screen is screen
        assert app.store is None


@sync
async def test_the_table_fetches_only_visible_pages_at_scale(tmp_path: Path) -> None:
    db = build_synthetic(tmp_path / "big.duckdb", 100_000)
    app = make_app((tmp_path / "seeds", db))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.main.table
        assert table.count == 100_000
        assert table.cached_pages == [0]
        await pilot.press("end")
        await settle(pilot)
        assert table.cursor == 99_999
        assert table.selected is not None
        assert len(table.cached_pages) <= CACHE_PAGES
        assert max(table.cached_pages) == 99_999 // PAGE_SIZE
        await type_filter(pilot, "group:TTP 2010")
        assert 0 < table.count < 100_000


@sync
async def test_the_scrollbar_follows_each_new_count(tmp_path: Path) -> None:
    """A new count sets the table's height in rows and the scrollbar's thumb without a layout of the
    screen (EventTable._set_virtual_height); the scrollbar still comes and goes as a result stops or
    starts fitting the view, and the last row can still be reached."""
    db = build_synthetic(tmp_path / "big.duckdb", 60_000)
    app = make_app((tmp_path / "seeds", db))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.main.table
        bar = table.vertical_scrollbar
        assert table.show_vertical_scrollbar and bar.window_virtual_size == table.count + 1 == 60_001
        for text in ("group:TTP 2010", "2011-03-01", "2012", "2011-03-02", ""):
            await type_filter(pilot, text)
            await pilot.pause()
            assert table.virtual_size.height == table.count + 1
            fits = table.count + 1 <= table.scrollable_content_region.height
            assert table.show_vertical_scrollbar is not fits, text
            if not fits:
                assert bar.window_virtual_size == table.count + 1, text
                assert (
                    table.max_scroll_y == table.virtual_size.height - table.scrollable_content_region.height
                )
                await pilot.press("end")
                await settle(pilot)
                assert table.cursor == table.count - 1 and table.selected is not None
                assert table.scroll_y == table.max_scroll_y, text
        # At once, before anything else lays the screen out: the thumb already has the new count,
        # and only a scrollbar that comes or goes asks for a layout.
        await settle(pilot)
        view = table.scrollable_content_region.height
        for count, layout in ((50_000, False), (3, True), (view - 2, False), (70_000, True)):
            table.reset(count)
            assert table.virtual_size.height == count + 1
            assert table._layout_required is layout, count
            if not layout and count + 1 > view:  # a hidden scrollbar has no thumb to update
                assert bar.window_virtual_size == count + 1
            await settle(pilot)
            assert table.show_vertical_scrollbar is (count + 1 > view)


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
@sync
async def test_the_first_frame_keeps_the_panes_places(
    seeded: tuple[Path, Path], size: tuple[int, int]
) -> None:
    """Before the panes are mounted (just after the first frame) the table already has the place it
    keeps after: no jump when the facets, detail and footer come."""
    regions = []
    for mounted in (False, True):
        app = make_app(seeded)
        if not mounted:
            app_module.MainScreen._mount_panes, kept = _no_panes, app_module.MainScreen._mount_panes
        try:
            async with app.run_test(size=size) as pilot:
                await settle(pilot)
                table = app.main.table
                regions.append((table.region, table.scrollable_content_region))
                assert bool(app.main.query("#facets")) is mounted
        finally:
            if not mounted:
                app_module.MainScreen._mount_panes = kept
    assert regions[0] == regions[1]


async def _no_panes(self: MainScreen) -> None:
    return None


@sync
async def test_q_quits(seeded: tuple[Path, Path]) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
