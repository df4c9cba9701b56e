"""The TUI's data layer (ctl/tui/data.py) and filter edits (ctl/tui/filtertext.py), without Textual.

The table must show what `ctl timeline` prints, for every filter key; facets must count what the
filter they add would match; the detail must carry every field, the titles held at the event's date
and every source; and the queries must stay quick at scale.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from ctl import reports
from ctl.dates import parse_period
from ctl.db import rebuild
from ctl.filters import FilterError
from ctl.tui import filtertext
from ctl.tui.data import Store, StoreClosed, compile_query, display_path, locate_seed

sys.path.insert(0, str(Path(__file__).parent / "tui_apps"))
from synthetic import build_synthetic

MAY_2024 = "2024-05-pk-us-ct-dialogue"
MARCH_2023 = "2023-03-pk-us-ct-dialogue"

FILTERS = [
    "",
    "group:TTP",
    "group:Daesh",
    "group:Khorasan",
    'actor:"Elizabeth Richard"',
    "actor:US -type:statement",
    "region:Pakistan",
    "region:Washington",
    "dialogue",
    "type:statement type:truce",
    "2024-05",
    "since:2024 until:2024-04",
    "date:2023..2024",
    "search:dialogue",
    "truce",
    "source:news-hussain-2023-03-08",
    f"id:{MAY_2024}",
    "group:TTP -group:ISIS-K",
    "group:nothing-like-this",
]


@pytest.fixture
def store(built_db: Path):
    s = Store.open(built_db)
    yield s
    s.close()


def ctl_timeline(store: Store, text: str) -> list[dict]:
    """What `ctl timeline` prints for a filter, read through the store's own connection (a second
    connection to the file in one process would have to share its configuration)."""
    return reports.timeline(store._con, list(compile_query(text).terms)).records()


@pytest.mark.parametrize("text", FILTERS)
def test_rows_and_counts_are_what_ctl_timeline_shows(store: Store, text: str) -> None:
    q = compile_query(text)
    expected = ctl_timeline(store, text)
    counts = store.counts(q)
    assert counts.matched == len(expected)
    assert counts.total == 8
    rows = store.rows(q, 0, 100)
    assert [r.id for r in rows] == [e["id"] for e in expected]
    for row, e in zip(rows, expected, strict=True):
        assert (row.date_label, row.type, row.title, row.source_count) == (
            e["date_label"],
            e["type"],
            e["title"],
            e["source_count"],
        )
        assert (list(row.groups), list(row.actors)) == (list(e["groups"]), list(e["actors"]))


def test_date_labels_keep_their_precision(store: Store) -> None:
    labels = {r.id: r.date_label for r in store.rows(compile_query(""), 0, 100)}
    assert labels["2022-11-ttp-truce-ends"] == "2022-11"
    assert labels[MARCH_2023] == "2023-03-06..2023-03-07"
    assert labels[MAY_2024] == "2024-05-10"


def test_pages_are_windows_of_one_order(store: Store) -> None:
    q = compile_query("")
    everything = [r.id for r in store.rows(q, 0, 100)]
    assert [r.id for r in store.rows(q, 2, 3)] == everything[2:5]
    assert store.rows(q, 50, 10) == []
    assert store.counts(q).date_width == len("2023-03-06..2023-03-07")


def test_position_finds_an_event_under_a_filter(store: Store) -> None:
    everything = [r.id for r in store.rows(compile_query(""), 0, 100)]
    for i, eid in enumerate(everything):
        assert store.position(compile_query(""), eid) == i
    assert store.position(compile_query("group:Daesh"), MAY_2024) == 0
    assert store.position(compile_query("group:Daesh"), MARCH_2023) is None


def test_daesh_finds_may_2024_not_march_2023(store: Store) -> None:
    ids = [r.id for r in store.rows(compile_query("group:Daesh"), 0, 100)]
    assert MAY_2024 in ids
    assert MARCH_2023 not in ids


def test_detail_has_every_field_titles_at_the_date_and_all_sources(store: Store) -> None:
    d = store.detail(MAY_2024)
    assert d is not None
    assert (d.title, d.type, d.date_label, d.location, d.region_name) == (
        "Pakistan-US Counterterrorism Dialogue in Washington",
        "dialogue",
        "2024-05-10",
        "Washington, D.C.",
        "Washington, D.C.",
    )
    assert d.groups == ("TTP", "ISIS-K")
    chairs = {a.actor: (a.role, a.honorific, a.title) for a in d.actors if a.role == "co-chair"}
    assert chairs == {
        "Syed Haider Shah": ("co-chair", "Ambassador", "Additional Foreign Secretary for the UN and OIC"),
        "Elizabeth Richard": ("co-chair", "Ambassador", "Coordinator for Counterterrorism"),
    }
    assert [s.id for s in d.sources] == [
        "news-baabar-2024-05-14",
        "news-unsigned-2024-w20",
        "news-agencies-2024-w20",
        "news-webdesk-2024-05-13",
    ]
    baabar = d.sources[0]
    assert (baabar.title, baabar.byline, baabar.published, baabar.outlet) == (
        "Pakistan, US commit to detect, deter violent extremism",
        "Mariana Baabar",
        "2024-05-14",
        None,
    )
    assert d.sources[1].published == "2024-W20"
    assert (display_path(d.file, Path("seeds")), d.line) == ("seeds/events.toml", 92)


def test_detail_of_march_2023_has_the_title_shah_held_then(store: Store) -> None:
    d = store.detail(MARCH_2023)
    assert d is not None
    shah = next(a for a in d.actors if a.actor == "Syed Haider Shah")
    assert shah.title == "Additional Secretary for the UN and Economic Diplomacy"
    assert store.detail("no-such-event") is None


def test_facets_count_over_the_filter_and_mark_what_it_selects(store: Store) -> None:
    f = store.facets(compile_query("group:Daesh"))
    groups = {x.value: (x.count, x.active) for x in f.sections["group"]}
    assert groups == {"ISIS-K": (2, True), "TTP": (2, False)}
    assert f.term_ids == {0: frozenset({"isis-k"})}
    types = {x.value: x.count for x in f.sections["type"]}
    assert types == {"dialogue": 1, "statement": 1}
    assert [(x.value, x.count) for x in f.sections["date"]] == [("2024", 2)]


def test_facet_counts_agree_with_the_filter_they_add(store: Store) -> None:
    """Toggling a facet on must give the count it showed: regions count sub-regions, years overlap."""
    f = store.facets(compile_query(""))
    for key in ("group", "actor", "type", "region", "date"):
        for facet in f.sections[key]:
            text = filtertext.toggle("", facet.key, facet.value, set())
            assert store.counts(compile_query(text)).matched == facet.count, (key, facet.value)


def test_selected_facets_stay_listed_with_zero(store: Store) -> None:
    f = store.facets(compile_query("group:TTP type:training"))
    assert ("training", 0, True) in [(x.value, x.count, x.active) for x in f.sections["type"]]
    assert ("TTP", 0, True) in [(x.value, x.count, x.active) for x in f.sections["group"]]


def test_density_counts_months_with_gaps(store: Store) -> None:
    months = store.density(compile_query(""))
    assert months[0] == ("2022-11", 1)
    assert months[-1][0] == "2024-05"
    assert len(months) == 19  # 2022-11 .. 2024-05, empty months included
    assert sum(n for _, n in months) == 8
    assert store.density(compile_query("group:nothing-like-this")) == []


def test_aggregates_put_reported_and_derived_side_by_side(store: Store) -> None:
    assert store.measures()[:3] == ["fatalities", "injuries", "incidents"]
    reports = store.aggregates("fatalities")
    q1 = next(r for r in reports if r.period_label == "2024-Q1")
    assert q1.title == "Q1 2024 Security Report (Centre for Research and Security Studies)"
    kp = next(f for f in q1.figures if f.region == "Khyber Pakhtunkhwa")
    assert (kp.value, kp.value_basis, kp.share_pct, kp.share_basis) == (220, "derived", 51, "reported")
    pk = next(f for f in q1.figures if f.region == "Pakistan" and f.subgroup == "all")
    assert (pk.value, pk.value_basis, pk.qualifier) == (432, "reported", "at_least")


def test_a_bad_filter_is_a_filter_error_with_a_column() -> None:
    with pytest.raises(FilterError) as exc:
        compile_query("group:TTP grop:x")
    assert exc.value.col == 11


def test_close_waits_for_calls_in_flight_and_refuses_new_ones(built_db: Path) -> None:
    s = Store.open(built_db)
    with s._cursor():
        t = threading.Thread(target=s.close)
        t.start()
        time.sleep(0.05)
        assert t.is_alive()  # still waiting for the cursor above
    t.join(5)
    assert not t.is_alive()
    with pytest.raises(StoreClosed):
        s.counts(compile_query(""))


def test_interrupt_stops_the_queries_of_a_tag(store: Store) -> None:
    import duckdb

    outcome: list[object] = []

    def slow() -> None:
        with store.tagged("facets"):
            try:
                store._all("SELECT sum(hash(a.range * b.range)) FROM range(200000) a, range(50000) b")
                outcome.append("finished")
            except duckdb.InterruptException as exc:
                outcome.append(exc)

    t = threading.Thread(target=slow)
    started = time.perf_counter()
    t.start()
    time.sleep(0.2)
    store.interrupt("counts")  # another tag: untouched
    store.interrupt("facets")
    t.join(10)
    assert isinstance(outcome[0], duckdb.InterruptException)
    assert time.perf_counter() - started < 5
    assert store.counts(compile_query("")).total == 8  # the store is still usable


def test_reopening_after_a_rebuild_sees_the_new_file(tmp_path: Path, seeds_dir: Path) -> None:
    """DuckDB serves a replaced file's old contents to a process until all its connections close."""
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    db = tmp_path / "ctl.duckdb"
    assert rebuild(seeds, db).ok
    s = Store.open(db)
    assert s.total() == 8
    events = seeds / "events.toml"
    events.write_text(
        events.read_text(encoding="utf-8")
        + '\n[[event]]\nid = "2024-06-extra"\ntitle = "Extra"\ntype = "other"\ndate = 2024-06-01\n'
        'region = "pakistan"\nsources = ["news-unsigned-2024-w20"]\nsummary = "An added event."\n',
        encoding="utf-8",
    )
    assert rebuild(seeds, db).ok
    s.close()
    s2 = Store.open(db)
    try:
        assert s2.total() == 9
    finally:
        s2.close()


def test_paths_are_shown_relative_to_the_seeds_folder(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "events.toml").write_text("", encoding="utf-8")
    assert display_path(str(seeds / "events.toml"), seeds) == "seeds/events.toml"
    assert display_path("seeds/events.toml", seeds) == "seeds/events.toml"
    assert display_path("/elsewhere/x.toml", seeds) == "/elsewhere/x.toml"
    assert locate_seed("seeds/events.toml", seeds) == seeds.resolve() / "events.toml"


def test_the_data_layer_does_not_import_textual() -> None:
    code = (
        "import sys, ctl.tui.data, ctl.tui.filtertext; "
        "sys.exit(1 if any(m.split('.')[0] == 'textual' for m in sys.modules) else 0)"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0


# -- filter text edits ----------------------------------------------------------------------------


def test_toggle_adds_and_removes_terms() -> None:
    assert filtertext.toggle("", "group", "TTP", set()) == "group:TTP"
    assert (
        filtertext.toggle("dialogue", "actor", "Elizabeth Richard", set())
        == 'dialogue actor:"Elizabeth Richard"'
    )
    assert filtertext.toggle("group:Daesh dialogue", "group", "ISIS-K", {0}) == "type:dialogue"


@pytest.mark.parametrize(
    ("text", "direction", "expected"),
    [
        ("group:TTP 2024", 1, "group:TTP date:2025"),
        ("date:2024-Q4", 1, "date:2025-Q1"),
        ("2024-01", -1, "date:2023-12"),
        ("2024-05-10", -1, "date:2024-05-09"),
        ("2023..2024", 1, "date:2025..2026"),
        ("2024-W20", 1, "date:2024-W21"),
        ("group:TTP", 1, "group:TTP"),  # nothing to step
    ],
)
def test_step_moves_the_date_filter(text: str, direction: int, expected: str) -> None:
    assert filtertext.step(text, direction) == expected


@pytest.mark.parametrize(
    ("text", "finer", "anchor", "expected"),
    [
        ("group:TTP", True, date(2024, 5, 10), "group:TTP date:2024"),
        ("2024", True, date(2024, 5, 10), "date:2024-Q2"),
        ("2024-Q2", True, date(2024, 5, 10), "date:2024-05"),
        ("2024-05", True, None, "2024-05"),  # month is the finest
        ("2024-05", False, None, "date:2024-Q2"),
        ("2024-Q2", False, None, "date:2024"),
        ("group:TTP 2024", False, None, "group:TTP"),
        ("2024", True, date(2019, 1, 1), "date:2024-Q1"),  # an anchor outside the period: its start
        ("group:TTP", True, None, "group:TTP"),
    ],
)
def test_zoom_changes_the_period_size(text: str, finer: bool, anchor: date | None, expected: str) -> None:
    assert filtertext.zoom(text, finer, anchor) == expected


def test_period_of_and_unit_of_agree() -> None:
    for unit in filtertext.STEPS:
        p = filtertext.period_of(date(2024, 5, 10), unit)
        assert filtertext.unit_of(p) == unit
        assert parse_period(p.label()) == p


# -- scale ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_queries_stay_fast_at_scale(tmp_path: Path) -> None:
    """200,000 synthetic events: every call the screen makes returns well within a second."""
    db = build_synthetic(tmp_path / "big.duckdb", 200_000)
    s = Store.open(db)
    try:
        for text in ("", "group:TTP", 'actor:"Actor 3" 2010', "number 5"):
            q = compile_query(text)
            for name, args in (
                ("counts", ()),
                ("rows", (0, 100)),
                ("rows", (50_000, 100)),
                ("facets", ()),
                ("density", ()),
            ):
                t0 = time.perf_counter()
                getattr(s, name)(q, *args)
                assert time.perf_counter() - t0 < 2.0, (text, name)
        assert s.position(compile_query(""), "ev-00100000") is not None
        assert s.detail("ev-00100000") is not None
    finally:
        s.close()
