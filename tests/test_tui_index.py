"""The TUI's queries read `event_index` directly (ctl/tui/data.py), for speed at a million events.

Every answer they give must be the one the public `timeline` view gives: these tests put the same
question to both, on the bundled seeds plus every import fixture (curated and imported events, names
resolved and unresolved, places with and without a region), for filters of every key, negated,
combined and alternated. The reference queries below are written against the view, the plain way.
"""

from __future__ import annotations

import pytest

from ctl.filters import compile_terms, parse
from ctl.tui.data import ORDER, Store, compile_query
from tests.import_fixtures.support import Project, make_project

IMPORTS = [
    ("acled", "acled_31col.csv"),
    ("acled", "acled_subset.csv"),
    ("ucdp", "ucdp_current.csv"),
    ("auto", "ucdp_old.csv"),
    ("gtd", "gtd.csv"),
    ("auto", "gtd_latin1.csv"),
]

FILTERS = [
    "",
    "group:TTP",
    "group:Daesh",
    "group:IS",
    "-group:TTP",
    "group:TTP group:ISIS-K",
    "group:Khorasan",
    "actor:Protesters",
    'actor:"Police Forces of Pakistan (2018-)"',
    'actor:"Christopher Landberg"',
    "-actor:Civilians",
    "actor:Frontier",
    "region:KP",
    "region:Balochistan",
    "region:FATA",
    "-region:KP",
    "region:Pakistan",
    "region:KP region:Sindh",
    "type:attack",
    "-type:attack",
    "dialogue",
    "dataset:acled",
    "dataset:ucdp",
    "dataset:gtd",
    "dataset:curated",
    "-dataset:curated",
    "2024",
    "2023-03",
    "2010..2020",
    "since:2024-01-01",
    "until:2015",
    "search:Peshawar",
    "Quetta",
    "group:TTP region:KP 2024",
    "group:TTP -region:KP",
    "-group:TTP -actor:Civilians region:Balochistan",
    "group:nothing-like-this",
    "source:Dawn",  # alone, first or last in a `;` list (ACLED, UCDP), and in curated events' lists
    'source:"The News (Pakistan)"',
    'source:"Invented Wire"',  # trimmed, as the view's lists are
    "-source:Dawn",
    "source:news-unsigned-2024-w20",  # a curated event's source id
    "source:Daw",  # a part of a name is no match
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = make_project(tmp_path_factory.mktemp("tui-index"))
    for fmt, name in IMPORTS:
        result = project.import_(fmt, name)
        assert result.exit_code == 0, result.output
    return project


@pytest.fixture(scope="module")
def store(project: Project):
    s = Store.open(project.db)
    yield s
    s.close()


@pytest.fixture(scope="module")
def view(store: Store):
    """A cursor of the store's own connection: one process opens a database file with one
    configuration only."""
    con = store._con.cursor()
    yield con
    con.close()


def on_view(con, text: str, template: str) -> list[tuple]:
    where, params = compile_terms(parse(text), "timeline")
    return con.execute(template.format(where=where), params).fetchall()


def test_the_fixtures_give_a_mixed_database(view) -> None:
    """The comparisons below mean something only if both kinds of events, and names of both kinds,
    are there."""
    [(curated, imported, unresolved, unplaced)] = view.execute(
        "SELECT count(*) FILTER (WHERE dataset = 'curated'), count(*) FILTER (WHERE dataset <> 'curated'), "
        "count(*) FILTER (WHERE len(unresolved) > 0), count(*) FILTER (WHERE region IS NULL) FROM timeline"
    ).fetchall()
    assert curated == 8 and imported >= 15 and unresolved > 0 and unplaced > 0


def test_imported_sources_read_as_lists(view) -> None:
    """ACLED and UCDP rows keep their sources as written (`source_text`); the view splits them as the
    import would have, so `source:` finds a name alone, first or last in a `;` list, trimmed."""
    found = dict(
        view.execute(
            "SELECT dataset_id, sources FROM timeline WHERE dataset IN ('acled', 'ucdp') AND len(sources) > 1"
        ).fetchall()
    )
    assert found == {
        "PAK1001": ["Dawn", "The News (Pakistan)"],
        "502": ["Dawn", "AFP"],
        "9001": ["Dawn", "The Nation"],
    }
    counts = {
        text: len(on_view(view, text, "SELECT t.id FROM timeline t WHERE {where}"))
        for text in (
            "source:Dawn",
            'source:"The News (Pakistan)"',
            "source:Daw",
            "source:news-unsigned-2024-w20",
        )
    }
    assert counts == {
        "source:Dawn": 7,  # 3 ACLED rows, 2 of each UCDP file
        'source:"The News (Pakistan)"': 1,
        "source:Daw": 0,
        "source:news-unsigned-2024-w20": 6,  # 6 of the 8 curated events cite it
    }


@pytest.mark.parametrize("text", FILTERS)
def test_counts_and_pages_are_the_timeline_views(store: Store, view, text: str) -> None:
    q = compile_query(text)
    expected = on_view(
        view,
        text,
        "SELECT t.id, t.date_label, t.type, t.title, t.groups, t.actors, t.source_count "
        f"FROM timeline t WHERE {{where}} ORDER BY {ORDER}",
    )
    rows = store.rows(q, 0, 10_000)
    assert [
        (r.id, r.date_label, r.type, r.title, list(r.groups), list(r.actors), r.source_count) for r in rows
    ] == [tuple(e) for e in expected]
    assert store.counts(q).matched == len(expected)
    assert [r.id for r in store.rows(q, 3, 4)] == [e[0] for e in expected[3:7]]
    ids = [e[0] for e in expected]
    check_pages(store, q, ids, 4)
    outside = view.execute("SELECT id FROM timeline ORDER BY id").fetchall()
    for (eid,) in outside:
        if eid not in ids:
            assert store.counts_and_position(q, eid) == (store.counts(q), None)
    assert store.counts_and_position(q, "no-such-event") == (store.counts(q), None)


def check_pages(store: Store, q, ids: list[str], size: int) -> None:
    """Every way `rows` reads a page gives the slice of `ids` (the filter's events in order)."""
    for i, eid in enumerate(ids):
        counts, position = store.counts_and_position(q, eid)
        assert (counts.matched, position) == (len(ids), i)
        # pages around the event just found, read by keyset from it, before, across and after it
        for offset in {max(i - 3, 0), i, i + 1}:
            assert [r.id for r in store.rows(q, offset, size)] == ids[offset : offset + size], (i, offset)
    # pages from the start, and in the back half from the end, with no anchor (a fresh store)
    fresh = Store(store._con)
    fresh.WINDOWS_FROM = store.WINDOWS_FROM
    assert fresh.counts(q).matched == len(ids)
    for offset in range(len(ids) + 2):
        assert [r.id for r in fresh.rows(q, offset, size)] == ids[offset : offset + size], offset


@pytest.mark.parametrize("text", ["", "-dataset:curated", "since:2000", "-type:statement", "until:2030"])
def test_pages_read_in_date_windows_are_the_same(store: Store, view, text: str) -> None:
    """Store._windowed, which a large database turns on, on these few events: windows of dates
    small enough to miss part of a page, so every path (a window that holds the page, a wider one,
    none) runs."""
    q = compile_query(text)
    ids = [e[0] for e in on_view(view, text, f"SELECT t.id FROM timeline t WHERE {{where}} ORDER BY {ORDER}")]
    assert len(ids) >= 16
    reads: list[tuple[bool, bool]] = []  # (in a window, the window held the page)

    class Recorded(Store):
        WINDOWS_FROM = 0
        WINDOW_SLACK = 1  # windows just wide enough on average: some miss

        def _page(self, q, side, key, limit, offset=0, bound=None):
            rows = super()._page(q, side, key, limit, offset, bound)
            reads.append((bound is not None, len(rows) == limit))
            return rows

    windowed = Recorded(store._con)
    assert windowed._date_marks()  # the quantiles of the start dates
    check_pages(windowed, q, ids, 1)
    check_pages(windowed, q, ids, 3)
    assert (True, True) in reads and (True, False) in reads  # windows that held the page, and some not


# The facet counts, the plain way: each event's names from the view, one row per event and name.
REFERENCE_FACETS = {
    "group": "SELECT g.id, g.name, count(*) FROM (SELECT unnest(list_distinct(t.group_ids)) AS gid "
    "FROM timeline t WHERE {where}) x JOIN groups g ON g.id = x.gid GROUP BY ALL",
    "actor": "SELECT a.id, a.name, count(*) FROM (SELECT unnest(list_distinct(t.actor_ids)) AS aid "
    "FROM timeline t WHERE {where}) x JOIN actors a ON a.id = x.aid GROUP BY ALL",
    "type": "SELECT t.type, t.type, count(*) FROM timeline t WHERE {where} GROUP BY ALL",
    "dataset": "SELECT t.dataset, t.dataset, count(*) FROM timeline t WHERE {where} GROUP BY ALL",
    "region": "SELECT r.id, r.name, count(*) FROM timeline t "
    "JOIN region_tree rt ON rt.region_id = t.region JOIN regions r ON r.id = rt.ancestor_id "
    "WHERE {where} GROUP BY ALL",
    "date": "SELECT y::VARCHAR, y::VARCHAR, count(*) FROM (SELECT unnest(range(year(t.date_start), "
    "year(t.date_end) + 1)) AS y FROM timeline t WHERE {where}) GROUP BY ALL",
}


@pytest.mark.parametrize("text", FILTERS)
def test_facets_and_density_are_the_timeline_views(store: Store, view, text: str) -> None:
    q = compile_query(text)
    for key, sql in REFERENCE_FACETS.items():
        assert sorted(store._filtered(q, store.FACET_SQL[key])) == sorted(on_view(view, text, sql)), key
    months = on_view(
        view,
        text,
        "SELECT strftime(t.date_start, '%Y-%m') AS m, count(*) FROM timeline t WHERE {where} GROUP BY m",
    )
    assert {m: n for m, n in store.density(q) if n} == dict(months)


def test_the_datasets_are_a_facet_when_there_are_several(store: Store) -> None:
    sections = store.facets(compile_query("")).sections
    datasets = {f.value: f.count for f in sections["dataset"]}
    assert set(datasets) == {"curated", "acled", "ucdp", "gtd"} and datasets["curated"] == 8
    chosen = store.facets(compile_query("dataset:ucdp")).sections["dataset"]
    assert [(f.value, f.active) for f in chosen] == [("ucdp", True)]
    assert [f.value for f in store.facets(compile_query("dataset:curated")).sections["dataset"]] == [
        "curated"
    ]
    assert "dataset" not in store.facets(compile_query("dialogue")).sections  # the seeds' alone: no choice


def test_an_events_names_count_once_in_its_facets(store: Store) -> None:
    facets = store.facets(compile_query(""), limit=100)
    total = store.counts(compile_query("")).matched
    for key in ("group", "actor", "type", "region", "date", "dataset"):
        assert all(0 < f.count <= total for f in facets.sections[key]), key


def test_the_date_column_fits_every_label(store: Store, view) -> None:
    [(longest,)] = view.execute("SELECT max(length(date_label)) FROM timeline").fetchall()
    assert store.date_width() == longest
    assert store.counts(compile_query("dataset:curated")).date_width == longest  # the same under any filter


def test_a_filter_on_the_index_selects_what_it_selects_on_the_view(project: Project, view) -> None:
    """compile_terms' "index" target against "timeline", directly, for every filter above."""
    for text in FILTERS:
        terms = parse(text)
        w_view, p_view = compile_terms(terms, "timeline")
        w_index, p_index = compile_terms(terms, "index")
        on_index = view.execute(
            f"SELECT t.id FROM event_index t WHERE {w_index} ORDER BY 1", p_index
        ).fetchall()
        on_timeline = view.execute(
            f"SELECT t.id FROM timeline t WHERE {w_view} ORDER BY 1", p_view
        ).fetchall()
        assert on_index == on_timeline, text


def test_an_unknown_region_is_in_no_region(view) -> None:
    """`-region:KP` keeps the events whose region is unknown: with `region:KP` it splits them all."""
    [(everything,)] = view.execute("SELECT count(*) FROM timeline").fetchall()
    inside = len(on_view(view, "region:KP", "SELECT t.id FROM timeline t WHERE {where}"))
    outside = len(on_view(view, "-region:KP", "SELECT t.id FROM timeline t WHERE {where}"))
    unknown = len(
        on_view(view, "-region:KP", "SELECT t.id FROM timeline t WHERE {where} AND t.region IS NULL")
    )
    assert inside + outside == everything and unknown > 0
